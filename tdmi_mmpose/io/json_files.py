# Copyright (c) tdmi_mmpose contributors.
"""Reading JSON input files: one loader, errors name the file."""
import json
import math
import os
import os.path as osp
from typing import Callable, Container, List, Optional, Sequence

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
        InputError: The path is a folder or a broken link, or the file is
            empty, not UTF-8 or not valid JSON.
    """
    if osp.islink(path) and not osp.exists(path):
        raise InputError(f'{what} {path} is a broken symbolic link (or a '
                         f'loop of links): it points to {os.readlink(path)}')
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
        InputError: The folder holds a folder named ``*.json`` or a
            broken link (not skipped silently).
    """
    if not fileio.isdir(path):
        if not fileio.exists(path):
            raise FileNotFoundError(f'{path}: no such file or folder.')
        return [path]
    broken = sorted(name for name in os.listdir(path)
                    if name.endswith('.json') and not osp.exists(
                        osp.join(path, name))) if osp.isdir(path) else []
    if broken:  # a broken link or a loop of links (else an OSError below)
        raise InputError(
            f'{osp.join(path, broken[0])} is a broken symbolic link (or a '
            f'loop of links) ({len(broken)} such file(s) in {path}).')
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


def json_files_of(paths: Sequence[str]) -> List[str]:
    """The JSON files behind several paths (:func:`json_files` of each, in
    order), each file once.

    Args:
        paths (Sequence[str]): Folders and/or files.

    Returns:
        list[str]: The files.

    Raises:
        InputError: A file is reached twice (a folder given twice, or a
            file and its folder), naming the file and both inputs.
    """
    files, given_by = [], {}
    for item in paths:
        for path in json_files(item):
            key = osp.realpath(path)
            if key in given_by and given_by[key][1] != path:
                raise InputError(
                    f'{path} is the same file as {given_by[key][1]} (a '
                    'link); give each file once.')
            if key in given_by:
                raise InputError(
                    f'{path} is given twice: by input {given_by[key][0]!r} '
                    f'and by input {item!r}; give each file or folder once.')
            given_by[key] = (item, path)
            files.append(path)
    return files


def check_no_other_files(folder: str, names: Container[str],
                         what: str) -> None:
    """Check that a folder holds no ``*.json`` file but ``<name>.json`` of
    ``names`` (a file nothing reads is an error, not ignored silently).

    Args:
        folder (str): The folder (its ``*.json`` files, see
            :func:`json_files`).
        names (Container[str]): The expected file names without ``.json``.
        what (str): Why the other files are wrong, e.g. ``'prediction
            file(s) of videos without ground truth in gt/'``.

    Raises:
        InputError: Naming the folder, the count and the first files.
    """
    other = [
        osp.basename(f) for f in json_files(folder)
        if osp.splitext(osp.basename(f))[0] not in names
    ]
    if other:
        raise InputError(f'{folder}: {len(other)} {what}: {other[:3]}; '
                         'remove them or add their videos.')


#: The command-line flag that lets a tool replace an earlier run's output.
OVERWRITE_FLAG = '--overwrite'


def check_no_earlier_run(folder: str, written: Container[str] = (),
                         overwrite: bool = False,
                         is_output: Optional[Callable[[str], bool]] = None,
                         what: str = 'JSON') -> List[str]:
    """Check that an output folder holds no file of an earlier run (one
    ending in ``extensions`` that this run will not write): else the folder
    would mix two runs.

    Args:
        folder (str): The output folder (may not exist yet).
        written (Container[str]): The file names this run writes (each
            replaced whole, so no mixing).
        overwrite (bool): Allow them (the caller replaces the folder
            whole, or removes them). Defaults to ``False``.
        is_output (Callable[[str], bool], optional): Whether a file name is
            an output file. Defaults to names ending in ``.json``.
        what (str): What they are, in the error. Defaults to ``'JSON'``.

    Returns:
        list[str]: The earlier files' paths (empty unless ``overwrite``).

    Raises:
        InputError: Without ``overwrite``, naming the folder, the number
            of earlier files, the first ones and :data:`OVERWRITE_FLAG`.
    """
    if not osp.isdir(folder):
        return []
    earlier = sorted(
        name for name in os.listdir(folder)
        if (is_output(name) if is_output else name.endswith('.json'))
        and name not in written)
    if earlier and not overwrite:
        raise InputError(
            f'{folder} holds {len(earlier)} {what} file(s) of an earlier run '
            f'({", ".join(earlier[:3])}{", ..." if len(earlier) > 3 else ""})'
            f'; pass {OVERWRITE_FLAG} to replace them, or choose another '
            'folder.')
    return [osp.join(folder, name) for name in earlier]
