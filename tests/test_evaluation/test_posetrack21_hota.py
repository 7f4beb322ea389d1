"""The PoseTrack21 kit's keypoint HOTA (protocol 'posetrack21' with
tracking) on small cases computed by hand, its quirks, and the inputs on
which the kit itself fails."""
import json
import math

import numpy as np
import pytest

from tdmi_mmpose.evaluation.functional import (HOTA_ALPHAS, NUM_JOINTS,
                                               keypoint_similarity)
from tdmi_mmpose.evaluation.metrics import (evaluate_posetrack_videos,
                                            format_report, results_to_json)

NAME = '000001_mpii_test'


def hota(gt_video, pred_video):
    return evaluate_posetrack_videos({NAME: gt_video}, {NAME: pred_video},
                                     track=True,
                                     protocol='posetrack21')[1]


def assert_table(result, **expected):
    for name, value in expected.items():
        assert abs(result['table'][name] - value) <= 1e-9, (name, result)


def _tracked(pt, frames, labeled=None):
    """A video of ``frames`` (per frame a list of (track_id, x0, y0)): GT
    people and exact predictions of them (the same ids)."""
    gt = pt.video(
        NAME, [[pt.gt_person(pt.body(x, y)) for _, x, y in frame]
               for frame in frames],
        labeled=labeled)
    for ann, (track_id, _, _) in zip(gt['annotations'],
                                     [p for frame in frames for p in frame]):
        ann['track_id'] = track_id
    return gt


def test_gt_against_itself_is_100(pt):
    gt = _tracked(pt, [[(0, 100, 100), (1, 600, 100)]] * 3)
    pred = dict(
        gt,
        annotations=[dict(a, scores=[1.0] * 17) for a in gt['annotations']])
    result = hota(gt, pred)
    assert_table(result, HOTA=100, DetA=100, AssA=100, LocA=100)
    assert result['internals']['n_frames_evaluated'] == 3
    assert result['internals']['per_alpha']['HOTA'] == [100.0] * 19


def test_an_id_switch_halves_assa(pt):
    """One person over 2 frames, predicted exactly, id 7 then 8: each
    prediction track matches 1 of the GT track's 2 joints per joint type,
    association IoU 1 / (2 + 1 - 1)."""
    gt = _tracked(pt, [[(0, 100, 100)], [(0, 100, 100)]])
    pred = dict(gt, annotations=[dict(a) for a in gt['annotations']])
    pred['annotations'][0]['track_id'], pred['annotations'][1]['track_id'] = \
        7, 8
    result = hota(gt, pred)
    assert_table(result, DetA=100, AssA=50, LocA=100, HOTA=100 * 0.5**0.5)


def test_a_frame_without_predictions_adds_every_gt_joint_to_fn(pt):
    """The kit's quirk: a frame without predictions adds the GT joints of
    the whole video (2 per joint type here) to FN, not the frame's 1:
    DetA = TP / (TP + FN) = 1 / 3, AssA = 1 / (2 + 1 - 1)."""
    gt = _tracked(pt, [[(0, 100, 100)], [(0, 100, 100)]])
    pred = dict(gt, annotations=[gt['annotations'][0]])
    result = hota(gt, pred)
    assert_table(result, DetA=100 / 3, AssA=50, LocA=100, HOTA=100 / 6**0.5)


def test_no_predictions_at_all_count_every_gt_joint_once(pt):
    gt = _tracked(pt, [[(0, 100, 100)], [(0, 100, 100)]])
    result = hota(gt, dict(gt, annotations=[]))
    assert_table(result, HOTA=0, DetA=0, AssA=0, LocA=100)


def test_a_labelled_frame_without_gt_people(pt):
    """The kit fails on it; here its predicted joints are false positives:
    frame 0 matched exactly, frame 1 (no GT) has the same person predicted:
    DetA = 1 / 2, AssA = 1 / (1 + 2 - 1)."""
    gt = _tracked(pt, [[(0, 100, 100)], []], labeled=[True, True])
    pred = _tracked(pt, [[(0, 100, 100)], [(0, 100, 100)]])
    result = hota(gt, pred)
    assert_table(result, DetA=50, AssA=50, LocA=100, HOTA=50)


def test_unlabelled_frames_and_joints_off_the_image_do_not_count(pt):
    """Frame 1 is unlabelled (a wrong prediction there is not seen), and a
    predicted joint at x = 0 is no joint (the GT's head_top then unmatched:
    FN)."""
    gt = _tracked(
        pt, [[(0, 100, 100)], [(0, 100, 100)]], labeled=[True, False])
    pred = _tracked(pt, [[(0, 100, 100)], [(0, 900, 900)]])
    pred['annotations'][0]['keypoints'][3 * 2] = 0  # head_top x
    result = hota(gt, pred)
    head_top = result['per_joint']['head_top']
    assert head_top['deta'] == 0 and head_top['hota'] == 0
    assert result['per_joint']['nose']['hota'] == 100
    assert result['internals']['n_frames_evaluated'] == 1
    # Total DetA: of the summed counts; Total AssA: the mean of the
    # joints' AssA (head_top's 0 included), as the kit combines a video
    assert_table(
        result, DetA=100 * 14 / 15, AssA=100 * 14 / 15, HOTA=100 * 14 / 15)


