# Copyright (c) tdmi_mmpose contributors.
"""The PoseTrack file format, in one place.

Every reader and writer of PoseTrack18-layout JSON (the dataset, the metric,
the person-box reader, the sample-data generator and the converters) calls
these functions, so each rule of the format is written once:

- loading a file (:func:`load_json`), with errors that name the file;
- the keypoints (names from mmpose's ``posetrack18`` metainfo) and the
  ``categories`` entry written to files (:func:`posetrack_categories`);
- one record at a time: an image (:func:`check_image_record`), an
  annotation's keypoints (:func:`parse_keypoints`) and boxes
  (:func:`parse_xywh`), a detection (:func:`parse_detection`), ignore
  regions (:func:`parse_ignore_regions`);
- videos: which video an image belongs to (:func:`video_key`), a video's
  name (:func:`video_name`), splitting a merged file (:func:`split_videos`);
- frames: frame numbers from file names (:func:`frame_number`), frame order
  (:func:`order_frames`) and a video's frame table (:func:`frame_table`);
- boxes: ``xywh`` to ``xyxy`` and the one clipping rule (:func:`clip_boxes`,
  ``[0, w] x [0, h]`` as mmpose's ``bbox_clip_border``).

Errors are :class:`PoseTrackFormatError` (a ``ValueError``) and name the
file, the record and the field.
"""
import json
import numbers
import os.path as osp
import re
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine import fileio
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.structures.bbox import bbox_clip_border, bbox_xywh2xyxy

#: ``category_id`` of a person in COCO and PoseTrack files.
PERSON_CATEGORY_ID = 1


class PoseTrackFormatError(ValueError):
    """A PoseTrack file (annotations, detections, predictions) is empty,
    malformed or inconsistent.

    The message always names the file and, where it applies, the record
    (image, annotation or detection) and the field.
    """


# ---------------------------------------------------------------------------
# Keypoints and categories
# ---------------------------------------------------------------------------
def posetrack18_metainfo_file() -> str:
    """mmpose's PoseTrack18 metainfo config, as an absolute path when the
    installed mmpose ships it (avoids mmpose's "file does not exist, using the
    matched one" warning).

    Returns:
        str: The path of ``configs/_base_/datasets/posetrack18.py``.
    """
    import mmpose
    rel = 'configs/_base_/datasets/posetrack18.py'
    path = osp.join(osp.dirname(mmpose.__file__), '.mim', rel)
    return path if osp.isfile(path) else rel


#: mmpose's parsed PoseTrack18 metainfo (names, flip pairs, sigmas, ...).
POSETRACK18_METAINFO = parse_pose_metainfo(
    dict(from_file=posetrack18_metainfo_file()))

#: PoseTrack18 keypoint names, in annotation order (from mmpose's metainfo).
POSETRACK18_KEYPOINT_NAMES = tuple(
    POSETRACK18_METAINFO['keypoint_id2name'][i]
    for i in range(POSETRACK18_METAINFO['num_keypoints']))

#: The ``categories[].skeleton`` of the PoseTrack18 release files (1-based
#: keypoint indices, 19 links). mmpose's metainfo ``skeleton_links`` is the
#: drawing skeleton (16 links) and does not list the head-ear links the
#: release files carry, so the release's list is kept here, once.
POSETRACK18_SKELETON = ((16, 14), (14, 12), (17, 15), (15, 13), (12, 13),
                        (6, 12), (7, 13), (6, 7), (6, 8), (7, 9), (8, 10),
                        (9, 11), (2, 3), (1, 2), (1, 3), (2, 4), (3, 5),
                        (4, 6), (5, 7))


