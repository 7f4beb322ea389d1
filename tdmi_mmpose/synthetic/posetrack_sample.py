# Copyright (c) tdmi_mmpose contributors.
"""The synthetic PoseTrack18-layout dataset (the bundled sample and the
controlled videos of the ablation studies).

The sample exists so that the dataset, the pipeline, the model and the
metric can be exercised end to end without the real PoseTrack data. It is
drawn from scratch (textured backgrounds and walking stick figures); it says
nothing about accuracy on real videos.

Layout written under ``out_dir`` (the same as a PoseTrack18 release)::

    images/{train,val}/<video>/<frame:06d>.jpg
    annotations/{train,val}/<video>.json
    person_detections/val_human_detections.json

The output depends only on ``seed`` (and the keyword arguments): the JSON
files are byte-identical between runs, and so are the JPEG files for
a given OpenCV build.
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .annotations import write_json
from .stick_figure import generated_layout, with_distractor
from .video import Effects, render_video

# Fixed structure of the sample: (split, video name, number of frames,
# labelling step, per-person motion templates, see ``stick_figure``). The
# seed perturbs the motion and the textures, never the structure.
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


def _check_arguments(num_false_positives, occlusion_prob, occluder_radius,
                     blur_prob, blur_length) -> None:
    problems = []
    if num_false_positives < 1:
        problems.append('num_false_positives must be at least 1, got '
                        f'{num_false_positives}')
    for name, value in (('occlusion_prob', occlusion_prob),
                        ('blur_prob', blur_prob)):
        if not 0.0 <= value <= 1.0:
            problems.append(f'{name} must be in [0, 1], got {value}')
    if not 0.0 < occluder_radius <= 0.5:
        problems.append(
            f'occluder_radius must be in (0, 0.5], got {occluder_radius}')
    if blur_length < 2:
        problems.append(f'blur_length must be >= 2, got {blur_length}')
    if problems:
        raise ValueError('; '.join(problems))


def _write_video(out_dir: str, split: str, name: str, video: Dict,
                 jpeg_quality: int, summary: Dict) -> None:
    """Write one rendered video's frames and annotation file and count them
    in ``summary``."""
    stats = summary.setdefault(split, {
        'videos': 0, 'frames': 0, 'labeled_frames': 0, 'instances': 0,
        'ann_files': []
    })
    for file_name, img in video['frames']:
        path = osp.join(out_dir, file_name)
        os.makedirs(osp.dirname(path), exist_ok=True)
        if not cv2.imwrite(path, img,
                           [int(cv2.IMWRITE_JPEG_QUALITY), jpeg_quality]):
            raise IOError(f'cv2.imwrite failed for {path}')
    ann_file = osp.join(out_dir, 'annotations', split, f'{name}.json')
    write_json(ann_file, video['json'])
    images = video['json']['images']
    stats['videos'] += 1
    stats['frames'] += len(images)
    stats['labeled_frames'] += sum(1 for im in images if im['is_labeled'])
    stats['instances'] += len(video['json']['annotations'])
    stats['ann_files'].append(ann_file)
    summary['ignore_regions'] += sum(
        len(im.get('ignore_regions_x', [])) for im in images)
    summary['hidden_joints'].update(video['hidden_joints'])
    summary['blurred_frames'].extend(video['blurred_frames'])


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
        joint), ``blurred_frames`` (file names) and, per split, ``videos``,
        ``frames``, ``labeled_frames``, ``instances`` and ``ann_files``
        (paths of the per-video annotation files).
    """
    _check_arguments(num_false_positives, occlusion_prob, occluder_radius,
                     blur_prob, blur_length)
    rng = np.random.default_rng(seed)
    if num_videos is None:
        videos = _VIDEOS
    else:
        videos = generated_layout(
            np.random.default_rng([seed, 1]), num_videos, frames_per_video,
            label_step)
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
        effects = Effects(np.random.default_rng([seed, 2, index]),
                          occlusion_prob, occluder_radius, blur_prob,
                          blur_length)
        video = render_video(vid_rng, split, name, nframes, step, templates,
                             width, height, det_score_range,
                             num_false_positives, effects)
        if split not in splits:
            continue
        _write_video(out_dir, split, name, video, jpeg_quality, summary)
        detections.extend(video['detections'])

    if 'val' in splits:
        det_file = osp.join(out_dir, 'person_detections',
                            'val_human_detections.json')
        write_json(det_file, detections)
        summary['det_file'] = det_file
        summary['num_detections'] = len(detections)
    return summary
