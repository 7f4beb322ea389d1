# Copyright (c) tdmi_mmpose contributors.
"""Parameters and FLOPs (tdmi_mmpose.benchmarks.complexity, behind
tools/analysis/get_flops.py) on small temporary configs."""

import pytest
import torch
from mmengine.analysis import FlopAnalyzer
from torch import nn

from tdmi_mmpose.benchmarks import complexity
from tdmi_mmpose.models.utils.deform_conv import (DeformConvV2,
                                                  mmcv_dcn_available)

TINY_EXTRA = """dict(
    stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK',
                num_blocks=(1, ), num_channels=(12, )),
    stage2=dict(num_modules=1, num_branches=2, block='BASIC',
                num_blocks=(1, 1), num_channels=(12, 16)),
    stage3=dict(num_modules=1, num_branches=3, block='BASIC',
                num_blocks=(1, 1, 1), num_channels=(12, 16, 32)),
    stage4=dict(num_modules=1, num_branches=4, block='BASIC',
                num_blocks=(1, 1, 1, 1), num_channels=(12, 16, 32, 64),
                multiscale_output=False))"""

HEAD = """dict(
    type='HeatmapHead', in_channels=12, out_channels=5,
    deconv_out_channels=None, final_layer=dict(kernel_size=3, padding=1),
    loss=dict(type='KeypointMSELoss', use_target_weight=True),
    decoder=dict(type='MSRAHeatmap', input_size=(32, 64),
                 heatmap_size=(8, 16), sigma=2))"""

VIDEO_CONFIG = f"""
custom_imports = dict(imports=['tdmi_mmpose'], allow_failed_imports=False)
default_scope = 'mmpose'
# the clip, declared once: the estimator and the TDE get it on loading
frame_offsets = [-1, 0, 1]
model = dict(
    type='VideoTopdownPoseEstimator',
    backbone=dict(type='MultiStageHRNet', frozen=True, extra={TINY_EXTRA}),
    neck=[
        dict(type='TemporalDifferenceEncoder', in_channels=12,
             num_blocks=1, deform_groups=4),
        dict(type='RepresentationDisentanglement', in_channels=12,
             hidden_channels=16, num_aggregation_blocks=1),
    ],
    head={HEAD},
    mi_loss=dict(type='MutualInformationLoss', in_channels=12,
                 hidden_channels=16))
"""

IMAGE_CONFIG = f"""
default_scope = 'mmpose'
model = dict(
    type='TopdownPoseEstimator',
    backbone=dict(type='HRNet', extra={TINY_EXTRA}),
    head={HEAD})
"""


def run_report(tmp_path, config_text, height=64, width=32):
    config = tmp_path / 'model_cfg.py'
    config.write_text(config_text)
    return complexity.complexity_report(str(config), height, width)


def single_frame_flops(module, shape):
    with torch.no_grad():
        return FlopAnalyzer(module, torch.zeros(shape)).total()


def test_video_model_report(tmp_path):
    result, markdown = run_report(tmp_path, VIDEO_CONFIG)
    rows = {r['name']: r for r in result['rows']}
    assert list(rows) == ['backbone', 'neck.0', 'neck.1', 'head', 'mi_loss']
    assert rows['neck.0']['type'] == 'TemporalDifferenceEncoder'
    assert rows['mi_loss']['type'] == 'MutualInformationLoss'

    model = complexity.build_model(str(tmp_path / 'model_cfg.py'))
    parts = complexity.model_parts(model)
    for name, module in parts.items():
        assert rows[name]['params'] == sum(p.numel()
                                           for p in module.parameters())
    # frozen backbone: nothing trainable there, everything else is
    assert rows['backbone']['params'] > 0
    assert rows['backbone']['trainable'] == 0
    for name in ('neck.0', 'neck.1', 'head', 'mi_loss'):
        assert rows[name]['trainable'] == rows[name]['params'] > 0
    total = result['total']
    assert total['params'] == sum(p.numel() for p in model.parameters())
    assert total['trainable'] == total['params'] - rows['backbone']['params']

    # the backbone runs on the 3 frames of one clip
    assert rows['backbone']['flops'] == 3 * single_frame_flops(
        model.backbone, (1, 3, 64, 32))
    # the head's 3x3 conv, 12 -> 5 channels on 16x8
    assert rows['head']['flops'] == 5 * 12 * 9 * 16 * 8
    assert rows['neck.0']['flops'] > 0 and rows['neck.1']['flops'] > 0
    assert total['flops'] >= sum(r['flops'] for r in result['rows'])
    assert not any('deform' in op.lower() for op in result['unsupported_ops'])

    assert '| backbone | MultiStageHRNet |' in markdown
    assert '| neck.0 | TemporalDifferenceEncoder |' in markdown
    assert '(1, 3, 3, 64, 32)' in markdown


def test_image_model_report(tmp_path):
    result, markdown = run_report(tmp_path, IMAGE_CONFIG)
    rows = {r['name']: r for r in result['rows']}
    assert list(rows) == ['backbone', 'head']
    assert rows['backbone']['trainable'] == rows['backbone']['params']
    assert rows['head']['flops'] == 5 * 12 * 9 * 16 * 8
    assert '(1, 3, 64, 32)' in markdown


@pytest.mark.parametrize('backend', ['torchvision', 'mmcv'])
def test_deform_conv_counted_as_conv(backend):
    if backend == 'mmcv' and not mmcv_dcn_available('cpu'):
        pytest.skip('mmcv DCN op not available on CPU')

    class DeformOnly(nn.Module):

        def __init__(self):
            super().__init__()
            self.dcn = DeformConvV2(
                8, 6, 3, padding=1, deform_groups=2, backend=backend)

        def forward(self, x):
            n, _, h, w = x.shape
            offset = torch.zeros(n, self.dcn.offset_channels, h, w)
            mask = torch.ones(n, self.dcn.mask_channels, h, w)
            return self.dcn(x, offset, mask)

    analyzer = FlopAnalyzer(DeformOnly(), torch.zeros(2, 8, 5, 4))
    for op, handle in complexity.DCN_OP_HANDLES.items():
        analyzer.set_op_handle(op, handle)
    analyzer.unsupported_ops_warnings(False)
    assert analyzer.total() == 2 * 6 * 5 * 4 * (8 * 3 * 3)
    assert not analyzer.unsupported_ops()
