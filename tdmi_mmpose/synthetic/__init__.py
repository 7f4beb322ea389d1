# Copyright (c) tdmi_mmpose contributors.
"""Synthetic videos of walking stick figures, in the PoseTrack18 and HiEve
layouts: the bundled sample of the main job and the controlled videos of the
ablation studies.

- ``stick_figure``: pose geometry and motion templates;
- ``rendering``: backgrounds, figures, hidden joints, motion blur;
- ``irrelevant_motion``: fast pan, moving objects, a passer-by, and the
  motion masks of where the annotated person and everything else move;
- ``annotations``: PoseTrack18 records and detections;
- ``video``: one video (:func:`render_video`);
- ``posetrack_sample`` / ``hieve_sample``: the two datasets.
"""
from .annotations import POSETRACK18_CATEGORIES
from .hieve_sample import LABEL_DIR, make_sample_hieve
from .irrelevant_motion import (MOTION_MASK_DIR, OTHER_MOTION, TARGET_MOTION,
                                motion_mask_path)
from .posetrack_sample import make_sample_posetrack
from .rendering import hide_joints, motion_blur, person_silhouette
from .stick_figure import (NUM_KEYPOINTS, POSETRACK18_KEYPOINTS,
                           generated_layout, walking_pose, with_distractor)
from .video import Effects, render_video

__all__ = [
    'Effects', 'LABEL_DIR', 'MOTION_MASK_DIR', 'NUM_KEYPOINTS',
    'OTHER_MOTION', 'POSETRACK18_CATEGORIES', 'POSETRACK18_KEYPOINTS',
    'TARGET_MOTION', 'generated_layout', 'hide_joints', 'make_sample_hieve',
    'make_sample_posetrack', 'motion_blur', 'motion_mask_path',
    'person_silhouette', 'render_video', 'walking_pose', 'with_distractor'
]
