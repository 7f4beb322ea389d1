# Copyright (c) tdmi_mmpose contributors.
"""Stacks of residual basic blocks (mmpose's ResNet ``BasicBlock``)."""
from typing import Optional

import torch.nn as nn
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmpose.models.backbones.resnet import BasicBlock


def make_projection(
    in_channels: int,
    out_channels: int,
    conv_cfg: Optional[dict] = None,
    norm_cfg: dict = dict(type='BN')
) -> nn.Sequential:
    """1x1 conv + norm that maps a block's identity branch to its output
    channels (the ResNet "projection shortcut").

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        conv_cfg (dict, optional): Conv layer config. Default: None (Conv2d).
        norm_cfg (dict): Norm layer config. Default: ``dict(type='BN')``.

    Returns:
        nn.Sequential: ``Sequential(conv 1x1 without bias, norm)``.
    """
    return nn.Sequential(
        build_conv_layer(
            conv_cfg, in_channels, out_channels, kernel_size=1, bias=False),
        build_norm_layer(norm_cfg, out_channels)[1])


def make_basic_block(
    in_channels: int,
    out_channels: int,
    conv_cfg: Optional[dict] = None,
    norm_cfg: dict = dict(type='BN')
) -> BasicBlock:
    """One mmpose ``BasicBlock`` (two 3x3 convs, stride 1); a projection
    shortcut is added when ``in_channels != out_channels``.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        conv_cfg (dict, optional): Conv layer config. Default: None.
        norm_cfg (dict): Norm layer config. Default: ``dict(type='BN')``.

    Returns:
        BasicBlock: the block, mapping (N, in_channels, h, w) to
        (N, out_channels, h, w).
    """
    downsample = None
    if in_channels != out_channels:
        downsample = make_projection(in_channels, out_channels, conv_cfg,
                                     norm_cfg)
    return BasicBlock(
        in_channels,
        out_channels,
        downsample=downsample,
        conv_cfg=conv_cfg,
        norm_cfg=norm_cfg)


def make_basic_blocks(
    in_channels: int,
    out_channels: int,
    num_blocks: int,
    conv_cfg: Optional[dict] = None,
    norm_cfg: dict = dict(type='BN')
) -> nn.Sequential:
    """A stack of ``num_blocks`` basic blocks; the first one projects
    ``in_channels`` to ``out_channels``, the others keep ``out_channels``.

    Args:
        in_channels (int): Input channels of the first block.
        out_channels (int): Output channels of every block.
        num_blocks (int): Number of blocks, at least 1.
        conv_cfg (dict, optional): Conv layer config. Default: None.
        norm_cfg (dict): Norm layer config. Default: ``dict(type='BN')``.

    Returns:
        nn.Sequential: (N, in_channels, h, w) -> (N, out_channels, h, w).
    """
    if num_blocks < 1:
        raise ValueError(f'num_blocks must be >= 1, got {num_blocks}')
    blocks = [make_basic_block(in_channels, out_channels, conv_cfg, norm_cfg)]
    for _ in range(num_blocks - 1):
        blocks.append(
            make_basic_block(out_channels, out_channels, conv_cfg, norm_cfg))
    return nn.Sequential(*blocks)
