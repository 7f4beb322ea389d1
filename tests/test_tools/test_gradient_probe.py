"""tdmi_mmpose.analysis.gradient_probe: per-group gradient norms of each
loss term, checked against hand-computed gradients and on the tiny model
for where the MI gradient may reach (RDM ``mi_gradient``)."""
import pytest
import torch
from mmengine.registry import init_default_scope
from torch import nn

from tdmi_mmpose.analysis.gradient_probe import (group_parameters,
                                                 loss_gradient_norms)
from tdmi_mmpose.io import load_config


class _Toy(nn.Module):

    def __init__(self):
        super().__init__()
        self.backbone = nn.Linear(2, 1, bias=False)
        self.head = nn.Linear(1, 1, bias=False)


def test_norms_match_hand_computed_gradients():
    toy = _Toy()
    with torch.no_grad():
        toy.backbone.weight.copy_(torch.tensor([[1.0, 2.0]]))
        toy.head.weight.fill_(3.0)
    x = torch.tensor([[1.0, -1.0]])
    feat = toy.backbone(x)  # = -1
    losses = dict(loss_a=(toy.head(feat)**2).sum(),  # 9 w_b.x² -> 2·9·f·x
                  loss_b=feat.sum())
    groups = group_parameters(toy)
    assert set(groups) == {'backbone', 'head'}
    norms = loss_gradient_norms(losses, groups, ['loss_a', 'loss_b', 'nope'])
    # d(9 f²)/dw_b = 18 f x = (-18, 18); d/dw_h (w_h f)² = 2 w_h f² = 6
    assert norms['loss_a']['backbone'] == pytest.approx(18 * 2**0.5)
    assert norms['loss_a']['head'] == pytest.approx(6.0)
    assert norms['loss_b'] == dict(backbone=pytest.approx(2**0.5), head=0.0)
    assert 'nope' not in norms


@pytest.mark.parametrize('mode', ['attention', 'all'])
def test_mi_gradient_reaches_only_what_the_rdm_allows(mode):
    from mmpose.registry import MODELS
    import os.path as osp
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    cfg = load_config(
        osp.join(root, 'configs', 'tdmi_tiny_posetrack_sample.py'),
        {'model.neck.1.mi_gradient': mode})
    init_default_scope('mmpose')
    model = MODELS.build(cfg.model)
    model.train()
    torch.manual_seed(0)
    inputs = torch.randn(3, 5, 3, 128, 96)
    feats = model.extract_video_feats(inputs)
    mi_inputs = feats['mi_inputs']
    # a stand-in for loss_mi / loss_con: any function of the MI inputs
    losses = dict(
        loss_mi=sum(v.pow(2).mean() for v in mi_inputs.values()))
    norms = loss_gradient_norms(losses, group_parameters(model),
                                ['loss_mi'])['loss_mi']
    assert norms['rdm_attention'] > 0
    assert norms['rdm_aggregation'] == 0 and norms['head'] == 0
    if mode == 'attention':
        assert norms['tde'] == 0 and norms['backbone'] == 0
        # the split seen by the MI loss is the model's own split
        torch.testing.assert_close(mi_inputs['useful'], feats['useful'])
        torch.testing.assert_close(mi_inputs['noisy'], feats['noisy'])
        assert not mi_inputs['motion'].requires_grad
    else:
        assert norms['tde'] > 0 and norms['backbone'] > 0
        assert mi_inputs['useful'] is feats['useful']


def test_gradient_table_of_hand_made_norms():
    from tdmi_mmpose.analysis.gradient_probe import format_gradient_table
    norms = dict(loss_kpt=dict(tde=0.5, head=2.0),
                 loss_mi=dict(tde=1.0, head=0.0))
    lines = format_gradient_table(norms).strip().split('\n')
    assert lines[0] == ('| group | |grad loss_kpt| | |grad loss_mi| | '
                        'loss_mi / loss_kpt |')
    assert lines[2] == '| tde | 0.5 | 1 | 2 |'
    assert lines[3] == '| head | 2 | 0 | 0 |'
    no_kpt = dict(loss_kpt=dict(tde=0.0), loss_mi=dict(tde=1.0))
    assert format_gradient_table(no_kpt).strip().endswith('| n/a |')
