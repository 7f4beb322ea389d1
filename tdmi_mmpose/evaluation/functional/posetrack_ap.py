# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack multi-person pose estimation AP, as computed by ``poseval``.

A numpy-only reimplementation of the AP path of the official PoseTrack
evaluation code (github.com/leonid-pishchulin/poseval, ``evaluate.py -e``),
including its quirks:

- Ground truth and predictions are read from PoseTrack18 JSON (one dict per
  video: ``images``, ``annotations``, ``categories``). Of the 17 keypoints the
  ears are dropped; the 15 remaining joints use poseval's order
  (:data:`POSEVAL_JOINT_NAMES`; its ``neck`` is PoseTrack18's ``head_bottom``).
  A keypoint ``[0, 0, 0]`` is "not annotated"; any other triple, including
  ``[x, y, 0]``, is a joint.
- Prediction frames are paired with ground-truth frames by position within
  the video (as poseval does), so both files must list the same images in the
  same order. Frames whose ground truth has no person annotation at all
  (``is_labeled`` is not looked at) are skipped together with their
  predictions.
- Joints strictly inside a ground-truth ignore region are removed from both
  ground truth and predictions; people left without joints are removed. This
  happens after the empty frames were skipped, so a frame whose people all lie
  in ignore regions still counts, and its predictions are false positives.
- A ground-truth person's head size is ``0.6 *`` the diagonal of its
  ``bbox_head``; a predicted joint hits when its distance to the GT joint
  divided by the head size is ``<= 0.5`` (PCKh@0.5).
- Per frame, every prediction is scored against every GT person (hits / the
  GT's annotated joints); a prediction keeps only its best GT (first on
  ties), then each GT takes the prediction with the highest remaining score
  (first on ties, none if it is 0). A prediction whose best GT went to another
  prediction is not re-assigned: all its joints are false positives.
- For each joint the (score, hit) pairs are pooled over all frames and
  videos, ranked by score (``numpy`` argsort of the scores, reversed) and
  summarised by VOC all-point interpolated AP. A joint with predictions but no
  GT gets AP = recall = NaN (precision 0); a joint without predictions gets
  0 for all three. Total = mean of the non-NaN joint values. Precision and
  recall are the values at the last (lowest) score.
- Table: Head = mean(head_top, neck, nose), Shoulder .. Ankle = mean of the
  right and left joint (NaN if either is NaN), Total as above. All in percent.
"""
import json
import os
import os.path as osp
import warnings
from collections import OrderedDict
from fractions import Fraction
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

#: PoseTrack18 keypoint names, in annotation order.
POSETRACK18_KEYPOINT_NAMES = ('nose', 'head_bottom', 'head_top', 'left_ear',
                              'right_ear', 'left_shoulder', 'right_shoulder',
                              'left_elbow', 'right_elbow', 'left_wrist',
                              'right_wrist', 'left_hip', 'right_hip',
                              'left_knee', 'right_knee', 'left_ankle',
                              'right_ankle')

#: poseval's 15 joints, in its order ("neck" is PoseTrack18's head_bottom).
POSEVAL_JOINT_NAMES = ('right_ankle', 'right_knee', 'right_hip', 'left_hip',
                       'left_knee', 'left_ankle', 'right_wrist', 'right_elbow',
                       'right_shoulder', 'left_shoulder', 'left_elbow',
                       'left_wrist', 'neck', 'nose', 'head_top')

# The PoseTrack18 keypoint name behind each poseval joint.
_POSEVAL_SOURCE_NAMES = tuple('head_bottom' if name == 'neck' else name
                              for name in POSEVAL_JOINT_NAMES)

#: Index into the 17 PoseTrack18 keypoints of each poseval joint.
POSETRACK18_TO_POSEVAL = tuple(
    POSETRACK18_KEYPOINT_NAMES.index(name) for name in _POSEVAL_SOURCE_NAMES)

NUM_JOINTS = len(POSEVAL_JOINT_NAMES)

#: Table columns and the poseval joints each one averages (poseval's order).
TABLE_GROUPS = OrderedDict([
    ('Head', (14, 12, 13)),
    ('Shoulder', (8, 9)),
    ('Elbow', (7, 10)),
    ('Wrist', (6, 11)),
    ('Hip', (2, 3)),
    ('Knee', (1, 4)),
    ('Ankle', (0, 5)),
])

#: Names of the summary values, in table order.
TABLE_NAMES = tuple(TABLE_GROUPS) + ('Total', )

#: PCKh threshold (distance / head size) of a hit.
PCKH_THRESHOLD = 0.5

#: Score poseval gives a predicted joint without a score.
MISSING_SCORE = -9999.0

_TABLE_HEADER = ('& Head & Shou & Elb  & Wri  & Hip  & Knee & Ankl & '
                 'Total\\\\')


# ---------------------------------------------------------------------------
# Geometry: head size, PCKh hits, ignore regions
# ---------------------------------------------------------------------------
def head_size(bbox_head: Sequence[float]) -> float:
    """Head size of a ground-truth person: 0.6 x the head box diagonal.

    The corners are formed as poseval does (``x2 = x + w``, ``y2 = y + h``),
    so the value is bit-identical to poseval's.

    Args:
        bbox_head (Sequence[float]): The head box ``[x, y, w, h]``.

    Returns:
        float: The head size.
    """
    x, y, w, h = bbox_head
    return float(0.6 * np.linalg.norm(np.subtract([x + w, y + h], [x, y])))


def pckh_hits(pred_points: np.ndarray,
              pred_present: np.ndarray,
              gt_points: np.ndarray,
              gt_present: np.ndarray,
              head_sizes: np.ndarray,
              thr: float = PCKH_THRESHOLD) -> np.ndarray:
    """PCKh hit matrix between the predicted and ground-truth people of a
    frame.

    A hit needs the joint in both people and ``||pred - gt|| / head_size <=
    thr``. Distances within a hair of the threshold are recomputed with
    exactly poseval's expression (``np.linalg.norm`` of the 2-vector), so the
    decision matches poseval's bit for bit on the same machine.

    Args:
        pred_points (np.ndarray): Predicted joints, shape (P, J, 2).
        pred_present (np.ndarray): Which predicted joints exist, (P, J).
        gt_points (np.ndarray): GT joints, shape (G, J, 2).
        gt_present (np.ndarray): Which GT joints are annotated, (G, J).
        head_sizes (np.ndarray): Head size of each GT person, shape (G, ).
        thr (float): Hit threshold on distance / head size. Defaults to 0.5.

    Returns:
        np.ndarray: Boolean hits, shape (P, G, J).
    """
    pred_points = np.asarray(pred_points, dtype=np.float64)
    gt_points = np.asarray(gt_points, dtype=np.float64)
    head_sizes = np.asarray(head_sizes, dtype=np.float64)
    both = (
        np.asarray(pred_present, dtype=bool)[:, None, :]
        & np.asarray(gt_present, dtype=bool)[None, :, :])
    diff = gt_points[None, :, :, :] - pred_points[:, None, :, :]
    with np.errstate(divide='ignore', invalid='ignore'):
        dist = np.sqrt(diff[..., 0] * diff[..., 0] +
                       diff[..., 1] * diff[..., 1])
        dist = dist / head_sizes[None, :, None]
    hits = both & (dist <= thr)
    near = both & np.isfinite(dist) & (np.abs(dist - thr) <= 1e-9 * thr)
    for p, g, j in zip(*np.nonzero(near)):
        with np.errstate(divide='ignore', invalid='ignore'):
            exact = np.linalg.norm(
                np.subtract(gt_points[g, j], pred_points[p, j])) / np.float64(
                    head_sizes[g])
        hits[p, g, j] = exact <= thr
    return hits


def _orientation_sign(ax, ay, bx, by, px, py) -> np.ndarray:
    """Exact sign of the cross product (b - a) x (p - a), vectorised.

    A floating-point filter decides clear cases; the rest are recomputed with
    exact rational arithmetic (GEOS uses an exact predicate too).
    """
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
    """Which points lie strictly inside a polygon.

    Same answer as shapely's ``Polygon(polygon).contains(Point(p))`` (what
    poseval uses): points on the boundary are outside; the inside of a
    self-intersecting ring follows the even-odd rule. A polygon with fewer
    than three vertices has no inside (shapely would refuse to build it).

    Args:
        points (np.ndarray): Query points, shape (N, 2).
        polygon (np.ndarray): Polygon vertices, shape (M, 2); the ring is
            closed implicitly.

    Returns:
        np.ndarray: Boolean, shape (N, ).
    """
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


def ignored_points_mask(points: np.ndarray,
                        polygons: Sequence[np.ndarray]) -> np.ndarray:
    """Which points lie strictly inside any of the ignore regions.

    Args:
        points (np.ndarray): Points, shape (N, 2).
        polygons (Sequence[np.ndarray]): Ignore regions, each (M_i, 2).

    Returns:
        np.ndarray: Boolean, shape (N, ).
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    inside = np.zeros(len(points), dtype=bool)
    for polygon in polygons:
        inside |= points_in_polygon(points, polygon)
    return inside


