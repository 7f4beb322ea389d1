# Copyright (c) tdmi_mmpose contributors.
from .pose_tracker import (MATCHERS, PoseTracker, build_tracker,
                           keypoint_boxes, match_greedy, match_hungarian,
                           track_video)

__all__ = [
    'MATCHERS', 'PoseTracker', 'build_tracker', 'keypoint_boxes',
    'match_greedy', 'match_hungarian', 'track_video'
]
