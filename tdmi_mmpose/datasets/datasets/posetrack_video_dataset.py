# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack (2017 converted / 2018 / 21) video dataset for top-down pose:
one sample = one person box in one key frame plus its supporting frames."""
import os.path as osp
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.fileio import isdir
from mmengine.logging import print_log
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS

from ...io import (PERSON_CATEGORY_ID, InputError, annotation_where,
                   boxes_outside, check_frame_offsets, clip_boxes,
                   clip_frame_names, frame_table, group_videos, ignore_regions,
                   image_size, json_files, keypoints_array,
                   posetrack18_metainfo_file, random_frame_offsets,
                   read_detections, read_image_size, read_video_file,
                   register_annotation_ids, register_image_ids, video_name,
                   xywh_to_xyxy)

FRAME_SAMPLING_MODES = ('fixed', 'random')
MISSING_FRAME_MODES = ('error', 'key_frame')


@DATASETS.register_module()
class PoseTrackVideoDataset(BaseCocoStyleDataset):
    """PoseTrack video dataset for top-down video pose estimation (TDMI).

    Reads the PoseTrack18 JSON layout (``docs/datasets.md``), a folder of
    per-video files or one merged file, through :mod:`tdmi_mmpose.io`, which
    checks every record once; mmpose's :class:`BaseCocoStyleDataset` does
    the rest. One sample is one person box in a key frame plus the
    supporting frames at ``frame_offsets``; the sampling, clamping, box
    clipping and skipping rules (skips counted in ``self.skip_counts``) are
    in ``docs/data_pipeline.md``, the data info keys in
    ``docs/architecture.md``, section 1.

    Args:
        ann_file (str): A folder of per-video JSON files, or one merged JSON
            file. Relative paths are joined with ``data_root``.
        bbox_file (str, optional): COCO detection results to use instead of
            GT boxes (:func:`~tdmi_mmpose.io.read_detections`); test mode
            only. Defaults to ``None``.
        bbox_score_thr (float, optional): Shorthand for mmpose's
            ``filter_cfg=dict(bbox_score_thr=...)``. Defaults to ``None``.
        labeled_frames_only (bool): With ``bbox_file``, keep only detections
            on frames with ``is_labeled``. Defaults to ``True``.
        frame_offsets (Sequence[int]): Offsets of a sample's frames from the
            key frame; must contain 0 (``[0]``: T=1). Defaults to
            ``(-2, -1, 0, 1, 2)``.
        frame_sampling (str): ``'fixed'`` or ``'random'``. Defaults to
            ``'fixed'``.
        max_frame_gap (int): Largest gap between consecutive frames in
            ``'random'`` mode. Defaults to 2.
        missing_frame (str): What :class:`LoadVideoFrames` does with a
            missing or corrupt supporting frame: ``'error'``, or
            ``'key_frame'`` (use the key frame, warn once per video).
            Defaults to ``'error'``.
        data_mode (str): Only ``'topdown'`` is supported.
        filter_cfg (dict, optional): As in mmpose.
        **kwargs: ``metainfo``, ``data_root``, ``data_prefix``, ``pipeline``,
            ``test_mode`` ... of :class:`mmpose.datasets.BaseCocoStyleDataset`;
            the default metainfo is mmpose's ``posetrack18.py`` (another,
            e.g. HiEve's, sets the keypoints the files must have).
    """

    METAINFO: dict = dict(from_file=posetrack18_metainfo_file())

    def __init__(self,
                 ann_file: str = '',
                 bbox_file: Optional[str] = None,
                 bbox_score_thr: Optional[float] = None,
                 labeled_frames_only: bool = True,
                 frame_offsets: Sequence[int] = (-2, -1, 0, 1, 2),
                 frame_sampling: str = 'fixed',
                 max_frame_gap: int = 2,
                 missing_frame: str = 'error',
                 data_mode: str = 'topdown',
                 filter_cfg: Optional[dict] = None,
                 **kwargs):
        filter_cfg = dict(filter_cfg or {})
        if bbox_score_thr is not None:
            filter_cfg.setdefault('bbox_score_thr', bbox_score_thr)
        for name, ok, expected in (
            ('ann_file', bool(ann_file), 'a folder or a file'),
            ('data_mode', data_mode == 'topdown', '"topdown"'),
            ('frame_sampling', frame_sampling in FRAME_SAMPLING_MODES,
             f'one of {FRAME_SAMPLING_MODES}'),
            ('missing_frame', missing_frame in MISSING_FRAME_MODES,
             f'one of {MISSING_FRAME_MODES}'),
            ('max_frame_gap', int(max_frame_gap) >= 1, 'an integer >= 1'),
            ('bbox_score_thr', bbox_score_thr is None or filter_cfg[
                'bbox_score_thr'] == bbox_score_thr,
             f'given once (it contradicts filter_cfg {filter_cfg})'),
        ):
            if not ok:
                raise InputError(
                    f'{self.__class__.__name__}: {name} must be {expected}, '
                    f'got {locals()[name]!r}.')
        self.frame_offsets = check_frame_offsets(frame_offsets)
        self.key_frame_index = self.frame_offsets.index(0)
        self.frame_sampling = frame_sampling
        self.max_frame_gap = int(max_frame_gap)
        self.missing_frame = missing_frame
        self.labeled_frames_only = labeled_frames_only
        self.skip_counts: Counter = Counter()
        # video key -> dict(frames=[file_name or None]*nframes, ...)
        self.videos: Dict[int, dict] = {}
        super().__init__(ann_file=ann_file, bbox_file=bbox_file,
                         data_mode=data_mode, filter_cfg=filter_cfg or None,
                         **kwargs)

    def _read_files(self) -> Tuple[Dict[object, dict], List[dict]]:
        """Image id -> image (with ``_video_key``, ``_frame_index``,
        ``_path``) and the annotations (none with a ``bbox_file``)."""
        self.videos, self.skip_counts = {}, Counter()
        images, annotations, owners, ann_owners = {}, [], {}, {}
        for path in json_files(self.ann_file):
            file_images, file_anns = read_video_file(
                path, self.metainfo['num_keypoints'],
                annotations=not self.bbox_file)
            register_image_ids(file_images, path, owners)
            register_annotation_ids(file_anns, path, ann_owners)
            for vid, vid_images in group_videos(file_images).items():
                self._register_video(path, vid, vid_images)
            images.update((img['id'], img) for img in file_images)
            annotations += file_anns
        return images, annotations

    def _register_video(self, path: str, vid: object,
                        images: List[dict]) -> None:
        """Add a video's frame table to ``self.videos``."""
        key = len(self.videos)
        frames, index, complete = frame_table(images, f'{path}: video {vid!r}')
        if not complete:
            print_log(
                f'{self.__class__.__name__}: the "images" list of video '
                f'{vid!r} in {path} has {len(images)} of its {len(frames)} '
                'frames; frames missing from it are located by file-name '
                'arithmetic.',
                logger='current')
        if isdir(self.ann_file):
            name = osp.splitext(osp.basename(path))[0]
        else:
            first = next(f for f in frames if f is not None)
            name = video_name([dict(file_name=first)], vid)
        self.videos[key] = dict(
            frames=frames, nframes=len(frames), vid_id=vid, video_name=name,
            size=None, size_checked=False)
        for img in images:
            img.update(_video_key=key, _frame_index=index[img['id']],
                       _path=path)

    def _video_image_size(self, img: dict) -> Optional[Tuple[int, int]]:
        """(w, h) of a video's frames (cached; ``None`` if unknown)."""
        size = image_size(img)
        video = self.videos[img['_video_key']]
        if size is None and not video['size_checked']:
            video['size_checked'] = True
            video['size'] = read_image_size(
                osp.join(self.data_prefix['img'], img['file_name']))
            if video['size'] is None:
                self.skip_counts['videos_without_image_size'] += 1
                print_log(
                    f'{self.__class__.__name__}: cannot read the size of '
                    f'video {video["video_name"]!r} (no width/height in the '
                    'annotation, frame not readable); its boxes are not '
                    'clipped to the image.',
                    logger='current',
                    level=30)
        return size or video['size']

    def _box_xyxy(self, xywh: np.ndarray, img: dict,
                  what: str) -> Optional[np.ndarray]:
        """xywh -> clipped xyxy (1, 4) float32; ``None`` if empty."""
        xyxy = xywh_to_xyxy(xywh)
        size = self._video_image_size(img)
        if size is not None:
            if boxes_outside(xyxy, size)[0]:
                raise InputError(
                    f'{what}: box (x, y, w, h) = {xywh.tolist()} lies '
                    f'entirely outside its {size[0]}x{size[1]} image '
                    f'{img["file_name"]!r}.')
            xyxy = clip_boxes(xyxy, size)
        if xyxy[0, 2] <= xyxy[0, 0] or xyxy[0, 3] <= xyxy[0, 1]:
            self.skip_counts['empty_bbox'] += 1
            return None
        return xyxy.astype(np.float32)

    def _frame_info(self, img: dict, **instance) -> dict:
        """The data info of an instance in a key frame."""
        video = self.videos[img['_video_key']]
        return dict(
            img_id=img['id'],
            img_path=osp.join(self.data_prefix['img'], img['file_name']),
            vid_id=video['vid_id'],
            frame_id=img.get('frame_id', img['id']),
            frame_index=img['_frame_index'],
            nframes=video['nframes'],
            is_labeled=bool(img.get('is_labeled', True)),
            ignore_regions=[r.astype(np.float32) for r in ignore_regions(img)],
            video_name=video['video_name'],
            video_key=img['_video_key'],
            missing_frame=self.missing_frame,
            category_id=PERSON_CATEGORY_ID,
            iscrowd=0,
            **instance)

    def _load_annotations(self) -> Tuple[List[dict], List[dict]]:
        """GT instances and images (mmpose's hook)."""
        images, annotations = self._read_files()
        instances = (
            self.parse_data_info(
                dict(raw_ann_info=ann, raw_img_info=images[ann['image_id']]))
            for ann in annotations)
        return [i for i in instances if i is not None], list(images.values())

    def parse_data_info(self, raw_data_info: dict) -> Optional[dict]:
        """One GT person -> its data info; ``None`` (counted) if skipped."""
        ann, img = raw_data_info['raw_ann_info'], raw_data_info['raw_img_info']
        kpts = keypoints_array(ann, self.metainfo['num_keypoints'])
        visible = np.minimum(1, kpts[None, :, 2]).astype(np.float32)
        bbox = ann.get('bbox') or None
        reason = ('crowd' if ann.get('iscrowd', 0) else
                  'no_bbox' if bbox is None else None)
        xyxy = None if reason else self._box_xyxy(
            np.asarray(bbox, np.float64), img,
            annotation_where(ann, img['_path']))
        if not reason and xyxy is not None and not visible.any():
            # a box without a pose (PoseTrack21): no heatmap target to train
            # on; kept in test mode, where its box is predicted and tracked
            reason = 'box_only_kept' if self.test_mode else \
                'no_visible_keypoints'
        if reason:
            self.skip_counts[reason] += 1
            reason = None if reason == 'box_only_kept' else reason
        if reason or xyxy is None:
            return None
        head = ann.get('bbox_head') or None
        return self._frame_info(
            img,
            id=ann['id'],
            bbox=xyxy,
            bbox_score=np.ones(1, dtype=np.float32),
            keypoints=kpts[None, :, :2].astype(np.float32),
            keypoints_visible=visible,
            num_keypoints=int(np.count_nonzero(visible)),
            bbox_head=None if head is None else np.asarray(head, np.float32),
            track_id=int(ann.get('track_id', -1)),
            person_id=ann.get('person_id'),
            raw_ann_info=ann)

    def _get_topdown_data_infos(self, instance_list: List[dict]) -> list:
        """:meth:`parse_data_info` has already filtered the instances."""
        return instance_list

    def _load_detection_results(self) -> List[dict]:
        """Data infos from the ``bbox_file`` (dummy keypoints)."""
        images, _ = self._read_files()
        detections, skipped = read_detections(
            self.bbox_file, ('image_id', 'image_name'), allow_empty=False)
        self.skip_counts.update(skipped)
        name_to_id = {img['file_name']: i for i, img in images.items()}
        num_keypoints = self.metainfo['num_keypoints']
        data_list = []
        for det in detections:
            key, value = det['key']
            img = images.get(
                name_to_id.get(value, value) if key == 'image_name' else value)
            what = f'{self.bbox_file}: detection #{det["index"]}'
            if img is None:
                raise InputError(
                    f'{what} refers to image {value!r}, which is not in the '
                    f'annotation files ({self.ann_file}).')
            if self.labeled_frames_only and not img.get('is_labeled', True):
                self.skip_counts['det_on_unlabeled_frame'] += 1
                continue
            bbox = self._box_xyxy(det['bbox'], img, what)
            if bbox is not None:
                data_list.append(self._frame_info(
                    img,
                    id=len(data_list),
                    bbox=bbox,
                    bbox_score=np.array([det['score']], dtype=np.float32),
                    keypoints=np.zeros((1, num_keypoints, 2), np.float32),
                    keypoints_visible=np.ones((1, num_keypoints), np.float32),
                    num_keypoints=0,
                    bbox_head=None,
                    track_id=-1))
        return data_list

    def filter_data(self) -> List[dict]:
        """mmpose's filtering, counted and logged; detections renumbered."""
        data_list = super().filter_data()
        dropped = len(self.data_list) - len(data_list)
        if dropped:
            reason = 'det_below_score_thr' if self.bbox_file else \
                'below_score_thr'
            self.skip_counts[reason] += dropped
        if self.bbox_file:
            for index, info in enumerate(data_list):
                info['id'] = index
        if self.skip_counts:
            print_log(
                f'{self.__class__.__name__} ({self.ann_file}): kept '
                f'{len(data_list)} samples; skipped/flagged: '
                f'{dict(self.skip_counts)}',
                logger='current')
        if not data_list:
            source = (f'the detections of {self.bbox_file} (on '
                      f'{self.ann_file})' if self.bbox_file else self.ann_file)
            thr = (self.filter_cfg or {}).get('bbox_score_thr')
            raise InputError(
                f'{self.__class__.__name__}: no samples left in {source}: '
                f'{len(self.data_list)} read, bbox_score_thr={thr}, '
                f'skipped: {dict(self.skip_counts)}.')
        return data_list

    def get_data_info(self, idx: int) -> dict:
        """Data info of sample ``idx`` with its frames (offsets drawn anew
        in ``'random'`` mode)."""
        data_info = super().get_data_info(idx)
        offsets = list(self.frame_offsets)
        if self.frame_sampling == 'random':
            offsets = random_frame_offsets(
                self.key_frame_index, len(offsets) - 1 - self.key_frame_index,
                self.max_frame_gap)
        names = clip_frame_names(self.videos[data_info['video_key']]['frames'],
                                 data_info['frame_index'], offsets)
        data_info.update(
            frame_offsets=offsets,
            key_frame_index=offsets.index(0),
            frame_paths=[osp.join(self.data_prefix['img'], n) for n in names])
        return data_info
