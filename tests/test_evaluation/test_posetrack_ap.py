"""PoseTrack AP (poseval's algorithm): reference cases and each quirk."""
import json
import math
import os.path as osp

import numpy as np
import pytest

from tdmi_mmpose.evaluation.functional import (
    MISSING_SCORE, POSEVAL_JOINT_NAMES, TABLE_NAMES, assign_predictions,
    compute_ap_metrics, compute_rpc, head_size, pckh_hits, points_in_polygon,
    summarize_table, voc_ap)
from tdmi_mmpose.evaluation.metrics import (evaluate_posetrack_folders,
                                            evaluate_posetrack_videos,
                                            format_poseval_table,
                                            load_posetrack_gt)

CASES = ('case01', 'case03', 'case06', 'case10')
J = {name: j for j, name in enumerate(POSEVAL_JOINT_NAMES)}


def assert_close(actual, expected, what):
    """``expected`` None means NaN; otherwise equal to 1e-9."""
    if expected is None:
        assert math.isnan(actual), f'{what}: {actual} should be NaN'
    else:
        assert abs(actual - expected) <= 1e-9, \
            f'{what}: {actual!r} != {expected!r}'


def evaluate(gt_video, pred_video, name='000001_mpii_test'):
    return evaluate_posetrack_videos({name: gt_video}, {name: pred_video})[0]


# ---------------------------------------------------------------------------
# poseval's own numbers
# ---------------------------------------------------------------------------
@pytest.mark.parametrize('case', CASES)
def test_reference_case(poseval_cases_dir, case):
    case_dir = osp.join(poseval_cases_dir, case)
    with open(osp.join(case_dir, 'expected.json')) as f:
        expected = json.load(f)
    result, mota = evaluate_posetrack_folders(
        osp.join(case_dir, 'gt'), osp.join(case_dir, 'pred'))
    assert mota is None

    assert result['joint_names'] == expected['joint_order']
    for name, values in expected['per_joint'].items():
        for key, value in values.items():
            assert_close(result['per_joint'][name][key], value,
                         f'{case} {name} {key}')
    for key, value in expected['total'].items():
        assert_close(result['total'][key], value, f'{case} total {key}')
    assert list(result['table']) == list(expected['table'])
    for key, value in expected['table'].items():
        assert_close(result['table'][key], value, f'{case} table {key}')
    raw = expected['raw_total_AP_metrics']
    for key, mine in (('ap', result['ap']), ('pre', result['precision']),
                      ('rec', result['recall'])):
        assert len(mine) == len(raw[key]) == 16
        for j, value in enumerate(raw[key]):
            assert_close(mine[j], value, f'{case} raw {key}[{j}]')
    assert sorted(result['per_sequence']) == sorted(expected['per_sequence'])
    for seq, values in expected['per_sequence'].items():
        for key in ('ap', 'pre', 'rec'):
            mine = result['per_sequence'][seq][key]
            assert len(mine) == 16
            for j, value in enumerate(values[key]):
                assert_close(np.nan if mine[j] is None else mine[j], value,
                             f'{case} {seq} {key}[{j}]')
    assert result['internals'] == expected['internals']
    header, row = format_poseval_table(result['table'])
    assert header == expected['table_printed']['header']
    assert row == expected['table_printed']['row']


def test_merged_gt_file_gives_the_same_numbers(poseval_cases_dir, tmp_path):
    case_dir = osp.join(poseval_cases_dir, 'case03')
    per_video, _ = load_posetrack_gt(osp.join(case_dir, 'gt'))
    merged = {'images': [], 'annotations': [], 'categories': None}
    for gt in per_video.values():
        merged['images'] += gt['images']
        merged['annotations'] += gt['annotations']
        merged['categories'] = gt['categories']
    merged_file = tmp_path / 'posetrack18_val.json'
    merged_file.write_text(json.dumps(merged))

    videos, sources = load_posetrack_gt(str(merged_file))
    assert sorted(videos) == sorted(per_video)
    assert all(str(merged_file) in s for s in sources.values())
    by_folder, _ = evaluate_posetrack_folders(
        osp.join(case_dir, 'gt'), osp.join(case_dir, 'pred'))
    by_file, _ = evaluate_posetrack_folders(
        str(merged_file), osp.join(case_dir, 'pred'))
    assert by_file['table'] == by_folder['table']
    assert by_file['internals'] == by_folder['internals']


# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------
def test_head_size_is_0_6_of_the_head_box_diagonal():
    assert head_size([10, 20, 30, 40]) == 30.0
    assert head_size([1.5, 2.25, 3.0, 4.0]) == pytest.approx(3.0)
    assert head_size([5, 5, 0, 0]) == 0.0


def test_pckh_hit_is_distance_over_head_size_at_most_half():
    gt = np.zeros((1, 15, 2))
    present = np.ones((1, 15), dtype=bool)
    pred = np.zeros((3, 15, 2))
    pred[0, :] = (9, 12)  # distance 15 = 0.5 x head size 30: a hit
    pred[1, :] = (9, 12.001)  # just beyond
    pred[2, :] = (0, 0)
    pred_present = np.ones((3, 15), dtype=bool)
    pred_present[2, 3] = False
    gt_present = present.copy()
    gt_present[0, 4] = False
    hits = pckh_hits(pred, pred_present, gt, gt_present, np.array([30.]))
    assert hits.shape == (3, 1, 15)
    assert hits[0, 0, 0] and not hits[1, 0, 0]
    assert not hits[:, 0, 4].any()  # joint not annotated in the GT
    assert not hits[2, 0, 3]  # joint missing in the prediction
    assert hits[2, 0, np.arange(15) != 4].sum() == 13


def test_pckh_zero_head_size_never_hits():
    gt = np.zeros((1, 15, 2))
    hits = pckh_hits(gt.copy(), np.ones((1, 15), bool), gt,
                     np.ones((1, 15), bool), np.array([0.]))
    assert not hits.any()


def test_assignment_prediction_is_not_reassigned():
    hits = np.zeros((2, 2, 15), dtype=bool)
    hits[0, 0, :] = True  # pred 0: all of GT 0
    hits[1, 0, :12] = True  # pred 1: 12/15 of GT 0 (its best) ...
    hits[1, 1, :7] = True  # ... and 7/15 of GT 1
    gt_present = np.ones((2, 15), dtype=bool)
    # GT 0 takes pred 0; pred 1 lost its best GT and is not given GT 1.
    assert assign_predictions(hits, gt_present).tolist() == [0, -1]


def test_assignment_ties_go_to_the_first():
    gt_present = np.ones((2, 15), dtype=bool)
    hits = np.zeros((2, 2, 15), dtype=bool)
    hits[0, 0, :5] = hits[1, 0, :5] = True  # equal scores for GT 0
    assert assign_predictions(hits, gt_present).tolist() == [0, -1]
    hits = np.zeros((1, 2, 15), dtype=bool)
    hits[0, :, :5] = True  # one prediction, equal for both GTs
    assert assign_predictions(hits, gt_present).tolist() == [0]


def test_assignment_normalises_by_annotated_gt_joints():
    gt_present = np.ones((2, 15), dtype=bool)
    gt_present[1, :12] = False  # GT 1 has only 3 joints annotated
    hits = np.zeros((1, 2, 15), dtype=bool)
    hits[0, 0, :10] = True  # 10/15 of GT 0
    hits[0, 1, 12:] = True  # 3/3 of GT 1
    assert assign_predictions(hits, gt_present).tolist() == [1]


def test_assignment_zero_score_is_no_match():
    hits = np.zeros((2, 1, 15), dtype=bool)
    assert assign_predictions(hits, np.ones((1, 15),
                                            bool)).tolist() == [-1, -1]


def test_rpc_and_voc_ap_by_hand():
    precision, recall, order = compute_rpc(
        np.array([0.7, 0.9, 0.8]), np.array([1, 1, 0], np.int8), 3)
    assert order.tolist() == [1, 2, 0]
    np.testing.assert_allclose(precision, [1, 1 / 2, 2 / 3])
    np.testing.assert_allclose(recall, [1 / 3, 1 / 3, 2 / 3])
    # envelope: 1 up to recall 1/3, then 2/3 up to 2/3, then 0
    assert voc_ap(recall, precision) == pytest.approx(1 / 3 + 1 / 3 * 2 / 3)
    # all-point interpolation: a later higher precision lifts earlier steps
    assert voc_ap(np.array([0.5, 0.5, 1.0]),
                  np.array([0.0, 0.5, 2 / 3])) == pytest.approx(2 / 3)


