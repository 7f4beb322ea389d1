# Copyright (c) tdmi_mmpose contributors.
"""Gaussian smoothing of keypoint tracks."""
from functools import lru_cache
from typing import Optional, Tuple

import numpy as np
from mmpose.registry import TASK_UTILS

from .track_filter import is_positive_number, require
from .window_filter import WindowFilter


@lru_cache(maxsize=256)
def gaussian_weights(offsets: Tuple[int, ...], sigma: float) -> np.ndarray:
    """Gaussian weights ``exp(-o^2 / (2 sigma^2))`` at ``offsets``,
    normalised: (len(offsets), ), summing to 1."""
    offsets = np.asarray(offsets, np.float64)
    weights = np.exp(-offsets**2 / (2 * sigma**2))
    return weights / weights.sum()


@TASK_UTILS.register_module()
class GaussianFilter(WindowFilter):
    """Gaussian filter per track: the Gaussian-weighted mean of the track's
    keypoints in the window (:func:`gaussian_weights`).

    Args:
        window_size (int): Frames in the window. Defaults to 11 (mmpose
            0.x's setting).
        sigma (float): Standard deviation in frames, > 0. Defaults to 4.0.
        latency (int, optional): See :class:`WindowFilter`. Defaults to
            ``window_size // 2`` (centred).
    """

    def __init__(self,
                 window_size: int = 11,
                 sigma: float = 4.0,
                 latency: Optional[int] = None):
        super().__init__(window_size, latency)
        require(is_positive_number(sigma),
                f'GaussianFilter: sigma must be a number > 0, got {sigma!r}')
        self.sigma = float(sigma)

    def weights(self, offsets: Tuple[int, ...]) -> np.ndarray:
        return gaussian_weights(offsets, self.sigma)
