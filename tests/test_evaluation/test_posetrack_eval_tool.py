"""tools/posetrack_eval.py: the poseval-compatible command line."""
import json
import os.path as osp

import pytest

from tdmi_mmpose.evaluation.functional import (POSEVAL_JOINT_NAMES,
                                               TABLE_NAMES)
from tdmi_mmpose.utils import run_tool


def _write_case(tmp_path, pt, gt, pred, name='000001_mpii_test'):
    (tmp_path / 'gt').mkdir(exist_ok=True)
    (tmp_path / 'pred').mkdir(exist_ok=True)
    (tmp_path / 'gt' / f'{name}.json').write_text(json.dumps(gt))
    pred_file = tmp_path / 'pred' / f'{name}.json'
    pred_file.write_text(pred if isinstance(pred, str) else json.dumps(pred))
    return str(tmp_path / 'gt'), str(tmp_path / 'pred'), str(pred_file)


def test_reference_case_table_and_json(posetrack_eval_tool, poseval_cases_dir,
                                       tmp_path, capsys):
    case_dir = osp.join(poseval_cases_dir, 'case06')
    with open(osp.join(case_dir, 'expected.json')) as f:
        expected = json.load(f)
    out_json = tmp_path / 'ap.json'
    status = posetrack_eval_tool.main([
        '--gt-dir',
        osp.join(case_dir, 'gt'), '--pred-dir',
        osp.join(case_dir, 'pred'), '--out-json',
        str(out_json)
    ])
    assert status == 0
    stdout = capsys.readouterr().out
    assert expected['table_printed']['header'] in stdout
    assert expected['table_printed']['row'] in stdout

    written = json.loads(out_json.read_text())
    assert list(written) == list(TABLE_NAMES) + ['per_joint']
    for name in TABLE_NAMES:
        assert abs(written[name] - expected['table'][name]) <= 1e-9
    assert list(written['per_joint']) == list(POSEVAL_JOINT_NAMES)
    for name, values in expected['per_joint'].items():
        assert set(written['per_joint'][name]) == {'ap', 'precision', 'recall'}
        for key, value in values.items():
            assert abs(written['per_joint'][name][key] - value) <= 1e-9


def test_nan_is_written_as_null(posetrack_eval_tool, tmp_path, pt):
    gt_joints = pt.body(100, 100, skip=['head_top'])
    gt = pt.video('000001_mpii_test', [[pt.gt_person(gt_joints)]])
    pred = pt.video('000001_mpii_test', [[pt.pred_person(pt.body(100, 100))]])
    gt_dir, pred_dir, _ = _write_case(tmp_path, pt, gt, pred)
    out_json = tmp_path / 'ap.json'
    assert posetrack_eval_tool.main([
        '--gt-dir', gt_dir, '--pred-dir', pred_dir, '--out-json',
        str(out_json)
    ]) == 0
    text = out_json.read_text()
    assert 'NaN' not in text
    written = json.loads(text)
    assert written['Head'] is None
    assert written['per_joint']['head_top'] == dict(
        ap=None, precision=0.0, recall=None)
    assert written['Total'] == 100.0


@pytest.mark.parametrize('problem,message', [
    ('missing', 'Prediction file not found'),
    ('malformed', 'malformed JSON'),
    ('keypoints', 'expected 17'),
    ('bbox_head', 'bbox_head'),
])
def test_bad_input_names_the_file(posetrack_eval_tool, tmp_path, pt, capsys,
                                  problem, message):
    joints = pt.body(100, 100)
    gt = pt.video('000001_mpii_test', [[
        pt.gt_person(
            joints,
            bbox_head=None if problem == 'bbox_head' else (0, 0, 30, 40))
    ]])
    pred = pt.video('000001_mpii_test', [[pt.pred_person(joints)]])
    if problem == 'keypoints':
        pred['annotations'][0]['keypoints'] = [1.0] * 15 * 3
    if problem == 'malformed':
        pred = '{"images": [}'
    gt_dir, pred_dir, pred_file = _write_case(tmp_path, pt, gt, pred)
    if problem == 'missing':
        (tmp_path / 'pred' / '000001_mpii_test.json').unlink()
    bad_file = osp.join(gt_dir, '000001_mpii_test.json') \
        if problem == 'bbox_head' else pred_file

    status = run_tool(posetrack_eval_tool.main,
                      ['--gt-dir', gt_dir, '--pred-dir', pred_dir])
    stderr = capsys.readouterr().err
    assert status == 2
    assert stderr.startswith('posetrack_eval: error: ')
    assert message in stderr
    assert bad_file in stderr


def test_missing_gt_folder(posetrack_eval_tool, tmp_path, capsys):
    status = run_tool(
        posetrack_eval_tool.main,
        ['--gt-dir',
         str(tmp_path / 'nope'), '--pred-dir',
         str(tmp_path)])
    assert status == 2
    assert 'nope' in capsys.readouterr().err


