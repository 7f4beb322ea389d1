"""TDMI for MMPose: mutual-information-based temporal difference learning for
video human pose estimation (Feng et al., CVPR 2023).

Importing this package registers every component into mmpose's registries
(scope ``mmpose``), so configs that list ``custom_imports=['tdmi_mmpose']``
build them by name.
"""
from . import (apis, datasets, engine, evaluation, models,  # noqa: F401
               smoothing, tracking, utils, visualization)
from .io import register_checkpoint_safe_globals
from .version import __version__

register_checkpoint_safe_globals()

__all__ = ['__version__']
