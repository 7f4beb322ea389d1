# Copyright (c) tdmi_mmpose contributors.
"""Stacks of residual basic blocks: mmpose's ResNet ``ResLayer`` of
``BasicBlock``s (stride 1, a 1x1 conv + norm projection shortcut on the first
block when the channels change)."""
from typing import Optional

from mmpose.models.backbones.resnet import BasicBlock, ResLayer
from torch import nn


def make_basic_blocks(in_channels: int,
                      out_channels: int,
                      num_blocks: int,
                      conv_cfg: Optional[dict] = None,
                      norm_cfg: dict = dict(type='BN')) -> nn.Sequential:
    """``num_blocks`` (>= 1) basic blocks, (N, in_channels, h, w) ->
    (N, out_channels, h, w): the blocks of mmpose's ``ResLayer`` (which
    cannot be sliced), the first one projecting the channels."""
    if num_blocks < 1:
        raise ValueError(f'num_blocks must be >= 1, got {num_blocks}')
    return nn.Sequential(*ResLayer(
        BasicBlock,
        num_blocks,
        in_channels,
        out_channels,
        conv_cfg=conv_cfg,
        norm_cfg=norm_cfg))


def make_basic_block(in_channels: int,
                     out_channels: int,
                     conv_cfg: Optional[dict] = None,
                     norm_cfg: dict = dict(type='BN')) -> BasicBlock:
    """One block of :func:`make_basic_blocks`."""
    return make_basic_blocks(in_channels, out_channels, 1, conv_cfg,
                             norm_cfg)[0]
