"""Bad input, second sweep (issue 22): each input that gave a silent, partial
or mixed result, or an error naming neither the input nor what is wrong, is
now an error naming the file, record, field or option (or a counted policy
the tool prints). One parametrized case per item of the issue."""
import json
import math
import os
import os.path as osp

import numpy as np
import pytest
from tool_loading import load_tool
from tool_fixtures import VIDEO, gt_video, pred_video, write_eval_case

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.evaluation.metrics import evaluate_posetrack_folders
from tdmi_mmpose.io import InputError


# ------------------------------------------ tools/posetrack_eval.py inputs

def _unknown_image(video):
    video['annotations'][1]['image_id'] = 99999


def _no_image_id(video):
    del video['annotations'][1]['image_id']


def _person_score(value):
    def mutate(video):
        video['annotations'][0]['score'] = value
    return mutate


# (case, mutation of the predictions, what the error names)
PREDICTION_CASES = [
    ('image_id_not_in_images', _unknown_image,
     ['annotation id=1 (image_id=99999)', 'unknown image_id 99999']),
    ('image_id_missing', _no_image_id, ['missing field "image_id"']),
    ('person_score_nan', _person_score(math.nan),
     ['annotation id=0', 'field "score"', 'nan']),
    ('person_score_string', _person_score('0.9'),
     ['annotation id=0', 'field "score"', "'0.9'"]),
]


@pytest.mark.parametrize(
    'case,mutate,names', PREDICTION_CASES,
    ids=[c[0] for c in PREDICTION_CASES])
def test_eval_prediction_record(tmp_path, case, mutate, names):
    video = pred_video()
    mutate(video)
    gt_dir, pred_dir, pred_file = write_eval_case(str(tmp_path), video)
    with pytest.raises(InputError) as e:
        evaluate_posetrack_folders(gt_dir, pred_dir)
    assert pred_file in str(e.value)
    for name in names:
        assert name in str(e.value)


def test_eval_gt_annotation_of_unknown_image(tmp_path):
    gt = gt_video()
    gt['annotations'][0]['image_id'] = 5
    gt_dir, pred_dir, _ = write_eval_case(str(tmp_path), pred_video(), gt)
    with pytest.raises(InputError) as e:
        evaluate_posetrack_folders(gt_dir, pred_dir)
    assert osp.join(gt_dir, VIDEO + '.json') in str(e.value)
    assert 'unknown image_id 5' in str(e.value)


def test_eval_prediction_file_without_ground_truth(tmp_path):
    gt_dir, pred_dir, _ = write_eval_case(str(tmp_path), pred_video())
    with open(osp.join(pred_dir, '000002_mpii_test.json'), 'w') as f:
        json.dump(pred_video(), f)
    with pytest.raises(InputError) as e:
        evaluate_posetrack_folders(gt_dir, pred_dir)
    message = str(e.value)
    assert message.startswith(f'{pred_dir}: 1 prediction file(s) of videos '
                              f'without ground truth in {gt_dir}')
    assert "['000002_mpii_test.json']" in message
    # a valid person score is accepted, and the clean case still scores 100
    video = pred_video()
    video['annotations'][0]['score'] = 0.7
    gt_dir, pred_dir, _ = write_eval_case(str(tmp_path / 'ok'), video)
    ap, _ = evaluate_posetrack_folders(gt_dir, pred_dir)
    assert ap['table']['Total'] == pytest.approx(100.0)


# ------------------------------------------------- annotation files (dataset)

def _same_annotation_id(files):
    data = files[0]
    extra = dict(data['annotations'][0], track_id=1)
    data['annotations'].append(extra)  # same id, same image


def _same_annotation_id_in_two_files(files):
    files[1]['annotations'][0]['id'] = files[0]['annotations'][0]['id']


def _swapped_frame_ids(files):
    images = files[0]['images']
    images[0]['frame_id'], images[2]['frame_id'] = \
        images[2]['frame_id'], images[0]['frame_id']


