# Copyright (c) tdmi_mmpose contributors.
"""One PoseTrack record at a time: images, annotations (keypoints, boxes),
detections and ignore regions. Errors name the file, record and field."""
import numbers
from typing import Dict, List, Optional, Sequence

import numpy as np

from .files import PoseTrackFormatError, check_fields
from .keypoints import PERSON_CATEGORY_ID


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
        raise PoseTrackFormatError(
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
        PoseTrackFormatError: Naming ``where``, the first bad value and its
            (flat) index.
    """
    array = np.asarray(values)
    if array.dtype.kind in 'fc':
        bad = np.flatnonzero(~np.isfinite(array))
        if bad.size:
            raise PoseTrackFormatError(
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


def check_image_record(image: object, source: str) -> None:
    """Check an entry of ``images``: a dict with ``id`` and ``file_name``.

    Args:
        image (object): The entry.
        source (str): Its file.
    """
    check_fields(image, ('file_name', 'id'), f'{source}: an entry of "images"')


def register_image_ids(images: Sequence[dict], source: str,
                       owners: Dict[object, str],
                       owner: Optional[str] = None) -> None:
    """Record the file (or video) of each image id: image ids are unique
    across the files and videos of a dataset.

    Args:
        images (Sequence[dict]): Entries of ``images`` (with ``id``).
        source (str): Their file, for errors.
        owners (dict): Image id -> owner so far; updated in place.
        owner (str, optional): What to record for these images. Defaults
            to ``source``.
    """
    for image in images:
        if image['id'] in owners:
            raise PoseTrackFormatError(
                f'{source}: image id {image["id"]} (field "images.id") '
                f'collides with an image of {owners[image["id"]]}.')
        owners[image['id']] = source if owner is None else owner


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
