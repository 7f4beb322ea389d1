# Copyright (c) tdmi_mmpose contributors.
"""The smoothing study end to end (data, inference, every filter setting)
and its record as a markdown table (``docs/inference.md``)."""
import os.path as osp
import time
from collections import OrderedDict
from typing import Dict, Optional, Sequence

from ..utils.table import format_table
from .ablation_report import format_stat, mean_and_std
from .smoothing_study import (FILTER_SETTINGS, evaluate_settings,
                              online_replay_difference, predict_val_videos,
                              val_videos)

#: A filter meets the issue's target if it lowers the jitter and costs at
#: most this much Total AP (points).
MAX_AP_DROP = 0.5
METRICS = ('total_ap', 'accel_error_px', 'position_error_px')


def generated_val_set(work_dir: str, seed: int, num_videos: int,
                      frames_per_video: int) -> str:
    """A generated synthetic val split, every frame labelled (made once)."""
    from ..synthetic import make_sample_posetrack
    root = osp.join(work_dir, f'val_seed{seed}')
    if not osp.isdir(osp.join(root, 'annotations')):
        make_sample_posetrack(
            root, seed=seed, splits=('val', ), num_videos=(0, num_videos),
            frames_per_video=frames_per_video, label_step=1)
    return root


def run_smoothing_study(config: str, checkpoint: str,
                        data_sets: Dict[str, str],
                        settings: Optional[Dict] = None,
                        device: str = 'cpu') -> dict:
    """Measure every filter setting on each data set.

    Args:
        config (str): The pose model config.
        checkpoint (str): Its trained checkpoint.
        data_sets (dict[str, str]): Name -> PoseTrack18-layout root (its
            val split is used).
        settings (dict, optional): Name -> filter config. Defaults to
            :data:`FILTER_SETTINGS`.
        device (str): Inference device. Defaults to ``'cpu'``.

    Returns:
        dict: Data set name -> ``results`` per setting, ``videos``,
        ``frames``, ``seconds``; the first set also
        ``online_replay_max_diff_px`` (:func:`online_replay_difference` on
        its first video, with the first window filter setting).
    """
    from ..apis import MMPoseVideoInferencer
    settings = FILTER_SETTINGS if settings is None else settings
    inferencer = MMPoseVideoInferencer(
        pose2d=config, pose2d_weights=checkpoint, device=device)
    record = OrderedDict()
    for name, root in data_sets.items():
        start = time.perf_counter()
        videos = val_videos(root)
        predictions = predict_val_videos(inferencer, root, videos)
        record[name] = dict(
            root=root, videos=list(videos),
            frames=sum(len(p) for p in predictions.values()),
            results=evaluate_settings(videos, predictions, settings))
        if len(record) == 1:
            first = next(iter(videos))
            window = next(cfg for cfg in settings.values()
                          if cfg is not None and 'window_size' in cfg)
            record[name]['online_replay_max_diff_px'] = \
                online_replay_difference(inferencer, root, first,
                                         predictions[first], window)
        record[name]['seconds'] = time.perf_counter() - start
    return record


def summarize_sets(data_sets: Dict[str, dict],
                   names: Sequence[str]) -> Dict[str, dict]:
    """Per setting: mean and std of each metric over the named sets."""
    settings = data_sets[names[0]]['results']
    return OrderedDict((label, {
        metric: mean_and_std(
            [data_sets[n]['results'][label][metric] for n in names])
        for metric in METRICS
    }) for label in settings)


def meets_target(results: Dict[str, dict]) -> Dict[str, bool]:
    """Per filter setting: lower acceleration error than ``'none'`` and a
    Total AP at most :data:`MAX_AP_DROP` lower (means, from
    :func:`summarize_sets`)."""
    base = results['none']
    return OrderedDict(
        (label, row['accel_error_px']['mean'] <
         base['accel_error_px']['mean'] and row['total_ap']['mean'] >=
         base['total_ap']['mean'] - MAX_AP_DROP)
        for label, row in results.items() if label != 'none')


def _cell(stat: dict, spec: str) -> str:
    """``mean ± std`` over several sets, the value of one."""
    return format_stat(stat, spec) if stat['n'] > 1 else format(
        stat['mean'], spec)


def format_smoothing_table(summary: Dict[str, dict],
                           target: Dict[str, bool]) -> str:
    """A markdown table of :func:`summarize_sets` with the target check."""
    base = summary['none']
    rows = [[
        label,
        _cell(row['total_ap'], '.1f'),
        format(row['total_ap']['mean'] - base['total_ap']['mean'], '+.1f'),
        _cell(row['accel_error_px'], '.2f'),
        _cell(row['position_error_px'], '.2f'),
        '-' if label == 'none' else ('yes' if target[label] else 'no')
    ] for label, row in summary.items()]
    header = ['filter', 'Total AP', 'Δ AP', 'accel. error (px/frame²)',
              'position error (px)', 'target met']
    return format_table(rows, [header], style='markdown', align='lrrrrl')
