# Copyright (c) tdmi_mmpose contributors.
"""Tests of VideoTopdownPoseEstimator on a tiny HRNet with stand-in necks.

The stand-in necks and loss below follow the dict contract of
``docs/architecture.md``; they are registered under test-only names.
"""
import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import InstanceData, PixelData
from torch import nn

from mmpose.models.utils.tta import flip_heatmaps
from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample
from tdmi_mmpose.models import VideoTopdownPoseEstimator
from tdmi_mmpose.utils.errors import InputError

NUM_KEYPOINTS = 4
FLIP_INDICES = [0, 2, 1, 3]
CHANNELS = 8
IMG_H, IMG_W = 64, 32
HEATMAP_H, HEATMAP_W = IMG_H // 4, IMG_W // 4


@MODELS.register_module(name='TestOnlyTemporalNeck', force=True)
class StandInTemporalNeck(nn.Module):
    """Sets ``motion`` (from frame differences), ``key_feat`` and ``out``."""

    def __init__(self, channels):
        super().__init__()
        self.motion_conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, feats):
        last_stage = feats['stage_feats'][-1]  # (B, T, C, h, w)
        key_feat = last_stage[:, feats['key_frame_index']]
        differences = (last_stage[:, 1:] - last_stage[:, :-1]).mean(1)
        motion = self.motion_conv(differences +
                                  sum(stage[:, feats['key_frame_index']]
                                      for stage in feats['stage_feats'][:-1]))
        return dict(feats, motion=motion, key_feat=key_feat, out=motion)


@MODELS.register_module(name='TestOnlyDisentangleNeck', force=True)
class StandInDisentangleNeck(nn.Module):
    """Sets ``useful``, ``noisy``, ``mi_inputs``, ``aggregated`` and
    ``out``."""

    def __init__(self, channels):
        super().__init__()
        self.gate = nn.Linear(channels, channels)
        self.aggregate = nn.Conv2d(2 * channels, channels, 3, padding=1)

    def forward(self, feats):
        motion = feats['motion']
        gate = torch.sigmoid(self.gate(motion.mean((2, 3))))[..., None, None]
        useful = gate * motion
        aggregated = self.aggregate(torch.cat([useful, feats['key_feat']], 1))
        noisy = motion - useful
        return dict(
            feats,
            useful=useful,
            noisy=noisy,
            mi_inputs=dict(motion=motion, useful=useful, noisy=noisy),
            aggregated=aggregated,
            out=aggregated)


@MODELS.register_module(name='TestOnlyMILoss', force=True)
class StandInMILoss(nn.Module):
    """Returns ``loss_mi``, ``loss_mi_q`` and ``loss_con`` from the feats."""

    def __init__(self, channels):
        super().__init__()
        self.predictor = nn.Linear(channels, channels)

    def forward(self, feats):
        useful = feats['useful'].mean((2, 3))
        noisy = feats['noisy'].mean((2, 3))
        return dict(
            loss_mi=(self.predictor(useful) * noisy).mean().abs(),
            loss_mi_q=F.mse_loss(
                self.predictor(useful.detach()), noisy.detach()),
            loss_con=F.mse_loss(feats['useful'] + feats['noisy'],
                                feats['motion']))


def tiny_hrnet(frozen=True, widths=(CHANNELS, 16, 32, 64), init_cfg=None):
    w1, w2, w3, w4 = widths
    extra = dict(
        stage1=dict(
            num_modules=1,
            num_branches=1,
            block='BOTTLENECK',
            num_blocks=(1, ),
            num_channels=(w1, )),
        stage2=dict(
            num_modules=1,
            num_branches=2,
            block='BASIC',
            num_blocks=(1, 1),
            num_channels=(w1, w2)),
        stage3=dict(
            num_modules=1,
            num_branches=3,
            block='BASIC',
            num_blocks=(1, 1, 1),
            num_channels=(w1, w2, w3)),
        stage4=dict(
            num_modules=1,
            num_branches=4,
            block='BASIC',
            num_blocks=(1, 1, 1, 1),
            num_channels=(w1, w2, w3, w4),
            multiscale_output=False))
    cfg = dict(type='MultiStageHRNet', extra=extra, frozen=frozen)
    if init_cfg is not None:
        cfg['init_cfg'] = init_cfg
    return cfg