def posetrack_categories(
        keypoint_names: Sequence[str] = POSETRACK18_KEYPOINT_NAMES,
        skeleton: Sequence[Sequence[int]] = POSETRACK18_SKELETON
) -> List[dict]:
    """The ``categories`` list of a PoseTrack18-layout file.

    Args:
        keypoint_names (Sequence[str]): The keypoint names. Defaults to
            PoseTrack18's.
        skeleton (Sequence[Sequence[int]]): 1-based keypoint index pairs.
            Defaults to the PoseTrack18 release skeleton.

    Returns:
        list[dict]: One ``person`` category (``supercategory``, ``name``,
        ``id``, ``keypoints``, ``skeleton``).
    """
    return [
        OrderedDict(
            supercategory='person',
            name='person',
            id=PERSON_CATEGORY_ID,
            keypoints=list(keypoint_names),
            skeleton=[list(link) for link in skeleton])
    ]


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------
def load_json(path: str, what: str = 'File') -> object:
    """Load a JSON file with :func:`mmengine.fileio.load`.

    Args:
        path (str): The file (any mmengine file backend).
        what (str): How to name the file in errors. Defaults to ``'File'``.

    Returns:
        object: The parsed JSON.

    Raises:
        FileNotFoundError: The file does not exist.
        PoseTrackFormatError: The file is empty or not valid JSON.
    """
    if not fileio.exists(path):
        raise FileNotFoundError(f'{what} not found: {path}')
    try:
        return fileio.load(path, file_format='json')
    except json.JSONDecodeError as e:
        if not e.doc.strip():
            raise PoseTrackFormatError(f'{what} {path} is empty.') from None
        detail = e
    except UnicodeDecodeError as e:
        detail = e
    raise PoseTrackFormatError(
        f'{path}: not valid JSON (malformed JSON: {detail}).')


def check_fields(record: object, fields: Sequence[str], where: str) -> None:
    """Check that a record is a dict with the given fields.

    Args:
        record (object): The record (an entry of ``images``,
            ``annotations``, a detection, ...).
        fields (Sequence[str]): The required fields.
        where (str): The file and the record, for errors (e.g.
            ``'a.json: an entry of "images"'``).
    """
    if not isinstance(record, dict):
        raise PoseTrackFormatError(
            f'{where} should be a dict, got {type(record).__name__}.')
    for field in fields:
        if field not in record:
            raise PoseTrackFormatError(
                f'{where} lacks the required field {field!r}.')


def read_video_file(path: str,
                    need_annotations: bool = True) -> Tuple[list, list]:
    """Load a PoseTrack18-layout file and check its top-level structure.

    Args:
        path (str): The file (one video, or several merged).
        need_annotations (bool): Whether a missing ``annotations`` field is
            an error (else it reads as empty, as in PoseTrack test sets).
            Defaults to ``True``.

    Returns:
        tuple[list, list]: ``images`` (non-empty) and ``annotations``.
    """
    data = load_json(path, 'Annotation file')
    if not isinstance(data, dict):
        raise PoseTrackFormatError(
            f'{path}: expected a JSON object with "images" and '
            f'"annotations", got {type(data).__name__}.')
    images = data.get('images')
    if not isinstance(images, list) or not images:
        raise PoseTrackFormatError(
            f'{path}: field "images" is missing, empty or not a list.')
    annotations = data.get('annotations')
    if annotations is None:
        if need_annotations:
            raise PoseTrackFormatError(
                f'{path}: field "annotations" is missing (needed for '
                'ground-truth boxes).')
        annotations = []
    if not isinstance(annotations, list):
        raise PoseTrackFormatError(
            f'{path}: field "annotations" is not a list.')
    return images, annotations


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------
def as_numbers(values: object, where: str) -> np.ndarray:
    """A list of numbers as a float64 array; ``null``, strings and nesting
    are errors naming ``where``.

    Args:
        values (object): The JSON value.
        where (str): The file, record and field, for errors.

    Returns:
        np.ndarray: float64, shape (N, ).
    """
    if not isinstance(values, (list, tuple)) or any(
            not isinstance(v, numbers.Real) for v in values):
        raise PoseTrackFormatError(
            f'{where} must be numbers, got {str(values)[:80]}.')
    return np.array(values, dtype=np.float64).reshape(-1)


def annotation_where(ann: dict, source: str) -> str:
    """How an annotation is named in errors.

    Args:
        ann (dict): The annotation.
        source (str): Its file.

    Returns:
        str: E.g. ``'a.json: annotation id=3 (image_id=7)'``.
    """
    return (f'{source}: annotation id={ann.get("id")!r} '
            f'(image_id={ann.get("image_id")!r})')


def check_image_record(image: object, source: str) -> None:
    """Check an entry of ``images``: a dict with ``id`` and ``file_name``.

    Args:
        image (object): The entry.
        source (str): Its file.
    """
    check_fields(image, ('file_name', 'id'), f'{source}: an entry of "images"')


