# Copyright (c) tdmi_mmpose contributors.
"""Benchmarks behind ``tools/analysis/``: network speed and memory against
single-frame HRNet-W48, pipeline throughput, parameters and FLOPs; the
end-to-end video benchmark (``video``) needs ONNX Runtime, not imported
here."""
from .complexity import analyze, complexity_report, model_parts
from .network import BenchmarkSettings, run_benchmark
from .pipeline import benchmark_pipeline
from .report import format_benchmark_report, format_pipeline_report

__all__ = [
    'BenchmarkSettings', 'analyze', 'benchmark_pipeline', 'complexity_report',
    'format_benchmark_report', 'format_pipeline_report', 'model_parts',
    'run_benchmark'
]
