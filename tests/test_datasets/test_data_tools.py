"""tools/browse_dataset.py and tools/analysis/benchmark_pipeline.py, run
in-process on the sample dataset with a small temporary config."""
import json
import os.path as osp

import cv2
import numpy as np
import pytest
from tool_loading import load_tool

from tdmi_mmpose.io import InputError


CONFIG = '''
custom_imports = dict(imports=['tdmi_mmpose'], allow_failed_imports=False)
default_scope = 'mmpose'
data_root = {root!r}
codec = dict(type='MSRAHeatmap', input_size=(288, 384),
             heatmap_size=(72, 96), sigma=3)
train_pipeline = [
    dict(type='LoadVideoFrames'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='RandomFlip', direction='horizontal', prob=1.0),
    dict(type='RandomBBoxTransform', shift_prob=0.0, rotate_factor=45.0,
         rotate_prob=1.0, scale_factor=(0.65, 1.35)),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackVideoPoseInputs'),
]
val_pipeline = [
    dict(type='LoadVideoFrames'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackVideoPoseInputs'),
]
train_dataloader = dict(batch_size=2, dataset=dict(
    type='PoseTrackVideoDataset', data_root=data_root,
    ann_file='annotations/train/', frame_offsets=[-2, -1, 0, 1, 2],
    pipeline=train_pipeline))
val_dataloader = dict(batch_size=2, dataset=dict(
    type='PoseTrackVideoDataset', data_root=data_root,
    ann_file='annotations/val/', test_mode=True,
    bbox_file=data_root + 'person_detections/val_human_detections.json',
    pipeline=val_pipeline))
'''


@pytest.fixture
def config_file(sample_data_root, tmp_path):
    path = tmp_path / 'sample_cfg.py'
    path.write_text(CONFIG.format(root=sample_data_root.rstrip('/') + '/'))
    return str(path)


def test_browse_dataset_writes_side_by_side_png(config_file, tmp_path):
    browse = load_tool('tools/browse_dataset.py')
    out_dir = tmp_path / 'vis'
    written = browse.main(
        [config_file, '--out-dir',
         str(out_dir), '--index', '0', '3'])
    assert [osp.basename(p)
            for p in written] == ['train_000000.png', 'train_000003.png']
    img = cv2.imread(written[0])
    panel_w = 288 + 6
    # 5 frames + target panel, separated by gaps; title + label bars
    assert img.shape[1] == 6 * panel_w + 5 * browse.GAP
    assert img.shape[0] == 384 + 6 + 2 * browse.LABEL_H
    # the key frame (third panel) has the red border, the others do not
    top = 2 * browse.LABEL_H + 1
    x_key = 2 * (panel_w + browse.GAP) + 1
    assert tuple(img[top, x_key]) == browse.KEY_COLOUR
    assert tuple(img[top, 1]) == browse.FRAME_COLOUR

    val = browse.main([
        config_file, '--out-dir',
        str(out_dir), '--phase', 'val', '--index', '1'
    ])
    assert cv2.imread(val[0]).shape[1] == 5 * panel_w + 4 * browse.GAP
    with pytest.raises(InputError, match='out of range'):
        browse.main(
            [config_file, '--out-dir',
             str(out_dir), '--index', '100000'])


def test_benchmark_pipeline_reports_t5_and_t1(config_file, tmp_path):
    bench = load_tool('tools/analysis/benchmark_pipeline.py')
    out = tmp_path / 'bench.json'
    report = bench.main([
        config_file, '--num-samples', '2', '--rounds', '1', '--warmup', '0',
        '--json',
        str(out)
    ])
    saved = json.loads(out.read_text())
    assert saved['results'].keys() == report['results'].keys() == {
        'T=5', 'T=1'
    }
    assert saved['results']['T=5']['inputs_shape'] == [5, 3, 384, 288]
    assert saved['results']['T=1']['inputs_shape'] == [1, 3, 384, 288]
    for r in saved['results'].values():
        assert r['samples_per_s'] > 0
        assert np.isclose(r['ms_per_sample'] * r['samples_per_s'], 1000)
    from tdmi_mmpose.benchmarks import format_pipeline_report
    table = format_pipeline_report(report)
    assert 'T=5' in table and 'T=1' in table


def test_phase_dataset_cfg_is_a_copy_and_names_a_missing_phase(config_file):
    from mmengine.config import Config

    from tdmi_mmpose.datasets.from_config import phase_dataset_cfg

    cfg = Config.fromfile(config_file)
    dataset_cfg = phase_dataset_cfg(cfg, 'val')
    assert dataset_cfg == cfg.val_dataloader.dataset
    dataset_cfg['pipeline'] = []
    assert cfg.val_dataloader.dataset['pipeline'] != []
    cfg.pop('test_dataloader', None)
    with pytest.raises(KeyError, match='no test_dataloader'):
        phase_dataset_cfg(cfg, 'test')
