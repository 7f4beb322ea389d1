# Copyright (c) tdmi_mmpose contributors.
"""Data pipeline throughput for T frames and T=1 in the same run (the
library side of ``tools/analysis/benchmark_pipeline.py``, also used by
``tools/analysis/benchmark.py``)."""
import argparse
import copy
import os
import platform
import statistics
import time
from typing import Dict, List, Sequence

import numpy as np

from ..io import load_config
from .from_config import phase_dataset_cfg


def build_datasets(cfg, phase: str, settings: Dict[str, List[int]]) -> dict:
    """One dataset per frame-offset setting, from the phase's config."""
    from mmpose.registry import DATASETS

    base_cfg = phase_dataset_cfg(cfg, phase)
    datasets = {}
    for name, offsets in settings.items():
        dataset_cfg = copy.deepcopy(base_cfg)
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
    """Time the phase's pipeline with ``args.offsets`` and with ``[0]``.

    Args:
        args (argparse.Namespace): ``config``, ``cfg_options``, ``phase``,
            ``offsets``, ``num_samples``, ``warmup``, ``rounds`` and
            ``seed`` (as ``tools/analysis/benchmark_pipeline.py`` parses
            them).

    Returns:
        dict: The report (``results`` per setting, the machine, ...).
    """
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
    """The report of :func:`run` as a table."""
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
