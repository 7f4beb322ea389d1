# Copyright (c) tdmi_mmpose contributors.
"""A training run killed mid-epoch and resumed with ``--resume`` ends with
the weights of an uninterrupted run (smoke config, deterministic settings).

Both runs train the smoke config for 2 epochs of 5 iterations (batch 8,
2 data loader workers, learning rate x0.1 after epoch 1) with
``randomness=dict(seed=0, deterministic=True)`` and an iteration checkpoint
every 3 iterations. The second run is SIGKILLed after iteration 4, in the
middle of epoch 1, and resumed from ``iter_3.pth``.
"""
import json
import os
import os.path as osp
import signal
import subprocess
import sys

import pytest
import torch
from tdmi_test_plugins import assert_nested_equal

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PLUGINS_DIR = osp.dirname(osp.abspath(__file__))
SMOKE_CONFIG = osp.join(ROOT, 'configs', 'tdmi_tiny_posetrack_sample.py')
TRAIN = osp.join(ROOT, 'tools', 'train.py')
ITERS_PER_EPOCH = 5  # 40 training instances, batch 8
EPOCHS = 2
CHECKPOINT_INTERVAL = 3
KILLED_AFTER = 4

CONFIG = """
_base_ = [{base!r}]
randomness = dict(seed=0, deterministic=True)
train_cfg = dict(max_epochs={epochs}, val_interval=100)
param_scheduler = [
    dict(type='MultiStepLR', begin=0, end={epochs}, by_epoch=True,
         milestones=[1], gamma=0.1)
]
train_dataloader = dict(batch_size=8, num_workers=2)
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(
        by_epoch=False, interval={interval}, save_best=None,
        max_keep_ckpts=-1))
"""

KILLED_CONFIG = """
_base_ = [{base!r}]
custom_imports = dict(
    imports=['tdmi_mmpose', 'tdmi_test_plugins'], allow_failed_imports=False)
custom_hooks = [dict(type='KillAtIterHook', iteration={iteration})]
"""


def train(args, log_file):
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join(
            p for p in (PLUGINS_DIR, env.get('PYTHONPATH')) if p),
        OMP_NUM_THREADS='2')
    proc = subprocess.run(
        [sys.executable, TRAIN] + args,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600)
    with open(log_file, 'w') as f:
        f.write(proc.stdout)
    return proc


@pytest.fixture(scope='module')
def runs(tmp_path_factory, sample_data_root):
    tmp = tmp_path_factory.mktemp('resume')
    config = tmp / 'resume_cfg.py'
    config.write_text(
        CONFIG.format(
            base=SMOKE_CONFIG, epochs=EPOCHS, interval=CHECKPOINT_INTERVAL))
    killed_config = tmp / 'killed_cfg.py'
    killed_config.write_text(
        KILLED_CONFIG.format(base=str(config), iteration=KILLED_AFTER))
    options = ['--cfg-options', f'data_root={sample_data_root}']

    full = train([str(config), '--work-dir',
                  str(tmp / 'full')] + options, tmp / 'full.log')
    assert full.returncode == 0, full.stdout[-5000:]
    killed = train([str(killed_config), '--work-dir',
                    str(tmp / 'killed')] + options, tmp / 'killed.log')
    with open(tmp / 'killed' / 'last_checkpoint') as f:
        last_checkpoint = f.read().strip()
    resumed = train([
        str(config), '--work-dir',
        str(tmp / 'killed'), '--resume', last_checkpoint
    ] + options, tmp / 'resumed.log')
    assert resumed.returncode == 0, resumed.stdout[-5000:]
    return dict(
        full=tmp / 'full',
        killed=tmp / 'killed',
        killed_proc=killed,
        last_checkpoint=last_checkpoint,
        resumed_log=resumed.stdout)


def load(path):
    return torch.load(str(path), map_location='cpu', weights_only=True)


