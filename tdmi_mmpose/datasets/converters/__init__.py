# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack annotation converters (library side of the
``tools/dataset_converters`` command lines)."""
from .merge_split import MergeSplitError, merge_posetrack, split_posetrack
from .posetrack17 import convert_posetrack17, convert_posetrack17_video
from .pt17_fields import ConversionError, ConversionReport

__all__ = [
    'ConversionError', 'ConversionReport', 'MergeSplitError',
    'convert_posetrack17', 'convert_posetrack17_video', 'merge_posetrack',
    'split_posetrack'
]
