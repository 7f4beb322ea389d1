# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack18-layout records: the schemas of an image, an annotation and a
detection (docs/datasets.md, "Input validation"), and checked records read
into arrays."""
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from ..utils.errors import InputError
from .fields import (array_problem, boolean, check_record,
                     check_value, error, finite_number, frame_index,
                     image_id, integer, keypoints_rule, non_empty_string,
                     numbers_rule, optional, positive_integer)

#: A box field ``[x, y, w, h]`` (``bbox``, ``bbox_head``).
XYWH = numbers_rule('[x, y, w, h]', count=4)


def _polygons(value: object) -> Optional[str]:
    """Rule of ``ignore_regions_x`` / ``_y``: a list of lists of numbers."""
    if not isinstance(value, list):
        return f'must be a list of polygons, got {str(value)[:80]}'
    for i, polygon in enumerate(value):
        problem = numbers_rule('a list of numbers')(polygon)
        if problem:
            return f'must be lists of numbers (polygon {i}: {problem})'
    return None


def _matching_regions(image: dict) -> Optional[str]:
    """Rule of an image: as many polygons in ``ignore_regions_x`` as in
    ``_y``, each with as many x as y values."""
    xs = image.get('ignore_regions_x') or []
    ys = image.get('ignore_regions_y') or []
    if len(xs) != len(ys) or any(len(x) != len(y) for x, y in zip(xs, ys)):
        return ('"ignore_regions_x" and "ignore_regions_y" are not lists of '
                'polygons of matching lengths')
    return None


def _head_box(value: object) -> Optional[str]:
    """Rule of the metric's ``bbox_head``: a box of positive size."""
    problem = XYWH(value)
    if problem is None and (value[2] <= 0 or value[3] <= 0):
        problem = (f'{value!r} has a zero or negative width or height; the '
                   'head box gives the PCKh head size')
    return problem


IMAGE_SCHEMA = dict(
    id=image_id,
    file_name=non_empty_string,
    frame_id=integer,
    is_labeled=boolean,
    width=positive_integer,
    height=positive_integer,
    nframes=positive_integer,
    ignore_regions_x=optional(_polygons),
    ignore_regions_y=optional(_polygons))
IMAGE_REQUIRED = ('file_name', 'id')
REGION_SCHEMA = {k: IMAGE_SCHEMA[k] for k in ('ignore_regions_x',
                                              'ignore_regions_y')}
#: Besides ``keypoints``; the AP metric's ``bbox_head`` is stricter
#: (:func:`parse_head_box`).
ANNOTATION_SCHEMA = dict(
    bbox=optional(XYWH),
    bbox_head=optional(XYWH),
    track_id=integer,
    person_id=integer)
ANNOTATION_REQUIRED = ('image_id', 'id', 'keypoints')
#: Besides ``keypoints``, ``scores`` and ``track_id`` (the metric's
#: ``_parse_person``).
PREDICTION_SCHEMA = dict(score=optional(finite_number))
#: COCO detection results and person-box files (further bbox values ignored).
DETECTION_SCHEMA = dict(
    bbox=numbers_rule('4 numbers [x, y, w, h]', min_count=4),
    score=finite_number,
    frame_index=frame_index)


def annotation_where(ann: object, source: str) -> str:
    """How an annotation is named in errors:
    ``'a.json: annotation id=3 (image_id=7)'``."""
    if not isinstance(ann, dict):
        return f'{source}: an entry of "annotations"'
    return (f'{source}: annotation id={ann.get("id")!r} '
            f'(image_id={ann.get("image_id")!r})')


def check_image(image: object, source: str,
                required: Iterable[str] = ()) -> dict:
    """Check an entry of ``images`` (:data:`IMAGE_SCHEMA`, matching ignore
    regions); ``required`` names further required fields; errors name
    ``'<source>: image <id>'``."""
    where = f'{source}: image {image["id"]!r}' if isinstance(
        image, dict) and 'id' in image else f'{source}: an entry of "images"'
    return check_record(image, IMAGE_SCHEMA, where,
                        IMAGE_REQUIRED + tuple(required),
                        (_matching_regions, ))


def check_annotation(ann: object, source: str,
                     num_keypoints: Optional[int]) -> dict:
    """Check an entry of ``annotations`` (:data:`ANNOTATION_SCHEMA`; its
    ``keypoints`` too unless ``num_keypoints`` is ``None``, then only
    ``id`` and ``image_id`` are required)."""
    if num_keypoints is None:
        return check_record(ann, {}, annotation_where(ann, source),
                            ('id', 'image_id'))
    schema = dict(ANNOTATION_SCHEMA, keypoints=keypoints_rule(num_keypoints))
    return check_record(ann, schema, annotation_where(ann, source),
                        ANNOTATION_REQUIRED)


