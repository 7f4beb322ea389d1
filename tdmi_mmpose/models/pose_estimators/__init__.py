# Copyright (c) tdmi_mmpose contributors.
from .video_topdown import VideoTopdownPoseEstimator

__all__ = ['VideoTopdownPoseEstimator']
