# Copyright (c) tdmi_mmpose contributors.
"""Temporal smoothing of the video inferencer's tracked poses, online."""
from collections import deque
from typing import Callable, Dict, Iterable, Iterator, Optional, Union

import numpy as np
from mmengine.registry import DefaultScope
from mmpose.registry import TASK_UTILS
from mmpose.structures import PoseDataSample

from ..smoothing import SmoothedFrame, TrackFilter
from ..utils.errors import InputError
from .frame_window import ClipWindow

#: The keypoint filters, for messages.
FILTER_CHOICES = ('OneEuroFilter, SavitzkyGolayFilter, GaussianFilter or '
                  'another TrackFilter in TASK_UTILS')


def build_smoother(
    smoother: Union[TrackFilter, dict, str, None]
) -> Optional[TrackFilter]:
    """A keypoint filter (:mod:`tdmi_mmpose.smoothing`) from a filter, a
    ``TASK_UTILS`` config or a type name (``None`` for ``None``)."""
    if smoother is None or isinstance(smoother, TrackFilter):
        return smoother
    cfg = dict(type=smoother) if isinstance(smoother, str) else dict(smoother)
    with DefaultScope.overwrite_default_scope('mmpose'):
        unknown = isinstance(cfg.get('type'), str) and \
            TASK_UTILS.get(cfg['type']) is None
        built = None if unknown else TASK_UTILS.build(cfg)
    if not isinstance(built, TrackFilter):
        raise InputError(
            f'smoother {cfg["type"]!r}: no such keypoint filter '
            f'({FILTER_CHOICES}).' if unknown else
            f'smoother={smoother!r} builds a {type(built).__name__}, not a '
            f'keypoint filter ({FILTER_CHOICES}).')
    return built


class OnlineSmoothing:
    """A keypoint filter on the tracked predictions of a stream, one
    prediction out per clip in: with a filter latency of L, :meth:`lookahead`
    hands clip t on once clip t + L is read, and :meth:`smoothed` predicts
    the clips read ahead. Only ``keypoints`` change.

    Args:
        smoother (TrackFilter): The filter.
    """

    def __init__(self, smoother: TrackFilter) -> None:
        self.smoother = smoother
        self.reset()

    @property
    def latency(self) -> int:
        """int: The filter's latency L in frames."""
        return self.smoother.latency

    def reset(self) -> None:
        """Start a new stream."""
        self.smoother.reset()
        self._ahead: deque = deque()
        self._ended = False
        self._num_predicted = 0
        self._predictions: Dict[int, PoseDataSample] = {}
        self._released: Dict[int, np.ndarray] = {}

    def lookahead(self, clips: Iterable[ClipWindow]) -> Iterator[ClipWindow]:
        """The clips, each once L more have been read."""
        for clip in clips:
            self._ahead.append(clip)
            if len(self._ahead) > self.latency:
                yield self._ahead.popleft()
        self._ended = True
        while self._ahead:
            yield self._ahead.popleft()

    def smoothed(self, clip: ClipWindow,
                 predict: Callable[[ClipWindow],
                                   PoseDataSample]) -> PoseDataSample:
        """The prediction of ``clip`` (from :meth:`lookahead`) with smoothed
        keypoints.

        Args:
            clip (:obj:`ClipWindow`): The clip.
            predict (Callable): Clip -> its tracked prediction
                (``pred_instances`` with ``keypoints`` (N, K, 2) and
                ``track_ids`` (N, )), called once per clip, in order.

        Returns:
            :obj:`PoseDataSample`: The clip's prediction.
        """
        for ahead in [clip, *self._ahead]:
            if ahead.frame_index == self._num_predicted:
                pred = predict(ahead)
                self._predictions[ahead.frame_index] = pred
                self._release(
                    self.smoother.update(pred.pred_instances.keypoints,
                                         pred.pred_instances.track_ids))
                self._num_predicted += 1
        if self._ended:  # every clip left is predicted
            self._release(self.smoother.flush())
        pred = self._predictions.pop(clip.frame_index)
        pred.pred_instances.keypoints = self._released.pop(clip.frame_index)
        return pred

    def _release(self, frames: Iterable[SmoothedFrame]) -> None:
        for frame in frames:
            self._released[frame.frame_index] = frame.keypoints
