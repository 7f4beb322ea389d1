# Copyright (c) tdmi_mmpose contributors.
from .loops import ResumableEpochBasedTrainLoop, derive_seed

__all__ = ['ResumableEpochBasedTrainLoop', 'derive_seed']
