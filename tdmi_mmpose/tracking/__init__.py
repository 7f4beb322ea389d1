# Copyright (c) tdmi_mmpose contributors.
"""Pose tracking: track ids for the people of a video.

- :class:`PoseTracker` (registered in mmpose's ``TASK_UTILS``): the stateful
  tracker, one :meth:`PoseTracker.update` per frame.
- :func:`track_video`: the ids of every frame of one video.
"""
from .pose_tracker import (MATCHERS, PoseTracker, keypoint_boxes, match_greedy,
                           match_hungarian, posetrack18_sigmas, track_video)

__all__ = [
    'MATCHERS', 'PoseTracker', 'keypoint_boxes', 'match_greedy',
    'match_hungarian', 'posetrack18_sigmas', 'track_video'
]
