# Copyright (c) tdmi_mmpose contributors.
"""Helpers that import nothing else of the package."""
from .cli import run_tool
from .config import is_path_variable, load_config, retarget_data_root
from .errors import InputError

__all__ = [
    'InputError', 'run_tool', 'is_path_variable', 'load_config',
    'retarget_data_root'
]
