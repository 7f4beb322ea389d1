import math

import pytest
import torch
from mmpose.registry import MODELS

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.models.losses import (MutualInformationLoss,
                                       gaussian_log_likelihood, vclub_estimate)

C, H, W = 8, 5, 4


def _feats(batch=3, seed=0, requires_grad=False):
    g = torch.Generator().manual_seed(seed)
    useful = torch.randn(batch, C, H, W, generator=g)
    noisy = torch.randn(batch, C, H, W, generator=g)
    motion = useful + noisy + 0.1 * torch.randn(batch, C, H, W, generator=g)
    if requires_grad:
        for t in (useful, noisy, motion):
            t.requires_grad_()
    return dict(motion=motion, useful=useful, noisy=noisy)


def _loss(**kwargs):
    cfg = dict(type='MutualInformationLoss', in_channels=C, hidden_channels=16)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_gaussian_log_likelihood_matches_torch_normal():
    x, mean, log_var = torch.randn(3, 3, 6).unbind(0)
    expected = torch.distributions.Normal(mean,
                                          torch.exp(0.5 * log_var)).log_prob(x)
    torch.testing.assert_close(
        gaussian_log_likelihood(x, mean, log_var), expected.sum(-1))
    torch.testing.assert_close(
        gaussian_log_likelihood(x, mean, log_var, 'mean'), expected.mean(-1))


def test_vclub_all_pairs_matches_explicit_double_sum():
    mean, log_var, n = torch.randn(3, 7, 5, dtype=torch.float64).unbind(0)
    positive = gaussian_log_likelihood(n, mean, log_var).mean()
    all_pairs = torch.stack([
        torch.stack([
            gaussian_log_likelihood(n[j], mean[i], log_var[i])
            for j in range(7)
        ]) for i in range(7)
    ])
    expected = positive - all_pairs.mean()
    torch.testing.assert_close(vclub_estimate(mean, log_var, n), expected)


def test_vclub_shuffle_uses_a_permutation():
    mean = torch.zeros(4, 2)
    log_var = torch.zeros(4, 2)
    n = torch.arange(8.).view(4, 2)
    torch.manual_seed(3)
    permutation = torch.randperm(4)
    torch.manual_seed(3)
    estimate = vclub_estimate(mean, log_var, n, 'shuffle')
    expected = (
        gaussian_log_likelihood(n, mean, log_var) -
        gaussian_log_likelihood(n[permutation], mean, log_var))
    torch.testing.assert_close(estimate, expected.mean())


@pytest.mark.parametrize('negative_mode', ['all_pairs', 'shuffle'])
def test_batch_size_one_pooled_is_zero(negative_mode):
    loss = _loss(negative_mode=negative_mode)
    losses = loss(_feats(batch=1))
    assert losses['loss_mi'].item() == 0
    assert all(torch.isfinite(v) for v in losses.values())


def test_per_location_batch_size_one_is_informative():
    loss = _loss(sample_mode='per_location', num_locations=12)
    u, n = loss.sample_pairs(
        _feats(batch=1)['useful'],
        _feats(batch=1)['noisy'])
    assert u.shape == (12, C) and n.shape == (12, C)
    losses = loss(_feats(batch=1))
    assert torch.isfinite(losses['loss_mi']) and losses['loss_mi'] != 0
    # fewer positions than num_locations: all of them are used
    u, _ = _loss(
        sample_mode='per_location',
        num_locations=1000).sample_pairs(_feats()['useful'],
                                         _feats()['noisy'])
    assert u.shape == (3 * H * W, C)


def test_pooled_pairs_are_global_average_pools():
    feats = _feats()
    u, n = _loss().sample_pairs(feats['useful'], feats['noisy'])
    torch.testing.assert_close(u, feats['useful'].mean(dim=(2, 3)))
    torch.testing.assert_close(n, feats['noisy'].mean(dim=(2, 3)))


