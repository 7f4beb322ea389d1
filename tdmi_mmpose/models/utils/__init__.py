# Copyright (c) tdmi_mmpose contributors.
from .deform_conv import DCN_BACKENDS, DeformConvV2, mmcv_dcn_available
from .residual_blocks import make_basic_block, make_basic_blocks

__all__ = [
    'DCN_BACKENDS', 'DeformConvV2', 'mmcv_dcn_available', 'make_basic_block',
    'make_basic_blocks'
]
