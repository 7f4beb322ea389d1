"""Bad input, third sweep (issue 22, "a fresh sweep of the same groups, and
new ones"): each input of the sweep (docs/datasets.md, "Bad-input
sweeps") that gave a silent result, an error naming neither the input
nor what is wrong, or a raw traceback, is now an error naming the file,
record, field or option; the converters refuse an output folder of an
earlier run (naming it and ``--overwrite``) or replace it whole."""
import contextlib
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from tool_loading import load_tool
from tool_fixtures import TINY_CONFIG, pred_video, write_eval_case

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.io import InputError, load_config, load_json
from tdmi_mmpose.utils import run_tool

# ------------------------------------------------------------ config files


@pytest.mark.parametrize('case', ['syntax', 'base_syntax', 'not_a_config'])
def test_config_file_errors_name_the_file(tmp_path, case):
    bad = tmp_path / 'bad.py'
    bad.write_text('model = dict(\n')
    path, expected = {
        'syntax': (bad, f"{bad}: not valid Python (line 1: '(' was never "
                   'closed).'),
        'base_syntax': (tmp_path / 'child.py', f'a _base_ file of '
                        f'{tmp_path / "child.py"}: not valid Python'),
        'not_a_config': (tmp_path / 'notes.txt', f'{tmp_path / "notes.txt"}:'
                         ' not a config file (expected one of .py, .json, '
                         '.yml, .yaml).'),
    }[case]
    (tmp_path / 'child.py').write_text(f"_base_ = ['{bad}']\n")
    (tmp_path / 'notes.txt').write_text('hello')
    with pytest.raises(InputError) as e:
        load_config(str(path))
    assert str(e.value).startswith(expected)
    assert load_config(TINY_CONFIG).model.type  # a real config still loads


def test_train_and_test_need_a_model_config(tmp_path):
    """An empty config printed "train: error: model" (mmengine's
    KeyError); a data-only config still loads for tools/browse_dataset.py."""
    import argparse

    from tdmi_mmpose.io.runner_args import add_common_args, build_config
    path = tmp_path / 'empty.py'
    path.write_text('')
    parser = argparse.ArgumentParser()
    add_common_args(parser)
    args = parser.parse_args([])
    args.config = str(path)
    with pytest.raises(InputError) as e:
        build_config(args)
    assert str(e.value) == (f'{path}: the config defines no `model` (a '
                            'dict); is it a model config?')
    assert load_config(str(path)).filename == str(path)


# ------------------------------------------------- links and output paths

@pytest.mark.parametrize('target', ['loop', 'nowhere'])
def test_broken_link_is_named_as_such(tmp_path, target):
    link = tmp_path / 'pred.json'
    os.symlink(tmp_path / ('pred.json' if target == 'loop' else 'gone.json'),
               link)
    with pytest.raises(InputError) as e:
        load_json(str(link), 'Prediction file')
    assert str(e.value).startswith(
        f'Prediction file {link} is a broken symbolic link (or a loop of '
        'links): it points to ')


def test_atomic_output_into_a_folder_names_it(tmp_path):
    from tdmi_mmpose.utils.atomic import atomic_write_json
    with pytest.raises(InputError) as e:
        atomic_write_json({}, str(tmp_path))
    assert str(e.value) == f'{tmp_path}: output path is a folder, not a file.'
    assert os.listdir(tmp_path) == []  # no temporary file left


@pytest.mark.parametrize('flag', ['--pred-dir', '--gt-dir', '--out-json'])
def test_eval_tool_names_a_file_given_for_a_folder(tmp_path, capsys, flag):
    gt_dir, pred_dir, pred_file = write_eval_case(str(tmp_path), pred_video())
    args = {'--gt-dir': gt_dir, '--pred-dir': pred_dir}
    if flag == '--out-json':
        args[flag] = str(tmp_path)  # a folder where a file is written
    else:
        args[flag] = osp.join(args[flag], '000001_mpii_test.json')
    argv = [v for item in args.items() for v in item]
    tool = load_tool('tools/posetrack_eval.py')
    assert run_tool(tool.main, argv, prog='posetrack_eval') == 2
    captured = capsys.readouterr()
    expected = (f'{tmp_path}: output path is a folder, not a file.'
                if flag == '--out-json' else
                f'{flag} {args[flag]} is a file, not a folder of per-video '
                'JSON files')
    assert expected in captured.err and 'Traceback' not in captured.err
    assert 'Total' not in captured.out  # refused before the evaluation


