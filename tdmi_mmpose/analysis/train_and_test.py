# Copyright (c) tdmi_mmpose contributors.
"""One run of an ablation study: train a config, test the final model and
write ``result.json``; run by :func:`~tdmi_mmpose.analysis.run_study` as
``python -m tdmi_mmpose.analysis.train_and_test``, one process per run (no
state leaks between runs)."""
import argparse
import hashlib
import math
import os.path as osp
import time
from typing import Dict, List, Optional

from mmengine.config import Config
from mmengine.runner import Runner

from tdmi_mmpose.io import load_json
from tdmi_mmpose.io.config import load_config
from tdmi_mmpose.utils.atomic import atomic_write_json

#: Per-iteration training scalars kept in ``result.json`` (when logged).
CURVE_KEYS = ('loss_kpt', 'loss_mi', 'loss_mi_q', 'loss_con', 'mi_overlap')
#: The record of a finished run, in its work dir.
RESULT_FILE = 'result.json'


def prepare_run_config(config: str, cfg_options: Dict, seed: int,
                       work_dir: str) -> Config:
    """The config of one run: ``cfg_options`` applied (``data_root``
    retargeted), the seed set with deterministic algorithms, validation
    during training off, only the last checkpoint kept.

    Args:
        config (str): Config file path.
        cfg_options (dict): Dotted overrides, as ``--cfg-options`` takes.
        seed (int): The run's seed.
        work_dir (str): The run's work dir.

    Returns:
        Config: The run's config.
    """
    cfg = load_config(config, dict(cfg_options))
    cfg.work_dir = work_dir
    cfg.randomness = dict(seed=seed, deterministic=True)
    cfg.launcher = 'none'
    max_epochs = cfg.train_cfg.max_epochs
    cfg.train_cfg.val_interval = max_epochs + 1
    cfg.val_cfg = None
    cfg.val_dataloader = None
    cfg.val_evaluator = None
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        interval=max_epochs, save_best=None,
                                        max_keep_ckpts=1)
    return cfg


def config_digest(cfg: Config) -> str:
    """SHA-1 of a run's resolved config text: a finished run is reused only
    while its config resolves to the same text."""
    return hashlib.sha1(cfg.pretty_text.encode()).hexdigest()


def training_curves(runner: Runner) -> Dict[str, List[float]]:
    """Per-iteration values of :data:`CURVE_KEYS` from the message hub."""
    curves = {}
    for key in CURVE_KEYS:
        buffer = runner.message_hub.log_scalars.get(f'train/{key}')
        if buffer is not None:
            values, _ = buffer.data
            curves[key] = [float(v) for v in values]
    return curves


def read_result(work_dir: str) -> Optional[Dict]:
    """A run's :data:`RESULT_FILE` (None before the run finished)."""
    path = osp.join(work_dir, RESULT_FILE)
    return load_json(path) if osp.isfile(path) else None


def last_checkpoint(work_dir: str) -> str:
    """The checkpoint a finished run saved last (mmengine's
    ``last_checkpoint`` file in its work dir)."""
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def add_probe(config: str, cfg_options: Dict, seed: int,
              work_dir: str) -> Dict:
    """Probe a finished run's final checkpoint
    (:func:`~.disentanglement_probe.probe_checkpoint`, picture
    ``<work_dir>/probe.png``); returns its ``result.json`` with the summary
    added as ``probe`` (also written)."""
    from .disentanglement_probe import probe_checkpoint
    cfg = prepare_run_config(config, cfg_options, seed, work_dir)
    result = read_result(work_dir)
    result['probe'] = probe_checkpoint(
        cfg, last_checkpoint(work_dir), osp.join(work_dir, 'probe.png'))
    atomic_write_json(result, osp.join(work_dir, RESULT_FILE))
    return result


def train_and_test(config: str, cfg_options: Dict, seed: int,
                   work_dir: str) -> Dict:
    """Train, test, and return the run's record (also written atomically as
    :data:`RESULT_FILE`).

    Args:
        config (str): Config file path.
        cfg_options (dict): Dotted overrides.
        seed (int): The run's seed.
        work_dir (str): The run's work dir.

    Returns:
        dict: ``metrics`` (the test metrics), ``train_seconds``,
        ``test_seconds``, ``iterations``, ``config_sha1`` (see
        :func:`config_digest`), ``curves``.
    """
    cfg = prepare_run_config(config, cfg_options, seed, work_dir)
    # formatted once: the runner's copy of cfg logs the cached text
    config_sha1 = config_digest(cfg)
    runner = Runner.from_cfg(cfg)
    start = time.perf_counter()
    runner.train()
    train_seconds = time.perf_counter() - start
    curves = training_curves(runner)
    start = time.perf_counter()
    metrics = runner.test()
    test_seconds = time.perf_counter() - start
    result = dict(
        metrics={k: float(v) if math.isfinite(v) else None
                 for k, v in metrics.items()},
        train_seconds=round(train_seconds, 2),
        test_seconds=round(test_seconds, 2), iterations=int(runner.iter),
        config_sha1=config_sha1, curves=curves)
    atomic_write_json(result, osp.join(work_dir, RESULT_FILE))
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description='Train and test one ablation run (used by '
        'tools/analysis/ablation_study.py).')
    parser.add_argument('config', help='config file')
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--seed', type=int, required=True)
    parser.add_argument(
        '--options-json',
        help='JSON file with the dotted config overrides of the run')
    parser.add_argument(
        '--probe', action='store_true',
        help='also probe the final model (disentanglement_probe); a run '
        'already finished is only probed')
    args = parser.parse_args(argv)
    options = load_json(args.options_json) if args.options_json else {}
    if read_result(args.work_dir) is None:
        train_and_test(args.config, options, args.seed, args.work_dir)
    if args.probe:
        add_probe(args.config, options, args.seed, args.work_dir)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
