# Copyright (c) tdmi_mmpose contributors.
"""poseval's per-frame assignment of predicted to ground-truth people."""
from typing import List, Tuple

import numpy as np

from .geometry import pckh_hits
from .joints import NUM_JOINTS, PCKH_THRESHOLD


def assign_predictions(hits: np.ndarray, gt_present: np.ndarray) -> np.ndarray:
    """poseval's assignment of the predicted to the GT people of a frame,
    from the PCKh ``hits`` (P, G, J) and the annotated GT joints (G, J):
    a pair scores hits / the GT's annotated joints; each prediction keeps
    its best GT (first on ties), then each GT takes the prediction with the
    highest remaining score (first on ties, none if 0); a prediction that
    lost its best GT stays unassigned. Returns its GT per prediction (P, ),
    -1 if none."""
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
    """Score and label the predicted joints of one frame (``points``
    (P, J, 2), ``present``, ``scores`` (P, J); GT ``points`` (G, J, 2),
    ``present`` (G, J), head sizes (G, )).

    Returns:
        tuple:
        - scores (list[np.ndarray]): Per joint, the scores of the predicted
          joints, in prediction order.
        - labels (list[np.ndarray]): Per joint, 1 for a true positive, 0
          otherwise (int8), aligned with ``scores``.
        - num_gt (np.ndarray): Annotated GT joints per joint, shape (J, ).
    """
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
