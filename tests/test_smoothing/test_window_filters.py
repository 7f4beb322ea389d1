# Copyright (c) tdmi_mmpose contributors.
"""Savitzky-Golay and Gaussian filters: arithmetic against hand-computed
numbers and scipy, latency, per-track windows, bad parameters."""
import math

import numpy as np
import pytest
from mmpose.registry import TASK_UTILS
from scipy.ndimage import gaussian_filter1d
from scipy.signal import savgol_filter

import tdmi_mmpose  # noqa: F401  (registers the filters)
from tdmi_mmpose.smoothing import (GaussianFilter, SavitzkyGolayFilter,
                                   gaussian_weights, savgol_weights)
from tdmi_mmpose.utils import InputError


def run(smoother, frames, ids):
    """All outputs of a stream of frames ((N, K, 2) each), flushed."""
    out = []
    for keypoints, track_ids in zip(frames, ids):
        out += smoother.update(keypoints, track_ids)
    return out + smoother.flush()


def one_track(values):
    """A stream of one person (id 0) with one keypoint at (v, -v)."""
    frames = [np.array([[[v, -v]]], np.float64) for v in values]
    return frames, [[0]] * len(values)


def test_savgol_weights_are_the_published_tables():
    # Savitzky & Golay (1964): 5 points, quadratic, centre and last point
    np.testing.assert_allclose(
        savgol_weights((-2, -1, 0, 1, 2), 2),
        np.array([-3, 12, 17, 12, -3]) / 35, atol=1e-12)
    np.testing.assert_allclose(
        savgol_weights((-4, -3, -2, -1, 0), 2),
        np.array([3, -5, -3, 9, 31]) / 35, atol=1e-12)
    # fewer samples than order + 1: the interpolating polynomial
    np.testing.assert_allclose(savgol_weights((0, 1, 2), 2), [1, 0, 0],
                               atol=1e-12)


def test_savgol_filter_by_hand_and_latency():
    smoother = SavitzkyGolayFilter(window_size=5, order=2)
    assert smoother.latency == 2
    frames, ids = one_track([1, 2, 4, 8, 16, 32])
    assert smoother.update(frames[0], ids[0]) == []
    assert smoother.update(frames[1], ids[1]) == []
    ready = smoother.update(frames[2], ids[2])
    # frame 0 with frames 1, 2 (3 points, order 2): passed through
    assert [r.frame_index for r in ready] == [0]
    np.testing.assert_allclose(ready[0].keypoints, [[[1, -1]]])
    smoother.update(frames[3], ids[3])
    ready = smoother.update(frames[4], ids[4])
    # frame 2: (-3*1 + 12*2 + 17*4 + 12*8 - 3*16) / 35 = 137 / 35
    assert [r.frame_index for r in ready] == [2]
    np.testing.assert_allclose(ready[0].keypoints, [[[137 / 35, -137 / 35]]])
    smoother.update(frames[5], ids[5])
    assert [r.frame_index for r in smoother.flush()] == [4, 5]


@pytest.mark.parametrize('smoother, reference, half', [
    (SavitzkyGolayFilter(window_size=7, order=3),
     lambda x: savgol_filter(x, 7, 3, axis=0), 3),
    (GaussianFilter(window_size=9, sigma=2.0),
     lambda x: gaussian_filter1d(x, 2.0, axis=0, radius=4), 4),
])
def test_centred_windows_match_scipy_inside_the_video(smoother, reference,
                                                      half):
    """Away from the video's ends (where scipy pads and we shorten the
    window), a centred window is scipy's filter."""
    x = np.random.default_rng(0).normal(size=(30, 4, 2))
    out = run(smoother, [x[t:t + 1] for t in range(30)], [[5]] * 30)
    smoothed = np.stack([o.keypoints[0] for o in out])
    np.testing.assert_allclose(smoothed[half:-half],
                               reference(x)[half:-half],
                               atol=1e-10)


def test_savgol_causal_keeps_a_quadratic_path():
    # latency 0: fit over the past only; a parabola is kept exactly
    values = [0.5 * t * t - 3 * t + 2 for t in range(12)]
    out = run(SavitzkyGolayFilter(window_size=5, order=2, latency=0),
              *one_track(values))
    assert [o.frame_index for o in out] == list(range(12))
    np.testing.assert_allclose([o.keypoints[0, 0, 0] for o in out], values,
                               atol=1e-9)


