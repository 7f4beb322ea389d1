# Copyright (c) tdmi_mmpose contributors.
"""The data pipeline's throughput for a T-frame clip and for T=1 in one run
(:func:`tdmi_mmpose.benchmarks.benchmark_pipeline`; docs/benchmarks.md).

Example::

    python tools/analysis/benchmark_pipeline.py \\
        configs/tdmi_hrnet_w48_posetrack18.py --num-samples 100 \\
        --cfg-options data_root=data/posetrack_sample/ --json bench.json
"""
import argparse
import sys
from typing import Optional, Sequence

from tdmi_mmpose.benchmarks import benchmark_pipeline, format_pipeline_report
from tdmi_mmpose.io import CfgOptionsAction, non_negative_int, positive_int
from tdmi_mmpose.utils.atomic import atomic_write_json


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Data pipeline throughput for T=5 and T=1')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--phase', default='train', choices=['train', 'val', 'test'])
    parser.add_argument(
        '--num-samples', type=positive_int, default=100, help='samples per round')
    parser.add_argument(
        '--rounds', type=positive_int, default=3, help='timed rounds per setting')
    parser.add_argument(
        '--warmup', type=non_negative_int, default=5, help='untimed samples first')
    parser.add_argument(
        '--offsets',
        type=int,
        nargs='+',
        default=[-2, -1, 0, 1, 2],
        help='frame offsets of the multi-frame setting')
    parser.add_argument('--seed', type=non_negative_int, default=0)
    parser.add_argument('--json', help='also write the results to this file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=CfgOptionsAction,
        default={},
        help='config overrides, "key=value"; data_root=DIR moves every '
        'path derived from data_root')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    report = benchmark_pipeline(args.config, args.offsets, args.cfg_options,
                                args.phase, args.num_samples, args.rounds,
                                args.warmup, args.seed)
    print(format_pipeline_report(report))
    if args.json:
        atomic_write_json(report, args.json, indent=2)
    return report


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
