"""Bad input, fourth sweep (issue 22, "a fresh sweep of the same groups, and
new ones"): what the third sweep left, each now an error naming the option,
file or folder, or an output folder replaced whole only on request."""
import json
import os
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from tool_fixtures import TINY_CONFIG
from tool_loading import load_tool

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.io import InputError
from tdmi_mmpose.io.inferencer_args import check_detector, check_device
from tdmi_mmpose.io.output_folders import prepare_output_folder
from tdmi_mmpose.utils import run_tool

# ------------------------------------------------- inferencer: device, detector


@pytest.mark.parametrize('device, message', [
    ('tpu', "device 'tpu': not a device name (e.g. cpu, cuda, cuda:1)"),
    ('gpu0', "device 'gpu0': not a device name"),
    ('meta', "device 'meta': only cpu, cuda[:N] and mps are supported"),
])
def test_unknown_devices_are_named(device, message):
    with pytest.raises(InputError) as e:
        check_device(device)
    assert str(e.value).startswith(message)
    check_device('cpu')
    check_device(None)


@pytest.mark.skipif(torch.cuda.is_available(), reason='a GPU is present')
@pytest.mark.parametrize('device', ['cuda', 'cuda:3'])
def test_cuda_without_cuda_is_an_error_not_a_driver_traceback(device):
    with pytest.raises(InputError) as e:
        check_device(device)
    assert str(e.value).startswith(
        f"device {device!r}: CUDA is not available on this machine")


def test_missing_detector_files_are_named(tmp_path):
    missing = str(tmp_path / 'rtmdet.py')
    with pytest.raises(InputError) as e:
        check_detector(missing, None)
    assert str(e.value).startswith(f'detector config {missing}: no such file')
    config = tmp_path / 'det.py'
    config.write_text('model = dict()\n')
    with pytest.raises(InputError) as e:
        check_detector(str(config), str(tmp_path / 'det.pth'))
    assert str(e.value) == (
        f'detector checkpoint not found: {tmp_path / "det.pth"}')
    for fine in ('whole_image', 'rtmdet-m', str(config)):  # names: mmdet's
        check_detector(fine, None)


def test_video_demo_names_the_device_and_the_detector(tmp_path, capsys):
    tool = load_tool('tools/video_demo.py')
    base = [str(tmp_path / 'frames'), '--pose2d', TINY_CONFIG]
    cases = [(['--det-model', str(tmp_path / 'det.py')],
              f'detector config {tmp_path / "det.py"}: no such file'),
             (['--det-model', 'no-such-detector'],
              "detector 'no-such-detector': neither a config file nor a "
              "model name of mmdet's model zoo")]
    if not torch.cuda.is_available():
        cases.append((['--det-model', 'whole_image', '--device', 'cuda'],
                      "device 'cuda': CUDA is not available"))
    for extra, message in cases:
        assert run_tool(tool.main, base + extra, prog='video_demo') == 2
        assert f'video_demo: error: {message}' in capsys.readouterr().err


# --------------------------------------------- inferencer: earlier outputs


def test_python_inferencer_refuses_an_earlier_run(tmp_path, pt):
    """The check of ``tools/video_demo.py`` is the inferencer's own: the
    Python API refused nothing and mixed two runs in one folder."""
    from tdmi_mmpose.apis import MMPoseVideoInferencer, VideoPose2DInferencer
    pred_dir = tmp_path / 'out' / 'predictions'
    for t in range(4):
        pt.write_json(pred_dir / f'{t:06d}.json', [])
    (pred_dir / 'notes.txt').write_text('mine')
    for cls in (MMPoseVideoInferencer, VideoPose2DInferencer):
        inferencer = cls(TINY_CONFIG, device='cpu', det_model='whole_image')
        with pytest.raises(InputError) as e:
            inferencer(str(tmp_path / 'frames'), out_dir=str(tmp_path / 'out'))
        assert str(e.value).startswith(
            f'{pred_dir} holds 4 JSON file(s) of an earlier run')
        assert len(os.listdir(pred_dir)) == 5
    inferencer(str(tmp_path / 'frames'), pred_out_dir=str(pred_dir),
               overwrite=True)  # checked and cleared on the call
    assert os.listdir(pred_dir) == ['notes.txt']  # only the earlier JSON


