# Copyright (c) tdmi_mmpose contributors.
"""Where the time of a video inferencer's call goes: each stage's exclusive
wall time (less the stages called inside it), measured by wrapping the calls
that make it; the stages add up to the call's wall time."""
import contextlib
import functools
import operator
import time
from collections import defaultdict
from typing import Callable, Dict, Iterable, Iterator, List

from ..apis.frame_window import SizedIterable

#: Stage -> what it times (for the records and the docs), in the order of
#: the path; ``other`` is the call's time outside every other stage.
STAGE_CALLS = dict(
    decode='reading and decoding the video frames (the frame iterator)',
    boxes='the clip windows and each key frame\'s person boxes (given '
    'boxes, checked and clipped; no detector)',
    crops='the test pipeline (affine crops of the T frames per person, '
    'packing) and the data preprocessor (normalisation)',
    network='the network: extract_feat + head.forward (PyTorch) or the '
    'ONNX Runtime session, twice per frame with the flip test',
    decoding='the rest of the model\'s predict: flipping the clips, the '
    'head\'s flip merge and heatmap decoding, keypoints to image pixels',
    tracking='the pose tracker\'s update',
    smoothing='the smoother (where the inferencer applies one)',
    writing='rendering (mmpose\'s visualiser, the .mp4 writer) and the '
    'JSON predictions',
    other='the rest of the call (mmpose\'s loop, merging the persons\' '
    'samples, collation)')
STAGES = tuple(STAGE_CALLS)


class StageTimer:
    """Exclusive wall time per stage, over any number of calls."""

    def __init__(self) -> None:
        self.seconds: Dict[str, float] = defaultdict(float)
        self._inner: List[float] = []

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as ``name``, less the stages timed inside it."""
        start = time.perf_counter()
        self._inner.append(0.0)
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            self.seconds[name] += elapsed - self._inner.pop()
            if self._inner:
                self._inner[-1] += elapsed

    def timed(self, function: Callable, name: str) -> Callable:
        """``function``, each call timed as ``name``."""

        @functools.wraps(function)
        def call(*args, **kwargs):
            with self.stage(name):
                return function(*args, **kwargs)

        return call

    def wrap(self, obj: object, attr: str, name: str) -> None:
        """Replace ``obj.attr`` (a callable) by its timed version."""
        setattr(obj, attr, self.timed(getattr(obj, attr), name))

    def iterate(self, items: Iterable, name: str) -> SizedIterable:
        """``items``, each ``next`` timed as ``name``; sized (``len``)
        where ``items`` is, with its length hint otherwise."""
        timed = _SizedTimedItems if hasattr(items, '__len__') else _TimedItems
        return timed(items, self, name)


class _TimedItems(SizedIterable):
    """An iterable whose every ``next`` is timed as one stage."""

    def __init__(self, items: Iterable, timer: StageTimer, name: str) -> None:
        super().__init__(items, operator.length_hint(items) or None)
        self._timer = timer
        self._name = name

    def __iter__(self) -> Iterator:
        iterator = iter(self._iterable)
        while True:
            with self._timer.stage(self._name):
                try:
                    item = next(iterator)
                except StopIteration:
                    return
            yield item


class _SizedTimedItems(_TimedItems):

    def __len__(self) -> int:
        return len(self._iterable)


def instrument(inferencer) -> StageTimer:
    """Time the stages (:data:`STAGES` but ``other``) of a
    ``VideoPose2DInferencer``'s calls from now on (its methods and its
    model's, wrapped in place).

    Args:
        inferencer (VideoPose2DInferencer): The inferencer.

    Returns:
        :class:`StageTimer`: Where the times go.
    """
    timer = StageTimer()
    model = inferencer.model
    inputs_to_list = inferencer._inputs_to_list
    inferencer._inputs_to_list = lambda inputs: timer.iterate(
        inputs_to_list(inputs), 'decode')
    preprocess = inferencer.preprocess
    inferencer.preprocess = lambda *args, **kwargs: timer.iterate(
        preprocess(*args, **kwargs), 'boxes')
    inferencer.pipeline = timer.timed(inferencer.pipeline, 'crops')
    timer.wrap(model.data_preprocessor, 'forward', 'crops')
    timer.wrap(model, 'extract_feat', 'network')
    timer.wrap(model.head, 'forward', 'network')
    timer.wrap(model, 'predict', 'decoding')
    timer.wrap(inferencer.tracker, 'update', 'tracking')
    if inferencer.smoothing is not None:
        timer.wrap(inferencer.smoothing.smoother, 'update', 'smoothing')
    for method in ('visualize', 'postprocess', '_finalize_video_processing',
                   '_close_rendering'):
        timer.wrap(inferencer, method, 'writing')
    return timer
