# Copyright (c) tdmi_mmpose contributors.
from .runner import ResumableEpochBasedTrainLoop, derive_seed

__all__ = ['ResumableEpochBasedTrainLoop', 'derive_seed']