def parse_keypoints(ann: dict, num_keypoints: int, where: str) -> np.ndarray:
    """An annotation's ``keypoints``: ``num_keypoints`` triples x, y, v.

    Args:
        ann (dict): The annotation (or prediction).
        num_keypoints (int): K, from the dataset's metainfo.
        where (str): The file and record, for errors.

    Returns:
        np.ndarray: float64, shape (K, 3).
    """
    keypoints = ann.get('keypoints')
    if not isinstance(keypoints, list) or \
            len(keypoints) != 3 * num_keypoints:
        got = (f'{len(keypoints)} values' if isinstance(keypoints, list) else
               type(keypoints).__name__)
        raise PoseTrackFormatError(
            f'{where}: field "keypoints" should be a list of x, y, v per '
            f'keypoint; got {got}, expected {num_keypoints} keypoints x 3 = '
            f'{3 * num_keypoints} numbers.')
    return as_numbers(keypoints, f'{where}: field "keypoints"').reshape(
        num_keypoints, 3)


def parse_xywh(value: object, field: str, where: str) -> Optional[np.ndarray]:
    """A box field ``[x, y, w, h]`` (``bbox``, ``bbox_head``).

    Args:
        value (object): The field's value.
        field (str): The field's name, for errors.
        where (str): The file and record, for errors.

    Returns:
        np.ndarray, optional: float64 (4, ); ``None`` if the field is
        missing (``None``) or empty.
    """
    if value is None or (isinstance(value, list) and len(value) == 0):
        return None
    if not isinstance(value, list) or len(value) != 4:
        raise PoseTrackFormatError(
            f'{where}: field "{field}" should be [x, y, w, h], got {value!r}.')
    return as_numbers(value, f'{where}: field "{field}"')


def parse_detection(det: object, where: str) -> dict:
    """A detection record (COCO detection results and person-box files):
    ``bbox`` ``[x, y, w, h]`` (further values ignored), ``score`` (1 if
    absent) and ``category_id`` (person if absent). Which frame it belongs to
    (``image_id``, ``image_name``, ``frame_index``) is up to the caller.

    Args:
        det (object): The record.
        where (str): The file and record, for errors.

    Returns:
        dict: ``bbox`` (float64 (4, ) xywh), ``score`` (float),
        ``category_id``.
    """
    check_fields(det, ('bbox', ), where)
    bbox, score = det['bbox'], det.get('score', 1.0)
    try:
        if not isinstance(bbox, (list, tuple)) or len(bbox) < 4:
            raise TypeError
        xywh = as_numbers(list(bbox[:4]), where)
        score = as_numbers([score], where)[0]
    except (TypeError, PoseTrackFormatError):
        raise PoseTrackFormatError(
            f'{where}: "bbox" must be 4 numbers [x, y, w, h] and "score" a '
            f'number, got bbox={bbox!r}, score={score!r}.') from None
    return dict(
        bbox=xywh,
        score=float(score),
        category_id=det.get('category_id', PERSON_CATEGORY_ID))


def parse_ignore_regions(image: dict, where: str) -> List[np.ndarray]:
    """The ignore-region polygons of an image (``ignore_regions_x/_y``).

    Both fields must hold as many polygons, and every polygon as many x as
    y values.

    Args:
        image (dict): The entry of ``images``.
        where (str): The file and record, for errors.

    Returns:
        list[np.ndarray]: float64 polygons, each (N_i, 2).
    """
    regions_x = image.get('ignore_regions_x') or []
    regions_y = image.get('ignore_regions_y') or []
    if len(regions_x) != len(regions_y) or any(
            not isinstance(xs, list) or not isinstance(ys, list)
            or len(xs) != len(ys) for xs, ys in zip(regions_x, regions_y)):
        raise PoseTrackFormatError(
            f'{where}: "ignore_regions_x" and "ignore_regions_y" are not '
            'lists of polygons of matching lengths.')
    return [
        np.stack([
            as_numbers(xs, f'{where}: field "ignore_regions_x"'),
            as_numbers(ys, f'{where}: field "ignore_regions_y"')
        ],
                 axis=1) for xs, ys in zip(regions_x, regions_y)
    ]


# ---------------------------------------------------------------------------
# Boxes
# ---------------------------------------------------------------------------
def xywh_to_xyxy(xywh: np.ndarray) -> np.ndarray:
    """``[x, y, w, h]`` boxes to ``[x1, y1, x2, y2]`` (float64).

    Args:
        xywh (np.ndarray): (N, 4) or (4, ), extra columns kept.

    Returns:
        np.ndarray: float64, shape (N, 4+).
    """
    boxes = np.array(xywh, dtype=np.float64).reshape(-1, np.shape(xywh)[-1])
    return bbox_xywh2xyxy(boxes)


