# Copyright (c) tdmi_mmpose contributors.
"""Precision, recall and VOC AP per joint, and poseval's summary table."""
from collections import OrderedDict
from typing import Sequence, Tuple

import numpy as np

from .joints import NUM_JOINTS, TABLE_GROUPS


def compute_rpc(scores: np.ndarray, labels: np.ndarray,
                num_gt: float) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall after each prediction ranked as poseval.

    Args:
        scores (np.ndarray): Prediction scores, shape (N, ).
        labels (np.ndarray): 1 for a hit, shape (N, ).
        num_gt (float): GT joints (0 gives NaN or inf recall).

    Returns:
        tuple: ``precision``, ``recall`` (N, ) and the ranking ``order``
        (N, ) (poseval's reversed ``argsort``).
    """
    scores = np.asarray(scores, dtype=np.float64)
    assert np.isfinite(scores).all(), 'AP ranking: non-finite scores'
    order = scores.argsort()[::-1]
    true_positives = np.cumsum(np.asarray(labels)[order] == 1)
    with np.errstate(divide='ignore', invalid='ignore'):
        recall = true_positives / np.float64(num_gt)
    precision = true_positives / np.arange(1, len(scores) + 1)
    return precision, recall, order


def voc_ap(recall: np.ndarray, precision: np.ndarray) -> float:
    """VOC all-point interpolated AP (a fraction; NaN if the recall is) of
    the recall and precision (N, ) after each ranked prediction."""
    mrec = np.concatenate([[0.0], np.asarray(recall, np.float64), [1.0]])
    mpre = np.concatenate([[0.0], np.asarray(precision, np.float64), [0.0]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    steps = np.nonzero(mrec[1:] != mrec[:-1])[0] + 1
    with np.errstate(invalid='ignore'):
        return float(np.sum((mrec[steps] - mrec[steps - 1]) * mpre[steps]))


def nanless_mean(values: np.ndarray) -> float:
    """Mean of the non-NaN values (NaN if none): poseval's total."""
    values = values[~np.isnan(values)]
    return float(values.mean()) if len(values) else float('nan')


def compute_ap_metrics(
        scores: Sequence[np.ndarray], labels: Sequence[np.ndarray],
        num_gt: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AP, precision and recall in percent of each joint's pooled
    ``scores``, ``labels`` and ``num_gt``.

    Returns:
        tuple: ``ap``, ``precision``, ``recall`` (J + 1, ): the joints, then
        the mean of their non-NaN values. A joint without predictions has 0;
        one without GT NaN AP and recall.
    """
    num_joints = len(scores)
    ap, precision, recall = np.zeros((3, num_joints + 1))
    for j in range(num_joints):
        if len(scores[j]):
            prec, rec, _ = compute_rpc(scores[j], labels[j], num_gt[j])
            ap[j] = voc_ap(rec, prec) * 100
            precision[j] = prec[-1] * 100
            recall[j] = rec[-1] * 100
    for values in (ap, precision, recall):
        values[num_joints] = nanless_mean(values[:num_joints])
    return ap, precision, recall


def summarize_table(ap: np.ndarray) -> 'OrderedDict[str, float]':
    """poseval's table ``{Head .. Ankle, Total: value}`` of per-joint values
    and their total (16, ); a group is NaN if any of its joints is."""
    table = OrderedDict((name, float(ap[list(joints)].mean()))
                        for name, joints in TABLE_GROUPS.items())
    table['Total'] = float(ap[NUM_JOINTS])
    return table