# -------------------------------------------------------------- benchmarks


@pytest.mark.parametrize('argv, message', [
    (['--quick', '--iters', '3'], '--quick sets --iters itself'),
    (['--quick', '--batch-size=4', '--warmup', '1'],
     '--quick sets --batch-size, --warmup itself'),
    (['--batch-size', '0'], 'argument --batch-size: must be an integer >= 1'),
    (['--pipeline-rounds', '-1'], 'argument --pipeline-rounds: must be an'),
    (['--device', 'tpu'], "argument --device: device 'tpu': not a device"),
])
def test_benchmark_options(argv, message, capsys):
    """``--quick`` replaced the sizes a user gave without a word."""
    tool = load_tool('tools/analysis/benchmark.py')
    with pytest.raises(SystemExit) as e:
        tool.parse_args(argv)
    assert e.value.code == 2
    assert message in capsys.readouterr().err


def test_benchmark_settings_from_the_command_line():
    """Building the settings crashed ("multiple values for keyword argument
    'command'") on every run of the tool."""
    tool = load_tool('tools/analysis/benchmark.py')
    args = tool.parse_args(['--quick', '--parts', 'inference'])
    settings = tool.build_settings(args)
    assert (settings.batch_size, settings.iters, settings.warmup) == (1, 1, 0)
    assert settings.command.startswith('python tools/analysis/benchmark.py')
    assert settings.command.endswith('--quick --parts inference')


def test_onnx_export_refuses_another_opset(tmp_path, monkeypatch):
    """torch's exporter only warns when it cannot convert to the requested
    opset, and writes its own."""
    from tdmi_mmpose.deployment import onnx_export
    program = SimpleNamespace(
        model_proto=SimpleNamespace(
            opset_import=[SimpleNamespace(domain='', version=18)]),
        save=lambda *args, **kwargs: pytest.fail('saved'))
    monkeypatch.setattr(onnx_export.torch.onnx, 'export',
                        lambda *args, **kwargs: program)
    network = torch.nn.Identity()
    path = tmp_path / 'x.onnx'
    with pytest.raises(InputError) as e:
        onnx_export.export_onnx(network, (5, 64, 48), str(path), 21)
    assert str(e.value).startswith(
        f'--opset 21: torch {torch.__version__} exported opset 18 instead')
    assert not path.exists()


# ----------------------------------------------------------- dataset tools


def test_browse_dataset_index_and_out_dir(sample_data_root, tmp_path,
                                          capsys):
    tool = load_tool('tools/browse_dataset.py')
    base = [TINY_CONFIG, '--cfg-options', f'data_root={sample_data_root}']
    a_file = tmp_path / 'a_file'
    a_file.write_text('')
    out = str(tmp_path / 'vis')
    for extra, message in [
        (['--out-dir', out, '--index', '0', '9999'],
         '--index 9999 is out of range: the train dataset has'),
        (['--out-dir', out, '--index', '-1'], '--index -1 is out of range'),
        (['--out-dir', str(a_file)], f'{a_file}: output folder is a file'),
        (['--out-dir', str(a_file / 'sub')],
         f'{a_file / "sub"}: output folder is a file'),
    ]:
        assert run_tool(tool.main, base + extra, prog='browse') == 2
        assert f'browse: error: {message}' in capsys.readouterr().err
        assert not osp.exists(out)  # nothing rendered before the error


