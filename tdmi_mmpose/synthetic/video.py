# Copyright (c) tdmi_mmpose contributors.
"""Rendering one synthetic video: its frames, PoseTrack18 records,
detections, hidden joints, blurred frames and motion masks."""
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..io import FRAME_FILE_TEMPLATE
from .annotations import (POSETRACK18_CATEGORIES, false_positive_detection,
                          ignore_polygon, image_id, jittered_detection,
                          person_annotation, person_boxes)
from .irrelevant_motion import (IrrelevantMotion, draw_objects,
                                motion_masks, pan_offset,
                                plan_irrelevant_motion)
from .rendering import (PAN_MARGIN, background_texture, draw_person,
                        hide_joints, motion_blur, panned_view,
                        person_silhouette)
from .stick_figure import walking_pose

#: The one ignore region of the fixed sample: (video, labelled frame); the
#: region covers the lower body of person 0 there.
IGNORE_REGION_AT = ('000101_sample_val', 6)


@dataclass
class Effects:
    """Per-frame effects of a video, drawn from ``rng`` (a stream of their
    own, so that switching them on leaves everything else as it was).

    Attributes:
        rng (np.random.Generator, optional): The effects' stream.
        occlusion_prob (float): Probability that a joint is hidden.
        occluder_radius (float): Hiding disc radius, fraction of the
            person's height.
        blur_prob (float): Probability that a frame is motion-blurred.
        blur_length (int): Blur kernel length in px.
    """
    rng: Optional[np.random.Generator] = None
    occlusion_prob: float = 0.0
    occluder_radius: float = 0.08
    blur_prob: float = 0.0
    blur_length: int = 9


@dataclass
class _Scene:
    """What a video draws from its stream before its first frame."""
    texture: np.ndarray
    pan: np.ndarray
    jitters: List[np.ndarray]
    colours: List[Tuple[int, int, int]]
    fp_frames: np.ndarray
    motion: Optional[IrrelevantMotion]


