# Copyright (c) tdmi_mmpose contributors.
"""The network alone, PyTorch eager against ONNX Runtime, in one process:
export with random weights, check parity, time both in interleaved rounds
(a change of load on the machine hits both alike)."""
import os.path as osp
import statistics
import tempfile
import time
from typing import Callable, Dict, List, Union

import numpy as np
import onnx
import onnxruntime as ort
import torch
from mmengine.config import Config, ConfigDict

from ..benchmarks.measure import machine_info
from ..models.utils.deform_conv import DeformConvV2
from .clip_network import clip_input_shape
from .onnx_export import (build_network, export_onnx, heatmap_difference,
                          random_clips)
from .onnx_runtime import OnnxClipNetwork


def time_rounds(calls: Dict[str, Callable[[], object]], iters: int,
                warmup: int) -> Dict[str, List[float]]:
    """Wall times (name -> ``iters`` seconds) of the calls, each once per
    round, after ``warmup`` untimed calls of each."""
    for call in calls.values():
        for _ in range(warmup):
            call()
    times = {name: [] for name in calls}
    for _ in range(iters):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return times


def spread(seconds: List[float]) -> dict:
    """Median, quartiles, min and max of a list of times, in ms."""
    q25, q50, q75 = np.percentile(seconds, [25, 50, 75])
    return dict(
        median_ms=1e3 * float(q50),
        q25_ms=1e3 * float(q25),
        q75_ms=1e3 * float(q75),
        min_ms=1e3 * min(seconds),
        max_ms=1e3 * max(seconds),
        times_ms=[round(1e3 * s, 3) for s in seconds])


def machine_record() -> dict:
    """The CPU machine and library versions, for a timing record."""
    return dict(machine_info(torch.device('cpu')), onnx=onnx.__version__,
                onnxruntime=ort.__version__, numpy=np.__version__)


def eager_dcn_backend(network: torch.nn.Module) -> str:
    """The CPU backend of the network's deformable convolutions
    (``'none'`` without any)."""
    convs = [m for m in network.modules() if isinstance(m, DeformConvV2)]
    return convs[0].resolve_backend('cpu') if convs else 'none'


def compare_backends(cfg: Union[Config, ConfigDict],
                     batch_size: int,
                     iters: int,
                     warmup: int = 2,
                     threads: int = 1,
                     seed: int = 0) -> dict:
    """Export a config's network (random weights), check ONNX Runtime's
    parity at batch 1 and ``batch_size`` and time both backends at
    ``batch_size`` (unless ``iters == 0``).

    Args:
        cfg (Config): A video pose config.
        batch_size (int): Clips per call.
        iters (int): Timed rounds.
        warmup (int): Untimed calls of each backend first. Defaults to 2.
        threads (int): Intra-op threads of each backend. Defaults to 1.
        seed (int): Seed of the weights and of the clips. Defaults to 0.

    Returns:
        dict: ``input_shape``, ``export_s``, ``parity``
        (:func:`~.onnx_export.heatmap_difference`), the eager DCN backend
        and, if timed, ``pytorch_eager`` / ``onnxruntime`` (:func:`spread`)
        and ``ratio_onnxruntime_to_eager`` (of the medians).
    """
    torch.manual_seed(seed)
    clip_shape = clip_input_shape(cfg)
    network = build_network(cfg)
    previous_threads = torch.get_num_threads()
    with tempfile.TemporaryDirectory() as tmp:
        onnx_file = osp.join(tmp, 'model.onnx')
        start = time.perf_counter()
        export_onnx(network, clip_shape, onnx_file)
        export_s = time.perf_counter() - start
        session = OnnxClipNetwork(onnx_file, cfg, num_threads=threads)
    record = dict(
        config=cfg.filename,
        input_shape=[batch_size, clip_shape[0], 3, *clip_shape[1:]],
        export_s=round(export_s, 2),
        parity=heatmap_difference(network, session, clip_shape,
                                  sorted({1, batch_size}), seed),
        eager_dcn_backend=eager_dcn_backend(network))
    if iters == 0:
        return record
    clips = random_clips(batch_size, clip_shape, seed)
    try:
        torch.set_num_threads(threads)
        with torch.no_grad():
            times = time_rounds(
                dict(
                    pytorch_eager=lambda: network(clips),
                    onnxruntime=lambda: session(clips)), iters, warmup)
    finally:
        torch.set_num_threads(previous_threads)
    record.update({name: spread(t) for name, t in times.items()})
    record['ratio_onnxruntime_to_eager'] = (
        statistics.median(times['onnxruntime']) /
        statistics.median(times['pytorch_eager']))
    return record