def test_make_sample_refuses_an_earlier_sample(tmp_path, capsys):
    """Generating into an earlier sample mixed both (exit 0); ``--overwrite``
    replaces it whole."""
    tool = load_tool('tools/dataset_converters/make_sample_posetrack.py')
    out = tmp_path / 'sample'
    small = ['--out-dir', str(out), '--num-videos', '1', '1',
             '--frames-per-video', '4']
    assert run_tool(tool.main, small, prog='make') == 0
    (out / 'annotations' / 'val' / 'stale.json').write_text('{}')
    before = sorted(os.listdir(out / 'annotations' / 'val'))
    assert run_tool(tool.main, small, prog='make') == 2
    assert (f'make: error: {out} is not empty (annotations, images, '
            'person_detections): an earlier run; pass --overwrite'
            in capsys.readouterr().err)
    assert sorted(os.listdir(out / 'annotations' / 'val')) == before
    assert run_tool(tool.main, small + ['--overwrite'], prog='make') == 0
    assert 'stale.json' not in os.listdir(out / 'annotations' / 'val')


@pytest.mark.parametrize('tool_path, argv, message', [
    ('make_sample_posetrack.py', ['--frames-per-video', '0'],
     'argument --frames-per-video: must be an integer >= 1'),
    ('make_sample_posetrack.py', ['--occlusion-prob', '1.5'],
     'argument --occlusion-prob: must be a number in [0, 1]'),
    ('make_sample_posetrack.py', ['--pan-speed', 'nan'],
     'argument --pan-speed: must be a finite number >= 0'),
    ('make_sample_posetrack.py', ['--num-videos', '2', '0'],
     'argument --num-videos: must be an integer >= 1'),
    ('make_sample_hieve.py', ['--seed', '-1'],
     'argument --seed: must be an integer >= 0'),
])
def test_make_sample_option_types(tmp_path, capsys, tool_path, argv,
                                  message):
    tool = load_tool(f'tools/dataset_converters/{tool_path}')
    with pytest.raises(SystemExit) as e:
        tool.main(['--out-dir', str(tmp_path / 'x')] + argv)
    assert e.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / 'x').exists()


@pytest.mark.parametrize('tool_path', ['make_sample_posetrack.py',
                                       'make_sample_hieve.py'])
def test_make_sample_out_dir_is_a_file(tmp_path, capsys, tool_path):
    tool = load_tool(f'tools/dataset_converters/{tool_path}')
    a_file = tmp_path / 'a_file'
    a_file.write_text('keep')
    assert run_tool(tool.main, ['--out-dir', str(a_file)], prog='make') == 2
    assert (f'make: error: {a_file}: output folder is a file'
            in capsys.readouterr().err)
    assert a_file.read_text() == 'keep'


def test_prepare_output_folder(tmp_path):
    folder = tmp_path / 'out'
    prepare_output_folder(str(folder))  # created
    prepare_output_folder(str(folder))  # empty: fine
    (folder / 'a').write_text('')
    with pytest.raises(InputError):
        prepare_output_folder(str(folder))
    prepare_output_folder(str(folder), overwrite=True)
    assert os.listdir(folder) == []


def test_split_into_the_folder_of_its_own_input(tmp_path, pt, capsys):
    """``split --overwrite`` into the folder holding the merged file deleted
    that file (the folder is replaced whole)."""
    tool = load_tool('tools/dataset_converters/posetrack_merge_split.py')
    folder = tmp_path / 'annotations'
    merged = pt.write_json(folder / 'merged.json', pt.video())
    for extra in ([], ['--overwrite']):
        argv = ['split', merged, str(folder), *extra]
        assert run_tool(tool.main, argv, prog='split') == 2
        err = capsys.readouterr().err
        assert (f'split: error: {merged} lies inside the output folder '
                f'{folder}' in err)
        assert json.load(open(merged)) == pt.video()