def remove_ignored_joints(
        points: np.ndarray, present: np.ndarray,
        polygons: Sequence[np.ndarray]) -> Tuple[np.ndarray, np.ndarray]:
    """Remove the joints inside ignore regions, and the people left empty.

    Args:
        points (np.ndarray): Joints, shape (N, J, 2).
        present (np.ndarray): Which joints exist, shape (N, J).
        polygons (Sequence[np.ndarray]): Ignore regions, each (M_i, 2).

    Returns:
        tuple:
        - present (np.ndarray): Updated joint presence, shape (N, J).
        - keep (np.ndarray): Which people keep at least one joint, (N, ).
          (A person without joints before the filtering is dropped too.)
    """
    points = np.asarray(points, dtype=np.float64)
    present = np.asarray(present, dtype=bool).copy()
    if len(polygons) == 0:
        return present, np.ones(len(present), dtype=bool)
    inside = ignored_points_mask(points.reshape(-1, 2), polygons)
    present &= ~inside.reshape(present.shape)
    return present, present.any(axis=1)


# ---------------------------------------------------------------------------
# Per-frame assignment
# ---------------------------------------------------------------------------
def assign_predictions(hits: np.ndarray, gt_present: np.ndarray) -> np.ndarray:
    """Assign predicted people to GT people in one frame, as poseval does.

    The score of a (prediction, GT) pair is its number of hits divided by the
    GT's number of annotated joints. Each prediction keeps only its best GT
    (first on ties); then each GT takes the prediction with the highest
    remaining score (first on ties), or none if that score is 0. A
    prediction that lost its best GT is left unassigned.

    Args:
        hits (np.ndarray): PCKh hits, shape (P, G, J).
        gt_present (np.ndarray): Annotated GT joints, shape (G, J).

    Returns:
        np.ndarray: For each prediction the index of its GT, -1 if none,
        shape (P, ).
    """
    hits = np.asarray(hits, dtype=bool)
    num_pred, num_gt = hits.shape[:2]
    pred_to_gt = np.full(num_pred, -1, dtype=np.int64)
    if num_pred == 0 or num_gt == 0:
        return pred_to_gt
    num_annotated = np.asarray(gt_present, dtype=bool).sum(axis=1)
    pck = hits.sum(axis=2).astype(np.float64)
    annotated = num_annotated > 0
    pck[:, annotated] = pck[:, annotated] / num_annotated[annotated]
    best_gt = np.argmax(pck, axis=1)
    kept = np.zeros_like(pck)
    rows = np.arange(num_pred)
    kept[rows, best_gt] = pck[rows, best_gt]
    gt_to_pred = np.argmax(kept, axis=0)
    gt_to_pred[np.max(kept, axis=0) == 0] = -1
    for gt_idx, pred_idx in enumerate(gt_to_pred):
        if pred_idx >= 0:
            pred_to_gt[pred_idx] = gt_idx
    return pred_to_gt


