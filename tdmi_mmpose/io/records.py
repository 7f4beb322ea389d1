# Copyright (c) tdmi_mmpose contributors.
"""One PoseTrack record at a time: images, annotations (keypoints, boxes),
detections and ignore regions. Errors name the file, record and field."""
import numbers
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..utils.errors import InputError
from .json_files import check_fields
from .keypoints import PERSON_CATEGORY_ID

#: Allowed keypoint visibility flags in ground truth, as COCO and PoseTrack18:
#: 0 not annotated, 1 annotated (PoseTrack18 and PoseTrack21 use 0 and 1),
#: 2 annotated and visible (COCO). Anything else (-1, NaN, 0.5) is an error.
VISIBILITY_FLAGS = (0, 1, 2)

#: Largest absolute pixel position or box size read from a file (keypoints,
#: boxes, ignore regions): no video frame is that large, and a value above it
#: (e.g. ``1e30`` from a broken export) is an error, not a far-away point.
#: Well within float32 range, so no value turns infinite in training.
COORDINATE_LIMIT = 1e5


def as_numbers(values: object, where: str, finite: bool = True) -> np.ndarray:
    """A list of numbers as a float64 array; ``null``, booleans, strings,
    nesting and (by default) NaN or infinite values are errors naming
    ``where``.

    Args:
        values (object): The JSON value.
        where (str): The file, record and field, for errors.
        finite (bool): Whether NaN and infinities are errors. Defaults to
            ``True``.

    Returns:
        np.ndarray: float64, shape (N, ).
    """
    if not isinstance(values, (list, tuple)) or any(
            isinstance(v, bool) or not isinstance(v, numbers.Real)
            for v in values):
        raise InputError(
            f'{where} must be numbers, got {str(values)[:80]}.')
    array = np.array(values, dtype=np.float64).reshape(-1)
    if finite:
        check_finite(array, where)
    return array


def check_finite(values: object, where: str) -> np.ndarray:
    """Check that every value is a finite number (no NaN, no infinity).

    Args:
        values (object): Numbers (array-like of any shape: keypoints, boxes,
            scores, from a file or a model).
        where (str): The file, record and field (or the prediction), for
            errors.

    Returns:
        np.ndarray: ``values`` as an array, unchanged.

    Raises:
        InputError: Naming ``where``, the first bad value and its
            (flat) index.
    """
    array = np.asarray(values)
    if array.dtype.kind in 'fc':
        bad = np.flatnonzero(~np.isfinite(array))
        if bad.size:
            raise InputError(
                f'{where}: value {array.reshape(-1)[bad[0]]!r} at index '
                f'{int(bad[0])} is not a finite number ({bad.size} non-finite '
                'value(s) in all).')
    return array


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


def is_json_integer(value: object) -> bool:
    """Whether a JSON value is an integral number (not a boolean)."""
    return (not isinstance(value, bool) and isinstance(value, numbers.Real)
            and bool(np.isfinite(value)) and float(value).is_integer())


def check_image_record(image: object, source: str) -> None:
    """Check an entry of ``images``: a dict with ``id`` (an integer or a
    string) and ``file_name`` (a non-empty string); ``frame_id`` (an
    integer) and ``is_labeled`` (a boolean, 0 or 1) where present.

    Args:
        image (object): The entry.
        source (str): Its file.

    Raises:
        InputError: Naming the file, the image and the field.
    """
    check_fields(image, ('file_name', 'id'), f'{source}: an entry of "images"')
    image_id = image['id']
    if not (is_json_integer(image_id) or isinstance(image_id, str)):
        raise InputError(
            f'{source}: an entry of "images": field "id" must be an integer '
            f'or a string, got {image_id!r}.')
    where = f'{source}: image {image_id!r}'
    if not isinstance(image['file_name'], str) or not image['file_name']:
        raise InputError(
            f'{where}: field "file_name" must be a non-empty string, got '
            f'{image["file_name"]!r}.')
    if 'frame_id' in image and not is_json_integer(image['frame_id']):
        raise InputError(
            f'{where}: field "frame_id" must be an integer, got '
            f'{image["frame_id"]!r}.')
    if 'is_labeled' in image and image['is_labeled'] not in (True, False):
        raise InputError(
            f'{where}: field "is_labeled" must be true or false, got '
            f'{image["is_labeled"]!r}.')


