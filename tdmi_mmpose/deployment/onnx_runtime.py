# Copyright (c) tdmi_mmpose contributors.
"""An exported network run by ONNX Runtime, called like the PyTorch one,
and a video pose model whose network it replaces."""
import os.path as osp
from typing import Callable, Optional, Sequence, Tuple, Union

import numpy as np
import onnxruntime as ort
import torch
import torch.nn as nn
from mmengine.config import Config, ConfigDict

from ..utils.errors import InputError
from .clip_network import clip_input_shape

_EXPORT_HINT = ('export the checkpoint with this config: python '
                'tools/deployment/pytorch2onnx.py CONFIG CHECKPOINT '
                '--output-file OUT.onnx (docs/deployment.md)')


def _describe(shape: Sequence) -> str:
    return '(' + ', '.join(str(dim) for dim in shape) + ')'


class OnnxClipNetwork:
    """An ONNX Runtime session called like
    :class:`~.clip_network.ClipHeatmapNetwork`; the file's input must fit
    the config's clips (:func:`~.clip_network.clip_input_shape`).

    Args:
        onnx_file (str): The exported ``.onnx`` file.
        cfg (Config): The config it was exported from (its clip).
        num_threads (int, optional): ONNX Runtime's intra-op threads.
            Defaults to ONNX Runtime's choice.
        providers (Sequence[str], optional): Execution providers. Defaults
            to ``('CPUExecutionProvider', )``.
    """

    def __init__(self,
                 onnx_file: str,
                 cfg: Union[Config, ConfigDict],
                 num_threads: Optional[int] = None,
                 providers: Optional[Sequence[str]] = None) -> None:
        if not osp.isfile(onnx_file):
            raise FileNotFoundError(f'ONNX model not found: {onnx_file}')
        options = ort.SessionOptions()
        if num_threads is not None:
            options.intra_op_num_threads = num_threads
            options.inter_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(
                onnx_file,
                options,
                providers=list(providers or ('CPUExecutionProvider', )))
        except Exception as error:  # noqa: B902 (any load failure)
            raise InputError(
                f'ONNX Runtime cannot load {onnx_file}: '
                f'{type(error).__name__}: {str(error)[:300]}',
                _EXPORT_HINT) from error
        self.onnx_file = onnx_file
        self.clip_shape = clip_input_shape(cfg)
        self.input_name, self.input_shape = self._check_input(cfg.filename)

    def _check_input(self, config_file: str) -> Tuple[str, list]:
        """The graph's one input, if it takes the config's clips."""
        inputs = self.session.get_inputs()
        num_frames, height, width = self.clip_shape
        expected = [num_frames, 3, height, width]
        shape = list(inputs[0].shape) if len(inputs) == 1 else []
        if len(shape) != 5 or shape[1:] != expected:
            found = ', '.join(f'{i.name} {_describe(i.shape)}' for i in inputs)
            raise InputError(
                f'The ONNX model {self.onnx_file} takes {found} but the '
                f'config {config_file} makes clips of shape (batch, '
                f'{", ".join(map(str, expected))}) (batch, T, 3, H, W)',
                _EXPORT_HINT)
        return inputs[0].name, shape

    def __call__(self, inputs: torch.Tensor) -> torch.Tensor:
        """Heatmaps (B, K, h, w), float32 on the CPU, of normalised clips
        (B, T, 3, H, W)."""
        array = np.ascontiguousarray(
            inputs.detach().cpu().numpy(), dtype=np.float32)
        heatmaps = self.session.run(None, {self.input_name: array})[0]
        return torch.from_numpy(heatmaps)


def use_onnx_network(model: nn.Module,
                     network: Callable[[torch.Tensor], torch.Tensor]
                     ) -> nn.Module:
    """Let another backend run a video pose model's network (the exported
    graph is ``head.forward`` after ``extract_feat``): ``extract_feat``
    becomes ``network`` and ``head.forward`` passes its heatmaps on; the
    data preprocessor, flip test, decoding and data samples stay PyTorch.

    Args:
        model (nn.Module): A ``VideoTopdownPoseEstimator`` (changed in
            place).
        network (Callable): Normalised clips (B, T, 3, H, W) -> heatmaps
            (B, K, h, w), e.g. :class:`OnnxClipNetwork`.

    Returns:
        nn.Module: ``model``, with ``deployed_network`` = ``network``.
    """

    def clip_heatmaps(inputs: torch.Tensor) -> Tuple[torch.Tensor]:
        return (network(inputs).to(inputs.device), )

    model.extract_feat = clip_heatmaps
    model.head.forward = lambda feats: feats[-1]  # the heatmaps, as they are
    model.deployed_network = network
    return model
