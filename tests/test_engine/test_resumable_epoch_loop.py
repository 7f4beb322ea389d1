# Copyright (c) tdmi_mmpose contributors.
"""ResumableEpochBasedTrainLoop on a toy model (in-process, seconds).

The toy data are augmented with NumPy noise in the main process
(``num_workers=0``) and the model uses dropout (PyTorch's generator), so a
resumed run only matches an uninterrupted one if it trains on the same
batches with the same random draws.
"""
import copy
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn
from torch.utils.data import Dataset

import tdmi_mmpose  # noqa: F401  (registers the loop)
from mmengine.runner import set_random_seed

from tdmi_mmpose.engine import ResumableEpochBasedTrainLoop, derive_seed

NUM_SAMPLES = 10
BATCH_SIZE = 2  # 5 iterations per epoch
EPOCHS = 2


class NoisyToyDataset(Dataset):
    """``x = index + N(0, 1)`` (NumPy's global generator), ``y = 2 * index``
    ."""
    metainfo = dict()

    def __len__(self):
        return NUM_SAMPLES

    def __getitem__(self, index):
        x = np.float32(index + np.random.randn())
        return dict(
            inputs=torch.tensor([x]), target=torch.tensor([2.0 * index]))


class DropoutToyModel(BaseModel):

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(1, 8)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(8, 1)

    def forward(self, inputs, target=None, mode='tensor'):
        out = self.fc2(self.drop(torch.relu(self.fc1(inputs))))
        if mode == 'loss':
            return dict(loss=((out - target)**2).mean())
        return out


def build_runner(work_dir,
                 loop='ResumableEpochBasedTrainLoop',
                 resume=None,
                 seed=0,
                 **loop_kwargs):
    torch.manual_seed(0)
    return Runner(
        model=DropoutToyModel(),
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=NoisyToyDataset(),
            sampler=dict(type='DefaultSampler', shuffle=True),
            batch_size=BATCH_SIZE,
            num_workers=0,
            collate_fn=dict(type='default_collate')),
        train_cfg=dict(type=loop, max_epochs=EPOCHS, **loop_kwargs),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        param_scheduler=dict(
            type='MultiStepLR', by_epoch=True, milestones=[1], gamma=0.1),
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=100),
            checkpoint=dict(type='CheckpointHook', by_epoch=False,
                            interval=1)),
        randomness=dict(seed=seed),
        default_scope='mmpose',
        resume=resume is not None,
        load_from=resume,
        experiment_name=f'toy_{osp.basename(str(work_dir))}')


def final_state(runner):
    return copy.deepcopy(runner.model.state_dict()), runner.iter


@pytest.fixture(scope='module')
def uninterrupted(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('full')
    runner = build_runner(work_dir)
    runner.train()
    return work_dir, final_state(runner)


def test_registered_and_used_by_the_configs():
    from mmengine.config import Config

    from mmpose.registry import LOOPS
    assert LOOPS.get('ResumableEpochBasedTrainLoop') is \
        ResumableEpochBasedTrainLoop
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    cfg = Config.fromfile(
        osp.join(root, 'configs', 'tdmi_tiny_posetrack_sample.py'))
    assert cfg.train_cfg.type == 'ResumableEpochBasedTrainLoop'
    assert cfg.train_dataloader.persistent_workers is False


def test_mid_epoch_resume_repeats_the_uninterrupted_run(
        uninterrupted, tmp_path):
    full_dir, (full_weights, full_iter) = uninterrupted
    assert full_iter == EPOCHS * NUM_SAMPLES // BATCH_SIZE
    runner = build_runner(tmp_path, resume=str(full_dir / 'iter_3.pth'))
    runner.train()
    weights, iteration = final_state(runner)
    assert iteration == full_iter
    for key, value in full_weights.items():
        assert torch.equal(weights[key], value), key


@pytest.mark.parametrize('checkpoint', ['iter_5.pth', 'iter_6.pth'])
def test_resume_at_and_after_an_epoch_end(uninterrupted, tmp_path, checkpoint):
    """``iter_5`` is written after the last step of epoch 1, before its
    end-of-epoch hooks (the learning-rate step); ``iter_6`` after the first
    step of epoch 2."""
    full_dir, (full_weights, full_iter) = uninterrupted
    runner = build_runner(tmp_path, resume=str(full_dir / checkpoint))
    runner.train()
    weights, iteration = final_state(runner)
    assert iteration == full_iter
    for key, value in full_weights.items():
        assert torch.equal(weights[key], value), key


def test_resume_of_a_run_without_a_configured_seed(tmp_path):
    """With ``randomness.seed=None`` mmengine draws a seed, saves it in the
    checkpoints and restores it on resume, but only after it has built the
    train data loader (sampler and worker seeds) with a new random seed; the
    loop rebuilds the loader with the resumed seed."""
    full = build_runner(tmp_path / 'full', seed=None)
    full.train()
    full_weights, full_iter = final_state(full)
    resumed = build_runner(
        tmp_path / 'resumed',
        seed=None,
        resume=str(tmp_path / 'full' / 'iter_3.pth'))
    resumed.train()
    weights, iteration = final_state(resumed)
    assert resumed.seed == full.seed
    assert iteration == full_iter
    for key, value in full_weights.items():
        assert torch.equal(weights[key], value), key


def test_mmengine_epoch_loop_replays_the_epoch(uninterrupted, tmp_path):
    """The reason for the loop: mmengine's own loop, resumed mid-epoch,
    trains the epoch's first batches again and runs past the schedule."""
    full_dir, (full_weights, full_iter) = uninterrupted
    runner = build_runner(
        tmp_path,
        loop='EpochBasedTrainLoop',
        resume=str(full_dir / 'iter_3.pth'))
    runner.train()
    _, iteration = final_state(runner)
    assert iteration == full_iter + 3


def test_without_reseeding_the_draws_differ(uninterrupted, tmp_path):
    full_dir, (full_weights, _) = uninterrupted
    runner = build_runner(
        tmp_path, resume=str(full_dir / 'iter_3.pth'), reseed_per_iter=False)
    runner.train()
    weights, _ = final_state(runner)
    assert any(not torch.equal(weights[k], v) for k, v in full_weights.items())


def test_derive_seed_reseeds_mmengine_set_random_seed():
    assert derive_seed(0, 3) == derive_seed(0, 3)
    assert len({derive_seed(0, i) for i in range(100)}) == 100
    assert derive_seed(0, 1) != derive_seed(1, 1)
    assert 0 <= derive_seed(2**40, -1) < 2**32
    set_random_seed(derive_seed(0, 7))
    first = (np.random.rand(), torch.rand(1).item())
    set_random_seed(derive_seed(0, 7))
    assert (np.random.rand(), torch.rand(1).item()) == first
