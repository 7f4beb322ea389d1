# Copyright (c) tdmi_mmpose contributors.
"""Test-time tracking for :class:`PoseTrackAPMetric`: the GT's track ids
checked when it is loaded, and the tracker run over the kept instances of
each video."""
from typing import Dict, List

import numpy as np

from ...io import (POSETRACK18_KEYPOINT_NAMES,
                                          order_frames)
from ...tracking import track_video
from ..functional import check_track_ids


def check_gt_track_ids(frames: List[dict], source: str) -> None:
    """Check that the GT people of every frame have distinct track ids.

    Args:
        frames (list[dict]): ``parse_posetrack_video(..., track=True)``
            frames of one GT video.
        source (str): The GT file, named in errors.

    Raises:
        ValueError: A track id is used twice in a frame (naming the file
            and the image).
    """
    for frame in frames:
        check_track_ids(frame['track_ids'], len(frame['track_ids']),
                        f'{source}: image {frame["image_id"]!r}')


def track_instances(gt_video: dict, instances: Dict,
                    tracker: dict) -> Dict[object, np.ndarray]:
    """Track ids of the predicted people of one video.

    Args:
        gt_video (dict): The GT video (its ``images`` give the frames, in
            ``order_frames`` time order).
        instances (dict): ``img_id`` -> the frame's kept instances (dicts
            with ``keypoints`` (K, 3) and ``keypoint_scores`` (K, )).
        tracker (dict): The tracker config (see
            :func:`~tdmi_mmpose.tracking.track_video`).

    Returns:
        dict: ``img_id`` -> the ids of its instances, in their order.
    """
    images = order_frames(gt_video['images'])
    per_frame = [instances.get(image['id'], []) for image in images]
    # a video without any instance still needs K for its empty arrays
    num_keypoints = next(
        (len(i['keypoint_scores']) for kept in per_frame for i in kept),
        len(POSETRACK18_KEYPOINT_NAMES))
    frames = [
        dict(
            keypoints=np.array([i['keypoints'][:, :2] for i in kept
                                ]).reshape(len(kept), num_keypoints, 2),
            keypoint_scores=np.array([i['keypoint_scores'] for i in kept
                                      ]).reshape(len(kept), num_keypoints))
        for kept in per_frame
    ]
    ids = track_video(frames, tracker)
    return {image['id']: i for image, i in zip(images, ids)}
