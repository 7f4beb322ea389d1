# Copyright (c) tdmi_mmpose contributors.
"""Keypoint jitter and PoseTrack AP of the temporal smoothing filters on
synthetic val videos: each video predicted and tracked once, filters off,
then every filter setting replayed on those tracked predictions."""
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence

import numpy as np

from ..apis.online_smoothing import build_smoother
from ..evaluation.functional import assign_predictions, head_size, pckh_hits
from ..evaluation.metrics.posetrack_evaluation import \
    evaluate_posetrack_videos
from ..evaluation.metrics.posetrack_files import (prediction_video,
                                                  written_people)
from ..io import json_files, load_json
from ..smoothing import TrackFilter

#: The settings measured, fixed before measuring: mmpose 0.x's defaults
#: (the filters' defaults) and a 5-frame window of each window filter.
FILTER_SETTINGS = OrderedDict([
    ('none', None),
    ('OneEuroFilter', dict(type='OneEuroFilter')),
    ('SavitzkyGolayFilter', dict(type='SavitzkyGolayFilter')),
    ('GaussianFilter', dict(type='GaussianFilter')),
    ('SavitzkyGolayFilter w5',
     dict(type='SavitzkyGolayFilter', window_size=5, order=2)),
    ('GaussianFilter w5',
     dict(type='GaussianFilter', window_size=5, sigma=1.0)),
])


def tracked_predictions(results) -> List[dict]:
    """The video inferencer's per-frame results as arrays: ``keypoints``
    (N, K, 2), ``keypoint_scores`` (N, K), ``scores`` (N, ) (box scores),
    ``track_ids`` (N, )."""
    frames = []
    for result in results:
        (people, ) = result['predictions']
        k = len(people[0]['keypoints']) if people else 17
        frames.append(dict(
            keypoints=_stack(people, 'keypoints', (-1, k, 2)),
            keypoint_scores=_stack(people, 'keypoint_scores', (-1, k)),
            scores=_stack(people, 'bbox_score', -1),
            track_ids=_stack(people, 'track_id', -1, np.int64)))
    return frames


def _stack(people: List[dict], key: str, shape, dtype=np.float64):
    return np.array([p[key] for p in people], dtype).reshape(shape)


def replay_filter(frames: Sequence[dict],
                  smoother: Optional[TrackFilter]) -> List[np.ndarray]:
    """Each frame's keypoints (N, K, 2) after the filter (``None``: as
    they are), fed frame by frame as the inferencer does."""
    if smoother is None:
        return [frame['keypoints'] for frame in frames]
    smoother.reset()
    released = []
    for frame in frames:
        released += smoother.update(frame['keypoints'], frame['track_ids'])
    released += smoother.flush()
    assert [f.frame_index for f in released] == list(range(len(frames)))
    return [f.keypoints for f in released]


def gt_people(video: dict) -> List[Optional[dict]]:
    """Per image of a PoseTrack18 GT file (in file order): ``None`` if it
    is not labelled, else its people's ``track_ids`` (G, ), ``points``
    (G, K, 2), ``visible`` (G, K) and ``head_sizes`` (G, )."""
    by_image = {image['id']: [] for image in video['images']}
    for ann in video['annotations']:
        by_image[ann['image_id']].append(ann)
    frames = []
    for image in video['images']:
        if not image.get('is_labeled', True):
            frames.append(None)
            continue
        anns = [a for a in by_image[image['id']] if 'bbox_head' in a]
        triples = np.array([a['keypoints'] for a in anns],
                           np.float64).reshape(len(anns), -1, 3)
        frames.append(
            dict(
                track_ids=np.array([a['track_id'] for a in anns], np.int64),
                points=triples[..., :2],
                visible=triples[..., 2] > 0,
                head_sizes=np.array([head_size(a['bbox_head'])
                                     for a in anns])))
    return frames


