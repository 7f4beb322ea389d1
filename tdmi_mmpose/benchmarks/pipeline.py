# Copyright (c) tdmi_mmpose contributors.
"""Data pipeline throughput for a T-frame clip and for T = 1, in one run
(``tools/analysis/benchmark_pipeline.py``, part (c) of
``tools/analysis/benchmark.py``)."""
import statistics
import time
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch

from ..datasets.from_config import phase_dataset_cfg
from ..io import load_config
from .measure import load_average, machine_info


def time_pass(dataset, indices: Sequence[int], seed: int) -> float:
    """Seconds to fetch ``indices`` from ``dataset`` (seeded per sample)."""
    start = time.perf_counter()
    for i, index in enumerate(indices):
        np.random.seed(seed + i)
        dataset[index]
    return time.perf_counter() - start


def benchmark_pipeline(config: str, frame_offsets: Sequence[int],
                       cfg_options: Optional[Dict[str, Any]] = None,
                       phase: str = 'train', num_samples: int = 100,
                       rounds: int = 3, warmup: int = 5,
                       seed: int = 0) -> dict:
    """Time the phase's pipeline with ``frame_offsets`` and with ``[0]``:
    both datasets go through the same samples (the first ``num_samples``
    indices, cycled) with the same augmentation seeds, in the main process,
    in turn for ``rounds`` rounds; the median round is reported.

    Args:
        config (str): The config file.
        frame_offsets (Sequence[int]): The multi-frame setting's clip.
        cfg_options (dict, optional): Overrides (``data_root=DIR``, ...).
        phase (str): ``'train'``, ``'val'`` or ``'test'``.
        num_samples (int): Samples per round.
        rounds (int): Timed rounds per setting.
        warmup (int): Untimed samples first.
        seed (int): Augmentation seed.

    Returns:
        dict: ``results`` per setting (``T=5``, ``T=1``: ``inputs_shape``,
        ``samples_per_s``, ``ms_per_sample``, ``round_seconds``), the
        settings and the machine.
    """
    from mmpose.registry import DATASETS
    load_before = load_average()
    cfg = load_config(config, cfg_options)
    settings = {f'T={len(frame_offsets)}': sorted(frame_offsets), 'T=1': [0]}
    datasets = {
        name: DATASETS.build(
            dict(phase_dataset_cfg(cfg, phase), frame_offsets=offsets))
        for name, offsets in settings.items()
    }
    n = len(datasets['T=1'])
    indices = [i % n for i in range(num_samples)]
    for dataset in datasets.values():  # warm-up: imports, caches
        time_pass(dataset, indices[:warmup], seed)
    seconds: Dict[str, List[float]] = {name: [] for name in datasets}
    for _ in range(rounds):
        for name, dataset in datasets.items():
            seconds[name].append(time_pass(dataset, indices, seed))
    results = {}
    for name, times in seconds.items():
        median = statistics.median(times)
        results[name] = dict(
            frame_offsets=settings[name],
            inputs_shape=list(datasets[name][indices[0]]['inputs'].shape),
            samples_per_s=len(indices) / median,
            ms_per_sample=1000 * median / len(indices),
            round_seconds=times)
    machine = dict(machine_info(torch.device('cpu')),
                   load_avg_1min_before=load_before,
                   load_avg_1min_after=load_average())
    return dict(config=config, phase=phase, num_samples=len(indices),
                distinct_samples=min(n, len(indices)), rounds=rounds,
                machine=machine, results=results)
