"""Bad input to the metric, the tools, checkpoints and the inferencer: each
case is an error (or a counted warning) that names the file, field or value;
nothing corrupts a result, and a failed run leaves no complete-looking
output under its final name."""
import argparse
import json
import math
import os
import os.path as osp
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch
from mmengine.config import Config
from tool_loading import load_tool
from tool_fixtures import (REPO_ROOT, TINY_CONFIG, VIDEO, count_video_frames,
                           files_under, frames, pred_video, write_eval_case,
                           write_video)

import tdmi_mmpose  # noqa: F401  (registers the checkpoint loader)
from tdmi_mmpose.apis import PersonBoxSource
from tdmi_mmpose.io import InputError
from tdmi_mmpose.evaluation import PoseTrackAPMetric
from tdmi_mmpose.evaluation.functional.average_precision import compute_rpc
from tdmi_mmpose.evaluation.metrics import write_prediction_files
from tdmi_mmpose.io import (InputError, check_checkpoint_file,
                            check_state_dict_matches, load_from_local)
from tdmi_mmpose.utils import run_tool
from tdmi_mmpose.utils import atomic as atomic_module
from tdmi_mmpose.io import runner_args
from tdmi_mmpose.utils.atomic import atomic_write_json


@pytest.fixture(scope='module')
def eval_tool():
    return load_tool('tools/posetrack_eval.py')


@pytest.fixture(scope='module')
def test_tool():
    return load_tool('tools/test.py')


@pytest.fixture(scope='module')
def tiny_cfg_file(tmp_path_factory):
    path = tmp_path_factory.mktemp('cfg') / 'tdmi_tiny_noflip.py'
    path.write_text(f"_base_ = ['{TINY_CONFIG}']\n"
                    'model = dict(test_cfg=dict(flip_test=False))\n')
    return str(path)


@pytest.fixture(scope='module')
def tiny_checkpoint(tiny_cfg_file, tmp_path_factory):
    """A checkpoint of the tiny model (random weights) and the model."""
    from mmengine.runner import save_checkpoint

    from mmpose.apis import init_model
    torch.manual_seed(0)
    model = init_model(tiny_cfg_file, None, device='cpu')
    path = str(tmp_path_factory.mktemp('ckpt') / 'tiny.pth')
    save_checkpoint(
        dict(
            state_dict=model.state_dict(),
            meta=dict(dataset_meta=model.dataset_meta)), path)
    return dict(path=path, model=model)


@pytest.fixture(scope='module')
def other_arch_checkpoint(tmp_path_factory):
    path = str(tmp_path_factory.mktemp('ckpt') / 'resnet_like.pth')
    net = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8))
    torch.save(dict(state_dict=net.state_dict(), meta=dict()), path)
    return path


@pytest.fixture(scope='module')
def inferencer(tiny_cfg_file, tiny_checkpoint):
    from tdmi_mmpose.apis import MMPoseVideoInferencer
    return MMPoseVideoInferencer(
        pose2d=tiny_cfg_file,
        pose2d_weights=tiny_checkpoint['path'],
        device='cpu')


# ------------------------------------------------------- metric predictions

def _sample(field=None, value=None, num_instances=2):
    keypoints = np.tile(np.arange(17.)[:, None], (num_instances, 1, 2)) + 50
    pred = dict(
        keypoints=keypoints,
        keypoint_scores=np.full((num_instances, 17), 0.8),
        bbox_scores=np.ones(num_instances))
    if field is not None:
        pred[field] = np.array(pred[field], dtype=np.float64)
        pred[field].reshape(-1)[3] = value
    return dict(pred_instances=pred, img_id=10001, id=7, category_id=1)


@pytest.mark.parametrize('field, value', [
    ('keypoint_scores', math.nan),
    ('keypoints', math.nan),
    ('bbox_scores', math.inf),
    ('keypoint_scores', -math.inf),
])
def test_metric_rejects_non_finite_predictions(field, value):
    metric = PoseTrackAPMetric()
    with pytest.raises(InputError) as info:
        metric.process([], [_sample(field, value, num_instances=4)])
    message = str(info.value)
    assert 'img_id 10001 (id 7), field' in message
    assert f'"{field}"' in message and str(value) in message
    assert 'at index 3' in message
    assert metric.results == []


