# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack prediction and ground-truth files for poseval's AP and MOTA:
reading them into poseval's frames, evaluating folders, and poseval's
tables.

Shared by :class:`PoseTrackAPMetric` and ``tools/posetrack_eval.py``; the
computation is in :mod:`tdmi_mmpose.evaluation.functional`, the file format
in :mod:`tdmi_mmpose.io`.
"""
import os.path as osp
import warnings
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ...io import (
    POSETRACK18_KEYPOINT_NAMES, InputError, annotation_where,
    as_numbers, check_fields, json_files, load_json, parse_head_box,
    parse_ignore_regions, parse_keypoints, split_videos)
from ..functional import (MISSING_SCORE, NUM_JOINTS, POSETRACK18_TO_POSEVAL,
                          POSEVAL_SOURCE_NAMES, TABLE_NAMES, check_track_id,
                          evaluate_posetrack_mota, head_size,
                          summarize_videos, video_entries)

_TABLE_HEADER = ('& Head & Shou & Elb  & Wri  & Hip  & Knee & Ankl & '
                 'Total\\\\')


def format_table(table: Dict[str, float]) -> Tuple[str, str]:
    """Format the table as poseval prints it.

    Args:
        table (dict): Values for :data:`TABLE_NAMES`.

    Returns:
        tuple[str, str]: The header line and the value line.
    """
    cells = ['{:>5}'.format('%1.1f' % table[name]) for name in TABLE_NAMES]
    row = '&' + ' &'.join(cells) + ' \\\\'
    return _TABLE_HEADER, row


def results_to_json(result: dict) -> dict:
    """The summary written by ``tools/posetrack_eval.py`` (NaN as None).

    Args:
        result (dict): The output of :func:`evaluate_posetrack_ap` (or of
            :func:`evaluate_posetrack_tracking`).

    Returns:
        dict: ``{table name: value, 'per_joint': {name: {metric: value}}}``
        in percent, NaN as ``None``: for AP the names are ``Head .. Total``
        and the metrics ``ap, precision, recall``; for MOTA the names are
        :data:`MOTA_TABLE_NAMES` and the metrics ``mota, motp, precision,
        recall``.
    """

    def clean(value: float) -> Optional[float]:
        return None if np.isnan(value) else float(value)

    summary = OrderedDict(
        (name, clean(value)) for name, value in result['table'].items())
    summary['per_joint'] = OrderedDict((name, {
        key: clean(value)
        for key, value in values.items()
    }) for name, values in result['per_joint'].items())
    return summary


def _video_group_key(image: dict) -> Optional[str]:
    """poseval's video of an image: its folder name up to the first '_'."""
    file_name = image.get('file_name')
    if not isinstance(file_name, str):
        return None
    return osp.basename(osp.dirname(file_name)).split('_')[0]


def _keypoint_mapping(video: dict, source: str) -> List[int]:
    """Index into an annotation's keypoints of each poseval joint."""
    categories = video.get('categories') or []
    names = None
    if isinstance(categories, list) and categories:
        if isinstance(categories[0], dict):
            names = categories[0].get('keypoints') or None
    if names is None:
        return list(POSETRACK18_TO_POSEVAL)
    if len(names) != len(POSETRACK18_KEYPOINT_NAMES):
        raise InputError(
            f'{source}: "categories[0].keypoints" has {len(names)} names, '
            f'expected the {len(POSETRACK18_KEYPOINT_NAMES)} PoseTrack18 '
            'keypoints.')
    missing = [n for n in POSEVAL_SOURCE_NAMES if n not in names]
    if missing:
        raise InputError(
            f'{source}: "categories[0].keypoints" lacks {missing}.')
    return [list(names).index(n) for n in POSEVAL_SOURCE_NAMES]