def register_image_ids(images: Sequence[dict], source: str,
                       owners: Dict[object, str],
                       owner: Optional[str] = None) -> None:
    """Record the file (or video) of each image id: image ids are unique
    within and across the files and videos of a dataset.

    Args:
        images (Sequence[dict]): Entries of ``images`` (with ``id``).
        source (str): Their file, for errors.
        owners (dict): Image id -> owner so far; updated in place.
        owner (str, optional): What to record for these images. Defaults
            to ``source``.
    """
    owner = source if owner is None else owner
    for image in images:
        other = owners.get(image['id'])
        if other == owner:
            raise InputError(
                f'{source}: image id {image["id"]} appears twice in '
                '"images".')
        if other is not None:
            raise InputError(
                f'{source}: image id {image["id"]} (field "images.id") '
                f'collides with an image of {other}.')
        owners[image['id']] = owner


def check_coordinates(values: np.ndarray, where: str) -> np.ndarray:
    """Check that positions (pixels) lie within :data:`COORDINATE_LIMIT`.

    Args:
        values (np.ndarray): Finite positions or sizes, any shape.
        where (str): The file, record and field, for errors.

    Returns:
        np.ndarray: ``values``, unchanged.

    Raises:
        InputError: Naming ``where`` and the first value out of
            range.
    """
    bad = np.flatnonzero(np.abs(values) > COORDINATE_LIMIT)
    if bad.size:
        raise InputError(
            f'{where}: value {values.reshape(-1)[bad[0]]!r} at index '
            f'{int(bad[0])} is not a pixel position or size (|value| > '
            f'{COORDINATE_LIMIT:g}).')
    return values


def parse_keypoints(ann: dict,
                    num_keypoints: int,
                    where: str,
                    ground_truth: bool = True) -> np.ndarray:
    """An annotation's ``keypoints``: ``num_keypoints`` triples x, y, v.

    Every value must be a finite number. In ground truth the flags ``v``
    must be one of :data:`VISIBILITY_FLAGS` and the positions lie within
    :data:`COORDINATE_LIMIT`; in predictions the third value is a score and
    only has to be finite.

    Args:
        ann (dict): The annotation (or prediction).
        num_keypoints (int): K, from the dataset's metainfo.
        where (str): The file and record, for errors.
        ground_truth (bool): Whether ``ann`` is ground truth. Defaults to
            ``True``.

    Returns:
        np.ndarray: float64, shape (K, 3).

    Raises:
        InputError: Naming ``where``, the field and the value.
    """
    keypoints = ann.get('keypoints')
    if not isinstance(keypoints, list) or \
            len(keypoints) != 3 * num_keypoints:
        got = (f'{len(keypoints)} values' if isinstance(keypoints, list) else
               type(keypoints).__name__)
        raise InputError(
            f'{where}: field "keypoints" should be a list of x, y, v per '
            f'keypoint; got {got}, expected {num_keypoints} keypoints x 3 = '
            f'{3 * num_keypoints} numbers.')
    field = f'{where}: field "keypoints"'
    triples = as_numbers(keypoints, field).reshape(num_keypoints, 3)
    if ground_truth:
        check_coordinates(triples[:, :2], field)
        bad = np.flatnonzero(~np.isin(triples[:, 2], VISIBILITY_FLAGS))
        if bad.size:
            k = int(bad[0])
            raise InputError(
                f'{field}: visibility flag {triples[k, 2]:g} of keypoint {k} '
                f'(value index {3 * k + 2}) is not one of '
                f'{list(VISIBILITY_FLAGS)}.')
    return triples


