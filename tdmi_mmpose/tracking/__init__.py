# Copyright (c) tdmi_mmpose contributors.
"""Pose tracking: track ids for the people of a video.

- :class:`PoseTracker` (registered in mmpose's ``TASK_UTILS``): the stateful
  tracker, one :meth:`PoseTracker.update` per frame;
- :func:`build_tracker`: a tracker from its config, with the OKS sigmas of
  the dataset metainfo;
- :func:`track_video`: the ids of every frame of one video.
"""
from .pose_tracker import (MATCHERS, PoseTracker, build_tracker,
                           keypoint_boxes, match_greedy, match_hungarian,
                           track_video)

__all__ = [
    'MATCHERS', 'PoseTracker', 'build_tracker', 'keypoint_boxes',
    'match_greedy', 'match_hungarian', 'track_video'
]
