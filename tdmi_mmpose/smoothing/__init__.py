# Copyright (c) tdmi_mmpose contributors.
"""Temporal smoothing of keypoint tracks, registered in mmpose's
``TASK_UTILS`` (``TASK_UTILS.build(dict(type='OneEuroFilter'))``).

Each filter takes one frame at a time (:meth:`TrackFilter.update`:
keypoints (N, K, 2) and track ids (N, )) and filters every track id on its
own; see ``docs/deployment.md``, "Temporal smoothing".

- :class:`OneEuroFilter`: adaptive low-pass, online (no latency);
- :class:`SavitzkyGolayFilter`: local polynomial fit over a window;
- :class:`GaussianFilter`: Gaussian-weighted mean over a window;
  the window filters give frame t when frame t + ``latency`` arrives
  (default ``window_size // 2``).
"""
from .gaussian_filter import GaussianFilter, gaussian_weights
from .one_euro_filter import OneEuroFilter, one_euro_step, smoothing_factor
from .savitzky_golay_filter import SavitzkyGolayFilter, savgol_weights
from .track_filter import SmoothedFrame, TrackFilter
from .window_filter import WindowFilter

__all__ = [
    'GaussianFilter', 'OneEuroFilter', 'SavitzkyGolayFilter', 'SmoothedFrame',
    'TrackFilter', 'WindowFilter', 'gaussian_weights', 'one_euro_step',
    'savgol_weights', 'smoothing_factor'
]
