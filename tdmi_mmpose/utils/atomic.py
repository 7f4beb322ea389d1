# Copyright (c) tdmi_mmpose contributors.
"""Outputs that appear under their final name only when complete."""
import contextlib
import json
import os
import os.path as osp
import shutil
import tempfile
from typing import Any, Iterator

from .errors import InputError


def check_output_file(path: str) -> None:
    """Check that ``path`` can be written as a file (it is not a folder).

    Raises:
        InputError: ``path`` is an existing folder.
    """
    if osp.isdir(path):
        raise InputError(f'{path}: output path is a folder, not a file.')


@contextlib.contextmanager
def atomic_output(path: str, suffix: str = '.tmp') -> Iterator[str]:
    """Yield a temporary path beside ``path``; rename it to ``path`` when
    the block ends without an exception, delete it otherwise.

    A run that fails or is killed inside the block leaves no file under the
    final name (at most a hidden ``.<name>.*.tmp`` beside it).

    Args:
        path (str): The final path; its folder is created if missing.
        suffix (str): End of the temporary name. Defaults to ``'.tmp'``;
            writers that choose the format by the extension (OpenCV's video
            writer) need it to end in the real one, e.g. ``'.tmp.mp4'``.

    Yields:
        str: The temporary path to write to.

    Raises:
        InputError: ``path`` is a folder (:func:`check_output_file`).
    """
    check_output_file(path)
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f'.{osp.basename(path)}.', suffix=suffix, dir=folder)
    os.close(fd)
    try:
        yield tmp
        # mkstemp makes the file private (0600): give it the permissions a
        # plain open() would have
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


@contextlib.contextmanager
def atomic_folder(path: str) -> Iterator[str]:
    """Yield a temporary folder beside ``path``; when the block ends without
    an exception it replaces ``path`` (an existing folder there is removed
    first), otherwise it is deleted.

    A run that fails or is killed inside the block leaves ``path`` as it
    was (at most a hidden ``.<name>.*.tmp`` folder beside it).

    Args:
        path (str): The final folder; its parent is created if missing.

    Yields:
        str: The temporary folder to fill.
    """
    parent = osp.dirname(osp.abspath(path))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(
        prefix=f'.{osp.basename(osp.normpath(path))}.',
        suffix='.tmp',
        dir=parent)
    try:
        yield tmp
        # mkdtemp makes the folder private (0700): give it the permissions
        # a plain makedirs() would have
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        if osp.isdir(path):
            shutil.rmtree(path)
        os.rename(tmp, path)
    finally:
        if osp.isdir(tmp):
            shutil.rmtree(tmp)


def atomic_write_json(obj: Any, path: str, **kwargs) -> None:
    """Write ``obj`` as strict JSON (no NaN/Infinity) to ``path`` atomically.

    Args:
        obj: JSON-serialisable object.
        path (str): Output path.
        **kwargs: Passed to :func:`json.dump` (e.g. ``indent``).

    Raises:
        ValueError: ``obj`` holds a NaN or an infinity.
    """
    with atomic_output(path) as tmp:
        with open(tmp, 'w') as f:
            json.dump(obj, f, allow_nan=False, **kwargs)
