# Copyright (c) tdmi_mmpose contributors.
"""ONNX export and ONNX Runtime parity at micro scale (random weights: no
pretrained weights exist offline), and the clip-shape check at load."""
import os
import os.path as osp
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import torch

pytest.importorskip('onnxruntime')
pytest.importorskip('onnxscript')
import onnx  # noqa: E402

from tdmi_mmpose.deployment import (PARITY_TOLERANCE,  # noqa: E402
                                    OnnxClipNetwork, build_network,
                                    clip_input_shape, export_onnx,
                                    heatmap_difference, random_clips)
from tdmi_mmpose.deployment.onnx_export import MIN_OPSET  # noqa: E402
from tdmi_mmpose.io import load_config  # noqa: E402
from tdmi_mmpose.models.utils import DeformConvV2  # noqa: E402
from tdmi_mmpose.utils import InputError  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY = osp.join(ROOT, 'configs', 'tdmi_tiny_posetrack_sample.py')
W48 = osp.join(ROOT, 'configs', 'tdmi_hrnet_w48_posetrack18.py')


def reduced_w48_config():
    """The shipped W48 config with one module and one block per stage and a
    64x96 crop: the same structure (4-branch HRNet-W48, cascaded 4-stage
    TDE with 12 deformable groups and offset dilation 3, RDM, head), small
    enough to export in seconds."""
    cfg = load_config(W48)
    extra = cfg.model.backbone.extra
    extra.stage1.num_blocks = (1, )
    for stage in ('stage2', 'stage3', 'stage4'):
        extra[stage].num_modules = 1
        extra[stage].num_blocks = (1, ) * len(extra[stage].num_blocks)
    cfg.model.neck[0].num_blocks = (1, 1, 1, 1)
    cfg.model.neck[1].num_aggregation_blocks = 1
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'TopdownAffine':
            step['input_size'] = (64, 96)
    return cfg


def test_clip_input_shape_of_shipped_configs():
    assert clip_input_shape(load_config(TINY)) == (5, 128, 96)
    assert clip_input_shape(load_config(W48)) == (5, 384, 288)
    delta1 = osp.join(ROOT, 'configs', 'ablations',
                      'tdmi_hrnet_w48_posetrack17_delta1.py')
    assert clip_input_shape(load_config(delta1)) == (3, 384, 288)


def test_tiny_graph_has_dynamic_batch_and_deform_conv(tiny_export):
    _, network, onnx_file = tiny_export
    graph = onnx.load(onnx_file).graph
    (inputs, ), (outputs, ) = graph.input, graph.output
    dims = [d.dim_param or d.dim_value for d in inputs.type.tensor_type.shape.dim]
    assert inputs.name == 'inputs' and dims == ['batch', 5, 3, 128, 96]
    out_dims = [
        d.dim_param or d.dim_value for d in outputs.type.tensor_type.shape.dim
    ]
    assert outputs.name == 'heatmaps' and out_dims == ['batch', 17, 32, 24]
    ops = [node.op_type for node in graph.node]
    num_dcn = sum(isinstance(m, DeformConvV2) for m in network.modules())
    assert num_dcn > 0 and ops.count('DeformConv') == num_dcn
    # the export switched the backends back
    assert {m.backend for m in network.modules()
            if isinstance(m, DeformConvV2)} == {'auto'}


@pytest.mark.parametrize('batch_size', [1, 3])
def test_tiny_onnxruntime_matches_pytorch(tiny_export, batch_size):
    cfg, network, onnx_file = tiny_export
    session = OnnxClipNetwork(onnx_file, cfg, num_threads=1)
    clips = random_clips(batch_size, (5, 128, 96), seed=batch_size)
    with torch.no_grad():
        expected = network(clips)
    actual = session(clips)
    assert actual.shape == expected.shape == (batch_size, 17, 32, 24)
    # heatmaps far from zero, so that the tolerance means something
    assert expected.abs().max() > 1e-2
    assert (actual - expected).abs().max() <= PARITY_TOLERANCE
    # the batch's clips are independent: clip 0 alone gives the same
    alone = session(clips[:1])
    np.testing.assert_allclose(alone, actual[:1], atol=1e-6)


def test_reduced_w48_structure_parity(tmp_path):
    cfg = reduced_w48_config()
    torch.manual_seed(0)
    network = build_network(cfg)
    onnx_file = str(tmp_path / 'w48.onnx')
    export_onnx(network, clip_input_shape(cfg), onnx_file)
    result = heatmap_difference(network, OnnxClipNetwork(onnx_file, cfg),
                                (5, 96, 64), batch_sizes=(2, ))
    assert result['2']['max_abs_heatmap'] > 1e-2
    assert result['2']['max_abs_diff'] <= PARITY_TOLERANCE


def test_shape_mismatch_names_file_and_both_shapes(tiny_export):
    _, _, onnx_file = tiny_export
    with pytest.raises(InputError) as error:
        OnnxClipNetwork(onnx_file, load_config(W48))
    message = str(error.value)
    assert onnx_file in message and W48 in message
    assert '(batch, 5, 3, 128, 96)' in message
    assert '(batch, 5, 3, 384, 288)' in message
    # a clip of another length (frame_offsets declares T)
    with pytest.raises(InputError, match=r'\(batch, 3, 3, 128, 96\)'):
        OnnxClipNetwork(onnx_file,
                        load_config(TINY, {'frame_offsets': [-1, 0, 1]}))


def test_unreadable_and_missing_onnx_files(tmp_path):
    cfg = load_config(TINY)
    bad = tmp_path / 'bad.onnx'
    bad.write_text('not a model')
    with pytest.raises(InputError, match=f'cannot load {bad}'):
        OnnxClipNetwork(str(bad), cfg)
    with pytest.raises(FileNotFoundError, match='missing.onnx'):
        OnnxClipNetwork(str(tmp_path / 'missing.onnx'), cfg)


def test_interrupted_export_leaves_no_file(tiny_export, tmp_path,
                                           monkeypatch):
    cfg, network, _ = tiny_export

    class BrokenProgram:
        model_proto = SimpleNamespace(
            opset_import=[SimpleNamespace(domain='', version=MIN_OPSET)])

        def save(self, path, external_data):
            with open(path, 'wb') as f:
                f.write(b'partial')
            raise KeyboardInterrupt

    monkeypatch.setattr(torch.onnx, 'export', lambda *a, **k: BrokenProgram())
    with pytest.raises(KeyboardInterrupt):
        export_onnx(network, clip_input_shape(cfg), str(tmp_path / 'x.onnx'))
    assert os.listdir(tmp_path) == []


def test_pytorch2onnx_tool_verifies(tiny_export, tmp_path):
    _, network, _ = tiny_export
    checkpoint = str(tmp_path / 'tiny.pth')
    torch.save({'state_dict': network.model.state_dict()}, checkpoint)
    out = tmp_path / 'out' / 'tiny.onnx'
    proc = subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools', 'deployment', 'pytorch2onnx.py'), TINY,
        checkpoint, '--output-file',
        str(out), '--verify', '--batch-size', '2'
    ],
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True)
    assert proc.returncode == 0, proc.stdout
    assert 'batch 1: max |ONNX Runtime - PyTorch|' in proc.stdout
    assert 'batch 2: max |ONNX Runtime - PyTorch|' in proc.stdout
    assert 'verify: OK' in proc.stdout
    assert sorted(os.listdir(out.parent)) == ['tiny.onnx']
