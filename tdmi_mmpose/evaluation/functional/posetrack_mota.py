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
- track ids must be unique within each frame, integers below
  :data:`MAX_TRACK_ID`; they are offset by ``video index * MAX_TRACK_ID``;
- per joint, from counts summed over videos: ``MOTA = 100 (1 - (misses +
  switches + FP) / objects)``, ``MOTP = 100 (1 - sumD / detections)`` (0
  without detections), ``precision = 100 detections / (detections + FP)``,
  ``recall = 100 detections / objects`` (detections = matches + switches),
  **sumD summing the ``D`` of all events, RAW ones included**
  (``acc.events['D'].sum()``); totals are means of the non-NaN joint values.

Input data structure: per video, a list of frame dicts (the frame dicts of
``parse_posetrack_video`` plus ``track_ids``), joints in poseval's order
(:data:`POSEVAL_JOINT_NAMES`):

- GT frame: ``points`` (G, 15, 2), ``present`` (G, 15) bool (the joint is
  annotated, i.e. its keypoint is not ``[0, 0, 0]``), ``head_sizes`` (G, ),
  ``track_ids`` (G, ), and optionally ``ignore_regions`` (list of (M, 2)
  polygons) and ``image_id`` (named in errors).
- Prediction frame: ``points`` (P, 15, 2), ``present`` (P, 15) bool,
  ``track_ids`` (P, ); other keys (``scores``) are ignored.
