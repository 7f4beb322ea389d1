# Copyright (c) tdmi_mmpose contributors.
"""The command line of ``tools/train.py`` and ``tools/test.py``, as mmpose's
tools have it (work dir, ``--cfg-options``, launchers, visualisation)."""
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

#: Top-level helper variables of configs: never reported as misspellings.
CONFIG_HELPER_KEYS = ('custom_imports', 'dataset_type', 'data_mode',
                      'data_root', 'backend_args', 'codec', 'vis_backends',
                      'frame_offsets', 'sync_bn')


@functools.lru_cache()
def consumed_config_keys() -> FrozenSet[str]:
    """The top-level config keys that something reads: the ``Runner``'s
    arguments, the keys its module reads (found in its source) and
    :data:`CONFIG_HELPER_KEYS`."""
    source = inspect.getsource(runner_module)
    read = re.findall(r"cfg(?:\.get\(\s*|\[)['\"](\w+)['\"]", source)
    arguments = inspect.signature(runner_module.Runner.__init__).parameters
    return frozenset(set(arguments) - {'self', 'cfg'} | set(read)
                     | set(CONFIG_HELPER_KEYS))


#: The difflib ratio from which an unknown key is a probable misspelling.
MISSPELLING_CUTOFF = 0.8


def misspelled_config_keys(cfg: Config) -> List[tuple]:
    """``(key, the consumed key it resembles)`` of top-level keys that
    mmengine would silently ignore (``train_cgf``), path variables exempt.
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
    """Load ``args.config`` (:func:`add_common_args`' options applied) and
    log its :func:`misspelled_config_keys`."""
    cfg = load_config(args.config, args.cfg_options)
    if not isinstance(cfg.get('model'), dict):  # else mmengine's KeyError
        raise InputError(f'{args.config}: the config defines no `model` (a '
                         'dict); is it a model config?')
    for key, close in misspelled_config_keys(cfg):
        print_log(
            f'{args.config}: top-level key `{key}` is read by nothing '
            f'(mmengine ignores it); did you mean `{close}`?',
            logger='current', level=logging.WARNING)
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
    """Make ``--launcher pytorch`` work without a GPU (mmengine 0.10.7
    assumes CUDA): the gloo backend, the process group initialised here
    from torchrun's environment, DDP with ``device_ids=None``; ``sync_bn``
    is refused. With a GPU or another launcher ``cfg`` is unchanged;
    returns ``cfg``, modified in place."""
    if cfg.get('launcher', 'none') != 'pytorch' or torch.cuda.is_available():
        return cfg
    if cfg.get('sync_bn', None):
        raise RuntimeError(
            f'sync_bn={cfg.sync_bn!r} needs CUDA (SyncBatchNorm has no CPU '
            'implementation); drop it for CPU training')
    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = dict(env_cfg.get('dist_cfg', None) or {})
    if dist_cfg.get('backend', 'nccl') == 'nccl':
        print_log('No GPU: the `pytorch` launcher uses the gloo backend '
                  'instead of nccl.', logger='current')
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