def match_frame(
    pred_points: np.ndarray,
    pred_present: np.ndarray,
    pred_scores: np.ndarray,
    gt_points: np.ndarray,
    gt_present: np.ndarray,
    head_sizes: np.ndarray,
    thr: float = PCKH_THRESHOLD
) -> Tuple[List[np.ndarray], List[np.ndarray], np.ndarray]:
    """Score and label every predicted joint of one frame.

    Args:
        pred_points (np.ndarray): Predicted joints, shape (P, J, 2).
        pred_present (np.ndarray): Which predicted joints exist, (P, J).
        pred_scores (np.ndarray): Joint scores, shape (P, J).
        gt_points (np.ndarray): GT joints, shape (G, J, 2).
        gt_present (np.ndarray): Which GT joints are annotated, (G, J).
        head_sizes (np.ndarray): GT head sizes, shape (G, ).
        thr (float): PCKh threshold. Defaults to 0.5.

    Returns:
        tuple:
        - scores (list[np.ndarray]): Per joint, the scores of the predicted
          joints, in prediction order.
        - labels (list[np.ndarray]): Per joint, 1 for a true positive, 0
          otherwise (int8), aligned with ``scores``.
        - num_gt (np.ndarray): Annotated GT joints per joint, shape (J, ).
    """
    pred_present = np.asarray(pred_present, dtype=bool).reshape(-1, NUM_JOINTS)
    gt_present = np.asarray(gt_present, dtype=bool).reshape(-1, NUM_JOINTS)
    pred_scores = np.asarray(
        pred_scores, dtype=np.float64).reshape(-1, NUM_JOINTS)
    num_pred, num_gt = len(pred_present), len(gt_present)
    labels = np.zeros((num_pred, NUM_JOINTS), dtype=np.int8)
    if num_pred and num_gt:
        hits = pckh_hits(pred_points, pred_present, gt_points, gt_present,
                         head_sizes, thr)
        pred_to_gt = assign_predictions(hits, gt_present)
        for pred_idx, gt_idx in enumerate(pred_to_gt):
            if gt_idx >= 0:
                labels[pred_idx] = hits[pred_idx, gt_idx]
    scores_per_joint = [
        pred_scores[pred_present[:, j], j] for j in range(NUM_JOINTS)
    ]
    labels_per_joint = [
        labels[pred_present[:, j], j] for j in range(NUM_JOINTS)
    ]
    return scores_per_joint, labels_per_joint, gt_present.sum(axis=0)


