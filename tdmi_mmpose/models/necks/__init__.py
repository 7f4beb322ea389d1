# Copyright (c) tdmi_mmpose contributors.
from .representation_disentanglement import RepresentationDisentanglement
from .stage_feature_adapter import StageFeatureAdapter
from .temporal_difference_encoder import (TemporalDifferenceEncoder,
                                          temporal_differences)

__all__ = [
    'RepresentationDisentanglement', 'StageFeatureAdapter',
    'TemporalDifferenceEncoder', 'temporal_differences'
]
