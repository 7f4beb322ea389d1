# Copyright (c) tdmi_mmpose contributors.
"""Plot training curves (losses per iteration, validation AP per epoch) from
an mmengine work dir, to a PNG.

Example::

    python tools/analysis/plot_curves.py work_dirs/tdmi_tiny_posetrack_sample \
        --out work_dirs/tdmi_tiny_posetrack_sample/curves.png
"""
import argparse
import glob
import json
import os
import os.path as osp
import sys
from collections import defaultdict
from typing import Dict, List, Tuple

from tdmi_mmpose.utils.atomic import atomic_output

os.environ.setdefault('MPLBACKEND', 'Agg')


def find_scalars(work_dir: str) -> str:
    """The newest ``vis_data/scalars.json`` under an mmengine work dir."""
    candidates = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not candidates:
        raise FileNotFoundError(
            f'no */vis_data/scalars.json under {work_dir!r} (is it an '
            'mmengine work dir with LocalVisBackend?)')
    return candidates[-1]


def read_scalars(path: str) -> Tuple[Dict[str, List[Tuple[int, float]]],
                                     Dict[str, List[Tuple[int, float]]]]:
    """Split mmengine's scalars.json lines into train and val series.

    Returns:
        tuple[dict, dict]: ``{name: [(step, value), ...]}`` for training
        records (those with ``iter``) and for validation records (with
        ``step`` = epoch).
    """
    train, val = defaultdict(list), defaultdict(list)
    with open(path) as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f'{path}:{line_no}: not JSON ({e})') from e
            series, step = (train, rec['iter']) if 'iter' in rec else (
                val, rec.get('step'))
            for key, value in rec.items():
                if key in ('iter', 'epoch', 'step', 'lr', 'time',
                           'data_time', 'memory') or not isinstance(
                               value, (int, float)):
                    continue
                series[key].append((step, float(value)))
    return dict(train), dict(val)


def plot_curves(work_dir: str, out: str) -> str:
    """Draw the curves to ``out``: the heatmap loss on its own first (what
    the pose model learns), then the other training terms (the total, MI
    terms, the ``mi_overlap`` diagnostic), then the validation metrics."""
    import matplotlib.pyplot as plt
    train, val = read_scalars(find_scalars(work_dir))
    if 'loss_kpt' not in train:
        raise ValueError(f'no heatmap loss (loss_kpt) records in '
                         f'{work_dir!r}')
    others = {k: v for k, v in train.items()
              if (k.startswith('loss') or k.startswith('mi_'))
              and k != 'loss_kpt'}
    panels = 1 + bool(others) + bool(val)
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 4),
                             squeeze=False)
    axes = list(axes[0])
    ax = axes.pop(0)
    steps, values = zip(*train['loss_kpt'])
    ax.plot(steps, values, color='tab:red')
    ax.set_xlabel('iteration')
    ax.set_title('heatmap loss (loss_kpt)')
    ax.grid(alpha=.3)
    if others:
        ax = axes.pop(0)
        for name, points in sorted(others.items()):
            steps, values = zip(*points)
            ax.plot(steps, values, label=name, lw=1)
        ax.set_xlabel('iteration')
        ax.set_yscale('symlog', linthresh=1e-2)
        ax.set_title('other terms (loss = pose objective, without loss_mi_q)',
                     fontsize=9)
        ax.legend(fontsize=7)
        ax.grid(alpha=.3)
    if val:
        ax = axes.pop(0)
        for name, points in sorted(val.items()):
            steps, values = zip(*points)
            ax.plot(steps, values, marker='o', label=name)
        ax.set_xlabel('epoch')
        ax.set_title('validation')
        ax.legend(fontsize=7)
        ax.grid(alpha=.3)
    fig.tight_layout()
    with atomic_output(out) as tmp:
        fig.savefig(tmp, dpi=100, format='png')
    plt.close(fig)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir', help='mmengine work dir of a run')
    parser.add_argument(
        '--out', help='PNG path (default: WORK_DIR/curves.png)')
    args = parser.parse_args(argv)
    out = plot_curves(args.work_dir, args.out
                      or osp.join(args.work_dir, 'curves.png'))
    print(f'curves written to {out}')


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
