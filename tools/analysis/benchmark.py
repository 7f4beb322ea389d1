# Copyright (c) tdmi_mmpose contributors.
"""Speed and memory of TDMI against mmpose's single-frame HRNet-W48, in one
run on one machine, on the same person crops.

Logic: :mod:`tdmi_mmpose.benchmarks.network`. Measured (median of
``--iters`` timed rounds after ``--warmup`` untimed calls; in each round
every case runs once in turn, so a change of load on the machine hits the
models alike):

(a) inference (network forward in ``tensor`` mode, no flip test, no
    decoding, no data preprocessor: the crops are given normalised) in
    person-crops/s: TDMI on clips ``(B, T, 3, H, W)``, and
    mmpose's ``TopdownPoseEstimator`` (HRNet-W48 + ``HeatmapHead``, the
    ``td-hm_hrnet-w48_8xb32-210e_coco-384x288`` config's model) on the
    clips' key frames ``(B, 3, H, W)``, the same crops, and on all their
    frames ``(B*T, 3, H, W)``, the batch TDMI's backbone runs on. Also the
    time TDMI spends in its backbone (forward hooks).
(b) training iterations/s (loss, backward, Adam step, random heatmap
    targets) and peak memory, for TDMI with its frozen backbone and for the
    single-frame model trained as a whole. Peak memory = the weights and
    the optimizer state + how far one iteration raises memory use above
    that: ``torch.cuda.max_memory_allocated`` on CUDA; on the CPU the
    process's peak resident set size (``VmHWM``, reset through
    ``/proc/self/clear_refs``), each over its level before the iteration.
    Inference reports the same (weights + one forward's rise).
(c) the data pipeline's samples/s for T=5 and T=1
    (``tools/analysis/benchmark_pipeline.py``, on the bundled synthetic
    sample data unless ``--data-root`` is given).

The models are built from the configs with random weights (no checkpoint
is needed for timing). The targets of the project are checked at the end:
TDMI inference <= 1.15 x T single-frame passes, a TDMI training iteration
< T x a single-frame one, the T=5 pipeline <= T x the T=1 pipeline per
sample.

Example::

    python tools/analysis/benchmark.py --device cpu --batch-size 2 \
        --iters 3 --warmup 1 --json benchmark_cpu.json
    python tools/analysis/benchmark.py --quick --json /tmp/bench.json
"""
import argparse
import dataclasses
import os.path as osp
import sys
from typing import Optional, Sequence

from tdmi_mmpose.benchmarks import (BenchmarkSettings,
                                    format_benchmark_report, run_benchmark)
from tdmi_mmpose.benchmarks.network import BASELINE_CONFIG, PARTS
from tdmi_mmpose.io.cli_args import (device_name, hrnet_input_side,
                                     non_negative_int, positive_int)
from tdmi_mmpose.utils import recorded_command
from tdmi_mmpose.utils.atomic import atomic_write_json

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: The options ``--quick`` sets (see its help).
QUICK_SIZES = ('--batch-size', '--iters', '--warmup', '--pipeline-samples',
               '--pipeline-rounds')
DEFAULT_CONFIG = osp.join(ROOT, 'configs', 'tdmi_hrnet_w48_posetrack18.py')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='TDMI vs single-frame HRNet-W48: throughput, memory')
    parser.add_argument(
        '--config', default=DEFAULT_CONFIG, help='TDMI config (its model)')
    parser.add_argument(
        '--baseline-config',
        help='single-frame config (its model); default: mmpose\'s '
        f'{BASELINE_CONFIG}')
    parser.add_argument(
        '--device', type=device_name, default='cpu', help='cpu, cuda, cuda:1')
    parser.add_argument(
        '--batch-size', type=positive_int, default=2, help='person crops per batch')
    parser.add_argument(
        '--iters', type=positive_int, default=5, help='timed iterations per case')
    parser.add_argument(
        '--warmup', type=non_negative_int, default=2, help='untimed iterations first')
    parser.add_argument(
        '--input-size',
        type=hrnet_input_side,
        nargs=2,
        metavar=('W', 'H'),
        help='crop size (multiples of 32); default: the TDMI config\'s '
        'codec input size (288 384)')
    parser.add_argument(
        '--parts',
        nargs='+',
        choices=PARTS,
        default=list(PARTS),
        help='what to measure')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='float16 autocast (inference) and AmpOptimWrapper (training), '
        'CUDA only')
    parser.add_argument(
        '--channels-last',
        action='store_true',
        help='channels-last memory format for both models and inputs')
    parser.add_argument(
        '--compile',
        action='store_true',
        help='torch.compile both backbones (compilation is not timed)')
    parser.add_argument(
        '--threads', type=positive_int, help='torch.set_num_threads (CPU)')
    parser.add_argument(
        '--data-root',
        help='dataset for the pipeline part (PoseTrack18 layout); default: '
        'the synthetic sample data, generated in a temporary folder')
    parser.add_argument(
        '--pipeline-samples',
        type=positive_int,
        default=100,
        help='samples per pipeline round')
    parser.add_argument(
        '--pipeline-rounds', type=positive_int, default=3, help='pipeline rounds')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--json', help='also write the report to this file')
    parser.add_argument(
        '--quick',
        action='store_true',
        help='smoke-test sizes: 128x96 crops, batch 1, 1 iteration, no '
        'warm-up, 4 pipeline samples x 1 round')
    args = parser.parse_args(argv)
    if args.quick:
        sized = [opt for opt in QUICK_SIZES if f' {opt}' in f' {_flags(argv)}']
        if sized:
            parser.error(f'--quick sets {", ".join(sized)} itself; give '
                         'either --quick or the sizes')
    args.command = recorded_command(__file__, argv)
    return args


def _flags(argv: Optional[Sequence[str]]) -> str:
    """The option names given, ``--name=value`` as ``--name``."""
    return ' '.join(arg.split('=')[0] for arg in
                    (sys.argv[1:] if argv is None else argv))


def build_settings(args: argparse.Namespace) -> BenchmarkSettings:
    """The settings of the parsed command line."""
    names = {f.name for f in dataclasses.fields(BenchmarkSettings)}
    return BenchmarkSettings(
        **{k: v for k, v in vars(args).items() if k in names})


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    report = run_benchmark(build_settings(args))
    print()
    print(format_benchmark_report(report))
    if args.json:
        atomic_write_json(report, args.json, indent=2)
        print(f'report written to {args.json}', flush=True)
    return report


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
