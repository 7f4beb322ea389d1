"""The deployment tests' one export (it takes seconds): the tiny config's
network with random weights (seed 0), shared by every test module, and the
same weights as a PyTorch checkpoint."""
import os.path as osp

import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY = osp.join(ROOT, 'configs', 'tdmi_tiny_posetrack_sample.py')


@pytest.fixture(scope='session')
def tiny_export(tmp_path_factory):
    """``(cfg, network, onnx_file)``: the tiny config, its network (seed 0)
    and the network exported to ONNX."""
    pytest.importorskip('onnxruntime')
    pytest.importorskip('onnxscript')
    from tdmi_mmpose.deployment import (build_network, clip_input_shape,
                                        export_onnx)
    from tdmi_mmpose.io import load_config
    cfg = load_config(TINY)
    torch.manual_seed(0)
    network = build_network(cfg)
    onnx_file = str(tmp_path_factory.mktemp('onnx') / 'tiny.onnx')
    export_onnx(network, clip_input_shape(cfg), onnx_file)
    return cfg, network, onnx_file


@pytest.fixture(scope='session')
def tiny_checkpoint(tiny_export, tmp_path_factory):
    """The exported network's PyTorch weights as a checkpoint file."""
    from tdmi_mmpose.deployment import save_network_checkpoint
    _, network, _ = tiny_export
    path = str(tmp_path_factory.mktemp('ckpt') / 'tiny_random.pth')
    save_network_checkpoint(network, path)
    return path
