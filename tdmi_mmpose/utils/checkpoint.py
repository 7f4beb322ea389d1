# Copyright (c) tdmi_mmpose contributors.
"""Checkpoint compatibility between mmengine 0.10.x and torch >= 2.6.

torch 2.6 made ``torch.load(weights_only=True)`` the default. mmengine 0.10.7
calls ``torch.load`` without ``weights_only``, and the checkpoints its Runner
writes hold a few non-tensor Python objects (numpy arrays and scalars in
``meta['dataset_meta']``, the ``MessageHub``'s ``HistoryBuffer`` objects), so
``load_from``, ``--resume`` and ``mim test`` fail with an ``UnpicklingError``.

Rather than turning the safety off (``weights_only=False`` for every file), we
allow-list exactly the types such checkpoints contain, through torch's own
mechanism (:func:`torch.serialization.add_safe_globals`). Anything else in a
checkpoint is still refused by torch.
"""
from typing import List

import numpy as np
import torch

_REGISTERED = False


def checkpoint_safe_globals() -> List[object]:
    """The globals that mmengine/mmpose checkpoints need beyond tensors.

    Returns:
        list: Classes and functions to allow in ``weights_only`` loading.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    try:  # numpy >= 1.25 moved the pickling helpers
        from numpy.core.multiarray import _reconstruct, scalar
    except ImportError:  # pragma: no cover
        from numpy._core.multiarray import _reconstruct, scalar
    safe = [HistoryBuffer, _reconstruct, scalar, np.ndarray, np.dtype]
    # The concrete dtype classes (np.dtypes.Float32DType, ...) that pickled
    # numpy arrays and scalars refer to.
    for name in ('bool_', 'uint8', 'int8', 'int16', 'uint16', 'int32',
                 'uint32', 'int64', 'uint64', 'float16', 'float32',
                 'float64', 'str_', 'object_'):
        safe.append(type(np.dtype(getattr(np, name))))
    return safe


def register_checkpoint_safe_globals() -> None:
    """Allow-list :func:`checkpoint_safe_globals` in ``torch.load`` (once)."""
    global _REGISTERED
    if _REGISTERED or not hasattr(torch.serialization, 'add_safe_globals'):
        return
    torch.serialization.add_safe_globals(checkpoint_safe_globals())
    _REGISTERED = True
