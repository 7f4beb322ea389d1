# Copyright (c) tdmi_mmpose contributors.
"""Pose geometry of the synthetic walkers. A person's motion template is
``(start x as a fraction of the width, walking speed in px/frame, height in
px, scale change per frame, gait phase)``."""
import math
from typing import List, Tuple

import numpy as np

from ..io import POSETRACK18_KEYPOINT_NAMES

#: PoseTrack18 keypoint names, in annotation order (from the format module).
POSETRACK18_KEYPOINTS = list(POSETRACK18_KEYPOINT_NAMES)
NUM_KEYPOINTS = len(POSETRACK18_KEYPOINTS)
#: Keypoint name -> index.
KEYPOINT_INDEX = _K = {name: i for i, name in enumerate(POSETRACK18_KEYPOINTS)}


def _limb(origin: np.ndarray, angle: float, length: float) -> np.ndarray:
    """End of a limb of ``length`` from ``origin``; ``angle`` is measured
    from straight down, positive towards +x."""
    return origin + length * np.array([math.sin(angle), math.cos(angle)])


def _swing_limbs(j: np.ndarray, phase: float, swing: float, lean: float,
                 h: float) -> None:
    """Arms and legs of the gait at ``phase``, written into ``j``."""
    s = math.sin(phase)
    for name, sign, arm_phase in (('left', 1, s), ('right', -1, -s)):
        upper = sign * 0.15 + swing * arm_phase + lean
        fore = upper + 0.35 + 0.3 * max(0.0, arm_phase)
        elbow = _limb(j[_K[f'{name}_shoulder']], upper, 0.17 * h)
        j[_K[f'{name}_elbow']] = elbow
        j[_K[f'{name}_wrist']] = _limb(elbow, fore, 0.15 * h)
    for name, sign, leg_phase in (('left', 1, -s), ('right', -1, s)):
        thigh = sign * 0.05 + swing * leg_phase
        knee_bend = 0.5 * max(
            0.0, math.sin(phase + (0 if sign > 0 else math.pi) + 1.2))
        knee = _limb(j[_K[f'{name}_hip']], thigh, 0.245 * h)
        j[_K[f'{name}_knee']] = knee
        j[_K[f'{name}_ankle']] = _limb(knee, thigh - knee_bend, 0.235 * h)


def walking_pose(template: Tuple, jitter: np.ndarray, t: int, width: int,
                 height: int) -> Tuple[np.ndarray, float, np.ndarray]:
    """Joint positions of one walking person at frame ``t``.

    Args:
        template (tuple): The person's motion template (module docstring).
        jitter (np.ndarray): Per-person random perturbations, shape (6,).
        t (int): Frame index.
        width, height (int): Image size.

    Returns:
        tuple: ``(joints, person_height, occluded)``: joints (17, 2) float,
        occluded (17,) bool (self-occluded joints: the far ear of a turned
        head).
    """
    x0, speed, h0, dscale, phase0 = template
    h = h0 * (1.0 + jitter[0] * 0.1) * (1.0 + dscale * t)
    speed = speed * (1.0 + jitter[1] * 0.2)
    phase = phase0 + t * (2 * math.pi / 11.0) * (1.0 + jitter[2] * 0.1)
    swing = math.radians(24.0 + 6.0 * jitter[3])
    lean = math.radians(4.0 * jitter[4])

    ground = height * (0.90 + 0.04 * jitter[5])
    cx = x0 * width + speed * t
    # Hip height bobs twice per gait cycle.
    hip_c = np.array([cx, ground - 0.52 * h - 0.015 * h * math.cos(2 * phase)])
    up = np.array([math.sin(lean), -math.cos(lean)])
    side = np.array([math.cos(lean), math.sin(lean)])

    j = np.zeros((NUM_KEYPOINTS, 2))
    neck = hip_c + 0.30 * h * up
    j[_K['head_bottom']] = neck
    j[_K['head_top']] = neck + 0.19 * h * up
    yaw = 0.9 * math.sin(0.23 * t + phase0)  # slow head turn
    head_c = neck + 0.095 * h * up
    j[_K['nose']] = head_c + 0.045 * h * math.sin(yaw) * side + \
        0.01 * h * up
    # Facing the camera, the person's left is the image's +x side.
    j[_K['left_ear']] = head_c + 0.055 * h * math.cos(yaw) * side
    j[_K['right_ear']] = head_c - 0.055 * h * math.cos(yaw) * side
    j[_K['left_shoulder']] = neck + 0.11 * h * side + 0.02 * h * -up
    j[_K['right_shoulder']] = neck - 0.11 * h * side + 0.02 * h * -up
    j[_K['left_hip']] = hip_c + 0.075 * h * side
    j[_K['right_hip']] = hip_c - 0.075 * h * side
    _swing_limbs(j, phase, swing, lean, h)

    occluded = np.zeros(NUM_KEYPOINTS, dtype=bool)
    # An ear hides behind the head when the head turns far enough.
    if math.sin(yaw) > 0.6:
        occluded[_K['right_ear']] = True
    elif math.sin(yaw) < -0.6:
        occluded[_K['left_ear']] = True
    return j, h, occluded


def generated_layout(rng: np.random.Generator, num_videos: Tuple[int, int],
                     nframes: int, step: int) -> List[Tuple]:
    """Video specs ``(split, name, nframes, step, templates)``, train
    first, of ``num_videos = (train, val)`` videos of ``nframes`` (>= 2)
    frames labelled every ``step`` (>= 1), each with one or two people whose
    motion templates are drawn from ``rng``."""
    specs = []
    for split, count, first_id in (('train', num_videos[0], 1),
                                   ('val', num_videos[1], 501)):
        for i in range(count):
            templates = []
            for _ in range(int(rng.integers(1, 3))):
                templates.append(
                    (float(rng.uniform(0.15, 0.85)),
                     float(rng.uniform(0.8, 3.0)) * float(rng.choice([-1, 1])),
                     float(rng.uniform(115, 170)),
                     float(rng.uniform(-0.005, 0.005)),
                     float(rng.uniform(0, 2 * math.pi))))
            specs.append((split, f'{first_id + i:06d}_synthetic_{split}',
                          nframes, step, templates))
    return specs


def with_distractor(templates: List[Tuple], nframes: int,
                    width: int) -> List[Tuple]:
    """``templates`` plus a person who walks the other way and meets the
    first person half-way through the video (``nframes``, ``width``)."""
    x0, speed, h, dscale, phase = templates[0]
    speed = speed if abs(speed) >= 0.8 else math.copysign(0.8, speed or 1)
    meet = 0.5 * (nframes - 1)
    meet_x = x0 * width + speed * meet
    other_speed = -1.3 * speed
    other_x0 = (meet_x - other_speed * meet) / width
    return list(templates) + [(other_x0, other_speed, 0.92 * h, dscale,
                               phase + math.pi / 2)]
