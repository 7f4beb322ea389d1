import pytest
import torch
from mmpose.registry import MODELS

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.models.necks import RepresentationDisentanglement

C, H, W = 8, 6, 5


def _tiny_rdm(**kwargs):
    cfg = dict(
        type='RepresentationDisentanglement',
        in_channels=C,
        hidden_channels=16,
        num_aggregation_blocks=2)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def _feats(batch=2, channels=C, seed=0):
    g = torch.Generator().manual_seed(seed)
    motion = torch.randn(batch, channels, H, W, generator=g)
    key_feat = torch.randn(batch, channels, H, W, generator=g)
    return dict(motion=motion, key_feat=key_feat, out=motion)


def test_default_config_matches_spec():
    rdm = RepresentationDisentanglement()
    assert rdm.useful_attention[0].in_features == 48
    assert rdm.useful_attention[0].out_features == 128
    assert rdm.noisy_attention[2].out_features == 48
    assert len(rdm.aggregation) == 3
    assert rdm.aggregation[0].conv1.in_channels == 96


def test_outputs_follow_the_attention_formula():
    rdm = _tiny_rdm().eval()
    feats = _feats()
    out = rdm(feats)
    for key in ('useful', 'noisy', 'aggregated', 'out'):
        assert out[key].shape == (2, C, H, W)
    assert out['out'] is out['aggregated']
    assert out['motion'] is feats['motion']
    pooled = feats['motion'].mean(dim=(2, 3))
    a_u = torch.sigmoid(rdm.useful_attention[2](torch.relu(
        rdm.useful_attention[0](pooled))))
    a_n = torch.sigmoid(rdm.noisy_attention[2](torch.relu(
        rdm.noisy_attention[0](pooled))))
    torch.testing.assert_close(out['useful'],
                               a_u[..., None, None] * feats['motion'])
    torch.testing.assert_close(out['noisy'],
                               a_n[..., None, None] * feats['motion'])
    expected = rdm.aggregation(
        torch.cat([out['useful'], feats['key_feat']], 1))
    torch.testing.assert_close(out['aggregated'], expected)


def test_bypass_aggregates_motion_directly():
    rdm = _tiny_rdm(bypass=True).eval()
    assert not hasattr(rdm, 'useful_attention')
    feats = _feats()
    out = rdm(feats)
    assert 'useful' not in out and 'noisy' not in out
    expected = rdm.aggregation(
        torch.cat([feats['motion'], feats['key_feat']], 1))
    torch.testing.assert_close(out['out'], expected)


def test_gradients_reach_every_parameter():
    rdm = _tiny_rdm()
    feats = _feats()
    feats['motion'].requires_grad_()
    out = rdm(feats)
    loss = (out['out']**2).mean() + out['useful'].mean() + \
        (out['noisy']**2).mean()
    loss.backward()
    for name, param in rdm.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name
    assert feats['motion'].grad.abs().sum() > 0


def test_state_dict_round_trip():
    torch.manual_seed(0)
    rdm_a = _tiny_rdm().eval()
    torch.manual_seed(1)
    rdm_b = _tiny_rdm().eval()
    feats = _feats()
    assert not torch.allclose(rdm_a(feats)['useful'], rdm_b(feats)['useful'])
    rdm_b.load_state_dict(rdm_a.state_dict())
    for key in ('useful', 'noisy', 'out'):
        torch.testing.assert_close(rdm_a(feats)[key], rdm_b(feats)[key])


def test_clear_errors_on_bad_input():
    rdm = _tiny_rdm()
    with pytest.raises(AssertionError, match='TemporalDifferenceEncoder'):
        rdm(dict(key_feat=torch.zeros(1, C, H, W)))
    with pytest.raises(AssertionError, match=r'\(B, 8, h, w\)'):
        rdm(_feats(channels=4))
    feats = _feats()
    feats['key_feat'] = feats['key_feat'][..., :3]
    with pytest.raises(AssertionError, match='one shape'):
        rdm(feats)


def test_unknown_mi_gradient_mode_is_an_error():
    with pytest.raises(ValueError, match="mi_gradient must be one of"):
        RepresentationDisentanglement(in_channels=8, mi_gradient='motion')
