# Copyright (c) tdmi_mmpose contributors.
"""Multi-frame transforms.

Only loading and packing are new here. The other steps of the video pipeline
are mmpose's own transforms, which already handle ``results['img']`` as a
list of frames and sample one augmentation for all of them (proved by
``tests/test_datasets/test_transforms.py``):

- ``GetBBoxCenterScale``, ``RandomHalfBody``, ``RandomBBoxTransform``,
  ``GenerateTarget``: act on the box/keypoints only (frame-independent);
- ``RandomFlip``: one flip decision, applied to every frame of the list;
- ``TopdownAffine``: one warp matrix, applied to every frame of the list;
- ``PackPoseInputs``: stacks the list into ``(T, 3, H, W)``
  (:class:`PackVideoPoseInputs` adds the video meta keys and makes a single
  image ``(1, 3, H, W)``).
"""
from .formatting import MMPOSE_META_KEYS, VIDEO_META_KEYS, PackVideoPoseInputs
from .loading import LoadVideoFrames

__all__ = [
    'LoadVideoFrames', 'PackVideoPoseInputs',
    'MMPOSE_META_KEYS', 'VIDEO_META_KEYS'
]
