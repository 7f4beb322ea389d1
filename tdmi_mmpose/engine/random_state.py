# Copyright (c) tdmi_mmpose contributors.
"""Deterministic reseeding of the global random number generators."""
import random

import numpy as np
import torch

_UINT32 = 2**32


def derive_seed(seed: int, *keys: int) -> int:
    """A 32-bit seed derived from ``seed`` and ``keys`` (e.g. an iteration).

    Different ``keys`` give statistically independent streams (NumPy's
    ``SeedSequence`` hashing), the same arguments always the same seed.

    Args:
        seed (int): The base seed.
        *keys (int): Further entropy, e.g. the iteration index.

    Returns:
        int: A seed in ``[0, 2**32)``.
    """
    entropy = [int(seed) % _UINT32] + [int(k) % _UINT32 for k in keys]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's (CPU and every CUDA device)
    global generators.

    Args:
        seed (int): A seed in ``[0, 2**32)``.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
