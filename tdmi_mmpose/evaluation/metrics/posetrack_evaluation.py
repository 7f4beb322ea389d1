# Copyright (c) tdmi_mmpose contributors.
"""Evaluating PoseTrack files like poseval or the PoseTrack21 kit, and the
report (tables, JSON summary) of ``tools/posetrack_eval.py`` and the metric."""
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
    """The protocol's AP (:data:`~..functional.AP_PROTOCOLS`) and, with
    ``track``, its tracking result (:data:`~..functional.TRACKING_PROTOCOLS`,
    else ``None``) of PoseTrack18 JSON videos (arguments: see
    :func:`~.posetrack_files.parse_posetrack_videos`)."""
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
    """:func:`evaluate_posetrack_videos` of a folder of ``<video>.json``
    files, one per GT video (a folder or a merged file), like poseval's
    ``evaluate -g GT -p PRED -e [-t]``."""
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
    """poseval's printed table of a result's ``table``: the header (two
    lines for MOTA) and the value line."""
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


def tracking_stats(tracking: dict) -> List[Tuple[str, float]]:
    """The metric's (name, value) pairs of a tracking result: the HOTA
    table, or ``MOTA`` (the Total), ``MOTP``, ``Precision``, ``Recall``."""
    table = tracking['table']
    if 'HOTA' in table:
        return list(table.items())
    return [('MOTA', table['Total'])] + [(name, table[name]) for name in
                                         ('MOTP', 'Precision', 'Recall')]


def format_report(ap: dict, tracking: Optional[dict] = None) -> str:
    """The report of an AP (and tracking) result: poseval's tables and the
    per-joint values."""
    lines = [
        f'# frames evaluated: {ap["internals"]["n_frames_evaluated"]}',
        'Average Precision (AP) metric:', *format_poseval_table(ap['table']),
        _joint_table(ap, ('AP', 'Prec', 'Rec'))
    ]
    if tracking is not None:
        hota = 'HOTA' in tracking['table']
        lines += [
            '# frames evaluated for tracking: '
            f'{tracking["internals"]["n_frames_evaluated"]}',
            'Keypoint HOTA (PoseTrack21 kit, mean over 19 alphas):'
            if hota else 'Multiple Object Tracking (MOT) metrics:',
            *format_poseval_table(tracking['table']),
            _joint_table(tracking, HOTA_NAMES if hota else
                         ('MOTA', 'MOTP', 'Prec', 'Rec'))
        ]
    return '\n'.join(lines)


def results_to_json(result: dict) -> dict:
    """The JSON summary of a result: ``{table name: value, 'per_joint':
    {joint: {metric: value}}}``, NaN as ``None``."""
    summary = OrderedDict(
        (name, json_number(value)) for name, value in result['table'].items())
    summary['per_joint'] = OrderedDict(
        (joint, {key: json_number(v) for key, v in values.items()})
        for joint, values in result['per_joint'].items())
    return summary
