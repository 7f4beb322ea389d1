# Copyright (c) tdmi_mmpose contributors.
"""The benchmark (tdmi_mmpose.benchmarks, behind tools/analysis/benchmark.py)
at --quick sizes: a smoke test of the report (not a timed test: no figure is
compared with a target here)."""
import json
import math
import os.path as osp

import pytest

from tdmi_mmpose.benchmarks import (BenchmarkSettings,
                                    format_benchmark_report, run_benchmark)
from tdmi_mmpose.utils import InputError

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(ROOT, 'configs', 'tdmi_hrnet_w48_posetrack18.py')


def positive(value):
    return isinstance(value, (int, float)) and math.isfinite(value) \
        and value > 0


def test_quick_report(sample_data_root):
    report = run_benchmark(
        BenchmarkSettings(
            CONFIG,
            quick=True,
            input_size=(64, 64),
            data_root=sample_data_root,
            command='python tools/analysis/benchmark.py --quick'))
    printed = format_benchmark_report(report)
    report = json.loads(json.dumps(report))  # what --json writes

    settings = report['settings']
    assert settings['batch_size'] == 1 and settings['num_frames'] == 5
    assert settings['input_size_wh'] == [64, 64]
    assert settings['command'].startswith('python tools/analysis/benchmark.py')

    inference = report['inference']
    assert inference['tdmi']['input_shape'] == [1, 5, 3, 64, 64]
    assert inference['hrnet']['input_shape'] == [1, 3, 64, 64]
    assert inference['hrnet_all_frames']['input_shape'] == [5, 3, 64, 64]
    for name in ('tdmi', 'hrnet', 'hrnet_all_frames'):
        assert positive(inference[name]['person_crops_per_s'])
        assert positive(inference[name]['median_s'])
        assert positive(inference[name]['peak_memory_mib'])
    # the backbone runs once per clip on all B*T frames
    assert inference['tdmi']['backbone_calls_per_forward'] == 1
    assert inference['tdmi']['backbone_input_shape'] == [5, 3, 64, 64]
    assert 0 < inference['tdmi']['backbone_share'] <= 1
    assert positive(inference['ratio_vs_T_single_frame_passes'])
    assert positive(inference['ratio_vs_single_frame_on_all_frames'])

    training = report['training']
    for name in ('tdmi', 'hrnet'):
        assert positive(training[name]['iters_per_s'])
        assert positive(training[name]['peak_memory_mib'])
        assert training[name]['losses_finite']
    # frozen backbone: only the necks, the head and the MI loss train
    assert training['tdmi']['trainable_params_m'] < \
        training['hrnet']['trainable_params_m'] / 10
    assert 'loss_mi' in training['tdmi']['last_losses']
    assert positive(training['ratio_vs_T_single_frame_iterations'])

    pipeline = report['pipeline']
    assert set(pipeline['results']) == {'T=5', 'T=1'}
    assert pipeline['results']['T=5']['inputs_shape'][0] == 5
    assert pipeline['results']['T=1']['inputs_shape'][0] == 1
    for result in pipeline['results'].values():
        assert positive(result['samples_per_s'])
    assert positive(pipeline['ratio_vs_T_single_frame_pipelines'])

    assert set(report['targets']) == {'inference', 'training', 'pipeline'}
    for target in report['targets'].values():
        assert isinstance(target['met'], bool) and positive(target['ratio'])
    assert report['machine']['cpu_count'] >= 1
    for heading in ('(a) inference', '(b) training', '(c) data pipeline',
                    'targets'):
        assert heading in printed


def test_rejects_sizes_hrnet_cannot_take():
    with pytest.raises(InputError, match='multiples of 32, got \\[48, 64\\]'):
        BenchmarkSettings(CONFIG, input_size=(48, 64))
    with pytest.raises(InputError, match='--amp needs a CUDA device'):
        BenchmarkSettings(CONFIG, amp=True, device='cpu')
    with pytest.raises(InputError, match='--iters'):
        BenchmarkSettings(CONFIG, iters=0)
