# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack (2017 converted / 2018 / 21) video dataset for top-down video pose
estimation: one sample = one person box in one key frame plus its supporting
frames."""
import os.path as osp
from collections import Counter
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.fileio import isdir
from mmengine.logging import print_log
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS

from ...io.clip import check_frame_offsets, random_frame_offsets
from ...io import (
    PERSON_CATEGORY_ID, InputError, annotation_where, boxes_outside,
    check_fields, check_image_record, clip_boxes, clip_frame_names,
    frame_table, group_videos, json_files, load_json, parse_annotation,
    parse_detection, parse_ignore_regions, parse_image_size,
    posetrack18_metainfo_file, read_video_file, register_image_ids,
    video_name, xywh_to_xyxy)

FRAME_SAMPLING_MODES = ('fixed', 'random')
MISSING_FRAME_MODES = ('error', 'key_frame')

#: The dataset's name for :class:`InputError`.


def _read_image_size(path: str) -> Optional[Tuple[int, int]]:
    """(width, height) from an image file header, ``None`` if unreadable."""
    try:
        from PIL import Image
        with Image.open(path) as img:
            return tuple(img.size)
    except Exception:  # missing or unreadable: handled by the caller
        return None


@DATASETS.register_module()
class PoseTrackVideoDataset(BaseCocoStyleDataset):
    """PoseTrack video dataset for top-down video pose estimation (TDMI).

    Reads PoseTrack2018 / PoseTrack21 annotations (and PoseTrack2017 after
    conversion to that layout): COCO-style JSON with ``images`` (``file_name``,
    ``id``, ``frame_id``, ``vid_id``, ``nframes``, ``is_labeled``,
    ``ignore_regions_x/_y``) and ``annotations`` (``keypoints``, ``bbox``,
    ``bbox_head``, ``track_id``, ...), either one file per video in a folder
    or one merged file. By default 17 keypoints in PoseTrack18 order; the
    metainfo (flip pairs, sigmas, skeleton, colours) is mmpose's
    ``configs/_base_/datasets/posetrack18.py``. Another ``metainfo`` sets the
    keypoints (e.g. HiEve's 14, ``configs/_base_/datasets/hieve.py``, on
    files from the HiEve converter); the files' ``keypoints`` must match it.

    One sample is one person box in a key frame. Its frames are the key frame
    plus supporting frames at ``frame_offsets``, **in time order**, with the
    key frame's position given by ``key_frame_index``. Neighbouring frames are
    looked up in the annotation's own ``images`` list (same video,
    neighbouring frame index); only when that list lacks a frame is its file
    name built from the key frame's by frame-number arithmetic. Frame indices
    are clamped to ``[0, nframes - 1]`` (the edge frame is repeated).

    Videos, frame indices and neighbouring file names follow the format
    module (:mod:`tdmi_mmpose.io`: ``group_videos``,
    ``frame_table``, ``clip_frame_names``).

    Frame sampling:

    - ``'fixed'``: the frames at ``frame_offsets`` (default ``[-2, -1, 0, 1,
      2]``).
    - ``'random'``: ``frame_offsets`` only gives how many frames are taken
      before and after the key frame; going away from the key frame on each
      side, every gap between consecutive frames is drawn uniformly from
      ``{1, ..., max_frame_gap}``. Offsets are thus distinct and in time
      order; they are drawn anew each time a sample is fetched.

    Boxes: ground-truth boxes in training and by default in test mode; in test
    mode a ``bbox_file`` (COCO detection results: ``image_id`` or
    ``image_name``, ``bbox`` as xywh, ``score``, ``category_id``) replaces
    them, keeping detections of category 1 (on labeled frames only if
    ``labeled_frames_only``) with ``score >= bbox_score_thr`` (mmpose's
    ``filter_cfg=dict(bbox_score_thr=...)``, applied by mmpose's
    ``filter_data``; the dropped ones are counted). A box partly outside
    its image is clipped to it (``[0, w] x [0, h]``, the one rule of
    :func:`~tdmi_mmpose.io.clip_boxes`); a box
    entirely outside is an error naming the
    annotation (or detection) and the file. The image size comes from the
    ``images`` entry's ``width``/``height`` or else from the header of the
    video's first key frame; if neither is available the box is not checked
    (one warning per video).

    Skipped, counted and logged (``self.skip_counts``): crowd instances,
    instances without a box or with an empty box, and instances with no
    visible keypoint (in test mode too, as mmpose and poseval drop such GT
    persons). Malformed records are errors naming the file, the record and the
    field (:class:`InputError`), as are image ids repeated
    across files and a dataset left without samples (the format module's
    rules; ``docs/datasets.md``, "Input validation").

    Data info keys: see ``docs/architecture.md``, section 1 (plus
    ``iscrowd``, ``missing_frame``, ``raw_ann_info`` for GT and mmpose's
    metainfo keys
    (``flip_indices``, ``upper_body_ids``, ...).

    Args:
        ann_file (str): A folder of per-video JSON files, or one merged JSON
            file. Relative paths are joined with ``data_root``.
        bbox_file (str, optional): Detection results to use instead of GT
            boxes; test mode only. Defaults to ``None`` (GT boxes).
        bbox_score_thr (float, optional): Detections with a lower score are
            dropped; a shorthand for mmpose's ``filter_cfg=dict(
            bbox_score_thr=...)``. Defaults to ``None`` (no threshold).
        labeled_frames_only (bool): With ``bbox_file``, keep only detections
            on frames with ``is_labeled`` true (the only frames PoseTrack
            evaluates). Defaults to ``True``.
        frame_offsets (Sequence[int]): Offsets of the frames of a sample
            relative to the key frame; must contain 0. They are sorted into
            time order. ``[0]`` gives single-frame samples (T=1). Defaults to
            ``(-2, -1, 0, 1, 2)``.
        frame_sampling (str): ``'fixed'`` or ``'random'``. Defaults to
            ``'fixed'``.
        max_frame_gap (int): Largest gap between consecutive frames in
            ``'random'`` mode. Defaults to 2.
        missing_frame (str): What :class:`LoadVideoFrames` does when a
            supporting frame is missing or corrupt on disk: ``'error'`` raises
            an error naming the file; ``'key_frame'`` uses the key frame
            instead and warns once per video. Defaults to ``'error'``.
        data_mode (str): Only ``'topdown'`` is supported.
        metainfo, data_root, data_prefix, filter_cfg, indices,
        serialize_data, pipeline, test_mode, lazy_init, max_refetch: As in
            :class:`mmpose.datasets.BaseCocoStyleDataset`.
            ``data_prefix['img']`` is joined with the images' ``file_name``
            (PoseTrack file names are relative to the dataset root, e.g.
            ``images/val/<video>/000000.jpg``).
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
                 metainfo: Optional[dict] = None,
                 data_root: Optional[str] = None,
                 data_prefix: dict = dict(img=''),
                 filter_cfg: Optional[dict] = None,
                 indices: Optional[Union[int, Sequence[int]]] = None,
                 serialize_data: bool = True,
                 pipeline: List[Union[dict, Callable]] = [],
                 test_mode: bool = False,
                 lazy_init: bool = False,
                 max_refetch: int = 1000):
        if data_mode != 'topdown':
            raise ValueError(f'{self.__class__.__name__} only supports '
                             f'data_mode="topdown", got {data_mode!r}.')
        if frame_sampling not in FRAME_SAMPLING_MODES:
            raise ValueError(f'Unknown frame_sampling {frame_sampling!r}; '
                             f'expected one of {FRAME_SAMPLING_MODES}.')
        if int(max_frame_gap) < 1:
            raise ValueError(
                f'max_frame_gap must be >= 1, got {max_frame_gap!r}.')
        if missing_frame not in MISSING_FRAME_MODES:
            raise ValueError(f'Unknown missing_frame {missing_frame!r}; '
                             f'expected one of {MISSING_FRAME_MODES}.')
        self.frame_offsets = check_frame_offsets(frame_offsets)
        self.key_frame_index = self.frame_offsets.index(0)
        self.frame_sampling = frame_sampling
        self.max_frame_gap = int(max_frame_gap)
        self.missing_frame = missing_frame
        self.labeled_frames_only = labeled_frames_only
        self.skip_counts: Counter = Counter()
        # video key -> dict(frames=[file_name or None]*nframes, ...)
        self.videos: Dict[int, dict] = {}

        if bbox_score_thr is not None:
            filter_cfg = dict(filter_cfg or {})
            if filter_cfg.setdefault('bbox_score_thr',
                                     bbox_score_thr) != bbox_score_thr:
                raise ValueError(
                    f'bbox_score_thr={bbox_score_thr} contradicts filter_cfg '
                    f'{filter_cfg}; give the threshold once.')
        super().__init__(
            ann_file=ann_file,
            bbox_file=bbox_file,
            data_mode=data_mode,
            metainfo=metainfo,
            data_root=data_root,
            data_prefix=data_prefix,
            filter_cfg=filter_cfg,
            indices=indices,
            serialize_data=serialize_data,
            pipeline=pipeline,
            test_mode=test_mode,
            lazy_init=lazy_init,
            max_refetch=max_refetch)

    # ------------------------------------------------------------------
    # Reading annotation files
    # ------------------------------------------------------------------
    def _annotation_files(self) -> List[str]:
        """The JSON files behind ``ann_file`` (a folder or one file)."""
        if not self.ann_file:
            raise ValueError(f'{self.__class__.__name__} needs an ann_file.')
        return json_files(self.ann_file)

    def _register_videos(self, path: str, images: list, name_from_file: bool,
                         image_files: Dict[object, str]) -> Dict[object, dict]:
        """Group a file's images by video and build each video's frame table
        (:func:`~tdmi_mmpose.io.frame_table`);
        image ids must be unique within and across files (``image_files``:
        image id -> file, updated in place).

        Returns:
            dict: image id -> image record, with ``_video_key`` and
            ``_frame_index`` added.
        """
        for img in images:
            check_image_record(img, path)
        register_image_ids(images, path, image_files)
        img_by_id = {img['id']: img for img in images}

        for vid, vid_images in group_videos(images).items():
            key = len(self.videos)
            frames, index, complete = frame_table(vid_images,
                                                  f'{path}: video {vid!r}')
            if not complete:
                print_log(
                    f'{self.__class__.__name__}: the "images" list of video '
                    f'{vid!r} in {path} has {len(vid_images)} of its '
                    f'{len(frames)} frames; frames missing from it are '
                    'located by file-name arithmetic.',
                    logger='current')
            if name_from_file:
                name = osp.splitext(osp.basename(path))[0]
            else:
                first = next(f for f in frames if f is not None)
                name = video_name([dict(file_name=first)], vid)
            self.videos[key] = dict(
                frames=frames,
                nframes=len(frames),
                vid_id=vid,
                video_name=name,
                size=None,
                size_checked=False)
            for img in vid_images:
                img['_video_key'] = key
                img['_frame_index'] = index[img['id']]
        return img_by_id

    def _video_image_size(self, img: dict,
                          what: str) -> Optional[Tuple[int, int]]:
        """(w, h) of a video's frames, from the annotation or a file header.

        Cached per video; ``None`` (with one warning) if unknown.
        """
        size = parse_image_size(img, f'{what}: its image {img["id"]!r}')
        if size is not None:
            return size
        video = self.videos[img['_video_key']]
        if not video['size_checked']:
            video['size_checked'] = True
            video['size'] = _read_image_size(
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
        return video['size']

    def _box_xyxy(self, xywh: np.ndarray, img: dict,
                  what: str) -> np.ndarray:
        """xywh -> xyxy (1, 4) float32, clipped to the image
        (:func:`~tdmi_mmpose.io.clip_boxes`); an
        error if it lies entirely outside."""
        xyxy = xywh_to_xyxy(xywh)
        size = self._video_image_size(img, what)
        if size is not None:
            if boxes_outside(xyxy, size)[0]:
                raise InputError(
                    f'{what}: box (x, y, w, h) = {xywh.tolist()} lies '
                    f'entirely outside its {size[0]}x{size[1]} image '
                    f'{img["file_name"]!r}.')
            xyxy = clip_boxes(xyxy, size)
        return xyxy.astype(np.float32)

    def _frame_info(self, img: dict, path: str) -> dict:
        """Data info fields shared by every instance of a key frame."""
        video = self.videos[img['_video_key']]
        return dict(
            img_id=img['id'],
            img_path=osp.join(self.data_prefix['img'], img['file_name']),
            vid_id=video['vid_id'],
            frame_id=img.get('frame_id', img['id']),
            frame_index=img['_frame_index'],
            nframes=video['nframes'],
            is_labeled=bool(img.get('is_labeled', True)),
            ignore_regions=[
                region.astype(np.float32) for region in parse_ignore_regions(
                    img, f'{path}: image {img["id"]!r}')
            ],
            video_name=video['video_name'],
            video_key=img['_video_key'],
            missing_frame=self.missing_frame,
            category_id=PERSON_CATEGORY_ID,
        )

    def _skip(self, reason: str) -> None:
        self.skip_counts[reason] += 1

    def _parse_instance(self, ann: dict, img: dict, path: str,
                        num_keypoints: int) -> Optional[dict]:
        """Parse one GT person; ``None`` (counted) if it is skipped."""
        what = annotation_where(ann, path)
        parsed = parse_annotation(ann, num_keypoints, what)
        kpts = parsed['keypoints'].astype(np.float32)[None]
        keypoints = kpts[..., :2]
        keypoints_visible = np.minimum(1, kpts[..., 2]).astype(np.float32)
        num_visible = int(np.count_nonzero(keypoints_visible))
        bbox, bbox_head = parsed['bbox'], parsed['bbox_head']

        if ann.get('iscrowd', 0):
            self._skip('crowd')
            return None
        if bbox is None:
            self._skip('no_bbox')
            return None
        if bbox_head is not None:
            bbox_head = bbox_head.astype(np.float32)
        bbox_xyxy = self._box_xyxy(bbox, img, what)
        if (bbox_xyxy[0, 2] <= bbox_xyxy[0, 0]
                or bbox_xyxy[0, 3] <= bbox_xyxy[0, 1]):
            self._skip('empty_bbox')
            return None
        if num_visible == 0:
            self._skip('no_visible_keypoints')
            return None

        info = self._frame_info(img, path)
        info.update(
            id=ann['id'],
            bbox=bbox_xyxy,
            bbox_score=np.ones(1, dtype=np.float32),
            keypoints=keypoints,
            keypoints_visible=keypoints_visible,
            num_keypoints=num_visible,
            bbox_head=bbox_head,
            track_id=parsed['track_id'],
            iscrowd=0,
            raw_ann_info=ann,
        )
        return info

    def load_data_list(self) -> List[dict]:
        """Load GT instances (or detections in test mode with a
        ``bbox_file``) from all annotation files."""
        self.videos = {}
        self.skip_counts = Counter()
        files = self._annotation_files()
        name_from_file = isdir(self.ann_file)
        num_keypoints = self.metainfo['num_keypoints']

        data_list = []
        all_images, image_files = {}, {}
        for path in files:
            images, annotations = read_video_file(
                path, need_annotations=not self.bbox_file)
            # an image id seen before (e.g. a merged file beside the
            # per-video files) is an error
            img_by_id = self._register_videos(path, images, name_from_file,
                                              image_files)
            for img_id, img in img_by_id.items():
                all_images[img_id] = (img, path)
            if self.bbox_file:
                continue
            for ann in annotations:
                check_fields(ann, ('image_id', 'id', 'keypoints'),
                             f'{path}: an entry of "annotations"')
                img = img_by_id.get(ann['image_id'])
                if img is None:
                    raise InputError(
                        f'{path}: annotation {ann["id"]!r} refers to unknown '
                        f'image_id {ann["image_id"]!r} (not in "images").')
                info = self._parse_instance(ann, img, path, num_keypoints)
                if info is not None:
                    data_list.append(info)

        if self.bbox_file:
            data_list = self._load_detections(all_images, num_keypoints)
        return data_list

    def filter_data(self) -> List[dict]:
        """mmpose's filtering (``filter_cfg=dict(bbox_score_thr=...)`` drops
        boxes with a lower score), counted in ``skip_counts``; detections
        are then numbered ``0 .. N-1`` (their ``id``). Logs what was kept
        and skipped."""
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

    def _load_detections(self, all_images: dict,
                         num_keypoints: int) -> List[dict]:
        """Data infos from a COCO-style detection file (dummy keypoints)."""
        dets = load_json(self.bbox_file, 'Detection file')
        if not isinstance(dets, list):
            raise InputError(
                f'{self.bbox_file}: expected a list of detections, got '
                f'{type(dets).__name__}.')
        if not dets:
            raise InputError(
                f'{self.bbox_file}: the detection list is empty.')
        name_to_id = {
            img['file_name']: img_id
            for img_id, (img, _) in all_images.items()
        }
        data_list = []
        for i, det in enumerate(dets):
            what = f'{self.bbox_file}: detection #{i}'
            record = parse_detection(det, what)
            if 'image_id' in det:
                img_id = det['image_id']
            elif 'image_name' in det:
                img_id = name_to_id.get(det['image_name'], det['image_name'])
            else:
                raise InputError(
                    f'{what} has neither "image_id" nor "image_name".')
            if img_id not in all_images:
                raise InputError(
                    f'{what} refers to image {img_id!r}, which is not in the '
                    f'annotation files ({self.ann_file}).')
            if record['category_id'] != PERSON_CATEGORY_ID:
                self._skip('det_not_person')
                continue
            img, path = all_images[img_id]
            if (self.labeled_frames_only
                    and not bool(img.get('is_labeled', True))):
                self._skip('det_on_unlabeled_frame')
                continue
            bbox = self._box_xyxy(record['bbox'], img, what)
            if bbox[0, 2] <= bbox[0, 0] or bbox[0, 3] <= bbox[0, 1]:
                self._skip('empty_bbox')
                continue
            info = self._frame_info(img, path)
            info.update(
                id=len(data_list),
                bbox=bbox,
                bbox_score=np.array([record['score']], dtype=np.float32),
                keypoints=np.zeros((1, num_keypoints, 2), dtype=np.float32),
                keypoints_visible=np.ones((1, num_keypoints),
                                          dtype=np.float32),
                num_keypoints=0,
                bbox_head=None,
                track_id=-1,
                iscrowd=0,
            )
            data_list.append(info)
        return data_list

    # ------------------------------------------------------------------
    # Frames of a sample
    # ------------------------------------------------------------------
    def sample_offsets(self) -> List[int]:
        """The offsets of one sample, in time order (random in ``'random'``
        mode)."""
        if self.frame_sampling == 'fixed':
            return list(self.frame_offsets)
        return random_frame_offsets(
            self.key_frame_index,
            len(self.frame_offsets) - 1 - self.key_frame_index,
            self.max_frame_gap)

    def frame_paths_for(self, video_key: int, frame_index: int,
                        offsets: Sequence[int]) -> List[str]:
        """Paths of the frames at ``offsets`` from ``frame_index``, clamped
        to the video, looked up in the video's ``images`` list first."""
        names = clip_frame_names(self.videos[video_key]['frames'],
                                 frame_index, offsets)
        return [osp.join(self.data_prefix['img'], name) for name in names]

    def get_data_info(self, idx: int) -> dict:
        """Data info of sample ``idx`` with its frames (see the class
        docstring for the keys)."""
        data_info = super().get_data_info(idx)
        offsets = self.sample_offsets()
        data_info['frame_offsets'] = offsets
        data_info['key_frame_index'] = offsets.index(0)
        data_info['frame_paths'] = self.frame_paths_for(
            data_info['video_key'], data_info['frame_index'], offsets)
        return data_info
