# Copyright (c) tdmi_mmpose contributors.
"""Keypoint HOTA, DetA, AssA and LocA as the PoseTrack21 kit's
``HOTAeypoints`` computes them, quirks included (docs/metric.md)."""
from collections import OrderedDict
from typing import Dict, List, Sequence, Tuple

import numpy as np
from scipy.optimize import linear_sum_assignment

from .geometry import exact_distances, normalized_distances
from .joints import NUM_JOINTS, joint_result, per_sequence_values
from .posetrack21_ap import kit_frame_pairs
from .posetrack_mota import poseval_mota

#: The kit's 19 localisation thresholds alpha of the similarity.
HOTA_ALPHAS = np.arange(0.05, 0.99, 0.05)

#: The kit's similarity of a joint pair: ``max(1 - d / 0.5001, 0)``.
SIMILARITY_RANGE = 0.5001

#: The reported figures (percent, the mean over :data:`HOTA_ALPHAS`).
HOTA_NAMES = ('HOTA', 'DetA', 'AssA', 'LocA')

#: Counts summed over joints and sequences; the other fields are averaged.
_COUNT_FIELDS = ('TP', 'FN', 'FP')
_EPS = np.finfo('float').eps


def keypoint_similarity(gt: dict, pred: dict) -> np.ndarray:
    """The kit's similarity (G, P, J) of a frame's GT people (``points``
    (G, J, 2), ``present`` (G, J), ``head_sizes`` (G, )) and predictions
    (``points``, ``present`` (P, J)), 0 unless both joints are present;
    within the range by :func:`~.geometry.pair_distance` (bit-identical)."""
    both = gt['present'][:, None] & pred['present'][None]
    dist = np.where(
        both,
        normalized_distances(gt['points'], pred['points'], gt['head_sizes']),
        np.inf)
    dist = exact_distances(gt['points'], pred['points'], gt['head_sizes'],
                           dist < SIMILARITY_RANGE * (1 + 1e-9), dist)
    return np.maximum((-1 / SIMILARITY_RANGE) * dist + 1, 0)


def _tracks(frames: Sequence[dict]) -> Tuple[List[np.ndarray], np.ndarray]:
    """Per frame, each person's index among all distinct track ids (the
    kit's contiguous relabelling), and each track's present joints (I, J).
    """
    ids = [np.asarray(frame['track_ids'], np.int64) for frame in frames]
    unique = np.unique(np.concatenate(ids + [np.zeros(0, np.int64)]))
    index = [np.searchsorted(unique, i) for i in ids]
    joints = np.zeros((len(unique), NUM_JOINTS))
    for frame, idx in zip(frames, index):
        np.add.at(joints, idx, frame['present'])
    return index, joints


def _match_frame(sim: np.ndarray, gt: dict, pred: dict, counts: dict) -> None:
    """Add one frame's matches to ``counts`` (``TP``, ``FN``, ``FP``,
    ``loc`` (A, J), ``matches`` (A, I_gt, I_pred, J)): per joint the
    Hungarian assignment of ``sim`` (G, P, J), matching at alpha where
    ``sim >= alpha - eps``; ``gt``, ``pred`` carry track indices ``idx``."""
    num_gt, num_pred = gt['present'].sum(axis=0), pred['present'].sum(axis=0)
    for j in range(NUM_JOINTS):
        rows, cols = linear_sum_assignment(-sim[:, :, j])
        pair_sim = sim[rows, cols, j]
        matched = pair_sim[None] >= (HOTA_ALPHAS - _EPS)[:, None]
        num_matches = matched.sum(axis=1)
        counts['TP'][:, j] += num_matches
        counts['FN'][:, j] += num_gt[j] - num_matches
        counts['FP'][:, j] += num_pred[j] - num_matches
        counts['loc'][:, j] += (matched * pair_sim[None]).sum(axis=1)
        alpha, pair = np.nonzero(matched)
        counts['matches'][alpha, gt['idx'][rows[pair]],
                          pred['idx'][cols[pair]], j] += 1


def _association(matches: np.ndarray, gt_counts: np.ndarray,
                 pred_counts: np.ndarray, tp: np.ndarray) -> np.ndarray:
    """The kit's AssA (A, J): over track pairs, the sum of ``matches`` x
    their IoU (tracks' joints (I_gt, J), (I_pred, J)), per true positive."""
    union = np.maximum(
        1, gt_counts[None, :, None] + pred_counts[None, None] - matches)
    return (matches * (matches / union)).sum(axis=(1, 2)) / np.maximum(1, tp)