# ---------------------------------------------------------------------------
# Precision / recall / AP and the table
# ---------------------------------------------------------------------------
def compute_rpc(scores: np.ndarray, labels: np.ndarray,
                num_gt: float) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall after each prediction, ranked by score.

    Ranking is poseval's: ``argsort`` of the scores (numpy's default kind),
    reversed. ``num_gt = 0`` gives NaN (no hit yet) or inf recall, as in
    poseval.

    Args:
        scores (np.ndarray): Scores, shape (N, ).
        labels (np.ndarray): 1 for a true positive, shape (N, ).
        num_gt (float): Number of GT joints.

    Returns:
        tuple:
        - precision (np.ndarray): shape (N, ).
        - recall (np.ndarray): shape (N, ).
        - order (np.ndarray): The ranking (indices into ``scores``), (N, ).
    """
    scores = np.asarray(scores)
    labels = np.asarray(labels)
    order = scores.argsort()[::-1]
    true_positives = np.cumsum(labels[order] == 1)
    with np.errstate(divide='ignore', invalid='ignore'):
        recall = true_positives / np.float64(num_gt)
    precision = true_positives / np.arange(1, len(scores) + 1)
    return precision.astype(np.float64), recall.astype(np.float64), order


def voc_ap(recall: np.ndarray, precision: np.ndarray) -> float:
    """VOC all-point interpolated average precision (a fraction).

    The precision envelope (running maximum from the right) is integrated over
    the recall steps, with recall 0 prepended and recall 1 (precision 0)
    appended.

    Args:
        recall (np.ndarray): Recall after each ranked prediction, (N, ).
        precision (np.ndarray): Precision after each ranked prediction, (N, ).

    Returns:
        float: The AP; NaN if the recall is NaN.
    """
    mrec = np.concatenate([[0.0], np.asarray(recall, np.float64), [1.0]])
    mpre = np.concatenate([[0.0], np.asarray(precision, np.float64), [0.0]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    steps = np.nonzero(mrec[1:] != mrec[:-1])[0] + 1
    with np.errstate(invalid='ignore'):
        return float(np.sum((mrec[steps] - mrec[steps - 1]) * mpre[steps]))


def _nanless_mean(values: np.ndarray) -> float:
    """Mean of the non-NaN values (NaN if there are none)."""
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return float('nan')
    return float(values.mean())


def compute_ap_metrics(
        scores: Sequence[np.ndarray], labels: Sequence[np.ndarray],
        num_gt: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AP, precision and recall per joint plus their total, in percent.

    Args:
        scores (Sequence[np.ndarray]): Per joint, the pooled scores.
        labels (Sequence[np.ndarray]): Per joint, the pooled labels.
        num_gt (np.ndarray): Per joint, the number of GT joints, (J, ).

    Returns:
        tuple: ``ap``, ``precision``, ``recall``, each of shape (J + 1, ):
        the J joints, then the mean of their non-NaN values. A joint without
        predictions has 0 in all three; one with predictions and no GT has
        NaN AP and recall and 0 precision.
    """
    num_joints = len(scores)
    ap = np.zeros(num_joints + 1)
    precision = np.zeros(num_joints + 1)
    recall = np.zeros(num_joints + 1)
    for j in range(num_joints):
        joint_scores = np.asarray(scores[j], dtype=np.float64)
        if len(joint_scores) == 0:
            continue
        prec, rec, _ = compute_rpc(joint_scores, np.asarray(labels[j]),
                                   num_gt[j])
        ap[j] = voc_ap(rec, prec) * 100
        precision[j] = prec[-1] * 100
        recall[j] = rec[-1] * 100
    for values in (ap, precision, recall):
        values[num_joints] = _nanless_mean(values[:num_joints])
    return ap, precision, recall


def summarize_table(ap: np.ndarray) -> 'OrderedDict[str, float]':
    """The poseval table: Head, Shoulder, ..., Ankle and Total.

    Args:
        ap (np.ndarray): Per-joint values in poseval's joint order, followed
            by the total, shape (16, ).

    Returns:
        OrderedDict: ``{name: value}`` for :data:`TABLE_NAMES`. A group is NaN
        if any of its joints is.
    """
    ap = np.asarray(ap, dtype=np.float64)
    table = OrderedDict()
    for name, joints in TABLE_GROUPS.items():
        table[name] = float(ap[list(joints)].mean())
    table['Total'] = float(ap[NUM_JOINTS])
    return table


def format_table(table: Dict[str, float]) -> Tuple[str, str]:
    """Format the table as poseval prints it.

    Args:
        table (dict): Values for :data:`TABLE_NAMES`.

    Returns:
        tuple[str, str]: The header line and the value line.
    """
    cells = ['{:>5}'.format('%1.1f' % table[name]) for name in TABLE_NAMES]
    row = '&' + ' &'.join(cells) + ' \\\\'
    return _TABLE_HEADER, row


# ---------------------------------------------------------------------------
# Reading PoseTrack18 JSON
# ---------------------------------------------------------------------------
def _video_group_key(image: dict) -> Optional[str]:
    """poseval's video of an image: its folder name up to the first '_'."""
    file_name = image.get('file_name')
    if not isinstance(file_name, str):
        return None
    return osp.basename(osp.dirname(file_name)).split('_')[0]


def _keypoint_mapping(video: dict, source: str) -> List[int]:
    """Index into an annotation's keypoints of each poseval joint."""
    categories = video.get('categories') or []
    names = None
    if isinstance(categories, list) and categories:
        if isinstance(categories[0], dict):
            names = categories[0].get('keypoints') or None
    if names is None:
        return list(POSETRACK18_TO_POSEVAL)
    if len(names) != len(POSETRACK18_KEYPOINT_NAMES):
        raise ValueError(
            f'{source}: "categories[0].keypoints" has {len(names)} names, '
            f'expected the {len(POSETRACK18_KEYPOINT_NAMES)} PoseTrack18 '
            'keypoints.')
    missing = [n for n in _POSEVAL_SOURCE_NAMES if n not in names]
    if missing:
        raise ValueError(f'{source}: "categories[0].keypoints" lacks '
                         f'{missing}.')
    return [list(names).index(n) for n in _POSEVAL_SOURCE_NAMES]


