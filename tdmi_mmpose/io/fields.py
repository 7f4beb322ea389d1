# Copyright (c) tdmi_mmpose contributors.
"""The rules of input fields, each written once, and the one way to check a
record against them. A *rule* maps a JSON value to ``None`` (valid) or what
is wrong with it (``'must be an integer, got 1.5'``); a *schema* is a table
field -> rule; :func:`check_record` raises ``<where>: field "<f>" <problem>.``
"""
import math
import numbers
from typing import Callable, Dict, Iterable, Optional

import numpy as np

from ..utils.errors import InputError

#: Keypoint visibility flags in ground truth: 0 not annotated, 1 annotated
#: (PoseTrack), 2 annotated and visible (COCO).
VISIBILITY_FLAGS = (0, 1, 2)

#: Largest absolute pixel position or box size read from a file (a broken
#: export's ``1e30`` is an error), well within float32 range.
COORDINATE_LIMIT = 1e5

#: A rule: ``None`` if the value is valid, else what is wrong with it.
Rule = Callable[[object], Optional[str]]


def is_json_integer(value: object) -> bool:
    """Whether a JSON value is an integral number (not a boolean)."""
    return (is_json_number(value) and math.isfinite(value)
            and float(value).is_integer())


def is_json_number(value: object) -> bool:
    """Whether a JSON value is a number (not a boolean, not a string)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _rule(test: Callable[[object], bool], text: str) -> Rule:
    """A rule from a predicate and what it requires."""
    return lambda v: None if test(v) else f'must be {text}, got {v!r}'


integer = _rule(is_json_integer, 'an integer')
positive_integer = _rule(lambda v: is_json_integer(v) and v > 0,
                         'a positive integer')
non_empty_string = _rule(lambda v: isinstance(v, str) and bool(v),
                         'a non-empty string')
boolean = _rule(lambda v: v in (True, False), 'true or false')
image_id = _rule(lambda v: is_json_integer(v) or isinstance(v, str),
                 'an integer or a string')
finite_number = _rule(lambda v: is_json_number(v) and math.isfinite(v),
                      'a finite number')
frame_index = _rule(lambda v: is_json_integer(v) and v >= 0,
                    'a 0-based frame number (an integer >= 0)')
positive_number = _rule(
    lambda v: is_json_number(v) and math.isfinite(v) and v > 0,
    'a positive finite number')


def array_problem(values: object,
                  limit: Optional[float] = None) -> Optional[str]:
    """What is wrong with an array of numbers (any shape): the first NaN or
    infinity, or (with ``limit``) absolute value above it, by flat index."""
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    bad = np.flatnonzero(~np.isfinite(flat))
    if bad.size:
        return (f'value {flat[bad[0]]!r} at index {int(bad[0])} is not a '
                f'finite number ({bad.size} non-finite value(s) in all)')
    bad = np.flatnonzero(np.abs(flat) > (np.inf if limit is None else limit))
    if bad.size:
        return (f'value {flat[bad[0]]!r} at index {int(bad[0])} is not a '
                f'pixel position or size (|value| > {limit:g})')
    return None


def numbers_rule(shape: str,
                 count: Optional[int] = None,
                 min_count: int = 0,
                 limit: Optional[float] = COORDINATE_LIMIT) -> Rule:
    """A rule for a list of finite numbers.

    Args:
        shape (str): What the list holds, for errors (``'[x, y, w, h]'``).
        count (int, optional): The exact length. Defaults to any.
        min_count (int): The least length; only the first ``count or
            min_count`` values (all if both are 0) are checked.
        limit (float, optional): The largest absolute value; ``None`` for
            any finite number. Defaults to :data:`COORDINATE_LIMIT`.
    """

    def rule(values):
        if not isinstance(values, (list, tuple)) or len(values) < min_count \
                or (count is not None and len(values) != count):
            return f'must be {shape}, got {str(values)[:80]}'
        head = values[:count or min_count or len(values)]
        for i, v in enumerate(head):
            if not is_json_number(v):
                return (f'must be numbers: value {v!r} at index {i} is not '
                        'a number')
        return array_problem(head, limit)

    return rule


def keypoints_rule(num_keypoints: int, ground_truth: bool = True) -> Rule:
    """A rule for ``keypoints``: K triples of finite numbers, positions
    within :data:`COORDINATE_LIMIT`, the third a flag of
    :data:`VISIBILITY_FLAGS` in ground truth (a score in predictions)."""
    values_rule = numbers_rule('numbers', limit=None)

    def rule(values):
        if not isinstance(values, list) or len(values) != 3 * num_keypoints:
            got = (f'{len(values)} values' if isinstance(values, list) else
                   type(values).__name__)
            return (f'should be a list of x, y, v per keypoint; got {got}, '
                    f'expected {num_keypoints} keypoints x 3 = '
                    f'{3 * num_keypoints} numbers')
        problem = values_rule(values)
        if problem:
            return problem
        triples = np.asarray(values, dtype=np.float64).reshape(-1, 3)
        # a flag (or a score) is no position
        problem = array_problem(triples * [1, 1, 0], COORDINATE_LIMIT)
        if problem or not ground_truth:
            return problem
        bad = np.flatnonzero(~np.isin(triples[:, 2], VISIBILITY_FLAGS))
        if bad.size:
            k = int(bad[0])
            return (f'value index {3 * k + 2}: visibility flag '
                    f'{triples[k, 2]:g} of keypoint {k} is not one of '
                    f'{list(VISIBILITY_FLAGS)}')
        return None

    return rule


def optional(rule: Rule) -> Rule:
    """``rule``, with ``null`` and ``[]`` read as absent."""
    return lambda v: None if v is None or v == [] else rule(v)


def error(where: str, problem: str,
          field: Optional[str] = None) -> InputError:
    """The error ``<where>: field "<field>" <problem>.`` (``<where>:
    <problem>`` for ``value ...`` and ``missing field ...``)."""
    head = f'{where}: field "{field}"' if field else where
    sep = ': ' if problem.startswith(('value', 'index', 'missing')) else ' '
    return InputError(f'{head}{sep}{problem.rstrip(".")}.')


def _record_problem(record, schema, required, checks):
    """``(problem, field or None)`` of a record, ``None`` if valid."""
    if not isinstance(record, dict):
        return (f'should be a JSON object (a dict), got '
                f'{type(record).__name__}', None)
    for field in required:
        if field not in record:
            return f'missing field "{field}"', None
    for field, rule in schema.items():
        problem = rule(record[field]) if field in record else None
        if problem:
            return problem, field
    for check in checks:
        problem = check(record)
        if problem:
            return problem, None
    return None


def check_record(record: object,
                 schema: Dict[str, Rule],
                 where: str,
                 required: Iterable[str] = (),
                 checks: Iterable[Callable[[dict], Optional[str]]] = ()
                 ) -> dict:
    """Check a record (should be a dict) against a schema.

    Args:
        record (object): The record.
        schema (dict): Field -> rule, for the fields present.
        where (str): The file and record, e.g. ``'a.json: image 7'``.
        required (Iterable[str]): Fields that must be present.
        checks (Iterable[callable]): Rules of the whole record.

    Returns:
        dict: ``record``.
    """
    problem = _record_problem(record, schema, required, checks)
    if problem:
        raise error(where, *problem)
    return record


def check_value(value: object, rule: Rule, where: str,
                field: Optional[str] = None) -> object:
    """Check one value against its rule (see :func:`error`); returns
    it."""
    problem = rule(value)
    if problem:
        raise error(where, problem, field)
    return value


def check_fields(record: object, fields: Iterable[str], where: str) -> dict:
    """Check that a record is a dict with the given fields; returns it."""
    return check_record(record, {}, where, fields)
