# Copyright (c) tdmi_mmpose contributors.
"""Data-parallel training and evaluation with two CPU processes (gloo).

``tools/dist_train.sh`` trains the smoke config for two epochs with two
processes; test-only hooks record, on each rank, the instances it trained
on and the model after every step. ``tools/dist_test.sh`` and
``mim test --launcher pytorch`` then evaluate the final checkpoint with two
processes, and ``tools/test.py`` with one: a recording PoseTrack AP metric
writes what it was given.
"""
import json
import os
import os.path as osp
import socket
import subprocess
import sys

import pytest
import torch
from tdmi_test_plugins import assert_nested_equal

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PLUGINS_DIR = osp.dirname(osp.abspath(__file__))
SMOKE_CONFIG = osp.join(ROOT, 'configs', 'tdmi_tiny_posetrack_sample.py')
DIST_TRAIN = osp.join(ROOT, 'tools', 'dist_train.sh')
DIST_TEST = osp.join(ROOT, 'tools', 'dist_test.sh')
EPOCHS = 2
BATCH_SIZE = 4
STEPS_PER_EPOCH = 5  # 40 training instances / 2 processes / batch 4

CONFIG = """
_base_ = [{base!r}]
custom_imports = dict(
    imports=['tdmi_mmpose', 'tdmi_test_plugins'], allow_failed_imports=False)
randomness = dict(seed=0)
train_cfg = dict(max_epochs={epochs}, val_interval={epochs})
param_scheduler = [
    dict(type='MultiStepLR', begin=0, end={epochs}, by_epoch=True,
         milestones=[1], gamma=0.1)
]
train_dataloader = dict(batch_size={batch_size}, num_workers=0)
val_dataloader = dict(num_workers=0)
test_dataloader = dict(num_workers=0)
custom_hooks = [dict(type='RecordRankStateHook', out_dir={record_dir!r})]
val_evaluator = dict(
    type='RecordingPoseTrackAPMetric', record_file={val_record!r})
test_evaluator = dict(type='RecordingPoseTrackAPMetric')
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def subprocess_env(port: int) -> dict:
    env = dict(os.environ)
    env.update(
        PATH=osp.dirname(sys.executable) + os.pathsep + env.get('PATH', ''),
        PYTHONPATH=os.pathsep.join(
            p for p in (PLUGINS_DIR, env.get('PYTHONPATH')) if p),
        PORT=str(port),
        MASTER_PORT=str(port),
        OMP_NUM_THREADS='1',
        MKL_NUM_THREADS='1')
    return env


def run(cmd, log_file, port=None, timeout=300):
    """Run ``cmd`` in the log file's folder (mmengine's distributed result
    collection leaves a ``.dist_test`` folder in the working directory);
    fail with the log's tail."""
    proc = subprocess.run(
        cmd,
        cwd=osp.dirname(str(log_file)),
        env=subprocess_env(port or free_port()),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout)
    with open(log_file, 'w') as f:
        f.write(proc.stdout)
    assert proc.returncode == 0, (
        f'{" ".join(map(str, cmd))} failed ({proc.returncode}):\n'
        f'{proc.stdout[-6000:]}')
    return proc.stdout


@pytest.fixture(scope='module')
def dist_training(tmp_path_factory, sample_data_root):
    """Train with two processes; return the folders and the config."""
    tmp = tmp_path_factory.mktemp('dist')
    record_dir = str(tmp / 'ranks')
    config = tmp / 'dist_cfg.py'
    config.write_text(
        CONFIG.format(
            base=SMOKE_CONFIG,
            epochs=EPOCHS,
            batch_size=BATCH_SIZE,
            record_dir=record_dir,
            val_record=str(tmp / 'records' / 'train_val.json')))
    work_dir = tmp / 'work'
    run([
        'bash', DIST_TRAIN,
        str(config), '2', '--work-dir',
        str(work_dir), '--cfg-options', f'data_root={sample_data_root}'
    ], tmp / 'train.log')
    return dict(
        tmp=tmp,
        config=str(config),
        work_dir=work_dir,
        record_dir=record_dir,
        checkpoint=str(work_dir / f'epoch_{EPOCHS}.pth'),
        data_root=sample_data_root)


def load_rank_records(record_dir):
    records = []
    for rank in range(2):
        with open(osp.join(record_dir, f'rank{rank}.json')) as f:
            records.append(json.load(f))
        records[-1]['state'] = torch.load(
            osp.join(record_dir, f'rank{rank}.pth'),
            map_location='cpu',
            weights_only=True)
    return records


def test_ranks_train_disjoint_shards(dist_training):
    rank0, rank1 = load_rank_records(dist_training['record_dir'])
    assert rank0['world_size'] == rank1['world_size'] == 2
    iters0, iters1 = rank0['iterations'], rank1['iterations']
    # 40 training instances / 2 ranks / batch 4 = 5 steps per epoch
    assert len(iters0) == len(iters1) == EPOCHS * STEPS_PER_EPOCH
    # per epoch the two ranks see disjoint halves that together cover the
    # training set once
    for epoch in range(EPOCHS):
        ids0 = [i for it in iters0 if it['epoch'] == epoch for i in it['ids']]
        ids1 = [i for it in iters1 if it['epoch'] == epoch for i in it['ids']]
        assert len(ids0) == len(set(ids0)) == 20
        assert len(ids1) == len(set(ids1)) == 20
        assert not set(ids0) & set(ids1)


