"""PoseTrack MOTA on hand-made videos whose numbers are worked out by hand
(the differential test against poseval is test_posetrack_mota_vs_poseval)."""
import numpy as np
import pytest

from tdmi_mmpose.evaluation.functional import (MOTA_TABLE_NAMES,
                                               POSEVAL_JOINT_NAMES,
                                               poseval_mota)
from tdmi_mmpose.evaluation.metrics import format_poseval_table

pytest.importorskip(
    'motmetrics',
    reason='motmetrics is not installed (pip install motmetrics==1.4.0)')

J = len(POSEVAL_JOINT_NAMES)
HEAD_TOP = POSEVAL_JOINT_NAMES.index('head_top')


def body(x0, y0=100.0):
    """Joint j of a person at (x0 + 20 j, y0 + 5 j); people 1000 px apart
    never come near each other (head size 30)."""
    return np.stack([x0 + 20.0 * np.arange(J), y0 + 5.0 * np.arange(J)], 1)


def gt(*people, ignore=()):
    """A GT frame from ``(track_id, points[, present])`` tuples."""
    return dict(
        points=np.array([p[1] for p in people]).reshape(-1, J, 2),
        present=np.array([
            p[2] if len(p) > 2 else np.ones(J, bool) for p in people
        ]).reshape(-1, J),
        head_sizes=np.full(len(people), 30.0),
        track_ids=np.array([p[0] for p in people], np.int64),
        ignore_regions=[np.array(r, np.float64) for r in ignore])


def pred(*people):
    """A prediction frame from ``(track_id, points[, present])`` tuples."""
    frame = gt(*people)
    del frame['head_sizes'], frame['ignore_regions']
    return frame


def evaluate(gt_frames, pred_frames):
    return poseval_mota({'000001_mpii_test': gt_frames},
                        {'000001_mpii_test': pred_frames})


def totals(result):
    return [
        result['total'][k] for k in ('mota', 'motp', 'precision', 'recall')
    ]


A, B, C = body(0), body(1000), body(2000)


def test_perfect_tracking_and_the_last_frame_is_not_evaluated():
    frames = [gt((1, A), (2, B))] * 3
    preds = [pred((7, A), (8, B))] * 2 + [pred()]  # last frame: all missed
    result = evaluate(frames, preds)
    assert totals(result) == [100.0, 100.0, 100.0, 100.0]
    counts = result['internals']
    assert counts['num_objects']['nose'] == 4  # 2 people x 2 frames
    assert counts['num_misses']['nose'] == 0
    assert counts['n_frames_evaluated'] == 2
    assert result['table']['Total'] == 100.0


def test_motp_sums_the_distances_of_raw_and_match_events():
    # every prediction 5 px off (3, 4): distance / head size = 1/6. Per
    # joint, 2 frames x 2 people give a RAW and a MATCH event of 1/6 each:
    # sumD = 8/6, detections 4 -> MOTP = 100 (1 - 1/3), not 100 (1 - 1/6).
    frames = [gt((1, A), (2, B))] * 3
    preds = [pred((7, A + [3, 4]), (8, B + [3, 4]))] * 3
    result = evaluate(frames, preds)
    assert result['internals']['sum_distances']['nose'] == \
        pytest.approx(8 / 6)
    assert result['total']['motp'] == pytest.approx(100 * (1 - 1 / 3))
    assert result['total']['mota'] == 100.0


def test_identity_switches():
    # frames 0-2 evaluated; the predicted ids of A and B swap in frame 1:
    # 2 switches out of 6 objects.
    frames = [gt((1, A), (2, B))] * 4
    preds = [
        pred((5, A), (6, B)),
        pred((6, A), (5, B)),
        pred((6, A), (5, B)),
        pred((6, A), (5, B))
    ]
    result = evaluate(frames, preds)
    assert result['internals']['num_switches']['nose'] == 2
    assert result['total']['mota'] == pytest.approx(100 * (1 - 2 / 6))
    assert result['total']['precision'] == 100.0
    assert result['total']['recall'] == 100.0


def test_misses_false_positives_and_unlabeled_frames():
    # frame 1 has no GT: skipped with its prediction; frame 3 is the last
    # labeled one: not evaluated. Frames 0 and 2: 3 objects, 2 matches,
    # 1 miss (B), 1 false positive (C).
    frames = [gt((1, A)), gt(), gt((1, A), (2, B)), gt((1, A))]
    preds = [pred((1, A)), pred((5, C)), pred((1, A), (9, C)), pred()]
    result = evaluate(frames, preds)
    counts = result['internals']
    assert (counts['num_objects']['nose'], counts['num_misses']['nose'],
            counts['num_false_positives']['nose']) == (3, 1, 1)
    assert totals(result) == pytest.approx([100 / 3, 100.0, 200 / 3, 200 / 3])


