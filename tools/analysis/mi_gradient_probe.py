# Copyright (c) tdmi_mmpose contributors.
"""Gradient norms of the heatmap loss and the MI loss terms, per part of the
model (backbone, TDE, RDM attention, RDM aggregation, head), on training
batches: what the MI loss pulls on, and how hard.

Example (a run of the frozen-recipe study, its final checkpoint)::

    PRE=DIR/runs/pretrained_single_frame__seed0/epoch_12.pth
    python tools/analysis/mi_gradient_probe.py \\
        configs/tdmi_tiny_irrelevant_motion.py \\
        --checkpoint DIR/runs/full_all__seed0/epoch_8.pth \\
        --cfg-options data_root=DIR/data/ backbone_checkpoint=$PRE \\
        model.neck.1.mi_gradient=all --batches 4 --json norms.json

``--json`` records the command line and the norms.
"""
import argparse
import itertools
import sys

from mmengine.registry import init_default_scope
from mmengine.runner import Runner, load_checkpoint

from tdmi_mmpose.analysis.gradient_probe import (format_gradient_table,
                                                 probe_gradients)
from tdmi_mmpose.io import (CfgOptionsAction, load_config, non_negative_int,
                            positive_int, register_checkpoint_safe_globals)
from tdmi_mmpose.utils import recorded_command
from tdmi_mmpose.utils.atomic import atomic_write_json


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--checkpoint', help='weights to load (default: '
                        'the initialised model)')
    parser.add_argument('--batches', type=positive_int, default=4,
                        help='training batches to average over (default 4)')
    parser.add_argument('--seed', type=non_negative_int, default=0)
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
    print(format_gradient_table(norms), end='')
    if args.json:
        atomic_write_json(
            dict(command=recorded_command(__file__, argv), norms=norms),
            args.json,
            indent=1)
    return 0


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
