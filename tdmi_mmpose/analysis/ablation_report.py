# Copyright (c) tdmi_mmpose contributors.
"""Summaries of an ablation study record: mean ± std over seeds per variant
as markdown tables, a bar chart and the training curves."""
import math
from typing import Dict, List, Optional, Sequence

import numpy as np

from ..io import check_fields, check_value, load_json
from ..utils.atomic import atomic_output
from ..utils.table import format_table

#: PoseTrack AP keys reported per variant, in table order.
GROUP_KEYS = ('Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle',
              'Total')
METRIC_PREFIX = 'posetrack/'
#: The fields of a study record and of each of its runs that are read.
STUDY_FIELDS = ('spec', 'seeds', 'variants', 'runs')
RUN_FIELDS = ('variant', 'seed', 'metrics', 'train_seconds', 'test_seconds')
#: The training curves drawn and tabulated.
REPORTED_CURVES = ('loss_kpt', 'loss_mi', 'loss_con', 'mi_overlap')
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


def mean_and_std(values: Sequence[Optional[float]]) -> Dict:
    """Mean and sample standard deviation (ddof = 1) of the finite values.

    Args:
        values (Sequence[float | None]): Per-seed values; None is skipped.

    Returns:
        dict: ``mean``, ``std`` (0 for one value; None for none) and ``n``.
    """
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return dict(mean=None, std=None, n=0)
    std = float(np.std(finite, ddof=1)) if len(finite) > 1 else 0.0
    return dict(mean=float(np.mean(finite)), std=std, n=len(finite))


def format_stat(stat: Dict, spec: str = '.1f',
                std_spec: Optional[str] = None) -> str:
    """``'mean ± std'`` of a :func:`mean_and_std` ('n/a' without values)."""
    if stat['mean'] is None:
        return 'n/a'
    return f'{stat["mean"]:{spec}} ± {stat["std"]:{std_spec or spec}}'


def read_study_record(path: str) -> Dict:
    """Load a ``study.json`` and check the fields the report reads (an
    InputError names the file, the run and the field).

    Args:
        path (str): The file.

    Returns:
        dict: The study record.
    """
    study = check_fields(load_json(path, 'Study file'), STUDY_FIELDS, path)
    check_value(study['runs'], lambda runs: None if isinstance(runs, list)
                else f'must be a list of runs, got {runs!r:.60}', path,
                'runs')
    for i, run in enumerate(study['runs']):
        check_fields(run, RUN_FIELDS, f'{path}: runs[{i}]')
    return study


def _runs_of(study: Dict, variant: str) -> List[Dict]:
    return [r for r in study['runs'] if r['variant'] == variant]


def summarize_study(study: Dict) -> List[Dict]:
    """Per-variant statistics of every :data:`GROUP_KEYS` metric and of the
    run time.

    Args:
        study (dict): A study record (see :func:`run_study`).

    Returns:
        list[dict]: One row per variant that ran, the pretraining run first:
        ``variant``, ``seeds``, ``values`` (per-seed Totals), ``metrics``
        (key -> :func:`mean_and_std`), ``seconds`` (train + test time).
    """
    groups = [(v, _runs_of(study, v)) for v in study['variants']]
    if 'pretrain' in study:
        groups.insert(0, (study['pretrain']['name'], [study['pretrain']]))
    rows = []
    for variant, runs in groups:
        if not runs:
            continue
        values = {key: [r['metrics'].get(METRIC_PREFIX + key) for r in runs]
                  for key in GROUP_KEYS}
        rows.append(dict(
            variant=variant,
            seeds=[r['seed'] for r in runs],
            values=values['Total'],
            metrics={key: mean_and_std(v) for key, v in values.items()},
            seconds=mean_and_std(
                [r['train_seconds'] + r['test_seconds'] for r in runs])))
    return rows


def format_markdown_table(rows: List[Dict]) -> str:
    """A markdown table of :func:`summarize_study`: per variant the seeds,
    ``mean ± std`` of Total and the seven joint groups, the mean run time.

    Returns:
        str: The table, ending with a newline.
    """
    keys = ('Total', ) + GROUP_KEYS[:-1]
    header = ['variant', 'seeds', *keys, 'time/run (s)']
    cells = [[row['variant'], str(len(row['seeds']))] +
             [format_stat(row['metrics'][key]) for key in keys] +
             [f'{row["seconds"]["mean"]:.0f}'] for row in rows]
    return format_table(cells, [header], 'markdown',
                        align='ll' + 'r' * (len(header) - 2)) + '\n'


