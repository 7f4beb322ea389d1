# Copyright (c) tdmi_mmpose contributors.
"""Irrelevant motion of the synthetic videos, drawn from a stream of its own:
a fast camera pan, moving textured objects passing near the first annotated
person, and a smaller, unannotated passer-by walking behind that person
(inside its crop); and the motion masks of where each moves."""
import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .rendering import PAN_MARGIN, background_texture

#: Bit of a motion-mask pixel: the annotated person moves there.
TARGET_MOTION = 1
#: Bit of a motion-mask pixel: anything else moves there (other people, the
#: passer-by, the moving objects; the camera pan is not in the masks).
OTHER_MOTION = 2
#: Folder of the motion masks, beside ``annotations/``.
MOTION_MASK_DIR = 'motion_masks'


@dataclass
class MovingObject:
    """A textured shape on a straight path with a constant spin: an
    (s, s, 3) float32 BGR ``texture``, an (s, s) uint8 ``shape`` (1 inside),
    ``centre`` (x, y) and rotation ``angle`` (degrees) at frame 0,
    ``velocity`` (px per frame) and ``spin`` (degrees per frame)."""
    texture: np.ndarray
    shape: np.ndarray
    centre: np.ndarray
    velocity: np.ndarray
    angle: float
    spin: float


@dataclass
class IrrelevantMotion:
    """The irrelevant motion of one video: the fast pan (velocity in px
    per frame, ``None`` for the default slow pan; its ``texture``, whose
    edges lie ``pan_border`` px from the middle frame's view), the moving
    objects, and the passer-by's motion template, pose jitter (6,) and BGR
    torso colour."""
    pan: Optional[np.ndarray] = None
    texture: Optional[np.ndarray] = None
    objects: List[MovingObject] = field(default_factory=list)
    passer_by: Optional[Tuple] = None
    passer_jitter: Optional[np.ndarray] = None
    passer_colour: Optional[Tuple[int, int, int]] = None
    pan_border: int = 0


