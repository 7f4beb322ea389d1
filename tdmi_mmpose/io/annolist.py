# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack2017-style ``annolist`` files (PoseTrack2017, HiEve's labels):
MATLAB structures exported to JSON (``annolist[].image``, ``annorect[]``
with ``annopoints[].point[]``, ``ignore_regions[]``), read and checked once;
MATLAB's one-element lists and lone objects are both accepted."""
import math
from typing import List, Optional

from .fields import (COORDINATE_LIMIT, Rule, array_problem, check_record,
                     error, optional)

#: An ``annorect``'s box (PoseTrack2017's head box, HiEve's person box).
RECT_BOX_FIELDS = ('x1', 'y1', 'x2', 'y2')


def matlab_list(value: object) -> list:
    """A list field, also written as a lone object (``None``: empty)."""
    if value is None:
        return []
    return [value] if isinstance(value, dict) else value


def matlab_string(value: object) -> object:
    """A value written as is or as a one-element list."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def matlab_scalar(value: object):
    """A number written as a scalar or a one-element list (a numeric string
    as a number, a boolean as 0/1); anything else as it is."""
    value = matlab_string(value)
    if isinstance(value, bool):
        return int(value)
    for parse in (int, float):
        try:
            return parse(value) if isinstance(value, str) else value
        except ValueError:
            pass
    return value


def number(value: object) -> Optional[str]:
    """Rule: a finite number, plain or in a one-element list."""
    if isinstance(value, list) and len(value) != 1:
        return ('must be a number or a one-element list, got a list of '
                f'{len(value)}')
    scalar = matlab_scalar(value)
    if not isinstance(scalar, (int, float)) or not math.isfinite(scalar):
        return f'must be a number (finite), got {matlab_string(value)!r}'
    return None


def coordinate(value: object) -> Optional[str]:
    """Rule: a :func:`number` within ``COORDINATE_LIMIT``."""
    return number(value) or array_problem([matlab_scalar(value)],
                                          COORDINATE_LIMIT)


def json_number(rule: Rule) -> Rule:
    """``rule``, for a JSON number: ``"12"`` is an error (numeric strings
    are read only from XML labels)."""

    def checked(value: object) -> Optional[str]:
        if isinstance(matlab_string(value), str):
            return ('must be a number, got the string '
                    f'{matlab_string(value)!r}')
        return rule(value)

    return checked


def integer(value: object) -> Optional[str]:
    """Rule: a :func:`number` that is an integer."""
    problem = number(value)
    if problem is None and not float(matlab_scalar(value)).is_integer():
        problem = f'must be an integer, got {value!r}'
    return problem


#: Rule: a :func:`coordinate` written as a JSON number.
json_coordinate = json_number(coordinate)


def string(value: object) -> Optional[str]:
    """Rule: a non-empty string, plain or in a one-element list."""
    value = matlab_string(value)
    return None if isinstance(value, str) and value else (
        f'must be a non-empty string, got {value!r}')


def objects(value: object) -> Optional[str]:
    """Rule: a list of objects (or a lone object, or ``null``)."""
    items = matlab_list(value)
    if not isinstance(items, list):
        return f'must be a list or an object, got {type(value).__name__}'
    bad = [i for i, item in enumerate(items) if not isinstance(item, dict)]
    return f'must hold objects (item {bad[0]} is not)' if bad else None


def _image(value: object) -> Optional[str]:
    items = matlab_list(value)
    if objects(value) or len(items) != 1:
        return 'must hold exactly one object with "name"'
    return string(items[0].get('name'))


def _given(record: dict, field: str) -> bool:
    """Whether a field holds a value (``null`` and ``[]`` read as absent)."""
    return record.get(field) not in (None, [])


def box_rule(what: str, fields=RECT_BOX_FIELDS):
    """A rule of a record: its box ``fields`` (x1, y1, x2, y2) whole or
    absent, with ``x2 >= x1`` and ``y2 >= y1``; ``what`` names the box."""

    def rule(record: dict) -> Optional[str]:
        present = [f for f in fields if _given(record, f)]
        if present and len(present) < 4:
            missing = next(f for f in fields if not _given(record, f))
            return (f'missing field "{missing}" (the {what} needs '
                    f'{", ".join(fields)})')
        box = [matlab_scalar(record[f]) for f in present]
        if box and (box[2] < box[0] or box[3] < box[1]):
            return f'the {what} has x2 < x1 or y2 < y1 {box}'
        return None

    return rule


_ENTRY = dict(image=_image, imgnum=json_number(number),
              is_labeled=json_number(number), annorect=objects,
              ignore_regions=objects)
_RECT = dict(dict.fromkeys(RECT_BOX_FIELDS, optional(json_coordinate)),
             track_id=json_number(integer), annopoints=objects)
_POINT = dict(id=json_number(number), x=json_coordinate, y=json_coordinate,
              is_visible=json_number(number))
_XY = dict(x=json_coordinate, y=json_coordinate)


def _points(record: dict, where: str) -> List[dict]:
    """The ``point`` objects of an ignore region or ``annopoints`` entry."""
    check_record(record, dict(point=objects), where)
    return matlab_list(record.get('point'))


def _person(rect: dict, where: str, box_name: str) -> dict:
    """One checked ``annorect`` -> ``box``, ``track_id`` (each or ``None``)
    and ``points`` (``id``, ``x``, ``y``, ``visible``), each with its
    ``where``."""
    check_record(rect, _RECT, where, checks=(box_rule(box_name), ))
    points = []
    for k, annopoints in enumerate(matlab_list(rect.get('annopoints'))):
        points += _points(annopoints, f'{where}.annopoints[{k}]')
    people_points, seen = [], set()
    for k, point in enumerate(points):
        pwhere = f'{where}.annopoints.point[{k}]'
        check_record(point, _POINT, pwhere, ('id', 'x', 'y'))
        joint = matlab_scalar(point['id'])
        if joint in seen:
            raise error(pwhere,
                        f'joint id {joint} appears twice in one person', 'id')
        seen.add(joint)
        people_points.append(dict(
            id=joint, x=float(matlab_scalar(point['x'])),
            y=float(matlab_scalar(point['y'])),
            visible=bool(matlab_scalar(point.get('is_visible', 1))),
            where=pwhere))
    box = [float(matlab_scalar(rect[f])) for f in RECT_BOX_FIELDS
           if _given(rect, f)] or None
    track_id = rect.get('track_id')
    return dict(box=box, points=people_points, where=where,
                track_id=None if track_id is None else int(
                    matlab_scalar(track_id)))


def read_annolist(data: object, source: str,
                  box_name: str = 'head box') -> List[dict]:
    """Read and check the loaded content ``data`` of ``annolist`` file
    ``source``; ``box_name`` is what an ``annorect``'s box is, for errors.

    Returns:
        list[dict]: One frame per entry, in file order: ``where``, ``name``,
        ``imgnum`` and ``is_labeled`` (``None`` if absent), ``people`` (see
        :func:`_person`) and ``ignore_regions`` (``where``, ``xs``, ``ys``).
    """
    check_record(data, dict(annolist=objects), source, ('annolist', ))
    entries = matlab_list(data['annolist'])
    if not entries:
        raise error(source, 'is empty', 'annolist')
    frames = []
    for i, entry in enumerate(entries):
        where = f'{source}: annolist[{i}]'
        check_record(entry, _ENTRY, where, ('image', ))
        regions = []
        for r, region in enumerate(matlab_list(entry.get('ignore_regions'))):
            rwhere = f'{where}.ignore_regions[{r}]'
            points = _points(region, rwhere)
            for k, point in enumerate(points):
                check_record(point, _XY, f'{rwhere}.point[{k}]', _XY)
            regions.append(dict(
                where=rwhere,
                xs=[float(matlab_scalar(p['x'])) for p in points],
                ys=[float(matlab_scalar(p['y'])) for p in points]))
        frames.append(dict(
            where=where,
            name=matlab_string(matlab_list(entry['image'])[0]['name']),
            imgnum=matlab_scalar(entry.get('imgnum')),
            is_labeled=matlab_scalar(entry.get('is_labeled')),
            people=[
                _person(rect, f'{where}.annorect[{j}]', box_name)
                for j, rect in enumerate(matlab_list(entry.get('annorect')))
            ],
            ignore_regions=regions))
    return frames
