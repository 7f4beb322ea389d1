# Copyright (c) tdmi_mmpose contributors.
"""Gradient norms of the heatmap loss and the MI loss terms, per part of the
model (backbone, TDE, RDM attention, RDM aggregation, head), on training
batches: what the MI loss pulls on, and how hard.

Example (a run of the ablation study, its final checkpoint)::

    python tools/analysis/mi_gradient_probe.py \\
        configs/tdmi_tiny_occluded_video.py \\
        --checkpoint DIR/runs/full__seed0/epoch_6.pth \\
        --cfg-options data_root=DIR/data/ --batches 4
"""
import argparse
import itertools
import json
import sys

from mmengine.registry import init_default_scope
from mmengine.runner import Runner, load_checkpoint

from tdmi_mmpose.analysis.gradient_probe import probe_gradients
from tdmi_mmpose.io import register_checkpoint_safe_globals
from tdmi_mmpose.io import CfgOptionsAction, load_config


def format_table(norms: dict) -> str:
    """Rows: parameter groups; columns: each term's gradient norm and the
    MI-to-heatmap ratio."""
    terms = list(norms)
    groups = list(next(iter(norms.values())))
    header = ['group'] + [f'|grad {t}|' for t in terms]
    if 'loss_mi' in norms and 'loss_kpt' in norms:
        header.append('loss_mi / loss_kpt')
    lines = ['| ' + ' | '.join(header) + ' |',
             '|---' + '|---:' * (len(header) - 1) + '|']
    for group in groups:
        cells = [group] + [f'{norms[t][group]:.3g}' for t in terms]
        if 'loss_mi' in norms and 'loss_kpt' in norms:
            kpt = norms['loss_kpt'][group]
            ratio = norms['loss_mi'][group] / kpt if kpt > 0 else float('nan')
            cells.append(f'{ratio:.3g}')
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--checkpoint', help='weights to load (default: '
                        'the initialised model)')
    parser.add_argument('--batches', type=int, default=4,
                        help='training batches to average over (default 4)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--json', help='also write the norms to this file')
    parser.add_argument('--cfg-options', nargs='+', action=CfgOptionsAction,
                        default={})
    args = parser.parse_args(argv)
    from mmpose.registry import MODELS
    cfg = load_config(args.config, args.cfg_options)
    init_default_scope('mmpose')
    model = MODELS.build(cfg.model)
    model.init_weights()
    if args.checkpoint:
        register_checkpoint_safe_globals()
        load_checkpoint(model, args.checkpoint, map_location='cpu',
                        strict=True)
    loader_cfg = dict(cfg.train_dataloader, num_workers=0,
                      persistent_workers=False)
    loader = Runner.build_dataloader(loader_cfg, seed=args.seed)
    norms = probe_gradients(model, itertools.islice(loader, args.batches))
    print(format_table(norms))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(norms, f, indent=1)
    return 0


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
