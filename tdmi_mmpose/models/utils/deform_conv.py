# Copyright (c) tdmi_mmpose contributors.
"""Modulated deformable convolution (DCN v2) on mmcv or torchvision, which
share one layout: offset channels ``2 * (g * K + k)`` and ``+ 1`` are (dy,
dx) of group ``g``, kernel point ``k``; mask channel ``g * K + k``."""
import math
from typing import Dict, Tuple, Union

import torch
import torch.nn as nn
from torch.nn.modules.utils import _pair
from torchvision.ops import deform_conv2d as tv_deform_conv2d

try:
    from mmcv.ops import modulated_deform_conv2d as mmcv_deform_conv2d
except Exception:  # mmcv-lite or a broken mmcv._ext
    mmcv_deform_conv2d = None

DCN_BACKENDS = ('auto', 'mmcv', 'torchvision')

# device type -> whether mmcv's compiled op runs there (probed once)
_MMCV_DEVICE_SUPPORT: Dict[str, bool] = {}


def mmcv_dcn_available(device: Union[str, torch.device]) -> bool:
    """Whether mmcv's compiled ``modulated_deform_conv2d`` runs (forward and
    backward) on ``device``'s type (probed once per type)."""
    device = torch.device(device)
    if mmcv_deform_conv2d is None:
        return False
    if device.type not in _MMCV_DEVICE_SUPPORT:
        try:
            # the caller may be under no_grad/inference_mode/autocast
            with torch.inference_mode(False), torch.enable_grad(), \
                    torch.autocast(device_type=device.type, enabled=False):
                x = torch.ones(1, 1, 3, 3, device=device, requires_grad=True)
                offset = torch.zeros(1, 18, 3, 3, device=device)
                mask = torch.ones(1, 9, 3, 3, device=device)
                weight = torch.ones(1, 1, 3, 3, device=device)
                out = mmcv_deform_conv2d(x, offset, mask, weight, None, 1, 1,
                                         1, 1, 1)
                out.sum().backward()
            supported = bool(torch.isfinite(x.grad).all())
        except Exception:  # op not compiled for this device
            supported = False
        _MMCV_DEVICE_SUPPORT[device.type] = supported
    return _MMCV_DEVICE_SUPPORT[device.type]


def _compute_dtype(x: torch.Tensor) -> Tuple[torch.dtype, bool]:
    """The kernels' dtype (float32 under autocast and for those they lack)
    and whether autocast is on."""
    autocast_on = torch.is_autocast_enabled(x.device.type)
    supported = (torch.float32, torch.float64)
    if x.device.type == 'cuda':
        supported += (torch.float16, )
    if autocast_on or x.dtype not in supported:
        return torch.float32, autocast_on
    return x.dtype, autocast_on


