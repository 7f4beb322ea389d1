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

Reading a checkpoint (:func:`load_from_local`, registered as mmengine's
loader of local files, so ``load_from``, ``--resume``, ``tools/test.py`` and
the inferencers all use it) names the file in every error: a missing, empty
(0 bytes), truncated or foreign file is a :class:`InputError` (or
``FileNotFoundError``) instead of torch's ``PytorchStreamReader failed`` or a
bare ``EOFError``. :func:`check_state_dict_matches` makes a checkpoint whose
parameters do not fit the model an error (used by ``tools/test.py`` and
:class:`~tdmi_mmpose.apis.VideoPose2DInferencer`; fine-tuning with
``load_from`` stays non-strict, as in mmengine).
"""
import copyreg
import os.path as osp
import zipfile
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
from mmengine.logging import print_log
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.model import is_model_wrapper
from mmengine.runner.checkpoint import (CheckpointLoader,
                                        _load_checkpoint_to_model)

from ..utils.errors import InputError

_REGISTERED = False

#: Model keys a checkpoint may lack: BatchNorm's ``num_batches_tracked``
#: counters (absent from old checkpoints; mmengine ignores them too).
TOLERATED_MISSING_KEYS = ('num_batches_tracked', )
#: How many mismatching keys an error lists.
_KEYS_SHOWN = 5


#: What the tools suggest after a checkpoint error.
CHECKPOINT_HINT = ('the checkpoint must be a complete file saved by '
                   'tools/train.py for this config (see docs/inference.md, '
                   '"Checkpoints")')


def checkpoint_error(message: str) -> InputError:
    """An :class:`InputError` about a checkpoint file, with its hint."""
    return InputError(message, hint=CHECKPOINT_HINT)


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


#: Where earlier releases defined :func:`rebuild_history_buffer`; their
#: checkpoints name it so.
LEGACY_HISTORY_BUFFER_NAMES = (
    'tdmi_mmpose.utils.checkpoint.rebuild_history_buffer', )


def checkpoint_safe_globals() -> List[object]:
    """The globals that mmengine/mmpose checkpoints need beyond tensors.

    Returns:
        list: Classes and functions (and ``(function, legacy dotted name)``
        pairs) to allow in ``weights_only`` loading.
    """
    try:
        from numpy.core.multiarray import _reconstruct, scalar
    except ImportError:  # pragma: no cover  (numpy >= 2 moved them)
        from numpy._core.multiarray import _reconstruct, scalar
    safe = [rebuild_history_buffer, _reconstruct, scalar, np.ndarray, np.dtype]
    safe += [(rebuild_history_buffer, name)
             for name in LEGACY_HISTORY_BUFFER_NAMES]
    # The concrete dtype classes (np.dtypes.Float32DType, ...) that pickled
    # numpy arrays and scalars may refer to.
    for name in ('bool_', 'uint8', 'int8', 'int16', 'uint16', 'int32',
                 'uint32', 'int64', 'uint64', 'float16', 'float32',
                 'float64', 'str_'):
        safe.append(type(np.dtype(getattr(np, name))))
    return safe


def register_checkpoint_safe_globals() -> None:
    """Allow-list :func:`checkpoint_safe_globals` in ``torch.load``, pickle
    ``HistoryBuffer`` without ``getattr`` and read local checkpoints with
    :func:`load_from_local` (idempotent)."""
    global _REGISTERED
    if _REGISTERED:
        return
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)
    if hasattr(torch.serialization, 'add_safe_globals'):
        torch.serialization.add_safe_globals(checkpoint_safe_globals())
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)
    _REGISTERED = True


#: The file name suffix of an exported network (ONNX Runtime runs it).
ONNX_SUFFIX = '.onnx'


def is_onnx_file(weights: Optional[str]) -> bool:
    """Whether pose model weights name an exported ONNX network (by the
    suffix :data:`ONNX_SUFFIX`) rather than a PyTorch checkpoint."""
    return isinstance(weights, str) and weights.lower().endswith(ONNX_SUFFIX)


def check_checkpoint_file(filename: str) -> None:
    """Cheap checks of a local checkpoint file before ``torch.load``.

    A file written by ``torch.save`` is a zip archive (torch >= 1.6) or a
    pickle (legacy format). Empty files, truncated archives (their central
    directory, at the end, is missing) and files of another kind are
    refused.

    Args:
        filename (str): The file.

    Raises:
        FileNotFoundError: The file does not exist.
        InputError: The path is a folder or a broken link, or the file is
            empty, truncated or no checkpoint.
    """
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
    """mmengine's loader of local checkpoint files, with errors that name
    the file.

    Args:
        filename (str): The checkpoint file (``~`` expanded).
        map_location: As :func:`torch.load`.

    Returns:
        dict: The loaded checkpoint.

    Raises:
        FileNotFoundError: The file does not exist.
        InputError: The file cannot be read as a checkpoint (the
            message names it and gives torch's error).
    """
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
    """The state dict of a loaded checkpoint (its ``state_dict``, or the
    checkpoint itself), without a DDP ``module.`` prefix.

    Args:
        checkpoint (dict): A loaded checkpoint or state dict.

    Returns:
        dict[str, Tensor]: Parameter and buffer name -> value.
    """
    if not isinstance(checkpoint, dict):
        raise checkpoint_error(
            f'the checkpoint holds a {type(checkpoint).__name__}, not a '
            'state dict')
    state_dict = checkpoint.get('state_dict', checkpoint)
    return OrderedDict(
        (k[len('module.'):] if k.startswith('module.') else k, v)
        for k, v in state_dict.items())


def state_dict_mismatch(model: torch.nn.Module, checkpoint: dict
                        ) -> Tuple[List[str], List[str], List[str]]:
    """Compare a checkpoint's parameters and buffers with a model's.

    Args:
        model (torch.nn.Module): The model (unwrapped).
        checkpoint (dict): A checkpoint or state dict (see
            :func:`state_dict_of`).

    Returns:
        tuple[list[str], list[str], list[str]]: The model keys the
        checkpoint lacks (except :data:`TOLERATED_MISSING_KEYS`), the
        checkpoint keys the model does not have, and the keys whose shapes
        differ (``'key: checkpoint shape vs model shape'``).
    """
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
    return missing, unexpected, shapes


def non_finite_weights(checkpoint: dict) -> Optional[str]:
    """The first parameter or buffer of a checkpoint holding a NaN or an
    infinity, described (``'"head.final.weight": 12 of 4352 values are
    NaN or infinite'``); ``None`` if every value is finite."""
    for key, value in state_dict_of(checkpoint).items():
        if torch.is_tensor(value) and value.is_floating_point():
            bad = int((~torch.isfinite(value)).sum())
            if bad:
                return (f'"{key}": {bad} of {value.numel()} values are NaN '
                        'or infinite')
    return None


def check_state_dict_matches(model: torch.nn.Module, checkpoint: dict,
                             filename: str) -> None:
    """Require a checkpoint to fit a model exactly (except
    :data:`TOLERATED_MISSING_KEYS`) and to hold finite weights only.

    A checkpoint of another architecture (or of another number of
    keypoints) would otherwise load partially and leave the rest of the
    model randomly initialised, with only a log line; one with NaN weights
    (a diverged run) would predict nonsense, or fail later naming a
    prediction field rather than the checkpoint.

    Args:
        model (torch.nn.Module): The model (unwrapped).
        checkpoint (dict): The loaded checkpoint.
        filename (str): Its file, for the error.

    Raises:
        InputError: Naming the file, the number of missing,
            unexpected and mis-shaped keys and the first of each, or the
            first parameter with a non-finite value.
    """
    missing, unexpected, shapes = state_dict_mismatch(model, checkpoint)
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
            f'{type(model).__name__}: {len(model.state_dict())} model keys, '
            f'{"; ".join(problems)}; is it a checkpoint of this config?')
    bad = non_finite_weights(checkpoint)
    if bad:
        raise checkpoint_error(
            f'checkpoint {filename} holds non-finite weights: parameter '
            f'{bad} (a diverged training run?); take an earlier checkpoint')


def load_checkpoint_strict(runner, filename: str) -> dict:
    """Load a checkpoint into a Runner's model, requiring an exact fit.

    Does what ``Runner.load_checkpoint`` does (``after_load_checkpoint``
    hooks, then the weights, onto CPU first), but the checkpoint must fit the
    model (:func:`check_state_dict_matches`).

    Args:
        runner (mmengine.runner.Runner): The runner; its ``load_from`` should
            be ``None`` (the weights are loaded here).
        filename (str): The checkpoint.

    Returns:
        dict: The checkpoint.

    Raises:
        FileNotFoundError: The file does not exist.
        InputError: It cannot be read or does not fit the model.
    """
    checkpoint = CheckpointLoader.load_checkpoint(filename, 'cpu')
    runner.call_hook('after_load_checkpoint', checkpoint=checkpoint)
    model = runner.model.module if is_model_wrapper(runner.model) \
        else runner.model
    check_state_dict_matches(model, checkpoint, filename)
    _load_checkpoint_to_model(model, checkpoint, strict=True)
    print_log(f'Load checkpoint from {filename}', logger='current')
    return checkpoint
