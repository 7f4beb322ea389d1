# Copyright (c) tdmi_mmpose contributors.
import os
import os.path as osp
import tempfile
from collections import OrderedDict, defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MessageHub, MMLogger, print_log

from mmpose.evaluation.functional import oks_nms, soft_oks_nms
from mmpose.registry import METRICS
from ...io import (InputError,
                                          check_finite, posetrack_categories,
                                          register_image_ids)
from ...utils.atomic import atomic_write_json
from ..functional import POSEVAL_JOINT_NAMES, format_mota_table
from .posetrack_io import (evaluate_posetrack_ap, evaluate_posetrack_tracking,
                           format_table, load_posetrack_gt,
                           parse_posetrack_video)
from .posetrack_tracking import check_gt_track_ids, track_instances

#: Subfolder of ``outfile_prefix`` with the prediction files for MOTA.
TRACKING_SUBDIR = 'tracking'

# Image fields copied from the GT into the prediction files.
_IMAGE_FIELDS = ('id', 'file_name', 'vid_id', 'frame_id', 'nframes',
                 'is_labeled', 'has_no_densepose')


def _to_numpy(value) -> np.ndarray:
    """A tensor or array-like as a numpy array."""
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _hashable(value):
    """An instance id usable as a dict key (lists become tuples)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    return value


@METRICS.register_module()
class PoseTrackAPMetric(BaseMetric):
    """PoseTrack multi-person pose estimation AP (and, with ``track=True``,
    pose tracking MOTA), computed like ``poseval`` without needing it.

    For every predicted instance the metric rescores and (OKS-)NMS-filters
    the instances of each image like mmpose's ``CocoMetric``, writes one
    PoseTrack18-format prediction JSON per GT video (the files ``poseval``
    itself reads, with per-keypoint ``scores``), and evaluates them with
    :func:`evaluate_posetrack_ap`, the numpy reimplementation of poseval's
    AP. Without tracking, ``track_id`` is a placeholder (the instance's index
    in its frame). With ``track=True`` the ``tracker`` runs over each video's
    kept instances, frame by frame in time order (``order_frames`` of the
    format module), and the files carry its ids; a second set of files, in
    ``<outfile_prefix>/tracking/``, holds only the joints scoring at least
    ``track_kpt_thr``, and poseval's MOTA is computed from them
    (:func:`evaluate_posetrack_tracking`; the GT needs ``track_id``). The AP
    does not depend on tracking. It works with
    :class:`PoseTrackVideoDataset` and with mmpose's image
    ``PoseTrack18Dataset``: predictions are mapped to GT frames by
    ``img_id`` (the GT ``images[].id``).

    Args:
        ann_file (str, optional): The ground truth: a folder of per-video
            PoseTrack18 JSON files (poseval's GT input, e.g.
            ``annotations/val``), or one merged PoseTrack18/COCO-style file
            whose ``images`` carry ``vid_id`` (split into videos by it). GT
            annotations need ``bbox_head``. If ``None``, the dataset's
            ``ann_file`` (published by mmpose datasets in the message hub) is
            used. Defaults to ``None``.
        outfile_prefix (str, optional): Folder for the per-video prediction
            files ``<outfile_prefix>/<video>.json`` (created if needed). If
            ``None``, a temporary folder is used and removed after the
            evaluation. With ``track=True`` the MOTA files go to its
            ``tracking/`` subfolder. Defaults to ``None``.
        score_mode (str): Instance score used for NMS and written as
            ``score``: ``'bbox'`` (box score), ``'keypoint'`` (mean keypoint
            score) or ``'bbox_keypoint'`` (box score x mean of the keypoint
            scores above ``keypoint_score_thr``, as ``CocoMetric``). Defaults
            to ``'bbox_keypoint'``.
        keypoint_score_thr (float): See ``score_mode``. Defaults to 0.2.
        nms_mode (str): ``'oks_nms'``, ``'soft_oks_nms'`` (mmpose's
            implementations, with the dataset's ``sigmas``) or ``'none'``.
            Defaults to ``'oks_nms'``.
        nms_thr (float): OKS threshold of the NMS. Defaults to 0.9.
        use_bbox_score_for_keypoints (bool): Whether the per-keypoint score
            written for poseval is the heatmap maximum times the instance's
            box score (``True``) or the heatmap maximum alone. Defaults to
            ``True``.
        track (bool): Whether to track people and compute MOTA. Defaults to
            ``False``.
        tracker (dict): Config of the tracker, built by mmpose's
            ``TASK_UTILS`` (see :class:`~tdmi_mmpose.tracking.PoseTracker`).
            Defaults to ``dict(type='PoseTracker')``.
        track_kpt_thr (float): With ``track=True``, in the files for MOTA, a
            joint whose written score (see ``use_bbox_score_for_keypoints``)
            is below this is written as ``[0, 0, 0]`` (absent), and a person
            left without joints is not written, as poseval-style tracking
            submissions do: MOTA counts every written joint (it does not use
            scores). The AP files keep every joint. Unused without tracking.
            Defaults to 0.5.
        collect_device (str): Device for collecting results across ranks,
            ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names. Defaults to
            ``'posetrack'``.

    The returned metrics are ``Head, Shoulder, Elbow, Wrist, Hip, Knee,
    Ankle, Total`` (AP) in percent (NaN where poseval gives NaN), reported as
    ``posetrack/Head`` etc.; with ``track=True`` also poseval's totals
    ``MOTA, MOTP, Precision, Recall`` (``posetrack/MOTA`` etc.), its
    tracking table and per-joint values going to the log.
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
                 track: bool = False,
                 tracker: Optional[dict] = None,
                 track_kpt_thr: float = 0.5,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if score_mode not in ('bbox', 'keypoint', 'bbox_keypoint'):
            raise ValueError("`score_mode` should be one of 'bbox', "
                             f"'keypoint', 'bbox_keypoint', got {score_mode}")
        if nms_mode not in ('oks_nms', 'soft_oks_nms', 'none'):
            raise ValueError("`nms_mode` should be one of 'oks_nms', "
                             f"'soft_oks_nms', 'none', got {nms_mode}")
        self.score_mode = score_mode
        self.keypoint_score_thr = keypoint_score_thr
        self.nms_mode = nms_mode
        self.nms_thr = nms_thr
        self.use_bbox_score_for_keypoints = use_bbox_score_for_keypoints
        self.outfile_prefix = outfile_prefix
        self.track = bool(track)
        self.tracker = dict(type='PoseTracker') if tracker is None \
            else dict(tracker)
        self.track_kpt_thr = float(track_kpt_thr)
        self.ann_file = None
        self._expected_size = None
        if ann_file is not None:
            self._load_gt(ann_file)

    def _load_gt(self, ann_file: str) -> None:
        """Load and check the GT; build the ``img_id`` -> video map."""
        gt_videos, gt_sources = load_posetrack_gt(ann_file)
        image_to_video = {}
        for name, video in gt_videos.items():
            # Checks bbox_head, keypoint counts, track ids (for MOTA), ...
            # before inference starts.
            try:
                frames = parse_posetrack_video(
                    video, gt_sources[name], is_gt=True, track=self.track)
                if self.track:
                    check_gt_track_ids(frames, gt_sources[name])
            except ValueError as error:
                if not self.track or isinstance(error, InputError):
                    raise
                raise ValueError(f'{error} (MOTA needs GT track ids; '
                                 'track=False computes AP only)') from error
            register_image_ids(video['images'], gt_sources[name],
                               image_to_video, name)
        self.ann_file = ann_file
        self.gt_videos = gt_videos
        self.gt_sources = gt_sources
        self.image_to_video = image_to_video

    @property
    def dataset_meta(self) -> Optional[dict]:
        """Optional[dict]: Meta info of the dataset."""
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        """Set the dataset meta info; without ``ann_file``, take the
        dataset's annotation file from the message hub."""
        self._dataset_meta = dataset_meta
        if self.ann_file is None and dataset_meta:
            message = MessageHub.get_current_instance()
            ann_file = message.get_info(
                f"{dataset_meta.get('dataset_name')}_ann_file", None)
            if ann_file:
                self._load_gt(ann_file)
                print_log(
                    f'{self.__class__.__name__} uses the ground truth of the '
                    f'dataset: {ann_file}',
                    logger='current')

    def process(self, data_batch: Sequence[dict],
                data_samples: Sequence[dict]) -> None:
        """Store the predictions of one batch.

        Args:
            data_batch (Sequence[dict]): A batch of data from the dataloader.
            data_samples (Sequence[dict]): ``PoseDataSample.to_dict()``
                outputs with ``pred_instances`` (``keypoints`` (N, K, 2),
                ``keypoint_scores`` (N, K), ``bbox_scores`` (N, ) when
                present) and the metainfo ``id``, ``img_id`` and
                ``category_id``. Without ``pred_instances.bbox_scores`` the
                box scores come from ``gt_instances.bbox_scores``, then the
                metainfo ``bbox_score``, else 1.

        Raises:
            InputError: A keypoint, keypoint score or box score
                is NaN or infinite (naming the ``img_id``, the sample ``id``
                and the field): one such instance would otherwise survive
                the OKS-NMS in place of the real people of its frame and
                rank above every real score.
            ValueError: The shapes of the fields do not match.
        """
        for data_sample in data_samples:
            if 'pred_instances' not in data_sample:
                raise ValueError(
                    '`pred_instances` are required to process the '
                    f'predictions results in {self.__class__.__name__}.')
            pred_instances = data_sample['pred_instances']
            keypoints = _to_numpy(pred_instances['keypoints']).astype(
                np.float64)
            keypoint_scores = _to_numpy(
                pred_instances['keypoint_scores']).astype(np.float64)
            if keypoints.ndim == 2:  # a single instance without the N axis
                keypoints = keypoints[None]
                keypoint_scores = keypoint_scores.reshape(1, -1)
            if keypoint_scores.shape != keypoints.shape[:2]:
                raise ValueError(
                    f'keypoint_scores {keypoint_scores.shape} do not match '
                    f'keypoints {keypoints.shape} (img_id '
                    f'{data_sample.get("img_id")}).')
            num_instances = len(keypoints)
            gt_instances = data_sample.get('gt_instances', {}) or {}
            bbox_scores = None
            if 'bbox_scores' in pred_instances:
                bbox_scores = pred_instances['bbox_scores']
            elif 'bbox_scores' in gt_instances:
                bbox_scores = gt_instances['bbox_scores']
            elif 'bbox_score' in data_sample:
                bbox_scores = data_sample['bbox_score']
            if bbox_scores is None:
                bbox_scores = np.ones(num_instances)
            bbox_scores = _to_numpy(bbox_scores).astype(np.float64).reshape(-1)
            if len(bbox_scores) == 1 and num_instances != 1:
                bbox_scores = np.repeat(bbox_scores, num_instances)
            if len(bbox_scores) != num_instances:
                raise ValueError(
                    f'{len(bbox_scores)} bbox_scores for {num_instances} '
                    f'instances (img_id {data_sample.get("img_id")}).')
            areas = None
            if 'bbox_scales' in gt_instances:
                scales = _to_numpy(gt_instances['bbox_scales'])
                if len(scales) == num_instances:
                    areas = np.prod(scales, axis=1).astype(np.float64)
            if 'img_id' not in data_sample:
                raise ValueError(
                    f'{self.__class__.__name__} needs the metainfo `img_id` '
                    '(the GT images[].id) in every data sample.')
            where = (f'{self.__class__.__name__}: prediction for img_id '
                     f'{data_sample["img_id"]!r} (id '
                     f'{data_sample.get("id")!r}), field')
            for field, values in (('keypoints', keypoints),
                                  ('keypoint_scores', keypoint_scores),
                                  ('bbox_scores', bbox_scores)):
                check_finite(values, f'{where} "{field}"')
            self.results.append(
                dict(
                    id=_hashable(data_sample.get('id')),
                    img_id=_hashable(data_sample['img_id']),
                    category_id=data_sample.get('category_id', 1),
                    keypoints=keypoints,
                    keypoint_scores=keypoint_scores,
                    bbox_scores=bbox_scores,
                    areas=areas))

    def evaluate(self, size: int) -> dict:
        """Evaluate after all batches (see :class:`BaseMetric`); ``size`` is
        kept to check that no sample was lost."""
        self._expected_size = size
        return super().evaluate(size)

    # ------------------------------------------------------------------
    def _unique_samples(self, results: List[dict]) -> List[dict]:
        """Drop repeated samples (same ``img_id`` and ``id``)."""
        unique, seen = [], set()
        for result in results:
            if result['id'] is not None:
                key = (result['img_id'], result['id'])
                if key in seen:
                    continue
                seen.add(key)
            unique.append(result)
        logger = MMLogger.get_current_instance()
        if len(unique) != len(results):
            logger.info(f'{self.__class__.__name__}: dropped '
                        f'{len(results) - len(unique)} repeated samples '
                        '(same img_id and id).')
        if self._expected_size is not None and \
                len(unique) != self._expected_size:
            logger.warning(
                f'{self.__class__.__name__}: {len(unique)} distinct samples '
                f'were collected, but the dataset has {self._expected_size}; '
                'some predictions are missing or share an id.')
        return unique

    def _instance_score(self, keypoint_scores: np.ndarray,
                        bbox_score: float) -> float:
        """Instance score according to ``score_mode``."""
        if self.score_mode == 'bbox':
            return float(bbox_score)
        if self.score_mode == 'keypoint':
            return float(np.mean(keypoint_scores))
        valid = keypoint_scores[keypoint_scores > self.keypoint_score_thr]
        mean_score = float(valid.mean()) if len(valid) else 0.
        return float(bbox_score) * mean_score

    def _instances_per_image(self, results: List[dict]) -> Dict:
        """Rescore and NMS-filter the instances of each image."""
        per_image = defaultdict(list)
        for result in results:
            for idx in range(len(result['keypoints'])):
                keypoints = result['keypoints'][idx]
                scores = result['keypoint_scores'][idx]
                if result['areas'] is not None:
                    area = result['areas'][idx]
                else:
                    area = (np.ptp(keypoints[:, 0]) * np.ptp(keypoints[:, 1]))
                bbox_score = result['bbox_scores'][idx]
                per_image[result['img_id']].append(
                    dict(
                        id=result['id'],
                        img_id=result['img_id'],
                        category_id=result['category_id'],
                        keypoints=np.concatenate([keypoints, scores[:, None]],
                                                 axis=1),
                        keypoint_scores=scores,
                        bbox_score=bbox_score,
                        area=area,
                        score=self._instance_score(scores, bbox_score)))
        sigmas = None
        if self.dataset_meta and self.dataset_meta.get('sigmas') is not None:
            sigmas = np.asarray(self.dataset_meta['sigmas'])
        kept = {}
        for img_id, instances in per_image.items():
            try:
                instances.sort(key=lambda x: x['id'])
            except TypeError:
                pass
            if self.nms_mode == 'none':
                kept[img_id] = instances
                continue
            nms = oks_nms if self.nms_mode == 'oks_nms' else soft_oks_nms
            keep = nms(instances, self.nms_thr, sigmas=sigmas)
            kept[img_id] = [instances[k] for k in keep]
        return kept

    def _prediction_videos(self, instances: Dict, track_ids: Dict,
                           kpt_thr: Optional[float]) -> Dict[str, dict]:
        """PoseTrack18 prediction JSON of every GT video (images in the GT's
        order, which poseval pairs by position); ``track_ids`` maps an
        ``img_id`` to its instances' ids (default: index in the frame); with
        ``kpt_thr``, joints scoring below it are written absent and people
        without joints are left out."""
        videos = OrderedDict()
        for name, gt_video in self.gt_videos.items():
            images, annotations = [], []
            for image in gt_video['images']:
                images.append(
                    {key: image[key]
                     for key in _IMAGE_FIELDS if key in image})
                kept = instances.get(image['id'], [])
                ids = track_ids.get(image['id'], range(len(kept)))
                for track_id, instance in zip(ids, kept):
                    keypoint_scores = instance['keypoint_scores']
                    if self.use_bbox_score_for_keypoints:
                        keypoint_scores = keypoint_scores * instance[
                            'bbox_score']
                    xy = instance['keypoints'][:, :2]
                    keypoints = np.concatenate([xy, np.ones((len(xy), 1))],
                                               axis=1)
                    if kpt_thr is not None:
                        dropped = keypoint_scores < kpt_thr
                        if dropped.all():
                            continue
                        keypoints[dropped] = 0
                        keypoint_scores = np.where(dropped, 0.,
                                                   keypoint_scores)
                    annotations.append(
                        dict(
                            id=len(annotations),
                            image_id=image['id'],
                            category_id=instance['category_id'],
                            track_id=int(track_id),
                            keypoints=[float(v) for v in keypoints.ravel()],
                            scores=[float(v) for v in keypoint_scores],
                            score=float(instance['score'])))
            videos[name] = dict(
                images=images,
                annotations=annotations,
                categories=posetrack_categories())
        return videos

    @staticmethod
    def _write_videos(videos: Dict[str, dict],
                      out_dir: str) -> Dict[str, str]:
        """Write ``<out_dir>/<video>.json`` files (strict JSON, each file
        complete or absent); returns their paths."""
        os.makedirs(out_dir, exist_ok=True)
        sources = OrderedDict()
        for name, video in videos.items():
            path = osp.join(out_dir, f'{name}.json')
            atomic_write_json(video, path)
            sources[name] = path
        return sources

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Compute the PoseTrack AP (and MOTA) from the collected results.

        Args:
            results (list): The results of :meth:`process`, from all ranks.

        Returns:
            dict[str, float]: ``Head .. Ankle`` and ``Total`` AP in percent;
            with ``track=True`` also ``MOTA``, ``MOTP``, ``Precision`` and
            ``Recall`` (poseval's totals) in percent.
        """
        logger = MMLogger.get_current_instance()
        if self.ann_file is None:
            raise ValueError(
                f'{self.__class__.__name__} has no ground truth: set '
                '`ann_file` (a folder of per-video PoseTrack18 JSON files or '
                'a merged annotation file).')
        results = self._unique_samples(results)
        unknown = sorted(
            {r['img_id']
             for r in results} - set(self.image_to_video), key=str)
        if unknown:
            raise ValueError(
                f'{self.__class__.__name__}: predictions for {len(unknown)} '
                f'img_id(s) absent from the ground truth {self.ann_file}, '
                f'e.g. {unknown[:5]}; the metric\'s `ann_file` must be the '
                'GT of the evaluated dataset.')
        predicted_videos = {self.image_to_video[r['img_id']] for r in results}
        unpredicted = [v for v in self.gt_videos if v not in predicted_videos]
        if unpredicted:
            logger.warning(
                f'{self.__class__.__name__}: {len(unpredicted)} of the '
                f'{len(self.gt_videos)} GT videos have no predictions (e.g. '
                f'{unpredicted[:3]}); their GT people count as missed.')

        instances = self._instances_per_image(results)
        track_ids = {}
        if self.track:
            for gt_video in self.gt_videos.values():
                track_ids.update(
                    track_instances(gt_video, instances, self.tracker))
        pred_videos = self._prediction_videos(instances, track_ids, None)

        tmp_dir = None
        if self.outfile_prefix is None:
            tmp_dir = tempfile.TemporaryDirectory()
            out_dir = tmp_dir.name
        else:
            out_dir = self.outfile_prefix
        pred_sources = self._write_videos(pred_videos, out_dir)
        evaluation = evaluate_posetrack_ap(self.gt_videos, pred_videos,
                                           self.gt_sources, pred_sources)
        tracking = None
        if self.track:
            # MOTA counts every written joint: its files keep confident ones
            track_videos = self._prediction_videos(instances, track_ids,
                                                   self.track_kpt_thr)
            track_sources = self._write_videos(
                track_videos, osp.join(out_dir, TRACKING_SUBDIR))
            tracking = evaluate_posetrack_tracking(self.gt_videos,
                                                   track_videos,
                                                   self.gt_sources,
                                                   track_sources)
        if tmp_dir is not None:
            tmp_dir.cleanup()
        else:
            logger.info(
                'PoseTrack prediction files (one per video) were written to '
                f'{out_dir}' + (f', those for MOTA to {out_dir}/'
                                f'{TRACKING_SUBDIR}' if self.track else ''))

        header, row = format_table(evaluation['table'])
        lines = [
            'PoseTrack Average Precision (AP) metric (poseval):', header, row,
            'per joint: AP / precision / recall'
        ]
        for name in POSEVAL_JOINT_NAMES:
            values = evaluation['per_joint'][name]
            lines.append(f'  {name:<15}{values["ap"]:8.2f}'
                         f'{values["precision"]:8.2f}{values["recall"]:8.2f}')
        metrics = OrderedDict((name, float(value))
                              for name, value in evaluation['table'].items())
        if tracking is not None:
            header, row = format_mota_table(tracking['table'])
            lines += [
                'PoseTrack tracking (MOT) metrics (poseval):', header, row,
                'per joint: MOTA / MOTP / precision / recall'
            ]
            for name in POSEVAL_JOINT_NAMES:
                values = tracking['per_joint'][name]
                lines.append(f'  {name:<15}' + ''.join(
                    f'{values[key]:8.2f}'
                    for key in ('mota', 'motp', 'precision', 'recall')))
            metrics['MOTA'] = float(tracking['total']['mota'])
            metrics['MOTP'] = float(tracking['total']['motp'])
            metrics['Precision'] = float(tracking['total']['precision'])
            metrics['Recall'] = float(tracking['total']['recall'])
        logger.info('\n'.join(lines))
        return metrics
