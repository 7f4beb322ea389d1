# Copyright (c) tdmi_mmpose contributors.
"""Person boxes: ``xywh`` to ``xyxy`` and the one clipping rule."""
from typing import Tuple

import numpy as np
from mmpose.structures.bbox import bbox_clip_border, bbox_xywh2xyxy


def xywh_to_xyxy(xywh: np.ndarray) -> np.ndarray:
    """(N, 4+) or (4+, ) ``[x, y, w, h]`` boxes to float64 (N, 4+)
    ``[x1, y1, x2, y2]``, extra columns kept."""
    boxes = np.array(xywh, dtype=np.float64).reshape(-1, np.shape(xywh)[-1])
    return bbox_xywh2xyxy(boxes)


def boxes_outside(xyxy: np.ndarray, img_wh: Tuple[int, int]) -> np.ndarray:
    """Which of (N, 4+) boxes lie entirely outside a ``(w, h)`` image:
    bool (N, )."""
    w, h = img_wh
    x1, y1, x2, y2 = (xyxy[:, i] for i in range(4))
    return (x1 >= w) | (y1 >= h) | (x2 <= 0) | (y2 <= 0)


def clip_boxes(xyxy: np.ndarray, img_wh: Tuple[int, int]) -> np.ndarray:
    """A copy of (N, 4+) boxes clipped to ``[0, w] x [0, h]`` (mmpose's
    ``bbox_clip_border``), the one clipping rule of the package."""
    clipped = np.array(xyxy, copy=True)
    bbox_clip_border(clipped[..., :4], img_wh)
    return clipped