def boxes_outside(xyxy: np.ndarray, img_wh: Tuple[int, int]) -> np.ndarray:
    """Which boxes lie entirely outside a ``w x h`` image.

    Args:
        xyxy (np.ndarray): (N, 4+) boxes.
        img_wh (tuple[int, int]): The image's (w, h).

    Returns:
        np.ndarray: bool, shape (N, ).
    """
    w, h = img_wh
    x1, y1, x2, y2 = (xyxy[:, i] for i in range(4))
    return (x1 >= w) | (y1 >= h) | (x2 <= 0) | (y2 <= 0)


def clip_boxes(xyxy: np.ndarray, img_wh: Tuple[int, int]) -> np.ndarray:
    """Clip boxes to their image: ``[0, w] x [0, h]`` (mmpose's
    ``bbox_clip_border``), the one clipping rule of the package.

    Args:
        xyxy (np.ndarray): (N, 4) boxes, or (N, 5) with a score column
            (kept).
        img_wh (tuple[int, int]): The image's (w, h).

    Returns:
        np.ndarray: A clipped copy.
    """
    clipped = np.array(xyxy, copy=True)
    bbox_clip_border(clipped[..., :4], img_wh)
    return clipped


# ---------------------------------------------------------------------------
# Videos
# ---------------------------------------------------------------------------
def video_key(image: dict) -> object:
    """The video of an image: its ``vid_id``, else its image folder.

    Args:
        image (dict): The entry of ``images``.

    Returns:
        object: The ``vid_id`` or the folder of ``file_name``.
    """
    if 'vid_id' in image:
        return image['vid_id']
    return osp.dirname(str(image.get('file_name', '')).replace('\\', '/'))


def image_folder(image: dict) -> str:
    """The name of the folder of an image's file (e.g. ``000342_mpii``)."""
    return osp.basename(
        osp.dirname(str(image.get('file_name', '')).replace('\\', '/')))


def video_name(images: Sequence[dict], key: object) -> str:
    """A video's name: the folder of its first image (the official
    per-video file name without ``.json``), else its key.

    Args:
        images (Sequence[dict]): The video's images.
        key (object): Its :func:`video_key`.

    Returns:
        str: The name.
    """
    return image_folder(images[0]) or str(key)


def group_videos(images: Sequence[dict]) -> 'OrderedDict[object, list]':
    """Group images by :func:`video_key`, in order of first appearance.

    Args:
        images (Sequence[dict]): Entries of ``images``.

    Returns:
        OrderedDict: Video key -> its images, in file order.
    """
    groups = OrderedDict()
    for image in images:
        groups.setdefault(video_key(image), []).append(image)
    return groups


def split_videos(data: object, source: str) -> 'OrderedDict[str, dict]':
    """Split a (merged) PoseTrack18-layout file into its videos.

    Images are grouped by :func:`video_key`; a video lies in one image
    folder and is named after it (:func:`video_name`). Image and annotation
    ids are unique, every annotation refers to an image of the file, and
    images and annotations keep the file's order.

    Args:
        data (object): The loaded JSON (``images``, ``annotations``,
            ``categories``).
        source (str): The file, for errors.

    Returns:
        OrderedDict[str, dict]: Video name -> ``images``, ``annotations``,
        ``categories`` (the file's).
    """
    if not isinstance(data, dict):
        raise PoseTrackFormatError(f'{source}: top level must be an object.')
    for field in ('images', 'annotations'):
        if not isinstance(data.get(field), list):
            raise PoseTrackFormatError(
                f'{source}: field "{field}" is missing or not a list.')
    image_video = {}
    groups = group_videos(data['images'])
    for key, images in groups.items():
        for image in images:
            check_image_record(image, source)
            if image['id'] in image_video:
                raise PoseTrackFormatError(
                    f'{source}: image id {image["id"]} (field "images.id") '
                    'appears twice.')
            image_video[image['id']] = key
    annotations = OrderedDict((key, []) for key in groups)
    seen = set()
    for ann in data['annotations']:
        check_fields(ann, ('id', 'image_id'),
                     f'{source}: an entry of "annotations"')
        if ann['id'] in seen:
            raise PoseTrackFormatError(
                f'{source}: annotation id {ann["id"]} (field '
                '"annotations.id") appears twice.')
        seen.add(ann['id'])
        if ann['image_id'] not in image_video:
            raise PoseTrackFormatError(
                f'{source}: annotation {ann["id"]} refers to image_id '
                f'{ann["image_id"]} (field "annotations.image_id"), which '
                'is not in "images".')
        annotations[image_video[ann['image_id']]].append(ann)

    videos, keys = OrderedDict(), {}
    for key, images in groups.items():
        folders = sorted({image_folder(image) for image in images})
        if len(folders) > 1:
            raise PoseTrackFormatError(
                f'{source}: images of vid_id {key!r} lie in image folders '
                f'{folders} (field "images.file_name"); a video needs '
                'exactly one.')
        name = video_name(images, key)
        if name in keys:
            raise PoseTrackFormatError(
                f'{source}: videos {keys[name]!r} and {key!r} are both named '
                f'{name!r} (their image folder).')
        keys[name] = key
        videos[name] = OrderedDict(
            images=images,
            annotations=annotations[key],
            categories=data.get('categories', []))
    return videos


