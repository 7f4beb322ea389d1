# Copyright (c) tdmi_mmpose contributors.
"""VideoTopdownPoseEstimator with the real TDMI necks and MI loss."""
import copy
import time

import numpy as np
import pytest
import torch

from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

from test_video_topdown import (heatmap_head, make_clips, make_data_samples,
                                randomize_bn_statistics_, tiny_hrnet)

TINY_CHANNELS = 12


def tiny_tdmi(num_frames=5, test_cfg=None, con_weight=1.0):
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='VideoTopdownPoseEstimator',
            backbone=tiny_hrnet(widths=(TINY_CHANNELS, 16, 32, 64)),
            # built without a config, so the clip is given to both the
            # estimator and the TDE (a config declares it once)
            frame_offsets=[o - num_frames // 2 for o in range(num_frames)],
            neck=[
                dict(
                    type='TemporalDifferenceEncoder',
                    in_channels=TINY_CHANNELS,
                    num_frames=num_frames,
                    num_blocks=(1, 1, 1, 1),
                    deform_groups=4),
                dict(
                    type='RepresentationDisentanglement',
                    in_channels=TINY_CHANNELS,
                    hidden_channels=16,
                    num_aggregation_blocks=1),
            ],
            head=heatmap_head(channels=TINY_CHANNELS),
            mi_loss=dict(
                type='MutualInformationLoss',
                in_channels=TINY_CHANNELS,
                hidden_channels=16,
                con_weight=con_weight),
            test_cfg=test_cfg or dict(flip_test=False)))
    randomize_bn_statistics_(model)
    return model


@pytest.mark.parametrize('num_frames', [3, 5])
def test_tdmi_loss_and_gradient_flow(num_frames):
    model = tiny_tdmi(num_frames)
    model.train()
    key_frame_index = num_frames // 2
    losses = model(
        make_clips(2, num_frames),
        make_data_samples(2, key_frame_index),
        mode='loss')

    assert set(losses) == {
        'loss_kpt', 'acc_pose', 'loss_mi', 'loss_mi_q', 'loss_con',
        'mi_overlap'
    }
    assert all(torch.isfinite(v).all() for v in losses.values())
    # the split diagnostic: a cosine, logged, never back-propagated
    assert -1 <= losses['mi_overlap'] <= 1
    assert not losses['mi_overlap'].requires_grad
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()

    assert all(p.grad is None for p in model.backbone.parameters())
    trained = {
        n: p
        for n, p in model.named_parameters() if not n.startswith('backbone.')
    }
    for prefix in ('neck.0.', 'neck.1.', 'head.', 'mi_loss.'):
        assert any(n.startswith(prefix) for n in trained), prefix
    no_grad = [n for n, p in trained.items() if p.grad is None]
    assert not no_grad


def test_tdmi_predict_with_flip_test():
    model = tiny_tdmi(
        test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))
    model.eval()
    # positive heatmaps: mmpose decodes non-positive maxima to -1
    torch.nn.init.constant_(model.head.final_layer.bias, 1.)
    with torch.no_grad():
        results = model(make_clips(), make_data_samples(), mode='predict')
    assert len(results) == 2
    for result in results:
        assert isinstance(result, PoseDataSample)
        keypoints = result.pred_instances.keypoints
        assert keypoints.shape == (1, 4, 2) and np.isfinite(keypoints).all()
        x1, y1, x2, y2 = result.gt_instances.bboxes[0]
        assert ((keypoints[0, :, 0] >= x1) & (keypoints[0, :, 0] <= x2)).all()
        assert ((keypoints[0, :, 1] >= y1) & (keypoints[0, :, 1] <= y2)).all()


def test_tdmi_checkpoint_round_trip(tmp_path):
    model = tiny_tdmi()
    model.eval()
    torch.save(model.state_dict(), tmp_path / 'tdmi.pth')
    torch.manual_seed(7)
    restored = copy.deepcopy(model)
    for p in restored.parameters():
        torch.nn.init.normal_(p)
    restored.load_state_dict(torch.load(tmp_path / 'tdmi.pth'), strict=True)
    clips = make_clips()
    with torch.no_grad():
        torch.testing.assert_close(
            restored(clips, mode='tensor'),
            model(clips, mode='tensor'),
            rtol=0,
            atol=0)


W48_EXTRA = dict(
    stage1=dict(
        num_modules=1,
        num_branches=1,
        block='BOTTLENECK',
        num_blocks=(4, ),
        num_channels=(64, )),
    stage2=dict(
        num_modules=1,
        num_branches=2,
        block='BASIC',
        num_blocks=(4, 4),
        num_channels=(48, 96)),
    stage3=dict(
        num_modules=4,
        num_branches=3,
        block='BASIC',
        num_blocks=(4, 4, 4),
        num_channels=(48, 96, 192)),
    stage4=dict(
        num_modules=3,
        num_branches=4,
        block='BASIC',
        num_blocks=(4, 4, 4, 4),
        num_channels=(48, 96, 192, 384),
        multiscale_output=False))


