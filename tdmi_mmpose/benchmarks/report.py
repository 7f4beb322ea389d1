# Copyright (c) tdmi_mmpose contributors.
"""The benchmarks' reports as text tables."""
from typing import List, Optional

from ..utils.table import format_table


def _mib(value: Optional[float]) -> str:
    return '-' if value is None else f'{value:.0f}'


def _machine_line(m: dict) -> str:
    return (f'machine: {m["processor"]}, {m["cpu_count"]} CPUs '
            f'({m["torch_threads"]} torch threads), torch {m["torch"]}, '
            f'1-min load average {m["load_avg_1min_before"]} before, '
            f'{m.get("load_avg_1min_after")} after')


def _inference_lines(inference: dict, t: int) -> List[str]:
    rows = [[
        label,
        str(tuple(inference[name]['input_shape'])),
        format(inference[name]['median_s'], '.3f'),
        format(inference[name]['person_crops_per_s'], '.2f'),
        _mib(inference[name]['peak_memory_mib'])
    ] for name, label in (('tdmi', f'TDMI T={t}'), ('hrnet',
                                                    'HRNet-W48 single-frame'),
                          ('hrnet_all_frames', 'HRNet-W48 on all B*T frames'))]
    lines = [
        '', '(a) inference',
        format_table(
            rows, [['model', 'input', 's/batch', 'crops/s', 'peak MiB']],
            align='llrrr')
    ]
    r = inference['tdmi']
    return lines + [
        f'TDMI backbone: {r["backbone_calls_per_forward"]:g} call per '
        f'forward on {tuple(r["backbone_input_shape"])}, '
        f'{100 * r["backbone_share"]:.1f} % of the time',
        'TDMI time / (T x single-frame time): '
        f'{inference["ratio_vs_T_single_frame_passes"]:.3f}',
        'TDMI time / single-frame time on the B*T frames: '
        f'{inference["ratio_vs_single_frame_on_all_frames"]:.3f}'
    ]


def _training_lines(training: dict, t: int) -> List[str]:
    rows = [[
        label,
        format(training[name]['trainable_params_m'], '.2f'),
        format(training[name]['median_s'], '.3f'),
        format(training[name]['iters_per_s'], '.3f'),
        _mib(training[name]['peak_memory_mib'])
    ] for name, label in (('tdmi', f'TDMI T={t} (frozen backbone)'),
                          ('hrnet', 'HRNet-W48 single-frame'))]
    lines = [
        '', '(b) training iteration (loss, backward, Adam)',
        format_table(rows,
                     [['model', 'trainable M', 's/iter', 'it/s', 'peak MiB']])
    ]
    return lines + [
        'peak MiB: weights + optimizer state + the rise of one iteration '
        f'({training["tdmi"]["memory_method"]})',
        'TDMI iteration / (T x single-frame iteration): '
        f'{training["ratio_vs_T_single_frame_iterations"]:.3f}'
    ]


def format_pipeline_table(report: dict) -> List[str]:
    """The rows of a pipeline report (settings, shapes, throughput)."""
    rows = [[
        name,
        str(tuple(r['inputs_shape'])),
        format(r['samples_per_s'], '.1f'),
        format(r['ms_per_sample'], '.2f'),
        format(r['samples_per_s'] * r['inputs_shape'][0], '.1f')
    ] for name, r in report['results'].items()]
    return [
        format_table(
            rows,
            [['setting', 'inputs', 'samples/s', 'ms/sample', 'frames/s']],
            align='llrrr')
    ]


def format_pipeline_report(report: dict) -> str:
    """A report of :func:`~tdmi_mmpose.benchmarks.benchmark_pipeline`."""
    return '\n'.join(
        format_pipeline_table(report) + [
            f'{report["num_samples"]} samples x {report["rounds"]} rounds '
            f'(median), {report["phase"]} pipeline, main process',
            _machine_line(report['machine'])
        ])


def format_benchmark_report(report: dict) -> str:
    """A report of :func:`~tdmi_mmpose.benchmarks.run_benchmark`."""
    s = report['settings']
    t = s['num_frames']
    gpu = report['machine'].get('gpu')
    lines = [
        f'device: {report["machine"]["device"]}'
        f'{f" ({gpu})" if gpu else ""}, batch {s["batch_size"]} person '
        f'crops, T={t}, {s["input_size_wh"][1]}x{s["input_size_wh"][0]}, '
        f'median of {s["iters"]} (warm-up {s["warmup"]})'
        f'{", AMP fp16" if s["amp"] else ""}'
        f'{", channels-last" if s["channels_last"] else ""}'
        f'{", compiled" if s["compile"] else ""}'
    ]
    if report.get('inference'):
        lines += _inference_lines(report['inference'], t)
    if report.get('training'):
        lines += _training_lines(report['training'], t)
    pipeline = report.get('pipeline')
    if pipeline:
        lines += [
            '', f'(c) data pipeline ({pipeline["phase"]}, '
            f'{pipeline["num_samples"]} samples x {pipeline["rounds"]} '
            'rounds, main process)'
        ] + format_pipeline_table(pipeline) + [
            f'T={t} ms/sample / (T x T=1 ms/sample): '
            f'{pipeline["ratio_vs_T_single_frame_pipelines"]:.3f}'
        ]
    if report.get('targets'):
        lines += ['', 'targets'] + [
            f'  [{"met" if r["met"] else "NOT met"}] {r["target"]}: '
            f'{r["ratio"]:.3f}' for r in report['targets'].values()
        ]
    return '\n'.join(lines + [_machine_line(report['machine'])])
