# Copyright (c) tdmi_mmpose contributors.
"""Evaluating PoseTrack files like ``python -m poseval.evaluate -e [-t]``
(or the PoseTrack21 kit's ``PosemAP`` and ``HOTAeypoints``) and reporting
the numbers (tables, JSON summary): ``tools/posetrack_eval.py``
runs these, :class:`PoseTrackAPMetric` logs the same report."""
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple

from ...io import check_no_other_files, load_json
from ...utils.table import format_table, json_number
from ..functional import (AP_PROTOCOLS, AP_TABLE_HEADERS, HOTA_NAMES,
                          MOTA_TABLE_HEADERS, POSEVAL_JOINT_NAMES,
                          TRACKING_PROTOCOLS)
from .posetrack_files import (Sources, Videos, load_posetrack_gt,
                              parse_posetrack_videos)


def check_protocol(protocol: str) -> None:
    """An evaluation protocol (:data:`~..functional.AP_PROTOCOLS`)."""
    if protocol not in AP_PROTOCOLS:
        raise ValueError(f'protocol={protocol!r}: the protocols are '
                         f'{list(AP_PROTOCOLS)}.')


def evaluate_posetrack_videos(
        gt_videos: Videos,
        pred_videos: Videos,
        gt_sources: Optional[Sources] = None,
        pred_sources: Optional[Sources] = None,
        track: bool = False,
        protocol: str = 'poseval') -> Tuple[dict, Optional[dict]]:
    """The AP of a protocol (``'poseval'`` or ``'posetrack21'``, see
    :func:`check_protocol`) and, with ``track``, its tracking metric
    (poseval's MOTA or the kit's keypoint HOTA) of PoseTrack18 JSON videos (see
    :func:`~.posetrack_files.parse_posetrack_videos` for the arguments;
    with ``track`` every annotation needs a ``track_id``).

    Returns:
        tuple: The AP (see
        :func:`~tdmi_mmpose.evaluation.functional.poseval_ap`) and the
        tracking result (:func:`~tdmi_mmpose.evaluation.functional.
        poseval_mota` or :func:`~tdmi_mmpose.evaluation.functional.
        posetrack21_hota`, ``None`` without ``track``).
    """
    check_protocol(protocol)
    gt, pred = parse_posetrack_videos(gt_videos, pred_videos, gt_sources,
                                      pred_sources, track, protocol)
    return (AP_PROTOCOLS[protocol](gt, pred),
            TRACKING_PROTOCOLS[protocol](gt, pred) if track else None)


def evaluate_posetrack_folders(
        gt_dir: str,
        pred_dir: str,
        track: bool = False,
        protocol: str = 'poseval') -> Tuple[dict, Optional[dict]]:
    """Evaluate a folder of per-video prediction files (``<video>.json`` for
    each GT video; a missing one is a ``FileNotFoundError``, one of a
    video without GT an :class:`~tdmi_mmpose.io.InputError`) against the GT
    (a folder of per-video files or one merged file), like ``python -m
    poseval.evaluate -g GT -p PRED -e [-t]`` (or, with ``protocol=
    'posetrack21'``, the PoseTrack21 kit's ``PosemAP`` [and its keypoint
    HOTA]); see
    :func:`evaluate_posetrack_videos`."""
    gt_videos, gt_sources = load_posetrack_gt(gt_dir)
    pred_sources = OrderedDict(
        (name, osp.join(pred_dir, f'{name}.json')) for name in gt_videos)
    pred_videos = OrderedDict((name, load_json(path, 'Prediction file'))
                              for name, path in pred_sources.items())
    check_no_other_files(
        pred_dir, gt_videos,
        f'prediction file(s) of videos without ground truth in {gt_dir}')
    return evaluate_posetrack_videos(gt_videos, pred_videos, gt_sources,
                                     pred_sources, track, protocol)


def format_poseval_table(table: Dict[str, float]) -> Tuple[str, str]:
    """poseval's printed table of an AP or a MOTA result's ``table`` (or
    the HOTA one's): the header (two lines for MOTA) and the value line."""
    headers = MOTA_TABLE_HEADERS if 'MOTP' in table else ((
        HOTA_NAMES, ) if 'HOTA' in table else AP_TABLE_HEADERS)
    lines = format_table([list(table.values())], headers, 'latex',
                         '.1f').split('\n')
    return '\n'.join(lines[:-1]), lines[-1]


def _joint_table(result: dict, names: Tuple[str, ...]) -> str:
    """Per joint (and total) values of an AP or tracking result."""
    keys = list(result['total'])
    rows = [[joint] + [result['per_joint'][joint][k] for k in keys]
            for joint in POSEVAL_JOINT_NAMES]
    rows.append(['total'] + [result['total'][k] for k in keys])
    return format_table(
        rows, [('joint', ) + names], widths=(15, ) + (7, ) * len(keys))


def _tracking_report(tracking: dict) -> list:
    """The report lines of a MOTA or a keypoint HOTA result."""
    hota = 'HOTA' in tracking['table']
    return [
        '# frames evaluated for tracking: '
        f'{tracking["internals"]["n_frames_evaluated"]}',
        'Keypoint HOTA (PoseTrack21 kit, mean over 19 alphas):'
        if hota else 'Multiple Object Tracking (MOT) metrics:',
        *format_poseval_table(tracking['table']),
        _joint_table(tracking, HOTA_NAMES if hota else
                     ('MOTA', 'MOTP', 'Prec', 'Rec'))
    ]


def tracking_stats(tracking: dict) -> List[Tuple[str, float]]:
    """The metric's (name, value) pairs of a tracking result: ``HOTA``,
    ``DetA``, ``AssA``, ``LocA`` (the kit's Totals) or ``MOTA``, ``MOTP``,
    ``Precision``, ``Recall`` (poseval's, from its tracking table)."""
    table = tracking['table']
    if 'HOTA' in table:
        return [(name, table[name]) for name in HOTA_NAMES]
    return [('MOTA', table['Total'])] + [
        (name, table[name]) for name in ('MOTP', 'Precision', 'Recall')
    ]


def format_report(ap: dict, tracking: Optional[dict] = None) -> str:
    """The report of an AP (and tracking) result, as
    ``tools/posetrack_eval.py`` prints it and the metric logs it: poseval's
    tables, per-joint values."""
    lines = [
        f'# frames evaluated: {ap["internals"]["n_frames_evaluated"]}',
        'Average Precision (AP) metric:', *format_poseval_table(ap['table']),
        _joint_table(ap, ('AP', 'Prec', 'Rec'))
    ]
    if tracking is not None:
        lines += _tracking_report(tracking)
    return '\n'.join(lines)


def results_to_json(result: dict) -> dict:
    """The JSON summary of an AP or tracking result ``tools/posetrack_eval.py``
    writes: ``{table name: value, 'per_joint': {joint: {metric: value}}}``
    in percent, NaN as ``None``."""
    summary = OrderedDict(
        (name, json_number(value)) for name, value in result['table'].items())
    summary['per_joint'] = OrderedDict((joint, {
        key: json_number(value)
        for key, value in values.items()
    }) for joint, values in result['per_joint'].items())
    return summary
