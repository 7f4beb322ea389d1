# Copyright (c) tdmi_mmpose contributors.
"""The PoseTrack and HiEve converters behind ``tools/dataset_converters``,
and HiEve's submission writer."""
from .hieve import convert_hieve
from .hieve_submission import write_hieve_submission
from .merge_split import merge_posetrack, split_posetrack
from .posetrack17 import convert_posetrack17, convert_posetrack17_video
from .report import ConversionReport

__all__ = [
    'ConversionReport', 'convert_hieve', 'convert_posetrack17',
    'convert_posetrack17_video', 'merge_posetrack', 'split_posetrack',
    'write_hieve_submission'
]
