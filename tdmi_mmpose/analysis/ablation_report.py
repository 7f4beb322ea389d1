# Copyright (c) tdmi_mmpose contributors.
"""Summaries of an ablation study: mean ± std per variant, a markdown table
and a bar chart with error bars."""
import math
from typing import Dict, List, Optional, Sequence

import numpy as np

from ..io import check_fields, check_value, load_json
from ..utils.table import format_table

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


#: The fields of a study record (``study.json``) and of each of its runs
#: that the report reads.
STUDY_FIELDS = ('spec', 'seeds', 'variants', 'runs')
RUN_FIELDS = ('variant', 'seed', 'metrics', 'train_seconds', 'test_seconds')


def read_study_record(path: str) -> Dict:
    """Load a ``study.json`` and check the fields the report reads.

    Args:
        path (str): The file.

    Returns:
        dict: The study record.

    Raises:
        InputError: The file is not JSON, or a field is missing (naming the
            file, the run and the field).
    """
    study = check_fields(load_json(path, 'Study file'), STUDY_FIELDS, path)
    check_value(study['runs'], lambda runs: None if isinstance(runs, list)
                else f'must be a list of runs, got {runs!r:.60}', path,
                'runs')
    for i, run in enumerate(study['runs']):
        check_fields(run, RUN_FIELDS, f'{path}: runs[{i}]')
    return study


def summarize_study(study: Dict) -> List[Dict]:
    """Per-variant statistics of every :data:`GROUP_KEYS` metric and of
    the run time.

    Args:
        study (dict): A study record (see :func:`run_study`).

    Returns:
        list[dict]: One row per variant, in the study's order (the
        pretraining run, if any, first): ``variant``,
        ``seeds``, ``values`` (the per-seed Totals), ``metrics`` (key ->
        :func:`mean_and_std`) and ``seconds`` (:func:`mean_and_std` of
        train + test time).
    """
    groups = [(variant, [r for r in study['runs']
                         if r['variant'] == variant])
              for variant in study['variants']]
    if 'pretrain' in study:
        groups.insert(0, (study['pretrain']['name'], [study['pretrain']]))
    rows = []
    for variant, runs in groups:
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
    cells = []
    for row in rows:
        cells.append([row['variant'], str(len(row['seeds']))] + [
            _cell(row['metrics'][key]) for key in ('Total', ) + GROUP_KEYS[:-1]
        ] + [f'{row["seconds"]["mean"]:.0f}'])
    return format_table(cells, [header], 'markdown',
                        align='ll' + 'r' * (len(header) - 2)) + '\n'


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


def mean_curves(study: Dict, key: str) -> Dict[str, np.ndarray]:
    """Per-variant mean over seeds of one training curve.

    Args:
        study (dict): A study record.
        key (str): A curve key (e.g. ``'loss_kpt'``).

    Returns:
        dict[str, np.ndarray]: variant -> per-iteration mean, for the
        variants whose runs all logged ``key`` (truncated to the shortest
        run).
    """
    out = {}
    for variant in study['variants']:
        curves = [r.get('curves', {}).get(key) for r in study['runs']
                  if r['variant'] == variant]
        if not curves or any(c is None or not c for c in curves):
            continue
        length = min(len(c) for c in curves)
        out[variant] = np.mean([c[:length] for c in curves], axis=0)
    return out


