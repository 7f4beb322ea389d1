"""Tests of the pose tracker on hand-made videos with hand-computed OKS and
IoU values."""
import numpy as np
import pytest
from mmengine.structures import InstanceData

from mmpose.registry import TASK_UTILS
from tdmi_mmpose.io import POSETRACK18_METAINFO
from tdmi_mmpose.tracking import (PoseTracker, build_tracker, keypoint_boxes,
                                  match_greedy, match_hungarian, track_video)

# The PoseTrack18 OKS sigmas as written in mmpose's
# configs/_base_/datasets/posetrack18.py (an independent copy, to check
# that the tracker reads them from there).
POSETRACK18_SIGMAS = [
    0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072, 0.062,
    0.062, 0.107, 0.107, 0.087, 0.087, 0.089, 0.089
]

# Keypoint offsets from a person's centre: a 100 x 200 px upright body.
BODY = np.array(
    [[0, -80], [0, -60], [0, -100], [-8, -80], [8, -80], [-20, -50], [20, -50],
     [-30, -20], [30, -20], [-35, 10], [35, 10], [-15, 20], [15, 20],
     [-15, 60], [15, 60], [-15, 100], [15, 100]],
    dtype=np.float64)


def person(cx, cy, score=1.0):
    """A person at (cx, cy): keypoints (17, 2), scores (17, ), box
    [cx - 50, cy - 100, cx + 50, cy + 100] (area 20000)."""
    return (BODY + [cx, cy], np.full(17, float(score)),
            np.array([cx - 50, cy - 100, cx + 50, cy + 100], np.float64))


def frame(*people):
    """A frame dict of ``track_video`` from ``person`` tuples."""
    if not people:
        return dict(
            keypoints=np.zeros((0, 17, 2)),
            keypoint_scores=np.zeros((0, 17)),
            bboxes=np.zeros((0, 4)))
    keypoints, scores, boxes = zip(*people)
    return dict(
        keypoints=np.stack(keypoints),
        keypoint_scores=np.stack(scores),
        bboxes=np.stack(boxes))


def ids(frames, **cfg):
    return [a.tolist() for a in track_video(frames, cfg)]


def hand_oks(shift, area, sigmas=POSETRACK18_SIGMAS):
    """OKS of a pose and the same pose moved by ``shift`` (all keypoints
    confident): mean_k exp(-d^2 / (2 * area * (2 sigma_k)^2))."""
    d2 = shift[0]**2 + shift[1]**2
    return float(
        np.mean([np.exp(-d2 / (2 * area * (2 * s)**2)) for s in sigmas]))


def test_sigmas_come_from_the_dataset_metainfo():
    assert POSETRACK18_METAINFO['sigmas'].tolist() == pytest.approx(
        POSETRACK18_SIGMAS)
    assert PoseTracker().sigmas.tolist() == pytest.approx(POSETRACK18_SIGMAS)
    # a config takes the sigmas of the metainfo it is given, unless it has
    # its own
    meta = dict(sigmas=np.full(17, 0.1))
    assert build_tracker(dict(max_age=1), meta).sigmas.tolist() == [0.1] * 17
    assert build_tracker(dict(type='PoseTracker', sigmas=[0.2] * 17),
                         meta).sigmas.tolist() == [0.2] * 17
    tracker = PoseTracker()
    assert build_tracker(tracker, meta) is tracker


def test_similarity_is_oks_with_the_mean_box_area():
    tracker = PoseTracker()
    tracker.update(*frame(person(100, 200)).values())
    kpts, scores, box = person(112, 216)  # moved by (12, 16): d = 20
    similarity, allowed = tracker.similarity(kpts[None], scores[None],
                                             box[None])
    expected = hand_oks((12, 16), 20000)
    assert expected == pytest.approx(0.4967, abs=1e-4)
    assert similarity[0, 0] == pytest.approx(expected, rel=1e-6)
    assert allowed[0, 0]


def test_new_ids_in_detection_order_and_start_id():
    video = [frame(person(100, 200), person(400, 200), person(700, 200))]
    assert ids(video) == [[0, 1, 2]]
    assert ids(video, start_id=7) == [[7, 8, 9]]


def test_crossing_people_keep_their_ids():
    # A walks right at y=200, B walks left at y=260, 10 px per frame (OKS
    # with the previous frame hand_oks((10, 0), 20000) = 0.78); their x
    # positions cross at frame 3 (x=130) and the detection order flips every
    # frame. The other person is >= 60 px away: OKS < 0.05.
    assert hand_oks((10, 0), 20000) == pytest.approx(0.776, abs=1e-3)
    assert hand_oks((10, 60), 20000) < 0.05
    frames = []
    for f in range(7):
        a = person(100 + 10 * f, 200)
        b = person(160 - 10 * f, 260)
        frames.append(frame(a, b) if f % 2 == 0 else frame(b, a))
    expected = [[0, 1] if f % 2 == 0 else [1, 0] for f in range(7)]
    assert ids(frames) == expected
    assert ids(frames, matcher='greedy') == expected


