# Copyright (c) tdmi_mmpose contributors.
"""Mutual information minimisation between the useful and the noisy motion
components (vCLUB upper bound, Cheng et al., ICML 2020)."""
import math
from typing import Dict, Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.model import BaseModule
from mmpose.registry import MODELS

LOG_2PI = math.log(2 * math.pi)
NEGATIVE_MODES = ('all_pairs', 'shuffle')
SAMPLE_MODES = ('pooled', 'per_location')


def _log_density(squared_error: torch.Tensor, log_var: torch.Tensor,
                 channel_reduction: str) -> torch.Tensor:
    """-1/2 [e / σ² + log σ² + log 2π], summed or averaged over the last
    dim (``channel_reduction``)."""
    per_channel = -0.5 * (
        squared_error * torch.exp(-log_var) + log_var + LOG_2PI)
    return getattr(per_channel, channel_reduction)(-1)


def gaussian_log_likelihood(x: torch.Tensor,
                            mean: torch.Tensor,
                            log_var: torch.Tensor,
                            channel_reduction: str = 'sum') -> torch.Tensor:
    """log N(x; μ, diag(σ²)), reduced over the last dim.

    Args:
        x (Tensor): Samples, (..., C).
        mean (Tensor): μ, broadcastable to ``x``.
        log_var (Tensor): log σ², broadcastable to ``x``.
        channel_reduction (str): ``'sum'`` (the log-density) or ``'mean'``
            (divided by C). Default: ``'sum'``.

    Returns:
        Tensor: (...,) log-likelihoods.
    """
    return _log_density((x - mean)**2, log_var, channel_reduction)


def vclub_estimate(mean: torch.Tensor,
                   log_var: torch.Tensor,
                   n: torch.Tensor,
                   negative_mode: str = 'all_pairs',
                   channel_reduction: str = 'sum') -> torch.Tensor:
    """vCLUB estimate of I(u; n) from q(n|u) = N(mean(u), diag(exp(log_var)))
    on N paired samples (u_i, n_i), its negative term over all N² pairs (in
    closed form) or one random permutation (``docs/model.md``, "Formulas").

    Args:
        mean (Tensor): μ(u_i), (N, C).
        log_var (Tensor): log σ²(u_i), (N, C).
        n (Tensor): n_i, (N, C).
        negative_mode (str): ``'all_pairs'`` or ``'shuffle'``.
            Default: ``'all_pairs'``.
        channel_reduction (str): See :func:`gaussian_log_likelihood`.
            Default: ``'sum'``.

    Returns:
        Tensor: scalar estimate.
    """
    positive = gaussian_log_likelihood(n, mean, log_var, channel_reduction)
    if negative_mode == 'all_pairs':
        n_mean = n.mean(0, keepdim=True)
        n_var = ((n - n_mean)**2).mean(0, keepdim=True)
        # E_j[log q(n_j|u_i)] with E_j[(n_j - μ_i)²] = Var(n) + (n̄ - μ_i)²
        negative = _log_density(n_var + (n_mean - mean)**2, log_var,
                                channel_reduction)
    else:
        assert negative_mode == 'shuffle', negative_mode
        permutation = torch.randperm(n.shape[0], device=n.device)
        negative = gaussian_log_likelihood(n[permutation], mean, log_var,
                                           channel_reduction)
    return (positive - negative).mean()


