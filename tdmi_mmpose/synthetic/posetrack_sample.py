# Copyright (c) tdmi_mmpose contributors.
"""The synthetic PoseTrack18-layout dataset: the fixed five-video sample or a
generated layout, with the controlled effects and irrelevant motion
(``docs/datasets.md``, "The sample data"). The output depends only on the
seed and the arguments (JPEGs for a given OpenCV build)."""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from ..utils.atomic import atomic_write_json
from .irrelevant_motion import motion_mask_path
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


#: (argument, test of a bad value, what it must be) of
#: :func:`make_sample_posetrack`.
_ARGUMENT_RULES = (
    ('num_false_positives', lambda v: v < 1, 'at least 1'),
    ('num_videos', lambda v: v is not None and (
        len(v) != 2 or min(v) < 0 or sum(v) < 1),
     '(train, val) counts >= 0 with at least one video'),
    ('frames_per_video', lambda v: v < 2, '>= 2'),
    ('label_step', lambda v: v < 1, '>= 1'),
    ('occlusion_prob', lambda v: not 0.0 <= v <= 1.0, 'in [0, 1]'),
    ('blur_prob', lambda v: not 0.0 <= v <= 1.0, 'in [0, 1]'),
    ('occluder_radius', lambda v: not 0.0 < v <= 0.5, 'in (0, 0.5]'),
    ('blur_length', lambda v: v < 2, '>= 2'),
    ('pan_speed', lambda v: v < 0, '>= 0'),
    ('moving_objects', lambda v: v < 0, '>= 0'),
    ('mask_window', lambda v: v < 0, '>= 0'),
)


def _check_arguments(values: Dict) -> None:
    problems = [
        f'{name} must be {expected}, got {values[name]}'
        for name, bad, expected in _ARGUMENT_RULES if bad(values[name])
    ]
    if problems:
        raise ValueError('; '.join(problems))


def _imwrite(path: str, img: np.ndarray, params: Sequence[int] = ()) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, img, list(params)):
        raise IOError(f'cv2.imwrite failed for {path}')


def _write_video(out_dir: str, split: str, name: str, video: Dict,
                 jpeg_quality: int, summary: Dict) -> None:
    """Write one rendered video's frames, annotation file and motion masks
    and count them in ``summary``."""
    stats = summary.setdefault(split, {
        'videos': 0, 'frames': 0, 'labeled_frames': 0, 'instances': 0,
        'ann_files': []
    })
    for file_name, img in video['frames']:
        _imwrite(osp.join(out_dir, file_name), img,
                 [int(cv2.IMWRITE_JPEG_QUALITY), jpeg_quality])
    for (file_name, track_id), mask in video['motion_masks'].items():
        _imwrite(osp.join(out_dir, motion_mask_path(file_name, track_id)),
                 mask)
    ann_file = osp.join(out_dir, 'annotations', split, f'{name}.json')
    atomic_write_json(video['json'], ann_file)
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
    summary['motion_masks'] += len(video['motion_masks'])


def _write_dataset(out_dir: str, videos: List[Tuple], seed: int,
                   splits: Sequence[str], jpeg_quality: int,
                   distractor: bool, frame_effects: Tuple,
                   **render_args) -> Dict:
    """Render and write every video of ``videos``; returns the summary."""
    rng = np.random.default_rng(seed)
    summary: Dict = {'root': out_dir, 'seed': seed, 'det_file': None,
                     'num_detections': 0, 'ignore_regions': 0,
                     'hidden_joints': {}, 'blurred_frames': [],
                     'motion_masks': 0}
    detections: List[Dict] = []
    for index, (split, name, nframes, step, templates) in enumerate(videos):
        # Draw every random number of a video even when the split is
        # skipped, so a video's content does not depend on ``splits``.
        vid_rng = np.random.default_rng(rng.integers(0, 2**31))
        if distractor:
            templates = with_distractor(templates, nframes,
                                        render_args['width'])
        video = render_video(
            vid_rng, split, name, nframes, step, templates,
            effects=Effects(np.random.default_rng([seed, 2, index]),
                            *frame_effects),
            motion_rng=np.random.default_rng([seed, 3, index]),
            **render_args)
        if split in splits:
            _write_video(out_dir, split, name, video, jpeg_quality, summary)
            detections.extend(video['detections'])
    if 'val' in splits:
        det_file = osp.join(out_dir, 'person_detections',
                            'val_human_detections.json')
        atomic_write_json(detections, det_file)
        summary.update(det_file=det_file, num_detections=len(detections))
    return summary


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
                          distractor: bool = False,
                          pan_speed: float = 0.0,
                          moving_objects: int = 0,
                          passer_by: bool = False,
                          mask_window: int = 2) -> Dict:
    """Generate the synthetic PoseTrack18-format sample dataset.

    Args:
        out_dir (str): Root folder to write to (created if missing).
        seed (int): Seed of ``numpy.random.default_rng``. Default: 0.
        width, height (int): Frame size. Default: 320, 240.
        jpeg_quality (int): JPEG quality of the frames. Default: 85.
        splits (Sequence[str]): Splits to write. Default: train and val.
        det_score_range (tuple[float, float]): Scores of true detections.
        num_false_positives (int): False positives per val video, >= 1.
        num_videos, frames_per_video, label_step, occlusion_prob,
            occluder_radius, blur_prob, blur_length, distractor: The
            controlled-video options, all off by default (``docs/datasets.md``,
            "Controlled video").
        pan_speed (float): Irrelevant motion: camera pan in px per frame
            (0: the default slow pan).
        moving_objects (int): Irrelevant motion: moving textured objects.
        passer_by (bool): Irrelevant motion: an unannotated passer-by.
        mask_window (int): Half-length of the motion masks' clip window
            (:func:`~.irrelevant_motion.motion_masks`, written with any
            irrelevant motion). Default: 2.

    Returns:
        dict: ``root``, ``seed``, ``det_file`` (None without val),
        ``num_detections``, ``ignore_regions``, ``hidden_joints`` (frame
        file -> ``[[track_id, keypoint], ...]``), ``blurred_frames``,
        ``motion_masks`` (number written) and per split ``videos``,
        ``frames``, ``labeled_frames``, ``instances``, ``ann_files``.
    """
    _check_arguments(locals())
    if num_videos is None:
        videos = _VIDEOS
    else:
        videos = generated_layout(
            np.random.default_rng([seed, 1]), num_videos, frames_per_video,
            label_step)
    motion_options = None
    if pan_speed > 0 or moving_objects > 0 or passer_by:
        motion_options = dict(pan_speed=pan_speed,
                              moving_objects=moving_objects,
                              passer_by=passer_by)
    return _write_dataset(
        out_dir, videos, seed, splits, jpeg_quality, distractor,
        (occlusion_prob, occluder_radius, blur_prob, blur_length),
        width=width, height=height, det_score_range=det_score_range,
        num_false_positives=num_false_positives,
        motion_options=motion_options, mask_window=mask_window)
