# Copyright (c) tdmi_mmpose contributors.
import torch
from mmengine.model import ImgDataPreprocessor, stack_batch
from mmpose.registry import MODELS


@MODELS.register_module()
class VideoPoseDataPreprocessor(ImgDataPreprocessor):
    """``ImgDataPreprocessor`` on video: B samples ``(T, 3, H, W)`` of one T
    (``(3, H, W)``: T = 1), or one stacked tensor, normalised frame by frame
    and padded by ``stack_batch`` into ``(B, T, 3, H, W)``; each data sample
    gets ``batch_input_shape`` and ``pad_shape``, as with mmpose's
    ``PoseDataPreprocessor``."""

    def _as_video(self, frames: torch.Tensor) -> torch.Tensor:
        """One sample as normalised (T, 3, H, W) float frames."""
        assert isinstance(frames, torch.Tensor), (
            f'{type(self).__name__}: a sample should be a tensor, got '
            f'{type(frames).__name__}.')
        if frames.dim() == 3:
            frames = frames.unsqueeze(0)
        assert frames.dim() == 4 and frames.shape[1] == 3, (
            f'{type(self).__name__}: a sample should be (T, 3, H, W) or '
            f'(3, H, W) with 3 channels, got shape {tuple(frames.shape)}.')
        if self._channel_conversion:
            frames = frames[:, [2, 1, 0]]
        frames = frames.float()
        if self._enable_normalize:
            frames = (frames - self.mean) / self.std
        return frames

    def forward(self, data: dict, training: bool = False) -> dict:
        """Normalise and batch video inputs.

        Args:
            data (dict): ``inputs``: B tensors ``(T, 3, H, W)`` (or
                ``(3, H, W)``), or one ``(B, T, 3, H, W)`` (or
                ``(B, 3, H, W)``); ``data_samples`` (optional).
            training (bool): Unused.

        Returns:
            dict: ``inputs`` ``(B, T, 3, H, W)`` float, ``data_samples``.
        """
        data = self.cast_data(data)
        inputs = data['inputs']
        if isinstance(inputs, torch.Tensor):
            assert inputs.dim() in (4, 5), (
                f'{type(self).__name__}: a batched input should be '
                f'(B, T, 3, H, W) or (B, 3, H, W), got shape '
                f'{tuple(inputs.shape)}.')
            inputs = list(inputs.unsqueeze(1) if inputs.dim() == 4 else inputs)
        videos = [self._as_video(x) for x in inputs]
        lengths = [v.shape[0] for v in videos]
        assert len(set(lengths)) == 1, (
            f'{type(self).__name__}: all samples of a batch need the same '
            f'number of frames T, got {lengths}.')
        # mmengine pads every dim but the first: (T * 3, H, W) pads H, W only.
        batch = stack_batch([v.flatten(0, 1) for v in videos],
                            self.pad_size_divisor, self.pad_value)
        batch = batch.unflatten(1, (lengths[0], 3))
        data_samples = data.get('data_samples', None)
        divisor = self.pad_size_divisor
        for data_sample, video in zip(data_samples or [], videos):
            data_sample.set_metainfo({
                'batch_input_shape': tuple(batch.shape[-2:]),
                'pad_shape': tuple(-(-s // divisor) * divisor
                                   for s in video.shape[-2:])
            })
        return {'inputs': batch, 'data_samples': data_samples}
