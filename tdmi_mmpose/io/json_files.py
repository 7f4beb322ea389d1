# Copyright (c) tdmi_mmpose contributors.
"""Reading JSON input files: one loader, errors name the file."""
import json
import math
import os.path as osp
from typing import List

from mmengine import fileio

from ..utils.errors import InputError


def load_json(path: str, what: str = 'File') -> object:
    """Load a JSON file with :func:`mmengine.fileio.load`.

    Args:
        path (str): The file (any mmengine file backend).
        what (str): How to name the file in errors. Defaults to ``'File'``.

    Returns:
        object: The parsed JSON.

    Raises:
        FileNotFoundError: The file does not exist.
        InputError: The path is a folder, or the file is empty,
            not UTF-8 or not valid JSON.
    """
    if not fileio.exists(path):
        raise FileNotFoundError(f'{what} not found: {path}')
    problem = f'{what} {path} is a folder, not a JSON file.'
    if not fileio.isdir(path):
        try:
            return fileio.load(path, file_format='json')
        except json.JSONDecodeError as e:
            problem = (f'{what} {path} is empty.' if not e.doc.strip() else
                       f'{path}: not valid JSON (malformed JSON: {e}).')
        except UnicodeDecodeError as e:
            problem = f'{path}: not valid JSON (not UTF-8 text: {e}).'
    raise InputError(problem)


def check_json_finite(data: object, source: str) -> None:
    """Check that a loaded JSON object holds no NaN or infinity anywhere
    (Python's ``json`` reads the non-standard ``NaN`` and ``Infinity``), so
    that it can be written back as strict JSON.

    Args:
        data (object): The loaded JSON.
        source (str): Its file, for errors.

    Raises:
        InputError: Naming ``source``, the JSON path of the first
            non-finite value (e.g. ``annotations[3].keypoints[7]``) and the
            value.
    """
    stack = [(data, '')]
    while stack:
        value, key = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(
                f'{source}: field {key or "(top level)"} is {value!r}, not a '
                'finite number.')
        if isinstance(value, dict):
            stack += [(v, f'{key}.{k}' if key else str(k))
                      for k, v in reversed(list(value.items()))]
        elif isinstance(value, list):
            stack += [(v, f'{key}[{i}]')
                      for i, v in reversed(list(enumerate(value)))]


def json_files(path: str) -> List[str]:
    """The JSON files behind a path: the ``*.json`` files of a folder
    (sorted by name, not recursive), or the file itself.

    Args:
        path (str): A folder or a file.

    Returns:
        list[str]: The files.

    Raises:
        FileNotFoundError: The path does not exist, or the folder has no
            ``.json`` file.
        InputError: The folder holds a folder named ``*.json``
            (not skipped silently).
    """
    if not fileio.isdir(path):
        if not fileio.exists(path):
            raise FileNotFoundError(f'{path}: no such file or folder.')
        return [path]
    folders = sorted(
        name for name in fileio.list_dir_or_file(
            path, list_dir=True, list_file=False) if name.endswith('.json'))
    if folders:
        raise InputError(
            f'{osp.join(path, folders[0])} is a folder, not a JSON file '
            f'({len(folders)} such folder(s) in {path}).')
    files = sorted(
        osp.join(path, name) for name in fileio.list_dir_or_file(
            path, list_dir=False, suffix='.json'))
    if not files:
        raise FileNotFoundError(f'{path}: no .json files in folder.')
    return files
