# Copyright (c) tdmi_mmpose contributors.
"""Geometry of poseval's and the PoseTrack21 kit's metrics: head size,
head-normalised distances, PCKh hits and ignore regions."""
from fractions import Fraction
from typing import Callable, List, Sequence, Tuple

import numpy as np

from .joints import PCKH_THRESHOLD


def head_size(bbox_head: Sequence[float]) -> float:
    """Head size of a GT person: 0.6 x the diagonal of its ``bbox_head``
    ``[x, y, w, h]``, computed as poseval does (bit-identical)."""
    x, y, w, h = bbox_head
    return float(0.6 * np.linalg.norm(np.subtract([x + w, y + h], [x, y])))


def pair_distance(gt_point: np.ndarray, pred_point: np.ndarray,
                  head_size: float) -> float:
    """``||gt_point - pred_point|| / head_size`` of two points (2, ) with
    poseval's and the kit's own expression (``np.linalg.norm``, which can
    differ from ``sqrt(dx * dx + dy * dy)`` in the last bit)."""
    return np.linalg.norm(np.subtract(gt_point,
                                      pred_point)) / np.float64(head_size)


def normalized_distances(gt_points: np.ndarray, pred_points: np.ndarray,
                         head_sizes: np.ndarray) -> np.ndarray:
    """``||gt - pred|| / head_size`` (G, P, J) of GT joints (G, J, 2) to
    predicted ones (P, J, 2), head sizes (G, ); within an ulp of
    :func:`pair_distance`."""
    diff = np.asarray(gt_points, np.float64)[:, None] - np.asarray(
        pred_points, np.float64)[None]
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.sqrt(diff[..., 0] * diff[..., 0] +
                       diff[..., 1] * diff[..., 1]) / np.asarray(
                           head_sizes, np.float64)[:, None, None]


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
    both = (
        np.asarray(pred_present, dtype=bool)[:, None, :]
        & np.asarray(gt_present, dtype=bool)[None, :, :])
    dist = normalized_distances(gt_points, pred_points,
                                head_sizes).transpose(1, 0, 2)
    hits = both & (dist <= thr)
    near = both & np.isfinite(dist) & (np.abs(dist - thr) <= 1e-9 * thr)
    for p, g, j in zip(*np.nonzero(near)):
        hits[p, g, j] = pair_distance(gt_points[g, j], pred_points[p, j],
                                      head_sizes[g]) <= thr
    return hits


def _orientation_sign(ax, ay, bx, by, px, py) -> np.ndarray:
    """Exact sign of the cross products (b - a) x (p - a): a floating-point
    filter, then exact rational arithmetic (as GEOS' exact predicate)."""
    left = (bx - ax) * (py - ay)
    right = (by - ay) * (px - ax)
    det = left - right
    bound = 1e-12 * (np.abs(left) + np.abs(right))
    sign = np.sign(det).astype(np.int64)
    unsure = np.nonzero(np.abs(det) <= bound)[0]
    for k in unsure:
        exact = ((Fraction(float(bx[k])) - Fraction(float(ax[k]))) *
                 (Fraction(float(py[k])) - Fraction(float(ay[k]))) -
                 (Fraction(float(by[k])) - Fraction(float(ay[k]))) *
                 (Fraction(float(px[k])) - Fraction(float(ax[k]))))
        sign[k] = (exact > 0) - (exact < 0)
    return sign


def points_in_polygon(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Which points (N, 2) lie strictly inside a polygon (M, 2), as
    shapely's ``Polygon(polygon).contains(Point(p))`` (what poseval uses):
    the boundary is outside, a self-intersecting ring follows the even-odd
    rule, fewer than three vertices contain nothing. Returns (N, ) bool."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    polygon = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    num_points = len(points)
    if len(polygon) < 3 or num_points == 0:
        return np.zeros(num_points, dtype=bool)
    ring = np.concatenate([polygon, polygon[:1]], axis=0)
    crossings = np.zeros(num_points, dtype=np.int64)
    on_boundary = np.zeros(num_points, dtype=bool)
    px, py = points[:, 0], points[:, 1]
    # Ray crossing counter along +x, as in GEOS' RayCrossingCounter.
    for (x1, y1), (x2, y2) in zip(ring[:-1], ring[1:]):
        active = ~((x1 < px) & (x2 < px))
        at_vertex = active & (px == x2) & (py == y2)
        on_boundary |= at_vertex
        active &= ~at_vertex
        if y1 == y2:
            horizontal = active & (py == y1)
            on_boundary |= (
                horizontal & (px >= min(x1, x2))
                & (px <= max(x1, x2)))
            continue
        straddle = active & (((y1 > py) & (y2 <= py)) | ((y2 > py) &
                                                         (y1 <= py)))
        idx = np.nonzero(straddle)[0]
        if len(idx) == 0:
            continue
        n = len(idx)
        sign = _orientation_sign(
            np.full(n, x1), np.full(n, y1), np.full(n, x2), np.full(n, y2),
            px[idx], py[idx])
        on_boundary[idx[sign == 0]] = True
        if y2 < y1:
            sign = -sign
        crossings[idx[sign > 0]] += 1
    return ~on_boundary & (crossings % 2 == 1)


def joints_inside(points: np.ndarray,
                  polygons: List[np.ndarray]) -> np.ndarray:
    """Which joints (N, J) of ``points`` (N, J, 2) lie strictly inside any
    of the ``polygons``."""
    points = np.asarray(points, dtype=np.float64)
    inside = np.zeros(points.shape[0] * points.shape[1], dtype=bool)
    for polygon in polygons:
        inside |= points_in_polygon(points.reshape(-1, 2), polygon)
    return inside.reshape(points.shape[:2])


def _kept_people(frame: dict, keep: np.ndarray, **replaced) -> dict:
    """A frame's per-person arrays, ``replaced`` ones substituted, for the
    people ``keep`` (N, )."""
    kept = {
        key: value[keep]
        for key, value in frame.items() if isinstance(value, np.ndarray)
    }
    kept.update({key: value[keep] for key, value in replaced.items()})
    return kept


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
    present = np.asarray(frame['present'], bool)
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
