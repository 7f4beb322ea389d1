# Copyright (c) tdmi_mmpose contributors.
"""The One Euro filter against hand-computed steps."""
import math

import numpy as np
import pytest
from mmpose.registry import TASK_UTILS

import tdmi_mmpose  # noqa: F401  (registers the filters)
from tdmi_mmpose.smoothing import OneEuroFilter, smoothing_factor
from tdmi_mmpose.utils import InputError

# a cutoff of 1 / (2 pi) per frame makes r = 2 pi cutoff dt = dt
UNIT = 1 / (2 * math.pi)


def point(x):
    return np.array([[[x, 2 * x]]], np.float64)


def test_smoothing_factor_by_hand():
    assert math.isclose(smoothing_factor(UNIT, 1), 0.5)
    assert math.isclose(smoothing_factor(UNIT, 3), 0.75)
    # 2 pi * 0.004 = 0.0251327; 0.0251327 / 1.0251327 = 0.0245166
    assert math.isclose(smoothing_factor(0.004, 1), 0.0245166, rel_tol=1e-5)


def test_one_euro_steps_by_hand():
    # min_cutoff = beta = d_cutoff = 1 / (2 pi): a_d = 1/2 and the signal's
    # factor is (1 + |dx|) / (2 + |dx|)
    smoother = OneEuroFilter(min_cutoff=UNIT, beta=UNIT, d_cutoff=UNIT)
    assert smoother.latency == 0
    values = []
    for x in (0., 2., 2.):
        (frame, ) = smoother.update(point(x), [4])
        values.append(frame.keypoints[0, 0])
    # frame 1: speed 2, dx = 1, factor 2/3: 2/3 * 2 = 4/3
    # frame 2: speed 2 - 4/3 = 2/3, dx = 1/3 + 1/2 = 5/6, factor 11/17:
    #          11/17 * 2 + 6/17 * 4/3 = 30/17
    np.testing.assert_allclose(values[0], [0, 0])
    # y = 2x: speed 4, dx = 2, factor 3/4: 3/4 * 4 = 3; then speed 1,
    # dx = 1/2 + 1 = 3/2, factor 5/7: 5/7 * 4 + 2/7 * 3 = 26/7
    np.testing.assert_allclose(values[1], [4 / 3, 3], atol=1e-12)
    np.testing.assert_allclose(values[2], [30 / 17, 26 / 7], atol=1e-12)


def test_gap_uses_the_elapsed_frames_and_long_gaps_restart():
    smoother = OneEuroFilter(min_cutoff=UNIT, beta=0, max_gap=2)
    smoother.update(point(0.), [1])
    smoother.update(np.zeros((0, 1, 2)), [])
    (frame, ) = smoother.update(point(3.), [1])
    # dt = 2: factor 2 / 3, 2/3 * 3 = 2
    np.testing.assert_allclose(frame.keypoints[0, 0, 0], 2.0, atol=1e-12)
    for _ in range(3):  # more than max_gap frames without track 1
        smoother.update(np.zeros((0, 1, 2)), [])
    assert 1 not in smoother.tracks
    (frame, ) = smoother.update(point(9.), [1])
    np.testing.assert_allclose(frame.keypoints[0, 0], [9, 18])


def test_tracks_are_separate_and_new_tracks_start_fresh():
    smoother = TASK_UTILS.build(
        dict(type='OneEuroFilter', min_cutoff=UNIT, beta=0))
    smoother.update(np.concatenate([point(0.), point(10.)]), [0, 1])
    (frame, ) = smoother.update(
        np.concatenate([point(10.), point(4.), point(50.)]), [1, 0, 2])
    # id 1 stays at 10; id 0 goes 0 -> 1/2 * 4 = 2; id 2 is new: as given
    np.testing.assert_allclose(frame.keypoints[:, 0, 0], [10, 2, 50])
    assert frame.track_ids.tolist() == [1, 0, 2]


@pytest.mark.parametrize('kwargs', [
    dict(min_cutoff=0), dict(min_cutoff=-1), dict(d_cutoff=0),
    dict(beta=-0.1), dict(beta=float('inf')), dict(min_cutoff='1')
])
def test_bad_cutoffs(kwargs):
    with pytest.raises(InputError, match='OneEuroFilter: min_cutoff and '
                       'd_cutoff must be numbers > 0 and beta >= 0'):
        OneEuroFilter(**kwargs)


def test_bad_max_gap():
    with pytest.raises(InputError, match='max_gap must be an integer >= 0'):
        OneEuroFilter(max_gap=-1)