# ------------------------------------- numbers of annolist files (b)

def _rect(field, value):
    def mutate(data):
        data['annolist'][1]['annorect'][0][field] = value
    return mutate


def _point(field, value):
    def mutate(data):
        data['annolist'][1]['annorect'][0]['annopoints'][0]['point'][4][
            field] = value
    return mutate


def _entry(field, value):
    def mutate(data):
        data['annolist'][1][field] = value
    return mutate


@pytest.mark.parametrize('mutate, record, field, shown', [
    (_rect('track_id', ['3']), 'annolist[1].annorect[0]', 'track_id', '3'),
    (_rect('track_id', '3'), 'annolist[1].annorect[0]', 'track_id', '3'),
    (_point('id', ['4']), 'annorect[0].annopoints.point[4]', 'id', '4'),
    (_point('is_visible', '1'), 'annorect[0].annopoints.point[4]',
     'is_visible', '1'),
    (_entry('imgnum', ['2']), 'annolist[1]', 'imgnum', '2'),
    (_entry('is_labeled', ['1']), 'annolist[1]', 'is_labeled', '1'),
])
def test_pt17_numbers_must_be_json_numbers(tmp_path, pt, mutate, record,
                                           field, shown):
    from tdmi_mmpose.datasets.converters import posetrack17 as pt17
    data = pt.pt17_video()
    mutate(data)
    path = pt.write_json(tmp_path / 'in/000001_mpii.json', data)
    with pytest.raises(InputError) as e:
        pt17.convert_posetrack17(path, str(tmp_path / 'out'), progress=False)
    assert str(e.value).startswith(path) and record in str(e.value)
    assert (f'field "{field}" must be a number, got the string {shown!r}'
            in str(e.value))
    assert not (tmp_path / 'out').exists()


NFRAMES = 3


def _hieve_root(root, video='7'):
    """A converted-dataset root whose video already has its frames, and a
    labels folder with that video's PoseTrack2017-style file."""
    frames = root / 'out' / 'images' / 'train' / video
    frames.mkdir(parents=True, exist_ok=True)
    for t in range(NFRAMES):
        cv2.imwrite(str(frames / f'{t:06d}.jpg'),
                    np.full((60, 80, 3), 100, np.uint8))
    labels = root / 'labels'
    labels.mkdir(exist_ok=True)
    person = dict(x1=[1], y1=[2], x2=[50], y2=[58], track_id=[4],
                  annopoints=[dict(point=[dict(id=[0], x=[10], y=[20])])])
    path = labels / f'{video}.json'
    path.write_text(json.dumps(dict(annolist=[
        dict(image=[dict(name='000001.jpg')], annorect=[person])])))
    return str(root / 'out'), str(labels), str(path)


@pytest.mark.parametrize('track_id', ['3', ['3']])
def test_hieve_json_track_id_string_is_an_error(tmp_path, track_id):
    """HiEve's PoseTrack2017-style files are MATLAB exports (numbers);
    only the all-track XML labels are text (``P-3``, read by their own
    rule)."""
    from tdmi_mmpose.datasets.converters.hieve import convert_hieve
    out, labels, path = _hieve_root(tmp_path)
    data = json.loads(open(path).read())
    data['annolist'][0]['annorect'][0]['track_id'] = track_id
    with open(path, 'w') as f:
        json.dump(data, f)
    with pytest.raises(InputError) as e:
        convert_hieve(out, labels=labels, progress=False)
    assert str(e.value).startswith(path)
    assert ('annolist[0].annorect[0]: field "track_id" must be a number, '
            "got the string '3'" in str(e.value))


# ------------------------- converters and an earlier run's folder (a)

