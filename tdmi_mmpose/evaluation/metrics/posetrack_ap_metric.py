# Copyright (c) tdmi_mmpose contributors.
import contextlib
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.logging import MessageHub, MMLogger, print_log

from mmpose.evaluation.metrics import CocoMetric
from mmpose.registry import METRICS
from ...io import check_finite, order_frames, register_image_ids
from ...tracking import build_tracker, track_video
from ..functional import AP_PROTOCOLS, TRACKING_PROTOCOLS
from .posetrack_evaluation import (check_protocol, format_report,
                                   tracking_stats)
from .posetrack_files import (check_track_ids, load_posetrack_gt,
                              parse_posetrack_video, poseval_prediction_frame,
                              prediction_video, write_prediction_files,
                              written_people)

#: Subfolder of ``outfile_prefix`` with the prediction files for tracking.
TRACKING_SUBDIR = 'tracking'


def _to_numpy(value) -> np.ndarray:
    """A tensor or array-like as a float64 numpy array."""
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float64)


def _hashable(value):
    """An id usable as a dict key (arrays and lists as nested tuples)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(_hashable(v) for v in value)
    return value.item() if isinstance(value, np.generic) else value


@METRICS.register_module()
class PoseTrackAPMetric(CocoMetric):
    """PoseTrack AP (with ``track`` also MOTA or keypoint HOTA) like
    ``poseval`` or the PoseTrack21 kit (docs/metric.md, docs/tracking.md).

    ``CocoMetric``'s collection, rescoring and NMS choose the people of each
    image (repeated samples, same ``img_id`` and ``id``, count once); they
    are written as one PoseTrack18 file per GT video (``track_id``: the
    tracker's, else the index in the frame), those for tracking in
    ``<outfile_prefix>/tracking/`` with the joints scoring at least
    ``track_kpt_thr``.

    Args:
        ann_file (str, optional): The GT, read when the metric is built: a
            folder of per-video PoseTrack18 files or one merged file.
            ``None``: the dataset's ``ann_file`` (from the message hub).
            Defaults to ``None``.
        outfile_prefix (str, optional): Folder of the prediction files
            ``<video>.json``; ``None``: a temporary folder. Defaults to
            ``None``.
        score_mode (str): ``CocoMetric``'s instance score. Defaults to
            ``'bbox_keypoint'``.
        keypoint_score_thr (float): See ``score_mode``. Defaults to 0.2.
        nms_mode (str): ``'oks_nms'``, ``'soft_oks_nms'`` or ``'none'``.
            Defaults to ``'oks_nms'``.
        nms_thr (float): OKS threshold of the NMS. Defaults to 0.9.
        use_bbox_score_for_keypoints (bool): A keypoint's score is the
            heatmap maximum times the box score (else the maximum). Defaults
            to ``True``.
        protocol (str): ``'poseval'`` (AP, MOTA) or ``'posetrack21'`` (the
            kit's AP and keypoint HOTA; every GT image needs
            ``is_labeled``). Defaults to ``'poseval'``.
        track (bool): Track people and compute the protocol's tracking
            metric (the GT needs ``track_id``). Defaults to ``False``.
        tracker (dict, optional): See
            :func:`~tdmi_mmpose.tracking.build_tracker`. Defaults to
            ``dict(type='PoseTracker')``.
        track_kpt_thr (float): See above. Defaults to 0.5.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names. Defaults to
            ``'posetrack'``.

    Metrics (percent, NaN where the protocol gives NaN): ``Head`` ..
    ``Ankle``, ``Total`` (AP); with ``track`` also ``HOTA``, ``DetA``,
    ``AssA``, ``LocA`` or ``MOTA``, ``MOTP``, ``Precision``, ``Recall``.
    """
    default_prefix: Optional[str] = 'posetrack'

    def __init__(self,
                 ann_file: Optional[str] = None,
                 outfile_prefix: Optional[str] = None,
                 score_mode: str = 'bbox_keypoint',
                 keypoint_score_thr: float = 0.2,
                 nms_mode: str = 'oks_nms',
                 nms_thr: float = 0.9,
                 use_bbox_score_for_keypoints: bool = True,
                 protocol: str = 'poseval',
                 track: bool = False,
                 tracker: Optional[dict] = None,
                 track_kpt_thr: float = 0.5,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(  # the GT (self.coco) is ours: the parsed videos
            score_mode=score_mode,
            keypoint_score_thr=keypoint_score_thr,
            nms_mode=nms_mode,
            nms_thr=nms_thr,
            outfile_prefix=outfile_prefix,
            collect_device=collect_device,
            prefix=prefix)
        self.use_bbox_score_for_keypoints = use_bbox_score_for_keypoints
        check_protocol(protocol)
        self.protocol = protocol
        self.track = bool(track)
        self.tracker = tracker
        self.track_kpt_thr = float(track_kpt_thr)
        self._expected_size = None
        if ann_file is not None:
            self._load_gt(ann_file)

    def _load_gt(self, ann_file: str) -> None:
        """Read the GT: per video its ``images`` and poseval frames; the
        ``img_id`` -> video map."""
        videos, sources = load_posetrack_gt(ann_file)
        self.coco, self.image_to_video = OrderedDict(), {}
        for name, video in videos.items():
            self.coco[name] = dict(
                images=video['images'],
                frames=parse_posetrack_video(video, sources[name], True,
                                             self.track, self.protocol))
            register_image_ids(video['images'], sources[name],
                               self.image_to_video, name)
        self.ann_file = ann_file

    @CocoMetric.dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        """Set the dataset meta info; without ``ann_file``, read the
        dataset's annotation file (published in the message hub)."""
        self._dataset_meta = dataset_meta
        if self.coco is None and dataset_meta:
            ann_file = MessageHub.get_current_instance().get_info(
                f"{dataset_meta.get('dataset_name')}_ann_file", None)
            if ann_file:
                self._load_gt(ann_file)
                print_log(
                    f'{self.__class__.__name__} uses the ground truth of the '
                    f'dataset: {ann_file}',
                    logger='current')

    def process(self, data_batch: Sequence[dict],
                data_samples: Sequence[dict]) -> None:
        """Store one batch as ``CocoMetric``'s prediction dicts (float64
        arrays); a non-finite value is an ``InputError``.

        Args:
            data_batch (Sequence[dict]): A batch of data from the dataloader.
            data_samples (Sequence[dict]): ``PoseDataSample.to_dict()``:
                ``pred_instances`` (``keypoints`` (N, K, 2),
                ``keypoint_scores`` (N, K), ``bbox_scores`` (N, ), else
                ``gt_instances.bbox_scores``, the metainfo ``bbox_score`` or
                1) and the metainfo ``id``, ``img_id``, ``category_id``.
        """
        for sample in data_samples:
            pred_instances = sample['pred_instances']
            gt_instances = sample.get('gt_instances') or {}
            keypoints = _to_numpy(pred_instances['keypoints'])
            scores = _to_numpy(pred_instances['keypoint_scores'])
            if keypoints.ndim == 2:  # one instance without the N axis
                keypoints, scores = keypoints[None], scores.reshape(1, -1)
            num = len(keypoints)
            bbox_scores = next(
                (source[key]
                 for source, key in ((pred_instances, 'bbox_scores'),
                                     (gt_instances, 'bbox_scores'),
                                     (sample, 'bbox_score')) if key in source),
                np.ones(num))
            bbox_scores = _to_numpy(bbox_scores).reshape(-1)
            pred = dict(
                id=_hashable(sample.get('id')),
                img_id=_hashable(sample['img_id']),
                category_id=sample.get('category_id', 1),
                keypoints=keypoints,
                keypoint_scores=scores,
                bbox_scores=np.repeat(bbox_scores, num)
                if len(bbox_scores) == 1 else bbox_scores)
            assert scores.shape == keypoints.shape[:2] and \
                len(pred['bbox_scores']) == num, (
                    f'img_id {pred["img_id"]}: keypoints {keypoints.shape}, '
                    f'keypoint_scores {scores.shape} and '
                    f'{len(bbox_scores)} bbox_scores do not match')
            if len(gt_instances.get('bbox_scales', ())) == num:
                pred['areas'] = np.prod(
                    _to_numpy(gt_instances['bbox_scales']), axis=1)
            where = (f'{self.__class__.__name__}: prediction for img_id '
                     f'{pred["img_id"]!r} (id {pred["id"]!r}), field')
            for field in ('keypoints', 'keypoint_scores', 'bbox_scores'):
                check_finite(pred[field], f'{where} "{field}"')
            self.results.append(pred)

    def evaluate(self, size: int) -> dict:
        """``BaseMetric.evaluate``, keeping ``size`` to check for lost ones.
        """
        self._expected_size = size
        return super().evaluate(size)

    def _unique_samples(self, results: List[dict]) -> List[dict]:
        """Drop repeated samples (same ``img_id`` and ``id``), warn of lost
        ones."""
        unique, seen = [], set()
        for result in results:
            key = (result['img_id'], result['id'])
            if result['id'] is None or key not in seen:
                seen.add(key)
                unique.append(result)
        logger = MMLogger.get_current_instance()
        if len(unique) != len(results):
            logger.info(f'{self.__class__.__name__}: dropped '
                        f'{len(results) - len(unique)} repeated samples '
                        '(same img_id and id).')
        if self._expected_size not in (None, len(unique)):
            logger.warning(
                f'{self.__class__.__name__}: {len(unique)} distinct samples '
                f'were collected, but the dataset has {self._expected_size}; '
                'some predictions are missing or share an id.')
        return unique

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """The metrics (see the class docstring) of all ranks' results."""
        if self.coco is None:
            raise ValueError(
                f'{self.__class__.__name__} has no ground truth: set '
                '`ann_file` (a folder of per-video PoseTrack18 JSON files or '
                'a merged annotation file).')
        results = self._unique_samples(results)
        img_ids = {r['img_id'] for r in results}
        unknown = sorted(img_ids - set(self.image_to_video), key=str)
        if unknown:
            raise ValueError(
                f'{self.__class__.__name__}: predictions for {len(unknown)} '
                f'img_id(s) absent from the ground truth {self.ann_file}, '
                f'e.g. {unknown[:5]}; the metric\'s `ann_file` must be the '
                'GT of the evaluated dataset.')
        predicted = {self.image_to_video[r['img_id']] for r in results}
        unpredicted = [v for v in self.coco if v not in predicted]
        if unpredicted:
            MMLogger.get_current_instance().warning(
                f'{self.__class__.__name__}: {len(unpredicted)} of the '
                f'{len(self.coco)} GT videos have no predictions (e.g. '
                f'{unpredicted[:3]}); their GT people count as missed.')
        # CocoMetric's results are (prediction, GT) pairs; the GT is ours
        return super().compute_metrics([(r, None) for r in results])

    def _sort_and_unique_bboxes(self,
                                kpts: Dict[object, list],
                                key: str = 'id') -> Dict[object, list]:
        """Sort each image's people by sample ``id`` where ids compare
        (repeated samples were already dropped whole)."""
        for people in kpts.values():
            with contextlib.suppress(TypeError):
                people.sort(key=lambda person: person[key])
        return kpts

    def _video_frames(self, images: List[dict], kept: Dict[object, list],
                      tracker) -> Dict[object, dict]:
        """The kept people of each image of a GT video as arrays."""
        frames, heatmaps = {}, {}
        for image in images:
            people = kept.get(image['id'], [])
            shape = (len(people), self.dataset_meta['num_keypoints'])
            heatmaps[image['id']] = np.array(
                [p['keypoint_scores'] for p in people]).reshape(shape)
            box_scores = np.array([p['bbox_score'] for p in people])
            frames[image['id']] = dict(
                keypoints=np.array([p['keypoints'][:, :2]
                                    for p in people]).reshape(shape + (2, )),
                keypoint_scores=heatmaps[image['id']] * (box_scores.reshape(
                    -1, 1) if self.use_bbox_score_for_keypoints else 1.),
                scores=np.array([p['score'] for p in people], np.float64),
                category_ids=np.array([p['category_id'] for p in people]),
                track_ids=np.arange(len(people)))
        if tracker is not None:
            ordered = order_frames(images)
            ids = track_video([
                dict(keypoints=frames[i['id']]['keypoints'],
                     keypoint_scores=heatmaps[i['id']]) for i in ordered
            ], tracker)
            for image, track_ids in zip(ordered, ids):
                frames[image['id']]['track_ids'] = check_track_ids(
                    track_ids, f'{self.__class__.__name__}: the tracker\'s '
                    f'ids of image {image["id"]!r}', self.protocol)
        return frames

    def results2json(self, keypoints: Dict[object, list],
                     outfile_prefix: str) -> None:
        """Write the prediction files of every GT video (and those for
        tracking) of the kept people (``img_id`` -> people); keep them as
        poseval frames for :meth:`_do_python_keypoint_eval`."""
        tracker = build_tracker(self.tracker, self.dataset_meta) \
            if self.track else None
        frames = {
            name: self._video_frames(video['images'], keypoints, tracker)
            for name, video in self.coco.items()
        }
        folders = {outfile_prefix: None}  # folder -> joints' score threshold
        if self.track:
            folders[osp.join(outfile_prefix, TRACKING_SUBDIR)] = \
                self.track_kpt_thr
        self._prediction_frames = []
        for folder, kpt_thr in folders.items():
            files, evaluated = {}, OrderedDict()
            for name, video in self.coco.items():
                people = {
                    i: written_people(frame, kpt_thr)
                    for i, frame in frames[name].items()
                }
                files[name] = prediction_video(
                    video['images'],
                    [people[i['id']] for i in video['images']])
                evaluated[name] = [
                    poseval_prediction_frame(people[gt['image_id']])
                    for gt in video['frames']
                ]
            write_prediction_files(files, folder)
            self._prediction_frames.append(evaluated)
        if self.outfile_prefix is not None:
            MMLogger.get_current_instance().info(
                'PoseTrack prediction files (one per video) were written to ' +
                ' and (for MOTA) '.join(folders))

    def _do_python_keypoint_eval(self, outfile_prefix: str) -> list:
        """The (name, value) pairs of the protocol's metrics of the people
        :meth:`results2json` wrote; the report is logged."""
        gt = OrderedDict(
            (name, video['frames']) for name, video in self.coco.items())
        ap_frames, *tracking_frames = self._prediction_frames
        del self._prediction_frames
        ap = AP_PROTOCOLS[self.protocol](gt, ap_frames)
        tracking = TRACKING_PROTOCOLS[self.protocol](
            gt, tracking_frames[0]) if tracking_frames else None
        MMLogger.get_current_instance().info(format_report(ap, tracking))
        stats = [(name, float(value)) for name, value in ap['table'].items()]
        if tracking is not None:
            stats += tracking_stats(tracking)
        return stats
