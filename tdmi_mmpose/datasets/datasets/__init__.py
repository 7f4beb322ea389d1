# Copyright (c) tdmi_mmpose contributors.
from .posetrack_video_dataset import (PoseTrackAnnotationError,
                                      PoseTrackVideoDataset)

__all__ = ['PoseTrackVideoDataset', 'PoseTrackAnnotationError']
