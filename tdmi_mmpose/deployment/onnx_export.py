# Copyright (c) tdmi_mmpose contributors.
"""Export a config's network (:class:`~.clip_network.ClipHeatmapNetwork`,
dynamic batch axis) to ONNX with torch's dynamo exporter, the deformable
convolutions as ONNX's ``DeformConv`` (opset >= 19; the legacy exporter
cannot export it), and compare ONNX Runtime with PyTorch."""
import copy
import warnings
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config, ConfigDict
from mmengine.runner import save_checkpoint
from mmengine.runner.checkpoint import _load_checkpoint_to_model
from mmpose.apis import init_model

from ..io.checkpoints import check_state_dict_matches, load_from_local
from ..utils.atomic import atomic_output
from ..utils.errors import InputError
from .clip_network import (BATCH_AXIS, INPUT_NAME, OUTPUT_NAME,
                           ClipHeatmapNetwork, torchvision_deform_convs)

#: The first ONNX opset with ``DeformConv``.
MIN_OPSET = 19
#: The largest heatmap difference an export may show against PyTorch.
PARITY_TOLERANCE = 1e-4


def build_network(cfg: Union[Config, ConfigDict],
                  checkpoint: Optional[str] = None) -> ClipHeatmapNetwork:
    """The config's network on the CPU in eval mode.

    Args:
        cfg (Config): A video pose config (not modified).
        checkpoint (str, optional): A checkpoint of this config; it must fit
            the model exactly. Defaults to random weights.

    Returns:
        :class:`ClipHeatmapNetwork`: The network.
    """
    model = init_model(copy.deepcopy(cfg), None, device='cpu')
    if checkpoint is not None:
        state = load_from_local(checkpoint, map_location='cpu')
        check_state_dict_matches(model, state, checkpoint)
        _load_checkpoint_to_model(model, state, strict=True)
    return ClipHeatmapNetwork(model).eval()


def save_network_checkpoint(network: ClipHeatmapNetwork, path: str) -> None:
    """Save a network's model as a checkpoint the inferencers load (its
    ``state_dict`` and ``meta.dataset_meta``)."""
    model = network.model
    meta = dict(dataset_meta=model.dataset_meta)
    save_checkpoint(dict(state_dict=model.state_dict(), meta=meta), path)


def random_clips(batch_size: int, clip_shape: Tuple[int, int, int],
                 seed: int = 0) -> torch.Tensor:
    """Standard-normal clips (B, T, 3, H, W) of ``clip_shape`` (T, H, W),
    like normalised frames, from a generator seeded ``seed``."""
    num_frames, height, width = clip_shape
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(
        batch_size, num_frames, 3, height, width, generator=generator)


def export_onnx(network: ClipHeatmapNetwork,
                clip_shape: Tuple[int, int, int],
                output_file: str,
                opset: int = MIN_OPSET) -> None:
    """Export ``network`` to one ``.onnx`` file (weights inside), written
    atomically.

    Args:
        network (:class:`ClipHeatmapNetwork`): The network (eval mode).
        clip_shape (tuple[int, int, int]): ``(T, H, W)`` of its clips.
        output_file (str): The ``.onnx`` file.
        opset (int): ONNX opset, at least :data:`MIN_OPSET`.
    """
    assert opset >= MIN_OPSET, opset
    example = random_clips(2, clip_shape)
    batch = torch.export.Dim(BATCH_AXIS, min=1)
    with torchvision_deform_convs(network), torch.no_grad(), \
            warnings.catch_warnings():
        warnings.simplefilter('ignore')
        program = torch.onnx.export(
            network, (example, ),
            dynamo=True,
            opset_version=opset,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_shapes={INPUT_NAME: {0: batch}},
            verbose=False)
    written = {entry.domain: entry.version
               for entry in program.model_proto.opset_import}.get('')
    if written != opset:  # the exporter's version conversion only warns
        raise InputError(f'--opset {opset}: torch {torch.__version__} '
                         f'exported opset {written} instead; give --opset '
                         f'{written}')
    with atomic_output(output_file, suffix='.tmp.onnx') as tmp:
        program.save(tmp, external_data=False)


def heatmap_difference(network: torch.nn.Module,
                       onnx_network,
                       clip_shape: Tuple[int, int, int],
                       batch_sizes: Sequence[int] = (1, 3),
                       seed: int = 0) -> Dict[str, Dict[str, float]]:
    """The largest difference between two backends' heatmaps on random
    clips (:func:`random_clips`, seed ``seed + batch size``).

    Args:
        network (nn.Module): The PyTorch network.
        onnx_network (Callable): The other backend, e.g.
            :class:`~.onnx_runtime.OnnxClipNetwork`.
        clip_shape (tuple[int, int, int]): ``(T, H, W)``.
        batch_sizes (Sequence[int]): Batches to compare. Defaults to (1, 3).
        seed (int): Base seed. Defaults to 0.

    Returns:
        dict: Per batch size (as a string): ``max_abs_diff`` and, for scale,
        ``max_abs_heatmap`` (of PyTorch's heatmaps).
    """
    result = {}
    for batch_size in batch_sizes:
        clips = random_clips(batch_size, clip_shape, seed + batch_size)
        with torch.no_grad():
            expected = network(clips).numpy()
        actual = onnx_network(clips).numpy()
        assert actual.shape == expected.shape, (actual.shape, expected.shape)
        result[str(batch_size)] = dict(
            max_abs_diff=float(np.abs(actual - expected).max()),
            max_abs_heatmap=float(np.abs(expected).max()))
    return result
