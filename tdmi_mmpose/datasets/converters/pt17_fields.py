# Copyright (c) tdmi_mmpose contributors.
"""Reading PoseTrack2017's MATLAB-exported JSON fields, and the report of a
conversion (what was converted, skipped and why)."""
import math
from collections import OrderedDict
from typing import Dict, List, Optional

import numpy as np

from ...io import (InputError, check_coordinates,
                                parse_track_id)


#: The fields of an ``annorect``'s box (the head box in PoseTrack2017, the
#: person box in HiEve's PoseTrack2017-style labels).
RECT_BOX_FIELDS = ('x1', 'y1', 'x2', 'y2')


class ConversionReport:
    """Counts of what was converted, and of what was skipped and why."""

    def __init__(self):
        self.counts: Dict[str, int] = OrderedDict(
            files=0, videos=0, frames=0, labeled_frames=0,
            unlabeled_frames=0, people=0, keypoints=0)
        self.skipped: Dict[str, List] = OrderedDict()  # reason -> [n, ex]
        self.notes: Dict[str, List] = OrderedDict()

    def skip(self, reason: str, where: str, n: int = 1) -> None:
        """Record ``n`` things skipped for ``reason`` (first example kept)."""
        entry = self.skipped.setdefault(reason, [0, where])
        entry[0] += n

    def note(self, what: str, where: str, n: int = 1) -> None:
        """Record something kept but worth knowing (first example kept)."""
        entry = self.notes.setdefault(what, [0, where])
        entry[0] += n

    def as_dict(self) -> Dict:
        """The counts, skip reasons and notes as a plain dict."""
        return {
            'counts': dict(self.counts),
            'skipped': {k: v[0] for k, v in self.skipped.items()},
            'notes': {k: v[0] for k, v in self.notes.items()},
        }

    def format(self) -> str:
        """A human-readable summary."""
        lines = ['Converted: ' + ', '.join(
            f'{k.replace("_", " ")} {v}' for k, v in self.counts.items())]
        if self.skipped:
            lines.append('Skipped:')
            for reason, (n, where) in self.skipped.items():
                lines.append(f'  {n} x {reason} (e.g. {where})')
        else:
            lines.append('Skipped: nothing')
        for what, (n, where) in self.notes.items():
            lines.append(f'Note: {n} x {what} (e.g. {where})')
        return '\n'.join(lines)


def as_list(value, where: str, field: str) -> list:
    """A list field that MATLAB export may also write as a lone dict."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        raise InputError(
            f'{where}: field "{field}" must be a list or an object, got '
            f'{type(value).__name__}')
    return value


def scalar(value, where: str, field: str):
    """A finite number written either as a scalar or as a one-element list
    (a numeric string is read as a number)."""
    if isinstance(value, list):
        if len(value) != 1:
            raise InputError(
                f'{where}: field "{field}" must be a number or a one-element '
                f'list, got a list of {len(value)}')
        value = value[0]
    if isinstance(value, bool):
        return int(value)
    number = value
    if isinstance(value, str):
        for parse in (int, float):  # '12' -> 12, '12.5' and '1e3' -> float
            try:
                number = parse(value)
                break
            except ValueError:
                pass
    if not isinstance(number, (int, float)) or not math.isfinite(number):
        raise InputError(
            f'{where}: field "{field}" must be a number (finite), got '
            f'{value!r}')
    return number


def coordinate(value, where: str, field: str) -> float:
    """A pixel position (:func:`scalar` within the format module's
    ``COORDINATE_LIMIT``)."""
    number = float(scalar(value, where, field))
    check_coordinates(np.array([number]), f'{where}: field "{field}"')
    return number


def string(value, where: str, field: str) -> str:
    """A non-empty string written either as is or as a one-element list."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str) or not value:
        raise InputError(
            f'{where}: field "{field}" must be a non-empty string, got '
            f'{value!r}')
    return value


def annolist_image_name(entry, where: str) -> str:
    """The frame's file name of an ``annolist`` entry: an object whose
    ``image`` holds exactly one object with ``name`` (PoseTrack2017 and
    HiEve's PoseTrack2017-style labels).

    Args:
        entry: The ``annolist`` entry.
        where (str): The file and entry, for errors.

    Returns:
        str: ``image[0].name``.
    """
    if not isinstance(entry, dict):
        raise InputError(f'{where}: must be an object')
    image = as_list(entry.get('image'), where, 'image')
    if len(image) != 1 or not isinstance(image[0], dict):
        raise InputError(
            f'{where}: field "image" must hold exactly one object with '
            '"name"')
    return string(image[0].get('name'), where, 'image[0].name')


def annopoint_id(point, where: str):
    """The joint id of an ``annopoints[].point[]`` entry: an object with
    ``id``, ``x`` and ``y`` (PoseTrack2017 and HiEve's PoseTrack2017-style
    labels).

    Args:
        point: The entry.
        where (str): The file and entry, for errors.

    Returns:
        int | float: ``id`` (:func:`scalar`); the caller checks its range.
    """
    if not isinstance(point, dict):
        raise InputError(f'{where}: must be an object')
    for field in ('id', 'x', 'y'):
        if field not in point:
            raise InputError(f'{where}: missing field "{field}"')
    return scalar(point['id'], where, 'id')


def rect_box(rect: dict, where: str, what: str) -> Optional[List[float]]:
    """An ``annorect``'s ``x1, y1, x2, y2`` box: all four fields or none.

    Args:
        rect (dict): The ``annorect`` entry.
        where (str): The file and entry, for errors.
        what (str): What the box is (e.g. ``'head box'``), for errors.

    Returns:
        list[float], optional: ``[x1, y1, x2, y2]`` (each a
        :func:`coordinate`); ``None`` if none of the four fields is there.

    Raises:
        InputError: Some but not all of the fields, a bad number, or
            x2 < x1 or y2 < y1.
    """
    values = [rect.get(f) for f in RECT_BOX_FIELDS]
    if all(v is None for v in values):
        return None
    for field, v in zip(RECT_BOX_FIELDS, values):
        if v is None:
            raise InputError(
                f'{where}: missing field "{field}" (the {what} needs x1, '
                'y1, x2, y2)')
    return ordered_box(
        [coordinate(v, where, f) for v, f in zip(values, RECT_BOX_FIELDS)],
        f'{where}: fields "x1..y2"', what)


def ordered_box(box: List[float], where: str, what: str) -> List[float]:
    """Check that an ``x1, y1, x2, y2`` box has ``x2 >= x1`` and
    ``y2 >= y1``.

    Args:
        box (list[float]): The box.
        where (str): The file, entry and fields, for errors.
        what (str): What the box is (e.g. ``'head box'``), for errors.

    Returns:
        list[float]: ``box``.
    """
    if box[2] < box[0] or box[3] < box[1]:
        raise InputError(
            f'{where}: {what} has x2 < x1 or y2 < y1 {box}')
    return box


def rect_track_id(rect: dict, where: str, report: ConversionReport) -> int:
    """An ``annorect``'s ``track_id``: a :func:`scalar` that must be an
    integer (the format's ``parse_track_id``).

    Args:
        rect (dict): The ``annorect`` entry.
        where (str): The file and entry, for errors.
        report (ConversionReport): A missing id is noted in it.

    Returns:
        int: The id; ``-1`` if the entry has none.
    """
    if 'track_id' not in rect:
        report.note('people without track_id (set to -1)', where)
        return -1
    return parse_track_id(
        dict(track_id=scalar(rect['track_id'], where, 'track_id')), where)