class DeformConvV2(nn.Module):
    """Modulated deformable convolution (DCN v2) whose offsets and masks are
    given by the caller; parameters as in ``mmcv.ops.ModulatedDeformConv2d``
    (state dicts are interchangeable).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        kernel_size (int | tuple[int]): Kernel size. Default: 3.
        stride (int): Stride. Default: 1.
        padding (int): Zero padding. Default: 1.
        dilation (int): Kernel dilation. Default: 1.
        groups (int): Convolution groups. Default: 1.
        deform_groups (int): Deformable groups; ``in_channels`` must be
            divisible by it. Default: 1.
        bias (bool): Whether to add a bias. Default: True.
        backend (str): ``'mmcv'``, ``'torchvision'`` or ``'auto'`` (mmcv
            where its compiled op runs on the input's device, torchvision
            otherwise). Default: ``'auto'``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: Union[int, Tuple[int, int]] = 3,
                 stride: int = 1,
                 padding: int = 1,
                 dilation: int = 1,
                 groups: int = 1,
                 deform_groups: int = 1,
                 bias: bool = True,
                 backend: str = 'auto'):
        super().__init__()
        if backend not in DCN_BACKENDS:
            raise ValueError(f'backend must be one of {DCN_BACKENDS}, '
                             f'got {backend!r}')
        if in_channels % groups or out_channels % groups:
            raise ValueError(f'in_channels ({in_channels}) and out_channels '
                             f'({out_channels}) must be divisible by groups '
                             f'({groups})')
        if in_channels % deform_groups:
            raise ValueError(f'in_channels ({in_channels}) must be divisible '
                             f'by deform_groups ({deform_groups})')
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride)
        self.padding = _pair(padding)
        self.dilation = _pair(dilation)
        self.groups = groups
        self.deform_groups = deform_groups
        self.backend = backend
        self.weight = nn.Parameter(
            torch.empty(out_channels, in_channels // groups,
                        *self.kernel_size))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels))
        else:
            self.register_parameter('bias', None)
        self.reset_parameters()

    @property
    def num_kernel_points(self) -> int:
        """int: Sampling points of the kernel (9 for 3x3)."""
        return self.kernel_size[0] * self.kernel_size[1]

    @property
    def mask_channels(self) -> int:
        """int: Channels of the mask input (1 per point per group)."""
        return self.deform_groups * self.num_kernel_points

    @property
    def offset_channels(self) -> int:
        """int: Channels of the offset input (2 per point per group)."""
        return 2 * self.mask_channels

    def reset_parameters(self) -> None:
        """The initialisation of ``mmcv.ops.ModulatedDeformConv2d``."""
        bound = 1. / math.sqrt(self.in_channels * self.num_kernel_points)
        nn.init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def resolve_backend(self, device: Union[str, torch.device]) -> str:
        """The backend (``'mmcv'`` or ``'torchvision'``) for inputs on
        ``device``."""
        if self.backend == 'torchvision':
            return 'torchvision'
        if mmcv_dcn_available(device):
            return 'mmcv'
        if self.backend == 'mmcv':
            raise RuntimeError(
                'DeformConvV2(backend="mmcv"): mmcv has no compiled '
                f'modulated_deform_conv2d for device {torch.device(device)}; '
                'use backend="auto" or "torchvision"')
        return 'torchvision'

    def forward(self, x: torch.Tensor, offset: torch.Tensor,
                mask: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            x (Tensor): Input, (N, C_in, H, W).
            offset (Tensor): (dy, dx) per kernel point and group, (N,
                :attr:`offset_channels`, H_out, W_out).
            mask (Tensor): Masks in [0, 1], (N, :attr:`mask_channels`,
                H_out, W_out).

        Returns:
            Tensor: (N, C_out, H_out, W_out), float32 under autocast.
        """
        assert offset.shape[1] == self.offset_channels, (
            f'offset must have {self.offset_channels} channels, got '
            f'{offset.shape[1]}')
        assert mask.shape[1] == self.mask_channels, (
            f'mask must have {self.mask_channels} channels, got '
            f'{mask.shape[1]}')
        dtype, autocast_on = _compute_dtype(x)
        backend = self.resolve_backend(x.device)
        with torch.autocast(device_type=x.device.type, enabled=False):
            x_, offset_, mask_ = x.to(dtype), offset.to(dtype), mask.to(dtype)
            weight = self.weight.to(dtype)
            bias = None if self.bias is None else self.bias.to(dtype)
            if backend == 'mmcv':
                out = mmcv_deform_conv2d(x_, offset_.contiguous(),
                                         mask_.contiguous(), weight, bias,
                                         self.stride, self.padding,
                                         self.dilation, self.groups,
                                         self.deform_groups)
            else:  # torchvision infers the groups from the weight shape
                out = tv_deform_conv2d(
                    x_, offset_, weight, bias, stride=self.stride,
                    padding=self.padding, dilation=self.dilation,
                    mask=mask_)
        if not autocast_on:
            out = out.to(x.dtype)
        return out

    def extra_repr(self) -> str:
        return (f'{self.in_channels}, {self.out_channels}, '
                f'kernel_size={self.kernel_size}, stride={self.stride}, '
                f'padding={self.padding}, dilation={self.dilation}, '
                f'groups={self.groups}, deform_groups={self.deform_groups}, '
                f'bias={self.bias is not None}, backend={self.backend!r}')
