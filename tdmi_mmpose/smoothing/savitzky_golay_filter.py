# Copyright (c) tdmi_mmpose contributors.
"""Savitzky-Golay smoothing of keypoint tracks."""
from functools import lru_cache
from typing import Optional, Tuple

import numpy as np
from mmpose.registry import TASK_UTILS

from .track_filter import is_int, require
from .window_filter import WindowFilter


@lru_cache(maxsize=256)
def savgol_weights(offsets: Tuple[int, ...], order: int) -> np.ndarray:
    """Weights (len(offsets), ) that give, at offset 0, the least-squares
    polynomial of degree ``min(order, len(offsets) - 1)`` through samples
    at the distinct ``offsets``."""
    degree = min(order, len(offsets) - 1)
    design = np.vander(np.asarray(offsets, np.float64), degree + 1,
                       increasing=True)
    # the fit's value at 0 is its constant coefficient: row 0 of pinv
    return np.linalg.pinv(design)[0]


@TASK_UTILS.register_module()
class SavitzkyGolayFilter(WindowFilter):
    """Savitzky-Golay filter per track: the value at t of the least-squares
    polynomial of degree ``order`` through the track's keypoints in the
    window (:func:`savgol_weights`).

    Args:
        window_size (int): Frames in the window; ``> order``.
            Defaults to 11 (mmpose 0.x's setting).
        order (int): Polynomial degree, >= 0. Defaults to 2.
        latency (int, optional): See :class:`WindowFilter`. Defaults to
            ``window_size // 2`` (centred).
    """

    def __init__(self,
                 window_size: int = 11,
                 order: int = 2,
                 latency: Optional[int] = None):
        super().__init__(window_size, latency)
        require(is_int(order) and 0 <= order < window_size,
                'SavitzkyGolayFilter: order must be an integer in [0, '
                f'window_size - 1] = [0, {window_size - 1}], got {order!r}')
        self.order = int(order)

    def weights(self, offsets: Tuple[int, ...]) -> np.ndarray:
        return savgol_weights(offsets, self.order)
