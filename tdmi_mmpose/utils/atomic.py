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
    """Raise :class:`InputError` if ``path`` is a folder."""
    if osp.isdir(path):
        raise InputError(f'{path}: output path is a folder, not a file.')


def _chmod_as_created(path: str, mode: int) -> None:
    """Give a private ``mkstemp``/``mkdtemp`` result the permissions of a
    plain ``open()``/``makedirs()`` (``mode`` less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, mode & ~umask)


@contextlib.contextmanager
def atomic_output(path: str, suffix: str = '.tmp') -> Iterator[str]:
    """Yield a temporary path beside ``path``; rename it to ``path`` when
    the block ends without an exception, delete it otherwise.

    Args:
        path (str): The final path (not a folder); its folder is created if
            missing.
        suffix (str): End of the temporary name, e.g. ``'.tmp.mp4'`` for a
            writer that reads the extension. Defaults to ``'.tmp'``.

    Yields:
        str: The temporary path to write to.
    """
    check_output_file(path)
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f'.{osp.basename(path)}.', suffix=suffix, dir=folder)
    os.close(fd)
    try:
        yield tmp
        _chmod_as_created(tmp, 0o666)
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


@contextlib.contextmanager
def atomic_folder(path: str) -> Iterator[str]:
    """Yield a temporary folder beside ``path`` (whose parent is created if
    missing); it replaces ``path`` when the block ends without an exception,
    and is deleted otherwise."""
    parent = osp.dirname(osp.abspath(path))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(
        prefix=f'.{osp.basename(osp.normpath(path))}.',
        suffix='.tmp',
        dir=parent)
    try:
        yield tmp
        _chmod_as_created(tmp, 0o777)
        if osp.isdir(path):
            shutil.rmtree(path)
        os.rename(tmp, path)
    finally:
        if osp.isdir(tmp):
            shutil.rmtree(tmp)


def atomic_write_json(obj: Any, path: str, **kwargs) -> None:
    """Write ``obj`` as strict JSON to ``path`` atomically (a NaN or an
    infinity is a ``ValueError``); ``kwargs`` go to :func:`json.dump`."""
    with atomic_output(path) as tmp:
        with open(tmp, 'w') as f:
            json.dump(obj, f, allow_nan=False, **kwargs)
