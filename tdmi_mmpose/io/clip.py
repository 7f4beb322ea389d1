# Copyright (c) tdmi_mmpose contributors.
"""The clip: frame offsets around the key frame, the key frame's position
and the clamp at a video's ends (a config declares the clip once,
:func:`~.config.apply_clip`)."""
from typing import List, Sequence

import numpy as np

from ..utils.errors import InputError


def check_frame_offsets(frame_offsets: Sequence[int]) -> List[int]:
    """Frame offsets (distinct integers with 0, the key frame), checked,
    in time order."""
    try:
        offsets = [int(o) for o in frame_offsets]
    except (TypeError, ValueError):
        offsets = []
    if (not offsets or 0 not in offsets or len(set(offsets)) != len(offsets)
            or any(o != f for o, f in zip(offsets, frame_offsets))):
        raise InputError('frame_offsets must be distinct integers containing '
                         f'0 (the key frame), got {frame_offsets!r}.')
    return sorted(offsets)


def random_frame_offsets(num_before: int, num_after: int,
                         max_gap: int) -> List[int]:
    """Random offsets in time order, ``num_before`` and ``num_after``
    around 0, each gap between neighbours uniform in ``{1, ..., max_gap}``
    (``np.random``)."""
    gaps = np.random.randint(1, max_gap + 1, size=num_before + num_after)
    before = -np.cumsum(gaps[:num_before])[::-1]
    after = np.cumsum(gaps[num_before:])
    return [int(o) for o in before] + [0] + [int(o) for o in after]


def key_frame_index(frame_offsets: Sequence[int]) -> int:
    """The key frame's index in a clip: that of offset 0 in checked,
    time-ordered offsets (2 for ``[-2, -1, 0, 1, 2]``)."""
    return list(frame_offsets).index(0)


def clip_frame_indices(frame_index: int, frame_offsets: Sequence[int],
                       num_frames: int) -> List[int]:
    """The frame indices of the clip around ``frame_index``, clamped to
    ``[0, num_frames - 1]`` (SPEC 1: the edge frame is repeated), the one
    clamp rule."""
    return [
        min(max(frame_index + o, 0), num_frames - 1) for o in frame_offsets
    ]