def test_leaving_and_returning_within_and_after_max_age():
    a, b = person(100, 200), person(500, 200)
    # A is missing in frames 2 and 3 (two frames), back in frame 4.
    frames = [frame(a, b), frame(a, b), frame(b), frame(b), frame(a, b)]
    assert ids(frames, max_age=2)[-1] == [0, 1]
    assert ids(frames, max_age=3)[-1] == [0, 1]
    # not matched for 2 > max_age frames: dropped, a new id on return
    assert ids(frames, max_age=1)[-1] == [2, 1]
    assert ids(frames, max_age=0)[-1] == [2, 1]
    # max_age=0 allows no gap at all, but keeps continuous tracks
    assert ids([frame(a, b), frame(b), frame(a, b)], max_age=0) == \
        [[0, 1], [1], [2, 1]]


def test_few_confident_keypoints_are_matched_by_box_iou():
    kpts, _, box = person(100, 200)
    scores = np.zeros(17)
    scores[[5, 6]] = 0.9  # two confident keypoints < min_keypoints = 3
    moved = kpts + [20, 0]  # the box moves 20 px: IoU = 80 / 120
    iou = 80 * 200 / (120 * 200)
    assert iou == pytest.approx(2 / 3)
    video = [
        dict(
            keypoints=kpts[None],
            keypoint_scores=scores[None],
            bboxes=box[None]),
        dict(
            keypoints=moved[None],
            keypoint_scores=scores[None],
            bboxes=(box + [20, 0, 20, 0])[None]),
    ]
    tracker = PoseTracker()
    tracker.update(**video[0])
    similarity, allowed = tracker.similarity(moved[None], scores[None],
                                             (box + [20, 0, 20, 0])[None])
    assert similarity[0, 0] == pytest.approx(iou, rel=1e-6)
    assert ids(video) == [[0], [0]]
    assert ids(video, iou_thr=0.7) == [[0], [1]]  # 2/3 < 0.7
    # with min_keypoints=2 the two keypoints are compared by OKS: they
    # moved 20 px, OKS = mean(exp(-400 / (2 * 20000 * (2 * 0.079)^2)))
    oks = hand_oks((20, 0), 20000, [0.079, 0.079])
    assert oks == pytest.approx(0.6700, abs=1e-4)
    assert ids(video, min_keypoints=2, oks_thr=0.6) == [[0], [0]]
    assert ids(video, min_keypoints=2, oks_thr=0.7) == [[0], [1]]


def test_enough_keypoints_use_oks_even_if_boxes_overlap():
    # Same box, but the pose is moved by (40, 30) inside it: IoU = 1 and
    # OKS = hand_oks((40, 30), 20000) < 0.3 -> no match.
    a_kpts, scores, box = person(100, 200)
    oks = hand_oks((40, 30), 20000)
    assert oks < 0.3
    video = [
        frame((a_kpts, scores, box)),
        frame((a_kpts + [40, 30], scores, box)),
    ]
    assert ids(video) == [[0], [1]]
    assert ids(video, oks_thr=oks * 0.99) == [[0], [0]]


def test_keypoint_threshold_is_strict():
    kpts, _, box = person(100, 200)
    scores = np.full(17, 0.3)  # == kpt_thr: not confident -> box IoU
    video = [
        dict(
            keypoints=kpts[None],
            keypoint_scores=scores[None],
            bboxes=box[None]),
        dict(
            keypoints=(kpts + [40, 30])[None],
            keypoint_scores=scores[None],
            bboxes=box[None]),
    ]
    assert ids(video) == [[0], [0]]  # IoU 1
    assert ids(video, kpt_thr=0.29) == [[0], [1]]  # OKS < 0.3


def _two_box_video():
    """IoU-matched 10 x 10 boxes (no confident keypoint). Tracks 0, 1 at
    x = 0, 6; then detections D0 at x = 2 and D1 at x = -3:
    IoU(T0, D0) = 8/12, IoU(T1, D0) = 6/14, IoU(T0, D1) = 7/13,
    IoU(T1, D1) = 1/19 (< 0.3, not allowed)."""

    def boxes_frame(xs):
        return dict(
            keypoints=np.zeros((len(xs), 17, 2)),
            keypoint_scores=np.zeros((len(xs), 17)),
            bboxes=np.array([[x, 0, x + 10, 10] for x in xs], np.float64))

    return [boxes_frame([0, 6]), boxes_frame([2, -3])]


def test_hungarian_maximises_the_summed_similarity_greedy_does_not():
    # greedy: T0-D0 (8/12) first, T1 has nothing left -> D1 gets id 2.
    # Hungarian: T0-D1 + T1-D0 = 7/13 + 6/14 = 0.967 > 8/12.
    assert ids(_two_box_video(), matcher='hungarian') == [[0, 1], [1, 0]]
    assert ids(_two_box_video(), matcher='greedy') == [[0, 1], [0, 2]]


