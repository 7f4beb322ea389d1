# Copyright (c) tdmi_mmpose contributors.
"""Multi-stage Temporal Difference Encoder (TDE), Sec. 3.2 of the paper."""
from typing import Dict, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpose.registry import MODELS

from ..utils import DeformConvV2, make_basic_block, make_basic_blocks


def temporal_differences(x: torch.Tensor) -> torch.Tensor:
    """Differences of consecutive frames, concatenated along channels.

    Args:
        x (Tensor): Features in time order, (B, T, C, h, w), T >= 2.

    Returns:
        Tensor: (B, (T-1)·C, h, w); channels ``[k·C, (k+1)·C)`` hold
        ``x[:, k+1] - x[:, k]``.
    """
    assert x.dim() == 5 and x.shape[1] >= 2, (
        f'temporal differences need (B, T >= 2, C, h, w), got shape '
        f'{tuple(x.shape)}')
    diffs = x[:, 1:] - x[:, :-1]
    return diffs.flatten(1, 2)


def _check_arguments(
    num_frames: int, num_blocks: Union[int, Sequence[int]],
    stages: Sequence[int]
) -> Tuple[Tuple[int, ...], Tuple[int, ...]]:
    """``stages`` and ``num_blocks`` (one per stage index) as checked int
    tuples."""
    stages = tuple(int(s) for s in stages)
    if not 1 <= len(stages) <= 4:
        raise ValueError(f'use 1 to 4 stages, got stages={stages}')
    if any(s < 0 for s in stages) or len(set(stages)) != len(stages):
        raise ValueError('stages must be distinct non-negative indices, '
                         f'got {stages}')
    if num_frames < 2:
        raise ValueError('the TDE needs num_frames >= 2 (temporal '
                         f'differences), got {num_frames}')
    if isinstance(num_blocks, int):
        num_blocks = (num_blocks, ) * (max(stages) + 1)
    num_blocks = tuple(num_blocks)
    if len(num_blocks) <= max(stages):
        raise ValueError(f'num_blocks={num_blocks} has no entry for '
                         f'stage {max(stages)}')
    return stages, num_blocks


