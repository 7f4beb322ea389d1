# Copyright (c) tdmi_mmpose contributors.
"""Evaluating PoseTrack files like ``python -m poseval.evaluate -e [-t]``
and reporting the numbers (tables, JSON summary): ``tools/posetrack_eval.py``
runs these, :class:`PoseTrackAPMetric` logs the same report."""
import os.path as osp
from collections import OrderedDict
from typing import Dict, Optional, Tuple

from ...io import check_no_other_files, load_json
from ...utils.table import format_table, json_number
from ..functional import (AP_PROTOCOLS, AP_TABLE_HEADERS, MOTA_TABLE_HEADERS,
                          POSEVAL_JOINT_NAMES, poseval_mota)
from .posetrack_files import (Sources, Videos, load_posetrack_gt,
                              parse_posetrack_videos)


def check_protocol(protocol: str, track: bool) -> None:
    """An evaluation protocol (:data:`~..functional.AP_PROTOCOLS`) the
    evaluation can compute, with tracking (``track``) or without."""
    if protocol not in AP_PROTOCOLS or (track and protocol != 'poseval'):
        raise ValueError(
            f'protocol={protocol!r} with track={track}: the protocols are '
            f'{list(AP_PROTOCOLS)}, and tracking (MOTA) is computed with '
            '"poseval" only (the PoseTrack21 kit\'s keypoint HOTA is not '
            'implemented yet).')


def evaluate_posetrack_videos(
        gt_videos: Videos,
        pred_videos: Videos,
        gt_sources: Optional[Sources] = None,
        pred_sources: Optional[Sources] = None,
        track: bool = False,
        protocol: str = 'poseval') -> Tuple[dict, Optional[dict]]:
    """The AP of a protocol (``'poseval'`` or ``'posetrack21'``, see
    :func:`check_protocol`) and, with ``track``, poseval's MOTA of
    PoseTrack18 JSON videos (see
    :func:`~.posetrack_files.parse_posetrack_videos` for the arguments;
    with ``track`` every annotation needs a ``track_id``).

    Returns:
        tuple: The AP (see
        :func:`~tdmi_mmpose.evaluation.functional.poseval_ap`) and the MOTA
        (:func:`~tdmi_mmpose.evaluation.functional.poseval_mota`, ``None``
        without ``track``).
    """
    check_protocol(protocol, track)
    gt, pred = parse_posetrack_videos(gt_videos, pred_videos, gt_sources,
                                      pred_sources, track, protocol)
    return (AP_PROTOCOLS[protocol](gt, pred),
            poseval_mota(gt, pred) if track else None)


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
    'posetrack21'``, the PoseTrack21 kit's ``PosemAP``); see
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
    """poseval's printed table of an AP or a MOTA result's ``table``: the
    header (two lines for MOTA) and the value line."""
    headers = MOTA_TABLE_HEADERS if 'MOTP' in table else AP_TABLE_HEADERS
    lines = format_table([list(table.values())], headers, 'latex',
                         '.1f').split('\n')
    return '\n'.join(lines[:-1]), lines[-1]


def _joint_table(result: dict, names: Tuple[str, ...]) -> str:
    """Per joint (and total) values of an AP or MOTA result."""
    keys = list(result['total'])
    rows = [[joint] + [result['per_joint'][joint][k] for k in keys]
            for joint in POSEVAL_JOINT_NAMES]
    rows.append(['total'] + [result['total'][k] for k in keys])
    return format_table(
        rows, [('joint', ) + names], widths=(15, ) + (7, ) * len(keys))


def format_report(ap: dict, mota: Optional[dict] = None) -> str:
    """The report of an AP (and MOTA) result, as ``tools/posetrack_eval.py``
    prints it and the metric logs it: poseval's tables, per-joint values."""
    lines = [
        f'# frames evaluated: {ap["internals"]["n_frames_evaluated"]}',
        'Average Precision (AP) metric:', *format_poseval_table(ap['table']),
        _joint_table(ap, ('AP', 'Prec', 'Rec'))
    ]
    if mota is not None:
        lines += [
            '# frames evaluated for tracking: '
            f'{mota["internals"]["n_frames_evaluated"]}',
            'Multiple Object Tracking (MOT) metrics:',
            *format_poseval_table(mota['table']),
            _joint_table(mota, ('MOTA', 'MOTP', 'Prec', 'Rec'))
        ]
    return '\n'.join(lines)


def results_to_json(result: dict) -> dict:
    """The JSON summary of an AP or MOTA result ``tools/posetrack_eval.py``
    writes: ``{table name: value, 'per_joint': {joint: {metric: value}}}``
    in percent, NaN as ``None``."""
    summary = OrderedDict(
        (name, json_number(value)) for name, value in result['table'].items())
    summary['per_joint'] = OrderedDict((joint, {
        key: json_number(value)
        for key, value in values.items()
    }) for joint, values in result['per_joint'].items())
    return summary
