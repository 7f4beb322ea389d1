# Copyright (c) tdmi_mmpose contributors.
"""Representation Disentanglement Module (RDM), Sec. 3.3 of the paper."""
from typing import Dict, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpose.registry import MODELS

from ..utils import make_basic_blocks

MI_GRADIENT_MODES = ('attention', 'all')


class ChannelAttentionMLP(nn.Sequential):
    """C -> hidden -> C MLP with a ReLU between, then a sigmoid."""

    def __init__(self, channels: int, hidden_channels: int):
        super().__init__(
            nn.Linear(channels, hidden_channels), nn.ReLU(inplace=True),
            nn.Linear(hidden_channels, channels), nn.Sigmoid())


@MODELS.register_module()
class RepresentationDisentanglement(BaseModule):
    """Representation Disentanglement Module (RDM) and feature aggregation.

    g = GAP(M_t); a_u = σ(MLP_u(g)), a_n = σ(MLP_n(g)) (per-channel
    attention, (B, C)); M_u = a_u ⊙ M_t (useful), M_n = a_n ⊙ M_t (noisy);
    F̃ = ``num_aggregation_blocks`` basic blocks on concat[M_u, F_t]
    (2C -> C).

    Args:
        in_channels (int): Channels C of M_t and F_t. Default: 48.
        hidden_channels (int): Hidden width of MLP_u and MLP_n.
            Default: 128.
        num_aggregation_blocks (int): Basic blocks of the feature
            aggregation. Default: 3.
        bypass (bool): No disentanglement: aggregate concat[M_t, F_t]
            (paper ablation "w/o RDM"; use it without the MI loss).
            Default: False.
        mi_gradient (str): Where the MI loss's gradient may go:
            ``'attention'``, only into the attention MLPs (``mi_inputs`` is
            recomputed from a detached M_t); ``'all'``, also into M_t and
            before (training degrades, see docs/model.md).
            Default: ``'attention'``.
        conv_cfg (dict, optional): Conv config of the basic blocks.
            Default: None.
        norm_cfg (dict): Norm config of the basic blocks.
            Default: ``dict(type='BN')``.
        init_cfg (dict | list[dict], optional): Initialisation config.
            Default: None.
    """

    def __init__(self,
                 in_channels: int = 48,
                 hidden_channels: int = 128,
                 num_aggregation_blocks: int = 3,
                 bypass: bool = False,
                 mi_gradient: str = 'attention',
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(init_cfg=init_cfg)
        if mi_gradient not in MI_GRADIENT_MODES:
            raise ValueError(f'mi_gradient must be one of '
                             f'{MI_GRADIENT_MODES}, got {mi_gradient!r}')
        self.in_channels = in_channels
        self.bypass = bypass
        self.mi_gradient = mi_gradient
        if not bypass:
            self.useful_attention = ChannelAttentionMLP(
                in_channels, hidden_channels)
            self.noisy_attention = ChannelAttentionMLP(
                in_channels, hidden_channels)
        self.aggregation = make_basic_blocks(
            2 * in_channels,
            in_channels,
            num_aggregation_blocks,
            conv_cfg=conv_cfg,
            norm_cfg=norm_cfg)

    def split(self,
              motion: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """M_u and M_n, (B, C, h, w) each, of M_t (B, C, h, w)."""
        pooled = motion.mean(dim=(2, 3))
        useful = self.useful_attention(pooled)[..., None, None] * motion
        noisy = self.noisy_attention(pooled)[..., None, None] * motion
        return useful, noisy

    def forward(self, feats: Dict) -> Dict:
        """Forward.

        Args:
            feats (dict): Neck dict with ``motion`` (M_t) and ``key_feat``
                (F_t), both (B, C, h, w) (:class:`TemporalDifferenceEncoder`).

        Returns:
            dict: ``feats`` plus ``aggregated`` (F̃) and ``out`` (= F̃), and
            unless ``bypass``: ``useful`` (M_u), ``noisy`` (M_n), all
            (B, C, h, w), and ``mi_inputs`` (the MI loss's dict).
        """
        for key in ('motion', 'key_feat'):
            assert key in feats, (
                f'RepresentationDisentanglement needs feats[{key!r}]; put a '
                'TemporalDifferenceEncoder neck before it')
            shape = tuple(feats[key].shape)
            assert len(shape) == 4 and shape[1] == self.in_channels, (
                f'feats[{key!r}] must be (B, {self.in_channels}, h, w), '
                f'got shape {shape}')
        motion, key_feat = feats['motion'], feats['key_feat']
        assert motion.shape == key_feat.shape, (
            f'motion {tuple(motion.shape)} and key_feat '
            f'{tuple(key_feat.shape)} must have one shape')

        outputs = dict(feats)
        if self.bypass:
            motion_to_aggregate = motion
        else:
            useful, noisy = self.split(motion)
            if self.mi_gradient == 'all':
                mi_inputs = dict(motion=motion, useful=useful, noisy=noisy)
            else:
                detached = motion.detach()
                mi_useful, mi_noisy = self.split(detached)
                mi_inputs = dict(
                    motion=detached, useful=mi_useful, noisy=mi_noisy)
            outputs.update(useful=useful, noisy=noisy, mi_inputs=mi_inputs)
            motion_to_aggregate = useful
        aggregated = self.aggregation(
            torch.cat([motion_to_aggregate, key_feat], dim=1))
        outputs.update(aggregated=aggregated, out=aggregated)
        return outputs
