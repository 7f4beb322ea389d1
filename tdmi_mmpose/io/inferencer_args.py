# Copyright (c) tdmi_mmpose contributors.
"""The inferencers' own arguments: the device and the person detector."""
import os.path as osp
from typing import Optional

import torch

from ..utils.errors import InputError

WHOLE_IMAGE_DETECTORS = ('whole_image', 'whole-image')


def device_problem(device: str) -> Optional[str]:
    """What is wrong with device name ``device`` (e.g. ``'cuda:1'``) on
    this machine, or ``None``: ``cpu``, ``cuda[:N]`` with CUDA present
    (``N`` below the number of GPUs) and ``mps`` where available are fine.
    """
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError):
        return 'not a device name (e.g. cpu, cuda, cuda:1)'
    if parsed.type == 'cuda' and not torch.cuda.is_available():
        return (f'CUDA is not available on this machine (torch '
                f'{torch.__version__}); use cpu')
    if parsed.type == 'cuda' and parsed.index is not None and \
            parsed.index >= torch.cuda.device_count():
        return f'this machine has {torch.cuda.device_count()} CUDA device(s)'
    if parsed.type == 'mps' and not torch.backends.mps.is_available():
        return 'MPS is not available on this machine; use cpu'
    if parsed.type not in ('cpu', 'cuda', 'mps'):
        return 'only cpu, cuda[:N] and mps are supported'
    return None


def check_device(device: Optional[str]) -> None:
    """Check that this machine has ``device`` (:func:`device_problem`);
    ``None`` is mmengine's choice."""
    problem = None if device is None else device_problem(device)
    if problem:
        raise InputError(f'device {device!r}: {problem}')


def check_detector(det_model: Optional[object],
                   det_weights: Optional[str]) -> None:
    """Check that a detector config path (``det_model``: an mmdet config
    file, ``'whole_image'``, a config dict, or a model name of mmdet's zoo,
    which has no ``.py`` suffix nor folder) and a local checkpoint file
    (``det_weights``, else a URL) exist."""
    missing_config = isinstance(det_model, str) and \
        det_model not in WHOLE_IMAGE_DETECTORS and \
        (det_model.endswith('.py') or osp.sep in det_model) and \
        not osp.isfile(det_model)
    missing_weights = det_weights is not None and '://' not in det_weights \
        and not osp.exists(det_weights)
    if missing_config or missing_weights:
        raise InputError(
            f'detector config {det_model}: no such file (give an mmdet '
            "config file, a model name of mmdet's model zoo, or "
            "'whole_image')" if missing_config else
            f'detector checkpoint not found: {det_weights}')
