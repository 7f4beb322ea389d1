# Copyright (c) tdmi_mmpose contributors.
"""Deployment: a config's network exported to ONNX and run by ONNX Runtime
(needs ``onnx``, ``onnxscript`` and ``onnxruntime``, see
``docs/deployment.md``; not imported by ``import tdmi_mmpose``)."""
from .clip_network import (BATCH_AXIS, INPUT_NAME, OUTPUT_NAME,
                           ClipHeatmapNetwork, clip_input_shape,
                           torchvision_deform_convs)
from .onnx_export import (MIN_OPSET, PARITY_TOLERANCE, build_network,
                          export_onnx, heatmap_difference, random_clips,
                          save_network_checkpoint)
from .network_speed import compare_backends, machine_record
from .onnx_runtime import OnnxClipNetwork, use_onnx_network

__all__ = [
    'BATCH_AXIS', 'INPUT_NAME', 'MIN_OPSET', 'OUTPUT_NAME',
    'PARITY_TOLERANCE', 'ClipHeatmapNetwork', 'OnnxClipNetwork',
    'build_network', 'clip_input_shape', 'compare_backends', 'export_onnx',
    'heatmap_difference', 'machine_record', 'random_clips',
    'save_network_checkpoint', 'torchvision_deform_convs', 'use_onnx_network'
]
