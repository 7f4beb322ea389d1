# Copyright (c) tdmi_mmpose contributors.
"""Reading checkpoint files: ``weights_only`` loading under torch >= 2.6
(an allow-list of the types mmengine checkpoints hold), errors naming the
file, and the check that a checkpoint fits a model (see docs/inference.md,
"Checkpoints")."""
import copyreg
import functools
import os.path as osp
import zipfile
from collections import OrderedDict
from typing import Dict, List, Optional

import numpy as np
import torch
from mmengine.logging import print_log
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.model import is_model_wrapper
from mmengine.runner.checkpoint import (CheckpointLoader,
                                        _load_checkpoint_to_model)

from ..utils.errors import InputError

#: Model keys a checkpoint may lack (BatchNorm counters; mmengine agrees).
TOLERATED_MISSING_KEYS = ('num_batches_tracked', )
_KEYS_SHOWN = 5
CHECKPOINT_HINT = ('the checkpoint must be a complete file saved by '
                   'tools/train.py for this config (see docs/inference.md, '
                   '"Checkpoints")')


def checkpoint_error(message: str) -> InputError:
    """An :class:`InputError` about a checkpoint file, with its hint."""
    return InputError(message, hint=CHECKPOINT_HINT)


def rebuild_history_buffer(log_history: np.ndarray, count_history: np.ndarray,
                           max_length: int) -> HistoryBuffer:
    """Recreate a ``HistoryBuffer`` from its pickled fields (a
    ``HistoryBuffer`` pickles through this, not through ``getattr``, which
    must never be allow-listed)."""
    buf = HistoryBuffer(max_length=int(max_length))
    buf._log_history = np.asarray(log_history)
    buf._count_history = np.asarray(count_history)
    return buf


def _reduce_history_buffer(buf: HistoryBuffer):
    return rebuild_history_buffer, (buf._log_history, buf._count_history,
                                    buf.max_length)


#: Where earlier releases defined :func:`rebuild_history_buffer`.
LEGACY_HISTORY_BUFFER_NAMES = (
    'tdmi_mmpose.utils.checkpoint.rebuild_history_buffer', )


def checkpoint_safe_globals() -> List[object]:
    """The globals beyond tensors that mmengine checkpoints hold (numpy
    arrays, scalars and dtypes, history buffers), for ``weights_only``."""
    try:
        from numpy.core.multiarray import _reconstruct, scalar
    except ImportError:  # pragma: no cover  (numpy >= 2 moved them)
        from numpy._core.multiarray import _reconstruct, scalar
    safe = [rebuild_history_buffer, _reconstruct, scalar, np.ndarray, np.dtype]
    safe += [(rebuild_history_buffer, name)
             for name in LEGACY_HISTORY_BUFFER_NAMES]
    for name in ('bool_', 'uint8', 'int8', 'int16', 'uint16', 'int32',
                 'uint32', 'int64', 'uint64', 'float16', 'float32',
                 'float64', 'str_'):
        safe.append(type(np.dtype(getattr(np, name))))
    return safe


@functools.lru_cache()
def register_checkpoint_safe_globals() -> None:
    """Allow-list :func:`checkpoint_safe_globals` in ``torch.load``, pickle
    ``HistoryBuffer`` without ``getattr`` and read local checkpoints with
    :func:`load_from_local` (once)."""
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)
    if hasattr(torch.serialization, 'add_safe_globals'):
        torch.serialization.add_safe_globals(checkpoint_safe_globals())
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)


def is_onnx_file(weights: Optional[str]) -> bool:
    """Whether pose model weights name an exported ONNX network (by the
    ``.onnx`` suffix) rather than a PyTorch checkpoint."""
    return isinstance(weights, str) and weights.lower().endswith('.onnx')


def check_checkpoint_file(filename: str) -> None:
    """Refuse a missing, empty, truncated or foreign file before
    ``torch.load`` (a ``torch.save`` file is a zip archive or a pickle)."""
    if osp.isdir(filename):
        raise checkpoint_error(f'checkpoint {filename} is a folder, not a '
                               'file')
    if osp.islink(filename) and not osp.exists(filename):
        raise checkpoint_error(f'checkpoint {filename} is a broken symbolic '
                               'link (or a loop of links)')
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint not found: {filename}')
    size = osp.getsize(filename)
    if size == 0:
        raise checkpoint_error(f'checkpoint {filename} is empty (0 bytes)')
    with open(filename, 'rb') as f:
        head = f.read(4)
    if head.startswith(b'PK'):
        try:
            with zipfile.ZipFile(filename):
                pass
        except zipfile.BadZipFile as error:
            raise checkpoint_error(
                f'checkpoint {filename} ({size} bytes) is truncated or '
                f'corrupt: not a complete zip archive ({error})') from None
    elif not head.startswith(b'\x80'):
        raise checkpoint_error(
            f'{filename} ({size} bytes, starting with {head!r}) is not a '
            'PyTorch checkpoint (neither a torch.save zip archive nor a '
            'pickle)')


