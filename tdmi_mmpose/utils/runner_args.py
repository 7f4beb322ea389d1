# Copyright (c) tdmi_mmpose contributors.
"""Command-line plumbing shared by ``tools/train.py`` and ``tools/test.py``.

The options mirror mmpose's own tools (work dir, ``--cfg-options``,
launchers, visualisation), so the scripts behave like mmpose's under ``mim``
and ``torch.distributed`` launchers.
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction

from .config import load_config


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """Options that both the train and the test script take."""
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='override settings of the config, "key=value" pairs; '
        '`data_root=DIR` also moves every path derived from data_root')
    parser.add_argument(
        '--show-dir',
        help='directory where visualised predictions are saved')
    parser.add_argument(
        '--show', action='store_true', help='display predictions')
    parser.add_argument(
        '--interval', type=int, default=1, help='visualisation interval')
    parser.add_argument(
        '--wait-time', type=float, default=1, help='display time (s)')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # torch.distributed.launch passes --local-rank (torch >= 2.0) or
    # --local_rank (older); torchrun sets LOCAL_RANK instead.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def export_local_rank(args: argparse.Namespace) -> None:
    """Expose ``--local-rank`` as ``LOCAL_RANK`` for mmengine's launcher."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)


def build_config(args: argparse.Namespace) -> Config:
    """Load ``args.config`` and apply the options shared by train and test.

    Args:
        args (argparse.Namespace): Parsed arguments of
            :func:`add_common_args`, plus ``config``.

    Returns:
        Config: The config with ``--cfg-options`` (``data_root`` retargeted),
        launcher, work dir and visualisation settings applied.
    """
    cfg = load_config(args.config, args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.show or args.show_dir:
        hooks = cfg.get('default_hooks', {})
        if 'visualization' not in hooks:
            raise KeyError(
                f'{args.config}: `default_hooks.visualization` is needed for '
                '--show / --show-dir')
        vis = cfg.default_hooks.visualization
        vis.enable = True
        vis.show = args.show
        if args.show:
            vis.wait_time = args.wait_time
        vis.out_dir = args.show_dir
        vis.interval = args.interval
    return cfg