def test_pt17_converter_refuses_or_replaces_an_earlier_run(tmp_path, pt,
                                                           capsys):
    from tdmi_mmpose.datasets.converters import posetrack17 as pt17
    pt.write_json(tmp_path / 'in/000001_mpii.json', pt.pt17_video())
    out_dir = tmp_path / 'out'
    for n in range(5):
        pt.write_json(out_dir / f'00077{n}_mpii.json', {'images': []})
    argv = [str(tmp_path / 'in'), str(out_dir), '--no-progress']
    assert run_tool(pt17.main, argv, prog='posetrack17_to_posetrack18') == 2
    err = capsys.readouterr().err
    assert (f'error: {out_dir} holds 5 JSON file(s) of an earlier run '
            '(000770_mpii.json, 000771_mpii.json, 000772_mpii.json, ...); '
            'pass --overwrite to replace them' in err)
    assert len(os.listdir(out_dir)) == 5  # untouched
    assert run_tool(pt17.main, argv + ['--overwrite']) == 0
    assert os.listdir(out_dir) == ['000001_mpii.json']
    assert run_tool(pt17.main, argv) == 0  # re-run: its own file only


def test_hieve_converter_refuses_an_earlier_split_before_extracting(
        tmp_path, monkeypatch):
    import mmcv

    from tdmi_mmpose.datasets.converters.hieve import convert_hieve
    out, labels, _ = _hieve_root(tmp_path)
    train = osp.join(out, 'annotations', 'train')
    os.makedirs(train)
    for name in ('1', '2'):
        with open(osp.join(train, f'{name}.json'), 'w') as f:
            json.dump({}, f)
    (tmp_path / 'videos').mkdir()
    (tmp_path / 'videos' / '7.mp4').write_bytes(b'')
    monkeypatch.setattr(mmcv, 'VideoReader', None)  # must not be reached
    with pytest.raises(InputError) as e:
        convert_hieve(out, str(tmp_path / 'videos'), labels, progress=False)
    assert str(e.value).startswith(
        f'{train} holds 2 JSON file(s) of an earlier run (1.json, 2.json); '
        'pass --overwrite to replace them')
    assert sorted(os.listdir(train)) == ['1.json', '2.json']
    monkeypatch.undo()
    convert_hieve(out, labels=labels, progress=False, overwrite=True)
    assert os.listdir(train) == ['7.json']


def test_hieve_video_held_out_earlier_is_not_also_trained_on(tmp_path):
    """Run 1 holds video 7 out (annotations/val); run 2, without
    ``val_videos``, writes it to train: the two folders would share a
    video. Refused, or with ``overwrite`` the stale val split is removed."""
    from tdmi_mmpose.datasets.converters.hieve import convert_hieve
    out, labels, _ = _hieve_root(tmp_path)
    convert_hieve(out, labels=labels, val_videos=['7'], progress=False)
    val = osp.join(out, 'annotations', 'val')
    assert os.listdir(val) == ['7.json']
    with pytest.raises(InputError) as e:
        convert_hieve(out, labels=labels, progress=False)
    assert str(e.value).startswith(f'{val} holds 1 JSON file(s) of an '
                                   'earlier run (7.json); pass --overwrite')
    assert not osp.exists(osp.join(out, 'annotations', 'train'))
    convert_hieve(out, labels=labels, progress=False, overwrite=True)
    assert sorted(os.listdir(osp.join(out, 'annotations'))) == [
        'train', 'train_coco.json']


# ------------------------------------------------------- config values

@pytest.mark.parametrize('key, value, rule', [
    ('train_cfg.max_epochs', 0, 'a positive integer'),
    ('train_cfg.max_epochs', -1, 'a positive integer'),
    ('train_cfg.val_interval', 0, 'a positive integer'),
    ('optim_wrapper.optimizer.lr', float('nan'), 'a positive finite number'),
    ('optim_wrapper.optimizer.lr', 0, 'a positive finite number'),
])
def test_run_length_and_learning_rate_are_checked(key, value, rule):
    """0 or -1 epochs trained nothing and exited 0; a NaN learning rate was
    a traceback from torch's optimizer."""
    with pytest.raises(InputError) as e:
        load_config(TINY_CONFIG, {key: value})
    assert str(e.value) == (f'{TINY_CONFIG}: field "{key}" must be {rule}, '
                            f'got {value!r}.')


# --------------------------------------------------- person boxes files

