# Copyright (c) tdmi_mmpose contributors.
"""Top-down pose estimator on short clips (key frame + supporting frames)."""
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
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

    The clip ``inputs`` of shape (B, T, 3, H, W) holds the T frames at
    ``frame_offsets`` from the key frame, in time order; the key frame (at
    :attr:`key_frame_index`, where the offset is 0) is the frame whose pose
    is predicted. The backbone
    runs once on (B*T, 3, H, W); each of its outputs is reshaped to
    (B, T, C, h, w) and the video necks, applied in order, take and return
    the feature dict (see ``docs/architecture.md``)::

        {'stage_feats': tuple[Tensor (B, T, C, h, w)], 'key_frame_index': int}

    The head gets ``(feats['out'],)``. Without necks, ``feats['out']`` is the
    key frame's last backbone output. In training, the optional
    ``mi_loss(feats)`` losses are added to the head losses.

    Args:
        backbone (dict): The backbone config.
        frame_offsets (Sequence[int]): The clip, in time order (set from the
            config's top-level ``frame_offsets`` by
            :func:`tdmi_mmpose.io.config.apply_clip`). Defaults to
            ``(-2, -1, 0, 1, 2)`` (SPEC: delta = 2).
        neck (dict | list[dict], optional): Video neck config(s), applied in
            order. They are kept in an ``mmengine.model.ModuleList`` named
            ``neck`` (parameter names ``neck.0.*``, ``neck.1.*``, ...), so
            ``init_weights`` applies each neck's ``init_cfg``.
            Defaults to ``None``.
        head (dict, optional): The head config (e.g. ``HeatmapHead``).
            Defaults to ``None``.
        mi_loss (dict, optional): Config of a loss module called as
            ``mi_loss(feats)`` in training, returning a dict of losses (e.g.
            ``dict(type='MutualInformationLoss')``). Defaults to ``None``.
        train_cfg (dict, optional): The runtime config for training process.
            Defaults to ``None``.
        test_cfg (dict, optional): The runtime config for testing process,
            e.g. ``dict(flip_test=True, flip_mode='heatmap',
            shift_heatmap=True)``. Defaults to ``None``.
        data_preprocessor (dict, optional): The data preprocessor config
            (e.g. ``VideoPoseDataPreprocessor``). Defaults to ``None``.
        init_cfg (dict, optional): The config to control the
            initialization. Defaults to ``None``.
        metainfo (dict, optional): Dataset meta information overriding that
            of the data samples in prediction. Defaults to ``None``.
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
        if neck is None:
            neck = []
        elif isinstance(neck, dict):
            neck = [neck]
        self.neck = ModuleList([MODELS.build(cfg) for cfg in neck])
        self.mi_loss = MODELS.build(mi_loss) if mi_loss is not None else None
        self.frame_offsets = list(frame_offsets)
        self.key_frame_index = key_frame_index(self.frame_offsets)

    @property
    def with_neck(self) -> bool:
        """bool: whether the pose estimator has at least one neck."""
        return len(self.neck) > 0

    @property
    def with_mi_loss(self) -> bool:
        """bool: whether the pose estimator has a mutual information loss."""
        return self.mi_loss is not None

    def extract_video_feats(self, inputs: Tensor) -> Dict[str, object]:
        """Run the backbone on all frames and the video necks.

        Args:
            inputs (Tensor): Clips of shape (B, T, 3, H, W).

        Returns:
            dict: The neck feature dict, with at least ``stage_feats`` (tuple
            of (B, T, C, h, w)), ``key_frame_index`` and ``out`` (the head
            input, (B, C, h, w)).
        """
        assert inputs.dim() == 5 and inputs.shape[1] == len(
            self.frame_offsets), (
                'VideoTopdownPoseEstimator expects clips (B, T, 3, H, W) of '
                f'T = {len(self.frame_offsets)} frames (frame_offsets '
                f'{self.frame_offsets}), got {tuple(inputs.shape)}')
        batch_size, num_frames = inputs.shape[:2]
        key_frame_index = self.key_frame_index

        stage_feats = self.backbone(inputs.flatten(0, 1))
        if isinstance(stage_feats, Tensor):
            stage_feats = (stage_feats, )
        stage_feats = tuple(
            feat.reshape(batch_size, num_frames, *feat.shape[1:])
            for feat in stage_feats)

        feats = dict(stage_feats=stage_feats, key_frame_index=key_frame_index)
        for neck in self.neck:
            feats = neck(feats)
        if not self.with_neck:
            feats['out'] = feats['stage_feats'][-1][:, key_frame_index]
        return feats

    def extract_feat(self, inputs: Tensor) -> Tuple[Tensor]:
        """Extract the head input features.

        Args:
            inputs (Tensor): Clips of shape (B, T, 3, H, W).

        Returns:
            tuple[Tensor]: ``(feats['out'],)``, a (B, C, h, w) feature.
        """
        return (self.extract_video_feats(inputs)['out'], )

    def forward(self,
                inputs: Union[Tensor, List[Tensor]],
                data_samples: OptSampleList = None,
                mode: str = 'tensor'):
        """The unified entry of :class:`BasePoseEstimator`."""
        if mode == 'tensor':
            if isinstance(inputs, list):
                inputs = torch.stack(inputs)
            return self._forward(inputs, data_samples)
        return super().forward(inputs, data_samples, mode)

    def _forward(
            self,
            inputs: Tensor,
            data_samples: OptSampleList = None
    ) -> Union[Tensor, Tuple[Tensor]]:
        """Network forward without post-processing.

        Args:
            inputs (Tensor): Clips of shape (B, T, 3, H, W).
            data_samples (list[:obj:`PoseDataSample`], optional): Unused.

        Returns:
            Tensor: The head output, e.g. heatmaps of shape (B, K, h, w).
        """
        x = self.extract_feat(inputs)
        if self.with_head:
            x = self.head.forward(x)
        return x

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """Calculate losses from a batch of clips and data samples.

        Args:
            inputs (Tensor): Clips of shape (B, T, 3, H, W).
            data_samples (list[:obj:`PoseDataSample`]): The batch data
                samples.

        Returns:
            dict: The head losses (``loss_kpt``, ``acc_pose``) and, with an
            ``mi_loss``, its losses (e.g. ``loss_mi``, ``loss_mi_q``,
            ``loss_con``).
        """
        feats = self.extract_video_feats(inputs)

        losses = dict()
        if self.with_head:
            losses.update(
                self.head.loss((feats['out'], ),
                               data_samples,
                               train_cfg=self.train_cfg))
        if self.with_mi_loss:
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
        """mmengine's loss parsing, with a log a person can read first.

        The returned loss (what is back-propagated) is mmengine's: the sum
        of every ``loss*`` term. In the logged values, ``loss_kpt`` (the
        heatmap loss) comes first, and ``loss`` is the pose model's
        objective: the sum without ``loss_mi_q``, which trains only the MI
        loss's variational net q (its gradient reaches no other parameter)
        and, being a negative log-likelihood, can be any real number.

        Args:
            losses (dict[str, Tensor]): The losses of :meth:`loss`.

        Returns:
            tuple[Tensor, dict[str, Tensor]]: The loss to back-propagate and
            the values to log.
        """
        total, log_vars = super().parse_losses(losses)
        if 'loss_mi_q' in log_vars:
            log_vars['loss'] = log_vars['loss'] - log_vars['loss_mi_q']
        order = [key for key in ('loss_kpt', 'loss') if key in log_vars]
        ordered = OrderedDict((key, log_vars[key]) for key in order)
        ordered.update(
            (key, value) for key, value in log_vars.items()
            if key not in ordered)
        return total, ordered

    def predict(self, inputs: Tensor, data_samples: SampleList) -> SampleList:
        """Predict the key frame poses, with optional flip test.

        With ``test_cfg['flip_test']``, every frame of the clip is flipped
        horizontally and the head averages the original heatmaps with the
        flipped-back ones (as :class:`TopdownPoseEstimator` does).

        Args:
            inputs (Tensor): Clips of shape (B, T, 3, H, W).
            data_samples (list[:obj:`PoseDataSample`]): The batch data
                samples.

        Returns:
            list[:obj:`PoseDataSample`]: The data samples with
            ``pred_instances`` (keypoints in image coordinates, keypoint
            scores) and optionally ``pred_fields`` (heatmaps).
        """
        assert self.with_head, (
            'The model must have head to perform prediction.')
        if self.test_cfg.get('flip_test', False):
            feats = [self.extract_feat(inputs),
                     self.extract_feat(inputs.flip(-1))]
        else:
            feats = self.extract_feat(inputs)

        preds = self.head.predict(feats, data_samples, test_cfg=self.test_cfg)

        if isinstance(preds, tuple):
            batch_pred_instances, batch_pred_fields = preds
        else:
            batch_pred_instances = preds
            batch_pred_fields = None

        return self.add_pred_to_datasample(batch_pred_instances,
                                           batch_pred_fields, data_samples)