# ---------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------
_FRAME_STEM = re.compile(r'[0-9]+')


def frame_number(file_name: str) -> Optional[int]:
    """The frame number of a file name.

    Args:
        file_name (str): E.g. ``'images/val/x/000012.jpg'``.

    Returns:
        int, optional: ``12``; ``None`` if the stem is not a number.
    """
    stem = osp.splitext(osp.basename(file_name))[0]
    return int(stem) if _FRAME_STEM.fullmatch(stem) else None


def frame_file_name(key_file_name: str, number: int) -> str:
    """The file name of frame ``number`` of the video of ``key_file_name``
    (same folder, zero padding and extension).

    Args:
        key_file_name (str): A frame's file name, e.g. ``'a/000003.jpg'``.
        number (int): The frame number wanted.

    Returns:
        str: E.g. ``'a/000005.jpg'``.
    """
    stem, ext = osp.splitext(osp.basename(key_file_name))
    return osp.join(
        osp.dirname(key_file_name),
        str(number).zfill(len(stem)) + ext)


def order_frames(images: Sequence[dict]) -> List[dict]:
    """A video's images in time order: by ``frame_id`` when every image has
    one, else by ``file_name`` (PoseTrack file names are frame numbers).

    Args:
        images (Sequence[dict]): One video's images.

    Returns:
        list[dict]: The images, ordered.
    """
    if all('frame_id' in image for image in images):
        return sorted(images, key=lambda image: image['frame_id'])
    return sorted(images, key=lambda image: image.get('file_name', ''))


def frame_table(images: Sequence[dict], where: str
                ) -> Tuple[List[Optional[str]], Dict[object, int], bool]:
    """A video's frames: the file name and frame index of each image.

    When the ``images`` list is complete (``nframes`` entries, or no
    ``nframes``), an image's frame index is its rank in
    :func:`order_frames`. When it is incomplete, it is the file name's
    frame number (PoseTrack numbers frames from ``000000``).

    Args:
        images (Sequence[dict]): One video's images.
        where (str): The file and video, for errors.

    Returns:
        tuple:
        - frames (list[str | None]): ``nframes`` file names, ``None`` where
          the list lacks the frame.
        - index (dict): Image id -> frame index.
        - complete (bool): Whether the list has every frame.
    """
    listed = len(images)
    nframes_values = {image['nframes'] for image in images
                      if 'nframes' in image}
    if len(nframes_values) > 1:
        raise PoseTrackFormatError(
            f'{where} has inconsistent "nframes" values '
            f'{sorted(nframes_values)}.')
    nframes = int(nframes_values.pop()) if nframes_values else listed
    if nframes < listed:
        raise PoseTrackFormatError(
            f'{where} lists {listed} images but its "nframes" is {nframes}.')
    ordered = order_frames(images)
    if all('frame_id' in image for image in images):
        frame_ids = [image['frame_id'] for image in ordered]
        if len(set(frame_ids)) != len(frame_ids):
            raise PoseTrackFormatError(f'{where} has duplicate "frame_id"s.')
    frames: List[Optional[str]] = [None] * nframes
    index = {}
    for rank, image in enumerate(ordered):
        if listed == nframes:
            number = rank
        else:
            number = frame_number(image['file_name'])
            if number is None or not 0 <= number < nframes:
                raise PoseTrackFormatError(
                    f'{where} is incomplete and the frame number of '
                    f'{image["file_name"]!r} cannot be read from its file '
                    f'name (expected 0..{nframes - 1}).')
            if frames[number] is not None:
                raise PoseTrackFormatError(
                    f'{where} lists frame number {number} twice.')
        frames[number] = image['file_name']
        index[image['id']] = number
    return frames, index, listed == nframes