def test_a_frame_without_predictions_counts_one_miss_and_one_fp():
    # poseval's quirk: frame 0 (3 GT people, no prediction) gives one
    # object 0 and one hypothesis 0 per joint: 1 miss + 1 FP, not 3 misses.
    frames = [gt((1, A), (2, B), (3, C)), gt((1, A)), gt((1, A))]
    preds = [pred(), pred((4, A)), pred()]
    result = evaluate(frames, preds)
    counts = result['internals']
    assert (counts['num_objects']['nose'], counts['num_misses']['nose'],
            counts['num_false_positives']['nose']) == (2, 1, 1)
    assert totals(result) == [0.0, 100.0, 50.0, 50.0]


def test_pckh_threshold_is_inclusive():
    # offset (9, 12): distance 15 = 0.5 x head size 30 -> a match
    at = [gt((1, A))] * 2, [pred((1, A + [9, 12]))] * 2
    assert evaluate(*at)['total']['mota'] == 100.0
    # a hair further: no match -> 1 miss + 1 FP for 1 object
    beyond = [gt((1, A))] * 2, [pred((1, A + [9, 12.001]))] * 2
    assert evaluate(*beyond)['total']['mota'] == -100.0


def test_ignore_regions_remove_joints_and_people():
    around_b = [(990, 50), (1400, 50), (1400, 300), (990, 300)]
    head_top_a = A[HEAD_TOP]
    around_head_top = [
        head_top_a + d for d in ([-5, -5], [5, -5], [5, 5], [-5, 5])
    ]
    # frame 0: B (GT and its prediction) lies in a region, so does A's
    # head_top; the unmatched prediction of B would otherwise be an FP.
    frames = [
        gt((1, A), (2, B), ignore=[around_b, around_head_top]),
        gt((1, A)),
        gt((1, A))
    ]
    preds = [pred((1, A), (2, B + [500, 0])), pred((1, A)), pred()]
    result = evaluate(frames, preds)
    counts = result['internals']
    assert counts['num_objects']['nose'] == 2
    assert counts['num_objects']['head_top'] == 1
    assert counts['num_false_positives']['nose'] == 1  # B's moved pred
    # (moved out of the region: it stays and is a false positive)
    preds[0] = pred((1, A), (2, B))
    result = evaluate(frames, preds)
    assert totals(result) == [100.0, 100.0, 100.0, 100.0]


def test_a_frame_whose_people_all_lie_in_ignore_regions():
    # after the regions the frame is empty on both sides, but it had GT
    # people, so it is evaluated: 1 miss + 1 FP per joint (quirk above).
    around_a = [(-10, 50), (400, 50), (400, 300), (-10, 300)]
    frames = [gt((1, A), ignore=[around_a]), gt((1, A)), gt((1, A))]
    preds = [pred((1, A)), pred((1, A)), pred((1, A))]
    assert totals(evaluate(frames, preds)) == [0.0, 100.0, 50.0, 50.0]


def test_joint_without_gt_is_nan_and_left_out_of_the_totals():
    present = np.ones(J, bool)
    present[HEAD_TOP] = False
    frames = [gt((1, A, present))] * 3
    preds = [pred((1, A))] * 3  # predicts head_top: 2 false positives
    result = evaluate(frames, preds)
    head_top = result['per_joint']['head_top']
    assert np.isnan(head_top['mota']) and np.isnan(head_top['recall'])
    assert head_top['precision'] == 0.0 and head_top['motp'] == 0.0
    assert result['total']['mota'] == 100.0  # mean of the 14 others
    assert result['total']['precision'] == pytest.approx(1400 / 15)
    assert np.isnan(result['table']['Head'])  # NaN propagates in a group
    assert result['table']['Shoulder'] == 100.0


def test_per_sequence_and_pooled_counts():
    good = ([gt((1, A))] * 3, [pred((1, A))] * 3)
    bad = ([gt((1, A))] * 3, [pred((1, A + [100, 0]))] * 3)
    result = poseval_mota({
        'a': good[0],
        'b': bad[0]
    }, {
        'a': good[1],
        'b': bad[1]
    })
    assert result['per_sequence']['a']['mota'] == [100.0] * (J + 1)
    assert result['per_sequence']['b']['mota'] == [-100.0] * (J + 1)
    assert result['per_sequence']['b']['pre'] == [0.0] * (J + 1)
    # pooled: 4 objects, 2 misses, 2 FP
    assert result['total']['mota'] == 0.0


def test_a_video_with_one_labeled_frame_adds_nothing_and_warns():
    with pytest.warns(UserWarning, match='only one frame with annotated'):
        result = evaluate([gt((1, A)), gt()], [pred((1, A)), pred()])
    assert result['internals']['n_frames_evaluated'] == 0
    assert np.isnan(result['total']['mota'])
    assert result['per_sequence'] == {}


def test_table_format():
    table = dict(zip(MOTA_TABLE_NAMES, [float(i) for i in range(11)]))
    header, row = format_poseval_table(table)
    assert header.splitlines()[1].startswith('& Head & Shou & Elb')
    assert row == ('&  0.0 &  1.0 &  2.0 &  3.0 &  4.0 &  5.0 &  6.0 &  7.0'
                   ' &  8.0 &  9.0 & 10.0 \\\\')
