# Copyright (c) tdmi_mmpose contributors.
"""Top-down pose estimator on short clips (key frame + supporting frames)."""
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple, Union

from mmengine.model import ModuleList
from torch import Tensor

from mmpose.models.pose_estimators import TopdownPoseEstimator
from mmpose.registry import MODELS
from mmpose.utils.typing import (ConfigType, OptConfigType, OptMultiConfig,
                                 OptSampleList, SampleList)

from ...io.clip import key_frame_index
from ...utils.errors import InputError


@MODELS.register_module()
class VideoTopdownPoseEstimator(TopdownPoseEstimator):
    """Top-down pose estimator predicting the key frame of a clip.

    The backbone runs on all (B*T, 3, H, W) frames; the video necks pass on
    the feature dict of ``docs/architecture.md``, and the head gets
    ``(feats['out'],)``. ``predict`` (flip test on all frames) and
    ``forward`` are mmpose's, on clips (B, T, 3, H, W).

    Args:
        backbone (dict): The backbone config.
        frame_offsets (Sequence[int]): The clip, in time order (set by
            :func:`tdmi_mmpose.io.config.apply_clip`). Defaults to
            ``(-2, -1, 0, 1, 2)`` (SPEC: delta = 2).
        neck (dict | list[dict], optional): Video neck config(s), applied in
            order, kept in a ``ModuleList`` (``neck.0.*``, ``neck.1.*``).
        head (dict, optional): The head config (e.g. ``HeatmapHead``).
        mi_loss (dict, optional): A loss module called as
            ``mi_loss(feats['mi_inputs'])`` in training, returning a dict of
            losses (e.g. ``dict(type='MutualInformationLoss')``).
        train_cfg (dict, optional): The runtime config for training.
        test_cfg (dict, optional): The runtime config for testing, e.g.
            ``dict(flip_test=True, flip_mode='heatmap')``.
        data_preprocessor (dict, optional): The data preprocessor config.
        init_cfg (dict, optional): The initialization config.
        metainfo (dict, optional): Dataset meta information overriding that
            of the data samples in prediction.
    """

    def __init__(self,
                 backbone: ConfigType,
                 frame_offsets: Sequence[int] = (-2, -1, 0, 1, 2),
                 neck: Union[OptConfigType, Sequence[ConfigType]] = None,
                 head: OptConfigType = None,
                 mi_loss: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptMultiConfig = None,
                 metainfo: Optional[dict] = None):
        super().__init__(
            backbone=backbone,
            neck=None,
            head=head,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg,
            metainfo=metainfo)
        neck = [neck] if isinstance(neck, dict) else neck or []
        self.neck = ModuleList([MODELS.build(cfg) for cfg in neck])
        self.mi_loss = MODELS.build(mi_loss) if mi_loss is not None else None
        self.frame_offsets = list(frame_offsets)
        self.key_frame_index = key_frame_index(self.frame_offsets)

    @property
    def with_neck(self) -> bool:
        """bool: whether the pose estimator has at least one neck."""
        return len(self.neck) > 0

    def extract_video_feats(self, inputs: Tensor) -> Dict[str, object]:
        """Run the backbone on all frames and the video necks.

        Args:
            inputs (Tensor): Clips, (B, T, 3, H, W).

        Returns:
            dict: The neck feature dict, with ``stage_feats`` (tuple of
            (B, T, C, h, w)), ``key_frame_index`` and ``out`` (B, C, h, w).
        """
        assert inputs.dim() == 5 and inputs.shape[1] == len(
            self.frame_offsets), (
                'VideoTopdownPoseEstimator expects clips (B, T, 3, H, W) of '
                f'T = {len(self.frame_offsets)} frames (frame_offsets '
                f'{self.frame_offsets}), got {tuple(inputs.shape)}')
        batch_size, num_frames = inputs.shape[:2]
        stage_feats = self.backbone(inputs.flatten(0, 1))
        if isinstance(stage_feats, Tensor):
            stage_feats = (stage_feats, )
        stage_feats = tuple(
            feat.reshape(batch_size, num_frames, *feat.shape[1:])
            for feat in stage_feats)

        feats = dict(
            stage_feats=stage_feats, key_frame_index=self.key_frame_index)
        for neck in self.neck:
            feats = neck(feats)
        if not self.with_neck:
            feats['out'] = stage_feats[-1][:, self.key_frame_index]
        return feats

    def extract_feat(self, inputs: Tensor) -> Tuple[Tensor]:
        """The head input ``(feats['out'],)``, (B, C, h, w), of clips
        (B, T, 3, H, W)."""
        return (self.extract_video_feats(inputs)['out'], )

    def forward(self,
                inputs: Union[Tensor, List[Tensor]],
                data_samples: OptSampleList = None,
                mode: str = 'tensor'):
        """mmpose's, with ``data_samples`` optional."""
        return super().forward(inputs, data_samples, mode)

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """Calculate losses from a batch of clips and data samples.

        Args:
            inputs (Tensor): Clips, (B, T, 3, H, W).
            data_samples (list[:obj:`PoseDataSample`]): The batch data
                samples.

        Returns:
            dict: The head losses and those of ``mi_loss``, if any.
        """
        feats = self.extract_video_feats(inputs)
        losses = dict()
        if self.with_head:
            losses.update(
                self.head.loss((feats['out'], ),
                               data_samples,
                               train_cfg=self.train_cfg))
        if self.mi_loss is not None:
            if 'mi_inputs' not in feats:
                raise InputError(
                    'mi_loss needs feats["mi_inputs"] from a '
                    'RepresentationDisentanglement neck with bypass=False; '
                    f'the necks gave {sorted(feats)}. Drop mi_loss '
                    '(mi_loss=None) for models without one.')
            mi_losses = self.mi_loss(feats['mi_inputs'])
            assert not set(mi_losses) & set(losses), (
                f'mi_loss returns keys {sorted(mi_losses)} that the head '
                'losses already use')
            losses.update(mi_losses)
        return losses

    def parse_losses(self, losses: Dict[str, Tensor]
                     ) -> Tuple[Tensor, Dict[str, Tensor]]:
        """mmengine's (the loss to back-propagate, the values to log); the
        log shows ``loss_kpt`` first and, as ``loss``, the sum without
        ``loss_mi_q`` (which trains only the MI loss's net q and can be any
        real number)."""
        total, log_vars = super().parse_losses(losses)
        if 'loss_mi_q' in log_vars:
            log_vars['loss'] = log_vars['loss'] - log_vars['loss_mi_q']
        first = {'loss_kpt': 0, 'loss': 1}
        return total, OrderedDict(
            sorted(log_vars.items(), key=lambda item: first.get(item[0], 2)))
