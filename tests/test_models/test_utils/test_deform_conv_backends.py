import pytest
import torch
import torch.nn.functional as F
from torch import nn

from tdmi_mmpose.models.utils import (DeformConvV2, make_basic_blocks,
                                      mmcv_dcn_available)
from tdmi_mmpose.models.utils import deform_conv as deform_conv_module

requires_mmcv_cpu = pytest.mark.skipif(
    not mmcv_dcn_available('cpu'), reason='mmcv has no compiled CPU DCN op')


def _random_inputs(dtype, deform_groups=3, channels=6, size=(7, 6), seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(2, channels, *size, generator=g, dtype=dtype)
    offset = 2 * torch.randn(
        2, 18 * deform_groups, *size, generator=g, dtype=dtype)
    mask = torch.rand(2, 9 * deform_groups, *size, generator=g, dtype=dtype)
    return x, offset, mask


def _pair_of_dcns(deform_groups=3, channels=6, out_channels=4, dtype=None):
    torch.manual_seed(0)
    dcn_mmcv = DeformConvV2(
        channels, out_channels, deform_groups=deform_groups, backend='mmcv')
    dcn_tv = DeformConvV2(
        channels,
        out_channels,
        deform_groups=deform_groups,
        backend='torchvision')
    with torch.no_grad():
        dcn_mmcv.bias.normal_()
    dcn_tv.load_state_dict(dcn_mmcv.state_dict())
    if dtype is not None:
        dcn_mmcv.to(dtype)
        dcn_tv.to(dtype)
    return dcn_mmcv, dcn_tv


@requires_mmcv_cpu
@pytest.mark.parametrize('dtype,tol', [(torch.float64, 1e-10),
                                       (torch.float32, 1e-5)])
def test_backends_agree_forward_and_backward(dtype, tol):
    dcn_mmcv, dcn_tv = _pair_of_dcns(dtype=dtype)
    outputs, grads = [], []
    for dcn in (dcn_mmcv, dcn_tv):
        x, offset, mask = (t.requires_grad_() for t in _random_inputs(dtype))
        out = dcn(x, offset, mask)
        upstream = torch.linspace(-1, 1, out.numel(), dtype=dtype)
        (out * upstream.view_as(out)).sum().backward()
        outputs.append(out.detach())
        grads.append(
            [x.grad, offset.grad, mask.grad, dcn.weight.grad, dcn.bias.grad])
    assert outputs[0].abs().max() > 0.1
    torch.testing.assert_close(outputs[0], outputs[1], atol=tol, rtol=tol)
    for grad_mmcv, grad_tv in zip(*grads):
        assert grad_mmcv.abs().max() > 0
        torch.testing.assert_close(grad_mmcv, grad_tv, atol=tol, rtol=tol)


@pytest.mark.parametrize('backend', ['mmcv', 'torchvision'])
def test_zero_offset_unit_mask_equals_plain_conv(backend):
    if backend == 'mmcv' and not mmcv_dcn_available('cpu'):
        pytest.skip('no mmcv CPU op')
    dcn = DeformConvV2(6, 4, deform_groups=2, backend=backend).double()
    x, offset, mask = _random_inputs(torch.float64, deform_groups=2)
    out = dcn(x, torch.zeros_like(offset), torch.ones_like(mask))
    expected = F.conv2d(x, dcn.weight, dcn.bias, padding=1)
    torch.testing.assert_close(out, expected)
    # the mask scales each sample: mask = 0.5 halves the conv (bias kept)
    half = dcn(x, torch.zeros_like(offset), 0.5 * torch.ones_like(mask))
    torch.testing.assert_close(half - dcn.bias.view(1, -1, 1, 1),
                               0.5 * (expected - dcn.bias.view(1, -1, 1, 1)))


@pytest.mark.parametrize('backend', ['mmcv', 'torchvision'])
def test_offset_layout_is_dy_then_dx(backend):
    """Only the kernel centre has weight 1; shifting its sample by (dy, dx)
    must read x[i + dy, j + dx]."""
    if backend == 'mmcv' and not mmcv_dcn_available('cpu'):
        pytest.skip('no mmcv CPU op')
    dcn = DeformConvV2(1, 1, bias=False, backend=backend).double()
    with torch.no_grad():
        dcn.weight.zero_()
        dcn.weight[0, 0, 1, 1] = 1
    x = torch.arange(30, dtype=torch.float64).view(1, 1, 5, 6)
    offset = torch.zeros(1, 18, 5, 6, dtype=torch.float64)
    centre = 4
    offset[:, 2 * centre] = 1  # dy
    offset[:, 2 * centre + 1] = 2  # dx
    out = dcn(x, offset, torch.ones(1, 9, 5, 6, dtype=torch.float64))
    torch.testing.assert_close(out[0, 0, :4, :4], x[0, 0, 1:, 2:])


@requires_mmcv_cpu
def test_state_dict_matches_mmcv_module():
    from mmcv.ops import ModulatedDeformConv2d
    ours = DeformConvV2(6, 4, deform_groups=3)
    theirs = ModulatedDeformConv2d(6, 4, 3, padding=1, deform_groups=3)
    theirs.load_state_dict(ours.state_dict())
    x, offset, mask = _random_inputs(torch.float32)
    torch.testing.assert_close(
        ours(x, offset, mask), theirs(x, offset, mask), atol=1e-6, rtol=1e-6)
    reloaded = DeformConvV2(6, 4, deform_groups=3, backend='torchvision')
    reloaded.load_state_dict(ours.state_dict())
    torch.testing.assert_close(
        reloaded(x, offset, mask), ours(x, offset, mask), atol=1e-5, rtol=1e-5)


def test_auto_backend_falls_back_to_torchvision(monkeypatch):
    monkeypatch.setitem(deform_conv_module._MMCV_DEVICE_SUPPORT, 'cpu', False)
    assert DeformConvV2(4, 4).resolve_backend('cpu') == 'torchvision'
    forced = DeformConvV2(4, 4, backend='mmcv')
    x = torch.randn(1, 4, 3, 3)
    with pytest.raises(RuntimeError, match='no compiled'):
        forced(x, torch.zeros(1, 18, 3, 3), torch.ones(1, 9, 3, 3))
    out = DeformConvV2(4, 4)(x, torch.zeros(1, 18, 3, 3),
                             torch.ones(1, 9, 3, 3))
    assert out.shape == (1, 4, 3, 3)


@requires_mmcv_cpu
def test_auto_backend_uses_mmcv_where_available():
    assert DeformConvV2(4, 4).resolve_backend('cpu') == 'mmcv'


@pytest.mark.parametrize('backend', ['auto', 'torchvision'])
def test_bf16_autocast_runs_in_float32(backend):
    dcn = DeformConvV2(6, 4, deform_groups=3, backend=backend)
    x, offset, mask = _random_inputs(torch.float32)
    reference = dcn(x, offset, mask)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = dcn(x.bfloat16(), offset.bfloat16(), mask.bfloat16())
    assert out.dtype == torch.float32
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out, reference, atol=0.1, rtol=0.05)


