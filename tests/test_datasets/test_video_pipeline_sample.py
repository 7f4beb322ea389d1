"""The dataset and the TDMI pipelines on the whole synthetic sample dataset
(``sample_data_root``): every sample gives ``(T, 3, 384, 288)`` inputs and,
in training, ``(17, 96, 72)`` targets."""
import json
import os.path as osp
from collections import defaultdict

import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmpose.registry import MODELS

CODEC = dict(
    type='MSRAHeatmap', input_size=(288, 384), heatmap_size=(72, 96), sigma=3)
TRAIN_PIPELINE = [
    dict(type='LoadVideoFrames'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='RandomFlip', direction='horizontal', prob=0.5),
    dict(type='RandomHalfBody', prob=0.3),
    dict(
        type='RandomBBoxTransform',
        shift_prob=0.0,
        rotate_factor=45.0,
        rotate_prob=0.6,
        scale_factor=(0.65, 1.35)),
    dict(type='TopdownAffine', input_size=(288, 384)),
    dict(type='GenerateTarget', encoder=CODEC),
    dict(type='PackVideoPoseInputs'),
]
VAL_PIPELINE = [
    dict(type='LoadVideoFrames'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='TopdownAffine', input_size=(288, 384)),
    dict(type='PackVideoPoseInputs'),
]
METRIC_META = ('img_id', 'id', 'vid_id', 'frame_id', 'frame_index', 'nframes',
               'video_name', 'track_id', 'is_labeled', 'ignore_regions',
               'key_frame_index', 'frame_offsets', 'frame_paths', 'bbox_score',
               'img_path')


def _dataset(build_dataset, root, split, **kwargs):
    return build_dataset(
        data_root=root, ann_file=f'annotations/{split}', **kwargs)


def _check_frames(info):
    """Frames exist, are of the key frame's video, in time order, clamped."""
    paths = info['frame_paths']
    numbers = [int(osp.basename(p)[:-4]) for p in paths]
    expected = [
        min(max(info['frame_index'] + o, 0), info['nframes'] - 1)
        for o in info['frame_offsets']
    ]
    assert numbers == expected
    assert paths[info['key_frame_index']] == info['img_path']
    assert len({osp.dirname(p) for p in paths}) == 1
    assert all(osp.isfile(p) for p in paths)


def test_train_samples(sample_data_root, build_dataset):
    ds = _dataset(
        build_dataset, sample_data_root, 'train', pipeline=TRAIN_PIPELINE)
    anns = []
    for path in sorted(
        (osp.join(sample_data_root, 'annotations/train', f)
         for f in ('000001_sample_train.json', '000002_sample_train.json',
                   '000003_sample_train.json'))):
        with open(path) as f:
            anns += [
                a for a in json.load(f)['annotations']
                if any(v > 0 for v in a['keypoints'][2::3])
            ]
    assert len(ds) == len(anns) > 0
    np.random.seed(0)
    for i in range(len(ds)):
        _check_frames(ds.get_data_info(i))
        packed = ds[i]
        assert packed['inputs'].shape == (5, 3, 384, 288)
        assert packed['inputs'].dtype == torch.uint8
        sample = packed['data_samples']
        assert sample.gt_fields.heatmaps.shape == (17, 96, 72)
        assert sample.gt_instance_labels.keypoint_weights.shape == (1, 17)
        assert sample.gt_fields.heatmaps.max() > 0.5
        assert sample.metainfo['key_frame_index'] == 2


@pytest.mark.parametrize('boxes', ['gt', 'det'])
def test_val_samples(sample_data_root, build_dataset, boxes):
    kwargs = dict(test_mode=True, pipeline=VAL_PIPELINE)
    if boxes == 'det':
        det_file = osp.join(sample_data_root,
                            'person_detections/val_human_detections.json')
        kwargs.update(bbox_file=det_file, bbox_score_thr=0.5)
    ds = _dataset(build_dataset, sample_data_root, 'val', **kwargs)

    labeled = {}
    num_gt = 0
    for name in ('000101_sample_val', '000102_sample_val'):
        with open(
                osp.join(sample_data_root, 'annotations/val',
                         name + '.json')) as f:
            video = json.load(f)
        labeled.update({im['id']: im['is_labeled'] for im in video['images']})
        num_gt += sum(
            any(v > 0 for v in a['keypoints'][2::3])
            for a in video['annotations'])
    if boxes == 'det':
        with open(det_file) as f:
            dets = json.load(f)
        expected = sum(d['score'] >= 0.5 and labeled[d['image_id']]
                       for d in dets)
    else:
        expected = num_gt
    assert len(ds) == expected > 0

    per_frame = defaultdict(int)
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        _check_frames(info)
        per_frame[info['img_id']] += 1
        packed = ds[i]
        assert packed['inputs'].shape == (5, 3, 384, 288)
        assert 'heatmaps' not in packed['data_samples'].get('gt_fields', {})
        meta = packed['data_samples'].metainfo
        for key in METRIC_META:
            assert key in meta, key
        if boxes == 'det':
            assert meta['track_id'] == -1 and meta['bbox_head'] is None
            assert float(meta['bbox_score'][0]) >= 0.5
        else:
            assert meta['bbox_head'].shape == (4, )
            assert meta['track_id'] >= 0
            assert 'raw_ann_info' in meta
        assert meta['is_labeled'] is True
    assert all(labeled[i] for i in per_frame)
    # the sample's ignore region arrives as a float32 polygon
    if boxes == 'gt':
        regions = [
            r for i in range(len(ds))
            for r in ds.get_data_info(i)['ignore_regions']
        ]
        assert regions and all(r.dtype == np.float32 and r.shape[1] == 2
                               for r in regions)


@pytest.mark.parametrize('offsets', [[0], [-1, 0, 1]])
def test_other_frame_counts(sample_data_root, build_dataset, offsets):
    ds = _dataset(
        build_dataset,
        sample_data_root,
        'train',
        pipeline=TRAIN_PIPELINE,
        frame_offsets=offsets,
        indices=[0, 5, 11])
    for i in range(len(ds)):
        packed = ds[i]
        assert packed['inputs'].shape == (len(offsets), 3, 384, 288)
        assert packed['data_samples'].gt_fields.heatmaps.shape == (17, 96, 72)


def test_random_frame_sampling_on_sample(sample_data_root, build_dataset):
    ds = _dataset(
        build_dataset,
        sample_data_root,
        'train',
        frame_sampling='random',
        max_frame_gap=3)
    np.random.seed(1)
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        _check_frames(info)
        assert np.all(np.diff(info['frame_offsets']) >= 1)


def test_batch_through_data_preprocessor(sample_data_root, build_dataset):
    ds = _dataset(
        build_dataset,
        sample_data_root,
        'val',
        test_mode=True,
        pipeline=VAL_PIPELINE,
        indices=[0, 1, 2])
    batch = pseudo_collate([ds[i] for i in range(3)])
    pre = MODELS.build(
        dict(
            type='VideoPoseDataPreprocessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True))
    out = pre(batch)
    assert out['inputs'].shape == (3, 5, 3, 384, 288)
    assert out['inputs'].dtype == torch.float32
    expected = (batch['inputs'][1][4].flip(0).float() -
                torch.tensor([123.675, 116.28, 103.53]).view(3, 1, 1)) / \
        torch.tensor([58.395, 57.12, 57.375]).view(3, 1, 1)
    torch.testing.assert_close(out['inputs'][1, 4], expected)
    assert out['data_samples'][0].metainfo['batch_input_shape'] == (384, 288)
