# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack (2017 converted / 2018 / 21) video dataset for top-down video pose
estimation: one sample = one person box in one key frame plus its supporting
frames."""
import os.path as osp
from collections import Counter, defaultdict
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.fileio import exists, get_text, isdir, list_dir_or_file
from mmengine.logging import print_log
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS

FRAME_SAMPLING_MODES = ('fixed', 'random')
MISSING_FRAME_MODES = ('error', 'key_frame')


class PoseTrackAnnotationError(ValueError):
    """A PoseTrack annotation or detection file is empty or malformed.

    The message always names the file and, where it applies, the record (image
    or annotation id) and the field.
    """


def _load_json_file(path: str) -> object:
    """Read a JSON file with errors that name the file."""
    import json
    if not exists(path):
        raise FileNotFoundError(f'Annotation file not found: {path}')
    text = get_text(path)
    if not text.strip():
        raise PoseTrackAnnotationError(f'Annotation file {path} is empty.')
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise PoseTrackAnnotationError(
            f'Annotation file {path} is not valid JSON: {e}') from e


def _frame_number(file_name: str) -> Optional[int]:
    """``'images/val/x/000012.jpg'`` -> 12; ``None`` if the stem is not a
    number."""
    stem = osp.splitext(osp.basename(file_name))[0]
    return int(stem) if stem.isdigit() else None


def _file_name_for_index(key_file_name: str, index: int) -> str:
    """Build a neighbour's file name from the key frame's by file-name
    arithmetic (PoseTrack's zero-padded frame numbers)."""
    stem, ext = osp.splitext(osp.basename(key_file_name))
    return osp.join(
        osp.dirname(key_file_name),
        str(index).zfill(len(stem)) + ext)


def _posetrack18_metainfo_file() -> str:
    """mmpose's PoseTrack18 metainfo config, as an absolute path when the
    installed mmpose ships it (avoids mmpose's "file does not exist, using the
    matched one" warning)."""
    import mmpose
    rel = 'configs/_base_/datasets/posetrack18.py'
    path = osp.join(osp.dirname(mmpose.__file__), '.mim', rel)
    return path if osp.isfile(path) else rel


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
    or one merged file. 17 keypoints in PoseTrack18 order; the metainfo (flip
    pairs, sigmas, skeleton, colours) is mmpose's
    ``configs/_base_/datasets/posetrack18.py``.

    One sample is one person box in a key frame. Its frames are the key frame
    plus supporting frames at ``frame_offsets``, **in time order**, with the
    key frame's position given by ``key_frame_index``. Neighbouring frames are
    looked up in the annotation's own ``images`` list (same video,
    neighbouring frame index); only when that list lacks a frame is its file
    name built from the key frame's by frame-number arithmetic. Frame indices
    are clamped to ``[0, nframes - 1]`` (the edge frame is repeated).

    Frame index of an image: when a video's ``images`` list is complete
    (``nframes`` entries) it is the image's rank in the video ordered by
    ``frame_id`` (by ``file_name`` if a ``frame_id`` is missing). When the list
    is incomplete it is the file name's frame number (PoseTrack numbers frames
    from ``000000``).

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
    them, keeping detections of category 1 with ``score >= bbox_score_thr``
    (on labeled frames only if ``labeled_frames_only``). A box partly outside
    its image is clipped to it; a box entirely outside is an error naming the
    annotation (or detection) and the file. The image size comes from the
    ``images`` entry's ``width``/``height`` or else from the header of the
    video's first key frame; if neither is available the box is not checked
    (one warning per video).

    Skipped, counted and logged (``self.skip_counts``): crowd instances,
    instances without a box or with an empty box, and instances with no
    visible keypoint (in test mode too, as mmpose and poseval drop such GT
    persons). Malformed records are errors naming the file, the record and the
    field (:class:`PoseTrackAnnotationError`).

    Data info keys (see ``docs/architecture.md``, section 1): ``img_path``,
    ``frame_paths``, ``frame_offsets``, ``key_frame_index``, ``img_id``,
    ``id``, ``bbox`` (1, 4) xyxy, ``bbox_score`` (1,), ``keypoints``
    (1, 17, 2), ``keypoints_visible`` (1, 17), ``num_keypoints``,
    ``bbox_head`` (4,) xywh or None, ``track_id``, ``vid_id``, ``frame_id``,
    ``frame_index``, ``nframes``, ``is_labeled``, ``ignore_regions`` (list of
    (N, 2) float32 polygons), ``video_name``, ``category_id``, ``iscrowd``,
    ``missing_frame``, ``raw_ann_info`` (GT only), plus mmpose's metainfo keys
    (``flip_indices``, ``upper_body_ids``, ...).

    Args:
        ann_file (str): A folder of per-video JSON files, or one merged JSON
            file. Relative paths are joined with ``data_root``.
        bbox_file (str, optional): Detection results to use instead of GT
            boxes; test mode only. Defaults to ``None`` (GT boxes).
        bbox_score_thr (float): Detections with a lower score are dropped.
            Defaults to 0.0.
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

    METAINFO: dict = dict(from_file=_posetrack18_metainfo_file())

    def __init__(self,
                 ann_file: str = '',
                 bbox_file: Optional[str] = None,
                 bbox_score_thr: float = 0.0,
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
        offsets = [int(o) for o in frame_offsets]
        if (len(offsets) == 0 or 0 not in offsets
                or len(set(offsets)) != len(offsets)
                or any(o != f for o, f in zip(offsets, frame_offsets))):
            raise ValueError(
                'frame_offsets must be distinct integers containing 0 (the '
                f'key frame), got {list(frame_offsets)!r}.')
        if frame_sampling not in FRAME_SAMPLING_MODES:
            raise ValueError(f'Unknown frame_sampling {frame_sampling!r}; '
                             f'expected one of {FRAME_SAMPLING_MODES}.')
        if int(max_frame_gap) < 1:
            raise ValueError(
                f'max_frame_gap must be >= 1, got {max_frame_gap!r}.')
        if missing_frame not in MISSING_FRAME_MODES:
            raise ValueError(f'Unknown missing_frame {missing_frame!r}; '
                             f'expected one of {MISSING_FRAME_MODES}.')
        self.frame_offsets = sorted(offsets)
        self.key_frame_index = self.frame_offsets.index(0)
        self.frame_sampling = frame_sampling
        self.max_frame_gap = int(max_frame_gap)
        self.missing_frame = missing_frame
        self.bbox_score_thr = float(bbox_score_thr)
        self.labeled_frames_only = labeled_frames_only
        self.skip_counts: Counter = Counter()
        # video key -> dict(frames=[file_name or None]*nframes, ...)
        self.videos: Dict[int, dict] = {}

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
        if isdir(self.ann_file):
            files = sorted(
                osp.join(self.ann_file, f) for f in list_dir_or_file(
                    self.ann_file, list_dir=False, suffix='.json'))
            if not files:
                raise FileNotFoundError(
                    f'Annotation folder {self.ann_file} has no .json files.')
            return files
        if not exists(self.ann_file):
            raise FileNotFoundError(
                f'Annotation file or folder not found: {self.ann_file}')
        return [self.ann_file]

    def _check_fields(self, record: object, fields: Sequence[str], what: str,
                      path: str) -> None:
        if not isinstance(record, dict):
            raise PoseTrackAnnotationError(
                f'{path}: {what} should be a dict, got {type(record).__name__}'
                '.')
        for field in fields:
            if field not in record:
                raise PoseTrackAnnotationError(
                    f'{path}: {what} lacks the required field {field!r}.')

    def _read_annotation_file(self, path: str) -> Tuple[list, list]:
        """Load one file and check its top-level structure."""
        data = _load_json_file(path)
        if not isinstance(data, dict):
            raise PoseTrackAnnotationError(
                f'{path}: expected a JSON object with "images" and '
                f'"annotations", got {type(data).__name__}.')
        images = data.get('images')
        if not isinstance(images, list) or not images:
            raise PoseTrackAnnotationError(
                f'{path}: field "images" is missing, empty or not a list.')
        annotations = data.get('annotations')
        if annotations is None:
            if not self.bbox_file:
                raise PoseTrackAnnotationError(
                    f'{path}: field "annotations" is missing (needed for '
                    'ground-truth boxes).')
            annotations = []
        if not isinstance(annotations, list):
            raise PoseTrackAnnotationError(
                f'{path}: field "annotations" is not a list.')
        return images, annotations

    def _register_videos(self, path: str, images: list,
                         name_from_file: bool) -> Dict[object, dict]:
        """Group a file's images by video and build each video's frame table.

        Returns:
            dict: image id -> image record, with ``_video_key`` and
            ``_frame_index`` added.
        """
        by_video = defaultdict(list)
        img_by_id = {}
        for img in images:
            self._check_fields(img, ('file_name', 'id'), 'an entry of '
                               '"images"', path)
            if img['id'] in img_by_id:
                raise PoseTrackAnnotationError(
                    f'{path}: image id {img["id"]} appears twice in "images".')
            img_by_id[img['id']] = img
            vid = img.get('vid_id', osp.dirname(img['file_name']))
            by_video[vid].append(img)

        for vid, vid_images in by_video.items():
            key = len(self.videos)
            listed = len(vid_images)
            nframes_values = {
                img['nframes']
                for img in vid_images if 'nframes' in img
            }
            if len(nframes_values) > 1:
                raise PoseTrackAnnotationError(
                    f'{path}: video {vid!r} has inconsistent "nframes" '
                    f'values {sorted(nframes_values)}.')
            nframes = int(nframes_values.pop()) if nframes_values else listed
            if nframes < listed:
                raise PoseTrackAnnotationError(
                    f'{path}: video {vid!r} lists {listed} images but its '
                    f'"nframes" is {nframes}.')
            if all('frame_id' in img for img in vid_images):
                ordered = sorted(vid_images, key=lambda x: x['frame_id'])
                ids = [img['frame_id'] for img in ordered]
                if len(set(ids)) != len(ids):
                    raise PoseTrackAnnotationError(
                        f'{path}: video {vid!r} has duplicate "frame_id"s.')
            else:
                ordered = sorted(vid_images, key=lambda x: x['file_name'])

            frames: List[Optional[str]] = [None] * nframes
            if listed == nframes:
                for index, img in enumerate(ordered):
                    img['_frame_index'] = index
                    frames[index] = img['file_name']
            else:
                print_log(
                    f'{self.__class__.__name__}: the "images" list of video '
                    f'{vid!r} in {path} has {listed} of its {nframes} frames;'
                    ' frames missing from it are located by file-name '
                    'arithmetic.',
                    logger='current')
                for img in ordered:
                    index = _frame_number(img['file_name'])
                    if index is None or not 0 <= index < nframes:
                        raise PoseTrackAnnotationError(
                            f'{path}: video {vid!r} is incomplete and the '
                            f'frame number of {img["file_name"]!r} cannot be '
                            f'read from its file name (expected 0..'
                            f'{nframes - 1}).')
                    if frames[index] is not None:
                        raise PoseTrackAnnotationError(
                            f'{path}: video {vid!r} lists frame number '
                            f'{index} twice.')
                    img['_frame_index'] = index
                    frames[index] = img['file_name']

            if name_from_file:
                video_name = osp.splitext(osp.basename(path))[0]
            else:
                video_name = osp.basename(
                    osp.dirname(ordered[0]['file_name'])) or str(vid)
            self.videos[key] = dict(
                frames=frames,
                nframes=nframes,
                vid_id=vid,
                video_name=video_name,
                ann_file=path,
                size=None,
                size_checked=False)
            for img in vid_images:
                img['_video_key'] = key
        return img_by_id

    def _video_image_size(self, img: dict) -> Optional[Tuple[int, int]]:
        """(w, h) of a video's frames, from the annotation or a file header.

        Cached per video; ``None`` (with one warning) if unknown.
        """
        if 'width' in img and 'height' in img:
            return int(img['width']), int(img['height'])
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

    def _clip_bbox(self, xywh: Sequence[float], img: dict,
                   what: str) -> np.ndarray:
        """xywh -> clipped xyxy (1, 4) float32; error if entirely outside."""
        x, y, w, h = (float(v) for v in xywh)
        x1, y1, x2, y2 = x, y, x + w, y + h
        size = self._video_image_size(img)
        if size is not None:
            img_w, img_h = size
            if x1 >= img_w or y1 >= img_h or x2 <= 0 or y2 <= 0:
                raise ValueError(
                    f'{what}: box (x, y, w, h) = {list(xywh)} lies entirely '
                    f'outside its {img_w}x{img_h} image '
                    f'{img["file_name"]!r}.')
            x1, x2 = np.clip([x1, x2], 0, img_w - 1)
            y1, y2 = np.clip([y1, y2], 0, img_h - 1)
        return np.array([x1, y1, x2, y2], dtype=np.float32).reshape(1, 4)

    def _parse_ignore_regions(self, img: dict, path: str) -> List[np.ndarray]:
        xs = img.get('ignore_regions_x') or []
        ys = img.get('ignore_regions_y') or []
        if len(xs) != len(ys) or any(
                len(px) != len(py) for px, py in zip(xs, ys)):
            raise PoseTrackAnnotationError(
                f'{path}: image {img["id"]} has "ignore_regions_x" and '
                '"ignore_regions_y" of different lengths.')
        return [
            np.stack([
                np.asarray(px, dtype=np.float32),
                np.asarray(py, dtype=np.float32)
            ],
                     axis=-1) for px, py in zip(xs, ys)
        ]

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
            ignore_regions=self._parse_ignore_regions(img, path),
            video_name=video['video_name'],
            video_key=img['_video_key'],
            missing_frame=self.missing_frame,
            category_id=1,
        )

    def _skip(self, reason: str) -> None:
        self.skip_counts[reason] += 1

    def _parse_instance(self, ann: dict, img: dict, path: str,
                        num_keypoints: int) -> Optional[dict]:
        """Parse one GT person; ``None`` (counted) if it is skipped."""
        what = f'{path}: annotation {ann.get("id")!r}'
        kpts = ann.get('keypoints')
        if not isinstance(kpts, list) or len(kpts) != num_keypoints * 3:
            raise PoseTrackAnnotationError(
                f'{what}: field "keypoints" should be a list of '
                f'{num_keypoints * 3} numbers (x, y, v per keypoint), got '
                f'{len(kpts) if isinstance(kpts, list) else type(kpts)}.')
        kpts = np.asarray(kpts, dtype=np.float32).reshape(1, -1, 3)
        keypoints = kpts[..., :2]
        keypoints_visible = np.minimum(1, kpts[..., 2]).astype(np.float32)
        num_visible = int(np.count_nonzero(keypoints_visible))

        if ann.get('iscrowd', 0):
            self._skip('crowd')
            return None
        bbox = ann.get('bbox')
        if bbox is None or (isinstance(bbox, list) and len(bbox) == 0):
            self._skip('no_bbox')
            return None
        if not isinstance(bbox, list) or len(bbox) != 4:
            raise PoseTrackAnnotationError(
                f'{what}: field "bbox" should be [x, y, w, h], got {bbox!r}.')
        bbox_head = ann.get('bbox_head')
        if bbox_head is not None and bbox_head != []:
            if not isinstance(bbox_head, list) or len(bbox_head) != 4:
                raise PoseTrackAnnotationError(
                    f'{what}: field "bbox_head" should be [x, y, w, h], got '
                    f'{bbox_head!r}.')
            bbox_head = np.asarray(bbox_head, dtype=np.float32)
        else:
            bbox_head = None
        bbox_xyxy = self._clip_bbox(bbox, img, what)
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
            track_id=int(ann.get('track_id', -1)),
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
        all_images = {}
        for path in files:
            images, annotations = self._read_annotation_file(path)
            img_by_id = self._register_videos(path, images, name_from_file)
            for img_id, img in img_by_id.items():
                if img_id in all_images and self.bbox_file:
                    raise PoseTrackAnnotationError(
                        f'Image id {img_id} appears in both '
                        f'{all_images[img_id][1]} and {path}; detections '
                        'cannot be matched to images by id.')
                all_images[img_id] = (img, path)
            if self.bbox_file:
                continue
            for ann in annotations:
                self._check_fields(ann, ('image_id', 'id', 'keypoints'),
                                   'an entry of "annotations"', path)
                img = img_by_id.get(ann['image_id'])
                if img is None:
                    raise PoseTrackAnnotationError(
                        f'{path}: annotation {ann["id"]!r} refers to unknown '
                        f'image_id {ann["image_id"]!r} (not in "images").')
                info = self._parse_instance(ann, img, path, num_keypoints)
                if info is not None:
                    data_list.append(info)

        if self.bbox_file:
            data_list = self._load_detections(all_images, num_keypoints)
        if self.skip_counts:
            print_log(
                f'{self.__class__.__name__} ({self.ann_file}): kept '
                f'{len(data_list)} samples; skipped/flagged: '
                f'{dict(self.skip_counts)}',
                logger='current')
        if not data_list:
            print_log(
                f'{self.__class__.__name__}: no samples in {self.ann_file}.',
                logger='current',
                level=30)
        return data_list

    def _load_detections(self, all_images: dict,
                         num_keypoints: int) -> List[dict]:
        """Data infos from a COCO-style detection file (dummy keypoints)."""
        dets = _load_json_file(self.bbox_file)
        if not isinstance(dets, list):
            raise PoseTrackAnnotationError(
                f'{self.bbox_file}: expected a list of detections, got '
                f'{type(dets).__name__}.')
        name_to_id = {
            img['file_name']: img_id
            for img_id, (img, _) in all_images.items()
        }
        data_list = []
        for i, det in enumerate(dets):
            what = f'{self.bbox_file}: detection #{i}'
            self._check_fields(det, ('bbox', 'score'), f'detection #{i}',
                               self.bbox_file)
            if 'image_id' in det:
                img_id = det['image_id']
            elif 'image_name' in det:
                img_id = name_to_id.get(det['image_name'], det['image_name'])
            else:
                raise PoseTrackAnnotationError(
                    f'{what} has neither "image_id" nor "image_name".')
            if img_id not in all_images:
                raise PoseTrackAnnotationError(
                    f'{what} refers to image {img_id!r}, which is not in the '
                    f'annotation files ({self.ann_file}).')
            if det.get('category_id', 1) != 1:
                self._skip('det_not_person')
                continue
            if float(det['score']) < self.bbox_score_thr:
                self._skip('det_below_score_thr')
                continue
            img, path = all_images[img_id]
            if (self.labeled_frames_only
                    and not bool(img.get('is_labeled', True))):
                self._skip('det_on_unlabeled_frame')
                continue
            if not isinstance(det['bbox'], list) or len(det['bbox']) < 4:
                raise PoseTrackAnnotationError(
                    f'{what}: field "bbox" should be [x, y, w, h], got '
                    f'{det["bbox"]!r}.')
            bbox = self._clip_bbox(det['bbox'][:4], img, what)
            if bbox[0, 2] <= bbox[0, 0] or bbox[0, 3] <= bbox[0, 1]:
                self._skip('empty_bbox')
                continue
            info = self._frame_info(img, path)
            info.update(
                id=len(data_list),
                bbox=bbox,
                bbox_score=np.array([det['score']], dtype=np.float32),
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
        n_before = self.key_frame_index
        n_after = len(self.frame_offsets) - 1 - n_before
        gaps = np.random.randint(
            1, self.max_frame_gap + 1, size=n_before + n_after)
        before = -np.cumsum(gaps[:n_before])[::-1]
        after = np.cumsum(gaps[n_before:])
        return [int(o) for o in before] + [0] + [int(o) for o in after]

    def frame_paths_for(self, video_key: int, frame_index: int,
                        offsets: Sequence[int]) -> List[str]:
        """Paths of the frames at ``offsets`` from ``frame_index``, clamped
        to the video, looked up in the video's ``images`` list first."""
        video = self.videos[video_key]
        frames = video['frames']
        key_name = frames[frame_index]
        paths = []
        for offset in offsets:
            index = min(max(frame_index + offset, 0), video['nframes'] - 1)
            name = frames[index]
            if name is None:
                name = _file_name_for_index(key_name, index)
            paths.append(osp.join(self.data_prefix['img'], name))
        return paths

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