def test_ap_metrics_nan_without_gt_and_zero_without_predictions():
    scores = [np.array([0.5])] * 13 + [np.array([]), np.array([0.5, 0.4])]
    labels = [np.array([1], np.int8)] * 13 + [
        np.array([], np.int8),
        np.array([0, 0], np.int8)
    ]
    num_gt = np.array([1] * 14 + [0])
    ap, precision, recall = compute_ap_metrics(scores, labels, num_gt)
    assert ap[13] == precision[13] == recall[13] == 0  # no predictions
    assert math.isnan(ap[14]) and math.isnan(recall[14])  # no GT
    assert precision[14] == 0
    assert ap[15] == pytest.approx(1300 / 14)  # NaN left out, 0 kept
    assert recall[15] == pytest.approx(1300 / 14)
    assert precision[15] == pytest.approx(1300 / 15)


def test_table_groups_and_total():
    ap = np.arange(16, dtype=np.float64)
    table = summarize_table(ap)
    assert tuple(table) == TABLE_NAMES
    assert table['Head'] == pytest.approx((14 + 12 + 13) / 3)
    assert table['Shoulder'] == 8.5 and table['Elbow'] == 8.5
    assert table['Wrist'] == 8.5 and table['Hip'] == 2.5
    assert table['Knee'] == 2.5 and table['Ankle'] == 2.5
    assert table['Total'] == 15
    ap[J['nose']] = np.nan
    assert math.isnan(summarize_table(ap)['Head'])
    header, row = format_poseval_table(summarize_table(np.full(16, 100.0)))
    assert header == ('& Head & Shou & Elb  & Wri  & Hip  & Knee & Ankl & '
                      'Total\\\\')
    assert row == '&100.0' + ' &100.0' * 7 + ' \\\\'


def test_points_in_polygon_excludes_the_boundary():
    square = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], np.float64)
    points = np.array([[5, 5], [0, 5], [10, 10], [5, 0], [11, 5], [-1, -1],
                       [9.999, 9.999], [5, 10.0001]])
    assert points_in_polygon(points, square).tolist() == [
        True, False, False, False, False, False, True, False
    ]
    assert not points_in_polygon(points, square[:2]).any()  # degenerate


def test_points_in_polygon_matches_shapely():
    geometry = pytest.importorskip('shapely.geometry')
    rng = np.random.default_rng(0)
    for _ in range(100):
        # a star-shaped (simple) polygon with grid vertices
        n = int(rng.integers(3, 8))
        angles = np.sort(rng.uniform(0, 2 * np.pi, n))
        radii = rng.uniform(2, 8, n)
        polygon = np.round(
            np.stack(
                [10 + radii * np.cos(angles), 10 + radii * np.sin(angles)], 1))
        shape = geometry.Polygon(polygon)
        if not shape.is_valid:
            continue
        points = np.concatenate([
            rng.integers(0, 21, (40, 2)).astype(np.float64), polygon,
            (polygon + np.roll(polygon, 1, axis=0)) / 2
        ])
        expected = [shape.contains(geometry.Point(*p)) for p in points]
        assert points_in_polygon(points, polygon).tolist() == expected


def test_points_in_an_l_shaped_region():
    """Hand-worked cases, independent of shapely: an L-shaped region
    (the 4 x 4 square without its top-right 2 x 2 quarter); points on the
    boundary are outside, as in poseval's and the kit's ``contains``."""
    region = np.array([[0, 0], [4, 0], [4, 2], [2, 2], [2, 4], [0, 4]],
                      np.float64)
    points = np.array([[1, 1], [3, 1], [1, 3], [3, 3], [5, 1], [2, 1],
                       [0, 2], [4, 1], [3, 2], [2, 3], [-1, -1]], np.float64)
    inside = [True, True, True, False, False, True, False, False, False,
              False, False]
    assert points_in_polygon(points, region).tolist() == inside


# ---------------------------------------------------------------------------
# Quirks, each alone, through the whole evaluation
# ---------------------------------------------------------------------------
def test_perfect_predictions_give_100(pt):
    person = pt.body(100, 100)
    result = evaluate(
        pt.video('000001_mpii_test', [[pt.gt_person(person)]]),
        pt.video('000001_mpii_test', [[pt.pred_person(person)]]))
    assert all(v == 100 for v in result['table'].values())
    assert result['internals']['n_frames_evaluated'] == 1


