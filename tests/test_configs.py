"""Every shipped config parses, registers through ``custom_imports`` alone,
and builds its model and datasets (on the sample data via ``data_root``)."""
import glob
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from tdmi_mmpose.utils import load_config

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in p)


def test_configs_are_found():
    names = {osp.relpath(p, ROOT) for p in CONFIGS}
    for expected in ('configs/tdmi_hrnet_w48_posetrack17.py',
                     'configs/tdmi_hrnet_w48_posetrack18.py',
                     'configs/tdmi_hrnet_w48_posetrack21.py',
                     'configs/tdmi_tiny_posetrack_sample.py'):
        assert expected in names
    assert len([n for n in names if 'ablations' in n]) >= 5


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, ROOT))
def test_config_builds_model_and_datasets(path, sample_data_root):
    from mmpose.registry import DATASETS, MODELS
    cfg = load_config(path, {'data_root': sample_data_root})
    assert cfg.default_scope == 'mmpose'
    assert cfg.custom_imports['imports'] == ['tdmi_mmpose']
    init_default_scope('mmpose')
    model = MODELS.build(cfg.model)
    assert model.head.decoder is not None
    num_frames = len(cfg.train_dataloader.dataset.frame_offsets)
    for key in ('train_dataloader', 'val_dataloader'):
        ds = DATASETS.build(cfg[key].dataset)
        assert len(ds) > 0
        assert len(ds.get_data_info(0)['frame_paths']) == num_frames
    # the evaluator reads the same ground truth folder as the val dataset
    assert cfg.val_evaluator.ann_file.startswith(sample_data_root)
    names = [type(n).__name__ for n in model.neck]
    assert names == ['TemporalDifferenceEncoder', 'RepresentationDisentanglement']
    assert (model.mi_loss is None) == ('no_rdm' in path or 'no_mi' in path)
    assert model.neck[1].bypass == ('no_rdm' in path)
    assert model.neck[0].use_dcn == ('no_dcn' not in path)
    assert len(model.neck[0].stages) == (1 if 'single_stage' in path else 4)
    assert model.neck[0].num_frames == num_frames


def test_registration_through_custom_imports_only(tmp_path):
    """A fresh interpreter that never imports tdmi_mmpose itself builds our
    model from a third-party config that inherits ours by `_base_`."""
    user_cfg = tmp_path / 'my_tdmi.py'
    user_cfg.write_text(
        f"_base_ = [{osp.join(ROOT, 'configs', 'tdmi_tiny_posetrack_sample.py')!r}]\n"
        "model = dict(neck=[_base_.model.neck[0], dict(_base_.model.neck[1], "
        "bypass=True)], mi_loss=None)\n")
    code = f"""
import sys
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.utils import import_modules_from_strings
assert 'tdmi_mmpose' not in sys.modules
cfg = Config.fromfile({str(user_cfg)!r})
import_modules_from_strings(**cfg.custom_imports)
init_default_scope(cfg.default_scope)
from mmpose.registry import MODELS
model = MODELS.build(cfg.model)
print(type(model).__name__, model.neck[1].bypass, model.mi_loss)
"""
    out = subprocess.run([sys.executable, '-c', code],
                         capture_output=True, text=True, cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-3:] == ['VideoTopdownPoseEstimator', 'True',
                                       'None']


def test_unknown_key_in_config_is_a_clear_error(tmp_path):
    from mmpose.registry import MODELS
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'tdmi_tiny_posetrack_sample.py'))
    cfg.model.neck[0]['num_stagez'] = 2
    init_default_scope('mmpose')
    with pytest.raises(TypeError, match='num_stagez'):
        MODELS.build(cfg.model)


def test_tiny_config_forward_shape():
    from mmpose.registry import MODELS
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'tdmi_tiny_posetrack_sample.py'))
    init_default_scope('mmpose')
    model = MODELS.build(cfg.model).eval()
    w, h = cfg.codec['input_size']
    with torch.no_grad():
        out = model(torch.randn(2, 5, 3, h, w), None, mode='tensor')
    hw, hh = cfg.codec['heatmap_size']
    assert out.shape == (2, 17, hh, hw)


@pytest.mark.parametrize('backbone', ['resnet50', 'hrnet_w32'])
def test_user_config_swaps_the_backbone_by_registry_name(backbone, tmp_path):
    """The README's "Your own configs" recipe: inherit the main config and
    swap the backbone (mmpose's ResNet through a StageFeatureAdapter, or a
    W32 MultiStageHRNet) without code changes."""
    from mmpose.registry import MODELS
    main = osp.join(ROOT, 'configs', 'tdmi_hrnet_w48_posetrack18.py')
    if backbone == 'resnet50':
        body = (
            "model = dict(\n"
            "    backbone=dict(_delete_=True, type='ResNet', depth=50,\n"
            "                  out_indices=(0, 1, 2, 3)),\n"
            "    neck=[dict(type='StageFeatureAdapter',\n"
            "               in_channels=[256, 512, 1024, 2048],\n"
            "               out_channels=48),\n"
            "          _base_.model.neck[0], _base_.model.neck[1]])\n")
        channels = 48
    else:
        body = (
            "w32 = dict(stage2=(32, 64), stage3=(32, 64, 128),\n"
            "           stage4=(32, 64, 128, 256))\n"
            "model = dict(\n"
            "    backbone=dict(init_cfg=None, extra={\n"
            "        k: dict(num_channels=v) for k, v in w32.items()}),\n"
            "    neck=[dict(_base_.model.neck[0], in_channels=32, "
            "deform_groups=8),\n"
            "          dict(_base_.model.neck[1], in_channels=32)],\n"
            "    head=dict(in_channels=32), mi_loss=dict(in_channels=32))\n")
        channels = 32
    user_cfg = tmp_path / f'my_tdmi_{backbone}.py'
    user_cfg.write_text(f'_base_ = [{main!r}]\n' + body)
    cfg = Config.fromfile(str(user_cfg))
    init_default_scope(cfg.default_scope)
    model = MODELS.build(cfg.model).eval()
    assert type(model.backbone).__name__ == (
        'ResNet' if backbone == 'resnet50' else 'MultiStageHRNet')
    with torch.no_grad():
        feats = model.extract_video_feats(torch.randn(1, 5, 3, 128, 96))
        heatmaps = model.head((feats['out'], ))
    assert feats['motion'].shape == (1, channels, 32, 24)
    assert heatmaps.shape == (1, 17, 32, 24)
