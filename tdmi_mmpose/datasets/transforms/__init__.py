# Copyright (c) tdmi_mmpose contributors.
"""Multi-frame transforms: only loading and packing are new; every other
step of the video pipeline is mmpose's own, which takes ``results['img']``
as a list of frames and applies one augmentation to all of them (see
``docs/data_pipeline.md``)."""
from .formatting import MMPOSE_META_KEYS, VIDEO_META_KEYS, PackVideoPoseInputs
from .loading import LoadVideoFrames

__all__ = [
    'LoadVideoFrames', 'PackVideoPoseInputs', 'MMPOSE_META_KEYS',
    'VIDEO_META_KEYS'
]
