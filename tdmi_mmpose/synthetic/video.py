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


class _VideoRenderer:
    """The state of one video being rendered: its scene, drawn from its
    stream before the first frame, and what its frames produce."""

    def __init__(self, rng, split, name, nframes, templates, width, height,
                 det_score_range, num_false_positives, effects, motion_rng,
                 motion_options):
        self.rng, self.split, self.name = rng, split, name
        self.nframes, self.templates = nframes, templates
        self.width, self.height = width, height
        self.det_score_range, self.effects = det_score_range, effects
        self.texture = background_texture(rng, width + 2 * PAN_MARGIN,
                                          height + 2 * PAN_MARGIN)
        self.pan = rng.uniform(-0.8, 0.8, size=2)
        self.jitters = [rng.uniform(-1, 1, size=6) for _ in templates]
        self.colours = [tuple(int(c) for c in rng.integers(40, 220, size=3))
                        for _ in templates]
        self.fp_frames = rng.integers(0, nframes, size=num_false_positives)
        self.motion: Optional[IrrelevantMotion] = None
        if motion_options:
            joints, _, _ = walking_pose(templates[0], self.jitters[0],
                                        (nframes - 1) // 2, width, height)
            self.motion = plan_irrelevant_motion(
                motion_rng, joints.mean(0), templates[0], nframes, width,
                height, **motion_options)
        self.images, self.annotations, self.detections = [], [], []
        self.frames, self.backgrounds, self.blurred_frames = [], [], []
        self.hidden_joints, self.silhouettes, self.other_movers = {}, {}, []

    def background(self, t: int) -> Tuple[np.ndarray, np.ndarray]:
        """Frame ``t``'s background (the panning texture, moving objects,
        noise) and where the objects are."""
        motion, width, height = self.motion, self.width, self.height
        if motion is not None and motion.pan is not None:
            img = panned_view(motion.texture,
                              pan_offset(motion, t, self.nframes), width,
                              height)
        else:
            img = panned_view(self.texture, PAN_MARGIN + self.pan * t, width,
                              height)
        objects = np.zeros((height, width), dtype=bool)
        if motion is not None and motion.objects:
            objects = draw_objects(img, motion.objects, t, width, height)
        img += self.rng.normal(0, 2.0, size=img.shape).astype(np.float32)
        return np.clip(img, 0, 255).astype(np.uint8), objects

    def people(self, t: int) -> Tuple[List, Optional[Tuple]]:
        """``(track_id, joints, height, occluded)`` of the annotated people
        at frame ``t``, and ``(joints, height)`` of the passer-by or None.
        """
        people = [(p, *walking_pose(template, self.jitters[p], t,
                                    self.width, self.height))
                  for p, template in enumerate(self.templates)]
        passer = None
        if self.motion is not None and self.motion.passer_by is not None:
            joints, h, _ = walking_pose(self.motion.passer_by,
                                        self.motion.passer_jitter, t,
                                        self.width, self.height)
            passer = (joints, h)
        return people, passer

    def draw(self, img, people, passer, file_name) -> None:
        """Draw the people (smaller, farther ones first), hide joints and
        blur the frame."""
        background = img.copy()
        effects = self.effects
        drawn = [(h, joints, self.colours[p]) for p, joints, h, _ in people]
        if passer is not None:
            drawn.append((passer[1], passer[0], self.motion.passer_colour))
        for h, joints, colour in sorted(drawn, key=lambda x: x[0]):
            draw_person(img, joints, h, colour)
        if effects.occlusion_prob > 0:
            hidden = hide_joints(img, background, people, effects.rng,
                                 effects.occlusion_prob,
                                 effects.occluder_radius)
            if hidden:
                self.hidden_joints[file_name] = hidden
        if effects.blur_prob > 0 and effects.rng.uniform() < effects.blur_prob:
            img = motion_blur(img, effects.blur_length,
                              float(effects.rng.uniform(0, 180)))
            self.blurred_frames.append(file_name)
        self.frames.append((file_name, img))
        self.backgrounds.append(background)

    def label(self, image, people, t) -> None:
        """Annotations (labelled frames) and detections (val) of the people
        of frame ``t``."""
        inst = 0
        width, height = self.width, self.height
        for p, joints, h, occluded in people:
            inside = ((joints[:, 0] >= 0) & (joints[:, 0] <= width - 1) &
                      (joints[:, 1] >= 0) & (joints[:, 1] <= height - 1))
            visible = inside & ~occluded
            if visible.sum() < 2:
                continue  # not in the picture: no annotation, no detection
            boxes = person_boxes(joints, visible, h, width, height)
            if image['is_labeled']:
                self.annotations.append(
                    person_annotation(joints, visible, boxes, p, image['id'],
                                      inst))
                inst += 1
                if (self.name, t) == IGNORE_REGION_AT and p == 0:
                    poly_x, poly_y = ignore_polygon(joints)
                    image['ignore_regions_x'] = [poly_x]
                    image['ignore_regions_y'] = [poly_y]
            if self.split == 'val':
                self.detections.append(
                    jittered_detection(self.rng, boxes[0], image['id'],
                                       self.det_score_range, width, height))

    def record_silhouettes(self, people, passer, objects) -> None:
        """Where each annotated person, and everything else that moves on
        its own, is in this frame (for the motion masks)."""
        for p, joints, h, _ in people:
            self.silhouettes.setdefault(p, []).append(
                person_silhouette(joints, h, self.width, self.height))
        others = objects.copy()
        if passer is not None:
            others |= person_silhouette(passer[0], passer[1], self.width,
                                        self.height)
        self.other_movers.append(others)

    def labelled_masks(self, mask_window) -> Dict:
        """(frame file, track id) -> motion mask, for every annotation."""
        index = {image['id']: t for t, image in enumerate(self.images)}
        by_frame: Dict[int, Dict] = {}
        masks = {}
        for ann in self.annotations:
            t = index[ann['image_id']]
            if t not in by_frame:
                by_frame[t] = motion_masks(self.silhouettes,
                                           self.other_movers, t, mask_window)
            masks[(self.images[t]['file_name'],
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
    video = _VideoRenderer(rng, split, name, nframes, templates, width,
                           height, det_score_range, num_false_positives,
                           effects or Effects(), motion_rng, motion_options)
    vid_id = name.split('_')[0]
    for t in range(nframes):
        img_id = image_id(vid_id, t)
        file_name = f'images/{split}/{name}/' + FRAME_FILE_TEMPLATE.format(t)
        image = dict(file_name=file_name, id=img_id, frame_id=img_id,
                     vid_id=vid_id, nframes=nframes,
                     is_labeled=(t % step == 0) or (t == nframes - 1),
                     has_no_densepose=True)
        img, objects = video.background(t)
        people, passer = video.people(t)
        video.draw(img, people, passer, file_name)
        if video.motion is not None:
            video.record_silhouettes(people, passer, objects)
        video.label(image, people, t)
        if split == 'val':
            for _ in range(int((video.fp_frames == t).sum())):
                video.detections.append(
                    false_positive_detection(rng, img_id, width, height))
        video.images.append(image)
    masks = video.labelled_masks(mask_window) \
        if video.motion is not None else {}
    return dict(
        frames=video.frames, backgrounds=video.backgrounds,
        hidden_joints=video.hidden_joints,
        blurred_frames=video.blurred_frames, motion_masks=masks,
        json=dict(images=video.images, annotations=video.annotations,
                  categories=POSETRACK18_CATEGORIES),
        detections=video.detections)