def _parse_person(ann: dict, mapping: List[int], is_gt: bool, source: str,
                  track: bool) -> dict:
    """One annotation (GT) or prediction as poseval's 15 joints (and its
    ``track_id``: checked if ``track``, else as found, ``None`` if absent)."""
    where = annotation_where(ann, source)
    num_keypoints = len(POSETRACK18_KEYPOINT_NAMES)
    triples = parse_keypoints(
        ann, num_keypoints, where, ground_truth=is_gt)[mapping]
    points = triples[:, :2]
    # poseval drops [0, 0, 0] (unannotated) and keeps any other triple.
    present = ~((triples[:, 0] == 0) & (triples[:, 1] == 0)
                & (triples[:, 2] == 0))
    person = dict(points=points, present=present)
    person['track_id'] = check_track_id(ann.get('track_id'), where) \
        if track else ann.get('track_id')
    if is_gt:
        bbox_head = ann.get('bbox_head')
        if parse_head_box(bbox_head, where) is None:
            raise InputError(
                f'{where} has no valid "bbox_head" [x, y, w, h] (got '
                f'{bbox_head!r}); the ground truth needs it for the PCKh '
                'head size.')
        person['head_size'] = head_size(bbox_head)
    else:
        scores = ann.get('scores')
        if scores:
            if not isinstance(scores, list) or len(scores) != num_keypoints:
                raise InputError(
                    f'{where} has {len(scores)} "scores", expected '
                    f'{num_keypoints}.')
            person['scores'] = as_numbers(scores,
                                          f'{where} "scores"')[mapping]
        else:
            person['scores'] = np.full(NUM_JOINTS, MISSING_SCORE)
            person['missing_scores'] = True
    return person


def parse_posetrack_video(video: dict,
                          source: str,
                          is_gt: bool,
                          track: bool = False) -> List[dict]:
    """Read one video in PoseTrack18 JSON layout into poseval's frames.

    As poseval, only the images of the first video in the file are used (the
    video of an image is its folder name up to the first ``'_'``), in the
    order of ``images``; people are the annotations with that ``image_id``,
    in file order.

    Args:
        video (dict): The JSON content (``images``, ``annotations``,
            optionally ``categories`` naming the 17 keypoints).
        source (str): The file (or other origin) named in error messages.
        is_gt (bool): Ground truth (needs ``bbox_head``; ignore regions are
            read) or predictions (per-keypoint ``scores``; missing scores get
            :data:`MISSING_SCORE`).
        track (bool): Whether the frames are for MOTA: every annotation
            needs an integer ``track_id`` (checked by
            :func:`~tdmi_mmpose.evaluation.functional.check_track_id`; the
            error names the file, annotation and image). Defaults to
            ``False`` (AP; ids are carried as found, ``None`` if absent).

    Returns:
        list[dict]: One dict per frame with ``image_id``, ``points`` (N, 15,
        2), ``present`` (N, 15), ``track_ids`` (N, ) (int64 if ``track``,
        else an object array) and, for GT, ``head_sizes`` (N, ) and
        ``ignore_regions`` (list of (M, 2) arrays), for predictions
        ``scores`` (N, 15).

    Raises:
        InputError: The file is malformed.
        ValueError: ``track`` and an annotation has no valid ``track_id``.
    """
    if not isinstance(video, dict):
        raise InputError(f'{source}: expected a JSON object, got '
                                   f'{type(video).__name__}.')
    if 'annolist' in video:
        raise InputError(
            f'{source}: PoseTrack17 "annolist" format is not supported; '
            'convert it to the PoseTrack18 layout first.')
    for field in ('images', 'annotations'):
        if not isinstance(video.get(field), list):
            raise InputError(f'{source}: missing "{field}" list.')
    mapping = _keypoint_mapping(video, source)

    images = video['images']
    for image in images:
        check_fields(image, ('id', ), f'{source}: an entry of "images"')
    if images:
        first_key = _video_group_key(images[0])
        kept = [im for im in images if _video_group_key(im) == first_key]
        if len(kept) != len(images):
            warnings.warn(
                f'{source}: images of more than one video; like poseval, '
                f'only the {len(kept)} images of the first video '
                f'({first_key!r}) are evaluated.')
        images = kept

    people_by_image = {image['id']: [] for image in images}
    missing_scores = False
    for ann in video['annotations']:
        check_fields(ann, (), f'{source}: an entry of "annotations"')
        if ann.get('image_id') not in people_by_image:
            continue
        person = _parse_person(ann, mapping, is_gt, source, track)
        missing_scores |= person.pop('missing_scores', False)
        people_by_image[ann['image_id']].append(person)
    if missing_scores:
        warnings.warn(f'{source}: predictions without "scores"; their joints '
                      f'get poseval\'s fallback score {MISSING_SCORE:g}.')

    frames = []
    for image in images:
        people = people_by_image[image['id']]
        frame = dict(
            image_id=image['id'],
            points=np.array([p['points'] for p in people],
                            dtype=np.float64).reshape(-1, NUM_JOINTS, 2),
            present=np.array([p['present'] for p in people],
                             dtype=bool).reshape(-1, NUM_JOINTS),
            track_ids=np.array([p['track_id'] for p in people],
                               dtype=np.int64 if track else object))
        if is_gt:
            frame['head_sizes'] = np.array([p['head_size'] for p in people],
                                           dtype=np.float64)
            frame['ignore_regions'] = parse_ignore_regions(
                image, f'{source}: image {image["id"]!r}')
        else:
            frame['scores'] = np.array([p['scores'] for p in people],
                                       dtype=np.float64).reshape(
                                           -1, NUM_JOINTS)
        frames.append(frame)
    return frames


