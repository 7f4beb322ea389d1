# Copyright (c) tdmi_mmpose contributors.
"""HRNet that returns the high-resolution feature of every stage."""
import logging
from typing import Optional, Tuple

import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader
from mmpose.models.backbones import HRNet
from mmpose.registry import MODELS
from torch import Tensor
from torch.nn.modules.batchnorm import _BatchNorm

from ...io.checkpoints import (check_state_dict_matches, checkpoint_error,
                               state_dict_of)

_DEFAULT_INIT_CFG = [
    dict(type='Normal', std=0.001, layer=['Conv2d']),
    dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])
]


@MODELS.register_module()
class MultiStageHRNet(HRNet):
    """HRNet returning the highest-resolution (1/4) feature of all 4 stages.

    S1 is ``transition1[0]`` on the output of ``layer1`` (that output if
    ``transition1[0]`` is ``None``); S2-S4 are the highest-resolution branch
    outputs of ``stage2``-``stage4``. No module is added, so parameter names
    are mmpose HRNet's and its checkpoints load unchanged.

    Args:
        extra (dict): Architecture of the four stages, as for mmpose's
            ``HRNet``; ``stage4`` should set ``multiscale_output=False``.
        in_channels, conv_cfg, norm_cfg, with_cp, zero_init_residual,
            frozen_stages: As for mmpose's ``HRNet``.
        norm_eval (bool): Keep BN layers in eval mode in training (forced
            with ``frozen``). Defaults to ``False``.
        frozen (bool): Freeze the whole backbone (no gradients, BN in eval
            mode, forward under ``torch.no_grad()``). Defaults to ``True``.
        init_cfg (dict | list[dict], optional): Initialization config. A
            ``Pretrained`` one must fit exactly (:meth:`init_weights`);
            without ``prefix``, keys ``backbone.*`` are used if present.
    """

    def __init__(self,
                 extra: dict,
                 in_channels: int = 3,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 norm_eval: bool = False,
                 with_cp: bool = False,
                 zero_init_residual: bool = False,
                 frozen_stages: int = -1,
                 frozen: bool = True,
                 init_cfg=_DEFAULT_INIT_CFG):
        self.frozen = frozen
        super().__init__(
            extra=extra,
            in_channels=in_channels,
            conv_cfg=conv_cfg,
            norm_cfg=norm_cfg,
            norm_eval=norm_eval or frozen,
            with_cp=with_cp,
            zero_init_residual=zero_init_residual,
            frozen_stages=frozen_stages,
            init_cfg=init_cfg)

    def _freeze_stages(self):
        super()._freeze_stages()
        if self.frozen:
            for param in self.parameters():
                param.requires_grad = False
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        """S1, S2, S3, S4, each (N, C, H/4, W/4), of images (N, 3, H, W)."""
        if self.frozen:
            with torch.no_grad():
                return self._forward_stages(x)
        return self._forward_stages(x)

    def _forward_stages(self, x: Tensor) -> Tuple[Tensor, ...]:
        x = self.conv1(x)
        x = self.norm1(x)
        x = self.relu(x)
        x = self.conv2(x)
        x = self.norm2(x)
        x = self.relu(x)
        x = self.layer1(x)

        x_list = [
            transition(x) if transition is not None else x
            for transition in self.transition1
        ]
        stage_outs = [x_list[0]]  # before stage2, which changes x_list
        y_list = self.stage2(x_list)
        stage_outs.append(y_list[0])
        for transitions, stage in ((self.transition2, self.stage3),
                                   (self.transition3, self.stage4)):
            # the next stage's inputs, as in HRNet.forward
            x_list = [
                y_list[i] if transition is None else transition(y_list[-1])
                for i, transition in enumerate(transitions)
            ]
            y_list = stage(x_list)
            stage_outs.append(y_list[0])
        return tuple(stage_outs)

    def init_weights(self):
        """Initialize the weights; a ``Pretrained`` checkpoint is checked
        to fit exactly before mmengine loads it (all or nothing)."""
        pretrained = next(
            (cfg for cfg in ([self.init_cfg] if isinstance(self.init_cfg, dict)
                             else self.init_cfg or [])
             if cfg.get('type') == 'Pretrained'), None)
        if pretrained is None and self.frozen:
            print_log(
                'MultiStageHRNet is frozen but has no `Pretrained` '
                'init_cfg: it keeps its random weights.',
                logger='current',
                level=logging.WARNING)
        if pretrained is not None and not self.is_init:
            pretrained['prefix'] = check_backbone_checkpoint(
                self, pretrained['checkpoint'], pretrained.get('prefix'),
                pretrained.get('map_location', 'cpu'))
        super().init_weights()


def check_backbone_checkpoint(backbone: HRNet, checkpoint: str,
                              prefix: Optional[str],
                              map_location: str) -> Optional[str]:
    """Require the HRNet or pose estimator checkpoint (path or URL) to fit
    ``backbone`` exactly below ``prefix`` (``None``: ``'backbone.'`` when it
    has such keys, else none); returns the prefix to load with."""
    try:
        state_dict = state_dict_of(
            CheckpointLoader.load_checkpoint(checkpoint, map_location))
    except OSError as error:  # URLError, HTTPError, no network
        if '://' not in checkpoint or isinstance(error, FileNotFoundError):
            raise
        raise checkpoint_error(
            f'cannot download the pretrained backbone checkpoint '
            f'{checkpoint} ({error}). Offline, download it on another '
            'machine and pass the local file with `--cfg-options '
            'backbone_checkpoint=PATH`.') from error
    if prefix is None and any(k.startswith('backbone.') for k in state_dict):
        prefix = 'backbone.'
    if prefix:
        state_dict = {
            k[len(prefix):]: v
            for k, v in state_dict.items() if k.startswith(prefix)
        }
    check_state_dict_matches(backbone, state_dict, checkpoint)
    return prefix
