"""A tiny synthetic dataset in the PoseTrack18 release layout.

The sample exists so that the dataset, the pipeline, the model and the
metric can be exercised end to end without the real PoseTrack data. It is
drawn from scratch (textured backgrounds and walking stick figures); it says
nothing about accuracy on real videos.

Layout written under ``out_dir`` (the same as a PoseTrack18 release)::

    images/{train,val}/<video>/<frame:06d>.jpg
    annotations/{train,val}/<video>.json
    person_detections/val_human_detections.json

The output depends only on ``seed`` (and the keyword arguments): the JSON
files are byte-identical between runs, and so are the JPEG files for a given
OpenCV build.
"""
import math
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmengine.fileio import dump

from ..io import (FRAME_FILE_TEMPLATE, POSETRACK18_KEYPOINT_NAMES,
                               posetrack_categories)

#: PoseTrack18 keypoint names, in annotation order (from the format module).
POSETRACK18_KEYPOINTS = list(POSETRACK18_KEYPOINT_NAMES)

#: The ``categories`` of the written files.
POSETRACK18_CATEGORIES = posetrack_categories()

NUM_KEYPOINTS = len(POSETRACK18_KEYPOINTS)
_K = {name: i for i, name in enumerate(POSETRACK18_KEYPOINTS)}

# Limbs drawn as thick lines: (joint a, joint b, BGR colour, width factor).
_LIMBS = [
    ('left_hip', 'left_knee', (40, 160, 40), 0.060),
    ('left_knee', 'left_ankle', (90, 220, 90), 0.050),
    ('right_hip', 'right_knee', (160, 60, 30), 0.060),
    ('right_knee', 'right_ankle', (230, 140, 60), 0.050),
    ('left_shoulder', 'left_elbow', (30, 200, 230), 0.050),
    ('left_elbow', 'left_wrist', (120, 240, 250), 0.040),
    ('right_shoulder', 'right_elbow', (200, 40, 200), 0.050),
    ('right_elbow', 'right_wrist', (250, 150, 250), 0.040),
]

# Fixed structure of the sample: (split, video name, number of frames,
# labelling step, per-person motion templates). The seed perturbs the
# motion and the textures, never the structure.
# A person template: (start x as a fraction of the width, walking speed in
# px/frame, height in px, scale change per frame, gait phase).
_VIDEOS = [
    ('train', '000001_sample_train', 16, 2,
     [(0.25, 2.2, 150, 0.000, 0.0), (0.78, -1.6, 120, 0.004, 1.7)]),
    ('train', '000002_sample_train', 14, 2, [(0.45, 1.4, 170, -0.006, 0.6)]),
    ('train', '000003_sample_train', 12, 2,
     [(0.88, 4.0, 140, 0.000, 2.5), (0.35, -1.0, 125, 0.008, 4.0)]),
    ('val', '000101_sample_val', 15, 3,
     [(0.30, 1.8, 155, 0.000, 0.3), (0.72, -2.0, 130, 0.003, 3.1)]),
    ('val', '000102_sample_val', 13, 3,
     [(0.10, 3.0, 145, 0.002, 1.2), (0.60, 0.8, 115, -0.004, 5.0)]),
]

# The val video (and its labelled frame index) carrying the one ignore
# region; the region covers the lower body of person 0 there.
_IGNORE_VIDEO = '000101_sample_val'
_IGNORE_FRAME = 6


def _image_id(vid_id: str, frame_index: int) -> int:
    """PoseTrack18 image id: ``1<vid_id:6 digits><frame:04d>``."""
    return int(f'1{vid_id}{frame_index:04d}')