def assign_people(frames: Sequence[dict],
                  gt: Sequence[Optional[dict]]) -> List[Dict[int, int]]:
    """Per frame, GT track id -> index of its predicted person (poseval's
    PCKh assignment on every joint; labelled frames only)."""
    assigned = []
    for frame, people in zip(frames, gt):
        match = {}
        if people is not None and len(frame['keypoints']):
            hits = pckh_hits(frame['keypoints'],
                             np.ones(frame['keypoint_scores'].shape, bool),
                             people['points'], people['visible'],
                             people['head_sizes'])
            pred_to_gt = assign_predictions(hits, people['visible'])
            match = {
                int(people['track_ids'][g]): p
                for p, g in enumerate(pred_to_gt) if g >= 0
            }
        assigned.append(match)
    return assigned


def acceleration_errors(keypoints: Sequence[np.ndarray],
                        gt: Sequence[Optional[dict]],
                        assigned: Sequence[Dict[int, int]]) -> dict:
    """The acceleration (jitter) and position errors of one video, as sums
    and counts to pool over videos.

    For a GT joint seen in three equally spaced labelled frames
    ``t - s, t, t + s`` whose predicted person (:func:`assign_people`)
    exists in all three, the acceleration error is
    ``|| (p[t+s] - 2 p[t] + p[t-s]) - (g[t+s] - 2 g[t] + g[t-s]) || / s^2``
    (px/frame²); the position error is ``|| p[t] - g[t] ||`` (px) of every
    visible joint of an assigned person.

    Args:
        keypoints (Sequence[np.ndarray]): Per frame (N, K, 2) predictions.
        gt (Sequence[dict | None]): Per frame :func:`gt_people`.
        assigned (Sequence[dict]): Per frame :func:`assign_people`.

    Returns:
        dict: ``acc_sum``, ``acc_count``, ``pos_sum``, ``pos_count``.
    """
    labelled = [t for t, people in enumerate(gt) if people is not None]
    acc_sum = acc_count = pos_sum = pos_count = 0.0
    for t in labelled:
        people = gt[t]
        for g, track_id in enumerate(people['track_ids'].tolist()):
            if track_id in assigned[t]:
                p = assigned[t][track_id]
                error = np.linalg.norm(
                    keypoints[t][p] - people['points'][g], axis=-1)
                pos_sum += error[people['visible'][g]].sum()
                pos_count += people['visible'][g].sum()
    for before, t, after in zip(labelled, labelled[1:], labelled[2:]):
        step = t - before
        if after - t != step:
            continue
        frames = (before, t, after)
        for track_id in gt[t]['track_ids'].tolist():
            rows = [_row(gt[s], assigned[s], track_id) for s in frames]
            if None in rows:
                continue
            true, visible, pred = zip(
                *[(gt[s]['points'][g], gt[s]['visible'][g], keypoints[s][p])
                  for s, (g, p) in zip(frames, rows)])
            visible = np.logical_and.reduce(visible)
            error = np.linalg.norm(
                (pred[2] - 2 * pred[1] + pred[0]) -
                (true[2] - 2 * true[1] + true[0]), axis=-1) / step**2
            acc_sum += error[visible].sum()
            acc_count += visible.sum()
    return dict(acc_sum=acc_sum, acc_count=acc_count, pos_sum=pos_sum,
                pos_count=pos_count)


def _row(people: dict, assigned: Dict[int, int], track_id: int):
    """(GT index, predicted index) of a GT track in a frame, or None."""
    where = np.flatnonzero(people['track_ids'] == track_id)
    if len(where) == 0 or track_id not in assigned:
        return None
    return int(where[0]), assigned[track_id]


def _prediction_file(video: dict, frames: Sequence[dict],
                     keypoints: Sequence[np.ndarray]) -> dict:
    """The PoseTrack18 prediction file of one video with these keypoints."""
    return prediction_video(video['images'], [
        written_people(
            dict(frame, keypoints=kpts,
                 category_ids=np.ones(len(kpts), np.int64)))
        for frame, kpts in zip(frames, keypoints)
    ])


