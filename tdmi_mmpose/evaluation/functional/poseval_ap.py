# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack multi-person pose estimation AP, as computed by ``poseval``,
from parsed frames (see
:func:`tdmi_mmpose.evaluation.metrics.posetrack_io.parse_posetrack_video`).

A numpy-only reimplementation of the AP path of the official PoseTrack
evaluation code (github.com/leonid-pishchulin/poseval, ``evaluate.py -e``),
including its quirks:

- Ground truth and predictions are read from PoseTrack18 JSON (one dict per
  video: ``images``, ``annotations``, ``categories``). Of the 17 keypoints the
  ears are dropped; the 15 remaining joints use poseval's order
  (:data:`POSEVAL_JOINT_NAMES`; its ``neck`` is PoseTrack18's ``head_bottom``).
  A keypoint ``[0, 0, 0]`` is "not annotated"; any other triple, including
  ``[x, y, 0]``, is a joint.
- Prediction frames are paired with ground-truth frames by position within
  the video (as poseval does), so both files must list the same images in the
  same order. Frames whose ground truth has no person annotation at all
  (``is_labeled`` is not looked at) are skipped together with their
  predictions.
- Joints strictly inside a ground-truth ignore region are removed from both
  ground truth and predictions; people left without joints are removed. This
  happens after the empty frames were skipped, so a frame whose people all lie
  in ignore regions still counts, and its predictions are false positives.
- A ground-truth person's head size is ``0.6 *`` the diagonal of its
  ``bbox_head``; a predicted joint hits when its distance to the GT joint
  divided by the head size is ``<= 0.5`` (PCKh@0.5).
- Per frame, every prediction is scored against every GT person (hits / the
  GT's annotated joints); a prediction keeps only its best GT (first on
  ties), then each GT takes the prediction with the highest remaining score
  (first on ties, none if it is 0). A prediction whose best GT went to another
  prediction is not re-assigned: all its joints are false positives.
- For each joint the (score, hit) pairs are pooled over all frames and
  videos, ranked by score (``numpy`` argsort of the scores, reversed) and
  summarised by VOC all-point interpolated AP. A joint with predictions but no
  GT gets AP = recall = NaN (precision 0); a joint without predictions gets
  0 for all three. Total = mean of the non-NaN joint values. Precision and
  recall are the values at the last (lowest) score.
- Table: Head = mean(head_top, neck, nose), Shoulder .. Ankle = mean of the
  right and left joint (NaN if either is NaN), Total as above. All in percent.
"""
import warnings
from collections import OrderedDict
from typing import Dict, List

import numpy as np

from .average_precision import compute_ap_metrics, summarize_table
from .geometry import remove_ignored_joints
from .joints import NUM_JOINTS, POSEVAL_JOINT_NAMES
from .matching import match_frame


def _nan_to_none(values) -> list:
    return [None if np.isnan(v) else float(v) for v in values]


def video_entries(gt_frames: List[dict], pred_frames: List[dict],
                  gt_source: str, pred_source: str) -> dict:
    """Per-joint (score, label) entries and GT counts of one video.

    Args:
        gt_frames (list[dict]): The video's parsed GT frames.
        pred_frames (list[dict]): Its parsed prediction frames, paired with
            the GT frames by position.
        gt_source (str): Where the GT came from, for messages.
        pred_source (str): Where the predictions came from.

    Returns:
        dict: ``scores`` and ``labels`` (per joint, pooled over the frames),
        ``num_gt`` (J, ) and ``num_frames`` (frames evaluated).
    """
    if len(gt_frames) != len(pred_frames):
        raise ValueError(
            f'{pred_source}: {len(pred_frames)} frames in "images", but the '
            f'ground truth {gt_source} has {len(gt_frames)}; poseval pairs '
            'prediction and GT frames by position, so both must list the '
            'same images in the same order.')
    scores = [[] for _ in range(NUM_JOINTS)]
    labels = [[] for _ in range(NUM_JOINTS)]
    num_gt = np.zeros(NUM_JOINTS, dtype=np.int64)
    num_frames = 0
    mismatched = 0
    for gt, pred in zip(gt_frames, pred_frames):
        if gt['image_id'] != pred['image_id']:
            mismatched += 1
        if len(gt['present']) == 0:
            continue
        num_frames += 1
        gt_points, gt_present = gt['points'], gt['present']
        head_sizes = gt['head_sizes']
        pred_points, pred_present = pred['points'], pred['present']
        pred_scores = pred['scores']
        if gt['ignore_regions']:
            gt_present, keep = remove_ignored_joints(gt_points, gt_present,
                                                     gt['ignore_regions'])
            gt_points, gt_present = gt_points[keep], gt_present[keep]
            head_sizes = head_sizes[keep]
            pred_present, keep = remove_ignored_joints(pred_points,
                                                       pred_present,
                                                       gt['ignore_regions'])
            pred_points, pred_present = pred_points[keep], pred_present[keep]
            pred_scores = pred_scores[keep]
        frame_scores, frame_labels, frame_num_gt = match_frame(
            pred_points, pred_present, pred_scores, gt_points, gt_present,
            head_sizes)
        for j in range(NUM_JOINTS):
            scores[j].append(frame_scores[j])
            labels[j].append(frame_labels[j])
        num_gt += frame_num_gt
    if mismatched:
        warnings.warn(
            f'{pred_source}: {mismatched} frame(s) have another image id '
            f'than the GT frame at the same position in {gt_source}; frames '
            'are paired by position, as poseval does.')
    return dict(
        scores=[np.concatenate(s) if s else np.zeros(0) for s in scores],
        labels=[
            np.concatenate(s) if s else np.zeros(0, np.int8) for s in labels
        ],
        num_gt=num_gt,
        num_frames=num_frames)


def _metrics_dict(ap, precision, recall) -> dict:
    return dict(
        ap=_nan_to_none(ap),
        pre=_nan_to_none(precision),
        rec=_nan_to_none(recall))


def summarize_videos(per_video: Dict[str, dict]) -> dict:
    """Pool the entries of all videos and compute the AP like poseval.

    Args:
        per_video (dict[str, dict]): Video name -> :func:`video_entries`,
            in pooling order (poseval's directory listing order; only the
            ranking of exactly tied scores can depend on it).

    Returns:
        dict: In percent, NaN as ``float('nan')`` (``None`` in
        ``per_sequence``):

        - ``joint_names``: poseval's 15 joint names.
        - ``per_joint``: ``{name: {'ap', 'precision', 'recall'}}``.
        - ``total``: ``{'ap', 'precision', 'recall'}`` (means of the non-NaN
          joint values).
        - ``table``: ``Head .. Ankle, Total``.
        - ``per_sequence``: ``{video: {'ap', 'pre', 'rec'}}``, 16 values
          each (15 joints and the total), each video evaluated alone.
        - ``internals``: ``n_gt_joints``, ``n_pred_joints``,
          ``n_true_positives`` (per joint name) and ``n_frames_evaluated``.
        - ``ap``, ``precision``, ``recall``: the (16, ) arrays.
    """
    entries = list(per_video.values())
    scores = [
        np.concatenate([e['scores'][j] for e in entries])
        if entries else np.zeros(0) for j in range(NUM_JOINTS)
    ]
    labels = [
        np.concatenate([e['labels'][j] for e in entries])
        if entries else np.zeros(0, np.int8) for j in range(NUM_JOINTS)
    ]
    num_gt = np.sum([e['num_gt'] for e in entries], axis=0) if entries \
        else np.zeros(NUM_JOINTS, dtype=np.int64)
    ap, precision, recall = compute_ap_metrics(scores, labels, num_gt)

    per_sequence = OrderedDict()
    for name, entries in per_video.items():
        per_sequence[name] = _metrics_dict(*compute_ap_metrics(
            entries['scores'], entries['labels'], entries['num_gt']))

    per_joint = OrderedDict((name,
                             dict(
                                 ap=float(ap[j]),
                                 precision=float(precision[j]),
                                 recall=float(recall[j])))
                            for j, name in enumerate(POSEVAL_JOINT_NAMES))
    internals = dict(
        n_gt_joints={
            name: int(num_gt[j])
            for j, name in enumerate(POSEVAL_JOINT_NAMES)
        },
        n_pred_joints={
            name: int(len(scores[j]))
            for j, name in enumerate(POSEVAL_JOINT_NAMES)
        },
        n_true_positives={
            name: int(np.sum(labels[j] == 1))
            for j, name in enumerate(POSEVAL_JOINT_NAMES)
        },
        n_frames_evaluated=int(
            sum(e['num_frames'] for e in per_video.values())))
    return dict(
        joint_names=list(POSEVAL_JOINT_NAMES),
        per_joint=per_joint,
        total=dict(
            ap=float(ap[NUM_JOINTS]),
            precision=float(precision[NUM_JOINTS]),
            recall=float(recall[NUM_JOINTS])),
        table=summarize_table(ap),
        per_sequence=per_sequence,
        internals=internals,
        ap=ap,
        precision=precision,
        recall=recall)
