# Copyright (c) tdmi_mmpose contributors.
from .checkpoint import (CheckpointError, check_checkpoint_file,
                         check_state_dict_matches, checkpoint_safe_globals,
                         load_checkpoint_strict, load_from_local,
                         rebuild_history_buffer,
                         register_checkpoint_safe_globals,
                         state_dict_mismatch)
from .cli import run_tool
from .config import is_path_variable, load_config, retarget_data_root

__all__ = [
    'CheckpointError', 'check_checkpoint_file', 'check_state_dict_matches',
    'checkpoint_safe_globals', 'load_checkpoint_strict', 'load_from_local',
    'rebuild_history_buffer', 'register_checkpoint_safe_globals',
    'state_dict_mismatch', 'run_tool', 'is_path_variable', 'load_config',
    'retarget_data_root'
]