def pair_overlap(u: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
    """Mean cosine similarity of paired (N, C) descriptors, a scalar in
    [-1, 1] (0 for all-zero pairs): a diagnostic of the split."""
    return F.cosine_similarity(u, n, dim=-1, eps=1e-12).mean()


class GaussianVariationalNet(nn.Module):
    """q_θ(n|u): a diagonal Gaussian whose mean and log-variance are two
    MLPs (C_u -> hidden -> C_n) of u; the log-variance is soft-clamped by
    ``bound * tanh(raw / bound)``.

    Args:
        in_channels (int): Channels of u.
        out_channels (int): Channels of n.
        hidden_channels (int): Hidden width of both MLPs.
        log_var_bound (float): Bound of |log σ²|.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 hidden_channels: int, log_var_bound: float):
        super().__init__()
        self.log_var_bound = log_var_bound
        self.mean_mlp = nn.Sequential(
            nn.Linear(in_channels, hidden_channels), nn.ReLU(),
            nn.Linear(hidden_channels, out_channels))
        self.log_var_mlp = nn.Sequential(
            nn.Linear(in_channels, hidden_channels), nn.ReLU(),
            nn.Linear(hidden_channels, out_channels))

    @staticmethod
    def _mlp(mlp: nn.Sequential, x: torch.Tensor,
             detach_params: bool) -> torch.Tensor:
        first, _, second = mlp
        params = [first.weight, first.bias, second.weight, second.bias]
        if detach_params:
            params = [p.detach() for p in params]
        hidden = F.relu(F.linear(x, params[0], params[1]))
        return F.linear(hidden, params[2], params[3])

    def forward(
            self,
            u: torch.Tensor,
            detach_params: bool = False) -> Tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance, (N, out_channels) each, of u (N,
        in_channels); with ``detach_params`` gradients reach u, never θ."""
        mean = self._mlp(self.mean_mlp, u, detach_params)
        raw_log_var = self._mlp(self.log_var_mlp, u, detach_params)
        bound = self.log_var_bound
        return mean, bound * torch.tanh(raw_log_var / bound)


@MODELS.register_module()
class MutualInformationLoss(BaseModule):
    """Minimise I(M_u; M_n) with the vCLUB upper bound (``loss_mi``, q_θ
    detached), fit q_θ on detached samples (``loss_mi_q``) and make M_u +
    M_n reconstruct M_t (``loss_con``); in float32 with autocast off. The
    formulas: ``docs/model.md``, "MutualInformationLoss".

    Args:
        in_channels (int): Channels C of M_u and M_n. Default: 48.
        hidden_channels (int): Hidden width of q_θ's MLPs. Default: 64.
        loss_weight (float): α, the weight of ``loss_mi``. Default: 1.0.
        q_weight (float): Weight of ``loss_mi_q``. Default: 1.0.
        con_weight (float): Weight of ``loss_con``; 0 turns it off.
            Default: 1.0.
        sample_mode (str): ``'pooled'`` (the pooled (B, C) descriptors) or
            ``'per_location'`` (C-vectors at ``num_locations`` random
            positions of all B·h·w). Default: ``'pooled'``.
        num_locations (int): Samples of ``'per_location'``. Default: 256.
        negative_mode (str): ``'all_pairs'`` or ``'shuffle'``, see
            :func:`vclub_estimate`. Default: ``'all_pairs'``.
        channel_reduction (str): ``'sum'`` over channels (nats) or
            ``'mean'`` (keeps the MI losses on the heatmap loss's scale
            whatever C is; our choice). Default: ``'mean'``.
        mi_clamp_min (float, optional): Lower clamp of the vCLUB estimate in
            ``loss_mi`` (our choice, see the docs); ``None``: no clamp.
            Default: 0.0.
        log_var_bound (float): Bound of q_θ's |log σ²|. Default: 8.0.
        warmup_iters (int): Ramp the weights of ``loss_mi`` and ``loss_con``
            linearly from 0 over the first ``warmup_iters`` training
            iterations (q_θ trains from the start). Default: 0.
        init_cfg (dict | list[dict], optional): Initialisation config.
            Default: None.
    """

    def __init__(self,
                 in_channels: int = 48,
                 hidden_channels: int = 64,
                 loss_weight: float = 1.0,
                 q_weight: float = 1.0,
                 con_weight: float = 1.0,
                 sample_mode: str = 'pooled',
                 num_locations: int = 256,
                 negative_mode: str = 'all_pairs',
                 channel_reduction: str = 'mean',
                 mi_clamp_min: Optional[float] = 0.0,
                 log_var_bound: float = 8.0,
                 warmup_iters: int = 0,
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(init_cfg=init_cfg)
        if sample_mode not in SAMPLE_MODES:
            raise ValueError(f'sample_mode must be one of {SAMPLE_MODES}, '
                             f'got {sample_mode!r}')
        if negative_mode not in NEGATIVE_MODES:
            raise ValueError(f'negative_mode must be one of {NEGATIVE_MODES}'
                             f', got {negative_mode!r}')
        if channel_reduction not in ('sum', 'mean'):
            raise ValueError('channel_reduction must be "sum" or "mean", got '
                             f'{channel_reduction!r}')
        if log_var_bound <= 0:
            raise ValueError(f'log_var_bound must be > 0, got '
                             f'{log_var_bound}')
        self.in_channels = in_channels
        self.loss_weight = loss_weight
        self.q_weight = q_weight
        self.con_weight = con_weight
        self.mi_clamp_min = mi_clamp_min
        self.sample_mode = sample_mode
        self.num_locations = num_locations
        self.negative_mode = negative_mode
        self.channel_reduction = channel_reduction
        self.warmup_iters = warmup_iters
        self.variational_net = GaussianVariationalNet(in_channels, in_channels,
                                                      hidden_channels,
                                                      log_var_bound)

    def sample_pairs(self, useful: torch.Tensor,
                     noisy: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """The paired (u, n) samples, (N, C) each, of M_u and M_n
        (B, C, h, w): N = B pooled, else min(num_locations, B·h·w)."""
        if self.sample_mode == 'pooled':
            return useful.mean(dim=(2, 3)), noisy.mean(dim=(2, 3))
        u = useful.permute(0, 2, 3, 1).flatten(0, 2)
        n = noisy.permute(0, 2, 3, 1).flatten(0, 2)
        if u.shape[0] > self.num_locations:
            index = torch.randperm(
                u.shape[0], device=u.device)[:self.num_locations]
            u, n = u[index], n[index]
        return u, n

    def warmup_factor(self) -> float:
        """min(1, (iter + 1) / warmup_iters) in training, else 1."""
        if self.warmup_iters <= 0:
            return 1.0
        it = MessageHub.get_current_instance().get_info('iter')
        if it is None:
            return 1.0
        return min(1.0, (it + 1) / self.warmup_iters)

    def forward(self, feats: Dict) -> Dict[str, torch.Tensor]:
        """Compute the losses.

        Args:
            feats (dict): Neck dict with ``motion`` (M_t), ``useful`` (M_u)
                and ``noisy`` (M_n), all (B, C, h, w).

        Returns:
            dict[str, Tensor]: scalar ``loss_mi``, ``loss_mi_q``,
            ``loss_con`` (if ``con_weight > 0``) and the logged
            ``mi_overlap`` (:func:`pair_overlap`).
        """
        for key in ('motion', 'useful', 'noisy'):
            assert key in feats, (
                f'MutualInformationLoss needs feats[{key!r}] (from '
                'TemporalDifferenceEncoder + RepresentationDisentanglement '
                'with bypass=False); drop the MI loss otherwise')
            assert feats[key].dim() == 4 and \
                feats[key].shape[1] == self.in_channels, (
                    f'feats[{key!r}] must be (B, {self.in_channels}, h, w), '
                    f'got shape {tuple(feats[key].shape)}')
        with torch.autocast(
                device_type=feats['motion'].device.type, enabled=False):
            motion, useful, noisy = (
                feats[key].float() for key in ('motion', 'useful', 'noisy'))
            u, n = self.sample_pairs(useful, noisy)

            mean, log_var = self.variational_net(u, detach_params=True)
            mi = vclub_estimate(mean, log_var, n, self.negative_mode,
                                self.channel_reduction)
            if self.mi_clamp_min is not None:
                mi = mi.clamp(min=self.mi_clamp_min)

            q_mean, q_log_var = self.variational_net(u.detach())
            q_nll = -gaussian_log_likelihood(n.detach(), q_mean, q_log_var,
                                             self.channel_reduction).mean()

            ramp = self.warmup_factor()
            losses = dict(
                loss_mi=ramp * self.loss_weight * mi,
                loss_mi_q=self.q_weight * q_nll,
                mi_overlap=pair_overlap(u.detach(), n.detach()))
            if self.con_weight > 0:
                losses['loss_con'] = ramp * self.con_weight * F.mse_loss(
                    useful + noisy, motion)
        return losses
