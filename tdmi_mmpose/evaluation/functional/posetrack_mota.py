# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack multi-person pose tracking MOTA, as computed by ``poseval``.

A reimplementation of the tracking path of the official PoseTrack evaluation
code (github.com/leonid-pishchulin/poseval, ``evaluate.py -t``:
``eval_helpers.assignGTmulti`` and ``evaluateTracking.computeMetrics``). The
CLEAR-MOT bookkeeping (matches, misses, false positives, identity switches)
is done by ``motmetrics`` accumulators, exactly as poseval does, so the
numbers are poseval's, quirks included (docs/tracking.md explains each):

- frames are paired by position; frames without GT people are skipped, and
  so is **the last remaining frame of each video**; a video with only one
  such frame (poseval crashes on it) adds nothing, with a warning;
- joints strictly inside ignore regions are removed from GT and predictions,
  then, in such frames, the people left without joints;
- one accumulator per joint and video; objects = GT people with the joint
  annotated, hypotheses = predicted people with the joint present, **scores
  are not used**; a pair may match only if it is a PCKh@0.5 hit, at distance
  ``distance / head size``;
- a frame whose GT or predictions are empty gives every joint one object and
  one hypothesis with id 0 that cannot match (1 miss + 1 FP);
- track ids are unique within each frame, integers below
  :data:`MAX_TRACK_ID` (checked where they enter: the prediction files'
  reader, the metric's tracker); they are offset by ``video index *
  MAX_TRACK_ID``;
- per joint, from counts summed over videos: ``MOTA = 100 (1 - (misses +
  switches + FP) / objects)``, ``MOTP = 100 (1 - sumD / detections)`` (0
  without detections), ``precision = 100 detections / (detections + FP)``,
  ``recall = 100 detections / objects`` (detections = matches + switches),
  **sumD summing the ``D`` of all events, RAW ones included**
  (``acc.events['D'].sum()``); totals are means of the non-NaN joint values.

Input data structure: per video, a list of frame dicts, joints in poseval's
order (:data:`POSEVAL_JOINT_NAMES`):

- GT frame: ``points`` (G, 15, 2), ``present`` (G, 15) bool (the joint is
  annotated, i.e. its keypoint is not ``[0, 0, 0]``), ``head_sizes`` (G, ),
  ``track_ids`` (G, ) int64 and ``ignore_regions`` (list of (M, 2)
  polygons).
- Prediction frame: ``points`` (P, 15, 2), ``present`` (P, 15) bool,
  ``track_ids`` (P, ) int64; other keys (``scores``) are ignored.
"""
import warnings
from collections import OrderedDict
from typing import Dict, List, Sequence, Tuple

import numpy as np

from .average_precision import nanless_mean, summarize_table
from .geometry import frame_without_ignored, pckh_hits
from .joints import (NUM_JOINTS, PCKH_THRESHOLD, POSEVAL_JOINT_NAMES,
                     joint_values, per_joint_metrics, per_sequence_values)

#: poseval's bound on track ids (it offsets them by video index x this).
MAX_TRACK_ID = 10000

#: The ``motmetrics`` counts poseval sums over videos, per joint.
MOT_COUNT_NAMES = ('num_misses', 'num_switches', 'num_false_positives',
                   'num_objects', 'num_detections')

#: The metrics of the tracking evaluation, per joint and total.
MOT_METRIC_NAMES = ('mota', 'motp', 'precision', 'recall')


def evaluated_frame_pairs(gt_frames: Sequence[dict],
                          pred_frames: Sequence[dict]
                          ) -> List[Tuple[dict, dict]]:
    """The (GT, prediction) frame pairs of one video that poseval's tracking
    evaluation looks at, ignore regions applied.

    Frames are paired by position; frames whose GT has no person are
    dropped; joints in ignore regions are removed; the last remaining pair
    is dropped (poseval's ``imgidxs[:-1]``).

    Args:
        gt_frames (Sequence[dict]): GT frames (see the module docstring).
        pred_frames (Sequence[dict]): Prediction frames, one per GT frame.

    Returns:
        list[tuple[dict, dict]]: The frames' arrays.
    """
    assert len(gt_frames) == len(pred_frames)
    pairs = []
    for gt, pred in zip(gt_frames, pred_frames):
        if len(gt['track_ids']) == 0:
            continue
        polygons = gt['ignore_regions']
        if polygons:
            gt = frame_without_ignored(gt, polygons)
            pred = frame_without_ignored(pred, polygons)
        pairs.append((gt, pred))
    return pairs[:-1]


def frame_mot_inputs(
    gt: dict,
    pred: dict,
    id_offset: int = 0,
    thr: float = PCKH_THRESHOLD
) -> List[Tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per joint, the objects, hypotheses and distances of one frame, as
    poseval feeds them to ``MOTAccumulator.update``.

    Args:
        gt (dict): A GT frame (``points``, ``present``,
            ``head_sizes``, ``track_ids``).
        pred (dict): A prediction frame (``points``, ``present``,
            ``track_ids``).
        id_offset (int): Added to all track ids (poseval: video index x
            :data:`MAX_TRACK_ID`). Defaults to 0.
        thr (float): PCKh threshold. Defaults to 0.5.

    Returns:
        list[tuple]: For each of the 15 joints ``(oids, hids, dists)``:
        the track ids of the GT people with the joint annotated (K, ), of
        the predicted people with the joint present (L, ), and their
        distance / head size, NaN where the pair is no PCKh hit, (K, L).
        If GT or predictions are empty: one object 0 and one hypothesis 0
        at distance NaN for every joint (poseval's quirk).
    """
    num_gt, num_pred = len(gt['track_ids']), len(pred['track_ids'])
    if num_gt == 0 or num_pred == 0:
        return [(np.zeros(1, np.int64), np.zeros(1, np.int64),
                 np.full((1, 1), np.nan)) for _ in range(NUM_JOINTS)]
    hits = pckh_hits(pred['points'], pred['present'], gt['points'],
                     gt['present'], gt['head_sizes'], thr)
    dist = np.full(hits.shape, np.nan)
    for p, g, j in zip(*np.nonzero(hits)):
        # poseval's own expression, so that distances tie as they do there.
        dist[p, g, j] = np.linalg.norm(
            np.subtract(gt['points'][g, j], pred['points'][p, j])) / \
            gt['head_sizes'][g]
    gt_ids = np.asarray(gt['track_ids'], np.int64) + id_offset
    pred_ids = np.asarray(pred['track_ids'], np.int64) + id_offset
    inputs = []
    for j in range(NUM_JOINTS):
        gt_idx = np.nonzero(gt['present'][:, j])[0]
        pred_idx = np.nonzero(pred['present'][:, j])[0]
        pair_dist = dist[pred_idx][:, gt_idx, j].T
        inputs.append((gt_ids[gt_idx], pred_ids[pred_idx], pair_dist))
    return inputs


def video_mot_counts(frame_pairs: Sequence[Tuple[dict, dict]],
                     id_offset: int = 0) -> Dict[str, np.ndarray]:
    """``motmetrics`` counts of one video, per joint.

    One ``MOTAccumulator(auto_id=True)`` per joint is fed every frame pair,
    as in poseval.

    Args:
        frame_pairs (Sequence[tuple[dict, dict]]): The evaluated frames (see
            :func:`evaluated_frame_pairs`).
        id_offset (int): Added to all track ids. Defaults to 0.

    Returns:
        dict[str, np.ndarray]: For each name of :data:`MOT_COUNT_NAMES` and
        ``'sum_distances'`` (the sum of the ``D`` column of all events), an
        array of shape (15, ).
    """
    try:
        import motmetrics as mm
    except ImportError:
        raise ImportError(
            'PoseTrack MOTA needs the "motmetrics" package (as poseval): '
            'pip install motmetrics==1.4.0') from None
    accumulators = [mm.MOTAccumulator(auto_id=True) for _ in range(NUM_JOINTS)]
    for gt, pred in frame_pairs:
        joint_inputs = frame_mot_inputs(gt, pred, id_offset)
        for acc, (oids, hids, dists) in zip(accumulators, joint_inputs):
            acc.update(oids, hids, dists)
    counts = {name: np.zeros(NUM_JOINTS) for name in MOT_COUNT_NAMES}
    counts['sum_distances'] = np.zeros(NUM_JOINTS)
    host = mm.metrics.create()
    for j, acc in enumerate(accumulators):
        values = host.compute(
            acc,
            metrics=list(MOT_COUNT_NAMES),
            return_dataframe=False,
            name='acc')
        for name in MOT_COUNT_NAMES:
            counts[name][j] = values[name]
        sum_d = acc.events['D'].sum()
        counts['sum_distances'][j] = 0 if np.isnan(sum_d) else sum_d
    return counts


def mot_metrics_from_counts(
        counts: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
    """poseval's MOTA, MOTP, precision and recall from ``motmetrics`` counts.

    Args:
        counts (dict[str, np.ndarray]): :data:`MOT_COUNT_NAMES` and
            ``'sum_distances'``, each of shape (J, ).

    Returns:
        dict[str, np.ndarray]: ``mota``, ``motp``, ``precision``,
        ``recall`` in percent, each (J + 1, ): the joints, then the mean of
        their non-NaN values.
    """
    misses = np.asarray(counts['num_misses'], dtype=np.float64)
    switches = np.asarray(counts['num_switches'], dtype=np.float64)
    false_pos = np.asarray(counts['num_false_positives'], dtype=np.float64)
    objects = np.asarray(counts['num_objects'], dtype=np.float64)
    detections = np.asarray(counts['num_detections'], dtype=np.float64)
    sum_d = np.asarray(counts['sum_distances'], dtype=np.float64)
    objects = np.where(objects > 0, objects, np.nan)
    claimed = np.where(false_pos + detections > 0, false_pos + detections,
                       np.nan)
    with np.errstate(divide='ignore', invalid='ignore'):
        mota = 100 * (1. - (misses + switches + false_pos) / objects)
        motp = np.where((detections == 0) | np.isnan(sum_d), 0.0,
                        100 * (1. - (sum_d / detections)))
        precision = 100 * (detections / claimed)
        recall = 100 * (detections / objects)
    return OrderedDict(
        (name, np.append(values, nanless_mean(values)))
        for name, values in zip(MOT_METRIC_NAMES,
                                (mota, motp, precision, recall)))


def summarize_mota_table(
        metrics: Dict[str, np.ndarray]) -> 'OrderedDict[str, float]':
    """poseval's tracking table: MOTA of Head .. Ankle and Total, then the
    MOTP, precision and recall totals.

    Args:
        metrics (dict[str, np.ndarray]): ``mota``, ``motp``, ``precision``,
            ``recall``, each (16, ).

    Returns:
        OrderedDict: ``{name: value}`` for :data:`MOTA_TABLE_NAMES`; a group
        is NaN if any of its joints is.
    """
    table = summarize_table(metrics['mota'])
    table['MOTP'] = float(metrics['motp'][NUM_JOINTS])
    table['Precision'] = float(metrics['precision'][NUM_JOINTS])
    table['Recall'] = float(metrics['recall'][NUM_JOINTS])
    return table


def poseval_mota(gt_videos: Dict[str, Sequence[dict]],
                 pred_videos: Dict[str, Sequence[dict]]) -> dict:
    """Evaluate PoseTrack multi-person pose tracking like poseval's
    ``evaluateTracking``.

    Args:
        gt_videos (dict[str, Sequence[dict]]): Video name -> GT frames (see
            the module docstring). Videos are evaluated in sorted name order
            (poseval's video index, which offsets track ids).
        pred_videos (dict[str, Sequence[dict]]): Video name -> prediction
            frames, one per GT frame, for every GT video.

    Returns:
        dict: In percent, NaN as ``float('nan')``:

        - ``joint_names``: poseval's 15 joint names.
        - ``per_joint``: ``{name: {'mota', 'motp', 'precision', 'recall'}}``.
        - ``total``: ``{'mota', 'motp', 'precision', 'recall'}`` (means of
          the non-NaN joint values).
        - ``table``: poseval's tracking table (:data:`MOTA_TABLE_NAMES`).
        - ``per_sequence``: ``{video: {'mota', 'motp', 'pre', 'rec'}}``,
          16 values each (NaN as ``None``), each video evaluated alone
          (poseval's ``-s`` files).
        - ``internals``: the summed ``motmetrics`` counts and
          ``sum_distances`` (per joint name), ``n_frames_evaluated``.
        - ``mota``, ``motp``, ``precision``, ``recall``: (16, ) arrays.
    """
    totals = {name: np.zeros(NUM_JOINTS) for name in MOT_COUNT_NAMES}
    totals['sum_distances'] = np.zeros(NUM_JOINTS)
    per_sequence = OrderedDict()
    num_frames = 0
    for index, name in enumerate(sorted(gt_videos)):
        pairs = evaluated_frame_pairs(gt_videos[name], pred_videos[name])
        if not pairs:
            if any(len(frame['track_ids']) for frame in gt_videos[name]):
                warnings.warn(
                    f'GT video {name!r}: only one frame with annotated '
                    'people; poseval never evaluates the last such frame of '
                    'a video (and crashes on this one), so it adds nothing '
                    'to MOTA.')
            continue
        counts = video_mot_counts(pairs, index * MAX_TRACK_ID)
        for key in totals:
            totals[key] += counts[key]
        num_frames += len(pairs)
        per_sequence[name] = per_sequence_values(
            zip(('mota', 'motp', 'pre', 'rec'),
                mot_metrics_from_counts(counts).values()))
    metrics = mot_metrics_from_counts(totals)
    internals = {key: joint_values(values) for key, values in totals.items()}
    internals['n_frames_evaluated'] = num_frames
    return dict(
        joint_names=list(POSEVAL_JOINT_NAMES),
        per_joint=per_joint_metrics(metrics),
        total={key: float(values[NUM_JOINTS])
               for key, values in metrics.items()},
        table=summarize_mota_table(metrics),
        per_sequence=per_sequence,
        internals=internals,
        **metrics)