def test_metric_rejects_box_scores_of_another_length():
    """A model whose outputs do not match is a programming error."""
    sample = _sample()
    sample['pred_instances']['bbox_scores'] = np.ones(3)
    with pytest.raises(AssertionError, match=r'img_id 10001: keypoints '
                       r'\(2, 17, 2\), .* and 3 bbox_scores do not match'):
        PoseTrackAPMetric().process([], [sample])


def test_ap_ranking_never_ranks_nan():
    """Scores are checked where they enter (the metric's process and the
    prediction files, above); inside, NaN is a programming error."""
    with pytest.raises(AssertionError, match='AP ranking: non-finite'):
        compute_rpc(np.array([0.5, np.nan, 0.9]), np.ones(3), 3)


def test_metric_prediction_files_are_strict_and_atomic(tmp_path):
    video = pred_video()
    video['annotations'][1]['scores'][0] = math.nan
    out_dir = str(tmp_path / 'preds')
    with pytest.raises(ValueError, match='not JSON compliant'):
        write_prediction_files({VIDEO: video}, out_dir)
    assert files_under(out_dir) == []  # no NaN file, no partial file
    sources = write_prediction_files({VIDEO: pred_video()}, out_dir)
    with open(sources[VIDEO]) as f:
        assert json.load(f)['annotations'][0]['scores'][0] == 0.9


# --------------------------------------------- tools/posetrack_eval.py files

@pytest.mark.parametrize('mutate, field', [
    (lambda v: v['annotations'][1]['keypoints'].__setitem__(4, 'NAN'),
     '"keypoints"'),
    (lambda v: v['annotations'][0]['scores'].__setitem__(2, 'INF'),
     '"scores"'),
    (lambda v: v['annotations'][0]['scores'].__setitem__(0, '-INF'),
     '"scores"'),
    (lambda v: v['annotations'][0].__setitem__('scores', [0.5] * 3),
     '3 "scores", expected 17'),
    (lambda v: v['annotations'][0]['scores'].__setitem__(0, True),
     '"scores" must be numbers'),
])
def test_eval_tool_rejects_bad_prediction_values(eval_tool, tmp_path, capsys,
                                                 mutate, field):
    video = pred_video()
    mutate(video)
    # NaN / Infinity as the JSON tokens other writers (json.dump) produce
    text = json.dumps(video).replace('"NAN"', 'NaN').replace(
        '"-INF"', '-Infinity').replace('"INF"', 'Infinity')
    gt_dir, pred_dir, pred_file = write_eval_case(str(tmp_path), text)
    out_json = tmp_path / 'ap.json'
    status = run_tool(eval_tool.main, [
        '--gt-dir', gt_dir, '--pred-dir', pred_dir, '--out-json',
        str(out_json)
    ])
    err = capsys.readouterr().err
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2 and 'Traceback' not in err
    assert lines[0].startswith('posetrack_eval: error: ' + pred_file)
    assert field in lines[0]
    assert lines[1].startswith('posetrack_eval: hint:')
    assert not out_json.exists()


@pytest.mark.parametrize('content, message', [
    ('', 'is empty'),
    ('{"images": [', 'not valid JSON'),
])
def test_eval_tool_names_unreadable_prediction_files(eval_tool, tmp_path,
                                                     capsys, content,
                                                     message):
    gt_dir, pred_dir, pred_file = write_eval_case(str(tmp_path), content)
    assert run_tool(eval_tool.main,
                    ['--gt-dir', gt_dir, '--pred-dir', pred_dir]) == 2
    err = capsys.readouterr().err
    assert pred_file in err and message in err


