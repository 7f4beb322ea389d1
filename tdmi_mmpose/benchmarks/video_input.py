# Copyright (c) tdmi_mmpose contributors.
"""A generated ``.mp4`` of N walking stick figures side by side, with each
frame's ground-truth person boxes (no detector needed), for the end-to-end
benchmark and the inferencer tests."""
from typing import List, Tuple

import numpy as np

from ..apis.inferencers.video_output import AtomicVideoWriter
from ..io.boxes import xywh_to_xyxy
from ..synthetic import render_video

#: Frame rate of the written videos.
VIDEO_FPS = 25.0


def _crowd_templates(num_people: int, height: int,
                     rng: np.random.Generator) -> List[Tuple]:
    """Motion templates (:mod:`~tdmi_mmpose.synthetic.stick_figure`) of
    slow walkers spread across the width, 45-60 % of the frame high."""
    return [(float((i + 0.5) / num_people), float(rng.uniform(-0.6, 0.6)),
             float(rng.uniform(0.45, 0.6) * height), 0.0,
             float(rng.uniform(0, 2 * np.pi))) for i in range(num_people)]


def _frame_boxes(annotations: List[dict], image_ids: List[int]) -> List:
    """Per-frame person boxes (N, 5) ``x1, y1, x2, y2, 1`` from PoseTrack
    records (``bbox`` xywh), in the order of ``image_ids``."""
    by_image = {img_id: [] for img_id in image_ids}
    for ann in annotations:
        by_image[ann['image_id']].append(ann['bbox'])
    return [
        np.concatenate([
            xywh_to_xyxy(np.reshape(by_image[i], (-1, 4))),
            np.ones((len(by_image[i]), 1))
        ], axis=1).astype(np.float32) for i in image_ids
    ]


def write_crowd_video(path: str, num_people: int, num_frames: int,
                      size: Tuple[int, int] = (640, 360),
                      seed: int = 0) -> List[np.ndarray]:
    """Render N walking people and write them as an ``.mp4`` (``mp4v``,
    :data:`VIDEO_FPS` frames/s, written atomically).

    Args:
        path (str): The video file.
        num_people (int): People per frame.
        num_frames (int): Frames.
        size (tuple[int, int]): (width, height). Defaults to (640, 360).
        seed (int): Seed of the scene. Defaults to 0.

    Returns:
        list[np.ndarray]: Each frame's person boxes, (N, 5) float32.
    """
    width, height = size
    rng = np.random.default_rng(seed)
    video = render_video(
        rng, 'bench', '000001_crowd', num_frames, 1,
        _crowd_templates(num_people, height, rng), width, height, (1.0, 1.0),
        0)
    writer = AtomicVideoWriter(path, VIDEO_FPS, (width, height))
    for _, frame in video['frames']:
        writer.write(frame)
    writer.close(complete=True)
    return _frame_boxes(video['json']['annotations'],
                        [image['id'] for image in video['json']['images']])