def train_losses(work_dir):
    """``(iteration, loss)`` of every logged training iteration of the runs
    in ``work_dir``, in run order."""
    losses = []
    for path in sorted(work_dir.glob('*/vis_data/scalars.json')):
        with open(path) as f:
            for line in f:
                entry = json.loads(line)
                if 'loss' in entry:
                    losses.append((entry['iter'], entry['loss']))
    return losses


def test_run_was_killed_mid_epoch(runs):
    assert runs['killed_proc'].returncode == -signal.SIGKILL
    assert osp.basename(runs['last_checkpoint']) == \
        f'iter_{CHECKPOINT_INTERVAL}.pth'
    meta = load(runs['last_checkpoint'])['meta']
    # epoch 0 of 5 iterations, 3 done: the middle of the first epoch
    assert meta['epoch'] == 0 and meta['iter'] == CHECKPOINT_INTERVAL


def test_resumed_at_the_checkpoint_iteration(runs):
    log = runs['resumed_log']
    assert f'resumed epoch: 0, iter: {CHECKPOINT_INTERVAL}' in log
    assert (f'fast-forwarding past the {CHECKPOINT_INTERVAL} batches of '
            'epoch 1') in log
    # the resumed run trains the remaining iterations only, once each
    logged = [
        line.split('Epoch(train) ')[1].split()[0] for line in log.splitlines()
        if 'Epoch(train) ' in line
    ]
    expected = [
        f'[{i // ITERS_PER_EPOCH + 1}][{i % ITERS_PER_EPOCH + 1}/'
        f'{ITERS_PER_EPOCH}]'
        for i in range(CHECKPOINT_INTERVAL, EPOCHS * ITERS_PER_EPOCH)
    ]
    assert logged == expected


def test_final_weights_equal_uninterrupted_run(runs):
    last = f'iter_{EPOCHS * ITERS_PER_EPOCH}.pth'
    full, resumed = load(runs['full'] / last), load(runs['killed'] / last)
    assert full['meta']['iter'] == resumed['meta']['iter'] == \
        EPOCHS * ITERS_PER_EPOCH
    assert full['meta']['epoch'] == resumed['meta']['epoch']
    state = full['state_dict']
    mismatched = [
        k for k in state if not torch.equal(state[k], resumed['state_dict'][k])
    ]
    assert not mismatched, f'{len(mismatched)} tensors differ: {mismatched}'
    # optimizer (Adam moments and steps, of the model and the MI loss's
    # q network alike) and scheduler states too
    assert_nested_equal(full['optimizer'], resumed['optimizer'], 'optimizer')
    assert_nested_equal(full['param_schedulers'], resumed['param_schedulers'],
                        'param_schedulers')
    # the weights did change after the checkpoint
    at_checkpoint = load(runs['last_checkpoint'])['state_dict']
    assert any(not torch.equal(state[k], at_checkpoint[k]) for k in state)


def test_intermediate_checkpoints_and_losses_equal(runs):
    for step in range(2 * CHECKPOINT_INTERVAL, EPOCHS * ITERS_PER_EPOCH,
                      CHECKPOINT_INTERVAL):
        assert_nested_equal(
            load(runs['full'] / f'iter_{step}.pth')['state_dict'],
            load(runs['killed'] / f'iter_{step}.pth')['state_dict'],
            f'iter_{step}')
    # same batches and augmentations: the logged loss of every iteration,
    # in the killed run (1-4) and the resumed one (4-10), is the same as in
    # the uninterrupted run
    full_losses = dict(train_losses(runs['full']))
    assert sorted(full_losses) == list(range(1, EPOCHS * ITERS_PER_EPOCH + 1))
    interrupted = train_losses(runs['killed'])
    assert [i for i, _ in interrupted
            ] == list(range(1, KILLED_AFTER + 1)) + list(
                range(CHECKPOINT_INTERVAL + 1, EPOCHS * ITERS_PER_EPOCH + 1))
    assert all(loss == full_losses[i] for i, loss in interrupted)