def test_empty_boxes_file_is_an_error(tmp_path):
    from tdmi_mmpose.io import PersonBoxSource
    path = tmp_path / 'boxes.json'
    path.write_text('[]')
    with pytest.raises(InputError) as e:
        PersonBoxSource(str(path))
    assert str(e.value) == f'boxes file {path}: the detection list is empty.'
    # an annotation file may list frames without people
    source = PersonBoxSource(dict(images=[dict(id=1, frame_id=1)],
                                  annotations=[]))
    assert source.boxes_for(0).shape == (0, 5)


# ------------------------------------- errors in DataLoader worker processes

class _UnreadableFrames:
    """A dataset whose frames fail to load as a corrupt JPEG does."""

    def __init__(self, error):
        self.error = error

    def __len__(self):
        return 2

    def __getitem__(self, index):
        raise self.error


@pytest.mark.parametrize('error, message', [
    (InputError('frames/000002.jpg: empty or corrupt image file'),
     'frames/000002.jpg: empty or corrupt image file'),
    (FileNotFoundError(2, 'No such file or directory', 'frames/000003.jpg'),
     "[Errno 2] No such file or directory: 'frames/000003.jpg'"),
])
def test_worker_error_is_one_line_without_its_traceback(capsys, error,
                                                        message):
    """A corrupt or missing JPEG in training printed the worker's whole
    traceback (torch re-raises it as text) on the error line."""
    from torch.utils.data import DataLoader

    def main(argv):
        list(DataLoader(_UnreadableFrames(error), num_workers=1))

    assert run_tool(main, [], prog='train') == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f'train: error: {message} (in DataLoader worker '
                      'process 0)')
    assert not [line for line in err if 'Traceback' in line]
    # a ValueError raised outside the package in a worker is still a bug,
    # with its traceback
    bug = _UnreadableFrames(ValueError('bad value'))
    with pytest.raises(ValueError, match='Original Traceback'):
        run_tool(lambda argv: list(DataLoader(bug, num_workers=1)), [])


# ----------------------------------------- prediction files of the metric

@pytest.mark.parametrize('field, value, shown', [
    ('track_id', '3', "field \"track_id\" must be an integer, got '3'"),
    ('track_id', 1.5, 'field "track_id" must be an integer, got 1.5'),
    ('keypoints', 1e30, 'field "keypoints": value 1e+30 at index 0 is not '
     'a pixel position'),
])
def test_eval_prediction_fields(tmp_path, field, value, shown):
    """Accepted with exit 0 before, although docs/datasets.md lists the
    rules for prediction files too."""
    from tdmi_mmpose.evaluation.metrics import evaluate_posetrack_folders
    video = pred_video()
    if field == 'keypoints':
        video['annotations'][0]['keypoints'][0] = value
    else:
        video['annotations'][0][field] = value
    gt_dir, pred_dir, pred_file = write_eval_case(str(tmp_path), video)
    with pytest.raises(InputError) as e:
        evaluate_posetrack_folders(gt_dir, pred_dir)
    assert str(e.value).startswith(f'{pred_file}: annotation id=0 '
                                   '(image_id=10000)')
    assert shown in str(e.value)


# ------------------------------------------------------------ checkpoints

@pytest.mark.parametrize('kind', ['folder', 'loop'])
def test_checkpoint_path_that_is_no_file(tmp_path, kind):
    from tdmi_mmpose.io import check_checkpoint_file
    path = tmp_path / 'epoch_3.pth'
    if kind == 'folder':
        path.mkdir()
    else:
        os.symlink(path, path)
    with pytest.raises(InputError) as e:
        check_checkpoint_file(str(path))
    assert str(e.value) == f'checkpoint {path} is ' + (
        'a folder, not a file' if kind == 'folder' else
        'a broken symbolic link (or a loop of links)')


# ------------------------------------------------------- tools/deployment

