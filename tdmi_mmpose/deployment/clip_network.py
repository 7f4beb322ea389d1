# Copyright (c) tdmi_mmpose contributors.
"""The network a deployment backend runs: a config's video pose model in
``tensor`` mode, normalised clips (B, T, 3, H, W) -> heatmaps (B, K, h, w)
(flip test and decoding stay outside, as in PyTorch)."""
import contextlib
from typing import Iterator, Tuple, Union

import torch
import torch.nn as nn
from mmengine.config import Config, ConfigDict

from ..models.utils.deform_conv import DeformConvV2
from ..utils.errors import InputError

#: Names of the graph's input and output and of its batch axis.
INPUT_NAME = 'inputs'
OUTPUT_NAME = 'heatmaps'
BATCH_AXIS = 'batch'


def clip_input_shape(cfg: Union[Config, ConfigDict]) -> Tuple[int, int, int]:
    """The clip ``(T, H, W)`` a config's network takes: T from its frame
    offsets, (H, W) from the test pipeline's ``TopdownAffine``."""
    num_frames = len(cfg.frame_offsets)
    sizes = [
        step['input_size'] for step in cfg.test_dataloader.dataset.pipeline
        if step['type'] == 'TopdownAffine'
    ]
    if len(sizes) != 1:
        raise InputError(
            f'The config {cfg.filename} needs one TopdownAffine step in '
            f'test_dataloader.dataset.pipeline (its input_size is the crop '
            f'size of the network), found {len(sizes)}.')
    width, height = sizes[0]
    return num_frames, int(height), int(width)


class ClipHeatmapNetwork(nn.Module):
    """A video pose estimator in ``tensor`` mode: clips in, the key frame's
    heatmaps out.

    Args:
        model (nn.Module): A ``VideoTopdownPoseEstimator``.
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Key-frame heatmaps (B, K, h, w) of normalised clips
        (B, T, 3, H, W)."""
        return self.model(inputs, None, mode='tensor')


@contextlib.contextmanager
def torchvision_deform_convs(model: nn.Module) -> Iterator[nn.Module]:
    """Run every :class:`DeformConvV2` of ``model`` on torchvision's
    ``deform_conv2d`` (which ONNX export maps to ``DeformConv``; mmcv's has
    no mapping) inside the block."""
    convs = [m for m in model.modules() if isinstance(m, DeformConvV2)]
    backends = [conv.backend for conv in convs]
    for conv in convs:
        conv.backend = 'torchvision'
    try:
        yield model
    finally:
        for conv, backend in zip(convs, backends):
            conv.backend = backend
