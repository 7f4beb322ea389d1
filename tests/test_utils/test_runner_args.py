# Copyright (c) tdmi_mmpose contributors.
"""setup_distributed: the pytorch launcher without a GPU (gloo, CPU DDP).

Two-process runs are tested in tests/test_tools/test_distributed.py."""
import socket

import pytest
import torch
from mmengine.config import Config

from tdmi_mmpose.io.runner_args import setup_distributed

needs_no_gpu = pytest.mark.skipif(
    torch.cuda.is_available(), reason='tests the set-up without a GPU')


def make_cfg(**kwargs):
    cfg = dict(launcher='pytorch', env_cfg=dict(dist_cfg=dict(backend='nccl')))
    cfg.update(kwargs)
    return Config(cfg)


def test_other_launchers_are_left_alone():
    cfg = make_cfg(launcher='none')
    setup_distributed(cfg)
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert 'model_wrapper_cfg' not in cfg


@needs_no_gpu
def test_sync_bn_on_cpu_is_a_clear_error():
    with pytest.raises(RuntimeError, match='sync_bn.*needs CUDA'):
        setup_distributed(make_cfg(sync_bn='torch'))


@needs_no_gpu
def test_cpu_process_group_and_ddp_wrapper(monkeypatch):
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    for key, value in dict(
            RANK='0',
            WORLD_SIZE='1',
            LOCAL_RANK='0',
            MASTER_ADDR='127.0.0.1',
            MASTER_PORT=str(port)).items():
        monkeypatch.setenv(key, value)
    assert not torch.distributed.is_initialized()
    cfg = make_cfg(find_unused_parameters=True)
    try:
        setup_distributed(cfg)
        assert torch.distributed.is_initialized()
        assert torch.distributed.get_backend() == 'gloo'
        assert cfg.env_cfg.dist_cfg.backend == 'gloo'
        assert cfg.model_wrapper_cfg == dict(
            type='MMDistributedDataParallel',
            device_ids=None,
            broadcast_buffers=False,
            find_unused_parameters=True)
        # a user's DDP wrapper config keeps its options, gets device_ids
        cfg = make_cfg(
            model_wrapper_cfg=dict(
                type='MMDistributedDataParallel', broadcast_buffers=True))
        setup_distributed(cfg)  # the process group exists already
        assert cfg.model_wrapper_cfg == dict(
            type='MMDistributedDataParallel',
            broadcast_buffers=True,
            device_ids=None)
    finally:
        if torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()