def test_ranks_keep_identical_weights(dist_training):
    rank0, rank1 = load_rank_records(dist_training['record_dir'])
    # the parameters agree after every step, and they do change
    digests0 = [it['params_digest'] for it in rank0['iterations']]
    digests1 = [it['params_digest'] for it in rank1['iterations']]
    assert digests0 == digests1
    assert len(set(digests0)) == len(digests0)
    # At the end everything agrees: parameters, buffers (the BN statistics
    # are rank-local during an epoch and averaged at its end by
    # SyncBuffersHook) and the optimizer state.
    assert rank0['final_digest'] == rank1['final_digest']
    assert rank0['state']['optimizer']['state']
    assert_nested_equal(rank0['state'], rank1['state'])
    # the checkpoint (written by rank 0) is that model
    checkpoint = torch.load(
        dist_training['checkpoint'], map_location='cpu', weights_only=True)
    assert_nested_equal(checkpoint['state_dict'], rank0['state']['state_dict'])
    assert checkpoint['meta']['iter'] == EPOCHS * STEPS_PER_EPOCH


def read_record(path):
    with open(path) as f:
        return json.load(f)


@pytest.fixture(scope='module')
def single_process_eval(dist_training):
    record = osp.join(dist_training['tmp'], 'records', 'single.json')
    run([
        sys.executable,
        osp.join(ROOT, 'tools', 'test.py'), dist_training['config'],
        dist_training['checkpoint'], '--work-dir',
        str(dist_training['tmp'] / 'test_single'), '--cfg-options',
        f'data_root={dist_training["data_root"]}',
        f'test_evaluator.record_file={record}'
    ], osp.join(dist_training['tmp'], 'test_single.log'))
    return read_record(record)


def dataset_size(data_root, config):
    from mmengine.registry import init_default_scope

    from mmpose.registry import DATASETS
    from tdmi_mmpose.io.config import load_config
    cfg = load_config(config, dict(data_root=data_root))
    init_default_scope('mmpose')
    return len(DATASETS.build(cfg.test_dataloader.dataset))


@pytest.mark.parametrize('launcher', ['dist_test.sh', 'mim'])
def test_distributed_evaluation_sees_every_instance_once(
        dist_training, single_process_eval, launcher):
    """Two-process evaluation gives the single-process metrics and its
    metric gets every val instance exactly once: with the config's sampler
    (``round_up=False``, uneven shards of 12 and 11) through
    ``tools/dist_test.sh``, and with mmengine's default padding sampler
    (``round_up=True``, rank 1 gets a repeated instance) through
    ``mim test --launcher pytorch``."""
    tmp = dist_training['tmp']
    record = osp.join(tmp, 'records', f'dist_{launcher}.json')
    options = [
        '--work-dir',
        str(tmp / f'test_{launcher}'), '--cfg-options',
        f'data_root={dist_training["data_root"]}',
        f'test_evaluator.record_file={record}'
    ]
    port = free_port()
    if launcher == 'dist_test.sh':
        cmd = [
            'bash', DIST_TEST, dist_training['config'],
            dist_training['checkpoint'], '2'
        ] + options
    else:
        cmd = [
            osp.join(osp.dirname(sys.executable),
                     'mim'), 'test', 'tdmi_mmpose', dist_training['config'],
            '--checkpoint', dist_training['checkpoint'], '--launcher',
            'pytorch', '--gpus', '2', '--port',
            str(port)
        ] + options + ['test_dataloader.sampler.round_up=True']
    run(cmd, osp.join(tmp, f'test_{launcher}.log'), port=port)

    size = dataset_size(dist_training['data_root'], dist_training['config'])
    assert size % 2 == 1  # uneven shards, a padded one with round_up=True
    dist = read_record(record)
    single = single_process_eval
    assert dist['world_size'] == 2 and single['world_size'] == 1
    for rec in (dist, single):
        assert rec['dataset_size'] == size
        assert rec['num_results'] == size
        keys = [tuple(k) for k in rec['keys']]
        assert len(set(keys)) == size, 'an instance was counted twice'
    assert sorted(map(tuple,
                      dist['keys'])) == sorted(map(tuple, single['keys']))
    assert dist['metrics'] == single['metrics']


def test_validation_during_distributed_training_matches_checkpoint(
        dist_training, single_process_eval):
    """The validation run inside two-process training (BN statistics
    synchronised at the epoch's end) evaluates the same model as the saved
    checkpoint evaluated by one process."""
    during = read_record(
        osp.join(dist_training['tmp'], 'records', 'train_val.json'))
    assert during['num_results'] == single_process_eval['num_results']
    assert during['metrics'] == single_process_eval['metrics']