def test_pckh_threshold_in_the_evaluation(pt):
    person = pt.body(100, 100)
    near = {n: (x + 9, y + 12) for n, (x, y, _) in person.items()}
    far = {n: (x + 9, y + 12.01) for n, (x, y, _) in person.items()}
    for joints, expected in ((near, 100.0), (far, 0.0)):
        result = evaluate(
            pt.video('000001_mpii_test', [[pt.gt_person(person)]]),
            pt.video('000001_mpii_test', [[pt.pred_person(joints)]]))
        assert result['table']['Total'] == expected


def test_lost_prediction_is_not_reassigned(pt):
    a, b = pt.body(0, 0), pt.body(1000, 0)
    moved = ('right_ankle', 'right_knee', 'right_hip')
    second = dict(a)
    second.update({n: b[n] for n in moved})  # 12/15 on A, 3/15 on B
    result = evaluate(
        pt.video('000001_mpii_test',
                 [[pt.gt_person(a), pt.gt_person(b)]]),
        pt.video(
            '000001_mpii_test',
            [[pt.pred_person(a, score=0.9),
              pt.pred_person(second, score=0.8)]]))
    # every joint: (0.9, hit), (0.8, miss) against 2 GT joints -> AP 50;
    # re-assigning the second prediction to B would make 3 joints 100.
    for name in POSEVAL_JOINT_NAMES:
        assert result['per_joint'][name] == dict(
            ap=50.0, precision=50.0, recall=50.0), name


def test_tied_predictions_first_one_wins(pt):
    a = pt.body(0, 0)
    result = evaluate(
        pt.video('000001_mpii_test', [[pt.gt_person(a)]]),
        pt.video('000001_mpii_test',
                 [[pt.pred_person(a, score=0.3),
                   pt.pred_person(a, score=0.9)]]))
    # the first (low score) prediction gets the GT: ranking miss, hit
    assert result['table']['Total'] == 50.0
    assert result['internals']['n_true_positives']['nose'] == 1


def test_sparsely_annotated_gt_wins_by_normalised_score(pt):
    head = ('neck', 'nose', 'head_top')
    full = pt.body(0, 0)
    head_only = pt.body(
        0, 0, skip=[n for n in POSEVAL_JOINT_NAMES if n not in head])
    prediction = dict(full)
    for name in POSEVAL_JOINT_NAMES[:5]:  # 10/15 hits on the full GT
        prediction[name] = (5000, 5000)
    result = evaluate(
        pt.video(
            '000001_mpii_test',
            [[pt.gt_person(full), pt.gt_person(head_only)]]),
        pt.video('000001_mpii_test', [[pt.pred_person(prediction)]]))
    # assigned to the head-only GT (3/3): body joints are all misses
    assert result['per_joint']['left_wrist']['ap'] == 0.0
    assert result['per_joint']['nose'] == dict(
        ap=50.0, precision=100.0, recall=50.0)


def test_frames_without_gt_people_are_skipped_with_predictions(pt):
    a = pt.body(0, 0)
    stray = pt.body(500, 500)
    gt = pt.video(
        '000001_mpii_test', [[pt.gt_person(a)], [], []],
        labeled=[True, True, False])
    pred = pt.video(
        '000001_mpii_test',
        [[pt.pred_person(a, score=0.5)], [pt.pred_person(stray, score=0.9)],
         [pt.pred_person(stray, score=0.95)]])
    result = evaluate(gt, pred)
    assert result['table']['Total'] == 100.0
    assert result['internals']['n_frames_evaluated'] == 1
    assert result['internals']['n_pred_joints']['nose'] == 1


def test_joint_with_zero_visibility_counts_and_zero_triple_does_not(pt):
    gt_joints = pt.body(
        100, 100, invisible=['right_ankle'], skip=['left_ankle'])
    pred_joints = pt.body(100, 100)
    result = evaluate(
        pt.video('000001_mpii_test', [[pt.gt_person(gt_joints)]]),
        pt.video('000001_mpii_test', [[pt.pred_person(pred_joints)]]))
    internals = result['internals']
    assert internals['n_gt_joints']['right_ankle'] == 1  # [x, y, 0]
    assert result['per_joint']['right_ankle']['ap'] == 100.0
    assert internals['n_gt_joints']['left_ankle'] == 0  # [0, 0, 0]
    assert math.isnan(result['per_joint']['left_ankle']['ap'])


