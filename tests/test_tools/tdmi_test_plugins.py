# Copyright (c) tdmi_mmpose contributors.
"""Test-only mmengine plugins for the training/evaluation subprocess tests,
and a helper the tests share.

Imported by the temporary configs of ``test_distributed.py`` and
``test_resume.py`` through ``custom_imports`` (this folder is put on
``PYTHONPATH``), and by those tests; not part of the package.
"""
import hashlib
import json
import os
import os.path as osp
import signal
from typing import Optional, Sequence

import torch
from mmengine.dist import get_rank, get_world_size
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmpose.registry import HOOKS, METRICS
from tdmi_mmpose.evaluation.metrics import PoseTrackAPMetric


def assert_nested_equal(a, b, path: str = '') -> None:
    """Assert that two nests of dicts, lists and tensors are equal, tensors
    exactly (``torch.equal``); ``path`` names the first difference."""
    if isinstance(a, torch.Tensor):
        assert torch.equal(a, b), f'{path} differs'
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            assert_nested_equal(a[key], b[key], f'{path}.{key}')
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_nested_equal(x, y, f'{path}[{i}]')
    else:
        assert a == b, f'{path}: {a!r} != {b!r}'


def _bare_model(runner):
    model = runner.model
    return model.module if is_model_wrapper(model) else model


def _digest(named_tensors) -> str:
    """SHA-1 of named tensors, in the given order."""
    digest = hashlib.sha1()
    for name, tensor in named_tensors:
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


@HOOKS.register_module()
class RecordRankStateHook(Hook):
    """Record, on every rank, what it trained on and the model it ended with.

    Writes ``<out_dir>/rank<r>.json`` (per iteration: the instance ids of
    the rank's batch and a digest of the parameters after the step; at the
    end a digest of all parameters and buffers) and ``<out_dir>/rank<r>.pth``
    (the final state dict and optimizer state).

    Args:
        out_dir (str): Output folder.
    """
    priority = 'LOWEST'

    def __init__(self, out_dir: str) -> None:
        self.out_dir = out_dir
        self.iterations = []

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        ids = [
            int(sample.metainfo['id']) for sample in data_batch['data_samples']
        ]
        self.iterations.append(
            dict(
                iter=runner.iter,
                epoch=runner.epoch,
                ids=ids,
                params_digest=_digest(_bare_model(runner).named_parameters())))

    def after_train(self, runner) -> None:
        os.makedirs(self.out_dir, exist_ok=True)
        rank = get_rank()
        with open(osp.join(self.out_dir, f'rank{rank}.json'), 'w') as f:
            json.dump(
                dict(
                    world_size=runner.world_size,
                    iterations=self.iterations,
                    final_digest=_digest(
                        _bare_model(runner).state_dict().items())), f)
        torch.save(
            dict(
                state_dict=_bare_model(runner).state_dict(),
                optimizer=runner.optim_wrapper.state_dict()),
            osp.join(self.out_dir, f'rank{rank}.pth'))


@HOOKS.register_module()
class KillAtIterHook(Hook):
    """SIGKILL the process right after iteration ``iteration`` (1-based) and
    its checkpoint, like a job killed by a scheduler.

    Args:
        iteration (int): The last iteration that completes.
    """
    priority = 'LOWEST'

    def __init__(self, iteration: int) -> None:
        self.iteration = iteration

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[Sequence[dict]] = None,
                         outputs: Optional[dict] = None) -> None:
        if runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), signal.SIGKILL)


@METRICS.register_module()
class RecordingPoseTrackAPMetric(PoseTrackAPMetric):
    """:class:`PoseTrackAPMetric` that also writes what it evaluated.

    ``compute_metrics`` (rank 0, after the results of all ranks were
    collected) writes ``record_file``: the number of processes, the dataset
    size, the number of results it got, the ``(img_id, id)`` key of each,
    and the metrics.

    Args:
        record_file (str): JSON file to write.
        **kwargs: :class:`PoseTrackAPMetric` arguments.
    """

    def __init__(self, record_file: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.record_file = record_file

    def compute_metrics(self, results: list) -> dict:
        metrics = super().compute_metrics(results)
        os.makedirs(osp.dirname(self.record_file), exist_ok=True)
        with open(self.record_file, 'w') as f:
            json.dump(
                dict(
                    world_size=get_world_size(),
                    dataset_size=self._expected_size,
                    num_results=len(results),
                    keys=[[r['img_id'], r['id']] for r in results],
                    metrics=metrics), f)
        return metrics
