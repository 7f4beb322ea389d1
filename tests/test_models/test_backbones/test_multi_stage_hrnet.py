# Copyright (c) tdmi_mmpose contributors.
import copy

import numpy as np
import pytest
import torch
from torch.nn.modules.batchnorm import _BatchNorm

from mmpose.models.backbones import HRNet
from mmpose.registry import MODELS
from tdmi_mmpose.models import MultiStageHRNet
from tdmi_mmpose.utils import InputError


def tiny_extra(stage1_block='BOTTLENECK', widths=(8, 16, 32, 64)):
    """A 4-stage HRNet small enough for CPU tests."""
    w1, w2, w3, w4 = widths
    return dict(
        stage1=dict(
            num_modules=1,
            num_branches=1,
            block=stage1_block,
            num_blocks=(1, ),
            num_channels=(w1, )),
        stage2=dict(
            num_modules=1,
            num_branches=2,
            block='BASIC',
            num_blocks=(1, 1),
            num_channels=(w1, w2)),
        stage3=dict(
            num_modules=2,
            num_branches=3,
            block='BASIC',
            num_blocks=(1, 1, 1),
            num_channels=(w1, w2, w3)),
        stage4=dict(
            num_modules=2,
            num_branches=4,
            block='BASIC',
            num_blocks=(1, 1, 1, 1),
            num_channels=(w1, w2, w3, w4),
            multiscale_output=False))


def randomize_(module, seed=0):
    """Fill parameters and BN statistics with distinct random values."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in module.state_dict().items():
            if name.endswith('num_batches_tracked'):
                tensor.fill_(seed + 1)
            elif name.endswith('running_var'):
                tensor.copy_(torch.rand(tensor.shape, generator=gen) + 0.5)
            else:
                tensor.copy_(torch.randn(tensor.shape, generator=gen) * 0.2)
    return module


def manual_stage_outputs(model, x):
    """The four stage features, recomputed through HRNet's submodules."""
    x = model.relu(model.norm1(model.conv1(x)))
    x = model.relu(model.norm2(model.conv2(x)))
    x = model.layer1(x)
    transition1 = [t(x) if t is not None else x for t in model.transition1]
    # HRModule.forward overwrites the entries of its input list
    s2 = model.stage2(list(transition1))
    x3 = [
        model.transition2[i](s2[-1])
        if model.transition2[i] is not None else s2[i] for i in range(3)
    ]
    s3 = model.stage3(x3)
    x4 = [
        model.transition3[i](s3[-1])
        if model.transition3[i] is not None else s3[i] for i in range(4)
    ]
    s4 = model.stage4(x4)
    return transition1[0], s2[0], s3[0], s4[0]


@pytest.mark.parametrize('stage1_block', ['BOTTLENECK', 'BASIC'])
def test_stage_outputs_match_hrnet_submodules(stage1_block):
    torch.manual_seed(0)
    model = MultiStageHRNet(tiny_extra(stage1_block), frozen=False)
    randomize_(model)
    model.eval()
    if stage1_block == 'BASIC':
        # layer1 already has the stage-2 width: S1 is the layer1 output.
        assert model.transition1[0] is None
    x = torch.randn(2, 3, 64, 32)

    outs = model(x)
    expected = manual_stage_outputs(model, x)

    assert len(outs) == 4
    for out, exp in zip(outs, expected):
        assert out.shape == (2, 8, 16, 8)
        torch.testing.assert_close(out, exp, rtol=0, atol=0)
    # S4 is what mmpose's HRNet itself returns.
    torch.testing.assert_close(outs[3], HRNet.forward(model, x)[0])
    # the four stages are distinct features
    assert not torch.allclose(outs[0], outs[1])
    assert not torch.allclose(outs[2], outs[3])


def test_parameter_names_equal_mmpose_hrnet():
    extra = tiny_extra()
    ours = MultiStageHRNet(extra).state_dict()
    theirs = HRNet(extra).state_dict()
    assert list(ours) == list(theirs)
    assert all(ours[k].shape == theirs[k].shape for k in theirs)


def build_pretrained(checkpoint, **kwargs):
    return MODELS.build(
        dict(
            type='MultiStageHRNet',
            extra=tiny_extra(),
            init_cfg=dict(type='Pretrained', checkpoint=checkpoint),
            **kwargs))


