# Copyright (c) tdmi_mmpose contributors.
"""How hard each training term pulls on each part of a video pose model:
gradient norms of every loss term per parameter group, on real batches
(docs/model.md, "The MI loss")."""
from collections import Counter
from typing import Dict, Iterable, List, Sequence

import torch
from torch import nn

from ..utils.table import format_table

#: (group name, parameter-name prefixes) of a VideoTopdownPoseEstimator.
PARAMETER_GROUPS = (
    ('backbone', ('backbone.', )),
    ('tde', ('neck.0.', )),
    ('rdm_attention', ('neck.1.useful_attention.',
                       'neck.1.noisy_attention.')),
    ('rdm_aggregation', ('neck.1.aggregation.', )),
    ('head', ('head.', )),
)


def group_parameters(model: nn.Module) -> Dict[str, List[nn.Parameter]]:
    """Trainable parameters of ``model`` by :data:`PARAMETER_GROUPS`
    (non-empty groups only)."""
    groups = {}
    for name, prefixes in PARAMETER_GROUPS:
        params = [p for n, p in model.named_parameters()
                  if p.requires_grad and n.startswith(prefixes)]
        if params:
            groups[name] = params
    return groups


def loss_gradient_norms(losses: Dict[str, torch.Tensor],
                        groups: Dict[str, List[nn.Parameter]],
                        terms: Sequence[str]) -> Dict[str, Dict[str, float]]:
    """L2 norm of the gradient of each loss term on each parameter group.

    Args:
        losses (dict[str, Tensor]): Scalar losses of one forward pass.
        groups (dict[str, list[Parameter]]): Parameter groups.
        terms (Sequence[str]): The loss keys to measure (those missing from
            ``losses`` are skipped).

    Returns:
        dict: ``{term: {group: norm}}``; 0 where the term does not reach the
        group.
    """
    norms = {}
    params = [p for group in groups.values() for p in group]
    for term in terms:
        if term not in losses or not losses[term].requires_grad:
            continue
        grads = torch.autograd.grad(
            losses[term], params, retain_graph=True, allow_unused=True)
        by_param = dict(zip(map(id, params), grads))
        norms[term] = {}
        for name, group in groups.items():
            squares = [by_param[id(p)].pow(2).sum() for p in group
                       if by_param[id(p)] is not None]
            norms[term][name] = float(torch.stack(squares).sum().sqrt()) \
                if squares else 0.0
    return norms


def probe_gradients(model: nn.Module,
                    batches: Iterable[dict],
                    terms: Sequence[str] = ('loss_kpt', 'loss_mi',
                                            'loss_con')
                    ) -> Dict[str, Dict[str, float]]:
    """Mean over ``batches`` of :func:`loss_gradient_norms` (train mode,
    no parameter update).

    Args:
        model (nn.Module): A pose estimator with a data preprocessor.
        batches (Iterable[dict]): Data loader batches.
        terms (Sequence[str]): Loss keys to measure.

    Returns:
        dict: ``{term: {group: mean norm}}``.
    """
    model.train()
    groups = group_parameters(model)
    totals: Dict[str, Counter] = {}
    count = 0
    for batch in batches:
        data = model.data_preprocessor(batch, True)
        losses = model.loss(data['inputs'], data['data_samples'])
        for term, by_group in loss_gradient_norms(losses, groups,
                                                  terms).items():
            totals.setdefault(term, Counter()).update(by_group)
        count += 1
    if count == 0:
        raise ValueError('probe_gradients got no batches')
    return {term: {name: value / count for name, value in by_group.items()}
            for term, by_group in totals.items()}


def format_gradient_table(norms: Dict[str, Dict[str, float]]) -> str:
    """A markdown table of :func:`probe_gradients`' norms: one row per
    parameter group, one column per loss term, and the ratio of the MI
    term's norm to the heatmap loss's.

    Returns:
        str: The table, ending with a newline.
    """
    terms = list(norms)
    groups = list(next(iter(norms.values())))
    ratio = 'loss_mi' in norms and 'loss_kpt' in norms
    header = ['group'] + [f'|grad {t}|' for t in terms]
    header += ['loss_mi / loss_kpt'] if ratio else []
    rows = []
    for group in groups:
        cells = [group] + [f'{norms[t][group]:.3g}' for t in terms]
        if ratio:
            kpt = norms['loss_kpt'][group]
            cells.append(f'{norms["loss_mi"][group] / kpt:.3g}'
                         if kpt > 0 else 'n/a')
        rows.append(cells)
    return format_table(rows, [header], 'markdown') + '\n'