@pytest.mark.parametrize('sample_mode', ['pooled', 'per_location'])
@pytest.mark.parametrize('batch', [1, 4])
def test_constant_inputs_are_finite(sample_mode, batch):
    loss = _loss(sample_mode=sample_mode)
    feats = dict(
        motion=torch.full((batch, C, H, W), 3., requires_grad=True),
        useful=torch.full((batch, C, H, W), 2., requires_grad=True),
        noisy=torch.zeros(batch, C, H, W, requires_grad=True))
    losses = loss(feats)
    assert all(torch.isfinite(v) for v in losses.values())
    sum(losses.values()).backward()
    for t in list(feats.values()) + list(loss.parameters()):
        assert t.grad is None or torch.isfinite(t.grad).all()


def test_loss_is_float32_and_finite_under_bf16_autocast():
    loss = _loss()
    feats = {k: v.bfloat16() for k, v in _feats().items()}
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = loss(feats)
    for value in losses.values():
        assert value.dtype == torch.float32 and torch.isfinite(value)
    reference = loss({k: v.float() for k, v in feats.items()})
    for key in losses:
        torch.testing.assert_close(losses[key], reference[key])


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_loss_is_float32_and_finite_under_cuda_fp16_autocast():
    loss = _loss().cuda()
    feats = {k: v.cuda().half() for k, v in _feats().items()}
    with torch.autocast('cuda', dtype=torch.float16):
        losses = loss(feats)
    for value in losses.values():
        assert value.dtype == torch.float32 and torch.isfinite(value)


def test_loss_q_updates_only_the_variational_net():
    loss = _loss()
    feats = _feats(requires_grad=True)
    loss_q = loss(feats)['loss_mi_q']
    params = list(loss.variational_net.parameters())
    grads = torch.autograd.grad(
        loss_q, params + [feats['useful'], feats['noisy']], allow_unused=True)
    assert all(g is not None and g.abs().sum() > 0 for g in grads[:-2])
    assert grads[-2] is None and grads[-1] is None


def test_loss_mi_updates_only_the_features():
    loss = _loss(mi_clamp_min=None)
    feats = _feats(requires_grad=True)
    loss_mi = loss(feats)['loss_mi']
    assert loss_mi.requires_grad
    params = list(loss.variational_net.parameters())
    grads = torch.autograd.grad(
        loss_mi, params + [feats['useful'], feats['noisy']], allow_unused=True)
    assert all(g is None for g in grads[:-2])
    assert grads[-2].abs().sum() > 0 and grads[-1].abs().sum() > 0


def test_consistency_term():
    feats = _feats()
    losses = _loss(con_weight=2.)(feats)
    expected = 2. * (
        (feats['motion'] - feats['useful'] - feats['noisy'])**2).mean()
    torch.testing.assert_close(losses['loss_con'], expected)
    assert 'loss_con' not in _loss(con_weight=0.)(feats)


def test_weights_scale_the_losses():
    feats = _feats()
    torch.manual_seed(0)
    base = _loss()
    scaled = _loss(loss_weight=3., q_weight=0.5)
    scaled.load_state_dict(base.state_dict())
    b, s = base(feats), scaled(feats)
    torch.testing.assert_close(s['loss_mi'], 3. * b['loss_mi'])
    torch.testing.assert_close(s['loss_mi_q'], 0.5 * b['loss_mi_q'])