def test_nan_joint_excluded_from_total_and_zero_joint_included(pt):
    gt_joints = pt.body(0, 0, skip=['head_top'])
    pred_joints = pt.body(0, 0, skip=['left_wrist'])
    result = evaluate(
        pt.video('000001_mpii_test', [[pt.gt_person(gt_joints)]]),
        pt.video('000001_mpii_test', [[pt.pred_person(pred_joints)]]))
    head_top, left_wrist = (result['per_joint']['head_top'],
                            result['per_joint']['left_wrist'])
    assert math.isnan(head_top['ap']) and math.isnan(head_top['recall'])
    assert head_top['precision'] == 0.0
    assert left_wrist == dict(ap=0.0, precision=0.0, recall=0.0)
    table = result['table']
    assert math.isnan(table['Head'])
    assert table['Wrist'] == 50.0
    assert table['Total'] == pytest.approx(1300 / 14)
    assert result['total']['precision'] == pytest.approx(1300 / 15)
    assert result['total']['recall'] == pytest.approx(1300 / 14)


def test_missing_prediction_scores_rank_last(pt):
    a = pt.body(0, 0)
    stray = pt.body(700, 700)
    with pytest.warns(UserWarning, match='without "scores"'):
        result = evaluate(
            pt.video('000001_mpii_test', [[pt.gt_person(a)]]),
            pt.video('000001_mpii_test', [[
                pt.pred_person(stray, score=None),
                pt.pred_person(a, score=-5.0)
            ]]))
    # -9999 ranks below -5: the hit comes first
    assert result['table']['Total'] == 100.0
    assert MISSING_SCORE == -9999


def test_ignore_regions_remove_joints_and_empty_people(pt):
    a = pt.body(0, 0)  # right_ankle (0, 0), right_knee (20, 5)
    inside_person = pt.body(3000, 3000)
    around_ankle = [(-10, -10), (20, -10), (20, 10), (-10, 10)]
    around_person = [(2900, 2900), (3400, 2900), (3400, 3200), (2900, 3200)]
    gt = pt.video(
        '000001_mpii_test', [[pt.gt_person(a)]],
        ignore_regions={0: [around_ankle, around_person]})
    pred = pt.video('000001_mpii_test', [[
        pt.pred_person(a, score=0.5),
        pt.pred_person(inside_person, score=0.9)
    ]])
    result = evaluate(gt, pred)
    internals = result['internals']
    # right_ankle is inside: gone from GT and prediction
    assert internals['n_gt_joints']['right_ankle'] == 0
    assert internals['n_pred_joints']['right_ankle'] == 0
    assert result['per_joint']['right_ankle']['ap'] == 0.0
    # right_knee lies on the region's edge: kept
    assert internals['n_gt_joints']['right_knee'] == 1
    assert result['per_joint']['right_knee']['ap'] == 100.0
    # the person inside the other region is removed, not a false positive
    assert internals['n_pred_joints']['nose'] == 1
    assert result['per_joint']['nose']['ap'] == 100.0


def test_frame_emptied_by_ignore_regions_still_counts(pt):
    a, b, c = pt.body(0, 0), pt.body(1000, 1000), pt.body(3000, 0)
    region = [(900, 900), (1400, 900), (1400, 1200), (900, 1200)]
    gt = pt.video(
        '000001_mpii_test', [[pt.gt_person(a)], [pt.gt_person(b)]],
        ignore_regions={1: [region]})
    pred = pt.video(
        '000001_mpii_test',
        [[pt.pred_person(a, score=0.5)], [pt.pred_person(c, score=0.9)]])
    result = evaluate(gt, pred)
    # frame 1 keeps no GT person, its prediction is a false positive
    assert result['internals']['n_frames_evaluated'] == 2
    assert result['table']['Total'] == 50.0


def test_frames_are_paired_by_position(pt):
    a = pt.body(0, 0)
    gt = pt.video('000001_mpii_test', [[pt.gt_person(a)]])
    pred = pt.video('000001_mpii_test', [[pt.pred_person(a)]], first_id=7)
    with pytest.warns(UserWarning, match='paired by position'):
        result = evaluate(gt, pred)
    assert result['table']['Total'] == 100.0