def heatmap_head(channels=CHANNELS,
                 num_keypoints=NUM_KEYPOINTS,
                 input_size=(IMG_W, IMG_H)):
    return dict(
        type='HeatmapHead',
        in_channels=channels,
        out_channels=num_keypoints,
        deconv_out_channels=None,
        final_layer=dict(kernel_size=3, padding=1),
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=dict(
            type='MSRAHeatmap',
            input_size=input_size,
            heatmap_size=(input_size[0] // 4, input_size[1] // 4),
            sigma=2))


STAND_IN_NECKS = [
    dict(type='TestOnlyTemporalNeck', channels=CHANNELS),
    dict(type='TestOnlyDisentangleNeck', channels=CHANNELS),
]


def build_estimator(neck=STAND_IN_NECKS,
                    mi_loss=dict(type='TestOnlyMILoss', channels=CHANNELS),
                    test_cfg=None,
                    frozen=True,
                    seed=0,
                    frame_offsets=(-2, -1, 0, 1, 2)):
    torch.manual_seed(seed)
    model = MODELS.build(
        dict(
            type='VideoTopdownPoseEstimator',
            backbone=tiny_hrnet(frozen=frozen),
            frame_offsets=frame_offsets,
            neck=copy.deepcopy(neck),
            head=heatmap_head(),
            mi_loss=mi_loss,
            test_cfg=test_cfg or dict(flip_test=False)))
    randomize_bn_statistics_(model)
    return model


def randomize_bn_statistics_(model):
    """Non-trivial BN statistics, so that eval-mode outputs are not flat."""
    gen = torch.Generator().manual_seed(1)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.copy_(
                torch.randn(module.num_features, generator=gen) * 0.1)
            module.running_var.copy_(
                torch.rand(module.num_features, generator=gen) + 0.5)


def make_clips(batch_size=2, num_frames=5, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(batch_size, num_frames, 3, IMG_H, IMG_W, generator=gen)


def make_data_samples(batch_size=2, key_frame_index=2, with_targets=True):
    gen = torch.Generator().manual_seed(2)
    samples = []
    for i in range(batch_size):
        center = np.array([[300. + 50 * i, 200.]], dtype=np.float32)
        scale = np.array([[90., 180.]], dtype=np.float32)
        metainfo = dict(
            input_size=(IMG_W, IMG_H),
            input_center=center,
            input_scale=scale,
            flip_indices=FLIP_INDICES)
        if key_frame_index is not None:
            metainfo['key_frame_index'] = key_frame_index
        sample = PoseDataSample(metainfo=metainfo)
        sample.gt_instances = InstanceData(
            bboxes=np.concatenate([center - scale / 2, center + scale / 2],
                                  axis=1),
            bbox_scores=np.ones(1, dtype=np.float32))
        if with_targets:
            sample.gt_fields = PixelData(
                heatmaps=torch.rand(
                    NUM_KEYPOINTS, HEATMAP_H, HEATMAP_W, generator=gen))
            sample.gt_instance_labels = InstanceData(
                keypoint_weights=torch.tensor([[1., 1., 0., 1.]]))
        samples.append(sample)
    return samples


def test_registered_and_necks_kept_in_order():
    model = build_estimator()
    assert isinstance(model, VideoTopdownPoseEstimator)
    assert [type(n) for n in model.neck
            ] == [StandInTemporalNeck, StandInDisentangleNeck]
    assert isinstance(model.mi_loss, StandInMILoss)

    single = build_estimator(neck=STAND_IN_NECKS[0], mi_loss=None)
    assert len(single.neck) == 1 and single.mi_loss is None
    assert any(k.startswith('neck.0.') for k in single.state_dict())


def test_tensor_mode_heatmap_shape():
    model = build_estimator()
    model.eval()
    with torch.no_grad():
        heatmaps = model(make_clips(), make_data_samples(), mode='tensor')
    assert heatmaps.shape == (2, NUM_KEYPOINTS, HEATMAP_H, HEATMAP_W)
    assert torch.isfinite(heatmaps).all()
    # extract_feat gives the head its input tuple
    feats = model.extract_feat(make_clips())
    assert isinstance(feats, tuple) and len(feats) == 1
    assert feats[0].shape == (2, CHANNELS, HEATMAP_H, HEATMAP_W)


def test_backbone_runs_once_on_all_frames():
    model = build_estimator()
    model.eval()
    calls = []
    model.backbone.register_forward_hook(
        lambda module, args, out: calls.append(tuple(args[0].shape)))
    feats = model.extract_video_feats(make_clips(2, 5))
    assert calls == [(10, 3, IMG_H, IMG_W)]
    assert len(feats['stage_feats']) == 4
    for stage in feats['stage_feats']:
        assert stage.shape == (2, 5, CHANNELS, HEATMAP_H, HEATMAP_W)
    assert feats['key_frame_index'] == 2
    for key in ('motion', 'key_feat', 'useful', 'noisy', 'aggregated'):
        assert feats[key].shape == (2, CHANNELS, HEATMAP_H, HEATMAP_W)
    assert feats['out'] is feats['aggregated']


@pytest.mark.parametrize('key_frame_index', [0, 1, 3])
def test_frames_are_regrouped_per_clip(key_frame_index):
    """Without necks the head sees the key frame's last stage: each clip's
    output must equal that of its key frame alone."""
    offsets = [i - key_frame_index for i in range(4)]
    model = build_estimator(neck=None, mi_loss=None, frame_offsets=offsets)
    single = build_estimator(neck=None, mi_loss=None, frame_offsets=[0])
    single.load_state_dict(model.state_dict())
    model.eval()
    single.eval()
    clips = make_clips(batch_size=3, num_frames=4)
    with torch.no_grad():
        heatmaps = model(clips, mode='tensor')
        key_frames_only = single(
            clips[:, key_frame_index:key_frame_index + 1], mode='tensor')
    torch.testing.assert_close(heatmaps, key_frames_only)


def test_key_frame_is_where_the_offset_is_zero():
    assert build_estimator().key_frame_index == 2
    model = build_estimator(frame_offsets=[-1, 0, 1, 2], neck=None,
                            mi_loss=None)
    assert model.frame_offsets == [-1, 0, 1, 2]
    assert model.key_frame_index == 1
    # clips of another length than the declared clip
    with pytest.raises(AssertionError, match=r'T = 4 frames'):
        model(make_clips(2, 5), mode='tensor')


def test_rejects_image_batches():
    model = build_estimator()
    with pytest.raises(AssertionError, match=r'\(B, T, 3, H, W\)'):
        model(torch.randn(2, 3, IMG_H, IMG_W), mode='tensor')


def test_loss_keys_values_and_gradient_flow():
    model = build_estimator()
    model.train()
    losses = model(make_clips(), make_data_samples(), mode='loss')

    assert set(losses) == {
        'loss_kpt', 'acc_pose', 'loss_mi', 'loss_mi_q', 'loss_con'
    }
    assert all(torch.isfinite(v).all() for v in losses.values())
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    total.backward()

    backbone_params = list(model.backbone.parameters())
    assert all(not p.requires_grad and p.grad is None for p in backbone_params)
    trained = {
        name: p
        for name, p in model.named_parameters()
        if not name.startswith('backbone.')
    }
    assert any(n.startswith('neck.0.') for n in trained)
    assert any(n.startswith('neck.1.') for n in trained)
    assert any(n.startswith('head.') for n in trained)
    assert any(n.startswith('mi_loss.') for n in trained)
    no_grad = [n for n, p in trained.items() if p.grad is None]
    assert not no_grad
    zero_grad = [n for n, p in trained.items() if not p.grad.abs().sum() > 0]
    assert not zero_grad


def test_frozen_backbone_builds_no_autograd_graph_in_training():
    """In training mode the frozen backbone runs once on the B*T frames
    without recording a graph (its features have no ``grad_fn``) and keeps
    its BN statistics, while the necks' outputs are differentiable."""
    model = build_estimator()
    model.train()
    bns = [
        m for m in model.backbone.modules()
        if isinstance(m, nn.modules.batchnorm._BatchNorm)
    ]
    assert bns and not any(bn.training for bn in bns)
    calls = []
    model.backbone.register_forward_hook(
        lambda module, args, out: calls.append(
            (tuple(args[0].shape), torch.is_grad_enabled())))
    feats = model.extract_video_feats(make_clips(2, 5).requires_grad_())
    assert calls == [((10, 3, IMG_H, IMG_W), True)]
    for stage in feats['stage_feats']:
        assert stage.grad_fn is None and not stage.requires_grad
    assert torch.is_grad_enabled()
    for key in ('motion', 'useful', 'noisy', 'out'):
        assert feats[key].requires_grad and feats[key].grad_fn is not None


def test_loss_with_unfrozen_backbone_trains_backbone():
    model = build_estimator(frozen=False)
    model.train()
    losses = model(make_clips(), make_data_samples(), mode='loss')
    losses['loss_kpt'].backward()
    assert all(p.grad is not None for p in model.backbone.parameters())


def test_loss_without_mi_loss():
    model = build_estimator(mi_loss=None)
    losses = model(make_clips(), make_data_samples(), mode='loss')
    assert set(losses) == {'loss_kpt', 'acc_pose'}


def test_mi_loss_without_a_disentangling_neck_is_a_clear_error():
    model = build_estimator()
    forward = model.neck[-1].forward
    model.neck[-1].forward = lambda feats: {
        k: v
        for k, v in forward(feats).items() if k != 'mi_inputs'
    }
    with pytest.raises(InputError, match=r'mi_loss needs .*mi_loss=None'):
        model(make_clips(), make_data_samples(), mode='loss')


def test_mi_loss_key_clash_errors():
    model = build_estimator()
    model.mi_loss.forward = lambda feats: dict(loss_kpt=torch.zeros(()))
    with pytest.raises(AssertionError, match='loss_kpt'):
        model(make_clips(), make_data_samples(), mode='loss')


def decode_to_image(model, heatmaps, data_samples):
    """Decode heatmaps with the head's codec and map them to the image."""
    keypoints = []
    for heatmap, sample in zip(heatmaps, data_samples):
        kpts, _ = model.head.decoder.decode(heatmap.numpy())
        kpts = kpts / np.array(sample.input_size) * sample.input_scale + (
            sample.input_center - 0.5 * sample.input_scale)
        keypoints.append(kpts)
    return np.stack(keypoints)


@pytest.mark.parametrize('flip_test', [False, True])
def test_predict_keypoints_in_image_coordinates(flip_test):
    test_cfg = dict(
        flip_test=flip_test,
        flip_mode='heatmap',
        shift_heatmap=True,
        output_heatmaps=True)
    model = build_estimator(test_cfg=test_cfg)
    model.eval()
    # positive heatmaps: mmpose decodes non-positive maxima to -1
    nn.init.constant_(model.head.final_layer.bias, 1.)
    clips = make_clips()
    with torch.no_grad():
        results = model(clips, make_data_samples(), mode='predict')
        heatmaps = model(clips, mode='tensor')
        flipped = flip_heatmaps(
            model(clips.flip(-1), mode='tensor'),
            flip_mode='heatmap',
            flip_indices=FLIP_INDICES,
            shift_heatmap=True)
        key_frame_flipped = clips.clone()
        key_frame_flipped[:, 2] = clips[:, 2].flip(-1)
        # the necks see all frames: flipping only the key frame would differ
        assert not torch.allclose(
            model(key_frame_flipped, mode='tensor'),
            model(clips.flip(-1), mode='tensor'),
            atol=1e-4)
    expected_heatmaps = (heatmaps + flipped) / 2 if flip_test else heatmaps

    assert len(results) == 2
    assert all(isinstance(r, PoseDataSample) for r in results)
    predicted = np.stack([r.pred_instances.keypoints for r in results])[:, 0]
    torch.testing.assert_close(
        torch.stack([r.pred_fields.heatmaps for r in results]),
        expected_heatmaps)
    np.testing.assert_allclose(
        predicted,
        decode_to_image(model, expected_heatmaps, make_data_samples())[:, 0],
        rtol=1e-5)
    for r in results:
        assert r.pred_instances.keypoint_scores.shape == (1, NUM_KEYPOINTS)
        x1, y1, x2, y2 = r.gt_instances.bboxes[0]
        kpts = r.pred_instances.keypoints[0]
        assert ((kpts[:, 0] >= x1) & (kpts[:, 0] <= x2)).all()
        assert ((kpts[:, 1] >= y1) & (kpts[:, 1] <= y2)).all()
        np.testing.assert_array_equal(r.pred_instances.bboxes,
                                      r.gt_instances.bboxes)


def test_init_weights_loads_backbone_from_pose_checkpoint(tmp_path):
    """The backbone of an mmpose TopdownPoseEstimator checkpoint initialises
    the frozen backbone; a missing file fails in init_weights."""
    image_model = MODELS.build(
        dict(
            type='TopdownPoseEstimator',
            backbone=dict(
                type='HRNet', extra=tiny_hrnet(frozen=False)['extra']),
            head=heatmap_head()))
    randomize_bn_statistics_(image_model)
    path = tmp_path / 'topdown_hrnet.pth'
    torch.save(dict(state_dict=image_model.state_dict()), path)

    for prefix in ('backbone.', None):
        model = MODELS.build(
            dict(
                type='VideoTopdownPoseEstimator',
                backbone=tiny_hrnet(
                    init_cfg=dict(
                        type='Pretrained', checkpoint=str(path),
                        prefix=prefix)),
                neck=STAND_IN_NECKS,
                head=heatmap_head()))
        model.init_weights()
        expected = image_model.backbone.state_dict()
        loaded = model.backbone.state_dict()
        assert list(loaded) == list(expected)
        assert all(torch.equal(loaded[k], v) for k, v in expected.items())

    missing = str(tmp_path / 'missing_hrnet_w48.pth')
    model = MODELS.build(
        dict(
            type='VideoTopdownPoseEstimator',
            backbone=tiny_hrnet(
                init_cfg=dict(type='Pretrained', checkpoint=missing)),
            head=heatmap_head()))
    with pytest.raises(FileNotFoundError, match='missing_hrnet_w48.pth'):
        model.init_weights()


def test_checkpoint_round_trip(tmp_path):
    model = build_estimator(seed=0)
    model.eval()
    path = tmp_path / 'model.pth'
    torch.save(model.state_dict(), path)

    restored = build_estimator(seed=123)
    restored.eval()
    clips = make_clips()
    with torch.no_grad():
        assert not torch.allclose(
            model(clips, mode='tensor'), restored(clips, mode='tensor'))
        restored.load_state_dict(torch.load(path), strict=True)
        torch.testing.assert_close(
            restored(clips, mode='tensor'),
            model(clips, mode='tensor'),
            rtol=0,
            atol=0)
