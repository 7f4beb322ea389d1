"""The tracker's ids evaluated by the PoseTrack MOTA: perfect poses in a
shuffled order get MOTA 100 exactly when the tracker keeps every identity."""
import numpy as np
import pytest

from tdmi_mmpose.evaluation.functional import (POSETRACK18_TO_POSEVAL,
                                               poseval_mota)
from tdmi_mmpose.tracking import track_video

pytest.importorskip(
    'motmetrics',
    reason='motmetrics is not installed (pip install motmetrics==1.4.0)')

BODY = np.array(
    [[0, -80], [0, -60], [0, -100], [-8, -80], [8, -80], [-20, -50], [20, -50],
     [-30, -20], [30, -20], [-35, 10], [35, 10], [-15, 20], [15, 20],
     [-15, 60], [15, 60], [-15, 100], [15, 100]],
    dtype=np.float64)


def _video(absent_frames=()):
    """Three people walking 3 px per frame for 10 frames; person 0 is
    missing in ``absent_frames``. Returns GT frames (poseval joints, true
    ids) and detections (17 keypoints, shuffled order, no ids)."""
    rng = np.random.default_rng(1)
    gt_frames, detections = [], []
    for f in range(10):
        people = [(t, BODY + [100 + 250 * t + 3 * f, 300 + 1.5 * f * (t - 1)])
                  for t in range(3) if not (t == 0 and f in absent_frames)]
        order = rng.permutation(len(people))
        people = [people[i] for i in order]
        gt_frames.append(
            dict(
                points=np.stack([
                    p[:, :2][list(POSETRACK18_TO_POSEVAL)] for _, p in people
                ]),
                present=np.ones((len(people), 15), bool),
                head_sizes=np.full(len(people), 30.0),
                track_ids=np.array([t for t, _ in people]),
                ignore_regions=[]))
        detections.append(
            dict(
                keypoints=np.stack([p for _, p in people]),
                keypoint_scores=np.ones((len(people), 17))))
    return gt_frames, detections


def _mota(gt_frames, detections, **cfg):
    ids = track_video(detections, cfg)
    pred_frames = [
        dict(points=g['points'], present=g['present'], track_ids=i)
        for g, i in zip(gt_frames, ids)
    ]
    return poseval_mota({'v': gt_frames},
                        {'v': pred_frames})['total']['mota']


def test_tracked_perfect_poses_get_mota_100():
    assert _mota(*_video()) == 100.0
    assert _mota(*_video(), matcher='greedy') == 100.0


def test_an_id_lost_after_max_age_is_an_identity_switch():
    # person 0 is missing in frames 3-5: with max_age >= 3 it keeps its id;
    # with max_age=2 it returns with a new id: one switch for each joint
    # out of 9 frames x 3 people - 3 absences = 24 objects.
    gt_frames, detections = _video(absent_frames=(3, 4, 5))
    assert _mota(gt_frames, detections, max_age=3) == 100.0
    assert _mota(gt_frames, detections, max_age=2) == \
        pytest.approx(100 * (1 - 1 / 24))
