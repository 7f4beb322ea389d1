# Copyright (c) tdmi_mmpose contributors.
"""The One Euro filter (Casiez et al., CHI 2012) on keypoint tracks."""
import math
from typing import Tuple

import numpy as np
from mmpose.registry import TASK_UTILS

from .track_filter import TrackFilter, is_int, is_positive_number, require


def smoothing_factor(cutoff, dt):
    """The smoothing factor ``r / (r + 1)``, ``r = 2 pi cutoff dt``, of a
    low-pass filter for samples ``dt`` apart.

    Args:
        cutoff (float | np.ndarray): Cutoff frequency (per frame).
        dt (float): Time since the previous sample (frames).

    Returns:
        float | np.ndarray: The factor in (0, 1).
    """
    r = 2 * math.pi * cutoff * dt
    return r / (r + 1)


def _one_euro_step(x: np.ndarray, x_prev: np.ndarray, dx_prev: np.ndarray,
                   dt: float, min_cutoff: float, beta: float,
                   d_cutoff: float) -> Tuple[np.ndarray, np.ndarray]:
    """The filtered value and speed of sample ``x``, ``dt`` frames after
    ``x_prev``: the speed low-passed with cutoff ``d_cutoff``, the signal
    with ``min_cutoff + beta * |speed|``."""
    speed = (x - x_prev) / dt
    a_d = smoothing_factor(d_cutoff, dt)
    dx = a_d * speed + (1 - a_d) * dx_prev
    a = smoothing_factor(min_cutoff + beta * np.abs(dx), dt)
    return a * x + (1 - a) * x_prev, dx


@TASK_UTILS.register_module()
class OneEuroFilter(TrackFilter):
    """The One Euro filter per track, online (no latency). Cutoffs are per
    frame (times the frame rate: Hz). A track's first frame is passed
    through; one unseen for more than ``max_gap`` frames is forgotten.

    Args:
        min_cutoff (float): Cutoff at rest, > 0; lower: less jitter, more
            lag. Defaults to 0.004 (mmpose 0.x's setting).
        beta (float): Cutoff increase per pixel/frame of speed, >= 0;
            higher: less lag in fast motion. Defaults to 0.7 (mmpose 0.x).
        d_cutoff (float): Cutoff of the speed estimate, > 0. Defaults to 1.
        max_gap (int): Frames a track may be missing and still be
            continued, >= 0. Defaults to 10.
    """

    def __init__(self,
                 min_cutoff: float = 0.004,
                 beta: float = 0.7,
                 d_cutoff: float = 1.0,
                 max_gap: int = 10):
        require(
            is_positive_number(min_cutoff) and is_positive_number(d_cutoff)
            and (beta == 0 or is_positive_number(beta)),
            'OneEuroFilter: min_cutoff and d_cutoff must be numbers > 0 and '
            f'beta >= 0, got min_cutoff={min_cutoff!r}, '
            f'd_cutoff={d_cutoff!r}, beta={beta!r}')
        require(is_int(max_gap) and max_gap >= 0,
                f'OneEuroFilter: max_gap must be an integer >= 0, got '
                f'{max_gap!r}')
        self.min_cutoff = float(min_cutoff)
        self.beta = float(beta)
        self.d_cutoff = float(d_cutoff)
        self.max_gap = int(max_gap)
        super().__init__()

    def _smooth(self, frame_index, keypoints, track_ids) -> np.ndarray:
        smoothed = keypoints.astype(np.float64)
        for n, track_id in enumerate(track_ids.tolist()):
            state = self.tracks.get(track_id)
            if state is None:  # a new track: its first sample as it is
                speed = np.zeros_like(smoothed[n])
            else:
                last_frame, x_prev, dx_prev = state
                smoothed[n], speed = _one_euro_step(
                    smoothed[n], x_prev, dx_prev, frame_index - last_frame,
                    self.min_cutoff, self.beta, self.d_cutoff)
            self.tracks[track_id] = (frame_index, smoothed[n], speed)
        for track_id in [
                t for t, (last, _, _) in self.tracks.items()
                if frame_index - last > self.max_gap
        ]:
            del self.tracks[track_id]
        return smoothed
