import pytest
from mmengine.config import Config

from tdmi_mmpose.io import is_path_variable, load_config, retarget_data_root

CONFIG_TEXT = """
data_root = 'data/posetrack18/'
backbone_checkpoint = 'checkpoints/hrnet_w48.pth'
train_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='annotations/train/',
                 bbox_file=data_root + 'person_detections/val.json'))
val_evaluator = [dict(type='PoseTrackAPMetric',
                      ann_file=data_root + 'annotations/val/')]
model = dict(backbone=dict(
    init_cfg=dict(type='Pretrained', checkpoint=backbone_checkpoint)))
paths = ('data/other/', data_root + 'x')
"""


@pytest.fixture
def cfg_file(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text(CONFIG_TEXT)
    return str(path)


def test_retarget_data_root_rewrites_every_derived_path(cfg_file):
    cfg = Config.fromfile(cfg_file)
    changes = retarget_data_root(cfg, '/mnt/pt18')
    assert cfg.data_root == '/mnt/pt18/'  # trailing slash kept as in config
    ds = cfg.train_dataloader.dataset
    assert ds.data_root == '/mnt/pt18/'
    assert ds.ann_file == 'annotations/train/'  # relative: untouched
    assert ds.bbox_file == '/mnt/pt18/person_detections/val.json'
    assert cfg.val_evaluator[0].ann_file == '/mnt/pt18/annotations/val/'
    assert cfg.paths == ('data/other/', '/mnt/pt18/x')
    # the checkpoint does not start with data_root
    assert cfg.model.backbone.init_cfg.checkpoint == (
        'checkpoints/hrnet_w48.pth')
    changed_keys = {c[0] for c in changes}
    assert 'val_evaluator[0].ann_file' in changed_keys
    assert 'train_dataloader.dataset.bbox_file' in changed_keys


def test_plain_merge_does_not_follow_but_load_config_does(cfg_file):
    plain = Config.fromfile(cfg_file)
    plain.merge_from_dict({'data_root': '/mnt/pt18/'})
    # what mmengine alone does: the derived paths keep the old root
    assert plain.val_evaluator[0].ann_file == \
        'data/posetrack18/annotations/val/'

    cfg = load_config(
        cfg_file, {
            'data_root': '/mnt/pt18/',
            'backbone_checkpoint': '/w/hr.pth',
            'train_dataloader.dataset.ann_file': 'annotations/x/'
        })
    assert cfg.val_evaluator[0].ann_file == '/mnt/pt18/annotations/val/'
    assert cfg.model.backbone.init_cfg.checkpoint == '/w/hr.pth'
    assert cfg.train_dataloader.dataset.ann_file == 'annotations/x/'


def test_load_config_errors(tmp_path, cfg_file):
    with pytest.raises(FileNotFoundError, match='nope.py'):
        load_config(str(tmp_path / 'nope.py'))
    cfg = Config.fromfile(cfg_file)
    with pytest.raises(KeyError, match='dataset_root'):
        retarget_data_root(cfg, '/x', key='dataset_root')


def test_is_path_variable():
    assert is_path_variable('data_root')
    assert is_path_variable('backbone_checkpoint')
    assert is_path_variable('bbox_file')
    assert not is_path_variable('model.backbone.checkpoint')
    assert not is_path_variable('dataset_type')


def test_pretty_text_is_formatted_once_per_content(tmp_path, monkeypatch):
    """mmengine's Runner asks for ``pretty_text`` at every checkpoint and
    hook; load_config's config formats it (yapf, ~1 s) once per content,
    and the text is mmengine's."""
    import copy

    from mmengine.config import Config
    from mmengine.config import config as mmengine_config
    cfg_file = tmp_path / 'cfg.py'
    cfg_file.write_text(CONFIG_TEXT)
    cfg = load_config(str(cfg_file))
    plain = Config.fromfile(str(cfg_file))
    calls = []
    format_code = mmengine_config.FormatCode
    monkeypatch.setattr(mmengine_config, 'FormatCode',
                        lambda *a, **k: calls.append(1) or format_code(*a, **k))
    text = cfg.pretty_text
    once = len(calls)
    assert once > 0 and text == plain.pretty_text
    for _ in range(3):
        assert cfg.pretty_text == text
    assert len(calls) == 2 * once  # the plain config's formats each time
    changed = copy.deepcopy(cfg)  # as mmengine's Runner copies it
    assert changed.pretty_text == text and len(calls) == 2 * once
    changed.data_root = 'elsewhere/'
    assert "data_root = 'elsewhere/'" in changed.pretty_text
    assert len(calls) == 3 * once