def _object_patch(rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
    """A striped two-colour ellipse or rectangle: (texture, shape)."""
    half_major = float(rng.uniform(16, 34))
    half_minor = float(rng.uniform(9, half_major))
    size = int(math.ceil(2 * half_major)) + 3
    centre = (size - 1) / 2
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    theta = rng.uniform(0, math.pi)
    period = rng.uniform(5, 12)
    stripes = np.sin((xx * math.cos(theta) + yy * math.sin(theta)) *
                     (2 * math.pi / period)) > 0
    colours = rng.uniform(0, 255, size=(2, 3)).astype(np.float32)
    texture = np.where(stripes[..., None], colours[0], colours[1])
    dx, dy = (xx - centre) / half_major, (yy - centre) / half_minor
    if rng.uniform() < 0.5:
        shape = dx**2 + dy**2 <= 1.0
    else:
        shape = (np.abs(dx) <= 1.0) & (np.abs(dy) <= 1.0)
    return texture.astype(np.float32), shape.astype(np.uint8)


def plan_irrelevant_motion(rng: np.random.Generator, anchor: np.ndarray,
                           target: Tuple, nframes: int, width: int,
                           height: int, pan_speed: float = 0.0,
                           moving_objects: int = 0,
                           passer_by: bool = False) -> IrrelevantMotion:
    """Draw the irrelevant motion of one video.

    Args:
        rng (np.random.Generator): The video's motion stream.
        anchor (np.ndarray): (x, y) of the first annotated person at the
            middle frame; the objects pass near it.
        target (tuple): That person's motion template.
        nframes, width, height (int): The video's size.
        pan_speed (float): Camera pan in px per frame (0: the slow pan).
        moving_objects (int): Number of moving objects.
        passer_by (bool): Add the passer-by.

    Returns:
        IrrelevantMotion: The plan.
    """
    motion = IrrelevantMotion()
    middle = 0.5 * (nframes - 1)
    if pan_speed > 0:
        direction = rng.uniform(0, 2 * math.pi)
        motion.pan = pan_speed * np.array(
            [math.cos(direction), math.sin(direction)])
        motion.pan_border = PAN_MARGIN + int(math.ceil(pan_speed * middle))
        motion.texture = background_texture(
            rng, width + 2 * motion.pan_border,
            height + 2 * motion.pan_border)
    for _ in range(moving_objects):
        texture, shape = _object_patch(rng)
        at_middle = anchor + rng.uniform([-90, -70], [90, 50])
        heading = rng.uniform(0, 2 * math.pi)
        velocity = rng.uniform(3, 7) * np.array(
            [math.cos(heading), math.sin(heading)])
        spin = float(rng.uniform(-6, 6))
        angle = float(rng.uniform(0, 360)) - spin * middle
        motion.objects.append(
            MovingObject(texture, shape, at_middle - velocity * middle,
                         velocity, angle, spin))
    if passer_by:
        x0, speed, h, _, _ = target
        offset = rng.uniform(30, 60) * rng.choice([-1, 1])
        speed_p = speed + rng.uniform(-1.2, 1.2)
        x0_p = (x0 * width + (speed - speed_p) * middle + offset) / width
        motion.passer_by = (x0_p, speed_p, h * rng.uniform(0.72, 0.88), 0.0,
                            rng.uniform(0, 2 * math.pi))
        motion.passer_jitter = rng.uniform(-1, 1, size=6)
        motion.passer_colour = tuple(
            int(c) for c in rng.integers(40, 220, size=3))
    return motion


def pan_offset(motion: IrrelevantMotion, t: int,
               nframes: int) -> Tuple[float, float]:
    """Top-left corner of the fast pan's view at frame ``t`` (centred at
    the middle frame)."""
    shift = motion.pan * (t - 0.5 * (nframes - 1))
    return (motion.pan_border + float(shift[0]),
            motion.pan_border + float(shift[1]))


def draw_objects(img: np.ndarray, objects: Sequence[MovingObject], t: int,
                 width: int, height: int) -> np.ndarray:
    """Paint the objects at frame ``t`` over a float32 frame, in place;
    returns where any object is, (height, width) bool."""
    covered = np.zeros((height, width), dtype=bool)
    for obj in objects:
        middle = (obj.shape.shape[0] - 1) / 2
        warp = cv2.getRotationMatrix2D((middle, middle),
                                       obj.angle + obj.spin * t, 1.0)
        warp[:, 2] += obj.centre + obj.velocity * t - middle
        texture = cv2.warpAffine(obj.texture, warp, (width, height),
                                 flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_REPLICATE)
        shape = cv2.warpAffine(obj.shape, warp, (width, height),
                               flags=cv2.INTER_NEAREST,
                               borderMode=cv2.BORDER_CONSTANT,
                               borderValue=0) > 0
        img[shape] = texture[shape]
        covered |= shape
    return covered


def motion_mask_path(frame_file: str, track_id: int) -> str:
    """``images/<split>/<video>/<frame>.jpg`` ->
    ``motion_masks/<split>/<video>/<frame>_<track id>.png``."""
    parts = frame_file.split('/')
    stem = parts[-1].rsplit('.', 1)[0]
    return '/'.join([MOTION_MASK_DIR] + parts[1:-1] +
                    [f'{stem}_{track_id}.png'])


def _swept(silhouettes: Sequence[np.ndarray], t: int,
           window: int) -> np.ndarray:
    """Union of ``silhouettes`` over frames ``t - window .. t + window``."""
    first, last = max(0, t - window), min(len(silhouettes) - 1, t + window)
    return np.logical_or.reduce(silhouettes[first:last + 1])


def motion_masks(people: Dict[int, List[np.ndarray]],
                 others: List[np.ndarray], t: int,
                 window: int) -> Dict[int, np.ndarray]:
    """The motion masks of labelled frame ``t``, one per annotated person:
    the regions swept over frames ``t - window .. t + window`` (clamped).

    Args:
        people (dict[int, list[np.ndarray]]): Track id -> that person's
            silhouette in every frame of the video ((H, W) bool each).
        others (list[np.ndarray]): Per frame, where the unannotated movers
            are (passer-by and objects; (H, W) bool each).
        t (int): The labelled frame.
        window (int): Half-length of the clip window in frames.

    Returns:
        dict[int, np.ndarray]: Track id -> (H, W) uint8 with
        :data:`TARGET_MOTION` where that person's swept region is and
        :data:`OTHER_MOTION` where the swept region of everything else is.
    """
    regions = {p: _swept(s, t, window) for p, s in people.items()}
    rest = _swept(others, t, window)
    masks = {}
    for p, region in regions.items():
        other = rest.copy()
        for q, other_region in regions.items():
            if q != p:
                other |= other_region
        masks[p] = (TARGET_MOTION * region + OTHER_MOTION * other).astype(
            np.uint8)
    return masks
