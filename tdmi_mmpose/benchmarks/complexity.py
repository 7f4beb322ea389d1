# Copyright (c) tdmi_mmpose contributors.
"""Parameters and FLOPs of a pose model per part (backbone, each neck, head,
MI loss) on one sample, with mmengine's ``FlopAnalyzer``; what is counted
and how: docs/complexity.md."""
import math
import warnings
from collections import OrderedDict
from typing import Any, Dict, List, Optional

import torch
from mmengine.analysis import FlopAnalyzer
from mmengine.analysis.jit_handles import get_shape
from mmengine.registry import init_default_scope
from torch import nn

from ..io import load_config
from ..models.utils.deform_conv import mmcv_dcn_available
from ..utils.table import format_table


def _conv_macs(output_shape: List[int], weight_shape: List[int]) -> int:
    """MACs of a convolution: each output value costs Cin/groups*kh*kw."""
    return math.prod(output_shape) * math.prod(weight_shape[1:])


#: FlopAnalyzer handles of the modulated deformable convolutions, counted
#: as the dense convolution of the same shapes: mmcv's inputs are (input,
#: offset, mask, weight[, bias]), torchvision's (input, weight, ...).
DCN_OP_HANDLES = {
    'prim::PythonOp.ModulatedDeformConv2dFunction':
    lambda inputs, outputs: _conv_macs(
        get_shape(outputs[0]), get_shape(inputs[3])),
    'torchvision::deform_conv2d':
    lambda inputs, outputs: _conv_macs(
        get_shape(outputs[0]), get_shape(inputs[1])),
}


class ComplexityWrapper(nn.Module):
    """Runs what a forward of ``model`` runs, returning tensors only.

    Args:
        model (nn.Module): The pose estimator.
    """

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model
        self.is_video = hasattr(model, 'extract_video_feats')

    def forward(self, inputs: torch.Tensor):
        outputs = []
        if self.is_video:
            feats = self.model.extract_video_feats(inputs)
            outputs.append(self.model.head.forward((feats['out'], )))
            if getattr(self.model, 'mi_loss', None) is not None:
                outputs.extend(self.model.mi_loss(feats).values())
        else:
            outputs.append(self.model._forward(inputs))
        return tuple(_flatten_tensors(outputs))


def _flatten_tensors(values) -> List[torch.Tensor]:
    """The tensors of nested lists, tuples and dicts, in order."""
    if isinstance(values, torch.Tensor):
        return [values]
    if isinstance(values, dict):
        values = list(values.values())
    flat = []
    for value in values:
        flat.extend(_flatten_tensors(value))
    return flat


def model_parts(model: nn.Module) -> 'OrderedDict[str, nn.Module]':
    """The modules reported on their own: backbone, necks, head, MI loss."""
    neck = getattr(model, 'neck', None)
    necks = [(f'neck.{i}', module) for i, module in enumerate(neck)] \
        if isinstance(neck, nn.ModuleList) else [('neck', neck)]
    parts = [('backbone', getattr(model, 'backbone', None)), *necks,
             ('head', getattr(model, 'head', None)),
             ('mi_loss', getattr(model, 'mi_loss', None))]
    return OrderedDict((name, m) for name, m in parts if m is not None)


def analyze(model: nn.Module, input_shape: tuple) -> Dict[str, Any]:
    """Count parameters and FLOPs of ``model`` per part.

    Args:
        model (nn.Module): The pose estimator, in eval mode.
        input_shape (tuple): (1, T, 3, H, W) or (1, 3, H, W).

    Returns:
        dict: ``rows`` (per part: name, type, params, trainable, flops),
        ``total`` (the same for the whole model), ``unsupported_ops``
        (op name -> count of ops the counter skipped).
    """
    # the DCN chooses its backend now, so that its one-off probe
    # convolution is not traced into the model's count
    mmcv_dcn_available('cpu')
    analyzer = FlopAnalyzer(ComplexityWrapper(model),
                            (torch.zeros(input_shape), ))
    for op, handle in DCN_OP_HANDLES.items():
        analyzer.set_op_handle(op, handle)
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore', torch.jit.TracerWarning)
        by_module = analyzer.by_module()
        unsupported = dict(analyzer.unsupported_ops())

    def row(name: str, module: nn.Module, flops: int) -> dict:
        params = list(module.parameters())
        return dict(
            name=name, type=type(module).__name__,
            params=sum(p.numel() for p in params),
            trainable=sum(p.numel() for p in params if p.requires_grad),
            flops=flops)

    rows = [row(name, module, by_module.get(f'model.{name}', 0))
            for name, module in model_parts(model).items()]
    total = row('total', model, by_module[''])
    total['type'] = type(model).__name__
    return dict(rows=rows, total=total, unsupported_ops=unsupported)


def build_model(config: str, cfg_options: Optional[dict] = None):
    """The config's model with random weights (``init_weights`` is not
    called: no checkpoint is read), in eval mode."""
    from mmpose.registry import MODELS
    cfg = load_config(config, cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    return MODELS.build(cfg.model).eval()


def complexity_report(config: str, height: int, width: int,
                      cfg_options: Optional[dict] = None) -> tuple:
    """Parameters and FLOPs of a config's model (:func:`build_model`), per
    part, as markdown.

    Args:
        config (str): The config file.
        height (int): Input height.
        width (int): Input width.
        cfg_options (dict, optional): Overrides (e.g. ``frame_offsets``).

    Returns:
        tuple[dict, str]: :func:`analyze`'s result and the report (notes
        and table).
    """
    model = build_model(config, cfg_options)
    input_shape = (1, 3, height, width)
    if hasattr(model, 'frame_offsets'):  # one clip of the model's T
        input_shape = (1, len(model.frame_offsets)) + input_shape[1:]
    result = analyze(model, input_shape)
    notes = [
        f'config: `{config}`',
        f'input: {tuple(input_shape)} (one sample)',
        'FLOPs: multiply-adds counted once (mmengine/fvcore convention), '
        'analytic, not timings',
    ]
    if result['unsupported_ops']:
        notes.append('ops not counted: ' +
                     ', '.join(f'{op} x{n}'
                               for op, n in result['unsupported_ops'].items()))
    rows = [[
        f'**{r["name"]}**' if r is result['total'] else r['name'], r['type'],
        r['params'] / 1e6, r['trainable'] / 1e6, r['flops'] / 1e9
    ] for r in result['rows'] + [result['total']]]
    header = ['module', 'type', 'params (M)', 'trainable params (M)',
              'GFLOPs']
    table = format_table(rows, [header], 'markdown', spec='.3f',
                         align='llrrr')
    report = '\n'.join(f'- {note}' for note in notes) + '\n\n' + table + '\n'
    return result, report
