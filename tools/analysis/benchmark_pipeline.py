# Copyright (c) tdmi_mmpose contributors.
"""Measure the data pipeline's throughput for T=5 and T=1 in the same run.

The phase's dataset is built twice from the config, once with the config's
``frame_offsets`` replaced by ``--offsets`` (default ``-2 -1 0 1 2``, T=5) and
once with ``[0]`` (T=1). Both go through the same samples (the first
``--num-samples`` indices, cycled if the dataset is smaller) with the same
augmentation seeds; each ``dataset[i]`` call (frame reading and decoding,
augmentation, crop, target, packing) is timed in the main process, no
DataLoader workers. The two settings alternate for ``--rounds`` rounds and
the median round is reported, so that a load change on the machine hits
both.

Example::

    python tools/analysis/benchmark_pipeline.py \
        configs/tdmi_hrnet_w48_posetrack18.py --num-samples 100 \
        --cfg-options data_root=data/posetrack_sample/ --json bench.json
"""
import argparse
import json
import sys
from typing import Optional, Sequence

from mmengine.config import DictAction

from tdmi_mmpose.datasets.pipeline_benchmark import format_table, run


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Data pipeline throughput for T=5 and T=1')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--phase', default='train', choices=['train', 'val', 'test'])
    parser.add_argument(
        '--num-samples', type=int, default=100, help='samples per round')
    parser.add_argument(
        '--rounds', type=int, default=3, help='timed rounds per setting')
    parser.add_argument(
        '--warmup', type=int, default=5, help='untimed samples first')
    parser.add_argument(
        '--offsets',
        type=int,
        nargs='+',
        default=[-2, -1, 0, 1, 2],
        help='frame offsets of the multi-frame setting')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--json', help='also write the results to this file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='config overrides, "key=value"; data_root=DIR moves every '
        'path derived from data_root')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    report = run(args)
    print(format_table(report))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(report, f, indent=2)
    return report


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