def _parse_video_pairs(gt_videos: Dict[str, dict],
                       pred_videos: Dict[str, dict],
                       gt_sources: Optional[Dict[str, str]],
                       pred_sources: Optional[Dict[str, str]], track: bool):
    """Parse the GT and prediction frames of every GT video, in sorted name
    order.

    Yields:
        tuple: ``(name, gt_frames, pred_frames, gt_source, pred_source)``.

    Raises:
        ValueError: A GT video has no predictions.
    """
    gt_sources = gt_sources or {}
    pred_sources = pred_sources or {}
    for name in sorted(gt_videos):
        gt_source = gt_sources.get(name, f'GT video {name!r}')
        pred_source = pred_sources.get(name, f'prediction video {name!r}')
        if name not in pred_videos:
            raise ValueError(f'No predictions for video {name!r} '
                             f'(ground truth: {gt_source}).')
        yield (name,
               parse_posetrack_video(
                   gt_videos[name], gt_source, True, track=track),
               parse_posetrack_video(
                   pred_videos[name], pred_source, False, track=track),
               gt_source, pred_source)


def evaluate_posetrack_ap(
        gt_videos: Dict[str, dict],
        pred_videos: Dict[str, dict],
        gt_sources: Optional[Dict[str, str]] = None,
        pred_sources: Optional[Dict[str, str]] = None) -> dict:
    """Evaluate PoseTrack multi-person pose estimation AP like poseval.

    Args:
        gt_videos (dict[str, dict]): Video name -> GT in PoseTrack18 JSON
            layout (one video each).
        pred_videos (dict[str, dict]): Video name -> predictions in the same
            layout, listing the same images in the same order, with
            per-keypoint ``scores``. Videos absent from ``gt_videos`` are not
            evaluated (as poseval).
        gt_sources (dict[str, str], optional): Video name -> file named in
            error messages. Defaults to the video name.
        pred_sources (dict[str, str], optional): Same for the predictions.

    Returns:
        dict: See :func:`~tdmi_mmpose.evaluation.functional.summarize_videos`.
        Videos are pooled in sorted name order (poseval uses its directory
        listing order; only the ranking of exactly tied scores can depend on
        it).
    """
    per_video = OrderedDict(
        (name, video_entries(gt_frames, pred_frames, gt_source, pred_source))
        for name, gt_frames, pred_frames, gt_source, pred_source in
        _parse_video_pairs(gt_videos, pred_videos, gt_sources, pred_sources,
                           track=False))
    return summarize_videos(per_video)


def evaluate_posetrack_tracking(
        gt_videos: Dict[str, dict],
        pred_videos: Dict[str, dict],
        gt_sources: Optional[Dict[str, str]] = None,
        pred_sources: Optional[Dict[str, str]] = None) -> dict:
    """Evaluate PoseTrack multi-person pose tracking (MOTA) like poseval's
    ``evaluateTracking``.

    Args:
        gt_videos (dict[str, dict]): Video name -> GT in PoseTrack18 JSON
            layout, every annotation with an integer ``track_id``.
        pred_videos (dict[str, dict]): Video name -> predictions listing the
            same images in the same order, every annotation with an integer
            ``track_id``. Videos absent from ``gt_videos`` are ignored.
        gt_sources (dict[str, str], optional): Video name -> file named in
            error messages. Defaults to the video name.
        pred_sources (dict[str, str], optional): Same for the predictions.

    Returns:
        dict: See
        :func:`~tdmi_mmpose.evaluation.functional.evaluate_posetrack_mota`.
    """
    gt_frames, pred_frames = OrderedDict(), OrderedDict()
    for name, gt, pred, _, _ in _parse_video_pairs(
            gt_videos, pred_videos, gt_sources, pred_sources, track=True):
        gt_frames[name], pred_frames[name] = gt, pred
    return evaluate_posetrack_mota(gt_frames, pred_frames, gt_sources,
                                   pred_sources)