def parse_xywh(value: object, field: str, where: str) -> Optional[np.ndarray]:
    """A box field ``[x, y, w, h]`` (``bbox``, ``bbox_head``): finite numbers
    within :data:`COORDINATE_LIMIT`.

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
        raise InputError(
            f'{where}: field "{field}" should be [x, y, w, h], got {value!r}.')
    return check_coordinates(
        as_numbers(value, f'{where}: field "{field}"'),
        f'{where}: field "{field}"')


def parse_head_box(value: object, where: str) -> Optional[np.ndarray]:
    """A ground-truth ``bbox_head`` ``[x, y, w, h]``: PoseTrack AP's head
    size (PCKh), so its width and height must be positive.

    Args:
        value (object): The field's value.
        where (str): The file and record, for errors.

    Returns:
        np.ndarray, optional: float64 (4, ); ``None`` if missing or empty.

    Raises:
        InputError: Not 4 finite numbers, or a zero or negative
            width or height (a head size of 0 would match no keypoint).
    """
    box = parse_xywh(value, 'bbox_head', where)
    if box is not None and (box[2] <= 0 or box[3] <= 0):
        raise InputError(
            f'{where}: field "bbox_head" {value!r} has a zero or negative '
            'width or height; the head box gives the PCKh head size.')
    return box


def parse_track_id(ann: dict, where: str) -> int:
    """An annotation's ``track_id``: an integer; absent reads as ``-1``.

    Args:
        ann (dict): The annotation.
        where (str): The file and record, for errors.

    Returns:
        int: The id, ``-1`` if the annotation has no ``track_id``.

    Raises:
        InputError: ``null``, a boolean, a string or a
            non-integral number.
    """
    if 'track_id' not in ann:
        return -1
    track_id = ann['track_id']
    if not is_json_integer(track_id):
        raise InputError(
            f'{where}: field "track_id" must be an integer, got '
            f'{track_id!r}.')
    return int(track_id)


def parse_annotation(ann: dict, num_keypoints: int, where: str) -> dict:
    """The numbers of a ground-truth annotation, each checked by its rule:
    :func:`parse_keypoints`, :func:`parse_xywh` (``bbox`` and ``bbox_head``)
    and :func:`parse_track_id`. The head box's size matters only to the
    PoseTrack AP metric, which checks it with :func:`parse_head_box`; a
    training file with a zero-size head box still trains.

    Args:
        ann (dict): The annotation.
        num_keypoints (int): K.
        where (str): The file and record, for errors.

    Returns:
        dict: ``keypoints`` (K, 3), ``bbox`` and ``bbox_head`` ((4, ) or
        ``None``) as float64, ``track_id`` (int, -1 if absent).
    """
    return dict(
        keypoints=parse_keypoints(ann, num_keypoints, where),
        bbox=parse_xywh(ann.get('bbox'), 'bbox', where),
        bbox_head=parse_xywh(ann.get('bbox_head'), 'bbox_head', where),
        track_id=parse_track_id(ann, where))


def parse_image_size(image: dict, where: str) -> Optional[Tuple[int, int]]:
    """An image's ``(width, height)``, when it has both fields.

    Args:
        image (dict): The entry of ``images``.
        where (str): The file and record, for errors.

    Returns:
        tuple[int, int], optional: ``None`` if ``width`` or ``height`` is
        absent.

    Raises:
        InputError: A size that is not a positive integer.
    """
    if 'width' not in image or 'height' not in image:
        return None
    size = []
    for field in ('width', 'height'):
        value = image[field]
        if not is_json_integer(value) or value <= 0:
            raise InputError(
                f'{where}: field "{field}" must be a positive integer, got '
                f'{value!r}.')
        size.append(int(value))
    return size[0], size[1]


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
            raise InputError('field "bbox" is not 4 numbers')
        xywh = check_coordinates(
            as_numbers(list(bbox[:4]), 'field "bbox"'), 'field "bbox"')
        score = as_numbers([score], 'field "score"')[0]
    except InputError as e:
        raise InputError(
            f'{where}: "bbox" must be 4 numbers [x, y, w, h] and "score" a '
            f'number, got bbox={bbox!r}, score={score!r} ({e}).') from None
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
        raise InputError(
            f'{where}: "ignore_regions_x" and "ignore_regions_y" are not '
            'lists of polygons of matching lengths.')
    return [
        check_coordinates(
            np.stack([
                as_numbers(xs, f'{where}: field "ignore_regions_x"'),
                as_numbers(ys, f'{where}: field "ignore_regions_y"')
            ],
                     axis=1), f'{where}: fields "ignore_regions_x/_y"')
        for xs, ys in zip(regions_x, regions_y)
    ]