# (case, mutation of the two files, index of the file named, what is named)
DATASET_CASES = [
    ('annotation_id_twice', _same_annotation_id, 0,
     ['annotation id 1000001000100 (field "annotations.id") appears twice']),
    ('annotation_id_in_two_files', _same_annotation_id_in_two_files, 1,
     ['annotation id 1000001000100', 'collides with one of',
      '000001_mpii_test.json']),
    ('frame_ids_swapped', _swapped_frame_ids, 0,
     ["video '000001' orders its frames by \"frame_id\" against their file "
      "names: image 10000010002 ('images/val/000001_mpii_test/000002.jpg', "
      'frame_id 10000010000) comes before image 10000010001']),
]


@pytest.mark.parametrize('test_mode', [False, True])
@pytest.mark.parametrize(
    'case,mutate,named,names', DATASET_CASES,
    ids=[c[0] for c in DATASET_CASES])
def test_dataset_annotation_files(tmp_path, pt, build_dataset, test_mode,
                                  case, mutate, named, names):
    files = [pt.video(), pt.video('000002_mpii_test')]
    mutate(files)
    paths = [
        pt.write_json(tmp_path / f'annotations/val/{data_name}.json', data)
        for data_name, data in zip((pt.VIDEO, '000002_mpii_test'), files)
    ]
    with pytest.raises(InputError) as e:
        build_dataset(data_root=str(tmp_path), ann_file='annotations/val',
                      test_mode=test_mode)
    assert str(e.value).startswith(paths[named])
    for name in names:
        assert name in str(e.value)


# --------------------------------------------- the PoseTrack2017 converter

@pytest.mark.parametrize('field, value', [
    ('x', ['12']), ('y', '12'), ('x1', ['90']), ('y2', '60.5')])
def test_pt17_string_coordinate(tmp_path, pt, field, value):
    from tdmi_mmpose.datasets.converters import posetrack17 as pt17
    data = pt.pt17_video()
    rect = data['annolist'][1]['annorect'][0]
    record = rect if field in ('x1', 'y2') else \
        rect['annopoints'][0]['point'][4]
    record[field] = value
    path = pt.write_json(tmp_path / 'in/000001_mpii.json', data)
    with pytest.raises(InputError) as e:
        pt17.convert_posetrack17(path, str(tmp_path / 'out'), progress=False)
    shown = value[0] if isinstance(value, list) else value
    assert path in str(e.value) and 'annolist[1].annorect[0]' in str(e.value)
    assert (f'field "{field}" must be a number, got the string {shown!r}'
            in str(e.value))
    assert not (tmp_path / 'out').exists()


# ------------------------------------------------------------ --cfg-options

@pytest.mark.parametrize('options, shown, problem', [
    (['garbage'], "'garbage'", 'is not a key=value pair'),
    (['a=1', '=3'], "'=3'", 'is not a key=value pair'),
    (['train_dataloader.batch_size=[1,2'], "'train_dataloader.batch_size=[1,2'",
     'has unbalanced brackets in its value'),
])
def test_cfg_options_name_the_option_and_the_form(capsys, options, shown,
                                                  problem):
    import argparse

    from tdmi_mmpose.io import runner_args
    parser = argparse.ArgumentParser(prog='train')
    runner_args.add_common_args(parser)
    with pytest.raises(SystemExit) as e:
        parser.parse_args(['--cfg-options', *options])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert 'Traceback' not in err
    assert (f'train: error: argument --cfg-options: {shown} {problem}; '
            'expected key=value pairs, e.g. train_dataloader.batch_size=8'
            in err)
    parsed = parser.parse_args(['--cfg-options', 'a=[1,2]', 'b=x'])
    assert parsed.cfg_options == {'a': [1, 2], 'b': 'x'}


@pytest.mark.parametrize('key, value', [
    ('train_dataloader.batch_size', 0), ('val_dataloader.batch_size', -2),
    ('test_dataloader.batch_size', 'eight')])
def test_batch_size_must_be_a_positive_integer(key, value):
    from tool_fixtures import TINY_CONFIG

    from tdmi_mmpose.io import load_config
    with pytest.raises(InputError) as e:
        load_config(TINY_CONFIG, {key: value})
    assert str(e.value) == (f'{TINY_CONFIG}: field "{key}" must be a '
                            f'positive integer, got {value!r}.')


# ---------------------------------------------------------------- checkpoints

@pytest.fixture(scope='module')
def tiny_model():
    from mmpose.apis import init_model
    from tool_fixtures import TINY_CONFIG
    return init_model(TINY_CONFIG, None, device='cpu')


