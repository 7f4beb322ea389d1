# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack18 records of the synthetic videos: image ids, person and head
boxes, keypoint annotations, ignore regions and jittered detections."""
from typing import Dict, List, Tuple

import numpy as np

from ..io import posetrack_categories
from .stick_figure import KEYPOINT_INDEX as _K
from .stick_figure import NUM_KEYPOINTS

#: The ``categories`` of the written files.
POSETRACK18_CATEGORIES = posetrack_categories()


def image_id(vid_id: str, frame_index: int) -> int:
    """PoseTrack18 image id: ``1<vid_id:6 digits><frame:04d>``."""
    return int(f'1{vid_id}{frame_index:04d}')


def _r2(v: float) -> float:
    return round(float(v), 2)


def _clipped_xywh(x1: float, y1: float, x2: float, y2: float, width: int,
                  height: int) -> List[float]:
    """``[x, y, w, h]`` of a box clipped to the image, rounded to 0.01."""
    x1, y1 = max(0.0, x1), max(0.0, y1)
    x2, y2 = min(width - 1.0, x2), min(height - 1.0, y2)
    return [_r2(x1), _r2(y1), _r2(x2 - x1), _r2(y2 - y1)]


def person_boxes(joints: np.ndarray, visible: np.ndarray, h: float,
                 width: int, height: int) -> Tuple[List, List]:
    """Person box (from visible joints, 10% + 4 px margin, clipped to the
    image) and head box (from the head geometry), both xywh, rounded to
    0.01 px."""
    pts = joints[visible]
    x1, y1 = pts.min(axis=0)
    x2, y2 = pts.max(axis=0)
    mx = 0.1 * (x2 - x1) + 4.0
    my = 0.1 * (y2 - y1) + 4.0
    bbox = _clipped_xywh(x1 - mx, y1 - my, x2 + mx, y2 + my, width, height)
    head = joints[[_K['head_top'], _K['head_bottom'], _K['left_ear'],
                   _K['right_ear']]]
    hx1, hy1 = head.min(axis=0)
    hx2, hy2 = head.max(axis=0)
    hw = max(hx2 - hx1, 0.13 * h)
    hcx = (hx1 + hx2) / 2
    bbox_head = [_r2(hcx - hw / 2), _r2(hy1), _r2(hw), _r2(hy2 - hy1)]
    return bbox, bbox_head


def ignore_polygon(joints: np.ndarray) -> Tuple[List[float], List[float]]:
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


def person_annotation(joints: np.ndarray, visible: np.ndarray,
                      boxes: Tuple[List, List], track_id: int, img_id: int,
                      instance: int) -> Dict:
    """One person's PoseTrack18 annotation (invisible joints ``[0, 0, 0]``).
    """
    kpts = []
    for k in range(NUM_KEYPOINTS):
        kpts += [_r2(joints[k, 0]), _r2(joints[k, 1]), 1] if visible[k] \
            else [0, 0, 0]
    bbox, bbox_head = boxes
    return dict(bbox_head=bbox_head, keypoints=kpts, track_id=track_id,
                image_id=img_id, bbox=bbox, scores=[], category_id=1,
                id=img_id * 100 + instance)


def _detection(img_id: int, bbox: List[float], score: float) -> Dict:
    return {'image_id': img_id, 'category_id': 1, 'bbox': bbox,
            'score': round(float(score), 4)}


def jittered_detection(rng: np.random.Generator, bbox: List, img_id: int,
                       score_range: Tuple[float, float], width: int,
                       height: int) -> Dict:
    """A detection of a true person: ``bbox`` (xywh) with its centre and
    size jittered, clipped to the image, scored in ``score_range``."""
    x, y, w, bh = bbox
    cx = x + w / 2 + rng.normal(0, 0.05) * w
    cy = y + bh / 2 + rng.normal(0, 0.05) * bh
    w *= 1 + rng.normal(0, 0.06)
    bh *= 1 + rng.normal(0, 0.06)
    bbox = _clipped_xywh(cx - w / 2, cy - bh / 2, cx + w / 2, cy + bh / 2,
                         width, height)
    return _detection(img_id, bbox, rng.uniform(*score_range))


def false_positive_detection(rng: np.random.Generator, img_id: int,
                             width: int, height: int) -> Dict:
    """A low-score (0.05-0.3) detection box anywhere in the image."""
    w = float(rng.uniform(30, 70))
    bh = float(rng.uniform(50, 110))
    x = float(rng.uniform(0, width - w))
    y = float(rng.uniform(0, height - bh))
    return _detection(img_id, [_r2(x), _r2(y), _r2(w), _r2(bh)],
                      rng.uniform(0.05, 0.3))

