# Copyright (c) tdmi_mmpose contributors.
"""The clip: frame offsets (key frame + supporting frames), the key frame's
position and the clamp at a video's ends, for datasets, models and
inference. A config declares its clip once, in its top-level
``frame_offsets`` (:func:`tdmi_mmpose.io.config.apply_clip`)."""
from typing import List, Sequence

import numpy as np

from ..utils.errors import InputError


def check_frame_offsets(frame_offsets: Sequence[int]) -> List[int]:
    """Validate frame offsets and return them in time order.

    Args:
        frame_offsets (Sequence[int]): Offsets of the clip frames relative
            to the key frame, e.g. ``[-2, -1, 0, 1, 2]``: distinct integers
            containing 0.

    Returns:
        list[int]: The sorted offsets.
    """
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
    """Random offsets in time order: going away from the key frame on each
    side, every gap between consecutive frames is drawn uniformly from
    ``{1, ..., max_gap}`` (with ``np.random``).

    Args:
        num_before (int): Frames before the key frame.
        num_after (int): Frames after the key frame.
        max_gap (int): The largest gap, at least 1.

    Returns:
        list[int]: ``num_before + 1 + num_after`` distinct offsets, 0 among
        them.
    """
    gaps = np.random.randint(1, max_gap + 1, size=num_before + num_after)
    before = -np.cumsum(gaps[:num_before])[::-1]
    after = np.cumsum(gaps[num_before:])
    return [int(o) for o in before] + [0] + [int(o) for o in after]


def key_frame_index(frame_offsets: Sequence[int]) -> int:
    """Where the key frame sits in a clip: the position of offset 0 in the
    time-ordered offsets (the one rule for the key frame's index).

    Args:
        frame_offsets (Sequence[int]): Checked offsets in time order (see
            :func:`check_frame_offsets`).

    Returns:
        int: The index, e.g. 2 for ``[-2, -1, 0, 1, 2]``.
    """
    return list(frame_offsets).index(0)


def clip_frame_indices(frame_index: int, frame_offsets: Sequence[int],
                       num_frames: int) -> List[int]:
    """The frame indices of the clip around a key frame, clamped to the video
    (SPEC 1: at a video's ends the edge frame is repeated). The one clamp
    rule, for datasets and inference alike.

    Args:
        frame_index (int): The key frame's index in the video.
        frame_offsets (Sequence[int]): The clip's offsets in time order.
        num_frames (int): The video's number of frames (or, in a stream,
            of the frames read so far).

    Returns:
        list[int]: One index in ``[0, num_frames - 1]`` per offset.
    """
    return [min(max(frame_index + o, 0), num_frames - 1) for o in frame_offsets]