@pytest.mark.parametrize('argv, expected', [
    (['--opset', '999'], '--opset must be within 19..'),
    (['--opset', '5'], '--opset must be within 19..'),
    (['--verify', '--batch-size', '100000000'],
     '--batch-size 100000000: the random clips of --verify alone need'),
    (['--cfg-options', 'garbage'], "argument --cfg-options: 'garbage' is "
     'not a key=value pair'),
    (['--output-file-is-folder'], 'output path is a folder, not a file.'),
])
def test_pytorch2onnx_arguments(tmp_path, capsys, argv, expected):
    """Opset 999 wrote an opset-18 file with exit 0; a huge --batch-size
    was torch's allocation traceback; an output folder failed after the
    export, naming a temporary file."""
    tool = load_tool('tools/deployment/pytorch2onnx.py')
    out = str(tmp_path) if argv == ['--output-file-is-folder'] else str(
        tmp_path / 'm.onnx')
    argv = [TINY_CONFIG, str(tmp_path / 'none.pth'), '--output-file', out
            ] + [a for a in argv if a != '--output-file-is-folder']
    with pytest.raises(SystemExit) if '--cfg-options' in argv else \
            contextlib.nullcontext():
        assert run_tool(tool.main, argv, prog='pytorch2onnx') == 2
    err = capsys.readouterr().err
    assert expected in err and 'Traceback' not in err
    assert os.listdir(tmp_path) == []  # refused before any work


@pytest.mark.parametrize('flag', ['--out', '--dump'])
def test_test_tool_refuses_an_output_folder_before_testing(tmp_path, capsys,
                                                           flag):
    """``--out`` into a folder was mmengine's traceback after the whole
    test run."""
    import torch
    checkpoint = str(tmp_path / 'c.pth')
    torch.save(dict(state_dict={}), checkpoint)
    out = tmp_path / ('results' if flag == '--out' else 'preds.pkl')
    out.mkdir()
    tool = load_tool('tools/test.py')
    argv = [TINY_CONFIG, checkpoint, flag, str(out)]
    assert run_tool(tool.main, argv, prog='test') == 2
    err = capsys.readouterr().err
    assert f'test: error: {out}: output path is a folder, not a file.' in err


def test_study_spec_syntax_error_names_the_spec(tmp_path):
    from tdmi_mmpose.analysis import load_study_spec
    spec = tmp_path / 'study.py'
    spec.write_text('seeds = [0\n')
    with pytest.raises(InputError) as e:
        load_study_spec(str(spec))
    assert str(e.value) == (f"{spec}: not valid Python (line 1: '[' was "
                            'never closed).')


@pytest.mark.parametrize('tool, flag', [
    ('posetrack17', '--frame-base'), ('hieve', '--frame-base')])
def test_converter_frame_base_is_not_negative(capsys, tool, flag):
    """``--frame-base -5`` shifted every frame index by 5 with exit 0."""
    from tdmi_mmpose.datasets.converters import hieve, posetrack17
    module = dict(posetrack17=posetrack17, hieve=hieve)[tool]
    argv = ['a', 'b', flag, '-5'] if tool == 'posetrack17' else [
        'out', flag, '-5']
    with pytest.raises(SystemExit) as e:
        module.parse_args(argv)
    assert e.value.code == 2
    assert (f"argument {flag}: must be an integer >= 0, got '-5'"
            in capsys.readouterr().err)


# ------------------------------------------- converters: paths and folders

def test_folder_input_with_a_link_loop_is_named(tmp_path, pt):
    """A link loop among the input files was a raw OSError traceback."""
    from tdmi_mmpose.datasets.converters import posetrack17 as pt17
    pt.write_json(tmp_path / 'in/000001_mpii.json', pt.pt17_video())
    loop = tmp_path / 'in' / 'loop.json'
    os.symlink(loop, loop)
    with pytest.raises(InputError) as e:
        pt17.convert_posetrack17(str(tmp_path / 'in'), str(tmp_path / 'out'),
                                 progress=False)
    assert str(e.value) == (f'{loop} is a broken symbolic link (or a loop of '
                            f'links) (1 such file(s) in {tmp_path / "in"}).')


def test_converter_output_folder_that_is_a_file(tmp_path, pt):
    """Named a temporary file ("[Errno 20] Not a directory: .x.tmp")."""
    from tdmi_mmpose.datasets.converters import posetrack17 as pt17
    path = pt.write_json(tmp_path / 'in/000001_mpii.json', pt.pt17_video())
    with pytest.raises(InputError) as e:
        pt17.convert_posetrack17(path, path, progress=False)
    assert str(e.value) == (f'{path}: output folder is a file (or a file '
                            'is in its path).')
    assert json.loads(open(path).read()) == pt.pt17_video()