@pytest.mark.parametrize('kind, value', [
    ('weight', math.nan), ('running_var', math.inf), ('bias', -math.inf)])
def test_non_finite_checkpoint_names_file_and_parameter(
        tiny_model, tmp_path, kind, value):
    import torch
    from mmengine.runner import save_checkpoint
    from tool_fixtures import TINY_CONFIG

    from tdmi_mmpose.apis import VideoPose2DInferencer
    from tdmi_mmpose.io import check_state_dict_matches
    state = {k: v.clone() for k, v in tiny_model.state_dict().items()}
    key = next(k for k in state if k.endswith(kind))
    state[key].view(-1)[:2] = value
    path = str(tmp_path / 'diverged.pth')
    save_checkpoint(dict(state_dict=state, meta=dict(
        dataset_meta=tiny_model.dataset_meta)), path)
    expected = (f'checkpoint {path} holds non-finite weights: parameter '
                f'"{key}": 2 of {state[key].numel()} values are NaN or '
                'infinite')
    with pytest.raises(InputError) as e:
        check_state_dict_matches(tiny_model, torch.load(path), path)
    assert str(e.value).startswith(expected)
    # video inference (tools/video_demo.py) refuses it before any frame
    with pytest.raises(InputError) as e:
        VideoPose2DInferencer(TINY_CONFIG, path, device='cpu')
    assert str(e.value).startswith(expected)
    check_state_dict_matches(tiny_model, tiny_model.state_dict(), 'ok.pth')


# ------------------------------------------------------ merge and split

@pytest.mark.parametrize('twice', ['folder', 'file_and_folder'])
def test_merge_input_given_twice(tmp_path, pt, twice):
    from tdmi_mmpose.datasets.converters import merge_split
    first = pt.write_json(tmp_path / 'in/000001_mpii_test.json',
                          pt.video('000001_mpii_test'))
    pt.write_json(tmp_path / 'in/000002_mpii_test.json',
                  pt.video('000002_mpii_test'))
    folder = str(tmp_path / 'in')
    inputs = [folder, folder] if twice == 'folder' else [first, folder]
    out_file = tmp_path / 'merged.json'
    with pytest.raises(InputError) as e:
        merge_split.merge_posetrack(inputs, str(out_file), progress=False)
    assert str(e.value) == (f'{first} is given twice: by input {inputs[0]!r}'
                            f' and by input {folder!r}; give each file or '
                            'folder once.')
    assert not out_file.exists()


def _split_case(tmp_path, pt):
    merged = pt.video('000001_mpii_test')
    other = pt.video('000002_mpii_test')
    merged['images'] += other['images']
    merged['annotations'] += other['annotations']
    return pt.write_json(tmp_path / 'merged.json', merged)


def test_split_into_a_folder_of_another_split(tmp_path, pt, capsys):
    from tdmi_mmpose.datasets.converters import merge_split
    from tdmi_mmpose.utils import run_tool
    path = _split_case(tmp_path, pt)
    out_dir = str(tmp_path / 'out')
    for n in range(4):
        pt.write_json(tmp_path / f'out/old_{n}.json', {})
    argv = ['split', path, out_dir, '--no-progress']
    assert run_tool(merge_split.main, argv, prog='posetrack_merge_split') == 2
    err = capsys.readouterr().err
    assert (f'error: {out_dir} holds 4 JSON file(s) of an earlier run '
            '(old_0.json, old_1.json, old_2.json, ...); pass --overwrite to '
            'replace them' in err)
    assert sorted(os.listdir(out_dir)) == [f'old_{n}.json' for n in range(4)]
    assert run_tool(merge_split.main, argv + ['--overwrite']) == 0
    assert sorted(os.listdir(out_dir)) == ['000001_mpii_test.json',
                                           '000002_mpii_test.json']


# ------------------------------------------------------ tools/video_demo.py