def _numbers(values, what: str, source: str) -> np.ndarray:
    """``values`` as a float64 array; an error naming ``source`` if any of
    them is not a number (``null`` included)."""
    try:
        array = np.array(values, dtype=np.float64)
        if np.isnan(array).any() and any(v is None for v in values):
            raise TypeError
    except (TypeError, ValueError):
        raise ValueError(f'{source}: {what} must be numbers, got '
                         f'{str(values)[:80]}.') from None
    return array


def _parse_person(ann: dict, mapping: List[int], is_gt: bool,
                  source: str) -> dict:
    where = (f'annotation id={ann.get("id")!r} '
             f'(image_id={ann.get("image_id")!r})')
    keypoints = ann.get('keypoints')
    if not isinstance(keypoints, list):
        raise ValueError(f'{source}: {where} has no "keypoints" list.')
    num_keypoints = len(POSETRACK18_KEYPOINT_NAMES)
    if len(keypoints) != 3 * num_keypoints:
        raise ValueError(
            f'{source}: {where} has {len(keypoints)} "keypoints" values '
            f'({len(keypoints) / 3:g} keypoints); expected {num_keypoints} '
            f'keypoints x 3 = {3 * num_keypoints}.')
    triples = _numbers(keypoints, f'{where} "keypoints"',
                       source).reshape(num_keypoints, 3)[mapping]
    points = triples[:, :2]
    # poseval drops [0, 0, 0] (unannotated) and keeps any other triple.
    present = ~((triples[:, 0] == 0) & (triples[:, 1] == 0)
                & (triples[:, 2] == 0))
    person = dict(points=points, present=present)
    if is_gt:
        bbox_head = ann.get('bbox_head')
        if not isinstance(bbox_head, (list, tuple)) or len(bbox_head) != 4:
            raise ValueError(
                f'{source}: {where} has no valid "bbox_head" [x, y, w, h] '
                f'(got {bbox_head!r}); the ground truth needs it for the '
                'PCKh head size.')
        _numbers(bbox_head, f'{where} "bbox_head"', source)
        person['head_size'] = head_size(bbox_head)
    else:
        scores = ann.get('scores')
        if scores:
            if not isinstance(scores, list) or len(scores) != num_keypoints:
                raise ValueError(
                    f'{source}: {where} has {len(scores)} "scores", expected '
                    f'{num_keypoints}.')
            person['scores'] = _numbers(scores, f'{where} "scores"',
                                        source)[mapping]
        else:
            person['scores'] = np.full(NUM_JOINTS, MISSING_SCORE)
            person['missing_scores'] = True
    return person


def parse_posetrack_video(video: dict, source: str, is_gt: bool) -> List[dict]:
    """Read one video in PoseTrack18 JSON layout into poseval's frames.

    As poseval, only the images of the first video in the file are used (the
    video of an image is its folder name up to the first ``'_'``), in the
    order of ``images``; people are the annotations with that ``image_id``,
    in file order.

    Args:
        video (dict): The JSON content (``images``, ``annotations``,
            optionally ``categories`` naming the 17 keypoints).
        source (str): The file (or other origin) named in error messages.
        is_gt (bool): Ground truth (needs ``bbox_head``; ignore regions are
            read) or predictions (per-keypoint ``scores``; missing scores get
            :data:`MISSING_SCORE`).

    Returns:
        list[dict]: One dict per frame with ``image_id``, ``points`` (N, 15,
        2), ``present`` (N, 15) and, for GT, ``head_sizes`` (N, ) and
        ``ignore_regions`` (list of (M, 2) arrays), for predictions
        ``scores`` (N, 15).
    """
    if not isinstance(video, dict):
        raise ValueError(f'{source}: expected a JSON object, got '
                         f'{type(video).__name__}.')
    if 'annolist' in video:
        raise ValueError(
            f'{source}: PoseTrack17 "annolist" format is not supported; '
            'convert it to the PoseTrack18 layout first.')
    for field in ('images', 'annotations'):
        if not isinstance(video.get(field), list):
            raise ValueError(f'{source}: missing "{field}" list.')
    mapping = _keypoint_mapping(video, source)

    images = video['images']
    for image in images:
        if not isinstance(image, dict) or 'id' not in image:
            raise ValueError(f'{source}: an entry of "images" has no "id".')
    if images:
        first_key = _video_group_key(images[0])
        kept = [im for im in images if _video_group_key(im) == first_key]
        if len(kept) != len(images):
            warnings.warn(
                f'{source}: images of more than one video; like poseval, '
                f'only the {len(kept)} images of the first video '
                f'({first_key!r}) are evaluated.')
        images = kept

    people_by_image = {image['id']: [] for image in images}
    missing_scores = False
    for ann in video['annotations']:
        if not isinstance(ann, dict):
            raise ValueError(f'{source}: an entry of "annotations" is not '
                             'an object.')
        if ann.get('image_id') not in people_by_image:
            continue
        person = _parse_person(ann, mapping, is_gt, source)
        missing_scores |= person.pop('missing_scores', False)
        people_by_image[ann['image_id']].append(person)
    if missing_scores:
        warnings.warn(f'{source}: predictions without "scores"; their joints '
                      f'get poseval\'s fallback score {MISSING_SCORE:g}.')

    frames = []
    for image in images:
        people = people_by_image[image['id']]
        frame = dict(
            image_id=image['id'],
            points=np.array([p['points'] for p in people],
                            dtype=np.float64).reshape(-1, NUM_JOINTS, 2),
            present=np.array([p['present'] for p in people],
                             dtype=bool).reshape(-1, NUM_JOINTS))
        if is_gt:
            frame['head_sizes'] = np.array([p['head_size'] for p in people],
                                           dtype=np.float64)
            frame['ignore_regions'] = _parse_ignore_regions(image, source)
        else:
            frame['scores'] = np.array([p['scores'] for p in people],
                                       dtype=np.float64).reshape(
                                           -1, NUM_JOINTS)
        frames.append(frame)
    return frames


