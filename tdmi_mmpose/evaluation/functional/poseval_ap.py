# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack multi-person pose estimation AP as ``poseval`` computes it
(``evaluate.py -e``), quirks included (docs/metric.md, "What is computed").
"""
from collections import OrderedDict
from typing import Dict, Sequence, Tuple

import numpy as np

from .average_precision import compute_ap_metrics, summarize_table
from .geometry import pair_without_ignored
from .joints import (NUM_JOINTS, joint_result, joint_values,
                     per_sequence_values)
from .matching import match_frame


def _pool(entries: Sequence[dict]) -> dict:
    """Per joint, the concatenated ``scores`` and ``labels`` of entries,
    and their summed ``num_gt`` (J, )."""
    pooled = {
        key: [
            np.concatenate([e[key][j] for e in entries] + [empty])
            for j in range(NUM_JOINTS)
        ]
        for key, empty in (('scores', np.zeros(0)),
                           ('labels', np.zeros(0, np.int8)))
    }
    pooled['num_gt'] = sum((e['num_gt'] for e in entries),
                           np.zeros(NUM_JOINTS, np.int64))
    return pooled


def match_frames(pairs: Sequence[Tuple[dict, dict]]) -> dict:
    """The pooled ``scores``, ``labels`` and ``num_gt`` of (GT, prediction)
    frame pairs (ignore regions applied, then matched) and ``num_frames``.
    """
    frames = []
    for gt, pred in pairs:
        gt, pred = pair_without_ignored(gt, pred)
        matched = match_frame(pred['points'], pred['present'], pred['scores'],
                              gt['points'], gt['present'], gt['head_sizes'])
        frames.append(dict(zip(('scores', 'labels', 'num_gt'), matched)))
    return dict(_pool(frames), num_frames=len(frames))


def ap_result(per_video: 'OrderedDict[str, dict]',
              min_num_gt: int = 0) -> dict:
    """The AP result (see :func:`poseval_ap`) of each video's
    :func:`match_frames`, pooled in order; recall is divided by
    ``max(num_gt, min_num_gt)``."""

    def metrics_of(entries):
        return compute_ap_metrics(entries['scores'], entries['labels'],
                                  np.maximum(entries['num_gt'], min_num_gt))

    pooled = _pool(list(per_video.values()))
    metrics = OrderedDict(
        zip(('ap', 'precision', 'recall'), metrics_of(pooled)))
    per_sequence = OrderedDict(
        (name, per_sequence_values(zip(('ap', 'pre', 'rec'), metrics_of(e))))
        for name, e in per_video.items())
    internals = dict(
        n_gt_joints=joint_values(pooled['num_gt'], int),
        n_pred_joints=joint_values([len(s) for s in pooled['scores']], int),
        n_true_positives=joint_values([(s == 1).sum()
                                       for s in pooled['labels']], int),
        n_frames_evaluated=sum(e['num_frames'] for e in per_video.values()))
    return joint_result(
        metrics,
        table=summarize_table(metrics['ap']),
        per_sequence=per_sequence,
        internals=internals)


def poseval_ap(gt_videos: Dict[str, Sequence[dict]],
               pred_videos: Dict[str, Sequence[dict]]) -> dict:
    """PoseTrack multi-person pose estimation AP like poseval's
    ``evaluateAP``.

    Args:
        gt_videos (dict[str, Sequence[dict]]): Video name -> GT frames
            (``points`` (G, 15, 2), ``present`` (G, 15), ``head_sizes``
            (G, ), ``ignore_regions``), pooled in sorted name order.
        pred_videos (dict[str, Sequence[dict]]): Video name -> prediction
            frames (``points``, ``present``, ``scores`` (P, 15)), one per GT
            frame, for every GT video.

    Returns:
        dict: :func:`~.joints.joint_result` (percent) of ``ap``,
        ``precision``, ``recall``, with the ``table`` (``Head .. Ankle,
        Total``), ``per_sequence`` (``{video: {'ap', 'pre', 'rec'}}``, NaN as
        ``None``) and ``internals`` (joint counts, ``n_frames_evaluated``).
    """
    per_video = OrderedDict()
    for name in sorted(gt_videos):
        assert len(gt_videos[name]) == len(pred_videos[name])
        per_video[name] = match_frames([
            (gt, pred) for gt, pred in zip(gt_videos[name], pred_videos[name])
            if len(gt['present'])
        ])
    return ap_result(per_video)