def test_merge_into_one_of_its_inputs(tmp_path, pt):
    """Overwrote the input file with the merge, exit 0."""
    from tdmi_mmpose.datasets.converters import merge_split
    first = pt.write_json(tmp_path / 'in/000001_mpii_test.json',
                          pt.video('000001_mpii_test'))
    pt.write_json(tmp_path / 'in/000002_mpii_test.json',
                  pt.video('000002_mpii_test'))
    with pytest.raises(InputError) as e:
        merge_split.merge_posetrack(str(tmp_path / 'in'), first,
                                    progress=False)
    assert str(e.value) == (f'{first}: the output file is one of the inputs '
                            '(it would be overwritten); write it elsewhere.')
    assert json.loads(open(first).read()) == pt.video('000001_mpii_test')


# --------------------------------------------------- the ablation tool

@pytest.mark.parametrize('record, named', [
    ({'foo': 1}, 'missing field "spec"'),
    (dict(spec='s.py', seeds=[0], variants=['a'], runs=[{'variant': 'a'}]),
     'runs[0]: missing field "seed"'),
    (dict(spec='s.py', seeds=[0], variants=['a'], runs=7),
     'field "runs" must be a list of runs, got 7'),
])
def test_ablation_report_names_a_missing_field(tmp_path, capsys, record,
                                               named):
    """``--report`` of a study.json without ``variants`` printed
    "ablation_study: error: variants" (a KeyError)."""
    path = tmp_path / 'study.json'
    path.write_text(json.dumps(record))
    tool = load_tool('tools/analysis/ablation_study.py')
    assert run_tool(tool.main, ['--report', str(path)],
                    prog='ablation_study') == 2
    err = capsys.readouterr().err
    assert f'ablation_study: error: {path}' in err and named in err


def test_merge_input_linked_to_another_names_both(tmp_path, pt):
    """Said "given twice: by input 'in' and by input 'in'"."""
    from tdmi_mmpose.datasets.converters import merge_split
    first = pt.write_json(tmp_path / 'in/000001_mpii_test.json',
                          pt.video('000001_mpii_test'))
    link = tmp_path / 'in' / '000003_mpii_test.json'
    os.symlink(first, link)
    with pytest.raises(InputError) as e:
        merge_split.merge_posetrack(str(tmp_path / 'in'),
                                    str(tmp_path / 'm.json'), progress=False)
    assert str(e.value) == (f'{link} is the same file as {first} (a link); '
                            'give each file once.')


@pytest.mark.parametrize('flag, value, expected', [
    ('--bbox-thr', '2', "must be a number in [0, 1], got '2'"),
    ('--bbox-thr', 'nan', "must be a number in [0, 1], got 'nan'"),
    ('--nms-thr', '-0.1', "must be a number in [0, 1], got '-0.1'"),
    ('--kpt-thr', '1.5', "must be a number in [0, 1], got '1.5'"),
    ('--radius', '-3', "must be an integer >= 0, got '-3'"),
    ('--thickness', '-1', "must be an integer >= 0, got '-1'"),
    ('--vis-fps', '0', "must be a frame rate in (0, 10000], got '0'"),
    ('--vis-fps', 'inf', "must be a frame rate in (0, 10000], got 'inf'"),
    ('--vis-fps', '1e12', "must be a frame rate in (0, 10000], got '1e12'"),
])
def test_video_demo_numeric_options_out_of_range_are_usage_errors(
        flag, value, expected, capsys):
    """Before: ``--bbox-thr 2`` / ``nan`` ran to 0 poses with exit 0,
    ``--radius -3`` rendered with exit 0."""
    tool = load_tool('tools/video_demo.py')
    with pytest.raises(SystemExit) as e:
        tool.parse_args(['v.mp4', '--pose2d', TINY_CONFIG, '--det-model',
                         'whole_image', flag, value])
    assert e.value.code == 2
    assert f'argument {flag}: {expected}' in capsys.readouterr().err
