# Copyright (c) tdmi_mmpose contributors.
"""Synthetic videos of walking stick figures, in the PoseTrack18 and HiEve
layouts: the bundled sample of the main job and the controlled videos of the
ablation studies.

- ``stick_figure``: pose geometry and motion templates;
- ``rendering``: backgrounds, figures, hidden joints, motion blur;
- ``annotations``: PoseTrack18 records and detections;
- ``video``: one video (:func:`render_video`);
- ``posetrack_sample`` / ``hieve_sample``: the two datasets.
"""
from .annotations import POSETRACK18_CATEGORIES
from .hieve_sample import LABEL_DIR, make_sample_hieve
from .posetrack_sample import make_sample_posetrack
from .rendering import hide_joints, motion_blur
from .stick_figure import (NUM_KEYPOINTS, POSETRACK18_KEYPOINTS,
                           generated_layout, walking_pose, with_distractor)
from .video import Effects, render_video

__all__ = [
    'Effects', 'LABEL_DIR', 'NUM_KEYPOINTS', 'POSETRACK18_CATEGORIES',
    'POSETRACK18_KEYPOINTS', 'generated_layout', 'hide_joints',
    'make_sample_hieve', 'make_sample_posetrack', 'motion_blur',
    'render_video', 'walking_pose', 'with_distractor'
]
