# Copyright (c) tdmi_mmpose contributors.
"""Experiment tooling: seeded ablation studies (run, resume, summarise)."""
from .ablation_report import (GROUP_KEYS, format_markdown_table,
                              plot_study_chart, summarize_study)
from .ablation_study import (StudySpec, load_study_spec, plan_runs,
                             run_study)

__all__ = [
    'GROUP_KEYS', 'StudySpec', 'format_markdown_table', 'load_study_spec',
    'plan_runs', 'plot_study_chart', 'run_study', 'summarize_study'
]
