# Copyright (c) tdmi_mmpose contributors.
"""The sliding clip window of video inference over a stream of frames."""
import itertools
from typing import (Callable, Dict, Iterable, Iterator, List, NamedTuple,
                    Optional, Sequence)

import numpy as np

from ..io.clip import check_frame_offsets, clip_frame_indices, key_frame_index
from ..io.frames import FrameType, check_frame_size, read_frame

_END = object()  # the end of a stream


class ClipWindow(NamedTuple):
    """The clip of one key frame of a stream.

    Attributes:
        frame_index (int): 0-based index of the key frame in the stream.
        frames (list[np.ndarray]): The T frames (H, W, 3) in time order; a
            frame clamped at a stream end is the same array each time.
        frame_indices (list[int]): The stream index of each frame
            (:func:`~tdmi_mmpose.io.clip.clip_frame_indices`).
        key_frame_index (int): Position of the key frame in ``frames``.
        key_frame_path (str, optional): The key frame's file, if any.
        bboxes (np.ndarray, optional): The key frame's person boxes (N, 5)
            x1, y1, x2, y2, score, once known (N may be 0).
    """
    frame_index: int
    frames: List[np.ndarray]
    frame_indices: List[int]
    key_frame_index: int
    key_frame_path: Optional[str]
    bboxes: Optional[np.ndarray] = None

    @property
    def key_frame(self) -> np.ndarray:
        """np.ndarray: The key frame (H, W, 3)."""
        return self.frames[self.key_frame_index]

    @property
    def name(self) -> str:
        """str: The key frame's ``img_path``: its file, else mmpose's name for
        an array (``'000000.jpg'``, ...)."""
        return self.key_frame_path or f'{self.frame_index}.jpg'.rjust(10, '0')

    @property
    def has_temporal_context(self) -> bool:
        """bool: Not every frame is the key frame (not a one-frame stream)."""
        return len(set(self.frame_indices)) > 1 or len(self.frames) == 1


def iter_clip_windows(
    frames: Iterable[FrameType],
    frame_offsets: Sequence[int],
    load_frame: Callable[[FrameType], np.ndarray] = read_frame
) -> Iterator[ClipWindow]:
    """Slide a clip window over a stream of frames: key frame ``t`` gets the
    frames ``t + o``, clamped. The stream is read lazily, once, holding at
    most ``max - min + 1`` decoded frames.

    Args:
        frames (Iterable[str | np.ndarray]): The stream in time order, of
            any length (e.g. an ``mmcv.VideoReader``).
        frame_offsets (Sequence[int]): The clip's offsets, with 0.
        load_frame (Callable): Decodes one stream item. Defaults to
            :func:`~tdmi_mmpose.io.frames.read_frame`.

    Yields:
        :obj:`ClipWindow`: One clip per frame, in order (no ``bboxes``).
    """
    offsets = check_frame_offsets(frame_offsets)
    key = key_frame_index(offsets)
    source = iter(frames)
    buffer: Dict[int, np.ndarray] = {}
    paths: Dict[int, Optional[str]] = {}
    num_read = 0
    for frame_index in itertools.count():
        # ``next`` item by item: iter() on an mmcv.VideoReader rewinds it
        while num_read <= frame_index + offsets[-1]:
            item = next(source, _END)
            if item is _END:
                break
            img = load_frame(item)
            if buffer:
                check_frame_size(img, buffer[min(buffer)].shape,
                                 f'Frame {num_read} of the stream',
                                 'the earlier frames')
            buffer[num_read] = img
            paths[num_read] = item if isinstance(item, str) else None
            num_read += 1
        if frame_index >= num_read:
            return
        indices = clip_frame_indices(frame_index, offsets, num_read)
        yield ClipWindow(frame_index, [buffer[i] for i in indices], indices,
                         key, paths[frame_index])
        for index in [i for i in buffer if i <= frame_index + offsets[0]]:
            del buffer[index], paths[index]


class SizedIterable:
    """An iterable with a length hint (``None``: unknown) for progress
    bars."""

    def __init__(self, iterable: Iterable, length: Optional[int]) -> None:
        self._iterable = iterable
        self._length = length

    def __iter__(self) -> Iterator:
        return iter(self._iterable)

    def __length_hint__(self) -> int:
        return self._length or 0