def _parse_ignore_regions(image: dict, source: str) -> List[np.ndarray]:
    """Ignore-region polygons of a GT image (``ignore_regions_x/_y``)."""
    if 'ignore_regions_x' not in image or 'ignore_regions_y' not in image:
        return []
    regions_x, regions_y = image['ignore_regions_x'], image['ignore_regions_y']
    if not regions_x or not regions_y:
        return []
    polygons = []
    for xs, ys in zip(regions_x, regions_y):
        n = min(len(xs), len(ys))
        polygon = np.stack([
            _numbers(xs[:n], 'ignore_regions_x', source),
            _numbers(ys[:n], 'ignore_regions_y', source)
        ],
                           axis=1) if n else np.zeros((0, 2))
        polygons.append(polygon)
    return polygons


# ---------------------------------------------------------------------------
# Whole evaluation
# ---------------------------------------------------------------------------
def _nan_to_none(values) -> list:
    return [None if np.isnan(v) else float(v) for v in values]


def _video_entries(gt_frames: List[dict], pred_frames: List[dict],
                   gt_source: str, pred_source: str) -> dict:
    """Per-joint (score, label) entries and GT counts of one video."""
    if len(gt_frames) != len(pred_frames):
        raise ValueError(
            f'{pred_source}: {len(pred_frames)} frames in "images", but the '
            f'ground truth {gt_source} has {len(gt_frames)}; poseval pairs '
            'prediction and GT frames by position, so both must list the '
            'same images in the same order.')
    scores = [[] for _ in range(NUM_JOINTS)]
    labels = [[] for _ in range(NUM_JOINTS)]
    num_gt = np.zeros(NUM_JOINTS, dtype=np.int64)
    num_frames = 0
    mismatched = 0
    for gt, pred in zip(gt_frames, pred_frames):
        if gt['image_id'] != pred['image_id']:
            mismatched += 1
        if len(gt['present']) == 0:
            continue
        num_frames += 1
        gt_points, gt_present = gt['points'], gt['present']
        head_sizes = gt['head_sizes']
        pred_points, pred_present = pred['points'], pred['present']
        pred_scores = pred['scores']
        if gt['ignore_regions']:
            gt_present, keep = remove_ignored_joints(gt_points, gt_present,
                                                     gt['ignore_regions'])
            gt_points, gt_present = gt_points[keep], gt_present[keep]
            head_sizes = head_sizes[keep]
            pred_present, keep = remove_ignored_joints(pred_points,
                                                       pred_present,
                                                       gt['ignore_regions'])
            pred_points, pred_present = pred_points[keep], pred_present[keep]
            pred_scores = pred_scores[keep]
        frame_scores, frame_labels, frame_num_gt = match_frame(
            pred_points, pred_present, pred_scores, gt_points, gt_present,
            head_sizes)
        for j in range(NUM_JOINTS):
            scores[j].append(frame_scores[j])
            labels[j].append(frame_labels[j])
        num_gt += frame_num_gt
    if mismatched:
        warnings.warn(
            f'{pred_source}: {mismatched} frame(s) have another image id '
            f'than the GT frame at the same position in {gt_source}; frames '
            'are paired by position, as poseval does.')
    return dict(
        scores=[np.concatenate(s) if s else np.zeros(0) for s in scores],
        labels=[
            np.concatenate(s) if s else np.zeros(0, np.int8) for s in labels
        ],
        num_gt=num_gt,
        num_frames=num_frames)


def _metrics_dict(ap, precision, recall) -> dict:
    return dict(
        ap=_nan_to_none(ap),
        pre=_nan_to_none(precision),
        rec=_nan_to_none(recall))