def pyplot():
    """matplotlib's pyplot on the Agg backend (no display needed)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def save_figure(fig, out_file: str, dpi: int = 100) -> None:
    """Write a matplotlib figure as a PNG, atomically, and close it."""
    with atomic_output(out_file) as tmp:
        fig.savefig(tmp, dpi=dpi, format='png')
    pyplot().close(fig)


def plot_study_chart(rows: List[Dict], out_file: str,
                     title: str = 'Ablation study') -> None:
    """Bar chart of each variant's Total AP (mean over seeds, error bars
    ±1 std, every seed as a dot), as a PNG.

    Args:
        rows (list[dict]): Output of :func:`summarize_study`.
        out_file (str): Output image path.
        title (str): Chart title.
    """
    means = [row['metrics']['Total']['mean'] or 0.0 for row in rows]
    stds = [row['metrics']['Total']['std'] or 0.0 for row in rows]
    fig, ax = pyplot().subplots(figsize=(1.3 * len(rows) + 2.5, 4.2))
    x = np.arange(len(rows))
    ax.bar(x, means, yerr=stds, capsize=5, color='#4c72b0', alpha=0.85)
    for i, row in enumerate(rows):
        values = [v for v in row['values'] if v is not None]
        ax.scatter([i] * len(values), values, color='black', s=12, zorder=3)
        ax.text(i, means[i] + stds[i] + 1.0, f'{means[i]:.1f}', ha='center',
                va='bottom', fontsize=8)
    ax.set_xticks(x)
    ax.set_xticklabels([row['variant'] for row in rows], rotation=25,
                       ha='right', fontsize=8)
    ax.set_ylabel('PoseTrack Total AP (mean ± std over seeds)')
    ax.set_ylim(0, max(100.0, max(m + s for m, s in zip(means, stds)) + 6))
    ax.set_title(title, fontsize=10)
    ax.grid(axis='y', alpha=0.3)
    fig.tight_layout()
    save_figure(fig, out_file, dpi=110)


def _mean_curves(study: Dict, key: str) -> Dict[str, np.ndarray]:
    """Variant -> mean curve over seeds, where every run logged ``key``."""
    out = {}
    for variant in study['variants']:
        curves = [r.get('curves', {}).get(key)
                  for r in _runs_of(study, variant)]
        if curves and all(curves):
            length = min(len(c) for c in curves)
            out[variant] = np.mean([c[:length] for c in curves], axis=0)
    return out


def plot_study_curves(study: Dict,
                      out_file: str,
                      keys: Sequence[str] = REPORTED_CURVES,
                      smooth: int = 5) -> None:
    """Training curves of every variant (mean over seeds, moving average of
    ``smooth`` iterations), one panel per key that a variant logged, as a
    PNG.

    Args:
        study (dict): A study record.
        out_file (str): Output PNG path.
        keys (Sequence[str]): Curve keys, the heatmap loss first.
        smooth (int): Moving-average window. Default: 5.
    """
    panels = [(key, _mean_curves(study, key)) for key in keys]
    panels = [(key, curves) for key, curves in panels if curves]
    fig, axes = pyplot().subplots(
        1, len(panels), figsize=(4.2 * len(panels), 3.6), squeeze=False)
    kernel = np.ones(smooth) / smooth
    colours = {v: f'C{i % 10}' for i, v in enumerate(study['variants'])}
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
        ax.legend(fontsize=7)
    fig.suptitle(f'mean over seeds {study["seeds"]}', fontsize=9)
    fig.tight_layout()
    save_figure(fig, out_file)


def format_curve_table(study: Dict,
                       keys: Sequence[str] = REPORTED_CURVES,
                       tail: int = 20) -> str:
    """A markdown table of where each training curve ended: per variant,
    the mean over the last ``tail`` iterations, then mean ± std over seeds
    ('-' where a run did not log the key).

    Returns:
        str: The table, ending with a newline.
    """
    header = ['variant'] + [f'{key} (last {tail} it.)' for key in keys]
    rows = []
    for variant in study['variants']:
        runs = _runs_of(study, variant)
        if not runs:
            continue
        cells = [variant]
        for key in keys:
            ends = [float(np.mean(r['curves'][key][-tail:])) for r in runs
                    if r.get('curves', {}).get(key)]
            cells.append('-' if len(ends) != len(runs) else
                         format_stat(mean_and_std(ends), '.3g', '.2g'))
        rows.append(cells)
    return format_table(rows, [header], 'markdown') + '\n'


def probe_column(probe: Dict, key) -> float:
    """A :data:`PROBE_COLUMNS` value of a probe summary (a share, or the
    difference of two)."""
    if isinstance(key, tuple):
        return probe[key[0]] - probe[key[1]]
    return probe[key]


def format_probe_table(study: Dict) -> str:
    """A markdown table of the disentanglement probe
    (:mod:`~tdmi_mmpose.analysis.disentanglement_probe`): per probed
    variant, mean ± std over seeds (in %) of each :data:`PROBE_COLUMNS`.

    Returns:
        str: The table, ending with a newline ('' without probes).
    """
    variants = study.get('probe_variants', [])
    if not variants:
        return ''
    header = ['variant', 'seeds'] + [name for name, _ in PROBE_COLUMNS]
    rows = []
    for variant in variants:
        probes = [r['probe'] for r in _runs_of(study, variant)
                  if 'probe' in r]
        rows.append([variant, str(len(probes))] + [
            format_stat(mean_and_std(
                [100 * probe_column(p, key) for p in probes]), '.2f')
            for _, key in PROBE_COLUMNS])
    return format_table(rows, [header], 'markdown',
                        align='ll' + 'r' * len(PROBE_COLUMNS)) + '\n'


def format_clamp_table(study: Dict) -> str:
    """A markdown table of how often the MI estimate sat at its clamp: per
    variant that logged ``loss_mi``, the seeds and the share of training
    iterations with ``loss_mi == 0`` (mean ± std over seeds, in %).

    Returns:
        str: The table, ending with a newline.
    """
    rows = []
    for variant in study['variants']:
        curves = [r['curves']['loss_mi'] for r in _runs_of(study, variant)
                  if r.get('curves', {}).get('loss_mi')]
        if curves:
            stat = mean_and_std(
                [100.0 * np.mean(np.asarray(c) == 0.0) for c in curves])
            rows.append([variant, str(len(curves)), format_stat(stat)])
    return format_table(
        rows, [['variant', 'seeds', 'iterations with loss_mi = 0 (%)']],
        'markdown', align='llr') + '\n'