def _pose(template: Tuple, jitter: np.ndarray, t: int,
          width: int, height: int) -> Tuple[np.ndarray, float, np.ndarray]:
    """Joint positions of one walking person at frame ``t``.

    Args:
        template (tuple): the person's motion template (see ``_VIDEOS``).
        jitter (np.ndarray): per-person random perturbations, shape (6,).
        t (int): frame index.
        width (int): image width.
        height (int): image height.

    Returns:
        tuple: ``(joints, person_height, occluded)`` where joints is a
        (17, 2) float array and occluded a (17,) bool array (self-occluded
        joints, e.g. the far ear of a turned head).
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

    def limb(origin, angle, length):
        # ``angle`` is measured from straight down, positive towards +x.
        return origin + length * np.array([math.sin(angle), math.cos(angle)])

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

    s = math.sin(phase)
    for name, sign, arm_phase in (('left', 1, s), ('right', -1, -s)):
        upper = sign * 0.15 + swing * arm_phase + lean
        fore = upper + 0.35 + 0.3 * max(0.0, arm_phase)
        elbow = limb(j[_K[f'{name}_shoulder']], upper, 0.17 * h)
        j[_K[f'{name}_elbow']] = elbow
        j[_K[f'{name}_wrist']] = limb(elbow, fore, 0.15 * h)
    for name, sign, leg_phase in (('left', 1, -s), ('right', -1, s)):
        thigh = sign * 0.05 + swing * leg_phase
        knee_bend = 0.5 * max(
            0.0, math.sin(phase + (0 if sign > 0 else math.pi) + 1.2))
        knee = limb(j[_K[f'{name}_hip']], thigh, 0.245 * h)
        j[_K[f'{name}_knee']] = knee
        j[_K[f'{name}_ankle']] = limb(knee, thigh - knee_bend, 0.235 * h)

    occluded = np.zeros(NUM_KEYPOINTS, dtype=bool)
    # An ear hides behind the head when the head turns far enough.
    if math.sin(yaw) > 0.6:
        occluded[_K['right_ear']] = True
    elif math.sin(yaw) < -0.6:
        occluded[_K['left_ear']] = True
    return j, h, occluded


def _texture(rng: np.random.Generator, width: int,
             height: int) -> np.ndarray:
    """A smooth, coloured, striped background texture (float32, BGR)."""
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


def _draw_person(img: np.ndarray, joints: np.ndarray, h: float,
                 colour: Tuple[int, int, int]) -> None:
    """Draw one stick figure (thick limbs, torso polygon, head ellipse)."""
    def pt(name):
        return tuple(int(round(v)) for v in joints[_K[name]] * 16)

    shift = 4  # fixed-point drawing for sub-pixel smoothness
    for a, b, col, wf in _LIMBS[:4]:
        cv2.line(img, pt(a), pt(b), col, max(2, int(wf * h)), cv2.LINE_AA,
                 shift)
    torso = np.array([pt('left_shoulder'), pt('right_shoulder'),
                      pt('right_hip'), pt('left_hip')], dtype=np.int32)
    cv2.fillConvexPoly(img, torso, colour, cv2.LINE_AA, shift)
    for a, b, col, wf in _LIMBS[4:]:
        cv2.line(img, pt(a), pt(b), col, max(2, int(wf * h)), cv2.LINE_AA,
                 shift)
    neck = pt('head_bottom')
    cv2.line(img, neck, pt('head_top'), (60, 90, 150), max(2, int(0.05 * h)),
             cv2.LINE_AA, shift)
    top = joints[_K['head_top']]
    bottom = joints[_K['head_bottom']]
    centre = (top + bottom) / 2
    axes = (0.065 * h, 0.085 * h)
    angle = math.degrees(math.atan2(top[0] - bottom[0], bottom[1] - top[1]))
    cv2.ellipse(img, tuple(int(round(v * 16)) for v in centre),
                tuple(int(round(v * 16)) for v in axes), angle, 0, 360,
                (150, 190, 235), -1, cv2.LINE_AA, shift)
    cv2.circle(img, pt('nose'), max(1, int(0.018 * h)) * 16, (40, 40, 200),
               -1, cv2.LINE_AA, shift)
    for ear in ('left_ear', 'right_ear'):
        cv2.circle(img, pt(ear), max(1, int(0.015 * h)) * 16, (90, 120, 190),
                   -1, cv2.LINE_AA, shift)


def _r2(v: float) -> float:
    return round(float(v), 2)


def _person_boxes(joints: np.ndarray, visible: np.ndarray, h: float,
                  width: int, height: int) -> Tuple[List, List]:
    """Person box (from visible joints, 10% + 4 px margin, clipped to the
    image) and head box (from the head geometry), both xywh."""
    pts = joints[visible]
    x1, y1 = pts.min(axis=0)
    x2, y2 = pts.max(axis=0)
    mx = 0.1 * (x2 - x1) + 4.0
    my = 0.1 * (y2 - y1) + 4.0
    x1, x2 = max(0.0, x1 - mx), min(width - 1.0, x2 + mx)
    y1, y2 = max(0.0, y1 - my), min(height - 1.0, y2 + my)
    bbox = [_r2(x1), _r2(y1), _r2(x2 - x1), _r2(y2 - y1)]

    head = joints[[_K['head_top'], _K['head_bottom'], _K['left_ear'],
                   _K['right_ear']]]
    hx1, hy1 = head.min(axis=0)
    hx2, hy2 = head.max(axis=0)
    hw = max(hx2 - hx1, 0.13 * h)
    hcx = (hx1 + hx2) / 2
    bbox_head = [_r2(hcx - hw / 2), _r2(hy1), _r2(hw), _r2(hy2 - hy1)]
    return bbox, bbox_head


def _ignore_polygon(joints: np.ndarray) -> Tuple[List[float], List[float]]:
    """A quadrilateral over one person's lower body (hips down, left side
    of the body and beyond), so the person is partly inside."""
    hip_y = joints[[_K['left_hip'], _K['right_hip']], 1].mean()
    xs = joints[:, 0]
    mid_x = xs.mean()
    x_left = xs.min() - 25.0
    bottom = joints[:, 1].max() + 15.0
    poly_x = [x_left, mid_x, mid_x + 4.0, x_left - 10.0]
    poly_y = [hip_y - 5.0, hip_y - 5.0, bottom, bottom]
    return [_r2(v) for v in poly_x], [_r2(v) for v in poly_y]


def generated_layout(rng: np.random.Generator, num_videos: Tuple[int, int],
                     nframes: int, step: int) -> List[Tuple]:
    """Video specs ``(split, name, nframes, step, templates)`` of a
    generated layout: ``num_videos = (train, val)`` videos, each with one or
    two people whose motion templates (see ``_VIDEOS``) are drawn from
    ``rng``.

    Args:
        rng (np.random.Generator): Source of the templates.
        num_videos (tuple[int, int]): Numbers of train and val videos.
        nframes (int): Frames per video, >= 2.
        step (int): Labelling step, >= 1.

    Returns:
        list[tuple]: One spec per video, train first.
    """
    if len(num_videos) != 2 or min(num_videos) < 0 or sum(num_videos) < 1:
        raise ValueError('num_videos must be (train, val) counts >= 0 with '
                         f'at least one video, got {num_videos}')
    if nframes < 2:
        raise ValueError(f'frames_per_video must be >= 2, got {nframes}')
    if step < 1:
        raise ValueError(f'label_step must be >= 1, got {step}')
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
    """Add a person who walks the other way and meets the first person of
    ``templates`` half-way through the video.

    Args:
        templates (list[tuple]): The video's motion templates.
        nframes (int): Frames of the video.
        width (int): Image width.

    Returns:
        list[tuple]: ``templates`` plus the distractor's template.
    """
    x0, speed, h, dscale, phase = templates[0]
    speed = speed if abs(speed) >= 0.8 else math.copysign(0.8, speed or 1)
    meet = 0.5 * (nframes - 1)
    meet_x = x0 * width + speed * meet
    other_speed = -1.3 * speed
    other_x0 = (meet_x - other_speed * meet) / width
    return list(templates) + [(other_x0, other_speed, 0.92 * h, dscale,
                               phase + math.pi / 2)]


def hide_joints(img: np.ndarray, background: np.ndarray, people: List,
                rng: np.random.Generator, prob: float,
                radius: float) -> List[List[int]]:
    """Paint the background back over randomly chosen joints, in place.

    Args:
        img (np.ndarray): The frame with the people drawn, (H, W, 3) uint8.
        background (np.ndarray): The same frame before the people were
            drawn.
        people (list): ``(track_id, joints (K, 2), height, occluded)`` per
            person.
        rng (np.random.Generator): Draws which joints are hidden (one draw
            per joint and person, whatever ``prob``).
        prob (float): Probability that a joint is hidden.
        radius (float): Disc radius as a fraction of the person's height.

    Returns:
        list[list[int]]: ``[track_id, keypoint index]`` of every hidden
        joint.
    """
    mask = np.zeros(img.shape[:2], dtype=np.uint8)
    hidden = []
    for p, joints, h, _ in people:
        draws = rng.uniform(size=len(joints))
        for k in np.flatnonzero(draws < prob):
            centre = tuple(int(round(v * 16)) for v in joints[k])
            cv2.circle(mask, centre, int(round(radius * h * 16)), 1, -1,
                       cv2.LINE_8, 4)
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


def _write_json(path: str, obj) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    dump(obj, path, file_format='json')


def make_sample_posetrack(out_dir: str,
                          seed: int = 0,
                          width: int = 320,
                          height: int = 240,
                          jpeg_quality: int = 85,
                          splits: Sequence[str] = ('train', 'val'),
                          det_score_range: Tuple[float, float] = (0.6, 0.99),
                          num_false_positives: int = 2,
                          num_videos: Optional[Tuple[int, int]] = None,
                          frames_per_video: int = 20,
                          label_step: int = 2,
                          occlusion_prob: float = 0.0,
                          occluder_radius: float = 0.08,
                          blur_prob: float = 0.0,
                          blur_length: int = 9,
                          distractor: bool = False) -> Dict:
    """Generate the synthetic PoseTrack18-format sample dataset.

    Five short videos (train: 3 videos of 12-16 frames, every other frame
    labelled; val: 2 videos of 13-15 frames, every third frame labelled),
    each with one or two walking, arm-swinging stick figures on a slowly
    panning textured background. The first and last frame of each video
    are always labelled. Joints outside the image, and an ear hidden behind
    a turned head, are annotated ``[0, 0, 0]``. One labelled val frame has
    one ignore region (a polygon over part of a person). The val detection
    file covers every val frame, with jittered boxes around each visible
    person plus low-score false positives.

    Args:
        out_dir (str): root folder to write to (created if missing).
        seed (int): seed of ``numpy.random.default_rng``. Defaults to 0.
        width (int): image width. Defaults to 320.
        height (int): image height. Defaults to 240.
        jpeg_quality (int): JPEG quality for ``cv2.imwrite``.
            Defaults to 85.
        splits (Sequence[str]): which splits to write. Defaults to
            ``('train', 'val')``.
        det_score_range (tuple[float, float]): score range of true
            detections. Defaults to (0.6, 0.99).
        num_false_positives (int): low-score false-positive detections per
            val video, at least 1. Defaults to 2.
        num_videos (tuple[int, int], optional): ``(train, val)`` numbers of
            videos of a *generated* layout: each video has
            ``frames_per_video`` frames, every ``label_step``-th frame (and
            the last) labelled, and one or two walking people drawn from the
            seed. ``None`` (default) writes the fixed five-video sample.
        frames_per_video (int): frames per video of a generated layout.
            Defaults to 20.
        label_step (int): labelling step of a generated layout.
            Defaults to 2.
        occlusion_prob (float): probability that a joint is hidden in a
            frame, independently per joint, person and frame. A hidden
            joint's pixels (a disc of radius ``occluder_radius`` × the
            person's height) are painted over with the frame's background,
            so neighbouring frames show what this one hides. The joint stays
            annotated at its true position. Defaults to 0.
        occluder_radius (float): radius of the hiding disc as a fraction
            of the person's height. Defaults to 0.08.
        blur_prob (float): probability that a frame is motion-blurred
            (a line kernel of ``blur_length`` px at an angle drawn per
            frame). Defaults to 0.
        blur_length (int): length of the blur kernel in pixels, >= 2.
            Defaults to 9.
        distractor (bool): add to every video a person of similar size who
            walks the other way and crosses the first person half-way
            through the video (annotated, with its own track id and, in
            val, detections). Defaults to False.

    Returns:
        dict: a summary with ``root``, ``seed``, ``det_file`` (or None when
        val is not written), ``num_detections``, ``ignore_regions`` (number
        of ignore polygons), ``hidden_joints`` (``{frame file name:
        [[track_id, keypoint index], ...]}`` for every frame with a hidden
        joint), ``blurred_frames`` (file names) and, per split,
        ``videos``, ``frames``, ``labeled_frames``, ``instances`` and
        ``ann_files`` (paths of the per-video annotation files).
    """
    if num_false_positives < 1:
        raise ValueError('num_false_positives must be at least 1, got '
                         f'{num_false_positives}')
    for name, value in (('occlusion_prob', occlusion_prob),
                        ('blur_prob', blur_prob)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f'{name} must be in [0, 1], got {value}')
    if not 0.0 < occluder_radius <= 0.5:
        raise ValueError(
            f'occluder_radius must be in (0, 0.5], got {occluder_radius}')
    if blur_length < 2:
        raise ValueError(f'blur_length must be >= 2, got {blur_length}')
    rng = np.random.default_rng(seed)
    if num_videos is None:
        videos = _VIDEOS
    else:
        videos = generated_layout(
            np.random.default_rng([seed, 1]), num_videos, frames_per_video,
            label_step)
    effects = dict(
        occlusion_prob=occlusion_prob,
        occluder_radius=occluder_radius,
        blur_prob=blur_prob,
        blur_length=blur_length)
    summary: Dict = {'root': out_dir, 'seed': seed, 'det_file': None,
                     'num_detections': 0, 'ignore_regions': 0,
                     'hidden_joints': {}, 'blurred_frames': []}
    detections: List[Dict] = []
    for index, (split, name, nframes, step, templates) in enumerate(videos):
        # Draw every random number of a video even when the split is
        # skipped, so a video's content does not depend on ``splits``.
        vid_rng = np.random.default_rng(rng.integers(0, 2**31))
        if distractor:
            templates = with_distractor(templates, nframes, width)
        # The effects draw from their own stream: switching them on leaves
        # the people, backgrounds and detections of a seed as they were.
        effect_rng = np.random.default_rng([seed, 2, index])
        video = render_video(vid_rng, split, name, nframes, step, templates,
                             width, height, det_score_range,
                             num_false_positives, effect_rng, **effects)
        if split not in splits:
            continue
        stats = summary.setdefault(split, {
            'videos': 0, 'frames': 0, 'labeled_frames': 0, 'instances': 0,
            'ann_files': []
        })
        for file_name, img in video['frames']:
            path = osp.join(out_dir, file_name)
            os.makedirs(osp.dirname(path), exist_ok=True)
            ok = cv2.imwrite(path, img,
                             [int(cv2.IMWRITE_JPEG_QUALITY), jpeg_quality])
            if not ok:
                raise IOError(f'cv2.imwrite failed for {path}')
        ann_file = osp.join(out_dir, 'annotations', split, f'{name}.json')
        _write_json(ann_file, video['json'])
        stats['videos'] += 1
        stats['frames'] += nframes
        stats['labeled_frames'] += sum(
            1 for im in video['json']['images'] if im['is_labeled'])
        stats['instances'] += len(video['json']['annotations'])
        summary['ignore_regions'] += sum(
            len(im.get('ignore_regions_x', []))
            for im in video['json']['images'])
        stats['ann_files'].append(ann_file)
        detections.extend(video['detections'])
        summary['hidden_joints'].update(video['hidden_joints'])
        summary['blurred_frames'].extend(video['blurred_frames'])

    if 'val' in splits:
        det_file = osp.join(out_dir, 'person_detections',
                            'val_human_detections.json')
        _write_json(det_file, detections)
        summary['det_file'] = det_file
        summary['num_detections'] = len(detections)
    return summary


def render_video(rng: np.random.Generator, split: str, name: str,
                 nframes: int, step: int, templates: List[Tuple],
                 width: int, height: int,
                 det_score_range: Tuple[float, float],
                 num_false_positives: int,
                 effect_rng: Optional[np.random.Generator] = None,
                 occlusion_prob: float = 0.0,
                 occluder_radius: float = 0.08,
                 blur_prob: float = 0.0,
                 blur_length: int = 9) -> Dict:
    """Render one video; returns its frames (``(file name, BGR uint8)``),
    the backgrounds they were drawn on, its PoseTrack18 JSON dict, its
    detections (val only), its hidden joints and blurred frames (see
    :func:`make_sample_posetrack`)."""
    vid_id = name.split('_')[0]
    pad = 24
    texture = _texture(rng, width + 2 * pad, height + 2 * pad)
    pan = rng.uniform(-0.8, 0.8, size=2)
    jitters = [rng.uniform(-1, 1, size=6) for _ in templates]
    colours = [tuple(int(c) for c in rng.integers(40, 220, size=3))
               for _ in templates]
    fp_frames = rng.integers(0, nframes, size=num_false_positives)

    images, annotations, frames, detections = [], [], [], []
    backgrounds, hidden_joints, blurred_frames = [], {}, []
    for t in range(nframes):
        img_id = _image_id(vid_id, t)
        file_name = f'images/{split}/{name}/' + FRAME_FILE_TEMPLATE.format(t)
        labeled = (t % step == 0) or (t == nframes - 1)
        image = {
            'file_name': file_name,
            'id': img_id,
            'frame_id': img_id,
            'vid_id': vid_id,
            'nframes': nframes,
            'is_labeled': labeled,
            'has_no_densepose': True,
        }

        # Background: a slowly panning crop of the texture, plus noise.
        ox = pad + pan[0] * t
        oy = pad + pan[1] * t
        warp = np.float32([[1, 0, -ox], [0, 1, -oy]])
        img = cv2.warpAffine(texture, warp, (width, height),
                             flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_REFLECT)
        img += rng.normal(0, 2.0, size=img.shape).astype(np.float32)
        img = np.clip(img, 0, 255).astype(np.uint8)

        people = []
        for p, template in enumerate(templates):
            joints, h, occluded = _pose(template, jitters[p], t, width,
                                        height)
            people.append((p, joints, h, occluded))
        background = img.copy()
        # Smaller (farther) people are drawn first.
        for p, joints, h, _ in sorted(people, key=lambda x: x[2]):
            _draw_person(img, joints, h, colours[p])
        if occlusion_prob > 0:
            hidden = hide_joints(img, background, people, effect_rng,
                                 occlusion_prob, occluder_radius)
            if hidden:
                hidden_joints[file_name] = hidden
        if blur_prob > 0 and effect_rng.uniform() < blur_prob:
            img = motion_blur(img, blur_length,
                              float(effect_rng.uniform(0, 180)))
            blurred_frames.append(file_name)
        frames.append((file_name, img))
        backgrounds.append(background)

        inst = 0
        for p, joints, h, occluded in people:
            inside = ((joints[:, 0] >= 0) & (joints[:, 0] <= width - 1) &
                      (joints[:, 1] >= 0) & (joints[:, 1] <= height - 1))
            visible = inside & ~occluded
            if visible.sum() < 2:
                continue  # not in the picture: no annotation, no detection
            bbox, bbox_head = _person_boxes(joints, visible, h, width,
                                            height)
            if labeled:
                kpts = []
                for k in range(NUM_KEYPOINTS):
                    if visible[k]:
                        kpts += [_r2(joints[k, 0]), _r2(joints[k, 1]), 1]
                    else:
                        kpts += [0, 0, 0]
                annotations.append({
                    'bbox_head': bbox_head,
                    'keypoints': kpts,
                    'track_id': p,
                    'image_id': img_id,
                    'bbox': bbox,
                    'scores': [],
                    'category_id': 1,
                    'id': img_id * 100 + inst,
                })
                inst += 1
                if name == _IGNORE_VIDEO and t == _IGNORE_FRAME and p == 0:
                    poly_x, poly_y = _ignore_polygon(joints)
                    image['ignore_regions_x'] = [poly_x]
                    image['ignore_regions_y'] = [poly_y]
            if split == 'val':
                x, y, w, bh = bbox
                cx = x + w / 2 + rng.normal(0, 0.05) * w
                cy = y + bh / 2 + rng.normal(0, 0.05) * bh
                w *= 1 + rng.normal(0, 0.06)
                bh *= 1 + rng.normal(0, 0.06)
                x1, y1 = max(0.0, cx - w / 2), max(0.0, cy - bh / 2)
                x2 = min(width - 1.0, cx + w / 2)
                y2 = min(height - 1.0, cy + bh / 2)
                detections.append({
                    'image_id': img_id,
                    'category_id': 1,
                    'bbox': [_r2(x1), _r2(y1), _r2(x2 - x1), _r2(y2 - y1)],
                    'score': round(float(rng.uniform(*det_score_range)), 4),
                })
        if split == 'val':
            for _ in range(int((fp_frames == t).sum())):
                w = float(rng.uniform(30, 70))
                bh = float(rng.uniform(50, 110))
                x = float(rng.uniform(0, width - w))
                y = float(rng.uniform(0, height - bh))
                detections.append({
                    'image_id': img_id,
                    'category_id': 1,
                    'bbox': [_r2(x), _r2(y), _r2(w), _r2(bh)],
                    'score': round(float(rng.uniform(0.05, 0.3)), 4),
                })
        images.append(image)

    return {
        'frames': frames,
        'backgrounds': backgrounds,
        'hidden_joints': hidden_joints,
        'blurred_frames': blurred_frames,
        'json': {
            'images': images,
            'annotations': annotations,
            'categories': POSETRACK18_CATEGORIES,
        },
        'detections': detections,
    }
