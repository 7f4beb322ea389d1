import pytest
import torch
import torch.nn.functional as F
from mmpose.registry import MODELS

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.models.necks import (TemporalDifferenceEncoder,
                                      temporal_differences)

C, H, W = 8, 6, 5


def _tiny_tde(**kwargs):
    cfg = dict(
        type='TemporalDifferenceEncoder',
        in_channels=C,
        num_frames=5,
        num_blocks=(1, 1, 1, 1),
        deform_groups=2)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def _feats(batch=2, frames=5, channels=C, num_stages=4, key=None, seed=0):
    g = torch.Generator().manual_seed(seed)
    stage_feats = tuple(
        torch.randn(batch, frames, channels, H, W, generator=g)
        for _ in range(num_stages))
    return dict(
        stage_feats=stage_feats,
        key_frame_index=frames // 2 if key is None else key)


def test_temporal_differences_match_direct_loop():
    x = torch.randn(2, 5, 3, 4, 2)
    diffs = temporal_differences(x)
    assert diffs.shape == (2, 12, 4, 2)
    for k in range(4):
        torch.testing.assert_close(diffs[:, 3 * k:3 * (k + 1)],
                                   x[:, k + 1] - x[:, k])
    with pytest.raises(AssertionError, match='T >= 2'):
        temporal_differences(x[:, :1])
    with pytest.raises(AssertionError, match='T >= 2'):
        temporal_differences(x[0])


@pytest.mark.parametrize('frames', [5, 3])
def test_output_shapes_and_key_feat(frames):
    tde = _tiny_tde(num_frames=frames)
    feats = _feats(frames=frames)
    out = tde(feats)
    assert out['motion'].shape == (2, C, H, W)
    assert out['out'] is out['motion']
    torch.testing.assert_close(out['key_feat'],
                               feats['stage_feats'][-1][:, frames // 2])
    assert out['stage_feats'] is feats['stage_feats']
    assert 'motion' not in feats  # the input dict is not modified
    assert tde.difference_encoders[0][0].conv1.in_channels == (frames - 1) * C


def test_default_config_matches_spec():
    tde = TemporalDifferenceEncoder()
    assert tde.in_channels == 48 and tde.num_frames == 5
    assert [len(enc) for enc in tde.difference_encoders] == [3, 3, 3, 2]
    assert tde.difference_encoders[0][0].conv1.in_channels == 4 * 48
    assert tde.dcns[0].deform_groups == 12
    offset_conv = tde.offset_convs[0]
    assert offset_conv.dilation == (3, 3) and offset_conv.padding == (3, 3)
    assert offset_conv.out_channels == 12 * 27
    assert offset_conv.in_channels == 48
    assert tde.offset_blocks[0].conv1.in_channels == 96
    assert len(tde.fusion_blocks) == 4


@pytest.mark.parametrize(
    'kwargs,num_encoders',
    [(dict(use_dcn=False), 4), (dict(cascade=False), 4),
     (dict(stages=(3, )), 1), (dict(stages=(0, 2)), 2),
     (dict(stages=(1, ), use_dcn=False, cascade=False), 1)])
def test_ablation_switches(kwargs, num_encoders):
    tde = _tiny_tde(**kwargs)
    assert len(tde.difference_encoders) == num_encoders
    assert hasattr(tde, 'dcns') == kwargs.get('use_dcn', True)
    expected_fusion = num_encoders if kwargs.get('cascade', True) else 1
    assert len(tde.fusion_blocks) == expected_fusion
    out = tde(_feats())
    assert out['motion'].shape == (2, C, H, W)
    assert torch.isfinite(out['motion']).all()


def test_num_blocks_are_indexed_by_stage():
    tde = _tiny_tde(stages=(3, ), num_blocks=(3, 3, 3, 2))
    assert len(tde.difference_encoders[0]) == 2
    tde = _tiny_tde(stages=(0, 3), num_blocks=2)
    assert [len(e) for e in tde.difference_encoders] == [2, 2]


def _perturb_offset_convs(tde, scale=0.1):
    with torch.no_grad():
        for conv in tde.offset_convs:
            conv.weight.normal_(0, scale)


def test_cascade_wiring_matches_hand_computation():
    tde = _tiny_tde(stages=(0, 1, 3)).eval()
    _perturb_offset_convs(tde)
    feats = _feats()
    key_feat = feats['stage_feats'][-1][:, 2]
    dcn_outs = []
    for i, s in enumerate((0, 1, 3)):
        d = tde.difference_encoders[i](
            temporal_differences(feats['stage_feats'][s]))
        om = tde.offset_convs[i](
            tde.offset_blocks[i](torch.cat([key_feat, d], 1)))
        offset, mask = om[:, :36], torch.sigmoid(om[:, 36:])
        dcn_outs.append(tde.dcns[i](d, offset, mask))
    m = tde.fusion_blocks[0](dcn_outs[0])
    m = tde.fusion_blocks[1](m + dcn_outs[1])
    m = tde.fusion_blocks[2](m + dcn_outs[2])
    torch.testing.assert_close(tde(feats)['motion'], m)

    no_cascade = _tiny_tde(stages=(0, 1, 3), cascade=False).eval()
    no_cascade.load_state_dict(tde.state_dict(), strict=False)
    expected = no_cascade.fusion_blocks[0](sum(dcn_outs))
    torch.testing.assert_close(no_cascade(feats)['motion'], expected)


def test_offset_conv_zero_init_makes_dcn_a_half_conv():
    tde = _tiny_tde(
        stages=(2, ), init_cfg=dict(type='Kaiming', layer='Conv2d')).eval()
    tde.init_weights()
    conv = tde.offset_convs[0]
    assert conv.weight.abs().sum() == 0 and conv.bias.abs().sum() == 0
    feats = _feats()
    d = tde.difference_encoders[0](
        temporal_differences(feats['stage_feats'][2]))
    dcn = tde.dcns[0]
    half_conv = 0.5 * F.conv2d(
        d, dcn.weight, padding=1) + dcn.bias.view(1, -1, 1, 1)
    expected = tde.fusion_blocks[0](half_conv)
    torch.testing.assert_close(
        tde(feats)['motion'], expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize(
    'kwargs', [dict(), dict(use_dcn=False),
               dict(cascade=False)])
def test_gradients_reach_every_parameter(kwargs):
    tde = _tiny_tde(**kwargs)
    if tde.use_dcn:
        _perturb_offset_convs(tde)  # else the offset branch gets zero grads
    feats = _feats()
    out = tde(feats)
    (out['motion']**2).mean().backward()
    for name, param in tde.named_parameters():
        assert param.grad is not None, name
        assert param.grad.abs().sum() > 0, name


def test_key_frame_index_selects_offset_source():
    tde = _tiny_tde().eval()
    _perturb_offset_convs(tde, scale=0.5)
    feats = _feats()
    out_mid = tde(feats)['motion']
    out_first = tde(dict(feats, key_frame_index=0))['motion']
    assert not torch.allclose(out_mid, out_first)


def test_state_dict_round_trip():
    torch.manual_seed(0)
    tde_a = _tiny_tde().eval()
    _perturb_offset_convs(tde_a)
    torch.manual_seed(1)
    tde_b = _tiny_tde().eval()
    feats = _feats()
    assert not torch.allclose(tde_a(feats)['motion'], tde_b(feats)['motion'])
    tde_b.load_state_dict(tde_a.state_dict())
    torch.testing.assert_close(tde_a(feats)['motion'], tde_b(feats)['motion'])


def test_clear_errors_on_bad_input():
    # inputs that do not fit the TDE: parts of a config that do not fit
    # together, so assertions with what was expected
    tde = _tiny_tde()
    with pytest.raises(AssertionError, match='T=5'):
        tde(_feats(frames=1))
    with pytest.raises(AssertionError, match=r'\(2, 3, 8, .*T=5'):
        tde(_feats(frames=3))
    with pytest.raises(AssertionError, match='C=8'):
        tde(_feats(channels=4))
    feats = _feats()
    mixed = list(feats['stage_feats'])
    mixed[1] = mixed[1][..., :4]
    with pytest.raises(AssertionError, match='spatial size'):
        tde(dict(feats, stage_feats=tuple(mixed)))
    with pytest.raises(AssertionError, match='out of range'):
        tde(_feats(num_stages=2))
    with pytest.raises(AssertionError, match='key_frame_index'):
        tde(_feats(key=7))
    # bad config values of the TDE itself
    with pytest.raises(ValueError, match='num_frames >= 2'):
        _tiny_tde(num_frames=1)
    with pytest.raises(ValueError, match='1 to 4 stages'):
        _tiny_tde(stages=())
    with pytest.raises(ValueError, match='deform_groups'):
        _tiny_tde(deform_groups=3)
    with pytest.raises(ValueError, match='num_blocks'):
        _tiny_tde(num_blocks=(1, 1))