def test_gaussian_weights_by_hand():
    # sigma 1 at -1, 0, 1: exp(-1/2) = 0.6065306597, sum 2.2130613194
    np.testing.assert_allclose(
        gaussian_weights((-1, 0, 1), 1.0),
        [0.2740686, 0.4518628, 0.2740686], atol=1e-7)


def test_gaussian_filter_by_hand():
    smoother = GaussianFilter(window_size=3, sigma=1.0)
    assert smoother.latency == 1
    out = run(smoother, *one_track([0, 3, 9, 9]))
    # frame 1: 0.4518628 * 3 + 0.2740686 * 9 = 3.8222058
    assert math.isclose(out[1].keypoints[0, 0, 0], 3.8222058, abs_tol=1e-6)
    # frame 0 has no past: weights at 0, 1 are 1 / (1 + e^-1/2), ...
    assert math.isclose(out[0].keypoints[0, 0, 0],
                        3 * 0.6065307 / 1.6065307, abs_tol=1e-6)


def test_tracks_are_filtered_separately():
    # track 3 is constant at 100, track 8 rises; they swap places in the
    # frame's order and track 8 is missing from frame 2
    frames = [
        np.array([[[100., 100.]], [[1., 1.]]]),
        np.array([[[2., 2.]], [[100., 100.]]]),
        np.array([[[100., 100.]]]),
        np.array([[[100., 100.]], [[8., 8.]]]),
    ]
    ids = [[3, 8], [8, 3], [3], [3, 8]]
    out = run(GaussianFilter(window_size=3, sigma=1.0), frames, ids)
    for o, frame_ids in zip(out, ids):
        assert o.track_ids.tolist() == frame_ids
        np.testing.assert_allclose(
            o.keypoints[frame_ids.index(3)], [[100, 100]], atol=1e-12)
    # frame 1 of track 8: its neighbours are frame 0 only (frame 2 lacks it)
    expected = (2 + 0.6065307 * 1) / 1.6065307
    np.testing.assert_allclose(out[1].keypoints[0], [[expected] * 2],
                               atol=1e-6)


def test_a_new_track_starts_fresh_and_memory_is_bounded():
    smoother = SavitzkyGolayFilter(window_size=3, order=1, latency=0)
    for t in range(50):  # a new id every frame
        out = smoother.update(np.full((1, 2, 2), float(t)), [t])
        # its first frame has no past: passed through
        np.testing.assert_allclose(out[0].keypoints, t)
        assert len(smoother.tracks) <= 3
    # an id that comes back after the window restarts from its new values
    smoother.reset()
    smoother.update(np.zeros((1, 2, 2)), [0])
    for _ in range(3):
        smoother.update(np.zeros((0, 2, 2)), [])
    out = smoother.update(np.full((1, 2, 2), 7.), [0])
    np.testing.assert_allclose(out[0].keypoints, 7.)


def test_empty_frames_and_dtype():
    smoother = TASK_UTILS.build(dict(type='GaussianFilter', window_size=3))
    assert isinstance(smoother, GaussianFilter)
    out = run(smoother, [np.zeros((0, 17, 2), np.float32)] * 2, [[], []])
    assert [o.keypoints.shape for o in out] == [(0, 17, 2)] * 2
    assert out[0].keypoints.dtype == np.float32


@pytest.mark.parametrize('cfg, field', [
    (dict(type='SavitzkyGolayFilter', window_size=0), 'window_size'),
    (dict(type='SavitzkyGolayFilter', window_size=2.5), 'window_size'),
    (dict(type='SavitzkyGolayFilter', window_size=5, order=5), 'order'),
    (dict(type='SavitzkyGolayFilter', order=-1), 'order'),
    (dict(type='SavitzkyGolayFilter', window_size=5, latency=5), 'latency'),
    (dict(type='GaussianFilter', latency=-1), 'latency'),
    (dict(type='GaussianFilter', sigma=0), 'sigma'),
    (dict(type='GaussianFilter', sigma=float('nan')), 'sigma'),
])
def test_bad_parameters(cfg, field):
    with pytest.raises(InputError, match=f'{cfg["type"]}: {field} must be'):
        TASK_UTILS.build(cfg)
