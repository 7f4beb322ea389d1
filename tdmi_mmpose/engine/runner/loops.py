# Copyright (c) tdmi_mmpose contributors.
"""An epoch-based train loop that resumes exactly, also mid-epoch."""
import copy
import itertools
import logging
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.logging import print_log
from mmengine.runner import EpochBasedTrainLoop, set_random_seed
from mmpose.registry import LOOPS
from torch.utils.data import DataLoader

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


@LOOPS.register_module()
class ResumableEpochBasedTrainLoop(EpochBasedTrainLoop):
    """:class:`mmengine.runner.EpochBasedTrainLoop` whose resumed runs repeat
    the uninterrupted run exactly.

    mmengine's epoch loop restarts an epoch from its first batch when it is
    resumed from a checkpoint written in the middle of that epoch (an
    iteration checkpoint, ``CheckpointHook(by_epoch=False)``): batches are
    trained twice and the run ends with more iterations than configured;
    and it does not save the random generator states, so a resumed run
    draws other augmentations. This loop

    - reseeds Python's, NumPy's and PyTorch's global generators before
      each iteration (before its batch is fetched) with a seed derived from
      ``(runner.seed, iteration)`` (``reseed_per_iter``): the draws of an
      iteration (augmentation in the main process, model randomness) depend
      on nothing that ran before it, so no generator state needs to be saved;
    - on resuming mid-epoch, fast-forwards the epoch's data loader past the
      batches trained before the checkpoint. It loads them, as mmengine's
      ``IterBasedTrainLoop`` does, so that the data loader workers (seeded
      when they start, at each epoch with ``persistent_workers=False``)
      continue their augmentation streams where they were.

    - rebuilds the train data loader when resuming restored another seed
      than the one it was built with (a config without
      ``randomness.seed``: mmengine restores the checkpoint's seed only
      after building the loader).

    With the same seed, a run interrupted at an epoch or iteration
    checkpoint and resumed with ``--resume`` trains on the same batches with
    the same augmentations and model randomness as the uninterrupted run, so
    with ``randomness=dict(seed=..., deterministic=True)`` its final weights
    are equal. Not covered: ``persistent_workers=True`` (the workers'
    generators then run on across epochs, and a resumed run restarts them),
    and changing the number of processes or the batch size on resume.

    Args:
        runner (Runner): A reference of runner.
        dataloader (Dataloader or dict): A dataloader object or a dict to
            build a dataloader.
        max_epochs (int): Total training epochs.
        val_begin (int): The epoch that begins validating. Defaults to 1.
        val_interval (int): Validation interval. Defaults to 1.
        dynamic_intervals (List[Tuple[int, int]], optional): Validation
            interval changes, as for ``EpochBasedTrainLoop``.
            Defaults to ``None``.
        reseed_per_iter (bool): Reseed the global generators before every
            iteration. Without it the loop still fast-forwards mid-epoch, but
            a resumed run's random draws differ from the uninterrupted run's.
            Defaults to ``True``.
    """

    def __init__(self,
                 runner,
                 dataloader: Union[DataLoader, Dict],
                 max_epochs: int,
                 val_begin: int = 1,
                 val_interval: int = 1,
                 dynamic_intervals: Optional[List[Tuple[int, int]]] = None,
                 reseed_per_iter: bool = True) -> None:
        self._dataloader_cfg = copy.deepcopy(dataloader) if isinstance(
            dataloader, dict) else None
        super().__init__(
            runner,
            dataloader,
            max_epochs,
            val_begin=val_begin,
            val_interval=val_interval,
            dynamic_intervals=dynamic_intervals)
        # the seed of the sampler and the workers (see BaseLoop)
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
        """Rebuild the data loader if resuming changed the runner's seed.

        Without ``randomness.seed`` mmengine draws a seed, and on resume
        restores the checkpoint's, but only after it has built the train
        data loader, whose sampler and worker seeds then come from the new
        draw: the resumed run would shuffle and augment differently.
        """
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
