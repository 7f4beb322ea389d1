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
    # a GT without annotated joints has no hits: 0 / 1
    num_annotated = np.asarray(gt_present, dtype=bool).sum(axis=1)
    pck = hits.sum(axis=2) / np.maximum(num_annotated, 1)
    best_gt = np.argmax(pck, axis=1)
    kept = np.zeros_like(pck)
    rows = np.arange(num_pred)
    kept[rows, best_gt] = pck[rows, best_gt]
    gt_to_pred = np.argmax(kept, axis=0)
    assigned = np.flatnonzero(np.max(kept, axis=0) > 0)
    pred_to_gt[gt_to_pred[assigned]] = assigned
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
        tuple: Per joint, the ``scores`` of the predicted joints and their
        ``labels`` (1 for a true positive, int8), in prediction order, and
        ``num_gt``, the annotated GT joints (J, ).
    """
    labels = np.zeros((len(pred_present), NUM_JOINTS), dtype=np.int8)
    if len(pred_present) and len(gt_present):
        hits = pckh_hits(pred_points, pred_present, gt_points, gt_present,
                         head_sizes, thr)
        for pred_idx, gt_idx in enumerate(assign_predictions(hits,
                                                             gt_present)):
            if gt_idx >= 0:
                labels[pred_idx] = hits[pred_idx, gt_idx]
    columns = [pred_present[:, j] for j in range(NUM_JOINTS)]
    return ([pred_scores[rows, j] for j, rows in enumerate(columns)],
            [labels[rows, j] for j, rows in enumerate(columns)],
            gt_present.sum(axis=0))
