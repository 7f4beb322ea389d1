# Copyright (c) tdmi_mmpose contributors.
"""Maps multi-stage backbone features to one channel count and size."""
from typing import Dict, Optional, Sequence, Tuple, Union

import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmpose.registry import MODELS


@MODELS.register_module()
class StageFeatureAdapter(BaseModule):
    """Project every stage feature to ``out_channels`` (1x1 conv + norm +
    activation) and resize it (bilinear) to one size, so that the
    :class:`TemporalDifferenceEncoder` can sit on any multi-stage backbone
    (e.g. ResNet-50).

    Args:
        in_channels (Sequence[int]): Channels C_j of each stage, in order.
        out_channels (int): Output channels of every stage. Default: 48.
        out_size (tuple[int, int], optional): Output (H, W). Default: None
            (the first stage's size).
        conv_cfg (dict, optional): Conv config. Default: None.
        norm_cfg (dict, optional): Norm config. Default: ``dict(type='BN')``.
        act_cfg (dict, optional): Activation config.
            Default: ``dict(type='ReLU')``.
        align_corners (bool): ``align_corners`` of the bilinear resize.
            Default: False.
        init_cfg (dict | list[dict], optional): Initialisation config.
            Default: None.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 out_channels: int = 48,
                 out_size: Optional[Tuple[int, int]] = None,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 align_corners: bool = False,
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(init_cfg=init_cfg)
        if isinstance(in_channels, int) or len(in_channels) == 0:
            raise ValueError('in_channels must be a non-empty list of ints, '
                             f'got {in_channels!r}')
        self.in_channels = tuple(in_channels)
        self.out_channels = out_channels
        self.out_size = None if out_size is None else tuple(out_size)
        self.align_corners = align_corners
        self.projections = nn.ModuleList([
            ConvModule(
                c,
                out_channels,
                1,
                conv_cfg=conv_cfg,
                norm_cfg=norm_cfg,
                act_cfg=act_cfg) for c in self.in_channels
        ])

    def forward(self, feats: Dict) -> Dict:
        """Forward.

        Args:
            feats (dict): Neck dict with ``stage_feats``, a tuple of
                (B, T, C_j, h_j, w_j) with C_j = ``in_channels[j]``.

        Returns:
            dict: ``feats`` with ``stage_feats`` as (B, T, out_channels,
            H, W) each.
        """
        stage_feats = feats['stage_feats']
        assert len(stage_feats) == len(self.in_channels), (
            f'expected {len(self.in_channels)} stage features, got '
            f'{len(stage_feats)}')
        for j, (feat, c) in enumerate(zip(stage_feats, self.in_channels)):
            assert feat.dim() == 5 and feat.shape[2] == c, (
                f'stage_feats[{j}] must be (B, T, {c}, h, w), got shape '
                f'{tuple(feat.shape)}')
        out_size = self.out_size or tuple(stage_feats[0].shape[-2:])

        adapted = []
        for feat, projection in zip(stage_feats, self.projections):
            B, T = feat.shape[:2]
            x = projection(feat.flatten(0, 1))
            if tuple(x.shape[-2:]) != out_size:
                x = F.interpolate(
                    x,
                    size=out_size,
                    mode='bilinear',
                    align_corners=self.align_corners)
            adapted.append(x.unflatten(0, (B, T)))
        outputs = dict(feats)
        outputs['stage_feats'] = tuple(adapted)
        return outputs
