# Copyright (c) tdmi_mmpose contributors.
"""HRNet that returns the high-resolution feature of every stage."""
import logging
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.logging import print_log
from mmengine.model.weight_init import update_init_info
from mmengine.runner.checkpoint import CheckpointLoader, load_state_dict
from torch import Tensor
from torch.nn.modules.batchnorm import _BatchNorm

from mmpose.models.backbones import HRNet
from mmpose.registry import MODELS

_DEFAULT_INIT_CFG = [
    dict(type='Normal', std=0.001, layer=['Conv2d']),
    dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])
]

# Buffers that may be absent from checkpoints written by old PyTorch versions;
# they do not affect inference with frozen BN statistics.
_OPTIONAL_KEY_SUFFIXES = ('num_batches_tracked', )


@MODELS.register_module()
class MultiStageHRNet(HRNet):
    """HRNet returning the highest-resolution (1/4) feature of all 4 stages.

    The outputs are, for an input of shape (N, 3, H, W):

    - S1: ``transition1[0]`` applied to the output of ``layer1``
      (the layer1 output itself if ``transition1[0]`` is ``None``),
    - S2, S3, S4: the highest-resolution branch output of ``stage2``,
      ``stage3`` and ``stage4``,

    each of shape (N, C, H/4, W/4), C being the first entry of
    ``num_channels`` of stages 2-4 (48 for HRNet-W48).

    No module is added to :class:`mmpose.models.backbones.HRNet`: parameter
    and buffer names are those of mmpose's HRNet, so mmpose HRNet checkpoints
    (plain backbone checkpoints, or whole ``TopdownPoseEstimator``
    checkpoints whose backbone keys start with ``backbone.``) load unchanged.
    The lower-resolution branches of stages 2-4 are still computed, since the
    fusion layers feed them into the highest-resolution branch.

    Args:
        extra (dict): Architecture of the four stages, as for
            :class:`mmpose.models.backbones.HRNet`. ``stage4`` should set
            ``multiscale_output=False`` (only its highest-resolution branch
            is used).
        in_channels (int): Number of input image channels. Defaults to 3.
        conv_cfg (dict, optional): Config of convolution layers.
            Defaults to ``None``.
        norm_cfg (dict): Config of normalization layers.
            Defaults to ``dict(type='BN')``.
        norm_eval (bool): Keep BN layers in eval mode (frozen running
            statistics) in training. Forced to ``True`` when ``frozen``.
            Defaults to ``False``.
        with_cp (bool): Use checkpointing in the residual blocks.
            Defaults to ``False``.
        zero_init_residual (bool): Zero-initialise the last norm layer of
            each residual block (ignored when loading a checkpoint).
            Defaults to ``False``.
        frozen_stages (int): Stages to freeze, as for mmpose's HRNet;
            only used when ``frozen=False``. Defaults to -1.
        frozen (bool): Freeze the whole backbone: every parameter gets
            ``requires_grad=False``, BN layers stay in eval mode after
            ``.train()``, and the forward runs under ``torch.no_grad()``.
            Defaults to ``True``.
        init_cfg (dict | list[dict], optional): Initialization config.
            ``dict(type='Pretrained', checkpoint=PATH, prefix=None)`` loads
            PATH strictly in :meth:`init_weights`: a missing file raises
            ``FileNotFoundError`` and missing, unexpected or mis-shaped keys
            raise ``RuntimeError`` listing them. Without ``prefix``, a
            checkpoint whose keys start with ``backbone.`` is read as a pose
            estimator checkpoint and only those keys are used. Defaults to
            random initialization as in mmpose's HRNet.

    Example:
        >>> import torch
        >>> from tdmi_mmpose.models import MultiStageHRNet
        >>> extra = dict(
        ...     stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK',
        ...                 num_blocks=(1, ), num_channels=(8, )),
        ...     stage2=dict(num_modules=1, num_branches=2, block='BASIC',
        ...                 num_blocks=(1, 1), num_channels=(8, 16)),
        ...     stage3=dict(num_modules=1, num_branches=3, block='BASIC',
        ...                 num_blocks=(1, 1, 1), num_channels=(8, 16, 32)),
        ...     stage4=dict(num_modules=1, num_branches=4, block='BASIC',
        ...                 num_blocks=(1, 1, 1, 1),
        ...                 num_channels=(8, 16, 32, 64),
        ...                 multiscale_output=False))
        >>> model = MultiStageHRNet(extra)
        >>> outs = model(torch.rand(1, 3, 64, 32))
        >>> [tuple(out.shape) for out in outs]
        [(1, 8, 16, 8), (1, 8, 16, 8), (1, 8, 16, 8), (1, 8, 16, 8)]
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
        """Freeze the configured stages, or everything when ``frozen``."""
        super()._freeze_stages()
        if self.frozen:
            for param in self.parameters():
                param.requires_grad = False
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        """Forward function.

        Args:
            x (Tensor): Images of shape (N, 3, H, W).

        Returns:
            tuple[Tensor]: S1, S2, S3, S4, each of shape (N, C, H/4, W/4).
        """
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
        stage_outs = [x_list[0]]
        y_list = self.stage2(x_list)
        stage_outs.append(y_list[0])

        x_list = self._apply_transition(self.transition2, y_list,
                                        self.stage3_cfg['num_branches'])
        y_list = self.stage3(x_list)
        stage_outs.append(y_list[0])

        x_list = self._apply_transition(self.transition3, y_list,
                                        self.stage4_cfg['num_branches'])
        y_list = self.stage4(x_list)
        stage_outs.append(y_list[0])
        return tuple(stage_outs)

    @staticmethod
    def _apply_transition(transition, y_list: List[Tensor],
                          num_branches: int) -> List[Tensor]:
        """Map the branch outputs of a stage to the inputs of the next one
        (same rule as in :meth:`HRNet.forward`)."""
        x_list = []
        for i in range(num_branches):
            if transition[i] is not None:
                x_list.append(transition[i](y_list[-1]))
            else:
                x_list.append(y_list[i])
        return x_list

    def _pretrained_cfg(self) -> Optional[dict]:
        init_cfgs = self.init_cfg
        if isinstance(init_cfgs, dict):
            init_cfgs = [init_cfgs]
        for cfg in init_cfgs or []:
            if cfg.get('type') == 'Pretrained':
                return cfg
        return None

    def init_weights(self):
        """Initialize the weights.

        With a ``Pretrained`` init config, the checkpoint is loaded strictly
        (see :meth:`load_pretrained`); otherwise as mmpose's HRNet does.
        """
        pretrained_cfg = self._pretrained_cfg()
        if pretrained_cfg is None:
            if self.frozen:
                print_log(
                    'MultiStageHRNet is frozen but has no `Pretrained` '
                    'init_cfg: it keeps its random weights.',
                    logger='current',
                    level=logging.WARNING)
            super().init_weights()
            return
        if self.is_init:
            print_log(
                'init_weights of MultiStageHRNet has been called more than '
                'once.',
                logger='current',
                level=logging.WARNING)
            return
        checkpoint = pretrained_cfg.get('checkpoint')
        self.load_pretrained(
            checkpoint,
            prefix=pretrained_cfg.get('prefix'),
            map_location=pretrained_cfg.get('map_location', 'cpu'))
        self._is_init = True
        if hasattr(self, '_params_init_info'):
            update_init_info(
                self, init_info=f'MultiStageHRNet: load from {checkpoint}')

    def load_pretrained(self,
                        checkpoint: str,
                        prefix: Optional[str] = None,
                        map_location: str = 'cpu') -> None:
        """Load an mmpose HRNet checkpoint strictly.

        Args:
            checkpoint (str): Checkpoint path or URL.
            prefix (str, optional): Only keys starting with ``prefix`` are
                used, with the prefix removed (e.g. ``'backbone.'``). If
                ``None``, ``'backbone.'`` is used when the checkpoint has such
                keys, otherwise all keys. Defaults to ``None``.
            map_location (str): Passed to ``torch.load``. Defaults to
                ``'cpu'``.

        Raises:
            FileNotFoundError: ``checkpoint`` is a local path that does not
                exist.
            RuntimeError: Keys or shapes do not match this backbone.
        """
        state_dict = self._read_checkpoint(checkpoint, map_location)
        state_dict = _select_prefix(state_dict, prefix)
        self._check_state_dict(state_dict, checkpoint)
        # mmengine's loader (it ignores absent num_batches_tracked buffers).
        # Its load_checkpoint is not used as a whole: it copies the matching
        # tensors before reporting mismatches, and its revise_keys cannot
        # drop a pose estimator checkpoint's head keys; _check_state_dict
        # made this all or nothing.
        load_state_dict(self, state_dict, strict=True)
        print_log(
            f'MultiStageHRNet: loaded {len(state_dict)} tensors from '
            f'{checkpoint}',
            logger='current')

    @staticmethod
    def _read_checkpoint(checkpoint: str, map_location: str) -> dict:
        if not isinstance(checkpoint, str) or not checkpoint:
            raise ValueError('MultiStageHRNet: a `Pretrained` init_cfg needs '
                             f'a checkpoint path, got {checkpoint!r}')
        if '://' not in checkpoint:
            path = osp.expanduser(checkpoint)
            if not osp.isfile(path):
                raise FileNotFoundError(
                    'MultiStageHRNet: pretrained checkpoint file not found: '
                    f'{path!r}. Set `init_cfg.checkpoint` of the backbone to '
                    'an existing HRNet checkpoint.')
        # torch.load(weights_only=True) underneath; importing tdmi_mmpose
        # allow-lists the non-tensor types of mmengine checkpoints. URLs are
        # downloaded once and cached by mmengine (torch.hub's cache).
        try:
            ckpt = CheckpointLoader.load_checkpoint(
                checkpoint, map_location=map_location)
        except OSError as error:  # URLError, HTTPError, no network
            if '://' not in checkpoint:
                raise
            raise RuntimeError(
                f'MultiStageHRNet: cannot download the pretrained checkpoint '
                f'{checkpoint} ({error}). Offline, download it on another '
                'machine and pass the local file with `--cfg-options '
                'backbone_checkpoint=PATH`.') from error
        if isinstance(ckpt, dict) and 'state_dict' in ckpt:
            ckpt = ckpt['state_dict']
        if not isinstance(ckpt, dict):
            raise RuntimeError(
                f'MultiStageHRNet: {checkpoint} holds no state dict')
        return ckpt

    def _check_state_dict(self, state_dict: Dict[str, Tensor],
                          checkpoint: str) -> None:
        own_state = self.state_dict()
        missing = [
            k for k in own_state
            if k not in state_dict and not k.endswith(_OPTIONAL_KEY_SUFFIXES)
        ]
        unexpected = [k for k in state_dict if k not in own_state]
        mismatched = [
            f'{k}: checkpoint {tuple(v.shape)} vs model '
            f'{tuple(own_state[k].shape)}' for k, v in state_dict.items()
            if k in own_state and tuple(v.shape) != tuple(own_state[k].shape)
        ]
        if missing or unexpected or mismatched:
            raise RuntimeError(
                f'MultiStageHRNet: checkpoint {checkpoint} does not match '
                'the backbone architecture.\n' +
                _format_keys('missing keys', missing) +
                _format_keys('unexpected keys', unexpected) +
                _format_keys('shape mismatches', mismatched))


def _select_prefix(state_dict: Dict[str, Tensor],
                   prefix: Optional[str]) -> Dict[str, Tensor]:
    """Strip ``module.`` (DataParallel) and the backbone prefix."""
    if all(k.startswith('module.') for k in state_dict):
        state_dict = OrderedDict(
            (k[len('module.'):], v) for k, v in state_dict.items())
    if prefix is None and any(k.startswith('backbone.') for k in state_dict):
        prefix = 'backbone.'
    if prefix:
        state_dict = OrderedDict((k[len(prefix):], v)
                                 for k, v in state_dict.items()
                                 if k.startswith(prefix))
        if not state_dict:
            raise RuntimeError(
                f'MultiStageHRNet: no checkpoint key starts with {prefix!r} '
                '(prefix=None detects `backbone.` or takes every key)')
    return state_dict


def _format_keys(title: str, keys: List[str], limit: int = 50) -> str:
    if not keys:
        return ''
    shown = '\n    '.join(keys[:limit])
    more = f'\n    ... and {len(keys) - limit} more' if len(
        keys) > limit else ''
    return f'  {len(keys)} {title}:\n    {shown}{more}\n'
