"""The smoothing study's measures against hand computations: the
acceleration error of a known path, the replay of a filter frame by frame,
the GT reading, and the target check."""
import numpy as np
import pytest

from tdmi_mmpose.analysis.smoothing_report import meets_target
from tdmi_mmpose.analysis.smoothing_study import (acceleration_errors,
                                                  gt_people, replay_filter)
from tdmi_mmpose.apis import build_smoother

K = 17


def _gt_frame(points, track_ids=(7, ), visible=None):
    points = np.asarray(points, np.float64)
    return dict(
        track_ids=np.array(track_ids),
        points=points,
        visible=np.ones(points.shape[:2], bool)
        if visible is None else np.asarray(visible),
        head_sizes=np.full(len(points), 10.0))


def test_acceleration_error_of_a_known_path():
    """GT moves at constant speed (zero acceleration); the prediction adds
    +1 px in x at frame 2 only: the second differences at frames 1, 2, 3
    are (1, 0), (-2, 0), (1, 0), so the mean error is 4/3 px/frame^2; the
    position error is 1/5 px (one of five frames off by 1)."""
    gt, pred = [], []
    for t in range(5):
        points = np.tile([10.0 + 3 * t, 20.0], (1, K, 1))
        gt.append(_gt_frame(points))
        pred.append(points[0] + (t == 2) * np.array([1.0, 0.0]))
    keypoints = [p[None] for p in pred]
    errors = acceleration_errors(keypoints, gt, [{7: 0}] * 5)
    assert errors['acc_count'] == 3 * K
    assert errors['acc_sum'] / errors['acc_count'] == pytest.approx(4 / 3)
    assert errors['pos_sum'] / errors['pos_count'] == pytest.approx(1 / 5)


def test_acceleration_uses_equally_spaced_labelled_frames_only():
    """Labelled frames 0, 3, 6, 8: only the triple (0, 3, 6) counts, its
    second difference divided by 3^2; an unassigned or invisible joint is
    left out."""
    gt = [None] * 9
    pred = [np.zeros((1, K, 2))] * 9
    for t in (0, 3, 6, 8):
        gt[t] = _gt_frame(np.zeros((1, K, 2)))
    pred = list(pred)
    pred[3] = np.full((1, K, 2), 0.0)
    pred[3][0, :, 0] = 9.0  # second difference -18 in x
    gt[6]['visible'][0, 0] = False
    assigned = [{7: 0}] * 9
    errors = acceleration_errors(pred, gt, assigned)
    assert errors['acc_count'] == K - 1
    assert errors['acc_sum'] / errors['acc_count'] == pytest.approx(18 / 9)
    assigned = list(assigned)
    assigned[6] = {}
    assert acceleration_errors(pred, gt, assigned)['acc_count'] == 0


def test_replay_is_the_filter_fed_frame_by_frame():
    """A centred mean of 3 (Savitzky-Golay, order 0) per track id, two
    tracks, one missing in frame 1."""
    rng = np.random.default_rng(0)
    kpts = rng.normal(size=(4, 2, K, 2))
    frames = [
        dict(keypoints=kpts[t] if t != 1 else kpts[t][:1],
             track_ids=np.array([0, 1] if t != 1 else [0]))
        for t in range(4)
    ]
    smoothed = replay_filter(
        frames,
        build_smoother(dict(type='SavitzkyGolayFilter', window_size=3,
                            order=0)))
    np.testing.assert_allclose(smoothed[1][0], kpts[0:3, 0].mean(0))
    np.testing.assert_allclose(smoothed[2][1], kpts[[2, 3], 1].mean(0))
    np.testing.assert_allclose(smoothed[0][1], kpts[0, 1])  # alone there
    assert replay_filter(frames, None)[2] is frames[2]['keypoints']


def test_gt_people_reads_labelled_frames_in_file_order():
    kpts = np.arange(K * 3, dtype=float).reshape(K, 3)
    kpts[:, 2] = [1, 0] * 8 + [1]
    video = dict(
        images=[dict(id=5, is_labeled=True), dict(id=6, is_labeled=False)],
        annotations=[
            dict(image_id=5, track_id=3, keypoints=kpts.ravel().tolist(),
                 bbox_head=[0, 0, 3, 4])
        ])
    frames = gt_people(video)
    assert frames[1] is None
    np.testing.assert_array_equal(frames[0]['points'][0], kpts[:, :2])
    np.testing.assert_array_equal(frames[0]['visible'][0], kpts[:, 2] > 0)
    assert frames[0]['head_sizes'][0] == pytest.approx(0.6 * 5)
    assert frames[0]['track_ids'].tolist() == [3]


def test_the_target_needs_less_jitter_and_at_most_half_a_point_of_ap():
    def row(ap, acc):
        return dict(total_ap=dict(mean=ap), accel_error_px=dict(mean=acc))
    summary = dict(none=row(70.0, 2.0), a=row(69.6, 1.0), b=row(69.4, 1.0),
                   c=row(71.0, 2.5))
    assert meets_target(summary) == dict(a=True, b=False, c=False)