def plot_study_curves(study: Dict,
                      out_file: str,
                      keys: Sequence[str] = ('loss_kpt', 'loss_mi',
                                             'loss_con', 'mi_overlap'),
                      smooth: int = 5) -> None:
    """Training curves of every variant (mean over seeds, moving average of
    ``smooth`` iterations), one panel per key, the heatmap loss first.

    Args:
        study (dict): A study record.
        out_file (str): Output PNG path.
        keys (Sequence[str]): Curve keys, one panel each (keys no variant
            logged are left out).
        smooth (int): Moving-average window. Default: 5.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    from tdmi_mmpose.utils.atomic import atomic_output

    panels = [(key, mean_curves(study, key)) for key in keys]
    panels = [(key, curves) for key, curves in panels if curves]
    fig, axes = plt.subplots(
        1, len(panels), figsize=(4.2 * len(panels), 3.6), squeeze=False)
    kernel = np.ones(smooth) / smooth
    colours = {
        variant: f'C{i % 10}'
        for i, variant in enumerate(study['variants'])
    }
    for ax, (key, curves) in zip(axes[0], panels):
        for variant, values in curves.items():
            shown = np.convolve(values, kernel, mode='valid') \
                if len(values) >= smooth else values
            ax.plot(np.arange(len(shown)) + (len(values) - len(shown)),
                    shown, label=variant, lw=1.2, color=colours[variant])
        ax.set_title(key + (' (heatmap loss)' if key == 'loss_kpt' else ''),
                     fontsize=9)
        ax.set_xlabel('iteration')
        ax.grid(alpha=0.3)
        if key != 'mi_overlap':
            ax.set_yscale('symlog', linthresh=1e-3)
    for ax in axes[0]:
        ax.legend(fontsize=7)
    fig.suptitle(f'mean over seeds {study["seeds"]}', fontsize=9)
    fig.tight_layout()
    with atomic_output(out_file) as tmp:
        fig.savefig(tmp, dpi=100, format='png')
    plt.close(fig)


def format_curve_table(study: Dict,
                       keys: Sequence[str] = ('loss_kpt', 'loss_mi',
                                              'loss_con', 'mi_overlap'),
                       tail: int = 20) -> str:
    """A markdown table of where each training curve ended: per variant,
    the mean over the last ``tail`` iterations, then mean ± std over seeds.

    Args:
        study (dict): A study record.
        keys (Sequence[str]): Curve keys, one column each ('-' where a
            variant did not log the key).
        tail (int): Iterations averaged at the end of each run.
            Default: 20.

    Returns:
        str: The table, ending with a newline.
    """
    header = ['variant'] + [f'{key} (last {tail} it.)' for key in keys]
    rows = []
    for variant in study['variants']:
        runs = [r for r in study['runs'] if r['variant'] == variant]
        if not runs:
            continue
        cells = [variant]
        for key in keys:
            ends = [
                float(np.mean(r['curves'][key][-tail:])) for r in runs
                if r.get('curves', {}).get(key)
            ]
            if len(ends) != len(runs):
                cells.append('-')
                continue
            stat = mean_and_std(ends)
            cells.append(f'{stat["mean"]:.3g} ± {stat["std"]:.2g}')
        rows.append(cells)
    return format_table(rows, [header], 'markdown') + '\n'


#: Columns of :func:`format_probe_table`: (header, probe key or a pair of
#: keys whose difference is shown).
PROBE_COLUMNS = (
    ('E(M_t) in target', 'motion_in_target'),
    ('E(M_u) in target', 'useful_in_target'),
    ('E(M_n) in target', 'noisy_in_target'),
    ('u − n, target', ('useful_in_target', 'noisy_in_target')),
    ('E(M_t) in other', 'motion_in_other'),
    ('E(M_u) in other', 'useful_in_other'),
    ('E(M_n) in other', 'noisy_in_other'),
    ('u − n, other', ('useful_in_other', 'noisy_in_other')),
    ('area target', 'area_target'),
    ('area other', 'area_other'),
)


def format_probe_table(study: Dict) -> str:
    """A markdown table of the disentanglement probe: per probed variant,
    mean ± std over seeds (in %) of each energy share
    (:mod:`~tdmi_mmpose.analysis.disentanglement_probe`), of the M_u − M_n
    differences and of the masks' area shares.

    Args:
        study (dict): A study record with ``probe_variants``.

    Returns:
        str: The table, ending with a newline ('' without probes).
    """
    variants = study.get('probe_variants', [])
    if not variants:
        return ''
    header = ['variant', 'seeds'] + [name for name, _ in PROBE_COLUMNS]
    rows = []
    for variant in variants:
        probes = [r['probe'] for r in study['runs']
                  if r['variant'] == variant and 'probe' in r]
        cells = [variant, str(len(probes))]
        for _, key in PROBE_COLUMNS:
            if isinstance(key, tuple):
                values = [100 * (p[key[0]] - p[key[1]]) for p in probes]
            else:
                values = [100 * p[key] for p in probes]
            stat = mean_and_std(values)
            cells.append('n/a' if stat['mean'] is None else
                         f'{stat["mean"]:.2f} ± {stat["std"]:.2f}')
        rows.append(cells)
    return format_table(rows, [header], 'markdown',
                        align='ll' + 'r' * len(PROBE_COLUMNS)) + '\n'


def format_clamp_table(study: Dict) -> str:
    """A markdown table of how often the MI estimate sat at its clamp: per
    variant that logged ``loss_mi``, the share of training iterations with
    ``loss_mi == 0`` (mean ± std over seeds, in %) and the seeds.

    Args:
        study (dict): A study record.

    Returns:
        str: The table, ending with a newline.
    """
    rows = []
    for variant in study['variants']:
        curves = [r['curves']['loss_mi'] for r in study['runs']
                  if r['variant'] == variant and
                  r.get('curves', {}).get('loss_mi')]
        if not curves:
            continue
        stat = mean_and_std(
            [100.0 * np.mean(np.asarray(c) == 0.0) for c in curves])
        rows.append([variant, str(len(curves)),
                     f'{stat["mean"]:.1f} ± {stat["std"]:.1f}'])
    return format_table(
        rows, [['variant', 'seeds', 'iterations with loss_mi = 0 (%)']],
        'markdown', align='llr') + '\n'