@MODELS.register_module()
class TemporalDifferenceEncoder(BaseModule):
    """Multi-stage Temporal Difference Encoder (TDE): per used stage j, the
    encoded frame differences D^j through a DCN v2 whose offsets come from
    concat[F_t, D^j], fused by the incremental cascade into M_t (the steps,
    shapes and zero-initialised offset conv: ``docs/model.md``).

    Args:
        in_channels (int): Channels C of every stage feature. Default: 48.
        num_frames (int): Frames T per sample (2δ+1), fixed at
            construction. Default: 5.
        num_blocks (int | Sequence[int]): Basic blocks of each stage's
            difference encoder, by stage index (an int: all stages).
            Default: (3, 3, 3, 2).
        stages (Sequence[int]): Indices into ``stage_feats`` of the 1 to 4
            stages used, cascaded in increasing order (paper ablation
            "number of stages"). Default: (0, 1, 2, 3).
        use_dcn (bool): DCN v2 on D^j; False uses a plain 3x3 conv and no
            offset branch (paper ablation "w/o DCN"). Default: True.
        cascade (bool): Incremental cascade; False sums the per-stage
            DCN outputs and applies one basic block (paper ablation "w/o
            incremental cascade"). Default: True.
        deform_groups (int): Deformable groups of the DCN; must divide
            ``in_channels``. Default: 12.
        dcn_backend (str): ``'auto'``, ``'mmcv'`` or ``'torchvision'``, see
            :class:`DeformConvV2`. Default: ``'auto'``.
        key_stage (int): Index into ``stage_feats`` of the key-frame feature
            F_t (offsets, ``key_feat``). Default: -1 (F_t^4).
        offset_dilation (int): Dilation (and padding) of the 3x3 offset/mask
            conv. Default: 3.
        conv_cfg (dict, optional): Conv config of the basic blocks.
            Default: None.
        norm_cfg (dict): Norm config of the basic blocks.
            Default: ``dict(type='BN')``.
        init_cfg (dict | list[dict], optional): Initialisation config.
            Default: None.
    """

    def __init__(self,
                 in_channels: int = 48,
                 num_frames: int = 5,
                 num_blocks: Union[int, Sequence[int]] = (3, 3, 3, 2),
                 stages: Sequence[int] = (0, 1, 2, 3),
                 use_dcn: bool = True,
                 cascade: bool = True,
                 deform_groups: int = 12,
                 dcn_backend: str = 'auto',
                 key_stage: int = -1,
                 offset_dilation: int = 3,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(init_cfg=init_cfg)
        stages, num_blocks = _check_arguments(num_frames, num_blocks, stages)

        self.in_channels = in_channels
        self.num_frames = num_frames
        self.num_blocks = num_blocks
        self.stages = stages
        self.use_dcn = use_dcn
        self.cascade = cascade
        self.deform_groups = deform_groups
        self.key_stage = key_stage
        C = in_channels
        block_kwargs = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        self.difference_encoders = nn.ModuleList([
            make_basic_blocks((num_frames - 1) * C, C, num_blocks[s],
                              **block_kwargs) for s in stages
        ])
        if use_dcn:
            self.offset_blocks = nn.ModuleList(
                [make_basic_block(2 * C, C, **block_kwargs) for _ in stages])
            self.dcns = nn.ModuleList([
                DeformConvV2(
                    C,
                    C,
                    3,
                    padding=1,
                    deform_groups=deform_groups,
                    backend=dcn_backend) for _ in stages
            ])
            self.offset_convs = nn.ModuleList([
                nn.Conv2d(
                    C,
                    dcn.offset_channels + dcn.mask_channels,
                    3,
                    padding=offset_dilation,
                    dilation=offset_dilation) for dcn in self.dcns
            ])
            self._zero_init_offset_convs()
        else:
            self.convs = nn.ModuleList(
                [nn.Conv2d(C, C, 3, padding=1) for _ in stages])
        self.fusion_blocks = nn.ModuleList([
            make_basic_block(C, C, **block_kwargs)
            for _ in range(len(stages) if cascade else 1)
        ])

    def _zero_init_offset_convs(self) -> None:
        for conv in self.offset_convs:
            nn.init.zeros_(conv.weight)
            nn.init.zeros_(conv.bias)

    def init_weights(self) -> None:
        """Apply ``init_cfg``, then zero the offset/mask convs again unless
        ``type='Pretrained'``."""
        super().init_weights()
        cfgs = self.init_cfg if isinstance(self.init_cfg,
                                           list) else [self.init_cfg]
        pretrained = any(
            isinstance(cfg, dict) and cfg.get('type') == 'Pretrained'
            for cfg in cfgs)
        if self.use_dcn and not pretrained:
            self._zero_init_offset_convs()

    def _check_inputs(self, stage_feats: Sequence[torch.Tensor],
                      key_frame_index: int) -> None:
        """The stage features fit how the TDE was built."""
        used = self.stages + (self.key_stage, )
        assert all(-len(stage_feats) <= s < len(stage_feats) for s in used), (
            f'stage indices {used} are out of range for {len(stage_feats)} '
            'stage features')
        # shape[1:] only: int() of the batch size would fix it in an
        # exported graph
        shapes = {s: tuple(int(d) for d in stage_feats[s].shape[1:])
                  for s in used}
        for s, shape in shapes.items():
            assert len(shape) == 4 and shape[:2] == (
                self.num_frames, self.in_channels), (
                    f'stage_feats[{s}] has shape '
                    f'{tuple(stage_feats[s].shape)}, but the TDE was built for'
                    f' (B, T={self.num_frames}, C={self.in_channels},'
                    ' h, w) (T comes from the config\'s frame_offsets; other '
                    'channels need a StageFeatureAdapter neck before it)')
        sizes = {shape[2:] for shape in shapes.values()}
        assert len(sizes) == 1, (
            f'all used stage features must share one spatial size, got '
            f'{sorted(sizes)} (put a StageFeatureAdapter neck before the TDE)')
        assert -self.num_frames <= key_frame_index < self.num_frames, (
            f'key_frame_index={key_frame_index} is out of range for '
            f'T={self.num_frames}')

    def forward(self, feats: Dict) -> Dict:
        """Forward.

        Args:
            feats (dict): Neck dict with ``stage_feats`` (tuple of
                (B, T, C, h, w), time order) and ``key_frame_index`` (int).

        Returns:
            dict: ``feats`` plus ``motion`` (M_t), ``key_feat`` (F_t) and
            ``out`` (= M_t), all (B, C, h, w).
        """
        stage_feats = feats['stage_feats']
        key_frame_index = int(feats['key_frame_index'])
        self._check_inputs(stage_feats, key_frame_index)
        key_feat = stage_feats[self.key_stage][:, key_frame_index]
        stage_outputs = []
        for i, s in enumerate(self.stages):
            diff_feat = self.difference_encoders[i](
                temporal_differences(stage_feats[s]))
            if self.use_dcn:
                dcn = self.dcns[i]
                offset, mask = self.offset_convs[i](self.offset_blocks[i](
                    torch.cat([key_feat, diff_feat], dim=1))).split(
                        [dcn.offset_channels, dcn.mask_channels], dim=1)
                stage_outputs.append(
                    dcn(diff_feat, offset, torch.sigmoid(mask)))
            else:
                stage_outputs.append(self.convs[i](diff_feat))
        if self.cascade:
            motion = self.fusion_blocks[0](stage_outputs[0])
            for block, stage_out in zip(self.fusion_blocks[1:],
                                        stage_outputs[1:]):
                motion = block(motion + stage_out)
        else:
            motion = self.fusion_blocks[0](torch.stack(stage_outputs).sum(0))
        outputs = dict(feats)
        outputs.update(motion=motion, key_feat=key_feat, out=motion)
        return outputs
