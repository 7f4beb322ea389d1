# Copyright (c) tdmi_mmpose contributors.
from .random_state import derive_seed, seed_everything
from .runner import ResumableEpochBasedTrainLoop

__all__ = ['ResumableEpochBasedTrainLoop', 'derive_seed', 'seed_everything']
