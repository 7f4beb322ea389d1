"""The official ``poseval`` as a test oracle.

It is not on PyPI and not a dependency: the tests import it from
``../shared/poseval`` beside the repository when that folder is there (else
from ``PYTHONPATH``), and skip, saying why, when it cannot be imported.
"""
import contextlib
import importlib
import os.path as osp
import sys
from unittest import mock

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


@contextlib.contextmanager
def sorted_video_listing():
    """Make poseval list the video files in sorted order, like ours.

    poseval reads a folder in its directory-listing order, which decides its
    video indices (offsets of the track ids, for MOTA) and how exactly tied
    scores rank (for AP).
    """
    eval_helpers, = import_poseval('eval_helpers')
    listing = eval_helpers.glob.glob
    with mock.patch.object(eval_helpers.glob, 'glob',
                           lambda pattern: sorted(listing(pattern))):
        yield


def poseval_totals(gt_dir: str, pred_dir: str, track_dir: str,
                   out_dir: str) -> dict:
    """poseval's Total AP of a prediction folder (``python -m
    poseval.evaluate -e``) and Total MOTA, with MOTP, precision and recall,
    of another (``-t``); videos in sorted order (like ours).

    Args:
        gt_dir (str): Folder of per-video GT files.
        pred_dir (str): Folder of per-video prediction files for AP.
        track_dir (str): Folder of per-video prediction files for MOTA.
        out_dir (str): Folder for poseval's per-sequence output files.

    Returns:
        dict: ``ap``, ``mota``, ``motp``, ``precision``, ``recall`` totals
        (percent; NaN as poseval gives it).
    """
    import io
    import os
    eval_helpers, evaluate_ap, evaluate_tracking = import_poseval(
        'eval_helpers', 'evaluateAP', 'evaluateTracking')
    os.makedirs(out_dir, exist_ok=True)
    with contextlib.redirect_stdout(io.StringIO()), sorted_video_listing():
        gt_frames, pred_frames = eval_helpers.load_data_dir(
            ['', gt_dir + '/', pred_dir + '/'])
        ap, _, _ = evaluate_ap.evaluateAP(gt_frames, pred_frames, None,
                                          False, False)
        gt_frames, pred_frames = eval_helpers.load_data_dir(
            ['', gt_dir + '/', track_dir + '/'])
        tracking = evaluate_tracking.evaluateTracking(gt_frames, pred_frames,
                                                      out_dir + '/', True,
                                                      False)
    total = ap.ravel()[-1]
    return dict(
        ap=float(total),
        mota=float(tracking['mota'].ravel()[-1]),
        motp=float(tracking['motp'].ravel()[-1]),
        precision=float(tracking['pre'].ravel()[-1]),
        recall=float(tracking['rec'].ravel()[-1]))
