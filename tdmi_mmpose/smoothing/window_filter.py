# Copyright (c) tdmi_mmpose contributors.
"""Filters that average each track over a window of frames."""
from collections import deque
from typing import Optional, Tuple

import numpy as np

from .track_filter import TrackFilter, is_int, require


class WindowFilter(TrackFilter):
    """Frame t of a track becomes a weighted sum (:meth:`weights`) of the
    track's keypoints in the frames ``t - (window_size - 1 - latency) ..
    t + latency`` where it has them.

    Args:
        window_size (int): Frames in the window, >= 1.
        latency (int, optional): Frames of the window after t, in
            ``[0, window_size - 1]``. Defaults to ``window_size // 2``.
    """

    def __init__(self, window_size: int, latency: Optional[int] = None):
        require(is_int(window_size) and window_size >= 1,
                f'{type(self).__name__}: window_size must be an integer '
                f'>= 1, got {window_size!r}')
        latency = window_size // 2 if latency is None else latency
        require(is_int(latency) and 0 <= latency < window_size,
                f'{type(self).__name__}: latency must be an integer in [0, '
                f'window_size - 1] = [0, {window_size - 1}], got '
                f'{latency!r}')
        self.window_size = int(window_size)
        self.latency = int(latency)
        super().__init__()

    def weights(self, offsets: Tuple[int, ...]) -> np.ndarray:
        """Weights (len(offsets), ), summing to 1, at increasing frame
        offsets from t (0 among them)."""
        raise NotImplementedError

    def _observe(self, frame_index, keypoints, track_ids) -> None:
        oldest = frame_index - self.window_size + 1
        for track_id, points in zip(track_ids.tolist(), keypoints):
            self.tracks.setdefault(track_id, deque()).append(
                (frame_index, points.astype(np.float64)))
        for track_id in list(self.tracks):
            history = self.tracks[track_id]
            while history and history[0][0] < oldest:
                history.popleft()
            if not history:
                del self.tracks[track_id]

    def _smooth(self, frame_index, keypoints, track_ids) -> np.ndarray:
        first = frame_index - (self.window_size - 1 - self.latency)
        last = frame_index + self.latency
        smoothed = np.empty(keypoints.shape, dtype=np.float64)
        for n, track_id in enumerate(track_ids.tolist()):
            samples = [(f, points) for f, points in self.tracks[track_id]
                       if first <= f <= last]
            offsets = tuple(f - frame_index for f, _ in samples)
            stacked = np.stack([points for _, points in samples])
            smoothed[n] = np.tensordot(self.weights(offsets), stacked, 1)
        return smoothed