def load_posetrack_gt(path: str) -> Tuple[Dict[str, dict], Dict[str, str]]:
    """Load ground truth from a folder of per-video JSON files or one merged
    file.

    Args:
        path (str): A folder of ``<video>.json`` files (poseval's input), or
            one PoseTrack18/COCO-style file with several videos.

    Returns:
        tuple:
        - videos (dict[str, dict]): Video name -> PoseTrack18 JSON.
        - sources (dict[str, str]): Video name -> where it was read from.
    """
    if osp.isdir(path):
        videos, sources = OrderedDict(), OrderedDict()
        for file_path in json_files(path):
            name = osp.splitext(osp.basename(file_path))[0]
            videos[name] = load_json(file_path, 'Ground-truth file')
            sources[name] = file_path
        return videos, sources
    videos = split_videos(load_json(path, 'Ground-truth file'), path)
    sources = OrderedDict(
        (name, f'{path} (video {name!r})') for name in videos)
    return videos, sources


def load_posetrack_predictions(
        pred_dir: str,
        video_names: Sequence[str]) -> Tuple[Dict[str, dict], Dict[str, str]]:
    """Load ``<pred_dir>/<video>.json`` for each GT video.

    Args:
        pred_dir (str): The prediction folder.
        video_names (Sequence[str]): The GT videos.

    Returns:
        tuple: ``(videos, sources)`` as in :func:`load_posetrack_gt`.

    Raises:
        FileNotFoundError: The folder or a video's prediction file is missing.
    """
    if not osp.isdir(pred_dir):
        raise FileNotFoundError(f'Prediction folder not found: {pred_dir}')
    videos, sources = OrderedDict(), OrderedDict()
    for name in video_names:
        file_path = osp.join(pred_dir, f'{name}.json')
        if not osp.isfile(file_path):
            raise FileNotFoundError(
                f'Prediction file {file_path} does not exist (needed for '
                f'GT video {name!r}).')
        videos[name] = load_json(file_path, 'Prediction file')
        sources[name] = file_path
    return videos, sources


_Videos = Dict[str, dict]
_Sources = Dict[str, str]


def load_posetrack_folders(
        gt_dir: str,
        pred_dir: str) -> Tuple[_Videos, _Videos, _Sources, _Sources]:
    """Load the GT and the prediction file of each GT video.

    Args:
        gt_dir (str): Folder of per-video GT JSON files (or one merged file).
        pred_dir (str): Folder with one prediction JSON per GT video, same
            file names.

    Returns:
        tuple: ``(gt_videos, pred_videos, gt_sources, pred_sources)``, the
        arguments of :func:`evaluate_posetrack_ap` and
        :func:`evaluate_posetrack_tracking`.
    """
    gt_videos, gt_sources = load_posetrack_gt(gt_dir)
    pred_videos, pred_sources = load_posetrack_predictions(
        pred_dir, list(gt_videos))
    return gt_videos, pred_videos, gt_sources, pred_sources


def evaluate_posetrack_folders(gt_dir: str, pred_dir: str) -> dict:
    """Evaluate a folder of per-video prediction files against the GT, like
    ``python -m poseval.evaluate -g GT -p PRED -e``.

    Args:
        gt_dir (str): Folder of per-video GT JSON files (or one merged file).
        pred_dir (str): Folder with one prediction JSON per GT video, same
            file names.

    Returns:
        dict: See :func:`evaluate_posetrack_ap`.
    """
    return evaluate_posetrack_ap(*load_posetrack_folders(gt_dir, pred_dir))
