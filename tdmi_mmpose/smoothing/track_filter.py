# Copyright (c) tdmi_mmpose contributors.
"""The base of the temporal keypoint filters: frame queue and per-track
state. A filter with a latency of L frames gives frame t's keypoints when
frame t + L arrives; an id it has not seen (or has forgotten) starts fresh.
"""
import math
from collections import deque
from typing import List, NamedTuple

import numpy as np

from ..utils.errors import InputError


class SmoothedFrame(NamedTuple):
    """One frame's smoothed keypoints (N, K, 2), in the order and with the
    track ids (N, ) of its :meth:`TrackFilter.update`."""
    frame_index: int
    keypoints: np.ndarray
    track_ids: np.ndarray


def require(condition: bool, message: str) -> None:
    """A filter's parameter check: :class:`InputError` unless true."""
    if not condition:
        raise InputError(message)


def is_int(value) -> bool:
    """Whether ``value`` is an integer (a bool is not)."""
    return isinstance(value, (int, np.integer)) and not isinstance(
        value, bool)


def is_positive_number(value) -> bool:
    """Whether ``value`` is a finite real number > 0 (a bool is not)."""
    return isinstance(value, (int, float)) and not isinstance(
        value, bool) and math.isfinite(value) and value > 0


class TrackFilter:
    """Base of the keypoint filters; subclasses set :attr:`latency` and
    implement :meth:`_observe` and :meth:`_smooth`."""

    #: Frames between a frame's :meth:`update` and its output.
    latency: int = 0

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget every track and frame (call before a new video)."""
        self.frame_index = -1
        self._pending = deque()
        self.tracks = {}

    def update(self, keypoints: np.ndarray,
               track_ids: np.ndarray) -> List[SmoothedFrame]:
        """Add the next frame.

        Args:
            keypoints (np.ndarray): (N, K, 2) keypoints of the frame's
                people (N may be 0).
            track_ids (np.ndarray): (N, ) distinct integer track ids.

        Returns:
            list[:class:`SmoothedFrame`]: The frames that became ready (the
            one ``latency`` frames back, if any).
        """
        keypoints = np.asarray(keypoints)
        track_ids = np.asarray(track_ids, dtype=np.int64).reshape(-1)
        assert keypoints.shape == (len(track_ids), ) + keypoints.shape[1:] \
            and keypoints.shape[2:] == (2, ), (keypoints.shape,
                                               track_ids.shape)
        assert len(set(track_ids.tolist())) == len(track_ids), track_ids
        self.frame_index += 1
        frame = (self.frame_index, keypoints, track_ids)
        self._observe(*frame)
        self._pending.append(frame)
        return self._release(self.frame_index - self.latency)

    def flush(self) -> List[SmoothedFrame]:
        """The frames still held, at the end of the stream."""
        return self._release(self.frame_index)

    def _release(self, last_frame: int) -> List[SmoothedFrame]:
        released = []
        while self._pending and self._pending[0][0] <= last_frame:
            frame_index, keypoints, track_ids = self._pending.popleft()
            smoothed = self._smooth(frame_index, keypoints, track_ids)
            released.append(
                SmoothedFrame(frame_index, smoothed.astype(keypoints.dtype),
                              track_ids))
        return released

    def _observe(self, frame_index: int, keypoints: np.ndarray,
                 track_ids: np.ndarray) -> None:
        """Store a new frame (nothing by default)."""

    def _smooth(self, frame_index: int, keypoints: np.ndarray,
                track_ids: np.ndarray) -> np.ndarray:
        """The smoothed (N, K, 2) keypoints of a released frame."""
        raise NotImplementedError