def test_eval_tool_clean_input_scores_100(eval_tool, tmp_path, capsys):
    gt_dir, pred_dir, _ = write_eval_case(str(tmp_path), pred_video())
    out_json = tmp_path / 'ap.json'
    assert run_tool(eval_tool.main, [
        '--gt-dir', gt_dir, '--pred-dir', pred_dir, '--out-json',
        str(out_json)
    ]) == 0
    assert json.loads(out_json.read_text())['Total'] == 100.0
    assert files_under(str(tmp_path)) == sorted(
        [f'gt/{VIDEO}.json', f'pred/{VIDEO}.json', 'ap.json'])


# ---------------------------------------------------------------- checkpoints

def _truncated(path, out):
    with open(path, 'rb') as f:
        data = f.read()
    with open(out, 'wb') as f:
        f.write(data[:len(data) // 2])
    return out


@pytest.mark.parametrize('kind, message', [
    ('zero', 'is empty (0 bytes)'),
    ('truncated', 'is truncated or corrupt'),
    ('random', 'is not a PyTorch checkpoint'),
    ('bad_pickle', 'cannot read checkpoint'),
    ('missing', 'checkpoint not found'),
])
def test_unreadable_checkpoints_name_the_file(tiny_checkpoint, tmp_path, kind,
                                              message):
    path = str(tmp_path / f'{kind}.pth')
    if kind == 'zero':
        open(path, 'wb').close()
    elif kind == 'truncated':
        _truncated(tiny_checkpoint['path'], path)
    elif kind == 'random':
        with open(path, 'wb') as f:
            f.write(np.random.default_rng(0).bytes(4096))
    elif kind == 'bad_pickle':
        with open(path, 'wb') as f:
            f.write(b'\x80\x02not a pickle at all')
    error = FileNotFoundError if kind == 'missing' else InputError
    with pytest.raises(error) as info:
        load_from_local(path, 'cpu')
    assert path in str(info.value) and message in str(info.value)
    # mmengine's loader (load_from, --resume, inferencers) is ours
    from mmengine.runner.checkpoint import _load_checkpoint
    with pytest.raises(error, match=message.split(' (')[0]):
        _load_checkpoint(path, map_location='cpu')


def test_truncated_zip_member_is_a_named_error(tiny_checkpoint, tmp_path):
    """A complete zip directory but a corrupt tensor record."""
    src, path = tiny_checkpoint['path'], str(tmp_path / 'corrupt.pth')
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, 'w') as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith('data.pkl'):
                data = data[:len(data) // 2]
            zout.writestr(item, data)
    check_checkpoint_file(path)  # the cheap check cannot see it ...
    with pytest.raises(InputError, match='cannot read checkpoint .*'
                       'corrupt.pth'):
        load_from_local(path, 'cpu')  # ... the load names the file


def test_checkpoint_of_another_architecture_is_an_error(
        tiny_checkpoint, other_arch_checkpoint):
    model = tiny_checkpoint['model']
    checkpoint = torch.load(other_arch_checkpoint, weights_only=True)
    with pytest.raises(InputError) as info:
        check_state_dict_matches(model, checkpoint, other_arch_checkpoint)
    message = str(info.value)
    assert other_arch_checkpoint in message
    assert f'{len(model.state_dict())} model keys' in message
    assert 'missing' in message and 'unexpected (0.weight' in message


def test_checkpoint_tolerance_is_documented_exactly(tiny_checkpoint):
    model = tiny_checkpoint['model']
    state = {f'module.{k}': v for k, v in model.state_dict().items()
             if not k.endswith('num_batches_tracked')}
    check_state_dict_matches(model, dict(state_dict=state), 'ok.pth')
    key = next(k for k, v in model.state_dict().items() if v.ndim == 4)
    state[f'module.{key}'] = state[f'module.{key}'][:1]
    with pytest.raises(InputError, match=r'1 with another shape \(' +
                       key.replace('.', r'\.')):
        check_state_dict_matches(model, dict(state_dict=state), 'bad.pth')


def test_test_tool_refuses_another_architecture(test_tool, tiny_cfg_file,
                                                other_arch_checkpoint,
                                                tmp_path, capsys):
    status = run_tool(test_tool.main, [
        tiny_cfg_file, other_arch_checkpoint, '--work-dir',
        str(tmp_path / 'wd')
    ])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(f'test: error: checkpoint {other_arch_checkpoint} '
                          'does not fit the model')
    assert not (tmp_path / 'wd' / 'results.json').exists()


def test_train_tool_names_a_bad_resume_checkpoint(tmp_path, capsys):
    train = load_tool('tools/train.py')
    ckpt = tmp_path / 'iter_3000.pth'
    ckpt.write_bytes(b'PK\x03\x04' + b'\0' * 100)  # a cut-off zip archive
    assert run_tool(train.main, [TINY_CONFIG, '--resume', str(ckpt)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f'train: error: checkpoint {ckpt} (104 bytes) is '
                          'truncated or corrupt')


def test_inferencer_refuses_bad_weights(tiny_cfg_file, other_arch_checkpoint,
                                        tmp_path):
    from tdmi_mmpose.apis import VideoPose2DInferencer
    with pytest.raises(InputError, match='resnet_like.pth does not fit'):
        VideoPose2DInferencer(
            tiny_cfg_file, other_arch_checkpoint, device='cpu')
    empty = tmp_path / 'empty.pth'
    empty.write_bytes(b'')
    with pytest.raises(InputError, match='empty.pth is empty'):
        VideoPose2DInferencer(tiny_cfg_file, str(empty), device='cpu')


# ------------------------------------------------------------- person boxes

@pytest.mark.parametrize('boxes, match', [
    ([[[0, 0, 10, 10, 0.9]], [[0, 0, 10, 10, math.nan]]],
     r'bboxes\[1\].*nan.* at index 4 is not a finite'),
    ([[[0, 0, math.inf, 10]]], r'bboxes\[0\].*inf.* at index 2'),
])
def test_non_finite_list_boxes_are_errors(boxes, match):
    with pytest.raises(ValueError, match=match):
        PersonBoxSource(boxes)


@pytest.mark.parametrize('text, match', [
    ('[{"frame_index": 0, "bbox": [1, 2, 3, 4], "score": NaN}]',
     r'boxes\.json: detection #0: field "score" must be .* got nan'),
    ('[{"frame_index": 1.5, "bbox": [1, 2, 3, 4]}]',
     r'detection #0: field "frame_index" must be .* got 1\.5'),
    ('[{"frame_index": -1, "bbox": [1, 2, 3, 4]}]',
     r'detection #0: field "frame_index" must be .* got -1'),
])
def test_bad_box_json_entries_are_errors(tmp_path, text, match):
    path = tmp_path / 'boxes.json'
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        PersonBoxSource(str(path))


def _detections(image_ids):
    return [dict(image_id=i, bbox=[1, 2, 30, 40], score=0.9, category_id=1)
            for i in image_ids]


@pytest.mark.parametrize('source_kwargs, num_frames, match', [
    (dict(boxes=[[[0, 0, 9, 9]]] * 3), 2,
     r'bboxes has 3 entries \(one per frame\) but the input has 2 frames'),
    (dict(boxes=_detections(range(15)), image_ids=list(range(13))), 15,
     r'bbox_image_ids gives 13 image ids but the input has 15 frames; '
     r'frames 13\.\.14'),
    (dict(boxes=[dict(frame_index=20, bbox=[1, 2, 3, 4])] * 2), 15,
     r'2 box\(es\) have a "frame_index" beyond the last frame of the '
     r'15-frame input \(frame_index 20\)'),
])
def test_boxes_that_do_not_fit_the_stream_are_errors(source_kwargs,
                                                     num_frames, match):
    source = PersonBoxSource(**source_kwargs)
    with pytest.raises(ValueError, match=match):
        source.check_length(num_frames)


def test_image_ids_of_another_video_are_an_error():
    with pytest.raises(ValueError, match=r'none of its 3 entries has one of '
                       r'the 2 image ids'):
        PersonBoxSource(_detections([1, 2, 3]), image_ids=[7, 8])
    with pytest.raises(ValueError, match='3 ids but only 2 distinct'):
        PersonBoxSource(_detections([1]), image_ids=[1, 2, 1])


def test_more_image_ids_than_frames_is_a_counted_warning(monkeypatch):
    logged = []
    monkeypatch.setattr('tdmi_mmpose.io.person_boxes.print_log',
                        lambda msg, **kw: logged.append((msg, kw['level'])))
    source = PersonBoxSource(_detections(range(15)), image_ids=range(15))
    source.check_length(6)
    assert logged == [(
        'bbox_image_ids gives 15 image ids for the 6 frames of the input: '
        'the boxes of the last 9 ids are not used (the input is the first '
        'frames of the video).', 30)]


def test_inferencer_checks_box_list_before_the_first_frame(
        inferencer, tmp_path):
    images = frames(3)
    with pytest.raises(ValueError, match='bboxes has 2 entries'):
        list(inferencer(images, bboxes=[[[30, 10, 80, 90]]] * 2,
                        pred_out_dir=str(tmp_path / 'pred')))
    assert not (tmp_path / 'pred').exists()


# ---------------------------------------------------------- atomic outputs

def _fail_at_frame(monkeypatch, inferencer, frame):
    """Make the visualiser raise when it draws the given frame."""
    inner = inferencer.inferencer
    original = type(inner).save_visualization
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == frame + 1:
            raise RuntimeError('visualiser failed')
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(inner), 'save_visualization', failing)


def test_failed_video_inference_leaves_no_output(inferencer, tmp_path,
                                                 monkeypatch):
    video = str(tmp_path / 'clip.mp4')
    write_video(video, frames(3))
    out = tmp_path / 'out'
    # frames without people: no model forward (fast), still rendered and
    # written
    kwargs = dict(
        bboxes=[[]] * 3,
        vis_out_dir=str(out / 'vis'),
        pred_out_dir=str(out / 'pred'))
    with monkeypatch.context() as patch:
        _fail_at_frame(patch, inferencer, 1)
        with pytest.raises(RuntimeError, match='visualiser failed'):
            list(inferencer(video, **kwargs))
    import gc
    gc.collect()  # the abandoned frame generator is closed
    assert not (out / 'vis' / 'clip.mp4').exists()
    assert not (out / 'pred' / 'clip.json').exists()
    assert [f for f in files_under(str(out)) if not f.endswith('.tmp.mp4')
            ] == []
    # the same call without the failure writes both, complete
    list(inferencer(video, **kwargs))
    assert count_video_frames(str(out / 'vis' / 'clip.mp4')) == 3
    with open(out / 'pred' / 'clip.json') as f:
        assert len(json.load(f)) == 3


def test_failed_frame_sequence_leaves_no_video(inferencer, tmp_path,
                                               monkeypatch):
    poses = tmp_path / 'poses.mp4'
    with monkeypatch.context() as patch:
        _fail_at_frame(patch, inferencer, 1)
        with pytest.raises(RuntimeError, match='visualiser failed'):
            list(inferencer(frames(2), bboxes=[[]] * 2,
                            vis_out_dir=str(poses)))
    import gc
    gc.collect()
    assert files_under(str(tmp_path)) == []


def test_killed_json_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / 'preds.json'
    path.write_text('{"old": 1}')

    def dump_then_die(obj, f, **kwargs):
        f.write('{"annotations": [')
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_module.json, 'dump', dump_then_die)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_json({'annotations': []}, str(path))
    assert path.read_text() == '{"old": 1}'
    assert files_under(str(tmp_path)) == ['preds.json']


# ---------------------------------------------------------------- configs

def test_misspelled_top_level_key_is_one_warning(tmp_path, monkeypatch):
    cfg_file = tmp_path / 'typo.py'
    cfg_file.write_text(f"_base_ = ['{TINY_CONFIG}']\n"
                        'train_cgf = dict(max_epochs=1)\n'
                        'frame_window = 3  # a helper variable\n')
    logged = []
    monkeypatch.setattr(runner_args, 'print_log',
                        lambda msg, **kw: logged.append(msg))
    args = argparse.Namespace(
        config=str(cfg_file), cfg_options={}, launcher='none',
        work_dir=None, show=False, show_dir=None)
    runner_args.build_config(args)
    assert logged == [
        f'{cfg_file}: top-level key `train_cgf` is read by nothing (mmengine '
        'ignores it); did you mean `train_cfg`?'
    ]


def test_shipped_configs_have_no_misspelled_keys():
    import glob
    files = sorted(glob.glob(osp.join(REPO_ROOT, 'configs', '*.py')))
    assert files
    for path in files:
        assert runner_args.misspelled_config_keys(
            Config.fromfile(path)) == [], path


# ----------------------------------------------------------- error output

def _raise(error):

    def main(argv):
        raise error

    return main


@pytest.mark.parametrize('error, line', [
    (InputError('a.json: annotation id=3: field "scores" bad'),
     'a.json: annotation id=3: field "scores" bad'),
    (InputError('checkpoint x.pth is empty (0 bytes)'),
     'checkpoint x.pth is empty (0 bytes)'),
    (SyntaxError('There are syntax errors in config file cfg.py:\n x'),
     'There are syntax errors in config file cfg.py: x'),
    (FileNotFoundError('Prediction folder not found: /p'),
     'Prediction folder not found: /p'),
])
def test_expected_errors_are_one_line_and_a_hint(capsys, error, line):
    assert run_tool(_raise(error), [], prog='tool') == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == f'tool: error: {line}'
    assert err.splitlines()[1].endswith(
        'run with --debug or TDMI_DEBUG=1 for the traceback')
    assert len(err.splitlines()) == 2


def test_debug_and_bugs_keep_the_traceback(monkeypatch):
    error = InputError('a.json: bad')
    seen = []
    with pytest.raises(InputError):
        run_tool(lambda argv: seen.append(argv) or _raise(error)(argv),
                 ['x', '--debug'])
    assert seen == [['x']]  # --debug is not passed on
    monkeypatch.setenv('TDMI_DEBUG', '1')
    with pytest.raises(InputError):
        run_tool(_raise(error), [])
    monkeypatch.delenv('TDMI_DEBUG')
    # a ValueError from inside numpy is a bug, not bad input
    with pytest.raises(ValueError):
        run_tool(lambda argv: np.zeros(2).reshape(3), [])


def _run_tool_process(*args):
    env = dict(os.environ, PYTHONPATH=REPO_ROOT)
    env.pop('TDMI_DEBUG', None)
    return subprocess.run([sys.executable, *args], capture_output=True,
                          text=True, env=env, cwd=REPO_ROOT, timeout=120)


def test_tool_prints_one_line_in_a_real_process(tmp_path, tiny_cfg_file):
    """The real stderr and exit status of a tool (one process: importing
    the package takes seconds); the other tools share run_tool."""
    empty = tmp_path / 'epoch_1.pth'
    empty.write_bytes(b'')
    proc = _run_tool_process('tools/test.py', tiny_cfg_file, str(empty))
    assert proc.returncode == 2, proc.stderr[-2000:]
    # the last two lines: imports may print library warnings before
    assert 'Traceback' not in proc.stderr
    assert proc.stderr.strip().splitlines()[-2:] == [
        f'test: error: checkpoint {empty} is empty (0 bytes)',
        'test: hint: the checkpoint must be a complete file saved by '
        'tools/train.py for this config (see docs/inference.md, '
        '"Checkpoints"); run with --debug or TDMI_DEBUG=1 for the traceback'
    ]


def test_debug_shows_the_tools_traceback(test_tool, tmp_path, capsys):
    empty = tmp_path / 'epoch_1.pth'
    empty.write_bytes(b'')
    with pytest.raises(InputError, match='epoch_1.pth is empty'):
        run_tool(test_tool.main, [TINY_CONFIG, str(empty), '--debug'])
    assert capsys.readouterr().err == ''
