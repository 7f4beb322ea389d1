# Copyright (c) tdmi_mmpose contributors.
"""The inferencers' own arguments: the device and the person detector."""
import os.path as osp
from typing import Optional

import torch

from ..utils.errors import InputError
from .checkpoints import check_checkpoint_file

WHOLE_IMAGE_DETECTORS = ('whole_image', 'whole-image')


def check_device(device: Optional[str]) -> None:
    """A device this machine has: ``cpu``, ``cuda[:N]`` with CUDA present
    (``N`` below the number of GPUs), ``mps`` where available.

    Args:
        device (str, optional): The device; ``None`` is mmengine's choice.

    Raises:
        InputError: An unknown device name or one this machine lacks.
    """
    if device is None:
        return
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError):
        raise InputError(f'device {device!r}: not a device name (e.g. cpu, '
                         'cuda, cuda:1)') from None
    if parsed.type == 'cuda':
        if not torch.cuda.is_available():
            raise InputError(
                f'device {device!r}: CUDA is not available on this machine '
                f'(torch {torch.__version__}); use cpu')
        count = torch.cuda.device_count()
        if parsed.index is not None and parsed.index >= count:
            raise InputError(f'device {device!r}: this machine has {count} '
                             'CUDA device(s)')
    elif parsed.type == 'mps':
        if not torch.backends.mps.is_available():
            raise InputError(f'device {device!r}: MPS is not available on '
                             'this machine; use cpu')
    elif parsed.type != 'cpu':
        raise InputError(f'device {device!r}: only cpu, cuda[:N] and mps '
                         'are supported')


def check_detector(det_model: Optional[object],
                   det_weights: Optional[str]) -> None:
    """A detector config path that exists and a local checkpoint file.

    A ``det_model`` that is not a path (no ``.py`` suffix, no folder) is a
    model name of mmdet's model zoo, looked up by mmdet.

    Args:
        det_model (str | dict, optional): mmdet config file or model name,
            ``'whole_image'``, or a config dict.
        det_weights (str, optional): The detector's checkpoint, a local
            file or a URL.

    Raises:
        InputError: The config path is missing or not a file, or the
            checkpoint file is missing or not a checkpoint.
    """
    if isinstance(det_model, str) and \
            det_model not in WHOLE_IMAGE_DETECTORS and \
            (det_model.endswith('.py') or osp.sep in det_model) and \
            not osp.isfile(det_model):
        raise InputError(
            f'detector config {det_model}: no such file (give an mmdet '
            "config file, a model name of mmdet's model zoo, or "
            "'whole_image')")
    if det_weights is not None and '://' not in det_weights:
        try:
            check_checkpoint_file(det_weights)
        except FileNotFoundError:
            raise InputError(f'detector checkpoint not found: {det_weights}') from None
