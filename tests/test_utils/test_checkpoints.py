import pickle

import numpy as np
import pytest
import torch
from mmengine.logging.history_buffer import HistoryBuffer

import tdmi_mmpose  # noqa: F401  (registers the allow-list)


class NotAllowed:

    def __init__(self):
        self.x = 1


def test_mmengine_style_checkpoint_loads_with_weights_only(tmp_path):
    buf = HistoryBuffer()
    buf.update(1.5)
    ckpt = {
        'state_dict': {'w': torch.ones(2)},
        'meta': {
            'dataset_meta': {
                'sigmas': np.array([0.026, 0.025], dtype=np.float32),
                'flip_indices': [1, 0],
                'num': np.int64(17),
                'score': np.float64(0.5),
            },
            'seed': 3,
        },
        'message_hub': {'log_scalars': {'train/loss': buf}},
    }
    path = tmp_path / 'ckpt.pth'
    torch.save(ckpt, path)
    loaded = torch.load(path, map_location='cpu', weights_only=True)
    np.testing.assert_array_equal(loaded['meta']['dataset_meta']['sigmas'],
                                  ckpt['meta']['dataset_meta']['sigmas'])
    assert loaded['meta']['dataset_meta']['num'] == 17
    assert loaded['message_hub']['log_scalars']['train/loss'].current() == 1.5


def test_other_objects_are_still_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'obj': NotAllowed()}, path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, map_location='cpu', weights_only=True)


def test_history_buffer_round_trip_keeps_statistics(tmp_path):
    buf = HistoryBuffer(max_length=5)
    for v in (1.0, 2.0, 6.0):
        buf.update(v)
    path = tmp_path / 'hb.pth'
    torch.save({'hb': buf}, path)
    loaded = torch.load(path, weights_only=True)['hb']
    assert isinstance(loaded, HistoryBuffer)
    assert loaded.max_length == 5
    assert loaded.mean() == pytest.approx(3.0)
    assert loaded.current() == 6.0
    loaded.update(7.0)  # still a working buffer
    assert loaded.max() == 7.0


def test_getattr_is_not_allow_listed(tmp_path):
    # A bound method pickles as getattr(obj, name): that must stay refused.
    path = tmp_path / 'getattr.pth'
    torch.save({'f': HistoryBuffer().mean}, path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)


def test_checkpoint_of_an_earlier_release_loads(tmp_path, monkeypatch):
    """Earlier releases defined the HistoryBuffer rebuilder in
    ``tdmi_mmpose.utils.checkpoint``; their checkpoints name it so."""
    import copyreg
    import sys
    import types

    from tdmi_mmpose.io import checkpoints

    module = types.ModuleType('tdmi_mmpose.utils.checkpoint')

    def rebuild_history_buffer(*args):  # the old release's function
        return checkpoints.rebuild_history_buffer(*args)

    rebuild_history_buffer.__module__ = module.__name__
    rebuild_history_buffer.__qualname__ = 'rebuild_history_buffer'
    module.rebuild_history_buffer = rebuild_history_buffer
    monkeypatch.setitem(sys.modules, module.__name__, module)
    buf = HistoryBuffer(max_length=4)
    buf.update(2.0)
    buf.update(4.0)
    monkeypatch.setitem(
        copyreg.dispatch_table, HistoryBuffer, lambda b:
        (rebuild_history_buffer,
         (b._log_history, b._count_history, b.max_length)))
    path = tmp_path / 'old.pth'
    torch.save({'message_hub': {'loss': buf}}, path)
    assert b'tdmi_mmpose.utils.checkpoint' in pickle.dumps(buf)
    monkeypatch.delitem(sys.modules, module.__name__)
    loaded = torch.load(path, weights_only=True)['message_hub']['loss']
    assert isinstance(loaded, HistoryBuffer)
    assert loaded.max_length == 4 and loaded.mean() == pytest.approx(3.0)
