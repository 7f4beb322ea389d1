# Copyright (c) tdmi_mmpose contributors.
from .checkpoint import (checkpoint_safe_globals, rebuild_history_buffer,
                         register_checkpoint_safe_globals)
from .config import is_path_variable, load_config, retarget_data_root

__all__ = [
    'checkpoint_safe_globals', 'rebuild_history_buffer',
    'register_checkpoint_safe_globals',
    'is_path_variable', 'load_config', 'retarget_data_root'
]
