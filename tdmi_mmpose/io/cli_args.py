# Copyright (c) tdmi_mmpose contributors.
"""Types of numeric command-line arguments (``argparse`` ``type=``): a
value out of range is argparse's usage error naming the option and the
value (exit status 2), not a silent result or a traceback later."""
import argparse
import math
from typing import Callable


def _number_type(parse: Callable, test: Callable[[float], bool],
                 what: str) -> Callable[[str], object]:
    def convert(text: str):
        try:
            value = parse(text)
        except ValueError:
            value = None
        if value is None or not test(value):
            raise argparse.ArgumentTypeError(f'must be {what}, got {text!r}')
        return value

    convert.__name__ = what  # argparse names the type in other errors
    return convert


#: An integer >= 0 (a frame number base, a count that may be 0).
non_negative_int = _number_type(int, lambda v: v >= 0, 'an integer >= 0')
#: An integer >= 1 (a batch size, a number of rounds or rows).
positive_int = _number_type(int, lambda v: v >= 1, 'an integer >= 1')
#: A probability or score threshold in [0, 1].
unit_interval = _number_type(float, lambda v: 0 <= v <= 1,
                             'a number in [0, 1]')
#: A finite number > 0 (a frame rate, a size).
positive_float = _number_type(float, lambda v: math.isfinite(v) and v > 0,
                               'a finite number > 0')
#: An HRNet input side: a positive multiple of 32 (its largest stride).
hrnet_input_side = _number_type(int, lambda v: v >= 32 and v % 32 == 0,
                                'a multiple of 32 (HRNet\'s largest stride)')
#: The largest frame rate of a rendered video (OpenCV's mp4v writer does
#: not open beyond about 1e4 frames/s).
MAX_FRAME_RATE = 1e4
#: A video frame rate in (0, :data:`MAX_FRAME_RATE`].
frame_rate = _number_type(float, lambda v: 0 < v <= MAX_FRAME_RATE,
                          'a frame rate in (0, 10000]')
#: A finite number >= 0 (a speed).
non_negative_float = _number_type(
    float, lambda v: math.isfinite(v) and v >= 0, 'a finite number >= 0')


def device_name(text: str) -> str:
    """The option's value ``text`` (e.g. ``cpu``, ``cuda:1``), a device this
    machine has (:func:`~.inferencer_args.device_problem`)."""
    from .inferencer_args import device_problem
    problem = device_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(f'device {text!r}: {problem}')
    return text
