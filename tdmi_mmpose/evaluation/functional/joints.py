# Copyright (c) tdmi_mmpose contributors.
"""poseval's 15 joints, its summary tables and its constants."""
from collections import OrderedDict
from typing import Callable, Dict, Iterable, Sequence, Tuple

import numpy as np

from ...io import POSETRACK18_KEYPOINT_NAMES
from ...utils.table import json_number

#: poseval's 15 joints, in its order ("neck" is PoseTrack18's head_bottom).
POSEVAL_JOINT_NAMES = ('right_ankle', 'right_knee', 'right_hip', 'left_hip',
                       'left_knee', 'left_ankle', 'right_wrist', 'right_elbow',
                       'right_shoulder', 'left_shoulder', 'left_elbow',
                       'left_wrist', 'neck', 'nose', 'head_top')

#: The PoseTrack18 keypoint name behind each poseval joint.
POSEVAL_SOURCE_NAMES = tuple('head_bottom' if name == 'neck' else name
                             for name in POSEVAL_JOINT_NAMES)

#: Index into the 17 PoseTrack18 keypoints of each poseval joint.
POSETRACK18_TO_POSEVAL = tuple(
    POSETRACK18_KEYPOINT_NAMES.index(name) for name in POSEVAL_SOURCE_NAMES)

NUM_JOINTS = len(POSEVAL_JOINT_NAMES)


def to_poseval_joints(values: np.ndarray) -> np.ndarray:
    """Per-keypoint values (N, 17, ...) of people, PoseTrack18 order, as
    poseval's joints (N, 15, ...)."""
    return np.asarray(values)[:, list(POSETRACK18_TO_POSEVAL)]


#: Table columns and the poseval joints each one averages (poseval's order).
TABLE_GROUPS = OrderedDict(
    Head=(14, 12, 13), Shoulder=(8, 9), Elbow=(7, 10), Wrist=(6, 11),
    Hip=(2, 3), Knee=(1, 4), Ankle=(0, 5))

#: Names of the summary values, in table order.
TABLE_NAMES = tuple(TABLE_GROUPS) + ('Total', )

#: Names of the tracking table's values: MOTA of Head .. Total, then the
#: MOTP, precision and recall totals.
MOTA_TABLE_NAMES = TABLE_NAMES + ('MOTP', 'Precision', 'Recall')

#: The header rows poseval prints above its AP and its tracking table.
AP_TABLE_HEADERS = (('Head', 'Shou', 'Elb', 'Wri', 'Hip', 'Knee', 'Ankl',
                     'Total'), )
MOTA_TABLE_HEADERS = (('MOTA', ) * 8 + ('MOTP', 'Prec', 'Rec'),
                      AP_TABLE_HEADERS[0] + ('Total', ) * 3)

#: PCKh threshold (distance / head size) of a hit.
PCKH_THRESHOLD = 0.5

#: Score poseval gives a predicted joint without a score.
MISSING_SCORE = -9999.0


def joint_values(values: Sequence, cast: Callable = float) -> 'OrderedDict':
    """``{joint name: cast(value)}`` of per-joint values (poseval's order)."""
    return OrderedDict(zip(POSEVAL_JOINT_NAMES, map(cast, values)))


def joint_result(metrics: Dict[str, np.ndarray], **fields) -> dict:
    """An evaluation's result: ``joint_names``, ``per_joint`` (``{joint:
    {metric: value}}``), ``total`` (``{metric: value}``, the last of the 16),
    the (16, ) ``metrics`` themselves and the other ``fields``."""
    per_joint = OrderedDict(
        (name, {key: float(v[j]) for key, v in metrics.items()})
        for j, name in enumerate(POSEVAL_JOINT_NAMES))
    total = {key: float(v[NUM_JOINTS]) for key, v in metrics.items()}
    return dict(joint_names=list(POSEVAL_JOINT_NAMES), per_joint=per_joint,
                total=total, **fields, **metrics)


def per_sequence_values(
        metrics: Iterable[Tuple[str, np.ndarray]]) -> 'OrderedDict':
    """One video's ``(name, (16, ) values)`` metrics as poseval writes them
    with ``-s``: ``{name: [value, or None for NaN]}``."""
    return OrderedDict(
        (name, [json_number(v) for v in values]) for name, values in metrics)
