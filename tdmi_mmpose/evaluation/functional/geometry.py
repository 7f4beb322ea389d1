# Copyright (c) tdmi_mmpose contributors.
"""Geometry of poseval's and the PoseTrack21 kit's metrics: head size,
head-normalised distances, PCKh hits and ignore regions."""
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
import shapely

from .joints import PCKH_THRESHOLD


def head_size(bbox_head: Sequence[float]) -> float:
    """Head size of a GT person: 0.6 x the diagonal of its ``bbox_head``
    ``[x, y, w, h]``, computed as poseval does (bit-identical)."""
    x, y, w, h = bbox_head
    return float(0.6 * np.linalg.norm(np.subtract([x + w, y + h], [x, y])))


def pair_distance(gt_point: np.ndarray, pred_point: np.ndarray,
                  head_size: float) -> float:
    """``||gt_point - pred_point|| / head_size`` of two points (2, ) by
    poseval's and the kit's ``np.linalg.norm`` (bit-identical)."""
    return np.linalg.norm(np.subtract(gt_point,
                                      pred_point)) / np.float64(head_size)


def normalized_distances(gt_points: np.ndarray, pred_points: np.ndarray,
                         head_sizes: np.ndarray) -> np.ndarray:
    """``||gt - pred|| / head_size`` (G, P, J) of GT joints (G, J, 2) to
    predicted ones (P, J, 2), head sizes (G, ); within an ulp of
    :func:`pair_distance`."""
    diff = gt_points[:, None] - pred_points[None]
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.sqrt(diff[..., 0] * diff[..., 0] +
                       diff[..., 1] * diff[..., 1]) / np.asarray(
                           head_sizes, np.float64)[:, None, None]


def exact_distances(gt_points: np.ndarray,
                    pred_points: np.ndarray,
                    head_sizes: np.ndarray,
                    where: np.ndarray,
                    dist: Optional[np.ndarray] = None) -> np.ndarray:
    """``dist`` (G, P, J) (default: NaN) with the :func:`pair_distance` of
    the pairs ``where`` (G, P, J) (arguments as
    :func:`normalized_distances`'), where the protocols decide ties."""
    dist = np.full(where.shape, np.nan) if dist is None else dist
    for g, p, j in zip(*np.nonzero(where)):
        dist[g, p, j] = pair_distance(gt_points[g, j], pred_points[p, j],
                                      head_sizes[g])
    return dist


def pckh_hits(pred_points: np.ndarray,
              pred_present: np.ndarray,
              gt_points: np.ndarray,
              gt_present: np.ndarray,
              head_sizes: np.ndarray,
              thr: float = PCKH_THRESHOLD) -> np.ndarray:
    """PCKh hits (P, G, J) of a frame's predicted people (``points``
    (P, J, 2), ``present`` (P, J)) on its GT people ((G, J, 2), (G, J),
    head sizes (G, )): the joint in both and ``distance <= thr``, decided
    near ``thr`` by :func:`pair_distance`."""
    pred_points = np.asarray(pred_points, dtype=np.float64)
    gt_points = np.asarray(gt_points, dtype=np.float64)
    both = (np.asarray(gt_present, bool)[:, None]
            & np.asarray(pred_present, bool)[None])
    dist = normalized_distances(gt_points, pred_points, head_sizes)
    near = both & np.isfinite(dist) & (np.abs(dist - thr) <= 1e-9 * thr)
    dist = exact_distances(gt_points, pred_points, head_sizes, near, dist)
    return (both & (dist <= thr)).transpose(1, 0, 2)


def points_in_polygon(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Which points (N, 2) lie strictly inside a polygon (M, 2) (shapely's
    ``contains``, as poseval and the kit); fewer than three vertices
    contain nothing. Returns (N, ) bool."""
    if len(polygon) < 3:
        return np.zeros(len(points), dtype=bool)
    return shapely.contains_xy(
        shapely.Polygon(polygon), points[:, 0], points[:, 1])


def joints_inside(points: np.ndarray,
                  polygons: List[np.ndarray]) -> np.ndarray:
    """Which joints (N, J) of ``points`` (N, J, 2) lie strictly inside any
    of the ``polygons``."""
    inside = np.zeros(points.shape[:2], dtype=bool)
    for polygon in polygons:
        inside |= points_in_polygon(points.reshape(-1, 2),
                                    polygon).reshape(inside.shape)
    return inside


def _kept_people(frame: dict, keep: np.ndarray, **replaced) -> dict:
    """A frame's per-person arrays, ``replaced`` ones substituted, for the
    people ``keep`` (N, )."""
    arrays = {k: v for k, v in frame.items() if isinstance(v, np.ndarray)}
    return {k: v[keep] for k, v in dict(arrays, **replaced).items()}


def frame_without_ignored(frame: dict, polygons: List[np.ndarray]) -> dict:
    """A frame's per-person arrays (``points`` (N, J, 2), ``present``
    (N, J), ...) without the joints inside the ``polygons`` and, if there
    are any, without the people left with no joint (poseval's rule)."""
    present = frame['present'] & ~joints_inside(frame['points'], polygons)
    keep = present.any(axis=1) if polygons else np.ones(len(present), bool)
    return _kept_people(frame, keep, present=present)


def kit_frame_without_ignored(frame: dict, polygons: List[np.ndarray]) -> dict:
    """:func:`frame_without_ignored` by the kit's rule: absent joints at
    (0, 0), people with every joint inside removed, joints inside set to
    (0, 0) and absent, then people with x <= 0 and y <= 0 everywhere
    removed."""
    present = frame['present']
    points = np.where(present[..., None], frame['points'], 0.)
    inside = joints_inside(points, polygons)
    points = np.where(inside[..., None], 0., points)
    keep = ~inside.all(axis=1) & ~((points[..., 0] <= 0) &
                                   (points[..., 1] <= 0)).all(axis=1)
    return _kept_people(frame, keep, points=points, present=present & ~inside)


def pair_without_ignored(
    gt: dict,
    pred: dict,
    rule: Callable[[dict, List[np.ndarray]], dict] = frame_without_ignored
) -> Tuple[dict, dict]:
    """A (GT, prediction) frame pair without what the GT's
    ``ignore_regions`` remove by ``rule``; unchanged without regions."""
    polygons = gt['ignore_regions']
    if not polygons:
        return gt, pred
    return rule(gt, polygons), rule(pred, polygons)