def evaluate_posetrack_ap(
        gt_videos: Dict[str, dict],
        pred_videos: Dict[str, dict],
        gt_sources: Optional[Dict[str, str]] = None,
        pred_sources: Optional[Dict[str, str]] = None) -> dict:
    """Evaluate PoseTrack multi-person pose estimation AP like poseval.

    Args:
        gt_videos (dict[str, dict]): Video name -> GT in PoseTrack18 JSON
            layout (one video each).
        pred_videos (dict[str, dict]): Video name -> predictions in the same
            layout, listing the same images in the same order, with
            per-keypoint ``scores``. Videos absent from ``gt_videos`` are not
            evaluated (as poseval).
        gt_sources (dict[str, str], optional): Video name -> file named in
            error messages. Defaults to the video name.
        pred_sources (dict[str, str], optional): Same for the predictions.

    Returns:
        dict: In percent, NaN as ``float('nan')`` (``None`` in
        ``per_sequence``):

        - ``joint_names``: poseval's 15 joint names.
        - ``per_joint``: ``{name: {'ap', 'precision', 'recall'}}``.
        - ``total``: ``{'ap', 'precision', 'recall'}`` (means of the non-NaN
          joint values).
        - ``table``: ``Head .. Ankle, Total``.
        - ``per_sequence``: ``{video: {'ap', 'pre', 'rec'}}``, 16 values
          each (15 joints and the total), each video evaluated alone.
        - ``internals``: ``n_gt_joints``, ``n_pred_joints``,
          ``n_true_positives`` (per joint name) and ``n_frames_evaluated``.
        - ``ap``, ``precision``, ``recall``: the (16, ) arrays.

    Videos are pooled in sorted name order (poseval uses its directory
    listing order; only the ranking of exactly tied scores can depend on it).
    """
    gt_sources = gt_sources or {}
    pred_sources = pred_sources or {}
    per_video = OrderedDict()
    for name in sorted(gt_videos):
        gt_source = gt_sources.get(name, f'GT video {name!r}')
        pred_source = pred_sources.get(name, f'prediction video {name!r}')
        if name not in pred_videos:
            raise ValueError(f'No predictions for video {name!r} '
                             f'(ground truth: {gt_source}).')
        gt_frames = parse_posetrack_video(gt_videos[name], gt_source, True)
        pred_frames = parse_posetrack_video(pred_videos[name], pred_source,
                                            False)
        per_video[name] = _video_entries(gt_frames, pred_frames, gt_source,
                                         pred_source)

    def pooled(entries: List[dict]) -> Tuple[list, list, np.ndarray]:
        scores = [
            np.concatenate([e['scores'][j]
                            for e in entries]) if entries else np.zeros(0)
            for j in range(NUM_JOINTS)
        ]
        labels = [
            np.concatenate([e['labels'][j]
                            for e in entries]) if entries else np.zeros(
                                0, np.int8) for j in range(NUM_JOINTS)
        ]
        num_gt = np.sum([e['num_gt'] for e in entries], axis=0) if entries \
            else np.zeros(NUM_JOINTS, dtype=np.int64)
        return scores, labels, num_gt

    scores, labels, num_gt = pooled(list(per_video.values()))
    ap, precision, recall = compute_ap_metrics(scores, labels, num_gt)

    per_sequence = OrderedDict()
    for name, entries in per_video.items():
        per_sequence[name] = _metrics_dict(*compute_ap_metrics(
            entries['scores'], entries['labels'], entries['num_gt']))

    per_joint = OrderedDict((name,
                             dict(
                                 ap=float(ap[j]),
                                 precision=float(precision[j]),
                                 recall=float(recall[j])))
                            for j, name in enumerate(POSEVAL_JOINT_NAMES))
    internals = dict(
        n_gt_joints={
            name: int(num_gt[j])
            for j, name in enumerate(POSEVAL_JOINT_NAMES)
        },
        n_pred_joints={
            name: int(len(scores[j]))
            for j, name in enumerate(POSEVAL_JOINT_NAMES)
        },
        n_true_positives={
            name: int(np.sum(labels[j] == 1))
            for j, name in enumerate(POSEVAL_JOINT_NAMES)
        },
        n_frames_evaluated=int(
            sum(e['num_frames'] for e in per_video.values())))
    return dict(
        joint_names=list(POSEVAL_JOINT_NAMES),
        per_joint=per_joint,
        total=dict(
            ap=float(ap[NUM_JOINTS]),
            precision=float(precision[NUM_JOINTS]),
            recall=float(recall[NUM_JOINTS])),
        table=summarize_table(ap),
        per_sequence=per_sequence,
        internals=internals,
        ap=ap,
        precision=precision,
        recall=recall)