def _draw_scene(rng, templates, nframes, width, height, num_false_positives,
                motion_rng, motion_options) -> _Scene:
    texture = background_texture(rng, width + 2 * PAN_MARGIN,
                                 height + 2 * PAN_MARGIN)
    pan = rng.uniform(-0.8, 0.8, size=2)
    jitters = [rng.uniform(-1, 1, size=6) for _ in templates]
    colours = [tuple(int(c) for c in rng.integers(40, 220, size=3))
               for _ in templates]
    fp_frames = rng.integers(0, nframes, size=num_false_positives)
    motion = None
    if motion_options:
        joints, _, _ = walking_pose(templates[0], jitters[0],
                                    (nframes - 1) // 2, width, height)
        motion = plan_irrelevant_motion(motion_rng, joints.mean(0),
                                        templates[0], nframes, width, height,
                                        **motion_options)
    return _Scene(texture, pan, jitters, colours, fp_frames, motion)


def _background(scene: _Scene, rng, t, nframes, width,
                height) -> Tuple[np.ndarray, np.ndarray]:
    """A frame's background (the panning texture, moving objects, noise)
    and where the objects are."""
    motion = scene.motion
    if motion is not None and motion.pan is not None:
        img = panned_view(motion.texture, pan_offset(motion, t, nframes),
                          width, height)
    else:
        img = panned_view(scene.texture, PAN_MARGIN + scene.pan * t, width,
                          height)
    objects = np.zeros((height, width), dtype=bool)
    if motion is not None and motion.objects:
        objects = draw_objects(img, motion.objects, t, width, height)
    img += rng.normal(0, 2.0, size=img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8), objects


def _frame_people(scene: _Scene, templates, t, width, height):
    """``(people, passer)``: ``(track_id, joints, height, occluded)`` of
    the annotated people, and ``(joints, height)`` of the passer-by or
    None."""
    people = [(p, *walking_pose(template, scene.jitters[p], t, width, height))
              for p, template in enumerate(templates)]
    passer = None
    if scene.motion is not None and scene.motion.passer_by is not None:
        joints, h, _ = walking_pose(scene.motion.passer_by,
                                    scene.motion.passer_jitter, t, width,
                                    height)
        passer = (joints, h)
    return people, passer


def _draw_frame(img, scene: _Scene, people, passer, effects: Effects,
                file_name, record) -> None:
    """Draw the people (smaller, farther ones first), hide joints and blur
    the frame, into ``record``."""
    background = img.copy()
    drawn = [(h, joints, scene.colours[p]) for p, joints, h, _ in people]
    if passer is not None:
        drawn.append((passer[1], passer[0], scene.motion.passer_colour))
    for h, joints, colour in sorted(drawn, key=lambda x: x[0]):
        draw_person(img, joints, h, colour)
    if effects.occlusion_prob > 0:
        hidden = hide_joints(img, background, people, effects.rng,
                             effects.occlusion_prob, effects.occluder_radius)
        if hidden:
            record['hidden_joints'][file_name] = hidden
    if effects.blur_prob > 0 and effects.rng.uniform() < effects.blur_prob:
        img = motion_blur(img, effects.blur_length,
                          float(effects.rng.uniform(0, 180)))
        record['blurred_frames'].append(file_name)
    record['frames'].append((file_name, img))
    record['backgrounds'].append(background)


def _label_frame(rng, image, people, t, labeled, is_val, name, width,
                 height, det_score_range, record) -> None:
    """Annotations (labelled frames) and detections (val) of the people of
    frame ``t``."""
    inst = 0
    for p, joints, h, occluded in people:
        inside = ((joints[:, 0] >= 0) & (joints[:, 0] <= width - 1) &
                  (joints[:, 1] >= 0) & (joints[:, 1] <= height - 1))
        visible = inside & ~occluded
        if visible.sum() < 2:
            continue  # not in the picture: no annotation, no detection
        boxes = person_boxes(joints, visible, h, width, height)
        if labeled:
            record['annotations'].append(
                person_annotation(joints, visible, boxes, p, image['id'],
                                  inst))
            inst += 1
            if (name, t) == IGNORE_REGION_AT and p == 0:
                poly_x, poly_y = ignore_polygon(joints)
                image['ignore_regions_x'] = [poly_x]
                image['ignore_regions_y'] = [poly_y]
        if is_val:
            record['detections'].append(
                jittered_detection(rng, boxes[0], image['id'],
                                   det_score_range, width, height))


def _silhouettes(people, passer, objects, width, height, record) -> None:
    """Where each annotated person, and everything else that moves on its
    own, is in this frame (for the motion masks)."""
    for p, joints, h, _ in people:
        record['silhouettes'].setdefault(p, []).append(
            person_silhouette(joints, h, width, height))
    others = objects.copy()
    if passer is not None:
        others |= person_silhouette(passer[0], passer[1], width, height)
    record['other_movers'].append(others)


def _masks_of_labelled_frames(record, mask_window) -> Dict:
    """(frame file, track id) -> motion mask, for every annotation."""
    index = {image['id']: t for t, image in enumerate(record['images'])}
    by_frame: Dict[int, Dict] = {}
    masks = {}
    for ann in record['annotations']:
        t = index[ann['image_id']]
        if t not in by_frame:
            by_frame[t] = motion_masks(record['silhouettes'],
                                       record['other_movers'], t,
                                       mask_window)
        masks[(record['images'][t]['file_name'],
               ann['track_id'])] = by_frame[t][ann['track_id']]
    return masks


def render_video(rng: np.random.Generator, split: str, name: str,
                 nframes: int, step: int, templates: List[Tuple],
                 width: int, height: int,
                 det_score_range: Tuple[float, float],
                 num_false_positives: int,
                 effects: Optional[Effects] = None,
                 motion_rng: Optional[np.random.Generator] = None,
                 motion_options: Optional[Dict] = None,
                 mask_window: int = 2) -> Dict:
    """Render one video.

    Args:
        rng (np.random.Generator): The video's stream (textures, people,
            noise, detections).
        split (str): ``'train'``, ``'val'`` (detections) or another name.
        name (str): Video name, ``<6-digit id>_<anything>``.
        nframes (int): Frames.
        step (int): Labelling step (the last frame is labelled too).
        templates (list[tuple]): Motion templates of the annotated people.
        width, height (int): Frame size.
        det_score_range (tuple[float, float]): Scores of true detections.
        num_false_positives (int): False-positive detections (val).
        effects (Effects, optional): Occlusion and blur. Default: none.
        motion_rng (np.random.Generator, optional): Stream of the
            irrelevant motion.
        motion_options (dict, optional): Keyword arguments of
            :func:`plan_irrelevant_motion` (``pan_speed``,
            ``moving_objects``, ``passer_by``); given, the video gets
            irrelevant motion and motion masks.
        mask_window (int): Half-length of the motion masks' clip window.

    Returns:
        dict: ``frames`` (``(file name, BGR uint8)``), ``backgrounds``
        (each frame before the people were drawn), ``json`` (the PoseTrack18
        dict), ``detections`` (val), ``hidden_joints``, ``blurred_frames``
        and ``motion_masks`` (``(frame file, track id) -> (H, W) uint8``,
        empty without ``motion_options``).
    """
    effects = effects or Effects()
    scene = _draw_scene(rng, templates, nframes, width, height,
                        num_false_positives, motion_rng, motion_options)
    vid_id = name.split('_')[0]
    record = dict(images=[], annotations=[], frames=[], backgrounds=[],
                  detections=[], hidden_joints={}, blurred_frames=[],
                  silhouettes={}, other_movers=[])
    for t in range(nframes):
        img_id = image_id(vid_id, t)
        file_name = f'images/{split}/{name}/' + FRAME_FILE_TEMPLATE.format(t)
        labeled = (t % step == 0) or (t == nframes - 1)
        image = dict(file_name=file_name, id=img_id, frame_id=img_id,
                     vid_id=vid_id, nframes=nframes, is_labeled=labeled,
                     has_no_densepose=True)
        img, objects = _background(scene, rng, t, nframes, width, height)
        people, passer = _frame_people(scene, templates, t, width, height)
        _draw_frame(img, scene, people, passer, effects, file_name, record)
        if scene.motion is not None:
            _silhouettes(people, passer, objects, width, height, record)
        _label_frame(rng, image, people, t, labeled, split == 'val', name,
                     width, height, det_score_range, record)
        if split == 'val':
            for _ in range(int((scene.fp_frames == t).sum())):
                record['detections'].append(
                    false_positive_detection(rng, img_id, width, height))
        record['images'].append(image)
    masks = _masks_of_labelled_frames(record, mask_window) \
        if scene.motion is not None else {}
    return dict(
        frames=record['frames'], backgrounds=record['backgrounds'],
        hidden_joints=record['hidden_joints'],
        blurred_frames=record['blurred_frames'], motion_masks=masks,
        json=dict(images=record['images'],
                  annotations=record['annotations'],
                  categories=POSETRACK18_CATEGORIES),
        detections=record['detections'])
