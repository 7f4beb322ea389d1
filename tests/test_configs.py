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

from tdmi_mmpose.io import InputError, load_config

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# The HiEve configs (14 keypoints) are built on the HiEve sample in
# tests/test_datasets/test_hieve_converter.py.
CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True)
    if '_base_' not in p and 'ablation_studies' not in p
    and 'hieve' not in osp.basename(p))
W48_CONFIGS = [
    osp.join(ROOT, 'configs', f'tdmi_hrnet_w48_{v}.py')
    for v in ('posetrack17', 'posetrack18', 'posetrack21', 'hieve')
]


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
    options = {'data_root': sample_data_root}
    if 'val_data_root' in Config.fromfile(path):  # the pretraining config
        options['val_data_root'] = sample_data_root
    cfg = load_config(path, options)
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
    if 'single_frame' in path:  # the pretraining of the frozen recipe
        assert not model.with_neck and model.mi_loss is None
        assert num_frames == 1 and not model.backbone.frozen
        return
    names = [type(n).__name__ for n in model.neck]
    assert names == ['TemporalDifferenceEncoder', 'RepresentationDisentanglement']
    assert (model.mi_loss is None) == ('no_rdm' in path or 'no_mi' in path)
    assert model.neck[1].bypass == ('no_rdm' in path)
    assert model.neck[0].use_dcn == ('no_dcn' not in path)
    assert len(model.neck[0].stages) == (1 if 'single_stage' in path else 4)
    assert model.neck[0].num_frames == num_frames
    if 'irrelevant_motion' in path:  # the frozen recipe
        assert model.backbone.frozen and model.backbone.norm_eval
        assert model.backbone.init_cfg['type'] == 'Pretrained'


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


def _step(pipeline, name):
    steps = [step for step in pipeline if step['type'] == name]
    assert len(steps) == 1, f'{name} appears {len(steps)} times'
    return steps[0]


@pytest.mark.parametrize('path', W48_CONFIGS, ids=osp.basename)
def test_shipped_configs_carry_the_spec_values(path):
    """SPEC 1-3, read from the shipped configs themselves."""
    cfg = load_config(path)
    # SPEC 3: Adam 1e-3, x0.1 at 6/12/18, 20 epochs, 8 clips per GPU (x8)
    assert cfg.optim_wrapper.optimizer.type == 'Adam'
    assert cfg.optim_wrapper.optimizer.lr == 1e-3
    (scheduler, ) = cfg.param_scheduler
    assert scheduler.type == 'MultiStepLR' and scheduler.by_epoch
    assert list(scheduler.milestones) == [6, 12, 18]
    assert scheduler.gamma == 0.1
    assert cfg.train_cfg.max_epochs == 20
    assert cfg.train_dataloader.batch_size == 8
    assert cfg.auto_scale_lr.base_batch_size == 64
    # SPEC 1: augmentation
    train = cfg.train_dataloader.dataset.pipeline
    assert _step(train, 'RandomFlip').prob == 0.5
    assert _step(train, 'RandomHalfBody').prob == 0.3
    bbox_transform = _step(train, 'RandomBBoxTransform')
    assert bbox_transform.rotate_factor == 45.0
    assert bbox_transform.rotate_prob == 0.6
    assert tuple(bbox_transform.scale_factor) == (0.65, 1.35)
    # SPEC 1: 384x288 input, 96x72 heatmaps, sigma 3, in every place
    codecs = [cfg.model.head.decoder, _step(train, 'GenerateTarget').encoder]
    for codec in codecs:
        assert codec.type == 'MSRAHeatmap'
        assert tuple(codec.input_size) == (288, 384)
        assert tuple(codec.heatmap_size) == (72, 96)
        assert codec.sigma == 3
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[key].dataset
        assert tuple(_step(dataset.pipeline,
                           'TopdownAffine').input_size) == (288, 384)
        # delta = 2, time order
        assert list(dataset.frame_offsets) == [-2, -1, 0, 1, 2]
    # SPEC 2: TDE and RDM
    tde, rdm = cfg.model.neck
    assert tde.type == 'TemporalDifferenceEncoder'
    assert tde.num_frames == 5
    assert tuple(tde.num_blocks) == (3, 3, 3, 2)
    assert tde.deform_groups == 12
    assert tde.offset_dilation == 3
    assert rdm.type == 'RepresentationDisentanglement'
    assert rdm.hidden_channels == 128
    assert rdm.num_aggregation_blocks == 3
    assert cfg.model.backbone.frozen is True
    assert cfg.model.test_cfg.flip_test is True
    assert cfg.model.mi_loss.type == 'MutualInformationLoss'


def test_posetrack_evaluators_track_except_the_ablation_study():
    """The sample and W48 configs report MOTA (PoseTrack21: keypoint HOTA)
    next to AP; the ablation
    study's config stays AP-only (its finished runs are reused while the
    resolved config text is unchanged)."""
    for name in ('tdmi_tiny_posetrack_sample.py',
                 'tdmi_hrnet_w48_posetrack17.py',
                 'tdmi_hrnet_w48_posetrack18.py',
                 'tdmi_hrnet_w48_posetrack21.py'):
        cfg = Config.fromfile(osp.join(ROOT, 'configs', name))
        for evaluator in (cfg.val_evaluator, cfg.test_evaluator):
            assert evaluator.type == 'PoseTrackAPMetric', name
            assert evaluator.track is True, name
            # PoseTrack21 is evaluated as its community does (the kit's AP
            # and keypoint HOTA); the others with poseval (AP and MOTA)
            assert evaluator.get('protocol', 'poseval') == (
                'posetrack21' if 'posetrack21' in name else 'poseval'), name
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'tdmi_tiny_occluded_video.py'))
    assert dict(cfg.val_evaluator) == dict(
        type='PoseTrackAPMetric', ann_file=cfg.data_root + 'annotations/val/')


def test_the_clip_is_declared_once():
    """A derived config (or --cfg-options) changes the clip with the one
    top-level `frame_offsets`; every component gets it on loading."""
    from mmpose.registry import MODELS
    delta1 = osp.join(ROOT, 'configs', 'ablations',
                      'tdmi_hrnet_w48_posetrack17_delta1.py')
    with open(delta1) as f:
        assert f.read().count('frame_offsets') == 1
    base = osp.join(ROOT, 'configs', 'tdmi_hrnet_w48_posetrack17.py')
    for cfg in (load_config(delta1),
                load_config(base, {'frame_offsets': [-1, 0, 1]})):
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            assert cfg[key].dataset.frame_offsets == [-1, 0, 1]
        assert cfg.model.frame_offsets == [-1, 0, 1]
        assert cfg.model.neck[0].num_frames == 3
    init_default_scope('mmpose')
    model_cfg = load_config(base, {'frame_offsets': [-3, 0, 2, 4]}).model
    model_cfg.backbone.init_cfg = None
    model = MODELS.build(model_cfg)
    assert model.key_frame_index == 1
    assert model.neck[0].num_frames == 4
    with pytest.raises(InputError, match=r'frame_offsets .* got \[1, 2\]'):
        load_config(base, {'frame_offsets': [1, 2]})
