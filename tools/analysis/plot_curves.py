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
from collections import defaultdict
from typing import Dict, List, Tuple

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
    """Draw the loss curves and the validation metrics to ``out``."""
    import matplotlib.pyplot as plt
    train, val = read_scalars(find_scalars(work_dir))
    losses = {k: v for k, v in train.items() if k.startswith('loss')}
    if not losses:
        raise ValueError(f'no loss records in {work_dir!r}')
    ncols = 2 if val else 1
    fig, axes = plt.subplots(1, ncols, figsize=(6 * ncols, 4), squeeze=False)
    ax = axes[0][0]
    for name, points in sorted(losses.items()):
        steps, values = zip(*points)
        ax.plot(steps, values, label=name, lw=1.5 if name == 'loss' else 1)
    ax.set_xlabel('iteration')
    ax.set_yscale('symlog', linthresh=1e-2)
    ax.set_title('training losses')
    ax.legend(fontsize=7)
    ax.grid(alpha=.3)
    if val:
        ax = axes[0][1]
        for name, points in sorted(val.items()):
            steps, values = zip(*points)
            ax.plot(steps, values, marker='o', label=name)
        ax.set_xlabel('epoch')
        ax.set_title('validation')
        ax.legend(fontsize=7)
        ax.grid(alpha=.3)
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir', help='mmengine work dir of a run')
    parser.add_argument('--out', help='PNG path (default: WORK_DIR/curves.png)')
    args = parser.parse_args(argv)
    out = plot_curves(args.work_dir, args.out
                      or osp.join(args.work_dir, 'curves.png'))
    print(f'curves written to {out}')


if __name__ == '__main__':
    main()
