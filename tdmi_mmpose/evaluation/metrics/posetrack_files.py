# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack GT and prediction files: read (checked by :mod:`tdmi_mmpose.io`)
into the frames of :mod:`..functional`, and written."""
import os.path as osp
import warnings
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ...io import (POSETRACK18_KEYPOINT_NAMES, PREDICTION_SCHEMA, InputError,
                   annotation_where, as_numbers, check_annotation_image,
                   check_image, check_record, check_value, check_video_lists,
                   image_folder, json_files, load_json, parse_head_box,
                   parse_ignore_regions, parse_keypoints, posetrack_categories,
                   split_videos)
from ...io import check_track_ids as io_check_track_ids
from ...io.fields import integer
from ...utils.atomic import atomic_write_json
from ..functional import (MAX_TRACK_ID, MISSING_SCORE, NUM_JOINTS,
                          POSETRACK18_TO_POSEVAL, POSEVAL_SOURCE_NAMES,
                          head_size, to_poseval_joints)

Videos = Dict[str, dict]
Sources = Dict[str, str]
Frames = Dict[str, List[dict]]

#: Image fields copied from the GT into the prediction files.
IMAGE_FIELDS = ('id', 'file_name', 'vid_id', 'frame_id', 'nframes',
                'is_labeled', 'has_no_densepose')

_TRACKING_NEEDS_IDS = (
    'PoseTrack MOTA and HOTA need an integer track_id on every person, '
    'distinct within each frame, below {limit} for poseval\'s MOTA; '
    'track=False computes AP only, as posetrack_eval.py without --track')

#: Track ids must be below this, per protocol.
TRACK_ID_LIMITS = dict(poseval=MAX_TRACK_ID, posetrack21=None)


def _keypoint_mapping(video: dict, source: str) -> List[int]:
    """Each poseval joint's index into the keypoints named by
    ``categories[0].keypoints`` (default: PoseTrack18's order)."""
    categories = video.get('categories') or [{}]
    names = categories[0].get('keypoints') if isinstance(
        categories, list) and isinstance(categories[0], dict) else None
    if not names:
        return list(POSETRACK18_TO_POSEVAL)
    missing = [n for n in POSEVAL_SOURCE_NAMES if n not in names]
    if len(names) != len(POSETRACK18_KEYPOINT_NAMES) or missing:
        raise InputError(
            f'{source}: "categories[0].keypoints" has {len(names)} names '
            f'(lacking {missing}); expected the '
            f'{len(POSETRACK18_KEYPOINT_NAMES)} PoseTrack18 keypoints.')
    return [list(names).index(n) for n in POSEVAL_SOURCE_NAMES]


def check_track_ids(track_ids: np.ndarray,
                    where: str,
                    protocol: str = 'poseval') -> np.ndarray:
    """:func:`~tdmi_mmpose.io.check_track_ids` of one frame's track ids
    (N, ), limited by the ``protocol``'s :data:`TRACK_ID_LIMITS`."""
    return io_check_track_ids(track_ids, where, TRACK_ID_LIMITS[protocol],
                              _TRACKING_NEEDS_IDS.format(limit=MAX_TRACK_ID))


def _parse_person(ann: dict, mapping: List[int], is_gt: bool, source: str,
                  track: bool) -> dict:
    """One GT or predicted person as poseval's 15 joints, with its
    ``track_id`` (required if ``track``, else ``None`` where absent)."""
    where = annotation_where(ann, source)
    num_keypoints = len(POSETRACK18_KEYPOINT_NAMES)
    triples = parse_keypoints(
        ann, num_keypoints, where, ground_truth=is_gt)[mapping]
    # poseval drops [0, 0, 0] (unannotated) and keeps any other triple.
    person = dict(points=triples[:, :2], present=triples.any(axis=1))
    track_id = ann.get('track_id')
    if track and track_id is None:
        raise InputError(f'{where} has no track_id ('
                         f'{_TRACKING_NEEDS_IDS.format(limit=MAX_TRACK_ID)}).')
    person['track_id'] = None if track_id is None else int(
        check_value(track_id, integer, where, 'track_id'))
    if is_gt:
        bbox_head = parse_head_box(ann.get('bbox_head'), where)
        if bbox_head is None:
            raise InputError(
                f'{where} has no valid "bbox_head" [x, y, w, h] (got '
                f'{ann.get("bbox_head")!r}); the ground truth needs it for '
                'the PCKh head size.')
        person['head_size'] = head_size(bbox_head)
        return person
    check_record(ann, PREDICTION_SCHEMA, where)
    scores = ann.get('scores')
    if not scores:
        person['scores'] = np.full(NUM_JOINTS, MISSING_SCORE)
        return person
    if not isinstance(scores, list) or len(scores) != num_keypoints:
        raise InputError(f'{where} has {np.size(scores)} "scores", expected '
                         f'{num_keypoints}.')
    person['scores'] = as_numbers(scores, f'{where} "scores"')[mapping]
    return person


def _first_video_images(images: list, source: str) -> list:
    """As poseval, only the images of the file's first video."""
    videos = [image_folder(image).split('_')[0] for image in images]
    kept = [im for im, video in zip(images, videos) if video == videos[0]]
    if len(kept) != len(images):
        warnings.warn(
            f'{source}: images of more than one video; like poseval, only '
            f'the {len(kept)} images of the first video ({videos[0]!r}) are '
            'evaluated.')
    return kept


def _stack(people: List[dict], key: str, shape: tuple, dtype) -> np.ndarray:
    return np.array([p[key] for p in people], dtype=dtype).reshape(shape)


def parse_posetrack_video(video: dict,
                          source: str,
                          is_gt: bool,
                          track: bool = False,
                          protocol: str = 'poseval') -> List[dict]:
    """Read one PoseTrack18 JSON video into poseval's frames (the images of
    the file's first video and their annotations, in file order).

    Args:
        video (dict): ``images``, ``annotations``, optionally
            ``categories`` naming the 17 keypoints.
        source (str): The file, named in errors.
        is_gt (bool): Ground truth (needs ``bbox_head``) or predictions
            (missing ``scores`` get :data:`MISSING_SCORE`).
        track (bool): Every annotation needs a ``track_id``
            (:func:`check_track_ids`). Defaults to ``False``.
        protocol (str): Whose track-id rules; ``'posetrack21'`` GT needs
            ``is_labeled`` on every image. Defaults to ``'poseval'``.

    Returns:
        list[dict]: Per frame ``image_id``, ``points`` (N, 15, 2),
        ``present`` (N, 15), ``track_ids`` (N, ) (int64 if ``track``) and,
        for GT, ``head_sizes`` (N, ), ``ignore_regions`` (list of (M, 2)
        arrays), ``is_labeled`` (``None`` if absent), for predictions
        ``scores`` (N, 15).
    """
    images, annotations = check_video_lists(video, source)
    mapping = _keypoint_mapping(video, source)
    for image in images:
        check_image(image, source)
    image_ids = {image['id'] for image in images}
    images = _first_video_images(images, source) if images else images
    people = {image['id']: [] for image in images}
    missing_scores = False
    for ann in annotations:
        check_annotation_image(ann, source, image_ids)
        if ann['image_id'] in people:
            people[ann['image_id']].append(
                _parse_person(ann, mapping, is_gt, source, track))
            missing_scores |= not (is_gt or ann.get('scores'))
    if missing_scores:
        warnings.warn(f'{source}: predictions without "scores"; their joints '
                      f'get poseval\'s fallback score {MISSING_SCORE:g}.')
    frames = []
    for image in images:
        found, num = people[image['id']], len(people[image['id']])
        where = f'{source}: image {image["id"]!r}'
        frame = dict(
            image_id=image['id'],
            points=_stack(found, 'points', (num, NUM_JOINTS, 2), np.float64),
            present=_stack(found, 'present', (num, NUM_JOINTS), bool),
            track_ids=np.array([p['track_id'] for p in found], object))
        if track:
            frame['track_ids'] = check_track_ids(frame['track_ids'], where,
                                                 protocol)
        if is_gt:
            frame['head_sizes'] = _stack(found, 'head_size', (num, ),
                                         np.float64)
            frame['is_labeled'] = image.get('is_labeled')
            frame['ignore_regions'] = parse_ignore_regions(image, where)
        else:
            frame['scores'] = _stack(found, 'scores', (num, NUM_JOINTS),
                                     np.float64)
        frames.append(frame)
    unlabeled = [
        f['image_id'] for f in frames if is_gt and f['is_labeled'] is None
    ]
    if unlabeled and protocol == 'posetrack21':
        raise InputError(
            f'{source}: image {unlabeled[0]!r} ({len(unlabeled)} image(s) in '
            'all) has no "is_labeled"; the PoseTrack21 protocol evaluates '
            'only the labelled frames (protocol "poseval" evaluates every '
            'frame with GT people).')
    return frames


def parse_posetrack_videos(gt_videos: Videos,
                           pred_videos: Videos,
                           gt_sources: Optional[Sources] = None,
                           pred_sources: Optional[Sources] = None,
                           track: bool = False,
                           protocol: str = 'poseval') -> Tuple[Frames, Frames]:
    """Read the GT and the prediction frames of every GT video (paired by
    position: each needs predictions listing as many images).

    Args:
        gt_videos (dict[str, dict]): Video name -> GT (PoseTrack18 JSON).
        pred_videos (dict[str, dict]): Video name -> predictions.
        gt_sources (dict[str, str], optional): Video name -> file named in
            errors. Defaults to ``"GT video '<name>'"``.
        pred_sources (dict[str, str], optional): Same for the predictions.
        track (bool), protocol (str): See :func:`parse_posetrack_video`.

    Returns:
        tuple[dict, dict]: Video name -> GT frames, -> prediction frames
        (:func:`parse_posetrack_video`), in sorted name order.
    """
    gt_sources, pred_sources = gt_sources or {}, pred_sources or {}
    gt_frames, pred_frames = OrderedDict(), OrderedDict()
    for name in sorted(gt_videos):
        gt_source = gt_sources.get(name, f'GT video {name!r}')
        pred_source = pred_sources.get(name, f'prediction video {name!r}')
        if name not in pred_videos:
            raise InputError(f'No predictions for video {name!r} '
                             f'(ground truth: {gt_source}).')
        gt = parse_posetrack_video(gt_videos[name], gt_source, True, track,
                                   protocol)
        pred = parse_posetrack_video(pred_videos[name], pred_source, False,
                                     track, protocol)
        if len(gt) != len(pred):
            raise InputError(
                f'{pred_source}: {len(pred)} frames in "images", but the '
                f'ground truth {gt_source} has {len(gt)}; poseval pairs '
                'prediction and GT frames by position, so both must list the '
                'same images in the same order.')
        mismatched = sum(g['image_id'] != p['image_id']
                         for g, p in zip(gt, pred))
        if mismatched:
            warnings.warn(
                f'{pred_source}: {mismatched} frame(s) have another image id '
                f'than the GT frame at the same position in {gt_source}; '
                'frames are paired by position, as poseval does.')
        gt_frames[name], pred_frames[name] = gt, pred
    return gt_frames, pred_frames


def load_posetrack_gt(path: str) -> Tuple[Videos, Sources]:
    """Load the GT (a folder of ``<video>.json`` files or one merged file):
    video name -> PoseTrack18 JSON, and video name -> its source."""
    if osp.isdir(path):
        files = OrderedDict(
            (osp.splitext(osp.basename(f))[0], f) for f in json_files(path))
        return OrderedDict((name, load_json(f, 'Ground-truth file'))
                           for name, f in files.items()), files
    videos = split_videos(load_json(path, 'Ground-truth file'), path)
    return videos, OrderedDict(
        (name, f'{path} (video {name!r})') for name in videos)


def written_people(frame: dict, kpt_thr: Optional[float] = None) -> dict:
    """The people of a prediction frame as its file holds them.

    Args:
        frame (dict): ``keypoints`` (N, 17, 2), ``keypoint_scores`` (N, 17),
            ``scores``, ``category_ids``, ``track_ids`` (N, ).
        kpt_thr (float, optional): Joints scoring below it are absent
            (score 0), people without joints left out. Defaults to ``None``
            (every joint).

    Returns:
        dict: The fields of the people written, and ``present`` (N', 17).
    """
    scores = frame['keypoint_scores']
    present = np.ones(scores.shape, bool) if kpt_thr is None \
        else scores >= kpt_thr
    keep = present.any(axis=1)
    people = {key: np.asarray(value)[keep] for key, value in frame.items()}
    people['present'] = present[keep]
    people['keypoint_scores'] = np.where(people['present'],
                                         people['keypoint_scores'], 0.)
    return people


def poseval_prediction_frame(people: dict) -> dict:
    """:func:`written_people` as :func:`parse_posetrack_video` reads them."""
    return dict(
        points=to_poseval_joints(people['keypoints']),
        present=to_poseval_joints(people['present']),
        scores=to_poseval_joints(people['keypoint_scores']),
        track_ids=people['track_ids'].astype(np.int64))


def prediction_video(images: Sequence[dict], frames: Sequence[dict]) -> dict:
    """The PoseTrack18 prediction file of one video: its GT ``images``
    (:data:`IMAGE_FIELDS`), the :func:`written_people` of ``frames`` as
    annotations (absent joints ``[0, 0, 0]``)."""
    annotations = []
    for image, people in zip(images, frames):
        triples = np.concatenate(
            [people['keypoints'],
             np.ones(people['present'].shape + (1, ))],
            axis=2)
        triples[~people['present']] = 0
        for n in range(len(triples)):
            annotations.append(
                dict(
                    id=len(annotations),
                    image_id=image['id'],
                    category_id=int(people['category_ids'][n]),
                    track_id=int(people['track_ids'][n]),
                    keypoints=triples[n].ravel().tolist(),
                    scores=people['keypoint_scores'][n].tolist(),
                    score=float(people['scores'][n])))
    return dict(
        images=[{
            key: image[key]
            for key in IMAGE_FIELDS if key in image
        } for image in images],
        annotations=annotations,
        categories=posetrack_categories())


def write_prediction_files(videos: Videos, out_dir: str) -> Sources:
    """Write ``<out_dir>/<video>.json`` of each video atomically; returns
    video name -> file."""
    sources = OrderedDict()
    for name, video in videos.items():
        sources[name] = osp.join(out_dir, f'{name}.json')
        atomic_write_json(video, sources[name])
    return sources