def test_matchers_on_a_similarity_matrix():
    similarity = np.array([[0.9, 0.8], [0.85, 0.1]])
    allowed = similarity >= 0.3
    assert match_greedy(similarity, allowed).tolist() == [[0, 0]]
    assert match_hungarian(similarity, allowed).tolist() == [[0, 1], [1, 0]]
    # ties: greedy takes the lower track, then the lower detection index
    tied = np.full((2, 2), 0.5)
    assert match_greedy(tied, tied > 0).tolist() == [[0, 0], [1, 1]]
    assert match_hungarian(np.zeros((0, 3)), np.zeros((0, 3), bool)).shape \
        == (0, 2)


def test_deterministic_and_accepts_instance_data():
    rng = np.random.default_rng(0)
    frames = []
    for f in range(12):
        people = [
            person(
                100 * k + 10 * f + rng.normal(0, 5),
                200 + rng.normal(0, 5),
                score=rng.uniform(0.1, 1.0))
            for k in range(int(rng.integers(0, 6)))
        ]
        frames.append(frame(*people))
    first = ids(frames, max_age=2)
    assert ids(frames, max_age=2) == first
    tracker = PoseTracker(max_age=2)
    tracker.update(**frames[0])  # state from another video is reset
    assert [a.tolist() for a in track_video(frames, tracker)] == first
    instances = [InstanceData(**f) for f in frames]
    assert ids(instances, max_age=2) == first
    for frame_ids in first:  # unique within each frame
        assert len(set(frame_ids)) == len(frame_ids)


def test_boxes_default_to_the_confident_keypoints():
    kpts, scores, _ = person(100, 200)
    scores[:15] = 0.0  # only the two ankles (y = 300) are confident
    boxes = keypoint_boxes(kpts[None], scores[None], 0.3)
    assert boxes.tolist() == [[85, 300, 115, 300]]
    boxes = keypoint_boxes(kpts[None], np.ones((1, 17)), 0.3)
    assert boxes.tolist() == [[65, 100, 135, 300]]
    video = [frame(person(100, 200)), frame(person(104, 203))]
    for f in video:
        del f['bboxes']
    assert ids(video) == [[0], [0]]


def test_built_from_the_registry():
    tracker = TASK_UTILS.build(
        dict(type='PoseTracker', matcher='greedy', max_age=5))
    assert isinstance(tracker, PoseTracker)
    assert (tracker.matcher, tracker.max_age) == ('greedy', 5)
    video = [frame(person(100, 200)), frame(person(104, 203))]
    assert [
        a.tolist()
        for a in track_video(video, dict(type='PoseTracker', start_id=4))
    ] == [[4], [4]]


@pytest.mark.parametrize('kwargs', [
    dict(matcher='auction'),
    dict(oks_thr=0),
    dict(iou_thr=1.5),
    dict(max_age=-1),
    dict(max_age=1.5),
    dict(min_keypoints=0),
])
def test_bad_options(kwargs):
    (name, value), = kwargs.items()
    with pytest.raises(ValueError, match=rf'^PoseTracker: {name}={value!r} '):
        PoseTracker(**kwargs)
    with pytest.raises(ValueError, match=r"matcher='auction', max_age=-1 "):
        PoseTracker(matcher='auction', max_age=-1)


def test_bad_frames():
    """Wrong shapes are programming errors of the caller (the model's
    outputs, or files the io layer checked), caught by assertions."""
    tracker = PoseTracker()
    with pytest.raises(AssertionError, match=r'expected shapes \(N, 17, 2\)'):
        tracker.update(np.zeros((2, 15, 2)), np.zeros((2, 15)))
    with pytest.raises(AssertionError, match=r'got \(2, 17, 2\) and \(3'):
        tracker.update(np.zeros((2, 17, 2)), np.zeros((3, 17)))
    with pytest.raises(AssertionError, match=r'bboxes: expected'):
        tracker.update(
            np.zeros((2, 17, 2)), np.zeros((2, 17)), np.zeros((1, 4)))
    with pytest.raises(KeyError, match='keypoint_scores'):
        track_video(
            [frame(person(0, 0)),
             dict(keypoints=np.zeros((0, 17, 2)))])
    assert ids([frame(), frame(person(1, 2)), frame()]) == [[], [0], []]


def test_config_builds_in_mmpose_scope_whatever_the_default_scope():
    """A detector sets the default scope to mmdet; the tracker config still
    builds from mmpose's TASK_UTILS."""
    import numpy as np
    from mmengine.registry import DefaultScope
    from tdmi_mmpose.tracking import track_video
    frames = [dict(keypoints=np.zeros((0, 17, 2)),
                   keypoint_scores=np.zeros((0, 17)))] * 2
    with DefaultScope.overwrite_default_scope('mmdet'):
        ids = track_video(frames, dict(type='PoseTracker'))
    assert [len(i) for i in ids] == [0, 0]