@pytest.mark.parametrize('use_out_dir', [False, True])
def test_video_demo_refuses_a_prediction_folder_of_an_earlier_run(
        tmp_path, pt, capsys, use_out_dir):
    from tool_fixtures import TINY_CONFIG

    from tdmi_mmpose.utils import run_tool
    tool = load_tool('tools/video_demo.py')
    pred_dir = tmp_path / 'out' / 'predictions'
    for t in range(6):
        pt.write_json(pred_dir / f'{t:06d}.json', [])
    where = (['--out-dir', str(tmp_path / 'out')] if use_out_dir else
             ['--pred-out-dir', str(pred_dir)])
    argv = [str(tmp_path / 'frames'), '--pose2d', TINY_CONFIG,
            '--det-model', 'whole_image', *where]
    assert run_tool(tool.main, argv, prog='video_demo') == 2
    err = capsys.readouterr().err
    assert (f'video_demo: error: {pred_dir} holds 6 JSON file(s) of an '
            'earlier run (000000.json, 000001.json, 000002.json, ...); pass '
            '--overwrite to replace them, or choose another folder.' in err)
    assert len(os.listdir(pred_dir)) == 6  # nothing touched


def test_video_demo_refuses_a_rendering_folder_of_an_earlier_run(
        tmp_path, capsys):
    import cv2
    from tool_fixtures import TINY_CONFIG

    from tdmi_mmpose.utils import run_tool
    tool = load_tool('tools/video_demo.py')
    vis_dir = tmp_path / 'out' / 'visualizations'
    vis_dir.mkdir(parents=True)
    for t in range(5):
        cv2.imwrite(str(vis_dir / f'{t:06d}.jpg'),
                    np.zeros((4, 4, 3), np.uint8))
    argv = [str(tmp_path / 'frames'), '--pose2d', TINY_CONFIG,
            '--det-model', 'whole_image', '--out-dir', str(tmp_path / 'out')]
    assert run_tool(tool.main, argv, prog='video_demo') == 2
    err = capsys.readouterr().err
    assert (f'video_demo: error: {vis_dir} holds 5 image file(s) of an '
            'earlier run (000000.jpg, 000001.jpg, 000002.jpg, ...); pass '
            '--overwrite to replace them' in err)
    assert len(os.listdir(vis_dir)) == 5  # nothing touched


def test_overwrite_lists_only_an_earlier_run(tmp_path, pt):
    from tdmi_mmpose.io import check_no_earlier_run
    folder = tmp_path / 'pred'
    assert check_no_earlier_run(str(folder)) == []  # no folder yet
    pt.write_json(folder / 'a.json', [])
    pt.write_json(folder / 'b.json', [])
    (folder / 'notes.txt').write_text('kept')
    assert check_no_earlier_run(str(folder), written={'a.json', 'b.json'}) \
        == []  # a re-run replacing the same files mixes nothing
    assert check_no_earlier_run(str(folder), {'a.json'}, overwrite=True) == [
        str(folder / 'b.json')]


# ------------------------------------------------------ borderline items

def test_empty_hieve_results_are_an_error(tmp_path, pt):
    from tdmi_mmpose.datasets.converters.hieve_submission import \
        write_hieve_submission
    results = pt.write_json(tmp_path / 'results.keypoints.json', [])
    out_zip = tmp_path / 'submission.zip'
    with pytest.raises(InputError) as e:
        write_hieve_submission(results, str(tmp_path / 'ann'), str(out_zip))
    assert str(e.value) == (f'{results}: expected a non-empty list of COCO '
                            'keypoint results, got an empty list (a '
                            'submission without people is no result).')
    assert not out_zip.exists()


@pytest.mark.parametrize('case', ['bad_spec', 'missing_spec', 'bad_report'])
def test_ablation_tool_bad_input_exits_2(tmp_path, capsys, case):
    from tdmi_mmpose.utils import run_tool
    tool = load_tool('tools/analysis/ablation_study.py')
    path = tmp_path / 'spec.py'
    path.write_text('seeds = [0]\nvariants = dict(a={})\n')
    argv, named = {
        'bad_spec': ([str(path), '--work-dir', str(tmp_path / 'w')],
                     'the study spec needs `base_config`'),
        'missing_spec': ([str(tmp_path / 'nope.py'), '--work-dir',
                          str(tmp_path / 'w')], 'study spec not found'),
        'bad_report': (['--report', str(path)], 'not valid JSON'),
    }[case]
    assert run_tool(tool.main, argv, prog='ablation_study') == 2
    err = capsys.readouterr().err
    assert 'Traceback' not in err and 'ablation_study: error:' in err
    assert named in err
