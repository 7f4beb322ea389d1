# Copyright (c) tdmi_mmpose contributors.
"""Temporal smoothing of keypoint tracks, one frame at a time and each
track id on its own, registered in mmpose's ``TASK_UTILS``; see
``docs/deployment.md``, "Temporal smoothing"."""
from .gaussian_filter import GaussianFilter, gaussian_weights
from .one_euro_filter import OneEuroFilter, smoothing_factor
from .savitzky_golay_filter import SavitzkyGolayFilter, savgol_weights
from .track_filter import SmoothedFrame, TrackFilter
from .window_filter import WindowFilter

__all__ = [
    'GaussianFilter', 'OneEuroFilter', 'SavitzkyGolayFilter', 'SmoothedFrame',
    'TrackFilter', 'WindowFilter', 'gaussian_weights', 'savgol_weights',
    'smoothing_factor'
]
