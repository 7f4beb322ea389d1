# Copyright (c) tdmi_mmpose contributors.
"""Output folders given by users: not a file, not an earlier run's."""
import os
import os.path as osp
import shutil

from ..utils.errors import InputError
from .json_files import OVERWRITE_FLAG


def make_output_folder(path: str, create: bool = True) -> None:
    """Create the output folder ``path`` (with its parents) if missing, or
    with ``create=False`` only check that no file stands in its way."""
    try:
        if create:
            os.makedirs(path, exist_ok=True)
        elif osp.exists(path) and not osp.isdir(path):
            raise FileExistsError(path)
    except (FileExistsError, NotADirectoryError):
        raise InputError(f'{path}: output folder is a file (or a file is '
                         'in its path).') from None


def prepare_output_folder(path: str, overwrite: bool = False) -> None:
    """Create an empty output folder ``path``; one that is not empty holds
    an earlier run and is an error, or with ``overwrite`` is removed
    whole."""
    entries = sorted(os.listdir(path)) if osp.isdir(path) else []
    if entries and not overwrite:
        raise InputError(
            f'{path} is not empty ({", ".join(entries[:3])}'
            f'{", ..." if len(entries) > 3 else ""}): an earlier run; pass '
            f'{OVERWRITE_FLAG} to replace it whole, or choose another '
            'folder.')
    if entries:
        shutil.rmtree(path)
    make_output_folder(path)
