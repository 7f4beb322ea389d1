# Copyright (c) tdmi_mmpose contributors.
"""Summaries of an ablation study: mean ± std per variant, a markdown table
and a bar chart with error bars."""
import math
from typing import Dict, List, Optional, Sequence

import numpy as np

#: PoseTrack AP keys reported per variant, in table order.
GROUP_KEYS = ('Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle',
              'Total')
METRIC_PREFIX = 'posetrack/'


def mean_and_std(values: Sequence[Optional[float]]) -> Dict:
    """Mean and sample standard deviation (ddof = 1) of the finite values.

    Args:
        values (Sequence[float | None]): Per-seed values; None is skipped.

    Returns:
        dict: ``mean``, ``std`` (0 for a single value; None for none) and
        ``n``.
    """
    finite = np.array([v for v in values if v is not None and
                       math.isfinite(v)], dtype=np.float64)
    if finite.size == 0:
        return dict(mean=None, std=None, n=0)
    std = float(finite.std(ddof=1)) if finite.size > 1 else 0.0
    return dict(mean=float(finite.mean()), std=std, n=int(finite.size))


def summarize_study(study: Dict) -> List[Dict]:
    """Per-variant statistics of every :data:`GROUP_KEYS` metric and of
    the run time.

    Args:
        study (dict): A study record (see :func:`run_study`).

    Returns:
        list[dict]: One row per variant, in the study's order: ``variant``,
        ``seeds``, ``values`` (the per-seed Totals), ``metrics`` (key ->
        :func:`mean_and_std`) and ``seconds`` (:func:`mean_and_std` of
        train + test time).
    """
    rows = []
    for variant in study['variants']:
        runs = [r for r in study['runs'] if r['variant'] == variant]
        if not runs:
            continue
        metrics = {
            key: mean_and_std(
                [r['metrics'].get(METRIC_PREFIX + key) for r in runs])
            for key in GROUP_KEYS
        }
        rows.append(
            dict(
                variant=variant,
                seeds=[r['seed'] for r in runs],
                values=[
                    r['metrics'].get(METRIC_PREFIX + 'Total') for r in runs
                ],
                metrics=metrics,
                seconds=mean_and_std(
                    [r['train_seconds'] + r['test_seconds'] for r in runs])))
    return rows


def _cell(stat: Dict) -> str:
    if stat['mean'] is None:
        return 'n/a'
    return f'{stat["mean"]:.1f} ± {stat["std"]:.1f}'


def format_markdown_table(rows: List[Dict]) -> str:
    """A markdown table: one row per variant, ``mean ± std`` over seeds of
    Total and the seven joint groups, and the mean run time.

    Args:
        rows (list[dict]): Output of :func:`summarize_study`.

    Returns:
        str: The table, ending with a newline.
    """
    header = ['variant', 'seeds', 'Total'] + list(GROUP_KEYS[:-1]) + \
        ['time/run (s)']
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + '|'.join(['---'] * 2 + ['---:'] * (len(header) - 2)) + '|']
    for row in rows:
        cells = [row['variant'], str(len(row['seeds'])),
                 _cell(row['metrics']['Total'])]
        cells += [_cell(row['metrics'][key]) for key in GROUP_KEYS[:-1]]
        cells.append(f'{row["seconds"]["mean"]:.0f}')
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def plot_study_chart(rows: List[Dict], out_file: str,
                     title: str = 'Ablation study') -> None:
    """Bar chart of each variant's Total AP (mean over seeds, error bars
    ±1 std, every seed as a dot), written to ``out_file`` (PNG).

    Args:
        rows (list[dict]): Output of :func:`summarize_study`.
        out_file (str): Output image path.
        title (str): Chart title.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    from tdmi_mmpose.utils.atomic import atomic_output

    names = [row['variant'] for row in rows]
    means = [row['metrics']['Total']['mean'] or 0.0 for row in rows]
    stds = [row['metrics']['Total']['std'] or 0.0 for row in rows]
    fig, ax = plt.subplots(figsize=(1.3 * len(rows) + 2.5, 4.2))
    x = np.arange(len(rows))
    ax.bar(x, means, yerr=stds, capsize=5, color='#4c72b0', alpha=0.85)
    for i, row in enumerate(rows):
        values = [v for v in row['values'] if v is not None]
        ax.scatter([i] * len(values), values, color='black', s=12, zorder=3)
        ax.text(i, means[i] + stds[i] + 1.0, f'{means[i]:.1f}', ha='center',
                va='bottom', fontsize=8)
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=25, ha='right', fontsize=8)
    ax.set_ylabel('PoseTrack Total AP (mean ± std over seeds)')
    ax.set_ylim(0, max(100.0, max(m + s for m, s in zip(means, stds)) + 6))
    ax.set_title(title, fontsize=10)
    ax.grid(axis='y', alpha=0.3)
    fig.tight_layout()
    with atomic_output(out_file) as tmp:
        fig.savefig(tmp, dpi=110, format='png')
    plt.close(fig)
