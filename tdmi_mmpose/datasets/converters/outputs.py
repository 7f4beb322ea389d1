# Copyright (c) tdmi_mmpose contributors.
"""Writing the outputs of the converters: strict JSON, and a folder of files
that appear under their final names only when all of them are complete."""
import json
import os
import os.path as osp
import tempfile
from typing import Dict, List

from ...io import OVERWRITE_FLAG, InputError, check_no_earlier_run
from ...io.output_folders import make_output_folder
from ...utils.atomic import atomic_folder, check_output_file


def add_overwrite_argument(parser, folder: str) -> None:
    """The ``--overwrite`` option of a converter writing into ``folder``
    (:func:`write_json_files`)."""
    parser.add_argument(
        OVERWRITE_FLAG, action='store_true',
        help=f'replace {folder} whole when it holds JSON files of an earlier '
        'run (else that is an error: the folder would mix two runs)')


def write_json_files(files: Dict[str, object], out_dir: str,
                     overwrite: bool = False) -> List[str]:
    """Write strict JSON files into ``out_dir``, all or nothing, never
    mixed with an earlier run (:func:`~tdmi_mmpose.io.check_no_earlier_run`):
    they go to a hidden temporary folder first, renamed in one step (a new
    ``out_dir``) or file by file once every one was written.

    Args:
        files (dict[str, object]): File name (no folder) -> JSON object.
        out_dir (str): The output folder.
        overwrite (bool): Replace an ``out_dir`` of an earlier run whole.
            Defaults to ``False``.

    Returns:
        list[str]: The written paths, in the order of ``files``.
    """
    make_output_folder(out_dir, create=False)
    finals = [osp.join(out_dir, name) for name in files]
    for path in finals:
        check_output_file(path)
    earlier = check_no_earlier_run(out_dir, files, overwrite)
    if not osp.isdir(out_dir) or earlier:
        with atomic_folder(out_dir) as tmp:
            _dump_strict(files, tmp, out_dir)
        return finals
    with tempfile.TemporaryDirectory(
            prefix=f'.{osp.basename(osp.normpath(out_dir))}.',
            suffix='.tmp',
            dir=out_dir) as tmp:
        _dump_strict(files, tmp, out_dir)
        for name, path in zip(files, finals):
            os.replace(osp.join(tmp, name), path)
    return finals


def _dump_strict(files: Dict[str, object], folder: str, out_dir: str) -> None:
    """Write each object as strict JSON into ``folder`` (errors name its
    final path in ``out_dir``)."""
    for name, obj in files.items():
        with open(osp.join(folder, name), 'w') as f:
            try:
                json.dump(obj, f, allow_nan=False)
            except ValueError as e:
                raise InputError(
                    f'{osp.join(out_dir, name)}: cannot be written as '
                    f'strict JSON ({e}).') from None
