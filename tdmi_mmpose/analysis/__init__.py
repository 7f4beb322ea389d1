# Copyright (c) tdmi_mmpose contributors.
"""Experiment tooling: seeded ablation studies (run, resume, summarise) and
probes of trained models (gradients, disentanglement)."""
from .ablation_report import (GROUP_KEYS, format_clamp_table,
                              format_curve_table, format_markdown_table,
                              format_probe_table, plot_study_chart,
                              plot_study_curves, read_study_record,
                              summarize_study)
from .ablation_study import run_study, study_dir
from .study_spec import StudySpec, load_study_spec, plan_runs

__all__ = [
    'GROUP_KEYS', 'StudySpec', 'format_clamp_table', 'format_curve_table',
    'format_markdown_table', 'format_probe_table', 'load_study_spec',
    'plan_runs', 'plot_study_chart', 'plot_study_curves', 'read_study_record',
    'run_study', 'study_dir', 'summarize_study'
]