def test_unknown_smoother_names_the_filters():
    """An unknown type gave mmengine's registry message, which names
    neither the option nor the filters there are."""
    from tdmi_mmpose.apis.online_smoothing import build_smoother
    for smoother in ('KalmanX', dict(type='KalmanX', window_size=3)):
        with pytest.raises(InputError) as e:
            build_smoother(smoother)
        assert str(e.value) == (
            "smoother 'KalmanX': no such keypoint filter (OneEuroFilter, "
            'SavitzkyGolayFilter, GaussianFilter or another TrackFilter in '
            'TASK_UTILS).')
    assert build_smoother('OneEuroFilter') is not None


@pytest.mark.parametrize('tool_path, flag, field', [
    ('tools/analysis/benchmark_video.py', '--show', 'settings'),
    ('tools/analysis/smoothing_study.py', '--report', 'tables'),
])
def test_record_readers_name_the_missing_field(tmp_path, capsys, tool_path,
                                               flag, field):
    """A JSON file that is not the tool's record printed only the missing
    key ("error: settings")."""
    tool = load_tool(tool_path)
    record = tmp_path / 'r.json'
    record.write_text('{"runs": 3}')
    assert run_tool(tool.main, [flag, str(record)], prog='tool') == 2
    assert (f'tool: error: {record}: missing field "{field}".'
            in capsys.readouterr().err)


def test_merge_into_an_input_folder(tmp_path, pt, capsys):
    """The merged file was written beside the files it merges (exit 0): a
    dataset of that folder then reads every video twice."""
    tool = load_tool('tools/dataset_converters/posetrack_merge_split.py')
    folder = tmp_path / 'annotations'
    pt.write_json(folder / 'a.json', pt.video())
    out = folder / 'merged.json'
    assert run_tool(tool.main, ['merge', str(folder), str(out)],
                    prog='merge') == 2
    assert (f'merge: error: {out}: the output file would lie in an input '
            'folder' in capsys.readouterr().err)
    assert os.listdir(folder) == ['a.json']


@pytest.mark.parametrize('tool_path, argv, message', [
    ('tools/analysis/get_flops.py', [TINY_CONFIG, '--input-shape', '0', '0'],
     "argument --input-shape: must be a multiple of 32 (HRNet's largest "
     "stride), got '0'"),
    ('tools/analysis/get_flops.py', [TINY_CONFIG, '--input-shape', '-5', '64'],
     'argument --input-shape: must be a multiple of 32'),
    ('tools/analysis/benchmark.py', ['--input-size', '0', '0'],
     'argument --input-size: must be a multiple of 32'),
    ('tools/analysis/benchmark_pipeline.py', [TINY_CONFIG, '--num-samples',
                                              '0'],
     'argument --num-samples: must be an integer >= 1'),
    ('tools/analysis/benchmark_pipeline.py', [TINY_CONFIG, '--rounds', '-2'],
     'argument --rounds: must be an integer >= 1'),
    ('tools/analysis/mi_gradient_probe.py', [TINY_CONFIG, '--batches', '-3'],
     'argument --batches: must be an integer >= 1'),
    ('tools/analysis/disentanglement_probe.py', [TINY_CONFIG, 'c.pth',
                                                 '--rows', '0'],
     'argument --rows: must be an integer >= 1'),
])
def test_analysis_tool_sizes_are_usage_errors(capsys, tool_path, argv,
                                              message):
    """Each ran into a torch, statistics or itertools traceback."""
    tool = load_tool(tool_path)
    with pytest.raises(SystemExit) as e:
        getattr(tool, 'parse_args', tool.main)(argv)
    assert e.value.code == 2
    assert message in capsys.readouterr().err


def test_train_work_dir_that_is_a_file(tmp_path, capsys):
    """mmengine's FileExistsError traceback before."""
    tool = load_tool('tools/train.py')
    a_file = tmp_path / 'wd'
    a_file.write_text('')
    assert run_tool(tool.main, [TINY_CONFIG, '--work-dir', str(a_file)],
                    prog='train') == 2
    assert (f'train: error: {a_file}: output folder is a file'
            in capsys.readouterr().err)
