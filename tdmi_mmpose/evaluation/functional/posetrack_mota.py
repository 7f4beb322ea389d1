# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack MOTA as ``poseval`` (``evaluate.py -t``, ``motmetrics``)
computes it, quirks included (docs/tracking.md, "What is computed")."""
import warnings
from collections import OrderedDict
from typing import Dict, List, Sequence, Tuple

import numpy as np

from .average_precision import nanless_mean, summarize_table
from .geometry import exact_distances, pair_without_ignored, pckh_hits
from .joints import (NUM_JOINTS, PCKH_THRESHOLD, joint_result, joint_values,
                     per_sequence_values)

#: poseval's bound on track ids (it offsets them by video index x this).
MAX_TRACK_ID = 10000

#: The ``motmetrics`` counts poseval sums over videos, per joint.
MOT_COUNT_NAMES = ('num_misses', 'num_switches', 'num_false_positives',
                   'num_objects', 'num_detections')


def _frame_pairs(gt_frames: Sequence[dict],
                 pred_frames: Sequence[dict]) -> List[Tuple[dict, dict]]:
    """The (GT, prediction) frame pairs poseval evaluates: frames with GT
    people, ignore regions applied, all but the last (``imgidxs[:-1]``)."""
    assert len(gt_frames) == len(pred_frames)
    return [
        pair_without_ignored(gt, pred)
        for gt, pred in zip(gt_frames, pred_frames) if len(gt['track_ids'])
    ][:-1]


def _frame_mot_inputs(gt: dict, pred: dict,
                      id_offset: int) -> List[Tuple[np.ndarray, ...]]:
    """Per joint, poseval's ``MOTAccumulator.update`` arguments: object ids
    (K, ), hypothesis ids (L, ), distances (K, L) (NaN: no PCKh hit); an
    empty side gives one unmatchable object and hypothesis 0."""
    if len(gt['track_ids']) == 0 or len(pred['track_ids']) == 0:
        return [(np.zeros(1, np.int64), np.zeros(1, np.int64),
                 np.full((1, 1), np.nan)) for _ in range(NUM_JOINTS)]
    hits = pckh_hits(pred['points'], pred['present'], gt['points'],
                     gt['present'], gt['head_sizes'], PCKH_THRESHOLD)
    dist = exact_distances(gt['points'], pred['points'], gt['head_sizes'],
                           hits.transpose(1, 0, 2))
    inputs = []
    for j in range(NUM_JOINTS):
        gt_idx = np.flatnonzero(gt['present'][:, j])
        pred_idx = np.flatnonzero(pred['present'][:, j])
        pair_dist = dist[gt_idx][:, pred_idx, j]
        inputs.append((gt['track_ids'][gt_idx] + id_offset,
                       pred['track_ids'][pred_idx] + id_offset, pair_dist))
    return inputs


def _video_counts(pairs: Sequence[Tuple[dict, dict]],
                  id_offset: int) -> Dict[str, np.ndarray]:
    """One video's :data:`MOT_COUNT_NAMES` and ``sum_distances`` (the events'
    ``D``) per joint (15, ), one accumulator per joint."""
    try:
        import motmetrics as mm
    except ImportError:
        raise ImportError(
            'PoseTrack MOTA needs the "motmetrics" package (as poseval): '
            'pip install motmetrics==1.4.0') from None
    accumulators = [mm.MOTAccumulator(auto_id=True) for _ in range(NUM_JOINTS)]
    for gt, pred in pairs:
        for acc, inputs in zip(accumulators,
                               _frame_mot_inputs(gt, pred, id_offset)):
            acc.update(*inputs)
    host = mm.metrics.create()
    values = [
        host.compute(acc, metrics=list(MOT_COUNT_NAMES),
                     return_dataframe=False, name='acc')
        for acc in accumulators
    ]
    counts = {
        name: np.array([v[name] for v in values], np.float64)
        for name in MOT_COUNT_NAMES
    }
    counts['sum_distances'] = np.nan_to_num(
        [acc.events['D'].sum() for acc in accumulators])
    return counts


def _metrics_from_counts(counts: Dict[str, np.ndarray]) -> 'OrderedDict':
    """poseval's ``mota``, ``motp``, ``precision`` and ``recall`` (percent,
    (16, ): the joints, then the mean of their non-NaN values)."""
    misses, switches, false_pos, objects, detections = (
        counts[name] for name in MOT_COUNT_NAMES)
    sum_d = counts['sum_distances']
    objects = np.where(objects > 0, objects, np.nan)
    claimed = np.where(false_pos + detections > 0, false_pos + detections,
                       np.nan)
    with np.errstate(divide='ignore', invalid='ignore'):
        metrics = OrderedDict(
            mota=100 * (1. - (misses + switches + false_pos) / objects),
            motp=np.where(detections == 0, 0.0,
                          100 * (1. - (sum_d / detections))),
            precision=100 * (detections / claimed),
            recall=100 * (detections / objects))
    return OrderedDict((name, np.append(values, nanless_mean(values)))
                       for name, values in metrics.items())


def poseval_mota(gt_videos: Dict[str, Sequence[dict]],
                 pred_videos: Dict[str, Sequence[dict]]) -> dict:
    """poseval's ``evaluateTracking``; arguments as
    :func:`~.poseval_ap.poseval_ap`'s, frames with ``track_ids`` (N, ).

    Returns:
        dict: As :func:`~.poseval_ap.poseval_ap`'s, for ``mota``, ``motp``,
        ``precision``, ``recall`` (``per_sequence``: ``mota``, ``motp``,
        ``pre``, ``rec``), the ``table`` of :data:`MOTA_TABLE_NAMES`; as
        ``internals`` the summed counts per joint and ``n_frames_evaluated``.
    """
    totals = {
        name: np.zeros(NUM_JOINTS)
        for name in MOT_COUNT_NAMES + ('sum_distances', )
    }
    per_sequence, num_frames = OrderedDict(), 0
    for index, name in enumerate(sorted(gt_videos)):
        pairs = _frame_pairs(gt_videos[name], pred_videos[name])
        if not pairs:
            if any(len(frame['track_ids']) for frame in gt_videos[name]):
                warnings.warn(
                    f'GT video {name!r}: only one frame with annotated '
                    'people; poseval never evaluates the last such frame of '
                    'a video (and crashes on this one), so it adds nothing '
                    'to MOTA.')
            continue
        counts = _video_counts(pairs, index * MAX_TRACK_ID)
        for key in totals:
            totals[key] += counts[key]
        num_frames += len(pairs)
        per_sequence[name] = per_sequence_values(
            zip(('mota', 'motp', 'pre', 'rec'),
                _metrics_from_counts(counts).values()))
    metrics = _metrics_from_counts(totals)
    internals = {key: joint_values(values) for key, values in totals.items()}
    internals['n_frames_evaluated'] = num_frames
    return joint_result(
        metrics,
        table=OrderedDict(
            summarize_table(metrics['mota']),
            MOTP=float(metrics['motp'][NUM_JOINTS]),
            Precision=float(metrics['precision'][NUM_JOINTS]),
            Recall=float(metrics['recall'][NUM_JOINTS])),
        per_sequence=per_sequence,
        internals=internals)