def results_to_json(result: dict) -> dict:
    """The summary written by ``tools/posetrack_eval.py`` (NaN as None).

    Args:
        result (dict): The output of :func:`evaluate_posetrack_ap`.

    Returns:
        dict: ``{Head .. Total: value, 'per_joint': {name: {'ap',
        'precision', 'recall'}}}`` in percent, NaN as ``None``.
    """

    def clean(value: float) -> Optional[float]:
        return None if np.isnan(value) else float(value)

    summary = OrderedDict(
        (name, clean(value)) for name, value in result['table'].items())
    summary['per_joint'] = OrderedDict((name, {
        key: clean(value)
        for key, value in values.items()
    }) for name, values in result['per_joint'].items())
    return summary


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------
def load_json_file(path: str) -> object:
    """Read a JSON file; errors name the file.

    Args:
        path (str): The file.

    Returns:
        object: The parsed JSON.

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: The file is not valid JSON.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'File not found: {path}')
    try:
        with open(path, 'r', encoding='utf-8') as f:
            return json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f'{path}: malformed JSON ({error}).') from None


def split_posetrack_videos(data: dict, source: str) -> Dict[str, dict]:
    """Split a merged PoseTrack18/COCO-style annotation file into videos.

    Images are grouped by ``vid_id`` (or, without it, by their folder); a
    video is named after the folder of its first image (the official
    per-video file name without ``.json``), or its ``vid_id``.

    Args:
        data (dict): The merged JSON (``images``, ``annotations``,
            ``categories``).
        source (str): The file, for error messages.

    Returns:
        dict[str, dict]: Video name -> PoseTrack18 JSON of that video.
    """
    if not isinstance(data, dict) or not isinstance(data.get('images'), list):
        raise ValueError(f'{source}: missing "images" list.')
    if not isinstance(data.get('annotations'), list):
        raise ValueError(f'{source}: missing "annotations" list.')
    groups = OrderedDict()
    for image in data['images']:
        if not isinstance(image, dict) or 'id' not in image:
            raise ValueError(f'{source}: an entry of "images" has no "id".')
        file_name = image.get('file_name') or ''
        key = image.get('vid_id', osp.dirname(file_name))
        groups.setdefault(str(key), []).append(image)
    anns_by_image = {}
    for ann in data['annotations']:
        if isinstance(ann, dict):
            anns_by_image.setdefault(ann.get('image_id'), []).append(ann)
    videos = OrderedDict()
    for key, images in groups.items():
        folder = osp.basename(osp.dirname(images[0].get('file_name') or ''))
        name = folder or key
        if name in videos:
            raise ValueError(f'{source}: two videos are both named {name!r}.')
        videos[name] = dict(
            images=images,
            annotations=[
                ann for image in images
                for ann in anns_by_image.get(image['id'], [])
            ],
            categories=data.get('categories', []))
    return videos


def load_posetrack_gt(path: str) -> Tuple[Dict[str, dict], Dict[str, str]]:
    """Load ground truth from a folder of per-video JSON files or one merged
    file.

    Args:
        path (str): A folder of ``<video>.json`` files (poseval's input), or
            one PoseTrack18/COCO-style file with several videos.

    Returns:
        tuple:
        - videos (dict[str, dict]): Video name -> PoseTrack18 JSON.
        - sources (dict[str, str]): Video name -> where it was read from.
    """
    if osp.isdir(path):
        names = sorted(f for f in os.listdir(path) if f.endswith('.json'))
        if not names:
            raise FileNotFoundError(f'No .json files in {path}')
        videos, sources = OrderedDict(), OrderedDict()
        for file_name in names:
            file_path = osp.join(path, file_name)
            videos[file_name[:-len('.json')]] = load_json_file(file_path)
            sources[file_name[:-len('.json')]] = file_path
        return videos, sources
    data = load_json_file(path)
    videos = split_posetrack_videos(data, path)
    sources = OrderedDict(
        (name, f'{path} (video {name!r})') for name in videos)
    return videos, sources


def load_posetrack_predictions(
        pred_dir: str,
        video_names: Sequence[str]) -> Tuple[Dict[str, dict], Dict[str, str]]:
    """Load ``<pred_dir>/<video>.json`` for each GT video.

    Args:
        pred_dir (str): The prediction folder.
        video_names (Sequence[str]): The GT videos.

    Returns:
        tuple: ``(videos, sources)`` as in :func:`load_posetrack_gt`.

    Raises:
        FileNotFoundError: The folder or a video's prediction file is missing.
    """
    if not osp.isdir(pred_dir):
        raise FileNotFoundError(f'Prediction folder not found: {pred_dir}')
    videos, sources = OrderedDict(), OrderedDict()
    for name in video_names:
        file_path = osp.join(pred_dir, f'{name}.json')
        if not osp.isfile(file_path):
            raise FileNotFoundError(
                f'Prediction file {file_path} does not exist (needed for '
                f'GT video {name!r}).')
        videos[name] = load_json_file(file_path)
        sources[name] = file_path
    return videos, sources


def evaluate_posetrack_folders(gt_dir: str, pred_dir: str) -> dict:
    """Evaluate a folder of per-video prediction files against the GT, like
    ``python -m poseval.evaluate -g GT -p PRED -e``.

    Args:
        gt_dir (str): Folder of per-video GT JSON files (or one merged file).
        pred_dir (str): Folder with one prediction JSON per GT video, same
            file names.

    Returns:
        dict: See :func:`evaluate_posetrack_ap`.
    """
    gt_videos, gt_sources = load_posetrack_gt(gt_dir)
    pred_videos, pred_sources = load_posetrack_predictions(
        pred_dir, list(gt_videos))
    return evaluate_posetrack_ap(gt_videos, pred_videos, gt_sources,
                                 pred_sources)
