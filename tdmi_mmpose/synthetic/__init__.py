# Copyright (c) tdmi_mmpose contributors.
"""Synthetic videos of walking stick figures in the PoseTrack18 and HiEve
layouts: the bundled sample of the main job and the controlled videos of
the ablation studies (``docs/datasets.md``, "The sample data")."""
from .hieve_sample import LABEL_DIR, make_sample_hieve
from .irrelevant_motion import OTHER_MOTION, TARGET_MOTION, motion_mask_path
from .posetrack_sample import make_sample_posetrack
from .rendering import motion_blur, person_silhouette
from .stick_figure import (POSETRACK18_KEYPOINTS, generated_layout,
                           walking_pose, with_distractor)
from .video import Effects, render_video

__all__ = [
    'Effects', 'LABEL_DIR', 'OTHER_MOTION', 'POSETRACK18_KEYPOINTS',
    'TARGET_MOTION', 'generated_layout', 'make_sample_hieve',
    'make_sample_posetrack', 'motion_blur', 'motion_mask_path',
    'person_silhouette', 'render_video', 'walking_pose', 'with_distractor'
]
