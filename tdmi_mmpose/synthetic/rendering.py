# Copyright (c) tdmi_mmpose contributors.
"""Drawing the synthetic frames: textured backgrounds, stick figures, the
hiding discs of occluded joints and motion blur."""
import math
from typing import List, Tuple

import cv2
import numpy as np

from .stick_figure import KEYPOINT_INDEX as _K

# Limbs drawn as thick lines: (joint a, joint b, BGR colour, width factor);
# the legs (first four) behind the torso, the arms and neck in front.
_LIMBS = [
    ('left_hip', 'left_knee', (40, 160, 40), 0.060),
    ('left_knee', 'left_ankle', (90, 220, 90), 0.050),
    ('right_hip', 'right_knee', (160, 60, 30), 0.060),
    ('right_knee', 'right_ankle', (230, 140, 60), 0.050),
    ('left_shoulder', 'left_elbow', (30, 200, 230), 0.050),
    ('left_elbow', 'left_wrist', (120, 240, 250), 0.040),
    ('right_shoulder', 'right_elbow', (200, 40, 200), 0.050),
    ('right_elbow', 'right_wrist', (250, 150, 250), 0.040),
    ('head_bottom', 'head_top', (60, 90, 150), 0.050),
]
#: Fixed-point bits of the sub-pixel drawing calls (coordinates × 16).
DRAW_SHIFT = 4
#: Margin (px) of a panned background texture around the view.
PAN_MARGIN = 24


def background_texture(rng: np.random.Generator, width: int,
                       height: int) -> np.ndarray:
    """A smooth, coloured, striped (height, width, 3) float32 BGR texture
    in [0, 255], drawn from ``rng``."""
    # Low-frequency coloured noise.
    coarse = rng.uniform(0, 255, size=(6, 8, 3)).astype(np.float32)
    tex = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    tex = 0.55 * tex + 0.45 * rng.uniform(60, 200, size=3).astype(np.float32)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    # Stripes at a random angle plus a vertical gradient.
    theta = rng.uniform(0, math.pi)
    period = rng.uniform(14, 30)
    stripes = np.sin((xx * math.cos(theta) + yy * math.sin(theta)) *
                     (2 * math.pi / period))
    tex += 22.0 * stripes[..., None] * rng.uniform(0.5, 1.0, size=3)
    tex += (yy / height - 0.5)[..., None] * rng.uniform(-50, 50, size=3)
    # Mild fine-grained noise, fixed per video.
    fine = rng.normal(0, 6, size=(height // 2, width // 2, 3))
    tex += cv2.resize(fine.astype(np.float32), (width, height),
                      interpolation=cv2.INTER_LINEAR)
    return np.clip(tex, 0, 255).astype(np.float32)


def panned_view(texture: np.ndarray, offset: Tuple[float, float],
                width: int, height: int) -> np.ndarray:
    """The (height, width, C) float32 window of ``texture`` whose top-left
    corner is at ``offset`` (x, y; sub-pixel, bilinear, borders reflected).
    """
    warp = np.float32([[1, 0, -offset[0]], [0, 1, -offset[1]]])
    return cv2.warpAffine(texture, warp, (width, height),
                          flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT)


def _fixed_point(xy) -> Tuple[int, ...]:
    return tuple(int(round(v * (1 << DRAW_SHIFT))) for v in xy)


def draw_person(img: np.ndarray,
                joints: np.ndarray,
                h: float,
                colour: Tuple[int, int, int],
                one_colour: bool = False) -> None:
    """Draw one stick figure (thick limbs, torso polygon, head ellipse) into
    ``img``, in place.

    Args:
        img (np.ndarray): (H, W, 3) uint8 frame.
        joints (np.ndarray): (17, 2) joint positions.
        h (float): The person's height in px (scales the limb widths).
        colour (tuple[int, int, int]): BGR colour of the torso.
        one_colour (bool): Draw every part in ``colour`` (a silhouette).
            Default: False.
    """
    def pt(name):
        return _fixed_point(joints[_K[name]])

    def paint(part_colour):
        return colour if one_colour else part_colour

    def limbs(parts):
        for a, b, col, wf in parts:
            cv2.line(img, pt(a), pt(b), paint(col), max(2, int(wf * h)),
                     cv2.LINE_AA, shift)

    shift = DRAW_SHIFT
    limbs(_LIMBS[:4])
    torso = np.array([pt('left_shoulder'), pt('right_shoulder'),
                      pt('right_hip'), pt('left_hip')], dtype=np.int32)
    cv2.fillConvexPoly(img, torso, colour, cv2.LINE_AA, shift)
    limbs(_LIMBS[4:])
    top = joints[_K['head_top']]
    bottom = joints[_K['head_bottom']]
    centre = (top + bottom) / 2
    axes = (0.065 * h, 0.085 * h)
    angle = math.degrees(math.atan2(top[0] - bottom[0], bottom[1] - top[1]))
    cv2.ellipse(img, _fixed_point(centre), _fixed_point(axes), angle, 0, 360,
                paint((150, 190, 235)), -1, cv2.LINE_AA, shift)
    cv2.circle(img, pt('nose'), max(1, int(0.018 * h)) * 16,
               paint((40, 40, 200)), -1, cv2.LINE_AA, shift)
    for ear in ('left_ear', 'right_ear'):
        cv2.circle(img, pt(ear), max(1, int(0.015 * h)) * 16,
                   paint((90, 120, 190)), -1, cv2.LINE_AA, shift)


def person_silhouette(joints: np.ndarray, h: float, width: int,
                      height: int) -> np.ndarray:
    """Where :func:`draw_person` changes a frame: the pixels it paints
    (anti-aliased edges included), (height, width) bool."""
    mask = np.zeros((height, width, 3), dtype=np.uint8)
    draw_person(mask, joints, h, (255, 255, 255), one_colour=True)
    return mask.any(axis=2)


def hide_joints(img: np.ndarray, background: np.ndarray, people: List,
                rng: np.random.Generator, prob: float,
                radius: float) -> List[List[int]]:
    """Paint ``background`` back over a disc (``radius`` x the person's
    height) around each joint of ``people`` (``(track_id, joints, height,
    occluded)``) with probability ``prob`` (one draw per joint from
    ``rng``), in place; returns ``[track_id, keypoint]`` of each."""
    mask = np.zeros(img.shape[:2], dtype=np.uint8)
    hidden = []
    for p, joints, h, _ in people:
        draws = rng.uniform(size=len(joints))
        for k in np.flatnonzero(draws < prob):
            centre = _fixed_point(joints[k])
            cv2.circle(mask, centre, int(round(radius * h * 16)), 1, -1,
                       cv2.LINE_8, DRAW_SHIFT)
            hidden.append([int(p), int(k)])
    img[mask > 0] = background[mask > 0]
    return hidden


def motion_blur(img: np.ndarray, length: int, angle: float) -> np.ndarray:
    """Blur a frame with a line kernel (camera or subject motion).

    Args:
        img (np.ndarray): (H, W, 3) uint8 frame.
        length (int): Kernel length in pixels.
        angle (float): Direction of the motion in degrees.

    Returns:
        np.ndarray: The blurred frame, (H, W, 3) uint8.
    """
    kernel = np.zeros((length, length), dtype=np.float32)
    c = (length - 1) / 2
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    cv2.line(kernel, (int(round(c - dx * c)), int(round(c - dy * c))),
             (int(round(c + dx * c)), int(round(c + dy * c))), 1.0, 1)
    kernel /= kernel.sum()
    return cv2.filter2D(img, -1, kernel, borderType=cv2.BORDER_REFLECT)
