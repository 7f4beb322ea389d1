"""CUDA checks of the full-size TDMI model (skipped without a GPU).

They cover what the CPU suite cannot: DCN v2 on CUDA against the CPU
computation, and mixed-precision (``--amp``) training of the HRNet-W48 TDMI
model with the MI loss in fp16 autocast.
"""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import AmpOptimWrapper
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData, PixelData

from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample
from tdmi_mmpose.models.utils import DeformConvV2

pytestmark = pytest.mark.skipif(
    not torch.cuda.is_available(), reason='needs CUDA')

CONFIG = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'configs',
    'tdmi_hrnet_w48_posetrack17.py')


def _main_model():
    """The main config's model with a random backbone (no checkpoint)."""
    cfg = Config.fromfile(CONFIG)
    cfg.model.backbone.init_cfg = None
    init_default_scope(cfg.default_scope)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model.cuda()


def _batch(batch_size=2, num_frames=5, key_frame_index=2):
    """Uint8 clips (B, T, 3, 384, 288) and data samples with targets."""
    gen = torch.Generator().manual_seed(0)
    inputs = [
        torch.randint(0, 256, (num_frames, 3, 384, 288),
                      generator=gen).to(torch.uint8)
        for _ in range(batch_size)
    ]
    samples = []
    for _ in range(batch_size):
        sample = PoseDataSample(
            metainfo=dict(
                key_frame_index=key_frame_index,
                input_size=(288, 384),
                input_center=np.array([[144., 192.]], dtype=np.float32),
                input_scale=np.array([[288., 384.]], dtype=np.float32)))
        sample.gt_fields = PixelData(
            heatmaps=torch.rand(17, 96, 72, generator=gen))
        sample.gt_instance_labels = InstanceData(
            keypoint_weights=torch.ones(1, 17))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def test_dcn_cuda_matches_cpu():
    torch.manual_seed(0)
    x = torch.randn(2, 48, 24, 18)
    offset = torch.randn(2, 2 * 12 * 9, 24, 18) * 2
    mask = torch.rand(2, 12 * 9, 24, 18)
    cpu = DeformConvV2(48, 48, deform_groups=12)
    expected = cpu(x, offset, mask)
    gpu = DeformConvV2(48, 48, deform_groups=12).cuda()
    gpu.load_state_dict(cpu.state_dict())
    out = gpu(x.cuda(), offset.cuda(), mask.cuda())
    torch.testing.assert_close(out.cpu(), expected, atol=1e-4, rtol=1e-4)


def test_main_model_forward_shape_on_cuda():
    model = _main_model().eval()
    data = model.data_preprocessor(_batch(), training=False)
    assert data['inputs'].shape == (2, 5, 3, 384, 288)
    with torch.no_grad():
        heatmaps = model(data['inputs'], data['data_samples'], mode='tensor')
    assert heatmaps.shape == (2, 17, 96, 72)
    assert torch.isfinite(heatmaps).all()


def test_amp_training_is_finite_and_trains_only_the_temporal_parts():
    model = _main_model().train()
    optimizer = torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=1e-3)
    optim_wrapper = AmpOptimWrapper(optimizer=optimizer, dtype='float16')
    before = {
        n: p.detach().clone()
        for n, p in model.named_parameters()
    }
    history = []
    # the loss scaler skips the first steps if their fp16 gradients overflow
    for _ in range(8):
        losses = model.train_step(_batch(), optim_wrapper)
        assert all(torch.isfinite(v).all() for v in losses.values()), losses
        history.append({k: float(v.detach()) for k, v in losses.items()})
    assert {'loss_kpt', 'loss_mi', 'loss_mi_q', 'loss_con'} <= set(history[0])
    changed = {
        n
        for n, p in model.named_parameters()
        if not torch.equal(p.detach(), before[n])
    }
    assert not any(n.startswith('backbone.') for n in changed)
    for prefix in ('neck.0.', 'neck.1.', 'head.', 'mi_loss.'):
        assert any(n.startswith(prefix) for n in changed), prefix
