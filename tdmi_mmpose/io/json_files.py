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
    """Load a JSON file (any mmengine file backend), errors naming it as
    ``what`` (a missing file is a ``FileNotFoundError``)."""
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
    """Check that loaded JSON holds no NaN or infinity (which Python's
    ``json`` reads); the error names the path, e.g. ``annotations[3].x``."""
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
    (sorted, not recursive; none is an error), or the file itself."""
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
    """:func:`json_files` of each path, in order; a file reached twice is
    an error."""
    files, given_by = [], {}
    for item in paths:
        for path in json_files(item):
            key = osp.realpath(path)
            if key in given_by:
                first_input, first_path = given_by[key]
                raise InputError(
                    f'{path} is the same file as {first_path} (a link); give '
                    'each file once.' if first_path != path else
                    f'{path} is given twice: by input {first_input!r} and by '
                    f'input {item!r}; give each file or folder once.')
            given_by[key] = (item, path)
            files.append(path)
    return files


def check_no_other_files(folder: str, names: Container[str],
                         what: str) -> None:
    """Check that a folder holds no ``*.json`` file but ``<name>.json`` of
    ``names``; ``what`` says what the others are."""
    other = [
        osp.basename(f) for f in json_files(folder)
        if osp.splitext(osp.basename(f))[0] not in names
    ]
    if other:
        raise InputError(f'{folder}: {len(other)} {what}: {other[:3]}; '
                         'remove them or add their videos.')


OVERWRITE_FLAG = '--overwrite'


def check_no_earlier_run(folder: str, written: Container[str] = (),
                         overwrite: bool = False,
                         is_output: Optional[Callable[[str], bool]] = None,
                         what: str = 'JSON') -> List[str]:
    """Check that an output folder (may be missing) holds no output file of
    an earlier run, one this run will not write, which would mix two runs.

    Args:
        folder (str): The output folder.
        written (Container[str]): The file names this run writes.
        overwrite (bool): Allow earlier files (the caller removes them).
        is_output (Callable[[str], bool], optional): Whether a file name is
            an output file. Defaults to names ending in ``.json``.
        what (str): What they are, in the error. Defaults to ``'JSON'``.

    Returns:
        list[str]: The earlier files' paths (empty unless ``overwrite``).
    """
    if not osp.isdir(folder):
        return []
    is_output = is_output or (lambda name: name.endswith('.json'))
    earlier = sorted(name for name in os.listdir(folder)
                     if is_output(name) and name not in written)
    if earlier and not overwrite:
        raise InputError(
            f'{folder} holds {len(earlier)} {what} file(s) of an earlier run '
            f'({", ".join(earlier[:3])}{", ..." if len(earlier) > 3 else ""})'
            f'; pass {OVERWRITE_FLAG} to replace them, or choose another '
            'folder.')
    return [osp.join(folder, name) for name in earlier]
