# Copyright (c) tdmi_mmpose contributors.
"""An epoch-based train loop that resumes exactly, also mid-epoch."""
import copy
import itertools
import logging
from typing import Dict, Iterator, Sequence, Tuple, Union

import numpy as np
from mmengine.logging import print_log
from mmengine.runner import EpochBasedTrainLoop, set_random_seed
from mmpose.registry import LOOPS
from torch.utils.data import DataLoader

_UINT32 = 2**32


def derive_seed(seed: int, *keys: int) -> int:
    """A seed in ``[0, 2**32)`` derived from ``seed`` and ``keys`` (e.g. an
    iteration) by NumPy's ``SeedSequence``: independent streams per key."""
    entropy = [int(seed) % _UINT32] + [int(k) % _UINT32 for k in keys]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


@LOOPS.register_module()
class ResumableEpochBasedTrainLoop(EpochBasedTrainLoop):
    """mmengine's ``EpochBasedTrainLoop`` whose resumed runs repeat the
    uninterrupted run exactly (docs/training.md, "Resuming an interrupted
    run"): it reseeds before each iteration, fast-forwards past the batches
    trained before a mid-epoch checkpoint, and rebuilds the loader when
    resuming restored another seed than it was built with.

    Args:
        runner (Runner): A reference of runner.
        dataloader (Dataloader or dict): A dataloader object or a dict to
            build a dataloader.
        max_epochs (int): Total training epochs.
        reseed_per_iter (bool): Reseed the global generators before every
            iteration (without it a resumed run's random draws differ).
            Defaults to ``True``.
        **kwargs: ``EpochBasedTrainLoop``'s ``val_begin``, ``val_interval``
            and ``dynamic_intervals``.
    """

    def __init__(self,
                 runner,
                 dataloader: Union[DataLoader, Dict],
                 max_epochs: int,
                 reseed_per_iter: bool = True,
                 **kwargs) -> None:
        self._dataloader_cfg = copy.deepcopy(dataloader) if isinstance(
            dataloader, dict) else None
        super().__init__(runner, dataloader, max_epochs, **kwargs)
        self._dataloader_seed = runner.seed
        self.reseed_per_iter = reseed_per_iter
        # batches of the current epoch trained before the resumed checkpoint
        self._fast_forward = 0

    def run(self):
        """Launch training (or resume it where the checkpoint left it)."""
        if self._iter > 0:
            self._rebuild_dataloader_with_resumed_seed()
        self._fast_forward = self._iter - self._epoch * len(self.dataloader)
        return super().run()

    def _rebuild_dataloader_with_resumed_seed(self) -> None:
        """Rebuild the loader if resuming changed the runner's seed (mmengine
        restores a drawn seed only after building the loader)."""
        seed = self.runner.seed
        if seed == self._dataloader_seed:
            return
        if self._dataloader_cfg is None:
            print_log(
                f'The run resumed with seed {seed}, but the train data '
                f'loader was built with seed {self._dataloader_seed} and '
                'was given as an object, so it cannot be rebuilt: set '
                '`randomness.seed` for an exact resume.',
                logger='current',
                level=logging.WARNING)
            return
        print_log(
            f'Rebuilding the train data loader with the resumed seed {seed} '
            f'(it was built with {self._dataloader_seed}).',
            logger='current')
        self.dataloader = self.runner.build_dataloader(
            self._dataloader_cfg,
            seed=seed,
            diff_rank_seed=self.runner._randomness_cfg.get(
                'diff_rank_seed', False))
        self._dataloader_seed = seed

    def run_epoch(self) -> None:
        """Iterate one epoch, or what remains of it after a resume."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        num_batches = len(self.dataloader)
        start, self._fast_forward = self._fast_forward, 0
        if not 0 <= start <= num_batches:
            print_log(
                f'The checkpoint is at iteration {self._iter}, which is not '
                f'in epoch {self._epoch + 1} of {num_batches} batches (was '
                'the batch size or the number of processes changed?): the '
                'epoch is trained from its start.',
                logger='current',
                level=logging.WARNING)
            start = 0
        # start == num_batches: the checkpoint was written after the last
        # step of the epoch, before its end-of-epoch hooks, which run now.
        if start < num_batches:
            batches = iter(self.dataloader)
            if start > 0:
                print_log(
                    f'Resuming at iteration {self._iter}: fast-forwarding '
                    f'past the {start} batches of epoch {self._epoch + 1} '
                    'trained before the checkpoint.',
                    logger='current')
                for _ in range(start):
                    next(batches)
            for idx, data_batch in self._numbered(batches, start):
                self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1

    def _numbered(self, batches: Iterator,
                  start: int) -> Iterator[Tuple[int, Sequence]]:
        """``enumerate(batches, start)``, reseeding before each fetch."""
        for idx in itertools.count(start):
            if self.reseed_per_iter:
                set_random_seed(derive_seed(self.runner.seed, self._iter))
            try:
                data_batch = next(batches)
            except StopIteration:
                return
            yield idx, data_batch
