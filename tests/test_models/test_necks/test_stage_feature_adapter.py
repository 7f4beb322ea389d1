import pytest
import torch
from mmpose.registry import MODELS

import tdmi_mmpose  # noqa: F401

# ResNet-like: channels double and size halves per stage (tiny version)
IN_CHANNELS = (4, 8, 16, 32)
SIZES = ((8, 6), (4, 3), (2, 2), (1, 1))


def _resnet_like_feats(batch=2, frames=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    stage_feats = tuple(
        torch.randn(batch, frames, c, *size, generator=g)
        for c, size in zip(IN_CHANNELS, SIZES))
    return dict(stage_feats=stage_feats, key_frame_index=1)


def _adapter(**kwargs):
    cfg = dict(
        type='StageFeatureAdapter', in_channels=IN_CHANNELS, out_channels=6)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_projects_and_resizes_to_first_stage():
    out = _adapter()(_resnet_like_feats())
    assert len(out['stage_feats']) == 4
    for feat in out['stage_feats']:
        assert feat.shape == (2, 3, 6, 8, 6)
    assert out['key_frame_index'] == 1


def test_out_size():
    out = _adapter(out_size=(5, 4))(_resnet_like_feats())
    assert all(f.shape == (2, 3, 6, 5, 4) for f in out['stage_feats'])


def test_frames_and_samples_stay_separate():
    adapter = _adapter().eval()
    feats = _resnet_like_feats()
    changed = [f.clone() for f in feats['stage_feats']]
    changed[2][1, 0] += 5  # sample 1, frame 0 of stage 2 only
    before = adapter(feats)['stage_feats'][2]
    after = adapter(dict(feats, stage_feats=tuple(changed)))['stage_feats'][2]
    differs = (before - after).abs().flatten(2).amax(-1) > 1e-6
    expected = torch.zeros(2, 3, dtype=torch.bool)
    expected[1, 0] = True
    assert torch.equal(differs, expected)


def test_tde_runs_on_adapted_features():
    adapter = _adapter(out_channels=8)
    tde = MODELS.build(
        dict(
            type='TemporalDifferenceEncoder',
            in_channels=8,
            num_frames=3,
            num_blocks=1,
            deform_groups=2))
    out = tde(adapter(_resnet_like_feats()))
    assert out['motion'].shape == (2, 8, 8, 6)


def test_state_dict_round_trip():
    torch.manual_seed(0)
    a = _adapter().eval()
    torch.manual_seed(1)
    b = _adapter().eval()
    feats = _resnet_like_feats()
    b.load_state_dict(a.state_dict())
    for fa, fb in zip(a(feats)['stage_feats'], b(feats)['stage_feats']):
        torch.testing.assert_close(fa, fb)


def test_clear_errors():
    with pytest.raises(ValueError, match='non-empty list'):
        _adapter(in_channels=4)
    adapter = _adapter()
    feats = _resnet_like_feats()
    with pytest.raises(AssertionError, match='expected 4 stage'):
        adapter(dict(feats, stage_feats=feats['stage_feats'][:3]))
    wrong = list(feats['stage_feats'])
    wrong[1] = wrong[1][:, :, :5]
    with pytest.raises(AssertionError, match=r'stage_feats\[1\]'):
        adapter(dict(feats, stage_feats=tuple(wrong)))
