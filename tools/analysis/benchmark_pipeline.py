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
import os
import platform
import statistics
import time
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.config import DictAction


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


def build_datasets(cfg, phase: str, settings: Dict[str, List[int]]) -> dict:
    """One dataset per frame-offset setting, from the phase's config."""
    import copy

    from mmengine.registry import init_default_scope
    from mmengine.utils import import_modules_from_strings
    from mmpose.registry import DATASETS

    import tdmi_mmpose  # noqa: F401  (registers the components)

    if cfg.get('custom_imports', None):
        import_modules_from_strings(**cfg.custom_imports)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    loader = cfg.get(f'{phase}_dataloader', None)
    if loader is None:
        raise KeyError(f'{cfg.filename}: no {phase}_dataloader in the config')
    datasets = {}
    for name, offsets in settings.items():
        dataset_cfg = copy.deepcopy(loader.dataset)
        if 'frame_offsets' not in dataset_cfg and dataset_cfg.get(
                'type') != 'PoseTrackVideoDataset':
            raise ValueError('the dataset config has no `frame_offsets` to '
                             f'override ({dataset_cfg.get("type")})')
        dataset_cfg['frame_offsets'] = offsets
        datasets[name] = DATASETS.build(dataset_cfg)
    return datasets


def time_pass(dataset, indices: Sequence[int], seed: int) -> float:
    """Seconds to fetch ``indices`` from ``dataset`` (seeded per sample)."""
    start = time.perf_counter()
    for i, index in enumerate(indices):
        np.random.seed(seed + i)
        dataset[index]
    return time.perf_counter() - start


def run(args: argparse.Namespace) -> dict:
    from tdmi_mmpose.utils.config import load_config
    load_before = os.getloadavg()[0] if hasattr(os, 'getloadavg') else None
    cfg = load_config(args.config, args.cfg_options)
    settings = {f'T={len(args.offsets)}': sorted(args.offsets), 'T=1': [0]}
    datasets = build_datasets(cfg, args.phase, settings)
    n = len(next(iter(datasets.values())))
    if n == 0:
        raise ValueError('the dataset is empty')
    indices = [i % n for i in range(args.num_samples)]

    for dataset in datasets.values():  # warm-up: imports, caches
        time_pass(dataset, indices[:args.warmup], args.seed)
    seconds = {name: [] for name in datasets}
    for _ in range(args.rounds):
        for name, dataset in datasets.items():
            seconds[name].append(time_pass(dataset, indices, args.seed))

    results = {}
    for name, times in seconds.items():
        median = statistics.median(times)
        sample = datasets[name][indices[0]]
        results[name] = dict(
            frame_offsets=settings[name],
            inputs_shape=list(sample['inputs'].shape),
            samples_per_s=len(indices) / median,
            ms_per_sample=1000 * median / len(indices),
            round_seconds=times)
    return dict(
        config=args.config,
        phase=args.phase,
        num_samples=len(indices),
        distinct_samples=min(n, len(indices)),
        rounds=args.rounds,
        machine=dict(
            platform=platform.platform(),
            processor=platform.processor() or platform.machine(),
            cpu_count=os.cpu_count(),
            load_avg_1min_before=load_before,
            load_avg_1min_after=os.getloadavg()[0] if hasattr(
                os, 'getloadavg') else None),
        results=results)


def format_table(report: dict) -> str:
    lines = [
        f'{"setting":<8} {"inputs shape":<18} {"samples/s":>10} '
        f'{"ms/sample":>10} {"frames/s":>10}'
    ]
    for name, r in report['results'].items():
        t = r['inputs_shape'][0]
        lines.append(
            f'{name:<8} {str(tuple(r["inputs_shape"])):<18} '
            f'{r["samples_per_s"]:>10.1f} {r["ms_per_sample"]:>10.2f} '
            f'{r["samples_per_s"] * t:>10.1f}')
    m = report['machine']
    lines.append(f'{report["num_samples"]} samples x {report["rounds"]} '
                 f'rounds (median), {m["cpu_count"]} CPUs, 1-min load average '
                 f'{m["load_avg_1min_before"]} before, '
                 f'{m["load_avg_1min_after"]} after')
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    report = run(args)
    print(format_table(report))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(report, f, indent=2)
    return report


if __name__ == '__main__':
    main()
