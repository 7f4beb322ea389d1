# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack multi-person pose estimation AP as the PoseTrack21 kit's
``PosemAP`` computes it: poseval's matching on other frames, joints and
recall (docs/metric.md, "The two protocols")."""
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
    """The (GT, prediction) frame pairs the kit evaluates (AP and HOTA):
    the labelled frames, its ignore-region rule applied, joints present only
    where x > 0 and y > 0."""
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
    ``PosemAP``; arguments and result as :func:`~.poseval_ap.poseval_ap`'s
    (GT frames also with ``is_labeled``; no NaN in the result)."""
    per_video = OrderedDict()
    for name in sorted(gt_videos, key=lambda video: f'{video}.json'):
        per_video[name] = match_frames(
            kit_frame_pairs(gt_videos[name], pred_videos[name]))
    return ap_result(per_video, min_num_gt=1)


#: The AP of each evaluation protocol, poseval's (the default) first.
AP_PROTOCOLS = OrderedDict(poseval=poseval_ap, posetrack21=posetrack21_ap)
