# Copyright (c) tdmi_mmpose contributors.
"""Precision, recall and VOC AP per joint, and poseval's summary table."""
from collections import OrderedDict
from typing import Sequence, Tuple

import numpy as np

from .joints import NUM_JOINTS, TABLE_GROUPS


def compute_rpc(scores: np.ndarray, labels: np.ndarray,
                num_gt: float) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall after each prediction, ranked by score.

    Ranking is poseval's: ``argsort`` of the scores (numpy's default kind),
    reversed. ``num_gt = 0`` gives NaN (no hit yet) or inf recall, as in
    poseval. Scores are finite (checked where they enter: the metric's
    ``process`` and the prediction files' reader); NaN would rank above
    every real score.

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
    scores = np.asarray(scores, dtype=np.float64)
    assert np.isfinite(scores).all(), 'AP ranking: non-finite scores'
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


def nanless_mean(values: np.ndarray) -> float:
    """Mean of the non-NaN values (NaN if there are none): poseval's total
    of per-joint values.

    Args:
        values (np.ndarray): Shape (J, ).

    Returns:
        float: The mean.
    """
    values = values[~np.isnan(values)]
    return float(values.mean()) if len(values) else float('nan')


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
        values[num_joints] = nanless_mean(values[:num_joints])
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
