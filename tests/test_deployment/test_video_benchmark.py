"""The end-to-end video benchmark at micro scale: the stage timer's
exclusive times on a fake clock, both backends on a generated video (stage
shares, frames/s, outputs, parity), and the command line."""
import json
import os.path as osp
import statistics

import cv2
import pytest

pytest.importorskip('onnxruntime')
pytest.importorskip('onnxscript')

from tdmi_mmpose.benchmarks import stage_timer  # noqa: E402
from tdmi_mmpose.benchmarks.stage_timer import (STAGES,  # noqa: E402
                                                StageTimer)
from tdmi_mmpose.benchmarks.video import (BACKENDS,  # noqa: E402
                                          benchmark_video,
                                          instrumented_backends)
from tdmi_mmpose.benchmarks.video_input import write_crowd_video  # noqa
from tool_loading import load_tool  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY = osp.join(ROOT, 'configs', 'tdmi_tiny_posetrack_sample.py')


class FakeClock:
    """``perf_counter`` that moves only when told."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_stage_times_exclude_inner_stages(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(stage_timer.time, 'perf_counter', clock)
    timer = StageTimer()

    def frames():
        for _ in range(3):
            clock.now += 2.0  # decoding one frame
            yield 'frame'

    def network(x):
        clock.now += 5.0
        return x

    run_network = timer.timed(network, 'network')
    with timer.stage('other'):
        clock.now += 1.0
        for _ in timer.iterate(frames(), 'decode'):
            with timer.stage('decoding'):
                clock.now += 0.5
                run_network(1)
    assert dict(timer.seconds) == dict(
        other=1.0, decode=6.0, decoding=1.5, network=15.0)


def test_timed_items_keep_the_length(monkeypatch):
    timer = StageTimer()
    assert len(timer.iterate([1, 2, 3], 'decode')) == 3
    unsized = timer.iterate(iter([1, 2]), 'decode')
    assert not hasattr(unsized, '__len__') and list(unsized) == [1, 2]


def test_both_backends_on_a_generated_video(tiny_export, tiny_checkpoint,
                                            tmp_path):
    _, _, onnx_file = tiny_export
    backends = instrumented_backends(TINY, tiny_checkpoint, onnx_file, 1)
    video = str(tmp_path / 'crowd.mp4')
    boxes = write_crowd_video(video, 2, 3, (160, 120), seed=1)
    record = benchmark_video(
        backends, video, boxes, 3, repeats=2, warmup=0,
        work_dir=str(tmp_path))
    for name in BACKENDS:
        result = record[name]
        assert len(result['runs']) == 2
        totals = [run['total_s'] for run in result['runs']]
        assert result['fps_median'] == pytest.approx(
            3 / statistics.median(totals))
        for run in result['runs']:
            assert set(run['stages_s']) == set(STAGES) | {'other'}
            assert sum(run['stages_s'].values()) == pytest.approx(
                run['total_s'])
        shares = result['stage_share']
        for stage in ('decode', 'crops', 'network', 'decoding', 'tracking',
                      'writing'):
            assert shares[stage] > 0, (name, stage)
        assert shares['smoothing'] == 0
        # what the call wrote: the rendered video and the JSON, 3 frames
        reader = cv2.VideoCapture(osp.join(tmp_path, name, 'poses.mp4'))
        assert reader.get(cv2.CAP_PROP_FRAME_COUNT) == 3
        with open(osp.join(tmp_path, name, 'predictions',
                           'crowd.json')) as f:
            frames = json.load(f)
        assert [len(frame['instances']) for frame in frames] == [2, 2, 2]
    assert record['ratio_fps_onnxruntime_to_eager'] == pytest.approx(
        record['onnxruntime']['fps_median'] /
        record['pytorch_eager']['fps_median'])
    assert record['max_keypoint_diff_px'] <= 1e-3
    assert 0 < record['max_keypoint_score_diff'] <= 1e-5


def test_command_line_micro_run(tmp_path, capsys):
    tool = load_tool('tools/analysis/benchmark_video.py')
    out = str(tmp_path / 'video.json')
    assert tool.main([
        '--configs', TINY, '--num-frames', '2', '--repeats', '1', '--people',
        '1', '--warmup', '0', '--size', '160', '120', '--json', out
    ]) == 0
    with open(out) as f:
        record = json.load(f)
    assert record['settings']['num_frames'] == [2]
    (result, ) = record['results']
    assert result['target_fps_ratio'] == 2.0
    assert isinstance(result['videos']['1']['target_met'], bool)
    assert record['machine_before']['load_avg_1min_before'] is not None
    capsys.readouterr()
    assert tool.main(['--show', out, '--markdown']) == 0
    printed = capsys.readouterr().out
    assert '| 1 | pytorch_eager |' in printed.replace('  ', ' ')
    with pytest.raises(SystemExit):
        tool.main(['--configs', TINY, '--num-frames', '2', '3', '--json', out])
