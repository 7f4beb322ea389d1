# Copyright (c) tdmi_mmpose contributors.
"""Train a pose model from a config (mmpose-style; used by ``mim train``).

Examples::

    python tools/train.py configs/tdmi_tiny_posetrack_sample.py \
        --cfg-options data_root=data/posetrack_sample/
    mim train tdmi_mmpose configs/tdmi_hrnet_w48_posetrack17.py \
        --launcher pytorch --gpus 8
"""
import argparse
import sys

from mmengine.runner import Runner

from tdmi_mmpose.io import check_checkpoint_file
from tdmi_mmpose.utils import run_tool
from tdmi_mmpose.io.runner_args import (add_common_args, build_config,
                                           export_local_rank,
                                           setup_distributed)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a pose model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or (no value) from the '
        'latest checkpoint in the work dir')
    parser.add_argument(
        '--amp', action='store_true', help='mixed precision training')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate with the actual total batch size')
    add_common_args(parser)
    args = parser.parse_args(argv)
    export_local_rank(args)
    return args


def merge_train_args(cfg, args):
    """Apply the train-only command-line options to ``cfg``."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    if args.amp:
        optim_type = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if optim_type not in ('OptimWrapper', 'AmpOptimWrapper'):
            raise ValueError(
                f'--amp needs an OptimWrapper/AmpOptimWrapper, the config '
                f'uses {optim_type!r}')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        if 'auto_scale_lr' not in cfg:
            raise KeyError(
                f'{args.config}: --auto-scale-lr needs `auto_scale_lr` '
                '(with `base_batch_size`) in the config')
        cfg.auto_scale_lr.enable = True
    return cfg


def main(argv=None):
    args = parse_args(argv)
    if args.resume not in (None, 'auto') and '://' not in args.resume:
        check_checkpoint_file(args.resume)
    cfg = merge_train_args(build_config(args), args)
    setup_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    sys.exit(run_tool(main))