def register_ids(ids: Iterable, name: str, field: str, source: str,
                 owners: Dict, owner: Optional[str] = None) -> None:
    """Record in ``owners`` (id -> owner, updated in place) the owner
    (default their file ``source``) of ``ids``, which are unique within and
    across a dataset's files; ``name`` and ``field`` (``'image id'``,
    ``'images.id'``) name them in errors."""
    owner = source if owner is None else owner
    for value in ids:
        other = owners.get(value)
        if other is not None:
            clash = ('appears twice' if other == owner else
                     f'collides with one of {other}')
            raise InputError(f'{source}: {name} {value!r} (field "{field}") '
                             f'{clash}.')
        owners[value] = owner


def register_image_ids(images: Sequence[dict], source: str,
                       owners: Dict[object, str],
                       owner: Optional[str] = None) -> None:
    """:func:`register_ids` of checked images' ``id``s."""
    register_ids([image['id'] for image in images], 'image id', 'images.id',
                 source, owners, owner)


def register_annotation_ids(annotations: Sequence[dict], source: str,
                            owners: Dict) -> None:
    """:func:`register_ids` of checked annotations' ``id``s."""
    register_ids([ann['id'] for ann in annotations], 'annotation id',
                 'annotations.id', source, owners)


def keypoints_array(ann: dict, num_keypoints: int) -> np.ndarray:
    """A checked annotation's keypoints, float64 (K, 3)."""
    return np.asarray(ann['keypoints'], np.float64).reshape(num_keypoints, 3)


def box_array(value: object) -> Optional[np.ndarray]:
    """A checked box field as float64 (4, ); ``None`` if absent or empty."""
    return np.asarray(value[:4], np.float64) if value else None


def ignore_regions(image: dict) -> List[np.ndarray]:
    """A checked image's ignore-region polygons, float64, each (N_i, 2)."""
    return [
        np.stack([np.asarray(xs, np.float64),
                  np.asarray(ys, np.float64)], axis=1)
        for xs, ys in zip(image.get('ignore_regions_x') or [],
                          image.get('ignore_regions_y') or [])
    ]


def image_size(image: dict) -> Optional[Tuple[int, int]]:
    """A checked image's ``(width, height)``; ``None`` without both."""
    if 'width' in image and 'height' in image:
        return int(image['width']), int(image['height'])
    return None


def parse_keypoints(ann: dict,
                    num_keypoints: int,
                    where: str,
                    ground_truth: bool = True) -> np.ndarray:
    """An annotation's (or prediction's) ``keypoints``, checked by
    :func:`~.fields.keypoints_rule`, as float64 (K, 3)."""
    check_value(ann.get('keypoints'),
                keypoints_rule(num_keypoints, ground_truth), where,
                'keypoints')
    return keypoints_array(ann, num_keypoints)


def parse_head_box(value: object, where: str) -> Optional[np.ndarray]:
    """The metric's ``bbox_head`` checked (a positive size), as
    :func:`box_array`."""
    check_value(value, optional(_head_box), where, 'bbox_head')
    return box_array(value)


def parse_ignore_regions(image: dict, where: str) -> List[np.ndarray]:
    """An image's checked :func:`ignore_regions`."""
    check_record(image, REGION_SCHEMA, where, checks=(_matching_regions, ))
    return ignore_regions(image)


def parse_image_size(image: dict, where: str) -> Optional[Tuple[int, int]]:
    """An image's checked :func:`image_size`."""
    check_record(image, {k: positive_integer for k in ('width', 'height')},
                 where)
    return image_size(image)


def as_numbers(values: object, where: str) -> np.ndarray:
    """A list of finite numbers as float64 (N, ); ``where`` names the file,
    record and field."""
    check_value(values, numbers_rule('numbers', limit=None), where)
    return np.asarray(values, np.float64).reshape(-1)


def check_finite(values: object, where: str) -> np.ndarray:
    """Check that every value of an array is finite; returns the array."""
    array = np.asarray(values)
    problem = array_problem(array) if array.dtype.kind in 'fc' else None
    if problem:
        raise error(where, problem)
    return array


def check_track_ids(track_ids: object,
                    where: str,
                    max_track_id: Optional[int] = None,
                    needs: str = '') -> np.ndarray:
    """The track ids (N, ) of one frame as int64: distinct (poseval's
    rule) and below ``max_track_id`` if given; errors say what ``needs``
    them."""
    track_ids = np.asarray(track_ids, dtype=np.int64).reshape(-1)
    unique, counts = np.unique(track_ids, return_counts=True)
    needs = f' ({needs})' if needs else ''
    if max_track_id is not None and unique.size and \
            unique[-1] >= max_track_id:
        raise InputError(f'{where}: track_id {unique[-1]} is too large'
                         f'{needs}.')
    if (counts > 1).any():
        raise InputError(
            f'{where}: track_id {unique[counts > 1][0]} is used by more than '
            f'one person in the frame{needs}.')
    return track_ids