def test_bad_construction_and_inputs():
    with pytest.raises(ValueError, match='backend'):
        DeformConvV2(4, 4, backend='cuda')
    with pytest.raises(ValueError, match='deform_groups'):
        DeformConvV2(6, 4, deform_groups=4)
    dcn = DeformConvV2(4, 4, deform_groups=2)
    x = torch.randn(1, 4, 3, 3)
    with pytest.raises(AssertionError, match='offset must have 36'):
        dcn(x, torch.zeros(1, 18, 3, 3), torch.ones(1, 18, 3, 3))
    with pytest.raises(AssertionError, match='mask must have 18'):
        dcn(x, torch.zeros(1, 36, 3, 3), torch.ones(1, 9, 3, 3))


def test_basic_block_stack_projects_channels():
    blocks = make_basic_blocks(12, 4, 3)
    assert len(blocks) == 3
    assert blocks[0].downsample is not None
    assert blocks[0].downsample[0].weight.shape == (4, 12, 1, 1)
    assert all(b.downsample is None for b in blocks[1:])
    assert blocks(torch.randn(2, 12, 5, 4)).shape == (2, 4, 5, 4)
    assert make_basic_blocks(4, 4, 1)[0].downsample is None
    with pytest.raises(ValueError):
        make_basic_blocks(4, 4, 0)


@requires_mmcv_cpu
@pytest.mark.parametrize('context', [torch.no_grad, torch.inference_mode])
def test_probe_is_not_fooled_by_grad_mode(monkeypatch, context):
    monkeypatch.delitem(deform_conv_module._MMCV_DEVICE_SUPPORT, 'cpu')
    dcn = DeformConvV2(4, 4)
    with context():
        assert dcn.resolve_backend('cpu') == 'mmcv'
        out = dcn(
            torch.randn(1, 4, 3, 3), torch.zeros(1, 18, 3, 3),
            torch.ones(1, 9, 3, 3))
    assert out.shape == (1, 4, 3, 3)


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_cuda_backends_agree_and_fp16_autocast_is_finite():
    backends = ['torchvision']
    if mmcv_dcn_available('cuda'):
        backends.append('mmcv')
    x, offset, mask = (t.cuda() for t in _random_inputs(torch.float32))
    torch.manual_seed(0)
    reference = DeformConvV2(6, 4, deform_groups=3, backend='torchvision')
    reference.cuda()
    expected = reference(x, offset, mask)
    for backend in backends:
        dcn = DeformConvV2(6, 4, deform_groups=3, backend=backend).cuda()
        dcn.load_state_dict(reference.state_dict())
        torch.testing.assert_close(
            dcn(x, offset, mask), expected, atol=1e-4, rtol=1e-4)
        with torch.autocast('cuda', dtype=torch.float16):
            out = dcn(x.half(), offset.half(), mask.half())
        assert out.dtype == torch.float32 and torch.isfinite(out).all()


def test_basic_block_stack_is_mmpose_reslayer_with_the_old_layout():
    """mmpose's ResLayer gives the parameter layout (and the output) of the
    hand-built stack it replaced: BasicBlocks, the first with a
    Sequential(conv 1x1 without bias, BN) projection."""
    from mmpose.models.backbones.resnet import BasicBlock
    torch.manual_seed(0)
    hand_built = nn.Sequential(
        BasicBlock(
            12,
            4,
            downsample=nn.Sequential(
                nn.Conv2d(12, 4, 1, bias=False), nn.BatchNorm2d(4))),
        BasicBlock(4, 4))
    stack = make_basic_blocks(12, 4, 2)
    assert list(stack.state_dict()) == list(hand_built.state_dict())
    stack.load_state_dict(hand_built.state_dict(), strict=True)
    hand_built.eval()
    stack.eval()
    x = torch.randn(2, 12, 5, 4)
    torch.testing.assert_close(stack(x), hand_built(x), rtol=0, atol=0)