def _two_protocols_case(tmp_path, pt):
    """A labelled frame predicted exactly, head_top on the image border
    (x = 0), and an unlabelled frame with a GT person and a higher-scoring
    false positive."""
    joints = dict(pt.body(100, 100), head_top=(0, 150, 1))
    gt = pt.video(
        '000001_mpii_test',
        [[pt.gt_person(joints)], [pt.gt_person(pt.body(100, 100))]],
        labeled=[True, False])
    pred = pt.video('000001_mpii_test',
                    [[pt.pred_person(joints, 0.5)],
                     [pt.pred_person(pt.body(600, 600), 0.9)]])
    return _write_case(tmp_path, pt, gt, pred)


def test_protocol_posetrack21(posetrack_eval_tool, tmp_path, pt):
    """The PoseTrack21 protocol evaluates the labelled frame only and no
    joint at x = 0: head_top has neither GT nor prediction (AP 0, not NaN),
    the other 14 joints are exact; poseval counts both frames and the
    border joint."""
    gt_dir, pred_dir, _ = _two_protocols_case(tmp_path, pt)
    tables = {}
    for protocol in ('posetrack21', 'poseval'):
        out_json = tmp_path / f'{protocol}.json'
        assert posetrack_eval_tool.main([
            '--gt-dir', gt_dir, '--pred-dir', pred_dir, '--protocol',
            protocol, '--out-json',
            str(out_json)
        ]) == 0
        tables[protocol] = json.loads(out_json.read_text())
    written = tables['posetrack21']
    assert list(written) == list(TABLE_NAMES) + ['per_joint']
    assert abs(written['Head'] - 200 / 3) <= 1e-9
    assert [written[name] for name in TABLE_NAMES[1:-1]] == [100.0] * 6
    assert abs(written['Total'] - 1400 / 15) <= 1e-9
    assert written['per_joint']['head_top'] == dict(
        ap=0.0, precision=0.0, recall=0.0)
    # poseval: both frames (the false positive outranks the hit)
    assert tables['poseval']['Total'] == 25.0


def test_protocol_posetrack21_needs_is_labeled(posetrack_eval_tool, tmp_path,
                                               pt, capsys):
    gt_dir, pred_dir, _ = _two_protocols_case(tmp_path, pt)
    gt_file = osp.join(gt_dir, '000001_mpii_test.json')
    with open(gt_file) as f:
        gt = json.load(f)
    del gt['images'][1]['is_labeled']
    with open(gt_file, 'w') as f:
        json.dump(gt, f)
    assert posetrack_eval_tool.main(
        ['--gt-dir', gt_dir, '--pred-dir', pred_dir]) == 0
    capsys.readouterr()
    status = run_tool(posetrack_eval_tool.main, [
        '--gt-dir', gt_dir, '--pred-dir', pred_dir, '--protocol',
        'posetrack21'
    ])
    stderr = capsys.readouterr().err
    assert status == 2
    assert gt_file in stderr and 'is_labeled' in stderr
    assert repr(gt['images'][1]['id']) in stderr


def test_protocol_posetrack21_with_tracking(posetrack_eval_tool, tmp_path,
                                           pt, capsys):
    """``--protocol posetrack21 --track`` prints the kit's AP table and its
    keypoint HOTA, DetA, AssA, LocA and writes them (under "tracking"):
    the 14 joints of the labelled frame are exact; head_top (x = 0) is in
    neither, so its DetA and AssA are 0 and its LocA the kit's 0 / 0 = 1;
    the Totals: DetA of the summed counts, AssA the mean of the joints'."""
    gt_dir, pred_dir, _ = _two_protocols_case(tmp_path, pt)
    out_json = tmp_path / 'pt21.json'
    assert posetrack_eval_tool.main([
        '--gt-dir', gt_dir, '--pred-dir', pred_dir, '--protocol',
        'posetrack21', '--track', '--out-json',
        str(out_json)
    ]) == 0
    printed = capsys.readouterr().out
    assert 'Average Precision (AP) metric:' in printed
    assert 'Keypoint HOTA' in printed
    written = json.loads(out_json.read_text())
    assert abs(written['Total'] - 1400 / 15) <= 1e-9
    tracking = written['tracking']
    expected = dict(
        HOTA=100 * (14 / 15)**0.5, DetA=100.0, AssA=1400 / 15, LocA=100.0)
    for name, value in expected.items():
        assert abs(tracking[name] - value) <= 1e-9, name
    assert tracking['per_joint']['head_top'] == dict(
        hota=0.0, deta=0.0, assa=0.0, loca=100.0)
    assert tracking['per_joint']['nose'] == dict(
        hota=100.0, deta=100.0, assa=100.0, loca=100.0)
