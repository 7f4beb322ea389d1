"""The official ``poseval`` as a test oracle.

It is not on PyPI and not a dependency: the tests import it from
``../shared/poseval`` beside the repository when that folder is there (else
from ``PYTHONPATH``), and skip, saying why, when it cannot be imported.
"""
import importlib
import os.path as osp
import sys

import pytest

SHARED_POSEVAL = osp.normpath(
    osp.join(
        osp.abspath(__file__), '..', '..', '..', '..', 'shared', 'poseval'))


def import_poseval(*modules: str) -> list:
    """Import ``poseval.<module>`` for each name, or skip the calling test
    module.

    Args:
        *modules (str): Submodules of ``poseval``, e.g. ``'eval_helpers'``.

    Returns:
        list: The imported modules, in order.
    """
    if osp.isdir(SHARED_POSEVAL) and SHARED_POSEVAL not in sys.path:
        sys.path.append(SHARED_POSEVAL)
    try:
        return [importlib.import_module(f'poseval.{m}') for m in modules]
    except ImportError as error:
        pytest.skip(
            f'poseval is not importable ({error}); it is looked up in '
            f'{SHARED_POSEVAL} and on PYTHONPATH',
            allow_module_level=True)
