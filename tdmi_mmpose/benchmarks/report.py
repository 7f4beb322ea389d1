# Copyright (c) tdmi_mmpose contributors.
"""The benchmarks' reports as text tables."""
from typing import List

from ..utils.table import format_cell, format_table


def _machine_line(m: dict) -> str:
    return (f'machine: {m["processor"]}, {m["cpu_count"]} CPUs '
            f'({m["torch_threads"]} torch threads), torch {m["torch"]}, '
            '1-min load average '
            f'{format_cell(m["load_avg_1min_before"], ".2f", "-")} before, '
            f'{format_cell(m.get("load_avg_1min_after"), ".2f", "-")} after')


def _inference_lines(inference: dict, t: int) -> List[str]:
    labels = dict(tdmi=f'TDMI T={t}', hrnet='HRNet-W48 single-frame',
                  hrnet_all_frames='HRNet-W48 on all B*T frames')
    rows = [[
        label,
        str(tuple(inference[name]['input_shape'])),
        format(inference[name]['median_s'], '.3f'),
        format(inference[name]['person_crops_per_s'], '.2f'),
        format_cell(inference[name]['peak_memory_mib'], '.0f', '-')
    ] for name, label in labels.items()]
    header = ['model', 'input', 's/batch', 'crops/s', 'peak MiB']
    r = inference['tdmi']
    return [
        '', '(a) inference',
        format_table(rows, [header], align='llrrr'),
        f'TDMI backbone: {r["backbone_calls_per_forward"]:g} call per '
        f'forward on {tuple(r["backbone_input_shape"])}, '
        f'{100 * r["backbone_share"]:.1f} % of the time',
        'TDMI time / (T x single-frame time): '
        f'{inference["ratio_vs_T_single_frame_passes"]:.3f}',
        'TDMI time / single-frame time on the B*T frames: '
        f'{inference["ratio_vs_single_frame_on_all_frames"]:.3f}'
    ]


def _training_lines(training: dict, t: int) -> List[str]:
    labels = dict(tdmi=f'TDMI T={t} (frozen backbone)',
                  hrnet='HRNet-W48 single-frame')
    rows = [[
        label,
        format(training[name]['trainable_params_m'], '.2f'),
        format(training[name]['median_s'], '.3f'),
        format(training[name]['iters_per_s'], '.3f'),
        format_cell(training[name]['peak_memory_mib'], '.0f', '-')
    ] for name, label in labels.items()]
    header = ['model', 'trainable M', 's/iter', 'it/s', 'peak MiB']
    return [
        '', '(b) training iteration (loss, backward, Adam)',
        format_table(rows, [header]),
        'peak MiB: weights + optimizer state + the rise of one iteration '
        f'({training["tdmi"]["memory_method"]})',
        'TDMI iteration / (T x single-frame iteration): '
        f'{training["ratio_vs_T_single_frame_iterations"]:.3f}'
    ]


def _pipeline_table(report: dict) -> str:
    """A pipeline report's settings, shapes and throughput."""
    rows = [[
        name,
        str(tuple(r['inputs_shape'])),
        format(r['samples_per_s'], '.1f'),
        format(r['ms_per_sample'], '.2f'),
        format(r['samples_per_s'] * r['inputs_shape'][0], '.1f')
    ] for name, r in report['results'].items()]
    header = ['setting', 'inputs', 'samples/s', 'ms/sample', 'frames/s']
    return format_table(rows, [header], align='llrrr')


def format_pipeline_report(report: dict) -> str:
    """A report of :func:`~tdmi_mmpose.benchmarks.benchmark_pipeline`."""
    return '\n'.join([
        _pipeline_table(report),
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
            'rounds, main process)',
            _pipeline_table(pipeline),
            f'T={t} ms/sample / (T x T=1 ms/sample): '
            f'{pipeline["ratio_vs_T_single_frame_pipelines"]:.3f}'
        ]
    if report.get('targets'):
        lines += ['', 'targets'] + [
            f'  [{"met" if r["met"] else "NOT met"}] {r["target"]}: '
            f'{r["ratio"]:.3f}' for r in report['targets'].values()
        ]
    return '\n'.join(lines + [_machine_line(report['machine'])])


def _video_rows(config: dict) -> List[List[str]]:
    """One row per (people, backend) of a config's video benchmark."""
    rows = []
    for people, video in config['videos'].items():
        for backend in ('pytorch_eager', 'onnxruntime'):
            r = video[backend]
            fps = r['fps_runs']
            rows.append([
                people, backend,
                f'{r["fps_median"]:.3g} ({min(fps):.3g}-{max(fps):.3g})'
            ] + [f'{100 * share:.0f}' for share in r['stage_share'].values()])
    return rows


def format_video_report(report: dict, style: str = 'text') -> str:
    """A report of :func:`~tdmi_mmpose.benchmarks.video.run_video_benchmark`:
    frames/s (median, min-max over the runs) and each stage's share (%) of
    the wall time, per config, people and backend; the tables as ``style``
    (``'text'`` or ``'markdown'``)."""
    s = report['settings']
    lines = [
        f'end to end, {s["frame_size"][0]}x{s["frame_size"][1]} generated '
        f'video, given boxes, {s["threads"]} thread(s) per backend, warm-up '
        f'{s["warmup"]}, seed {s["seed"]}'
    ]
    for config in report['results']:
        stages = list(next(iter(config['videos'].values()))['onnxruntime']
                      ['stage_share'])
        header = ['people', 'backend', 'frames/s (min-max)'] + [
            f'{stage} %' for stage in stages]
        lines += [
            '', f'{config["config"]}: {config["num_frames"]} frames, median '
            f'of {config["repeats"]} runs, clip '
            f'{tuple(config["clip_shape"])}, eager DCN '
            f'{config["eager_dcn_backend"]}',
            format_table(_video_rows(config), [header], style=style,
                         align='llr' + 'r' * len(stages)), ''
        ]
        target = config['target_fps_ratio']
        for people, video in config['videos'].items():
            ratio = video['ratio_fps_onnxruntime_to_eager']
            verdict = '' if target is None else (
                f', target >= {target}: '
                f'{"met" if video["target_met"] else "NOT met"}')
            lines.append(
                f'{people} people: ONNX Runtime / eager frames/s = '
                f'{ratio:.2f}{verdict}; the backends\' keypoints differ by '
                f'at most {video["max_keypoint_diff_px"]:.2g} px, their '
                f'scores by {video["max_keypoint_score_diff"]:.2g}')
    before, after = report['machine_before'], report['machine_after']
    machine = dict(before, load_avg_1min_after=after['load_avg_1min_before'])
    return '\n'.join(lines + [
        '', _machine_line(machine) + f', onnxruntime {before["onnxruntime"]}'
    ])
