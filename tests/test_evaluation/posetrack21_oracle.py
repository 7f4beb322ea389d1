"""The official PoseTrack21 evaluation kit as a test oracle.

It is not a dependency: the tests import it, unmodified, from
``../shared/posetrack21_eval`` beside the repository (its ``ORIGIN.md``),
after giving numpy >= 1.24 back the aliases it uses (``np.float``,
``np.int``, ``np.bool``), and skip, saying why, when it is not there.
"""
import contextlib
import importlib
import io
import os.path as osp
import sys

import numpy as np
import pytest

SHARED_KIT = osp.normpath(
    osp.join(
        osp.abspath(__file__), '..', '..', '..', '..', 'shared',
        'posetrack21_eval'))


def import_kit():
    """``posetrack21.trackeval`` of the kit, or skip the calling module."""
    if not osp.isdir(SHARED_KIT):
        pytest.skip(
            f'the PoseTrack21 kit is not at {SHARED_KIT}',
            allow_module_level=True)
    np.float, np.int, np.bool = float, int, bool  # numpy 1.22's aliases
    if SHARED_KIT not in sys.path:
        sys.path.append(SHARED_KIT)
    try:
        return importlib.import_module('posetrack21.trackeval')
    except ImportError as error:
        pytest.skip(
            f'the PoseTrack21 kit in {SHARED_KIT} is not importable '
            f'({error})',
            allow_module_level=True)


def _run_kit(evaluator: str, metric: str, gt_dir: str, pred_dir: str) -> dict:
    """The kit's ``trackeval.<evaluator>`` with ``metrics.<metric>`` on a GT
    folder and a prediction folder: ``{'COMBINED_SEQ' or '<video>.json':
    that metric's result}``."""
    trackeval = import_kit()
    evaluator_class = getattr(trackeval, evaluator)
    eval_config = dict(
        evaluator_class.get_default_eval_config(),
        PRINT_RESULTS=False,
        OUTPUT_PAPER_SUMMARY=False,
        TIME_PROGRESS=False,
        LOG_ON_ERROR=None)
    dataset_config = dict(
        GT_FOLDER=gt_dir.rstrip('/') + '/',
        TRACKERS_FOLDER=pred_dir.rstrip('/') + '/',
        PRINT_CONFIG=False,
        ASSURE_SINGLE_TRACKER=True)
    with contextlib.redirect_stdout(io.StringIO()):
        dataset = trackeval.datasets.PoseTrack(dataset_config)
        results, _ = evaluator_class(eval_config).evaluate(
            [dataset], [getattr(trackeval.metrics, metric)()])
    tracker, = results['PoseTrack'].values()
    return {seq: value['person'][metric] for seq, value in tracker.items()}


def kit_pose_map(gt_dir: str, pred_dir: str) -> dict:
    """The kit's ``PosemAP`` of a GT folder and a prediction folder (files
    named ``*_test*.json``): ``{'COMBINED_SEQ' or '<video>.json': {'map',
    'precision', 'recall': {'Head' .. 'Total': value}}}``."""
    return _run_kit('PoseEvaluator', 'PosemAP', gt_dir, pred_dir)


def kit_keypoint_hota(gt_dir: str, pred_dir: str) -> dict:
    """The kit's ``HOTAeypoints`` (``scripts/run_posetrack_challenge.py``)
    of a GT folder and a prediction folder: ``{'COMBINED_SEQ' or
    '<video>.json': {field: array (19, 16)}}`` (its 15 joints in its order,
    then Total)."""
    return _run_kit('Evaluator', 'HOTAeypoints', gt_dir, pred_dir)