def _sequence_counts(pairs: Sequence[Tuple[dict, dict]]) -> dict:
    """``TP``, ``FN``, ``FP``, LocA and AssA of one sequence (A, J), as the
    kit's ``eval_sequence``: a frame without predictions adds the whole
    sequence's GT joints to FN (none at all: once); one without GT people
    adds its predicted joints to FP."""
    shape = (len(HOTA_ALPHAS), NUM_JOINTS)
    counts = {key: np.zeros(shape) for key in _COUNT_FIELDS + ('loc', )}
    gts, preds = [gt for gt, _ in pairs], [pred for _, pred in pairs]
    gt_index, gt_tracks = _tracks(gts)
    pred_index, pred_tracks = _tracks(preds)
    gt_joints = sum((gt['present'].sum(axis=0) for gt in gts),
                    np.zeros(NUM_JOINTS))
    if not any(len(idx) for idx in pred_index):
        counts['FN'][:] = gt_joints
    else:
        counts['matches'] = np.zeros(
            shape[:1] + (len(gt_tracks), len(pred_tracks), NUM_JOINTS))
        for gt, pred, gt_idx, pred_idx in zip(gts, preds, gt_index,
                                              pred_index):
            if len(gt_idx) == 0:
                counts['FP'] += pred['present'].sum(axis=0)
            elif len(pred_idx) == 0:
                counts['FN'] += gt_joints
            else:
                _match_frame(
                    keypoint_similarity(gt, pred), dict(gt, idx=gt_idx),
                    dict(pred, idx=pred_idx), counts)
        counts['AssA'] = _association(
            counts.pop('matches'), gt_tracks, pred_tracks, counts['TP'])
    counts.setdefault('AssA', np.zeros(shape))
    counts['LocA'] = np.maximum(1e-10, counts.pop('loc')) / np.maximum(
        1e-10, counts['TP'])
    return counts


def _final_fields(counts: dict) -> dict:
    """The kit's ``_compute_final_fields`` without the averaging."""
    tp, fn, fp = (counts[key] for key in _COUNT_FIELDS)
    det_a = tp / np.maximum(1, tp + fn + fp)
    return OrderedDict(
        HOTA=np.sqrt(det_a * counts['AssA']),
        DetA=det_a,
        AssA=counts['AssA'],
        LocA=counts['LocA'])


def _with_total(counts: dict) -> dict:
    """A sequence's counts and final fields (A, J) with the kit's Total
    column (A, J + 1): counts summed, other values averaged."""
    with_total = {}
    for key, value in dict(counts, **_final_fields(counts)).items():
        total = value.sum if key in _COUNT_FIELDS else value.mean
        with_total[key] = np.append(value, total(axis=1, keepdims=True), 1)
    return with_total


def _combined(per_sequence: Sequence[dict]) -> dict:
    """The kit's ``combine_sequences`` (A, J + 1): counts summed, AssA and
    LocA weighted by TP."""
    zeros = np.zeros((len(HOTA_ALPHAS), NUM_JOINTS + 1))
    combined = {
        key: sum((seq[key] for seq in per_sequence), zeros)
        for key in _COUNT_FIELDS
    }
    assa, loca = (
        sum((seq[key] * seq['TP'] for seq in per_sequence), zeros)
        for key in ('AssA', 'LocA'))
    combined['AssA'] = assa / np.maximum(1.0, combined['TP'])
    combined['LocA'] = np.maximum(1e-10, loca) / np.maximum(
        1e-10, combined['TP'])
    return _final_fields(combined)


def _reported(fields: dict) -> 'OrderedDict[str, np.ndarray]':
    """As the kit prints the fields: 100 x the mean over the alphas
    (J + 1, ), named in lower case."""
    return OrderedDict(
        (name.lower(), 100 * fields[name].mean(axis=0)) for name in HOTA_NAMES)


def posetrack21_hota(gt_videos: Dict[str, Sequence[dict]],
                     pred_videos: Dict[str, Sequence[dict]]) -> dict:
    """The PoseTrack21 kit's keypoint HOTA; arguments as
    :func:`~.posetrack21_ap.posetrack21_ap`'s, frames with ``track_ids``.

    Returns:
        dict: As :func:`~.poseval_ap.poseval_ap`'s, for ``hota``, ``deta``,
        ``assa``, ``loca`` (means over the 19 alphas), the ``table`` of the
        Totals; ``internals``: ``n_frames_evaluated``, ``alphas`` and the
        Totals per alpha (``per_alpha``).
    """
    per_sequence, sequences, num_frames = OrderedDict(), [], 0
    for name in sorted(gt_videos, key=lambda video: f'{video}.json'):
        pairs = kit_frame_pairs(gt_videos[name], pred_videos[name])
        num_frames += len(pairs)
        sequences.append(_with_total(_sequence_counts(pairs)))
        per_sequence[name] = per_sequence_values(
            _reported(sequences[-1]).items())
    combined = _combined(sequences)
    metrics = _reported(combined)
    per_alpha = {
        name: (100 * combined[name][:, NUM_JOINTS]).tolist()
        for name in HOTA_NAMES
    }
    return joint_result(
        metrics,
        table=OrderedDict((name, float(metrics[name.lower()][NUM_JOINTS]))
                          for name in HOTA_NAMES),
        per_sequence=per_sequence,
        internals=dict(
            n_frames_evaluated=num_frames,
            alphas=HOTA_ALPHAS.tolist(),
            per_alpha=per_alpha))


#: The tracking metric of each protocol: poseval's MOTA, the kit's HOTA.
TRACKING_PROTOCOLS = OrderedDict(
    poseval=poseval_mota, posetrack21=posetrack21_hota)