@pytest.mark.parametrize('layout', ['plain', 'state_dict', 'estimator'])
def test_loads_mmpose_hrnet_checkpoint_unchanged(tmp_path, layout):
    source = randomize_(HRNet(tiny_extra()), seed=1)
    source.eval()  # mmpose's HRNet.train() returns None
    weights = source.state_dict()
    if layout == 'plain':
        ckpt = weights
    elif layout == 'state_dict':
        # mmengine runner checkpoints carry non-tensor metadata
        ckpt = dict(
            state_dict=weights,
            meta=dict(epoch=3, flip_indices=np.array([0, 2, 1])))
    else:  # a whole TopdownPoseEstimator checkpoint
        state_dict = {f'backbone.{k}': v for k, v in weights.items()}
        state_dict['head.final_layer.weight'] = torch.zeros(17, 8, 1, 1)
        state_dict['head.final_layer.bias'] = torch.zeros(17)
        ckpt = dict(state_dict=state_dict, meta=dict(epoch=3))
    path = tmp_path / 'hrnet.pth'
    torch.save(ckpt, path)

    model = build_pretrained(str(path))
    model.init_weights()

    loaded = model.state_dict()
    assert list(loaded) == list(weights)
    for key, value in weights.items():
        assert torch.equal(loaded[key], value), key
    model.eval()
    x = torch.randn(1, 3, 64, 32)
    torch.testing.assert_close(model(x)[3], source(x)[0])


def test_mismatched_checkpoint_errors(tmp_path):
    other_arch = HRNet(tiny_extra(widths=(8, 16, 32, 32))).state_dict()
    other_arch['extra_layer.weight'] = torch.zeros(3)
    del other_arch['conv1.weight']
    path = tmp_path / 'other.pth'
    torch.save(other_arch, path)
    model = build_pretrained(str(path))
    before = copy.deepcopy(model.state_dict())

    with pytest.raises(InputError) as err:
        model.init_weights()

    message = str(err.value)
    first_mismatch = next(
        k for k, v in other_arch.items() if k in before
        and tuple(v.shape) != tuple(before[k].shape))
    assert str(path) in message
    assert '1 missing (conv1.weight)' in message
    assert '1 unexpected (extra_layer.weight)' in message
    assert 'with another shape (' + first_mismatch in message
    # nothing was partially loaded
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key])


def test_missing_checkpoint_file_errors_with_path(tmp_path):
    path = str(tmp_path / 'no_such_dir' / 'hrnet_w48.pth')
    model = build_pretrained(path)  # building does not read the file
    with pytest.raises(FileNotFoundError, match='no_such_dir/hrnet_w48.pth'):
        model.init_weights()


def test_frozen_backbone_has_no_grad_and_eval_bn():
    model = MultiStageHRNet(tiny_extra())  # frozen by default
    randomize_(model)
    model.train()
    assert model.frozen and model.norm_eval
    assert all(not p.requires_grad for p in model.parameters())
    bns = [m for m in model.modules() if isinstance(m, _BatchNorm)]
    assert bns and all(not bn.training for bn in bns)
    running_means = [bn.running_mean.clone() for bn in bns]

    x = torch.randn(2, 3, 64, 32, requires_grad=True)
    outs = model(x)
    assert all(not out.requires_grad for out in outs)
    assert all(out.grad_fn is None for out in outs)
    for bn, running_mean in zip(bns, running_means):
        assert torch.equal(bn.running_mean, running_mean)


def test_unfrozen_backbone_trains():
    model = MultiStageHRNet(tiny_extra(), frozen=False)
    model.train()
    assert all(p.requires_grad for p in model.parameters())
    bns = [m for m in model.modules() if isinstance(m, _BatchNorm)]
    assert all(bn.training for bn in bns)

    outs = model(torch.randn(2, 3, 64, 32))
    sum(out.mean() for out in outs).backward()
    no_grad = [n for n, p in model.named_parameters() if p.grad is None]
    assert not no_grad


def test_unfrozen_backbone_with_norm_eval():
    model = MultiStageHRNet(tiny_extra(), frozen=False, norm_eval=True)
    model.train()
    assert all(p.requires_grad for p in model.parameters())
    assert all(not m.training for m in model.modules()
               if isinstance(m, _BatchNorm))


def test_unreachable_checkpoint_url_says_how_to_pass_a_local_file():
    # a closed local port: the download fails at once, as offline
    model = build_pretrained('http://127.0.0.1:9/hrnet_w48.pth')
    with pytest.raises(InputError, match='backbone_checkpoint=PATH'):
        model.init_weights()


def test_shipped_default_is_mmpose_model_zoo_url():
    import os.path as osp

    from mmengine.config import Config
    root = osp.dirname(osp.dirname(osp.dirname(osp.dirname(__file__))))
    cfg = Config.fromfile(
        osp.join(root, 'configs/_base_/models/tdmi_hrnet_w48.py'))
    url = cfg.backbone_checkpoint
    assert url.startswith('https://download.openmmlab.com/mmpose/')
    assert 'hrnet-w48' in url and 'coco-384x288' in url
    assert cfg.model.backbone.init_cfg.checkpoint == url
