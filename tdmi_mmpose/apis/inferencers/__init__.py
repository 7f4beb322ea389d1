# Copyright (c) tdmi_mmpose contributors.
from .mmpose_video_inferencer import (MMPoseVideoInferencer,
                                      is_video_pose_config)
from .video_pose2d_inferencer import VideoPose2DInferencer

__all__ = [
    'MMPoseVideoInferencer', 'VideoPose2DInferencer', 'is_video_pose_config'
]
