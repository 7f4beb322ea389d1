# Copyright (c) tdmi_mmpose contributors.
"""The dataset config of a train/val/test phase, ready to build (used by
``tools/browse_dataset.py`` and the pipeline benchmark)."""
import copy

from mmengine.config import Config, ConfigDict


def phase_dataset_cfg(cfg: Config, phase: str) -> ConfigDict:
    """A deep copy of ``cfg.<phase>_dataloader.dataset``, ready for
    ``DATASETS.build`` (the config's ``custom_imports`` imported, its
    default scope set).

    Args:
        cfg (Config): The loaded config.
        phase (str): ``'train'``, ``'val'`` or ``'test'``.

    Returns:
        ConfigDict: The dataset config.
    """
    from mmengine.registry import init_default_scope
    from mmengine.utils import import_modules_from_strings

    if cfg.get('custom_imports', None):
        import_modules_from_strings(**cfg.custom_imports)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    loader = cfg.get(f'{phase}_dataloader', None)
    if loader is None:
        raise KeyError(f'{cfg.filename}: no {phase}_dataloader in the config')
    return copy.deepcopy(loader.dataset)