"""
import numbers
import warnings
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .average_precision import summarize_table
from .geometry import pckh_hits, remove_ignored_joints
from .joints import NUM_JOINTS, PCKH_THRESHOLD, POSEVAL_JOINT_NAMES

#: poseval's bound on track ids (it offsets them by video index x this).
MAX_TRACK_ID = 10000

#: The ``motmetrics`` counts poseval sums over videos, per joint.
MOT_COUNT_NAMES = ('num_misses', 'num_switches', 'num_false_positives',
                   'num_objects', 'num_detections')

#: Names of the values of the tracking table, in poseval's order: MOTA of
#: Head .. Ankle and Total, then MOTP, precision and recall totals.
MOTA_TABLE_NAMES = ('Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee',
                    'Ankle', 'Total', 'MOTP', 'Precision', 'Recall')

_MOTA_TABLE_HEADER = (
    '& MOTA & MOTA & MOTA & MOTA & MOTA & MOTA & MOTA & MOTA & MOTP & Prec & '
    'Rec  \\\\\n& Head & Shou & Elb  & Wri  & Hip  & Knee & Ankl & Total& '
    'Total& Total& Total\\\\')


def _import_motmetrics():
    try:
        import motmetrics
    except ImportError:
        raise ImportError(
            'PoseTrack MOTA needs the "motmetrics" package (as poseval): '
            'pip install motmetrics==1.4.0') from None
    return motmetrics


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------
def check_track_id(track_id: object, where: str) -> int:
    """Check one person's track id.

    Args:
        track_id (object): The id; ``None`` marks a missing id.
        where (str): The person, named in errors (e.g. ``"a.json:
            annotation id=3 (image_id=7)"``).

    Returns:
        int: The id.

    Raises:
        ValueError: The id is missing, not an integer (``bool`` and
            non-integral numbers included) or not below :data:`MAX_TRACK_ID`.
    """
    if track_id is None:
        raise ValueError(f'{where} has no track_id (PoseTrack MOTA needs a '
                         'track_id for every person).')
    if (isinstance(track_id, bool) or not isinstance(track_id, numbers.Real)
            or not float(track_id).is_integer()):
        raise ValueError(f'{where} has track_id {track_id!r}; track ids must '
                         'be integers.')
    if track_id >= MAX_TRACK_ID:
        raise ValueError(f'{where} has track_id {track_id}; poseval requires '
                         f'track ids below {MAX_TRACK_ID}.')
    return int(track_id)


def check_track_ids(track_ids: Sequence, num_people: int,
                    where: str) -> np.ndarray:
    """Check the track ids of the people of one frame.

    Args:
        track_ids (Sequence): One id per person; ``None`` marks a missing id.
        num_people (int): Number of people in the frame.
        where (str): The frame, named in errors (e.g. ``"GT video 'x',
            frame 3 (image_id=...)"``).

    Returns:
        np.ndarray: The ids as int64, shape (num_people, ).

    Raises:
        ValueError: An id fails :func:`check_track_id`, is used twice in the
            frame, or the number of ids is not ``num_people``.
    """
    if track_ids is None:
        raise ValueError(f'{where}: no "track_ids" (PoseTrack MOTA needs a '
                         'track_id for every person).')
    track_ids = list(np.asarray(track_ids, dtype=object).reshape(-1))
    if len(track_ids) != num_people:
        raise ValueError(f'{where}: {len(track_ids)} track ids for '
                         f'{num_people} people.')
    ids = np.array([
        check_track_id(track_id, f'{where}: person {person}')
        for person, track_id in enumerate(track_ids)
    ],
                   dtype=np.int64)
    unique, counts = np.unique(ids, return_counts=True)
    if (counts > 1).any():
        raise ValueError(f'{where}: track_id {int(unique[counts > 1][0])} is '
                         'used by more than one person in the frame.')
    return ids


def _frame_name(source: str, index: int, frame: dict) -> str:
    image_id = frame.get('image_id') if isinstance(frame, dict) else None
    suffix = f' (image_id={image_id!r})' if image_id is not None else ''
    return f'{source}, frame {index}{suffix}'


def _check_frame(frame: dict, where: str, is_gt: bool) -> dict:
    """The frame's arrays, shapes checked, with ``track_ids`` as int64."""
    fields = ('points', 'present', 'track_ids') + (
        ('head_sizes', ) if is_gt else ())
    if not isinstance(frame, dict):
        raise ValueError(f'{where}: expected a frame dict, got '
                         f'{type(frame).__name__}.')
    for field in fields:
        if field not in frame:
            raise ValueError(f'{where}: missing "{field}".')
    present = np.asarray(frame['present'], dtype=bool).reshape(-1, NUM_JOINTS)
    num_people = len(present)
    points = np.asarray(frame['points'], dtype=np.float64)
    if points.size != num_people * NUM_JOINTS * 2:
        raise ValueError(f'{where}: "points" has shape {points.shape}, '
                         f'expected ({num_people}, {NUM_JOINTS}, 2).')
    checked = dict(
        points=points.reshape(num_people, NUM_JOINTS, 2),
        present=present,
        track_ids=check_track_ids(frame['track_ids'], num_people, where))
    if is_gt:
        head_sizes = np.asarray(frame['head_sizes'], dtype=np.float64)
        if head_sizes.shape != (num_people, ):
            raise ValueError(f'{where}: "head_sizes" has shape '
                             f'{head_sizes.shape}, expected ({num_people}, ).')
        checked['head_sizes'] = head_sizes
        checked['ignore_regions'] = list(frame.get('ignore_regions') or [])
    return checked


# ---------------------------------------------------------------------------
# Frames of a video
# ---------------------------------------------------------------------------
def _remove_ignored(frame: dict, polygons: List[np.ndarray]) -> dict:
    """The frame without the joints in ignore regions (and people left
    without joints, when there are regions)."""
    present, keep = remove_ignored_joints(frame['points'], frame['present'],
                                          polygons)
    filtered = {
        key: value[keep]
        for key, value in frame.items() if isinstance(value, np.ndarray)
    }
    filtered['present'] = present[keep]
    return filtered


def evaluated_frame_pairs(
        gt_frames: Sequence[dict],
        pred_frames: Sequence[dict],
        gt_source: str = 'GT',
        pred_source: str = 'predictions') -> List[Tuple[dict, dict]]:
    """The (GT, prediction) frame pairs of one video that poseval's tracking
    evaluation looks at, ignore regions applied.

    Frames are paired by position; frames whose GT has no person are
    dropped; joints in ignore regions are removed; the last remaining pair
    is dropped (poseval's ``imgidxs[:-1]``).

    Args:
        gt_frames (Sequence[dict]): GT frames (see the module docstring).
        pred_frames (Sequence[dict]): Prediction frames, same length.
        gt_source (str): The GT video, named in errors.
        pred_source (str): The prediction video, named in errors.

    Returns:
        list[tuple[dict, dict]]: Checked frames with ``points``, ``present``,
        ``track_ids`` (and ``head_sizes`` for GT).

    Raises:
        ValueError: The frame counts differ, or a frame is malformed (missing
            field, bad shape, missing / duplicate / non-integer track id).
    """
    if len(gt_frames) != len(pred_frames):
        raise ValueError(
            f'{pred_source}: {len(pred_frames)} frames, but the ground truth '
            f'{gt_source} has {len(gt_frames)}; poseval pairs prediction and '
            'GT frames by position, so both must list the same images.')
    pairs = []
    for index, (gt, pred) in enumerate(zip(gt_frames, pred_frames)):
        gt = _check_frame(gt, _frame_name(gt_source, index, gt), True)
        pred = _check_frame(pred, _frame_name(pred_source, index, pred), False)
        if len(gt['track_ids']) == 0:
            continue
        polygons = gt['ignore_regions']
        if polygons:
            gt = _remove_ignored(gt, polygons)
            pred = _remove_ignored(pred, polygons)
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
        gt (dict): A checked GT frame (``points``, ``present``,
            ``head_sizes``, ``track_ids``).
        pred (dict): A checked prediction frame (``points``, ``present``,
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
    gt_ids = gt['track_ids'] + id_offset
    pred_ids = pred['track_ids'] + id_offset
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
    mm = _import_motmetrics()
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


# ---------------------------------------------------------------------------
# Metrics and the table
# ---------------------------------------------------------------------------
def _mean_of_valid(values: np.ndarray) -> float:
    """Mean of the non-NaN values (NaN if there are none)."""
    values = values[~np.isnan(values)]
    return float(values.mean()) if len(values) else float('nan')


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
    metrics = OrderedDict()
    for name, values in (('mota', mota), ('motp', motp),
                         ('precision', precision), ('recall', recall)):
        metrics[name] = np.append(values, _mean_of_valid(values))
    return metrics


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


def format_mota_table(table: Dict[str, float]) -> Tuple[str, str]:
    """Format the tracking table as poseval prints it.

    Args:
        table (dict): Values for :data:`MOTA_TABLE_NAMES`.

    Returns:
        tuple[str, str]: The (two-line) header and the value line.
    """
    cells = [
        '{:>5}'.format('%1.1f' % table[name]) for name in MOTA_TABLE_NAMES
    ]
    return _MOTA_TABLE_HEADER, '&' + ' &'.join(cells) + ' \\\\'


# ---------------------------------------------------------------------------
# Whole evaluation
# ---------------------------------------------------------------------------
def evaluate_posetrack_mota(
        gt_videos: Dict[str, Sequence[dict]],
        pred_videos: Dict[str, Sequence[dict]],
        gt_sources: Optional[Dict[str, str]] = None,
        pred_sources: Optional[Dict[str, str]] = None) -> dict:
    """Evaluate PoseTrack multi-person pose tracking like poseval's
    ``evaluateTracking``.

    Args:
        gt_videos (dict[str, Sequence[dict]]): Video name -> GT frames (see
            the module docstring). Videos are evaluated in sorted name order
            (poseval's video index, which offsets track ids).
        pred_videos (dict[str, Sequence[dict]]): Video name -> prediction
            frames, one per GT frame. Videos absent from ``gt_videos`` are
            not evaluated (as poseval).
        gt_sources (dict[str, str], optional): Video name -> what to call it
            in errors. Defaults to ``"GT video '<name>'"``.
        pred_sources (dict[str, str], optional): Same for the predictions.

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

    Raises:
        ValueError: A GT video has no predictions, or a frame is malformed
            (see :func:`evaluated_frame_pairs`).
    """
    gt_sources = gt_sources or {}
    pred_sources = pred_sources or {}
    totals = {name: np.zeros(NUM_JOINTS) for name in MOT_COUNT_NAMES}
    totals['sum_distances'] = np.zeros(NUM_JOINTS)
    per_sequence = OrderedDict()
    num_frames = 0
    for index, name in enumerate(sorted(gt_videos)):
        gt_source = gt_sources.get(name, f'GT video {name!r}')
        pred_source = pred_sources.get(name, f'prediction video {name!r}')
        if name not in pred_videos:
            raise ValueError(f'No predictions for video {name!r} '
                             f'(ground truth: {gt_source}).')
        pairs = evaluated_frame_pairs(gt_videos[name], pred_videos[name],
                                      gt_source, pred_source)
        if not pairs:
            if any(len(frame['track_ids']) for frame in gt_videos[name]):
                warnings.warn(
                    f'{gt_source}: only one frame with annotated people; '
                    'poseval never evaluates the last such frame of a video '
                    '(and crashes on this one), so it adds nothing to MOTA.')
            continue
        counts = video_mot_counts(pairs, index * MAX_TRACK_ID)
        for key in totals:
            totals[key] += counts[key]
        num_frames += len(pairs)
        seq = mot_metrics_from_counts(counts)
        per_sequence[name] = OrderedDict(
            (short, [None if np.isnan(v) else float(v) for v in seq[key]])
            for short, key in (('mota', 'mota'), ('motp', 'motp'),
                               ('pre', 'precision'), ('rec', 'recall')))

    metrics = mot_metrics_from_counts(totals)
    keys = ('mota', 'motp', 'precision', 'recall')
    per_joint = OrderedDict((joint, {
        key: float(metrics[key][j])
        for key in keys
    }) for j, joint in enumerate(POSEVAL_JOINT_NAMES))
    internals = {
        key: {
            joint: float(values[j])
            for j, joint in enumerate(POSEVAL_JOINT_NAMES)
        }
        for key, values in totals.items()
    }
    internals['n_frames_evaluated'] = num_frames
    result = dict(
        joint_names=list(POSEVAL_JOINT_NAMES),
        per_joint=per_joint,
        total={key: float(metrics[key][NUM_JOINTS])
               for key in keys},
        table=summarize_mota_table(metrics),
        per_sequence=per_sequence,
        internals=internals)
    result.update(metrics)
    return result