def evaluate_settings(videos: Dict[str, dict],
                      predictions: Dict[str, List[dict]],
                      settings: Dict[str, Optional[dict]]) -> Dict[str, dict]:
    """Total AP (poseval's), acceleration and position errors of every
    filter setting on tracked predictions.

    Args:
        videos (dict[str, dict]): Video name -> its GT (PoseTrack18 JSON).
        predictions (dict[str, list[dict]]): Video name -> per-frame
            :func:`tracked_predictions`.
        settings (dict[str, dict]): Name -> filter config (or ``None``).

    Returns:
        dict[str, dict]: Name -> ``total_ap``, ``accel_error_px``,
        ``position_error_px``, ``num_accel_joints``.
    """
    gts = {name: gt_people(video) for name, video in videos.items()}
    assigned = {name: assign_people(predictions[name], gts[name])
                for name in videos}
    rows = OrderedDict()
    for label, cfg in settings.items():
        smoothed = {name: replay_filter(predictions[name],
                                        build_smoother(cfg))
                    for name in videos}
        files = {name: _prediction_file(videos[name], predictions[name],
                                        smoothed[name])
                 for name in videos}
        ap, _ = evaluate_posetrack_videos(videos, files)
        errors = [acceleration_errors(smoothed[name], gts[name],
                                      assigned[name]) for name in videos]
        total = {key: sum(e[key] for e in errors) for key in errors[0]}
        rows[label] = dict(
            total_ap=float(ap['table']['Total']),
            accel_error_px=total['acc_sum'] / max(total['acc_count'], 1),
            position_error_px=total['pos_sum'] / max(total['pos_count'], 1),
            num_accel_joints=int(total['acc_count']))
    return rows


def val_videos(data_root: str) -> Dict[str, dict]:
    """Video name -> GT of a PoseTrack18-layout dataset's val split."""
    return OrderedDict(
        (osp.splitext(osp.basename(path))[0], load_json(path, 'GT file'))
        for path in json_files(osp.join(data_root, 'annotations', 'val')))


def predict_val_videos(inferencer, data_root: str,
                       videos: Dict[str, dict]) -> Dict[str, List[dict]]:
    """Tracked predictions (:func:`tracked_predictions`) of each val video
    of a PoseTrack18-layout dataset, with the boxes of its detection file
    (score >= 0.3).

    Args:
        inferencer: A :class:`~tdmi_mmpose.apis.MMPoseVideoInferencer`.
        data_root (str): The dataset's root.
        videos (dict[str, dict]): Its :func:`val_videos`.

    Returns:
        dict[str, list[dict]]: Video name -> per-frame predictions.
    """
    det_file = osp.join(data_root, 'person_detections',
                        'val_human_detections.json')
    return OrderedDict(
        (name,
         tracked_predictions(
             inferencer(
                 osp.join(data_root, 'images', 'val', name),
                 bboxes=det_file,
                 bbox_image_ids=osp.join(data_root, 'annotations', 'val',
                                         name + '.json'))))
        for name in videos)


def online_replay_difference(inferencer, data_root: str, name: str,
                             predictions: List[dict], cfg: dict) -> float:
    """The largest keypoint difference (px) between the inferencer's own
    smoothing (``cfg`` as its ``smoother``) and :func:`replay_filter` on
    one video: 0 up to float32 rounding when the replay is the inferencer's
    smoothing."""
    from ..apis import OnlineSmoothing
    inner = inferencer.inferencer
    saved, inner.smoothing = inner.smoothing, OnlineSmoothing(
        build_smoother(cfg))
    try:
        online = predict_val_videos(inferencer, data_root,
                                    {name: None})[name]
    finally:
        inner.smoothing = saved
    replayed = replay_filter(predictions, build_smoother(cfg))
    return float(
        max((np.abs(a['keypoints'] - b).max(initial=0.0)
             for a, b in zip(online, replayed)),
            default=0.0))
