# Copyright (c) tdmi_mmpose contributors.
from typing import Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.model import ImgDataPreprocessor
from mmengine.utils import is_seq_of
from mmpose.registry import MODELS


@MODELS.register_module()
class VideoPoseDataPreprocessor(ImgDataPreprocessor):
    """Data preprocessor for video pose estimation: batches
    ``(T, 3, H, W)`` samples into ``(B, T, 3, H, W)``.

    For every sample it moves the frames to the model's device, converts
    BGR to RGB (``bgr_to_rgb``), casts to float, normalises every frame with
    ``(x - mean) / std`` and stacks the batch. A ``(3, H, W)`` sample is taken
    as T=1. Samples of different H, W are padded at the bottom/right to the
    largest size (rounded up to ``pad_size_divisor``) with ``pad_value``; all
    samples must have the same T. A batch already stacked by
    ``default_collate`` (``(B, T, 3, H, W)`` or ``(B, 3, H, W)``) works too.

    Each data sample gets ``batch_input_shape`` and ``pad_shape`` in its
    metainfo, as with mmpose's ``PoseDataPreprocessor``.

    Args:
        mean (Sequence[float], optional): Per-channel mean, in the channel
            order after the conversion (RGB with ``bgr_to_rgb``). Defaults to
            ``None`` (no normalisation).
        std (Sequence[float], optional): Per-channel std. Defaults to
            ``None``.
        pad_size_divisor (int): Padded H, W are multiples of this. Defaults
            to 1.
        pad_value (float | int): Padding value. Defaults to 0.
        bgr_to_rgb (bool): Swap channels BGR -> RGB. Defaults to ``False``.
        rgb_to_bgr (bool): Swap channels RGB -> BGR. Defaults to ``False``.
        non_blocking (bool): Non-blocking host-to-device copy. Defaults to
            ``False``.

    Returns (of :meth:`forward`):
        dict: ``inputs`` float tensor ``(B, T, 3, H, W)`` on the model's
        device, ``data_samples`` as given (on the device).
    """

    def __init__(self,
                 mean: Optional[Sequence[Union[float, int]]] = None,
                 std: Optional[Sequence[Union[float, int]]] = None,
                 pad_size_divisor: int = 1,
                 pad_value: Union[float, int] = 0,
                 bgr_to_rgb: bool = False,
                 rgb_to_bgr: bool = False,
                 non_blocking: Optional[bool] = False):
        super().__init__(
            mean=mean,
            std=std,
            pad_size_divisor=pad_size_divisor,
            pad_value=pad_value,
            bgr_to_rgb=bgr_to_rgb,
            rgb_to_bgr=rgb_to_bgr,
            non_blocking=non_blocking)

    def _as_video(self, frames: torch.Tensor, what: str) -> torch.Tensor:
        """(3, H, W) -> (1, 3, H, W); check (T, C, H, W)."""
        if frames.dim() == 3:
            frames = frames.unsqueeze(0)
        if frames.dim() != 4:
            raise ValueError(
                f'{self.__class__.__name__}: {what} should be (T, 3, H, W) '
                f'or (3, H, W), got shape {tuple(frames.shape)}.')
        channels = frames.shape[1]
        if ((self._channel_conversion or
             (self._enable_normalize and self.mean.shape[0] == 3))
                and channels != 3):
            raise ValueError(
                f'{self.__class__.__name__}: {what} should have 3 channels '
                f'in dim 1, got shape {tuple(frames.shape)}.')
        return frames

    def _normalize(self, frames: torch.Tensor) -> torch.Tensor:
        """Channel swap, float, normalise; works on (..., C, H, W)."""
        if self._channel_conversion:
            frames = frames[..., [2, 1, 0], :, :]
        frames = frames.float()
        if self._enable_normalize:
            frames = (frames - self.mean) / self.std
        return frames

    def _round_up(self, size: Sequence[int]) -> tuple:
        """(h, w) rounded up to multiples of ``pad_size_divisor``."""
        d = self.pad_size_divisor
        return tuple(int(-(-int(s) // d) * d) for s in size)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Normalise and batch video inputs.

        Args:
            data (dict): ``inputs``: a list of B tensors ``(T, 3, H, W)``
                (or ``(3, H, W)``), or one tensor ``(B, T, 3, H, W)`` (or
                ``(B, 3, H, W)``); ``data_samples`` (optional).
            training (bool): Unused (no batch augmentation).

        Returns:
            dict: ``inputs`` ``(B, T, 3, H, W)`` float, ``data_samples``.
        """
        data = self.cast_data(data)
        inputs = data['inputs']
        if isinstance(inputs, torch.Tensor):
            if inputs.dim() == 4:
                inputs = inputs.unsqueeze(1)
            if inputs.dim() != 5:
                raise ValueError(
                    f'{self.__class__.__name__}: a batched input should be '
                    '(B, T, 3, H, W) or (B, 3, H, W), got shape '
                    f'{tuple(inputs.shape)}.')
            inputs = list(inputs)
        elif not is_seq_of(inputs, torch.Tensor) or len(inputs) == 0:
            raise TypeError(
                f'{self.__class__.__name__}: "inputs" should be a tensor or a '
                f'non-empty list of tensors, got {type(inputs).__name__}.')

        videos = [
            self._normalize(self._as_video(x, f'sample {i}'))
            for i, x in enumerate(inputs)
        ]
        lengths = {v.shape[0] for v in videos}
        if len(lengths) != 1:
            raise ValueError(
                f'{self.__class__.__name__}: all samples of a batch need the '
                f'same number of frames T, got {[v.shape[0] for v in videos]}'
                '.')
        pad_shapes = [self._round_up(v.shape[-2:]) for v in videos]
        batch_h, batch_w = self._round_up((max(v.shape[-2] for v in videos),
                                           max(v.shape[-1] for v in videos)))
        batch = torch.stack([
            F.pad(
                v, (0, batch_w - v.shape[-1], 0, batch_h - v.shape[-2]),
                value=self.pad_value) for v in videos
        ])

        data_samples = data.get('data_samples', None)
        if data_samples is not None:
            batch_input_shape = tuple(batch.shape[-2:])
            for data_sample, pad_shape in zip(data_samples, pad_shapes):
                data_sample.set_metainfo({
                    'batch_input_shape': batch_input_shape,
                    'pad_shape': pad_shape
                })
        return {'inputs': batch, 'data_samples': data_samples}
