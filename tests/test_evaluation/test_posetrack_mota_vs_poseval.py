"""Differential test of the PoseTrack MOTA against the real ``poseval``.

poseval (not on PyPI) is imported from ``../shared/poseval`` beside the
repository when it is there (or from ``PYTHONPATH``); its tracking path
needs ``motmetrics``, shapely, click and tqdm. ``TDMI_POSEVAL_CASES=600``
runs 600 random cases instead of 40.
"""
import contextlib
import io
import json
import os
import os.path as osp
import warnings

import numpy as np
import pytest

from tdmi_mmpose.evaluation.functional import POSEVAL_JOINT_NAMES
from tdmi_mmpose.evaluation.metrics import (evaluate_posetrack_folders,
                                            format_poseval_table)
from tdmi_mmpose.utils import run_tool
from mota_cases import write_random_mota_case
from poseval_oracle import import_poseval

pytest.importorskip(
    'motmetrics',
    reason='motmetrics is not installed (pip install motmetrics==1.4.0)')
eval_helpers, evaluateTracking = import_poseval('eval_helpers',
                                                'evaluateTracking')

NUM_CASES = int(os.environ.get('TDMI_POSEVAL_CASES', 40))
KEYS = ('mota', 'motp', 'pre', 'rec')
OURS = dict(mota='mota', motp='motp', pre='precision', rec='recall')


def _poseval(gt_dir, pred_dir, out_dir):
    """poseval's total metrics and its per-sequence files."""
    with contextlib.redirect_stdout(io.StringIO()):
        gt_frames, pred_frames = eval_helpers.load_data_dir(
            ['', gt_dir + '/', pred_dir + '/'])
        total = evaluateTracking.evaluateTracking(gt_frames, pred_frames,
                                                  out_dir, True, True)
    per_sequence = {}
    for file_name in os.listdir(out_dir):
        if file_name.endswith('_MOT_metrics.json') and \
                not file_name.startswith('total'):
            with open(osp.join(out_dir, file_name)) as f:
                per_sequence[file_name[:-len('_MOT_metrics.json')]] = \
                    json.load(f)
    return {key: total[key].ravel() for key in KEYS}, per_sequence


def _poseval_table(total):
    """The table poseval prints for ``-t`` (as in its evaluate.main)."""
    num_joints = len(POSEVAL_JOINT_NAMES)
    metrics = np.zeros([num_joints + 4, 1])
    metrics[:num_joints + 1, 0] = total['mota']
    metrics[num_joints + 1:,
            0] = [total[key][num_joints] for key in ('motp', 'pre', 'rec')]
    with contextlib.redirect_stdout(io.StringIO()):
        header, row = eval_helpers.printTable(metrics, motHeader=True)
    return header.rstrip('\n'), row.rstrip('\n')


def _max_diff(mine, theirs):
    """Largest |difference|; inf if only one side is NaN."""
    mine = np.array(mine, dtype=np.float64)
    theirs = np.array(theirs, dtype=np.float64)
    assert mine.shape == theirs.shape
    if (np.isnan(mine) != np.isnan(theirs)).any():
        return float('inf')
    both = ~np.isnan(mine)
    return float(np.max(np.abs(mine[both] - theirs[both]), initial=0.0))


