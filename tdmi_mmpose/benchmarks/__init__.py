# Copyright (c) tdmi_mmpose contributors.
"""Benchmarks (library side of ``tools/analysis/``): network speed and
memory against single-frame HRNet-W48, data pipeline throughput, parameters
and FLOPs. The end-to-end video benchmark (``video``, ``stage_timer``,
``video_input``) needs ONNX Runtime and is not imported here. See
docs/benchmarks.md and docs/complexity.md."""
from .complexity import analyze, complexity_report, model_parts
from .network import BenchmarkSettings, run_benchmark
from .pipeline import benchmark_pipeline
from .report import format_benchmark_report, format_pipeline_report

__all__ = [
    'BenchmarkSettings', 'analyze', 'benchmark_pipeline', 'complexity_report',
    'format_benchmark_report', 'format_pipeline_report', 'model_parts',
    'run_benchmark'
]
