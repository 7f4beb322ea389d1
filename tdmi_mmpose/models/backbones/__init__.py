# Copyright (c) tdmi_mmpose contributors.
from .multi_stage_hrnet import MultiStageHRNet

__all__ = ['MultiStageHRNet']
