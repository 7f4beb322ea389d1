# Copyright (c) tdmi_mmpose contributors.
"""Experiment tooling: seeded ablation studies (run, resume, summarise)."""
from .ablation_report import (GROUP_KEYS, format_curve_table,
                              format_markdown_table, mean_curves,
                              plot_study_chart, plot_study_curves,
                              summarize_study)
from .ablation_study import (StudySpec, load_study_spec, plan_runs,
                             run_study, study_dir)

__all__ = [
    'GROUP_KEYS', 'StudySpec', 'format_curve_table', 'format_markdown_table',
    'load_study_spec',
    'mean_curves', 'plot_study_curves',
    'plan_runs', 'plot_study_chart', 'run_study', 'study_dir',
    'summarize_study'
]