def test_random_cases_match_poseval(tmp_path, poseval_sorted_listing):
    rng = np.random.default_rng(13)
    worst = 0.0
    switches = misses = false_positives = 0
    for index in range(NUM_CASES):
        root = str(tmp_path / f'case{index}')
        write_random_mota_case(rng, root)
        os.makedirs(root + '/out')
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            expected, expected_seq = _poseval(root + '/gt', root + '/pred',
                                              root + '/out')
            _, result = evaluate_posetrack_folders(
                root + '/gt', root + '/pred', track=True)
        for key in KEYS:
            diff = _max_diff(result[OURS[key]], expected[key])
            assert diff <= 1e-9, (index, key, result[OURS[key]], expected[key])
            worst = max(worst, diff)
        assert format_poseval_table(result['table']) == \
            _poseval_table(expected), index
        assert sorted(result['per_sequence']) == sorted(expected_seq), index
        for name, values in result['per_sequence'].items():
            for key in KEYS:
                mine = [np.nan if v is None else v for v in values[key]]
                diff = _max_diff(mine, expected_seq[name][key])
                assert diff <= 1e-9, (index, name, key, mine,
                                      expected_seq[name][key])
                worst = max(worst, diff)
        counts = result['internals']
        switches += sum(counts['num_switches'].values())
        misses += sum(counts['num_misses'].values())
        false_positives += sum(counts['num_false_positives'].values())
    # the cases exercise what they claim to
    assert switches > 0 and misses > 0 and false_positives > 0
    print(f'{NUM_CASES} random MOTA cases equal poseval; max |diff| = '
          f'{worst:.3g}; {switches:g} switches, {misses:g} misses, '
          f'{false_positives:g} false positives')


def test_joint_names_are_posevals():
    assert list(POSEVAL_JOINT_NAMES) == [
        eval_helpers.Joint().name[i] for i in range(eval_helpers.Joint().count)
    ]


def test_eval_tool_track_equals_poseval(tmp_path, poseval_sorted_listing,
                                        posetrack_eval_tool, capsys):
    """``tools/posetrack_eval.py --track`` prints poseval's tracking table
    and writes its numbers."""
    tool = posetrack_eval_tool
    rng = np.random.default_rng(131)
    checked = 0
    for index in range(6):
        root = str(tmp_path / f'case{index}')
        write_random_mota_case(rng, root)
        os.makedirs(root + '/out')
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            expected, _ = _poseval(root + '/gt', root + '/pred',
                                   root + '/out')
            capsys.readouterr()
            status = tool.main([
                '--gt-dir', root + '/gt', '--pred-dir', root + '/pred',
                '--track', '--out-json', root + '/out.json'
            ])
        assert status == 0
        stdout = capsys.readouterr().out
        header, row = _poseval_table(expected)
        ap_row = stdout.index('Average Precision (AP) metric:')
        assert stdout.index(header + '\n' + row + '\n') > ap_row
        with open(root + '/out.json') as f:
            written = json.load(f)['tracking']
        num_joints = len(POSEVAL_JOINT_NAMES)
        for key, name in (('motp', 'MOTP'), ('pre', 'Precision'),
                          ('rec', 'Recall')):
            assert _max_diff([np.nan if written[name] is None else
                              written[name]],
                             [expected[key][num_joints]]) <= 1e-9
        for j, joint in enumerate(POSEVAL_JOINT_NAMES):
            for key in KEYS:
                value = written['per_joint'][joint][OURS[key]]
                assert _max_diff([np.nan if value is None else value],
                                 [expected[key][j]]) <= 1e-9, (index, joint)
        checked += not np.isnan(expected['mota'][num_joints])
    assert checked >= 3  # most cases have a MOTA to compare


def test_eval_tool_track_needs_track_ids(tmp_path, posetrack_eval_tool,
                                         capsys):
    tool = posetrack_eval_tool
    root = str(tmp_path / 'case')
    write_random_mota_case(np.random.default_rng(5), root)
    name = sorted(os.listdir(root + '/pred'))[0]
    path = osp.join(root, 'pred', name)
    with open(path) as f:
        video = json.load(f)
    ann = video['annotations'][0]
    del ann['track_id']
    with open(path, 'w') as f:
        json.dump(video, f)
    args = ['--gt-dir', root + '/gt', '--pred-dir', root + '/pred']
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        assert tool.main(args) == 0  # AP alone needs no ids
        assert run_tool(tool.main, args + ['--track']) == 2
    error = capsys.readouterr().err
    assert f'{path}: annotation id={ann["id"]!r} ' \
        f'(image_id={ann["image_id"]!r}) has no track_id' in error