def test_similarity_and_localisation():
    """Similarity max(1 - d / 0.5001, 0) of the head-normalised distance;
    LocA is the mean similarity of the matches at each alpha."""
    gt = dict(
        points=np.zeros((1, NUM_JOINTS, 2)) + 50,
        present=np.ones((1, NUM_JOINTS), bool),
        head_sizes=np.array([10.0]))
    pred = dict(points=gt['points'].copy(), present=gt['present'].copy())
    pred['points'][0, :, 0] += np.linspace(0, 6, NUM_JOINTS)  # d 0 .. 0.6
    pred['present'][0, 1] = False
    sim = keypoint_similarity(gt, pred)
    d = np.linspace(0, 0.6, NUM_JOINTS)
    expected = np.maximum(1 - d / 0.5001, 0)
    expected[1] = 0
    np.testing.assert_allclose(sim[0, 0], expected, rtol=0, atol=1e-15)
    assert len(HOTA_ALPHAS) == 19
    np.testing.assert_allclose(HOTA_ALPHAS[[0, -1]], [0.05, 0.95])


def test_a_partial_match_gives_loca_below_100(pt):
    """Every predicted joint 0.1 head sizes away (3 px, head size 30):
    similarity s = 1 - 0.1 / 0.5001, a match at the 16 alphas <= s, none at
    the 3 above; LocA = s at each alpha with a match, 1 (the kit's 0 / 0)
    at the others."""
    gt = _tracked(pt, [[(0, 100, 100)]])
    pred = _tracked(pt, [[(0, 103, 100)]])
    result = hota(gt, pred)
    s = 1 - 0.1 / 0.5001
    matched = (HOTA_ALPHAS - np.finfo(float).eps <= s).sum()
    assert matched == 16
    assert_table(
        result,
        DetA=100 * matched / 19,
        AssA=100 * matched / 19,
        LocA=100 * (matched * s + 19 - matched) / 19)


def test_report_and_json(pt):
    gt = _tracked(pt, [[(0, 100, 100)], [(0, 100, 100)]])
    ap, tracking = evaluate_posetrack_videos({NAME: gt}, {NAME: gt},
                                             track=True,
                                             protocol='posetrack21')
    report = format_report(ap, tracking)
    assert 'Keypoint HOTA' in report and 'LocA' in report
    summary = results_to_json(tracking)
    assert list(summary)[:4] == ['HOTA', 'DetA', 'AssA', 'LocA']
    assert set(
        summary['per_joint']['nose']) == {'hota', 'deta', 'assa', 'loca'}


def test_tracking_needs_track_ids(pt):
    from tdmi_mmpose.io import InputError
    gt = _tracked(pt, [[(0, 100, 100)]])
    pred = dict(gt, annotations=[dict(gt['annotations'][0])])
    del pred['annotations'][0]['track_id']
    with pytest.raises(InputError, match='track_id'):
        hota(gt, pred)
    assert not math.isnan(hota(gt, gt)['table']['HOTA'])


def test_duplicate_track_ids_in_a_prediction_file_name_file_frame_and_id(
        pt, tmp_path):
    """The kit's rule (track ids distinct within a frame) at the file
    boundary: an InputError naming the file, the image and the id."""
    from tdmi_mmpose.evaluation.metrics import evaluate_posetrack_folders
    from tdmi_mmpose.io import InputError
    gt = _tracked(pt, [[(0, 100, 100), (1, 600, 100)]] * 2)
    pred = _tracked(pt, [[(4, 100, 100), (4, 600, 100)], [(4, 100, 100)]])
    for folder, content in (('gt', gt), ('pred', pred)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f'{NAME}.json').write_text(json.dumps(content))
    with pytest.raises(InputError) as error:
        evaluate_posetrack_folders(
            str(tmp_path / 'gt'),
            str(tmp_path / 'pred'),
            track=True,
            protocol='posetrack21')
    message = str(error.value)
    assert str(tmp_path / 'pred' / f'{NAME}.json') in message
    assert repr(pred['images'][0]['id']) in message
    assert 'track_id 4 is used by more than one person' in message


def test_track_ids_are_unbounded_in_the_posetrack21_protocol(pt):
    """poseval bounds track ids (10000: it offsets them by video); the kit
    does not."""
    from tdmi_mmpose.io import InputError
    gt = _tracked(pt, [[(0, 100, 100)], [(0, 100, 100)]])
    pred = _tracked(pt, [[(123456, 100, 100)], [(123456, 100, 100)]])
    assert_table(hota(gt, pred), HOTA=100)
    with pytest.raises(InputError, match='track_id 123456 is too large'):
        evaluate_posetrack_videos({NAME: gt}, {NAME: pred}, track=True)


def test_the_io_rule_of_a_frames_track_ids():
    from tdmi_mmpose.io import InputError, check_track_ids
    assert check_track_ids([3, -1, 20000],
                           'f.json: image 7').tolist() == [3, -1, 20000]
    with pytest.raises(
            InputError,
            match=r'^f.json: image 7: track_id 3 is '
            r'used by more than one person in the frame \(why\)'):
        check_track_ids([3, 5, 3], 'f.json: image 7', needs='why')
    with pytest.raises(InputError, match='track_id 20000 is too large'):
        check_track_ids([1, 20000], 'f', max_track_id=10000)