@pytest.mark.slow  # 20-45 s on 2 shared CPU cores
def test_full_size_w48_forward():
    """TDMI on HRNet-W48, (2, 5, 3, 384, 288) -> (2, 17, 96, 72)."""
    model = MODELS.build(
        dict(
            type='VideoTopdownPoseEstimator',
            backbone=dict(type='MultiStageHRNet', extra=W48_EXTRA),
            neck=[
                dict(type='TemporalDifferenceEncoder', in_channels=48),
                dict(type='RepresentationDisentanglement', in_channels=48),
            ],
            head=heatmap_head(
                channels=48, num_keypoints=17, input_size=(288, 384)),
            mi_loss=dict(type='MutualInformationLoss', in_channels=48)))
    model.eval()
    assert sum(p.numel() for p in model.backbone.parameters()) == 63_594_912
    clips = torch.randn(2, 5, 3, 384, 288)
    start = time.time()
    with torch.no_grad():
        heatmaps = model(clips, mode='tensor')
    print(f'full-size forward: {time.time() - start:.1f} s')
    assert heatmaps.shape == (2, 17, 96, 72)
    assert torch.isfinite(heatmaps).all()


def test_train_and_test_step_through_data_preprocessor():
    """The runner's path: uint8 (T, 3, H, W) samples -> preprocessor ->
    model; train_step updates the necks/head, never the frozen backbone."""
    from mmengine.optim import OptimWrapper

    model = tiny_tdmi(
        test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))
    model.data_preprocessor = MODELS.build(
        dict(
            type='VideoPoseDataPreprocessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True))
    gen = torch.Generator().manual_seed(3)
    frames = [
        torch.randint(0, 256, (5, 3, 64, 32), generator=gen).to(torch.uint8)
        for _ in range(2)
    ]
    backbone_before = copy.deepcopy(model.backbone.state_dict())
    neck_before = copy.deepcopy(model.neck.state_dict())

    model.train()
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    log_vars = model.train_step(
        dict(inputs=frames, data_samples=make_data_samples(2)), optim_wrapper)
    assert {'loss', 'loss_kpt', 'loss_mi', 'loss_mi_q',
            'loss_con', 'mi_overlap'} <= set(log_vars)
    assert torch.isfinite(log_vars['loss'])
    # the log shows the heatmap loss first, and `loss` is the pose model's
    # objective: every term but q's negative log-likelihood
    assert list(log_vars)[:2] == ['loss_kpt', 'loss']
    torch.testing.assert_close(
        log_vars['loss'],
        log_vars['loss_kpt'] + log_vars['loss_mi'] + log_vars['loss_con'])
    for key, value in model.backbone.state_dict().items():
        assert torch.equal(value, backbone_before[key]), key
    assert any(not torch.equal(v, neck_before[k])
               for k, v in model.neck.state_dict().items())

    model.eval()
    results = model.test_step(
        dict(
            inputs=frames,
            data_samples=make_data_samples(2, with_targets=False)))
    assert len(results) == 2
    assert all(r.pred_instances.keypoints.shape == (1, 4, 2) for r in results)


def test_parse_losses_backpropagates_every_term():
    model = tiny_tdmi(5)
    losses = dict(
        loss_kpt=torch.tensor(0.5, requires_grad=True),
        acc_pose=torch.tensor(0.1),
        loss_mi=torch.tensor(0.25, requires_grad=True),
        loss_mi_q=torch.tensor(-3.0, requires_grad=True),
        mi_overlap=torch.tensor(0.9))
    total, log_vars = model.parse_losses(losses)
    # back-propagated: all loss terms, q's included (it trains q only)
    assert total.item() == pytest.approx(0.5 + 0.25 - 3.0)
    total.backward()
    assert losses['loss_mi_q'].grad is not None
    assert log_vars['loss'].item() == pytest.approx(0.75)
    assert list(log_vars) == ['loss_kpt', 'loss', 'acc_pose', 'loss_mi',
                              'loss_mi_q', 'mi_overlap']


def test_neck_init_cfg_is_applied_by_init_weights():
    """The necks live in an mmengine ModuleList, so a neck's ``init_cfg``
    reaches its weights when the estimator's ``init_weights`` runs."""
    model = MODELS.build(
        dict(
            type='VideoTopdownPoseEstimator',
            backbone=tiny_hrnet(widths=(TINY_CHANNELS, 16, 32, 64)),
            neck=[
                dict(
                    type='TemporalDifferenceEncoder',
                    in_channels=TINY_CHANNELS,
                    num_frames=5,
                    num_blocks=(1, 1, 1, 1),
                    use_dcn=False,
                    init_cfg=dict(
                        type='Constant', layer='Conv2d', val=0.25, bias=0.5))
            ],
            head=heatmap_head(channels=TINY_CHANNELS)))
    convs = [
        m for m in model.neck[0].modules() if isinstance(m, torch.nn.Conv2d)
    ]
    assert convs and not all(torch.all(c.weight == 0.25) for c in convs)
    model.init_weights()
    for conv in convs:
        assert torch.all(conv.weight == 0.25)
        assert conv.bias is None or torch.all(conv.bias == 0.5)
