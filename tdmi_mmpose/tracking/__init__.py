# Copyright (c) tdmi_mmpose contributors.
"""Pose tracking: :class:`PoseTracker` (``TASK_UTILS``), one ``update`` per
frame; :func:`build_tracker` (from a config, with the dataset metainfo's
sigmas); :func:`track_video` (the ids of every frame of one video)."""
from .pose_tracker import (MATCHERS, PoseTracker, build_tracker,
                           keypoint_boxes, match_greedy, match_hungarian,
                           track_video)

__all__ = [
    'MATCHERS', 'PoseTracker', 'build_tracker', 'keypoint_boxes',
    'match_greedy', 'match_hungarian', 'track_video'
]