def load_from_local(filename: str, map_location=None) -> dict:
    """mmengine's loader of local checkpoint files, errors naming the
    file (``map_location`` as :func:`torch.load`)."""
    filename = osp.expanduser(filename)
    check_checkpoint_file(filename)
    try:
        return torch.load(filename, map_location=map_location)
    except Exception as error:  # noqa: B902  (any read failure)
        detail = ' '.join(str(error).split())[:300]
        raise checkpoint_error(
            f'cannot read checkpoint {filename}: {type(error).__name__}: '
            f'{detail}') from error


def state_dict_of(checkpoint: dict) -> Dict[str, torch.Tensor]:
    """A checkpoint's ``state_dict`` (or the checkpoint itself), without a
    DDP ``module.`` prefix."""
    if not isinstance(checkpoint, dict):
        raise checkpoint_error(
            f'the checkpoint holds a {type(checkpoint).__name__}, not a '
            'state dict')
    state_dict = checkpoint.get('state_dict', checkpoint)
    return OrderedDict(
        (k[len('module.'):] if k.startswith('module.') else k, v)
        for k, v in state_dict.items())


def check_state_dict_matches(model: torch.nn.Module, checkpoint: dict,
                             filename: str) -> None:
    """Require a checkpoint to fit a model exactly (else it would load
    partially, the rest random) and to hold finite weights only; errors
    name ``filename``. Only BatchNorm counters
    (:data:`TOLERATED_MISSING_KEYS`) may be missing."""
    state_dict = state_dict_of(checkpoint)
    expected = model.state_dict()
    missing = [
        k for k in expected if k not in state_dict
        and not k.endswith(TOLERATED_MISSING_KEYS)
    ]
    unexpected = [k for k in state_dict if k not in expected]
    shapes = [
        f'{k}: {tuple(v.shape)} vs {tuple(expected[k].shape)}'
        for k, v in state_dict.items() if k in expected
        and hasattr(v, 'shape') and tuple(v.shape) != tuple(expected[k].shape)
    ]
    problems = []
    for what, keys in (('missing', missing), ('unexpected', unexpected),
                       ('with another shape', shapes)):
        if keys:
            shown = ', '.join(keys[:_KEYS_SHOWN])
            more = ', ...' if len(keys) > _KEYS_SHOWN else ''
            problems.append(f'{len(keys)} {what} ({shown}{more})')
    if problems:
        raise checkpoint_error(
            f'checkpoint {filename} does not fit the model '
            f'{type(model).__name__}: {len(expected)} model keys, '
            f'{"; ".join(problems)}; is it a checkpoint of this config?')
    bad = next(((key, value) for key, value in state_dict.items()
                if torch.is_tensor(value) and value.is_floating_point()
                and not torch.isfinite(value).all()), None)
    if bad:
        key, value = bad
        raise checkpoint_error(
            f'checkpoint {filename} holds non-finite weights: parameter '
            f'"{key}": {int((~torch.isfinite(value)).sum())} of '
            f'{value.numel()} values are NaN or infinite (a diverged '
            'training run?); take an earlier checkpoint')


def load_checkpoint_strict(runner, filename: str) -> dict:
    """``Runner.load_checkpoint`` (hooks, then the weights, onto CPU),
    requiring an exact fit (:func:`check_state_dict_matches`); returns the
    checkpoint."""
    checkpoint = CheckpointLoader.load_checkpoint(filename, 'cpu')
    runner.call_hook('after_load_checkpoint', checkpoint=checkpoint)
    model = runner.model.module if is_model_wrapper(runner.model) \
        else runner.model
    check_state_dict_matches(model, checkpoint, filename)
    _load_checkpoint_to_model(model, checkpoint, strict=True)
    print_log(f'Load checkpoint from {filename}', logger='current')
    return checkpoint
