# Copyright (c) tdmi_mmpose contributors.
"""End-to-end video benchmark: generated videos of 1, 4 and 8 walking
people through the video inferencer (given boxes, flip test, tracking, a
rendered .mp4 and the JSON predictions), the network on PyTorch eager and
on ONNX Runtime side by side in one run, for the tiny and the W48 config
(random weights). Prints frames/s and each stage's share (decode, boxes,
crops, network, decoding, tracking, smoothing, writing) and writes one JSON
record (atomically). Logic: :mod:`tdmi_mmpose.benchmarks.video`; see
docs/benchmarks.md.

Examples::

    python tools/analysis/benchmark_video.py \
        --json docs/benchmarks/video_cpu.json
    python tools/analysis/benchmark_video.py --show \
        docs/benchmarks/video_cpu.json --markdown
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional

CONFIGS = [
    osp.join('configs', 'tdmi_tiny_posetrack_sample.py'),
    osp.join('configs', 'tdmi_hrnet_w48_posetrack18.py')
]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog='benchmark_video',
        description='End-to-end video inference, PyTorch eager vs ONNX '
        'Runtime')
    parser.add_argument('--json', help='the record to write')
    parser.add_argument(
        '--show', help='print the report of a record written before')
    parser.add_argument(
        '--markdown', action='store_true', help='tables as Markdown')
    parser.add_argument('--configs', nargs='+', default=CONFIGS)
    parser.add_argument(
        '--num-frames', type=int, nargs='+', default=[20, 3],
        help='frames of the videos, one per config (the W48 network is slow '
        'on a CPU)')
    parser.add_argument(
        '--repeats', type=int, nargs='+', default=[3, 2],
        help='timed runs of each backend per video, one per config')
    parser.add_argument('--people', type=int, nargs='+', default=[1, 4, 8])
    parser.add_argument(
        '--warmup', type=int, default=1, help='untimed runs per video')
    parser.add_argument(
        '--threads', type=int, default=1, help='threads per backend')
    parser.add_argument(
        '--size', type=int, nargs=2, default=[640, 360],
        metavar=('W', 'H'), help='video frame size')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    if (args.json is None) == (args.show is None):
        parser.error('give --json OUT (measure) or --show RECORD (print)')
    for name in ('num_frames', 'repeats'):
        values = getattr(args, name)
        if len(values) not in (1, len(args.configs)):
            parser.error(f'--{name.replace("_", "-")}: one value, or one per '
                         f'config ({len(args.configs)})')
        setattr(args, name, values * len(args.configs)
                if len(values) == 1 else values)
    if min(args.num_frames + args.repeats + args.people + [args.threads] +
           args.size) < 1 or args.warmup < 0:
        parser.error('frames, repeats, people, threads and size must be '
                     '>= 1, --warmup >= 0')
    return args


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    from tdmi_mmpose.benchmarks.report import format_video_report
    from tdmi_mmpose.io import check_fields, load_json
    style = 'markdown' if args.markdown else 'text'
    if args.show:
        print(format_video_report(check_fields(
            load_json(args.show, 'Benchmark record'),
            ('settings', 'results'), args.show), style))
        return 0
    from tdmi_mmpose.benchmarks.video import (VideoBenchmarkSettings,
                                              run_video_benchmark)
    from tdmi_mmpose.utils import recorded_command
    from tdmi_mmpose.utils.atomic import atomic_write_json
    settings = VideoBenchmarkSettings(
        configs=args.configs,
        num_frames=args.num_frames,
        repeats=args.repeats,
        num_people=args.people,
        warmup=args.warmup,
        threads=args.threads,
        frame_size=tuple(args.size),
        seed=args.seed,
        command=recorded_command(__file__, argv))
    record = run_video_benchmark(settings)
    print(format_video_report(record, style))
    atomic_write_json(record, args.json, indent=1)
    print(f'record written to {args.json}')
    return 0


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
