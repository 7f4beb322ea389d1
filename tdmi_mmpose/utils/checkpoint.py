# Copyright (c) tdmi_mmpose contributors.
"""Checkpoint compatibility between mmengine 0.10.x and torch >= 2.6.

torch 2.6 made ``torch.load(weights_only=True)`` the default. mmengine 0.10.7
calls ``torch.load`` without ``weights_only``, and the checkpoints its Runner
writes hold a few non-tensor Python objects: numpy arrays and scalars (in
``meta['dataset_meta']``) and the ``MessageHub``'s ``HistoryBuffer`` objects.
``load_from``, ``--resume`` and ``mim test`` then fail with an
``UnpicklingError``.

Rather than turning the safety off (``weights_only=False`` for every file),
we allow-list exactly the types such checkpoints contain, through torch's own
mechanism (:func:`torch.serialization.add_safe_globals`). Plain pickling of a
``HistoryBuffer`` goes through ``getattr`` (for its bound statistics methods),
which must never be allow-listed (it reaches any attribute of any object), so
we also register a ``copyreg`` reducer that pickles a ``HistoryBuffer`` as
:func:`rebuild_history_buffer` + its three data fields. Checkpoints written
in a process that imported ``tdmi_mmpose`` (every run of our configs) load
with ``weights_only=True``; anything else in a checkpoint is still refused by
torch.
"""
import copyreg
from typing import List

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer

_REGISTERED = False


def rebuild_history_buffer(log_history: np.ndarray, count_history: np.ndarray,
                           max_length: int) -> HistoryBuffer:
    """Recreate a ``HistoryBuffer`` from its pickled fields.

    Args:
        log_history (np.ndarray): Logged values.
        count_history (np.ndarray): Counts of the logged values.
        max_length (int): Maximum history length.

    Returns:
        HistoryBuffer: The restored buffer.
    """
    buf = HistoryBuffer(max_length=int(max_length))
    buf._log_history = np.asarray(log_history)
    buf._count_history = np.asarray(count_history)
    return buf


def _reduce_history_buffer(buf: HistoryBuffer):
    return rebuild_history_buffer, (buf._log_history, buf._count_history,
                                    buf.max_length)


def checkpoint_safe_globals() -> List[object]:
    """The globals that mmengine/mmpose checkpoints need beyond tensors.

    Returns:
        list: Classes and functions to allow in ``weights_only`` loading.
    """
    try:
        from numpy.core.multiarray import _reconstruct, scalar
    except ImportError:  # pragma: no cover  (numpy >= 2 moved them)
        from numpy._core.multiarray import _reconstruct, scalar
    safe = [rebuild_history_buffer, _reconstruct, scalar, np.ndarray, np.dtype]
    # The concrete dtype classes (np.dtypes.Float32DType, ...) that pickled
    # numpy arrays and scalars may refer to.
    for name in ('bool_', 'uint8', 'int8', 'int16', 'uint16', 'int32',
                 'uint32', 'int64', 'uint64', 'float16', 'float32',
                 'float64', 'str_'):
        safe.append(type(np.dtype(getattr(np, name))))
    return safe


def register_checkpoint_safe_globals() -> None:
    """Allow-list :func:`checkpoint_safe_globals` in ``torch.load`` and pickle
    ``HistoryBuffer`` without ``getattr`` (idempotent)."""
    global _REGISTERED
    if _REGISTERED:
        return
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)
    if hasattr(torch.serialization, 'add_safe_globals'):
        torch.serialization.add_safe_globals(checkpoint_safe_globals())
    _REGISTERED = True
