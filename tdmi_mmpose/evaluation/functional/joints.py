# Copyright (c) tdmi_mmpose contributors.
"""poseval's 15 joints, its summary table and its constants."""
from collections import OrderedDict

from ...io import POSETRACK18_KEYPOINT_NAMES

#: poseval's 15 joints, in its order ("neck" is PoseTrack18's head_bottom).
POSEVAL_JOINT_NAMES = ('right_ankle', 'right_knee', 'right_hip', 'left_hip',
                       'left_knee', 'left_ankle', 'right_wrist', 'right_elbow',
                       'right_shoulder', 'left_shoulder', 'left_elbow',
                       'left_wrist', 'neck', 'nose', 'head_top')

# The PoseTrack18 keypoint name behind each poseval joint.
#: The PoseTrack18 keypoint name behind each poseval joint.
POSEVAL_SOURCE_NAMES = tuple('head_bottom' if name == 'neck' else name
                             for name in POSEVAL_JOINT_NAMES)

#: Index into the 17 PoseTrack18 keypoints of each poseval joint.
POSETRACK18_TO_POSEVAL = tuple(
    POSETRACK18_KEYPOINT_NAMES.index(name) for name in POSEVAL_SOURCE_NAMES)

NUM_JOINTS = len(POSEVAL_JOINT_NAMES)

#: Table columns and the poseval joints each one averages (poseval's order).
TABLE_GROUPS = OrderedDict([
    ('Head', (14, 12, 13)),
    ('Shoulder', (8, 9)),
    ('Elbow', (7, 10)),
    ('Wrist', (6, 11)),
    ('Hip', (2, 3)),
    ('Knee', (1, 4)),
    ('Ankle', (0, 5)),
])

#: Names of the summary values, in table order.
TABLE_NAMES = tuple(TABLE_GROUPS) + ('Total', )

#: PCKh threshold (distance / head size) of a hit.
PCKH_THRESHOLD = 0.5

#: Score poseval gives a predicted joint without a score.
MISSING_SCORE = -9999.0
