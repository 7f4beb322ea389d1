# Copyright (c) tdmi_mmpose contributors.
from .loops import ResumableEpochBasedTrainLoop

__all__ = ['ResumableEpochBasedTrainLoop']
