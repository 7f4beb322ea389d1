# Copyright (c) tdmi_mmpose contributors.
"""Command-line plumbing shared by ``tools/train.py`` and ``tools/test.py``.

The options mirror mmpose's own tools (work dir, ``--cfg-options``,
launchers, visualisation), so the scripts behave like mmpose's under ``mim``
and ``torch.distributed`` launchers.
"""
import argparse
import difflib
import functools
import inspect
import logging
import os
import os.path as osp
import re
from datetime import timedelta
from typing import FrozenSet, List

import mmengine.runner.runner as runner_module
import torch
from mmengine.config import Config
from mmengine.logging import print_log

from ..utils.errors import InputError
from .output_folders import make_output_folder
from .config import CfgOptionsAction, is_path_variable, load_config

#: Top-level helper variables of mmpose-style configs (and ours), read by
#: nothing as such: never reported as misspellings.
CONFIG_HELPER_KEYS = ('custom_imports', 'dataset_type', 'data_mode',
                      'data_root', 'backend_args', 'codec', 'vis_backends',
                      'frame_offsets', 'sync_bn')


@functools.lru_cache()
def consumed_config_keys() -> FrozenSet[str]:
    """The top-level config keys that something reads: the arguments of
    mmengine's ``Runner``, the keys its module reads from a config (found in
    its source, so a newer mmengine brings its own), and
    :data:`CONFIG_HELPER_KEYS`.

    Returns:
        frozenset[str]: The keys.
    """
    source = inspect.getsource(runner_module)
    read = re.findall(r"cfg(?:\.get\(\s*|\[)['\"](\w+)['\"]", source)
    arguments = inspect.signature(runner_module.Runner.__init__).parameters
    return frozenset(set(arguments) - {'self', 'cfg'} | set(read)
                     | set(CONFIG_HELPER_KEYS))


#: How similar (difflib ratio) an unknown key must be to a consumed one to be
#: reported as a probable misspelling.
MISSPELLING_CUTOFF = 0.8


def misspelled_config_keys(cfg: Config) -> List[tuple]:
    """Top-level keys that look like misspellings of a consumed key.

    Configs define helper variables at the top level (``train_pipeline``,
    ``frame_offsets``, path variables such as ``val_data_root``), which
    nothing reads as such; mmengine ignores
    every key it does not know. A key that is not in
    :data:`CONSUMED_CONFIG_KEYS` but close to one of them (``train_cgf``,
    ``val_evalutor``) is almost certainly a typo whose setting would be
    silently lost.

    Args:
        cfg (Config): The loaded config.

    Returns:
        list[tuple[str, str]]: ``(key, the consumed key it resembles)``.
    """
    found = []
    consumed = sorted(consumed_config_keys())
    for key in cfg.keys():
        if key in consumed or key.startswith('_') or is_path_variable(key):
            continue
        close = difflib.get_close_matches(
            key, consumed, n=1, cutoff=MISSPELLING_CUTOFF)
        if close:
            found.append((key, close[0]))
    return found


def warn_misspelled_config_keys(cfg: Config, source: str) -> List[tuple]:
    """Log one warning line per :func:`misspelled_config_keys` entry.

    Args:
        cfg (Config): The loaded config.
        source (str): Its file, named in the warning.

    Returns:
        list[tuple[str, str]]: The reported keys.
    """
    found = misspelled_config_keys(cfg)
    for key, close in found:
        print_log(
            f'{source}: top-level key `{key}` is read by nothing (mmengine '
            f'ignores it); did you mean `{close}`?',
            logger='current',
            level=logging.WARNING)
    return found


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """Options that both the train and the test script take."""
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=CfgOptionsAction,
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
        launcher, work dir and visualisation settings applied. Top-level
        keys that look like misspellings of keys the Runner reads are
        logged (:func:`warn_misspelled_config_keys`).
    """
    cfg = load_config(args.config, args.cfg_options)
    if not isinstance(cfg.get('model'), dict):  # else mmengine's KeyError
        raise InputError(f'{args.config}: the config defines no `model` (a '
                         'dict); is it a model config?')
    warn_misspelled_config_keys(cfg, args.config)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    make_output_folder(cfg.work_dir)  # as mmengine would, naming a file
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


def setup_distributed(cfg: Config) -> Config:
    """Make ``--launcher pytorch`` work where there is no GPU.

    mmengine 0.10.7 assumes CUDA in distributed runs: its launcher calls
    ``torch.cuda.set_device`` and its DDP wrapper passes
    ``device_ids=[LOCAL_RANK]``, both of which fail for CPU processes. With
    the ``pytorch`` launcher and no usable GPU this function

    - switches ``env_cfg.dist_cfg.backend`` from ``nccl`` to ``gloo``,
    - initialises the default process group itself (from the ``RANK``,
      ``WORLD_SIZE``, ``MASTER_ADDR`` and ``MASTER_PORT`` that
      ``torchrun`` / ``torch.distributed.launch`` set), so that mmengine
      skips its own CUDA-only initialisation,
    - builds the DDP wrapper with ``device_ids=None`` (CPU modules),
      otherwise as mmengine does (``broadcast_buffers=False``, the config's
      ``find_unused_parameters``).

    With GPUs, or with another launcher, the config is left as it is and
    mmengine does the usual CUDA set-up. ``sync_bn`` (``'torch'`` or
    ``'mmcv'``) needs CUDA: requesting it on CPU raises an error here
    rather than in the first training iteration.

    Args:
        cfg (Config): The config, with ``launcher`` set.

    Returns:
        Config: The same config, modified in place.
    """
    if cfg.get('launcher', 'none') != 'pytorch' or torch.cuda.is_available():
        return cfg
    if cfg.get('sync_bn', None):
        raise RuntimeError(
            f'sync_bn={cfg.sync_bn!r} needs CUDA (SyncBatchNorm has no CPU '
            'implementation); drop it for CPU training')
    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = dict(env_cfg.get('dist_cfg', None) or {})
    if dist_cfg.get('backend', 'nccl') == 'nccl':
        print_log(
            'No GPU: the `pytorch` launcher uses the gloo backend instead of '
            'nccl.',
            logger='current')
        dist_cfg['backend'] = 'gloo'
    env_cfg['dist_cfg'] = dist_cfg
    if not torch.distributed.is_initialized():
        kwargs = {k: v for k, v in dist_cfg.items() if k != 'backend'}
        if isinstance(kwargs.get('timeout'), (int, float)):
            kwargs['timeout'] = timedelta(seconds=kwargs['timeout'])
        torch.distributed.init_process_group(
            backend=dist_cfg['backend'], init_method='env://', **kwargs)
    wrapper = cfg.get('model_wrapper_cfg', None)
    if wrapper is None:
        # mmengine's own defaults, but for CPU modules
        cfg.model_wrapper_cfg = dict(
            type='MMDistributedDataParallel',
            device_ids=None,
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
    else:
        wrapper_type = str(wrapper.get('type', 'MMDistributedDataParallel'))
        if wrapper_type.endswith('DistributedDataParallel'):
            wrapper.setdefault('device_ids', None)
    return cfg
