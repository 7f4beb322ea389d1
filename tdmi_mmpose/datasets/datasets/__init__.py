# Copyright (c) tdmi_mmpose contributors.
from .posetrack_video_dataset import PoseTrackVideoDataset

__all__ = ['PoseTrackVideoDataset']
