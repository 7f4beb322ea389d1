# Copyright (c) tdmi_mmpose contributors.
"""Helpers that import nothing else of the package: the error type of bad
input, atomic outputs, the tools' error reporting."""
from .cli import recorded_command, run_tool
from .errors import InputError

__all__ = ['InputError', 'recorded_command', 'run_tool']
