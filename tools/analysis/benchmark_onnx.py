# Copyright (c) tdmi_mmpose contributors.
"""The network alone, PyTorch eager against ONNX Runtime, per config: export
with random weights, heatmap parity at batch 1 and ``--batch-size``, and
(with ``--iters`` > 0) the time per call of each backend, median of
``--iters`` interleaved rounds, ``--threads`` threads each. Writes one JSON
record (strict JSON, atomically) with the machine, the settings and the
command. See docs/deployment.md.

Examples::

    python tools/analysis/benchmark_onnx.py \
        configs/tdmi_tiny_posetrack_sample.py --batch-size 8 --iters 10 \
        --json docs/deployment/network_speed_tiny_cpu.json
    python tools/analysis/benchmark_onnx.py configs/*.py \
        configs/ablations/*.py --iters 0 --json parity.json
"""
import argparse
import sys
from typing import List, Optional

from tdmi_mmpose.deployment import (PARITY_TOLERANCE, compare_backends,
                                    machine_record)
from tdmi_mmpose.io import load_config
from tdmi_mmpose.utils import InputError, recorded_command, run_tool
from tdmi_mmpose.utils.atomic import atomic_write_json


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog='benchmark_onnx',
        description='ONNX export parity and network time, PyTorch eager '
        'vs ONNX Runtime')
    parser.add_argument('configs', nargs='+', help='config files')
    parser.add_argument('--json', required=True, help='the record to write')
    parser.add_argument('--batch-size', type=int, default=8, help='clips')
    parser.add_argument(
        '--iters', type=int, default=10, help='timed rounds (0: parity only)')
    parser.add_argument(
        '--warmup', type=int, default=2, help='untimed calls first')
    parser.add_argument(
        '--threads', type=int, default=1, help='threads per backend')
    parser.add_argument(
        '--seed', type=int, default=0, help='weights and clips')
    parser.add_argument(
        '--note', default='', help='a remark stored in the record')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Run every config; returns 1 if a parity is above the tolerance."""
    args = parse_args(argv)
    if min(args.batch_size, args.threads) < 1 or \
            min(args.iters, args.warmup) < 0:
        raise InputError('--batch-size and --threads must be >= 1, --iters '
                         'and --warmup >= 0')
    record = dict(
        command=recorded_command(__file__, argv),
        machine_before=machine_record(),
        settings=dict(
            batch_size=args.batch_size,
            iters=args.iters,
            warmup=args.warmup,
            threads=args.threads,
            seed=args.seed,
            weights='random (no checkpoint)',
            parity_tolerance=PARITY_TOLERANCE),
        note=args.note,
        results=[])
    for path in args.configs:
        result = compare_backends(
            load_config(path), args.batch_size, args.iters, args.warmup,
            args.threads, args.seed)
        record['results'].append(result)
        worst = max(d['max_abs_diff'] for d in result['parity'].values())
        line = f'{path}: parity {worst:.3g}'
        if args.iters:
            line += (f', eager {result["pytorch_eager"]["median_ms"]:.1f} ms'
                     f', ONNX Runtime {result["onnxruntime"]["median_ms"]:.1f}'
                     f' ms, ratio {result["ratio_onnxruntime_to_eager"]:.3f}')
        print(line, flush=True)
    record['machine_after'] = machine_record()
    atomic_write_json(record, args.json, indent=2)
    print(f'record written to {args.json}')
    worst = max(d['max_abs_diff'] for r in record['results']
                for d in r['parity'].values())
    return 0 if worst <= PARITY_TOLERANCE else 1


if __name__ == '__main__':
    sys.exit(run_tool(main))