def test_videos_are_pooled(pt):
    a = pt.body(0, 0)
    stray = pt.body(900, 900)
    gts = {
        '000001_mpii_test': pt.video('000001_mpii_test', [[pt.gt_person(a)]]),
        '000002_mpii_test': pt.video('000002_mpii_test', [[pt.gt_person(a)]]),
    }
    preds = {
        '000001_mpii_test':
        pt.video('000001_mpii_test', [[pt.pred_person(a, score=0.8)]]),
        '000002_mpii_test':
        pt.video('000002_mpii_test', [[pt.pred_person(stray, score=0.9)]]),
    }
    result, _ = evaluate_posetrack_videos(gts, preds)
    # ranking: (0.9 miss), (0.8 hit) against 2 GT joints
    assert result['table']['Total'] == 25.0
    per_sequence = result['per_sequence']
    assert per_sequence['000001_mpii_test']['ap'][15] == 100.0
    assert per_sequence['000002_mpii_test']['ap'][15] == 0.0


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------
def _write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        content if isinstance(content, str) else json.dumps(content))
    return str(path)


def _folders(tmp_path, pt, gt=None, pred=None):
    a = pt.body(0, 0)
    name = '000001_mpii_test'
    gt = gt or pt.video(name, [[pt.gt_person(a)]])
    pred = pred or pt.video(name, [[pt.pred_person(a)]])
    _write(tmp_path / 'gt' / f'{name}.json', gt)
    pred_file = _write(tmp_path / 'pred' / f'{name}.json', pred)
    return str(tmp_path / 'gt'), str(tmp_path / 'pred'), pred_file


def test_missing_prediction_file_is_named(tmp_path, pt):
    gt_dir, pred_dir, pred_file = _folders(tmp_path, pt)
    (tmp_path / 'pred' / '000001_mpii_test.json').unlink()
    with pytest.raises(FileNotFoundError, match='000001_mpii_test.json'):
        evaluate_posetrack_folders(gt_dir, pred_dir)


def test_malformed_json_is_named(tmp_path, pt):
    gt_dir, pred_dir, pred_file = _folders(tmp_path, pt)
    _write(tmp_path / 'pred' / '000001_mpii_test.json', '{"images": [')
    with pytest.raises(ValueError, match='malformed JSON') as error:
        evaluate_posetrack_folders(gt_dir, pred_dir)
    assert pred_file in str(error.value)


def test_wrong_keypoint_count_is_named(tmp_path, pt):
    pred = pt.video('000001_mpii_test', [[pt.pred_person(pt.body(0, 0))]])
    pred['annotations'][0]['keypoints'] = [1.0] * 45
    gt_dir, pred_dir, pred_file = _folders(tmp_path, pt, pred=pred)
    with pytest.raises(ValueError, match='expected 17') as error:
        evaluate_posetrack_folders(gt_dir, pred_dir)
    assert pred_file in str(error.value)


def test_missing_bbox_head_is_named(tmp_path, pt):
    gt = pt.video('000001_mpii_test',
                  [[pt.gt_person(pt.body(0, 0), bbox_head=None)]])
    gt_dir, pred_dir, _ = _folders(tmp_path, pt, gt=gt)
    with pytest.raises(ValueError, match='bbox_head') as error:
        evaluate_posetrack_folders(gt_dir, pred_dir)
    assert osp.join(gt_dir, '000001_mpii_test.json') in str(error.value)


def test_frame_count_mismatch_is_named(tmp_path, pt):
    a = pt.body(0, 0)
    pred = pt.video('000001_mpii_test', [[pt.pred_person(a)], []])
    gt_dir, pred_dir, pred_file = _folders(tmp_path, pt, pred=pred)
    with pytest.raises(ValueError, match='2 frames') as error:
        evaluate_posetrack_folders(gt_dir, pred_dir)
    assert pred_file in str(error.value)


def test_null_scores_are_rejected(tmp_path, pt):
    pred = pt.video('000001_mpii_test', [[pt.pred_person(pt.body(0, 0))]])
    pred['annotations'][0]['scores'][0] = None
    gt_dir, pred_dir, pred_file = _folders(tmp_path, pt, pred=pred)
    with pytest.raises(ValueError, match='must be numbers') as error:
        evaluate_posetrack_folders(gt_dir, pred_dir)
    assert pred_file in str(error.value)