def _fit_variational_net(dependent, steps=300, seed=0):
    """Train q_θ alone on (u, n) pairs; return the mean log-likelihood
    before/after and the final vCLUB estimate."""
    torch.manual_seed(seed)
    # the estimator itself: log-densities in nats, no clamp
    loss = MutualInformationLoss(
        in_channels=4,
        hidden_channels=32,
        con_weight=0,
        channel_reduction='sum',
        mi_clamp_min=None)
    optimizer = torch.optim.Adam(loss.parameters(), lr=1e-2)
    g = torch.Generator().manual_seed(seed)

    def batch():
        u = torch.randn(128, 4, 1, 1, generator=g)
        noise = torch.randn(128, 4, 1, 1, generator=g)
        n = u + 0.1 * noise if dependent else noise
        return dict(motion=u + n, useful=u, noisy=n)

    with torch.no_grad():
        log_lik_before = -loss(batch())['loss_mi_q'].item()
    for _ in range(steps):
        optimizer.zero_grad()
        loss(batch())['loss_mi_q'].backward()
        optimizer.step()
    with torch.no_grad():
        evaluations = [loss(batch()) for _ in range(5)]
    log_lik_after = -sum(e['loss_mi_q'] for e in evaluations).item() / 5
    mi = sum(e['loss_mi'] for e in evaluations).item() / 5
    return log_lik_before, log_lik_after, mi


def test_vclub_small_for_independent_parts():
    before, after, mi = _fit_variational_net(dependent=False)
    # q_θ converges to the marginal N(0, I): log-lik -> -2·log(2πe)
    assert after > before
    assert after == pytest.approx(-2 * math.log(2 * math.pi * math.e), abs=0.3)
    assert abs(mi) < 0.1


def test_vclub_large_for_dependent_parts():
    before, after, mi = _fit_variational_net(dependent=True)
    assert after > before + 5
    # true I(u; n) = 4 · 0.5 · log(1 + 1 / 0.01) ≈ 9.2 nats; vCLUB bounds it
    assert mi > 9


def test_state_dict_round_trip():
    feats = _feats()
    torch.manual_seed(0)
    a = _loss()
    torch.manual_seed(1)
    b = _loss()
    assert not torch.allclose(a(feats)['loss_mi'], b(feats)['loss_mi'])
    b.load_state_dict(a.state_dict())
    for key, value in a(feats).items():
        torch.testing.assert_close(value, b(feats)[key])


def test_clear_errors():
    with pytest.raises(ValueError, match='sample_mode'):
        _loss(sample_mode='global')
    with pytest.raises(ValueError, match='negative_mode'):
        _loss(negative_mode='random')
    with pytest.raises(ValueError, match='channel_reduction'):
        _loss(channel_reduction='max')
    feats = _feats()
    with pytest.raises(AssertionError, match='bypass=False'):
        _loss()(dict(motion=feats['motion']))
    with pytest.raises(AssertionError, match=r'\(B, 8, h, w\)'):
        _loss()(dict(feats, noisy=feats['noisy'][:, :4]))


def test_end_to_end_with_the_necks_under_bf16_autocast():
    tde = MODELS.build(
        dict(
            type='TemporalDifferenceEncoder',
            in_channels=C,
            num_frames=3,
            num_blocks=1,
            deform_groups=2))
    rdm = MODELS.build(
        dict(
            type='RepresentationDisentanglement',
            in_channels=C,
            hidden_channels=16,
            num_aggregation_blocks=1))
    stage_feats = tuple(torch.randn(2, 3, C, H, W) for _ in range(4))
    with torch.autocast('cpu', dtype=torch.bfloat16):
        feats = rdm(tde(dict(stage_feats=stage_feats, key_frame_index=1)))
        losses = _loss()(feats)
    assert torch.isfinite(feats['out'].float()).all()
    assert all(torch.isfinite(v) for v in losses.values())
    sum(losses.values()).backward()
    grads = [p.grad for p in tde.parameters() if p.grad is not None]
    assert len(grads) > 0 and any(g.abs().sum() > 0 for g in grads)
    assert all(torch.isfinite(g).all() for g in grads)


