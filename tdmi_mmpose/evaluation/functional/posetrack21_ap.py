# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack multi-person pose estimation AP as the PoseTrack21 evaluation
kit computes it (github.com/anDoer/PoseTrack21, ``eval/posetrack21``:
``trackeval.metrics.PosemAP`` on ``trackeval.datasets.PoseTrack``), from
the same frames as :func:`~.poseval_ap.poseval_ap` (docs/metric.md, "The
two protocols").

Its matching and PCKh are poseval's; it differs in which frames, people
and joints count and in the recall of a joint without GT:

- only the frames whose GT image ``is_labeled`` are evaluated, with or
  without GT people (a labelled frame without any: its predictions are
  false positives; the kit itself fails on such a frame);
- a joint, GT or predicted, counts only where x > 0 and y > 0;
- ignore regions by the kit's rule (which people it removes);
- recall is divided by ``max(num_gt, 1)``: a joint without GT has AP 0,
  never NaN;
- videos are pooled in the sorted order of their file names
  (``<video>.json``; only the ranking of exactly tied scores depends on it).
"""
from collections import OrderedDict
from typing import Dict, List, Sequence, Tuple

import numpy as np

from .geometry import kit_frame_without_ignored, pair_without_ignored
from .poseval_ap import ap_result, match_frames, poseval_ap


def positive_joints(frame: dict) -> dict:
    """A frame (``points`` (N, J, 2), ``present`` (N, J), ...) whose joints
    are present only where also x > 0 and y > 0 (the kit's rule)."""
    points = np.asarray(frame['points'], dtype=np.float64)
    positive = (points[..., 0] > 0) & (points[..., 1] > 0)
    return dict(frame, present=np.asarray(frame['present'], bool) & positive)


def kit_frame_pairs(gt_frames: Sequence[dict],
                    pred_frames: Sequence[dict]) -> List[Tuple[dict, dict]]:
    """The (GT, prediction) frame pairs the kit evaluates (its AP and its
    HOTA): the labelled frames, its ignore-region rule applied
    (:func:`~.geometry.kit_frame_without_ignored`; none left on the GT),
    joints present only where x > 0 and y > 0 (:func:`positive_joints`)."""
    assert len(gt_frames) == len(pred_frames)
    pairs = []
    for gt, pred in zip(gt_frames, pred_frames):
        if gt['is_labeled']:
            gt, pred = pair_without_ignored(gt, pred,
                                            kit_frame_without_ignored)
            pairs.append((dict(positive_joints(gt),
                               ignore_regions=[]), positive_joints(pred)))
    return pairs


def posetrack21_ap(gt_videos: Dict[str, Sequence[dict]],
                   pred_videos: Dict[str, Sequence[dict]]) -> dict:
    """PoseTrack multi-person pose estimation AP like the PoseTrack21 kit's
    ``PosemAP``.

    Args:
        gt_videos (dict[str, Sequence[dict]]): Video name -> GT frames as
            for :func:`~.poseval_ap.poseval_ap`, each also with
            ``is_labeled`` (bool).
        pred_videos (dict[str, Sequence[dict]]): Video name -> prediction
            frames, one per GT frame, for every GT video.

    Returns:
        dict: As :func:`~.poseval_ap.poseval_ap`'s (no NaN: a joint without
        GT has AP and recall 0).
    """
    per_video = OrderedDict()
    for name in sorted(gt_videos, key=lambda video: f'{video}.json'):
        per_video[name] = match_frames(
            kit_frame_pairs(gt_videos[name], pred_videos[name]))
    return ap_result(per_video, min_num_gt=1)


#: The AP of each evaluation protocol (``protocol=`` of the metric and of
#: ``tools/posetrack_eval.py``), poseval's first (the default).
AP_PROTOCOLS = OrderedDict(poseval=poseval_ap, posetrack21=posetrack21_ap)
