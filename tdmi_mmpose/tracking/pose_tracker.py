# Copyright (c) tdmi_mmpose contributors.
"""A small, deterministic pose tracker matching people by OKS (or box IoU)
to the previous frames' poses (docs/tracking.md, "The tracker")."""
from typing import List, Mapping, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.registry import DefaultScope
from scipy.optimize import linear_sum_assignment

from mmpose.evaluation.functional.nms import oks_iou
from mmpose.registry import TASK_UTILS
from mmpose.structures.bbox import bbox_overlaps
from ..io import POSETRACK18_METAINFO


def keypoint_boxes(keypoints: np.ndarray, keypoint_scores: np.ndarray,
                   kpt_thr: float) -> np.ndarray:
    """Boxes ``x1, y1, x2, y2`` (N, 4) around each person's keypoints
    (N, K, 2) scoring above ``kpt_thr`` (all where fewer than two do)."""
    used = keypoint_scores > kpt_thr
    used[used.sum(axis=1) < 2] = True
    points = np.where(used[..., None], keypoints, np.nan)
    return np.concatenate([np.nanmin(points, 1), np.nanmax(points, 1)], 1)


def match_greedy(similarity: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Greedy matching of the ``allowed`` (T, N) pairs by decreasing
    ``similarity`` (T, N), ties by index; the (track, detection) pairs
    (M, 2) in the order taken."""
    rows, cols = np.nonzero(allowed)
    order = np.lexsort((cols, rows, -similarity[rows, cols]))
    used_rows, used_cols, pairs = set(), set(), []
    for k in order:
        r, c = int(rows[k]), int(cols[k])
        if r not in used_rows and c not in used_cols:
            used_rows.add(r)
            used_cols.add(c)
            pairs.append((r, c))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def match_hungarian(similarity: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Maximum-similarity matching of the ``allowed`` (T, N) pairs; the
    (track, detection) pairs (M, 2), by track index."""
    # a disallowed pair costs 0, as leaving both unmatched, then is dropped
    rows, cols = linear_sum_assignment(np.where(allowed, -similarity, 0.0))
    keep = allowed[rows, cols]
    return np.stack([rows[keep], cols[keep]], axis=1).astype(np.int64)


#: The matchers of :class:`PoseTracker`, by name.
MATCHERS = dict(hungarian=match_hungarian, greedy=match_greedy)


@TASK_UTILS.register_module()
class PoseTracker:
    """Track ids for the people of a video: :meth:`update` once per frame,
    in time order; :meth:`reset` before a new video.

    Args:
        matcher (str): ``'hungarian'`` (maximum summed similarity) or
            ``'greedy'``. Defaults to ``'hungarian'``.
        oks_thr (float): Minimum OKS of a keypoint match. Defaults to 0.3.
        iou_thr (float): Minimum box IoU of a box match (fewer than
            ``min_keypoints`` shared confident keypoints). Defaults to 0.3.
        kpt_thr (float): A keypoint is confident above it. Defaults to 0.3.
        min_keypoints (int): Shared confident keypoints to compare by OKS.
            Defaults to 3.
        max_age (int): Frames a track may go unmatched (0: no gap).
            Defaults to 3.
        sigmas (Sequence[float], optional): OKS sigmas, the dataset
            metainfo's (:func:`build_tracker`). Defaults to PoseTrack18's.
        start_id (int): The first track id. Defaults to 0.
    """

    def __init__(self,
                 matcher: str = 'hungarian',
                 oks_thr: float = 0.3,
                 iou_thr: float = 0.3,
                 kpt_thr: float = 0.3,
                 min_keypoints: int = 3,
                 max_age: int = 3,
                 sigmas: Optional[Sequence[float]] = None,
                 start_id: int = 0):
        checks = (('matcher', matcher, matcher in MATCHERS),
                  ('oks_thr', oks_thr, 0 < oks_thr <= 1),
                  ('iou_thr', iou_thr, 0 < iou_thr <= 1),
                  ('min_keypoints', min_keypoints,
                   int(min_keypoints) == min_keypoints >= 1),
                  ('max_age', max_age, int(max_age) == max_age >= 0))
        bad = [f'{name}={value!r}' for name, value, ok in checks if not ok]
        if bad:
            raise ValueError(
                f'PoseTracker: {", ".join(bad)} (matcher: one of '
                f'{tuple(MATCHERS)}; '
                'oks_thr, iou_thr: in (0, 1]; min_keypoints: an integer >= 1; '
                'max_age: an integer >= 0).')
        self.matcher = matcher
        self.oks_thr = float(oks_thr)
        self.iou_thr = float(iou_thr)
        self.kpt_thr = float(kpt_thr)
        self.min_keypoints = int(min_keypoints)
        self.max_age = int(max_age)
        self.sigmas = np.asarray(
            POSETRACK18_METAINFO['sigmas'] if sigmas is None else sigmas,
            dtype=np.float64)
        self.start_id = int(start_id)
        self.reset()

    def reset(self) -> None:
        """Forget all tracks; ids restart at ``start_id``."""
        self.tracks: List[dict] = []
        self.next_id = self.start_id

    def _arrays(self, keypoints, keypoint_scores, bboxes):
        """The frame as float64 arrays (N, K, 2), (N, K) and (N, 4)."""
        num_keypoints = len(self.sigmas)
        keypoints = np.asarray(keypoints, dtype=np.float64)
        if keypoints.size == 0:
            keypoints = keypoints.reshape(0, num_keypoints, 2)
        scores = np.asarray(keypoint_scores, dtype=np.float64)
        num = len(keypoints)
        assert keypoints.shape[1:] == (num_keypoints, 2) and \
            scores.shape == (num, num_keypoints), (
                f'keypoints and keypoint_scores: expected shapes (N, '
                f'{num_keypoints}, 2) and (N, {num_keypoints}) (K = number '
                f'of sigmas), got {keypoints.shape} and {scores.shape}.')
        if bboxes is None:
            return keypoints, scores, keypoint_boxes(keypoints, scores,
                                                     self.kpt_thr)
        boxes = np.asarray(bboxes, dtype=np.float64)
        boxes = boxes.reshape(num, -1) if num else np.zeros((0, 4))
        assert boxes.shape[1] in (4, 5), (
            f'bboxes: expected shape ({num}, 4) x1, y1, x2, y2 (or 5 '
            f'columns with scores), got {np.shape(bboxes)}.')
        return keypoints, scores, boxes[:, :4]

    def similarity(self, keypoints: np.ndarray, keypoint_scores: np.ndarray,
                   boxes: np.ndarray):
        """OKS or box IoU (T, N) of the live tracks to the detections
        (keypoints (N, K, 2), scores (N, K), boxes (N, 4)) and which pairs
        may match (T, N)."""
        num_tracks, num = len(self.tracks), len(keypoints)
        if num_tracks == 0 or num == 0:
            empty = np.zeros((num_tracks, num))
            return empty, empty.astype(bool)
        track_boxes = np.stack([t['bbox'] for t in self.tracks])
        ious = bbox_overlaps(
            torch.from_numpy(track_boxes),
            torch.from_numpy(np.ascontiguousarray(boxes))).numpy()
        flat = np.concatenate([keypoints, keypoint_scores[..., None]],
                              axis=2).reshape(num, -1)
        areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        confident = keypoint_scores > self.kpt_thr
        similarity = np.zeros((num_tracks, num))
        allowed = np.zeros((num_tracks, num), dtype=bool)
        for t, track in enumerate(self.tracks):
            track_flat = np.concatenate(
                [track['keypoints'], track['scores'][:, None]], axis=1)
            x1, y1, x2, y2 = track['bbox']
            oks = oks_iou(track_flat.reshape(-1), flat, (x2 - x1) * (y2 - y1),
                          areas, self.sigmas, self.kpt_thr).astype(np.float64)
            shared = (confident & (track['scores'] > self.kpt_thr)).sum(1)
            by_oks = shared >= self.min_keypoints
            similarity[t] = np.where(by_oks, oks, ious[t])
            allowed[t] = np.where(by_oks, oks >= self.oks_thr, ious[t]
                                  >= self.iou_thr)
        return similarity, allowed

    def update(self,
               keypoints: np.ndarray,
               keypoint_scores: np.ndarray,
               bboxes: Optional[np.ndarray] = None) -> np.ndarray:
        """The track ids (N, ) int64 of the next frame's people (poses
        (N, K, 2), keypoint scores (N, K), boxes (N, 4) or (N, 5), default:
        :func:`keypoint_boxes`)."""
        keypoints, scores, boxes = self._arrays(keypoints, keypoint_scores,
                                                bboxes)
        similarity, allowed = self.similarity(keypoints, scores, boxes)
        pairs = MATCHERS[self.matcher](similarity, allowed)
        ids = np.full(len(keypoints), -1, dtype=np.int64)
        ids[pairs[:, 1]] = [self.tracks[t]['id'] for t in pairs[:, 0]]
        for t, track in enumerate(self.tracks):
            track['missed'] += int(t not in pairs[:, 0])
        self.tracks = [t for t in self.tracks if t['missed'] <= self.max_age]
        for n in np.flatnonzero(ids < 0):
            ids[n], self.next_id = self.next_id, self.next_id + 1
            self.tracks.append(dict(id=int(ids[n])))
        by_id = {track['id']: track for track in self.tracks}
        for n, track_id in enumerate(ids):
            by_id[int(track_id)].update(
                keypoints=keypoints[n],
                scores=scores[n],
                bbox=boxes[n],
                missed=0)
        return ids


def build_tracker(tracker: Optional[Union[PoseTracker, dict]] = None,
                  dataset_meta: Optional[dict] = None) -> PoseTracker:
    """A tracker from its config, with the OKS sigmas of the dataset.

    Args:
        tracker (PoseTracker | dict, optional): A tracker (returned as it
            is), a ``TASK_UTILS`` config (mmpose scope) or a
            :class:`PoseTracker`'s keyword arguments. Defaults to
            ``PoseTracker()``.
        dataset_meta (dict, optional): Its ``sigmas`` go to a
            :class:`PoseTracker` config without. Defaults to ``None``.
    """
    if tracker is not None and not isinstance(tracker, dict):
        return tracker
    cfg = {'type': 'PoseTracker', **(tracker or {})}
    with DefaultScope.overwrite_default_scope('mmpose'):
        tracker_type = TASK_UTILS.get(cfg['type'])
        sigmas = (dataset_meta or {}).get('sigmas')
        if tracker_type is PoseTracker and sigmas is not None:
            cfg.setdefault('sigmas', [float(v) for v in sigmas])
        return TASK_UTILS.build(cfg)


def track_video(frames: Sequence[Union[Mapping, object]],
                tracker: Optional[Union[PoseTracker, dict]] = None,
                dataset_meta: Optional[dict] = None) -> List[np.ndarray]:
    """Track ids for the people of every frame of one video.

    Args:
        frames (Sequence[dict | InstanceData]): In time order, with
            ``keypoints`` (N, K, 2), ``keypoint_scores`` (N, K), optionally
            ``bboxes`` (N, 4).
        tracker (PoseTracker | dict, optional): See :func:`build_tracker`;
            reset first. Defaults to ``PoseTracker()``.
        dataset_meta (dict, optional): See :func:`build_tracker`.

    Returns:
        list[np.ndarray]: Per frame, the track ids (N, ), int64.
    """
    tracker = build_tracker(tracker, dataset_meta)
    tracker.reset()
    return [
        tracker.update(frame['keypoints'], frame['keypoint_scores'],
                       frame.get('bboxes')) for frame in frames
    ]