def _anti_paired_loss(**kwargs):
    """A loss whose q_θ predicts mean(n | u) = -u with unit variance (set by
    hand), and features with n = u = ±1: q_θ pairs each u with the other
    sample's n, so the raw vCLUB estimate is exactly -1 per channel (positive
    term -½(2² + log 2π), negative -½(½(2² + 0) + log 2π))."""
    loss = _loss(hidden_channels=2 * C, con_weight=0., **kwargs)
    eye = torch.eye(C)
    net = loss.variational_net
    with torch.no_grad():
        net.mean_mlp[0].weight.copy_(torch.cat([eye, -eye]))
        net.mean_mlp[0].bias.zero_()
        net.mean_mlp[2].weight.copy_(torch.cat([-eye, eye], dim=1))
        net.mean_mlp[2].bias.zero_()
        for layer in (net.log_var_mlp[0], net.log_var_mlp[2]):
            layer.weight.zero_()
            layer.bias.zero_()
    u = torch.ones(2, C, H, W)
    u[1] = -1
    useful = u.clone().requires_grad_()
    feats = dict(motion=2 * u, useful=useful, noisy=u.clone())
    return loss, feats


def test_negative_estimate_is_clamped_without_gradient():
    raw, feats = _anti_paired_loss(mi_clamp_min=None)
    assert raw(feats)['loss_mi'].item() == pytest.approx(-1.0)
    clamped, feats = _anti_paired_loss()  # the default clamp at 0
    mi = clamped(feats)['loss_mi']
    assert mi.item() == 0.0
    grad, = torch.autograd.grad(mi, feats['useful'])
    assert grad.abs().sum() == 0


def test_positive_estimate_passes_the_clamp_unchanged():
    u = torch.randn(16, C, 1, 1)
    dep = dict(motion=2 * u, useful=u, noisy=u.clone())
    loss = _loss(mi_clamp_min=0., channel_reduction='sum')
    opt = torch.optim.Adam(loss.parameters(), lr=1e-2)
    for _ in range(200):
        opt.zero_grad()
        loss(dep)['loss_mi_q'].backward()
        opt.step()
    unclamped = _loss(mi_clamp_min=None, channel_reduction='sum')
    unclamped.load_state_dict(loss.state_dict())
    assert loss(dep)['loss_mi'].item() > 1
    assert loss(dep)['loss_mi'].item() == pytest.approx(
        unclamped(dep)['loss_mi'].item())


def test_mean_reduction_is_sum_over_channels():
    feats = _feats()
    a = _loss(channel_reduction='sum', mi_clamp_min=None, con_weight=0.)
    b = _loss(channel_reduction='mean', mi_clamp_min=None, con_weight=0.)
    b.load_state_dict(a.state_dict())
    la, lb = a(feats), b(feats)
    for key in ('loss_mi', 'loss_mi_q'):
        torch.testing.assert_close(la[key], lb[key] * C)


def test_pair_overlap_is_the_mean_cosine():
    from tdmi_mmpose.models.losses.mutual_information_loss import pair_overlap
    u = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    n = torch.tensor([[0.0, 2.0], [2.0, 2.0]])
    assert pair_overlap(u, n).item() == pytest.approx(0.5)  # (0 + 1) / 2
    assert pair_overlap(torch.zeros(3, 4), torch.ones(3, 4)).item() == 0.0
    losses = _loss()(_feats())
    assert not losses['mi_overlap'].requires_grad


def test_warmup_ramps_the_model_terms_only():
    from mmengine.logging import MessageHub
    feats = _feats()
    full = _loss()
    warm = _loss(warmup_iters=10)
    warm.load_state_dict(full.state_dict())
    hub = MessageHub.get_current_instance()
    try:
        hub.update_info('iter', 4)  # the 5th iteration: factor 5 / 10
        a, b = full(feats), warm(feats)
        for key in ('loss_mi', 'loss_con'):
            torch.testing.assert_close(b[key], 0.5 * a[key])
        torch.testing.assert_close(b['loss_mi_q'], a['loss_mi_q'])
        hub.update_info('iter', 50)
        torch.testing.assert_close(warm(feats)['loss_con'], a['loss_con'])
    finally:
        hub.runtime_info.pop('iter', None)
