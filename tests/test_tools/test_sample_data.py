"""Tests of the synthetic PoseTrack18-format sample dataset."""
import glob
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from tool_loading import load_tool
from tdmi_mmpose.synthetic import POSETRACK18_KEYPOINTS, make_sample_posetrack

WIDTH, HEIGHT = 320, 240


def _all_files(root):
    out = {}
    for path in sorted(glob.glob(osp.join(root, '**', '*'), recursive=True)):
        if osp.isfile(path):
            with open(path, 'rb') as f:
                out[osp.relpath(path, root)] = f.read()
    return out


def _videos(root, split):
    files = sorted(glob.glob(osp.join(root, 'annotations', split, '*.json')))
    out = {}
    for path in files:
        with open(path) as f:
            out[osp.splitext(osp.basename(path))[0]] = json.load(f)
    return out


def test_deterministic_for_a_seed(sample_data_root, tmp_path):
    again = _all_files(str(tmp_path / 'again'))
    assert again == {}
    make_sample_posetrack(str(tmp_path / 'again'), seed=0)
    first = _all_files(sample_data_root)
    again = _all_files(str(tmp_path / 'again'))
    assert sorted(first) == sorted(again)
    for rel in first:
        assert first[rel] == again[rel], rel

    make_sample_posetrack(str(tmp_path / 'other'), seed=1)
    other = _all_files(str(tmp_path / 'other'))
    # Same structure, different content.
    assert sorted(other) == sorted(first)
    for rel in ('annotations/train/000001_sample_train.json',
                'annotations/val/000101_sample_val.json',
                'person_detections/val_human_detections.json',
                'images/val/000102_sample_val/000004.jpg'):
        assert other[rel] != first[rel], rel


def test_layout_and_size(sample_data_root):
    root = sample_data_root
    assert sorted(os.listdir(root)) == [
        'annotations', 'images', 'person_detections']
    assert sorted(os.listdir(osp.join(root, 'annotations', 'train'))) == [
        '000001_sample_train.json', '000002_sample_train.json',
        '000003_sample_train.json'
    ]
    assert sorted(os.listdir(osp.join(root, 'annotations', 'val'))) == [
        '000101_sample_val.json', '000102_sample_val.json'
    ]
    total = sum(len(v) for v in _all_files(root).values())
    assert total < 3 * 1024 * 1024
    for split in ('train', 'val'):
        for name, video in _videos(root, split).items():
            folder = osp.join(root, 'images', split, name)
            on_disk = sorted(os.listdir(folder))
            assert on_disk == [f'{i:06d}.jpg' for i in range(len(on_disk))]
            assert len(on_disk) == len(video['images'])
            for i, img in enumerate(video['images']):
                assert img['file_name'] == \
                    f'images/{split}/{name}/{i:06d}.jpg'
                assert osp.isfile(osp.join(root, img['file_name']))
            frame = cv2.imread(osp.join(root, video['images'][0]['file_name']))
            assert frame.shape == (HEIGHT, WIDTH, 3)


def test_json_schema(sample_data_root):
    num_ignore = 0
    invisible = 0
    for split in ('train', 'val'):
        videos = _videos(sample_data_root, split)
        assert len(videos) == (3 if split == 'train' else 2)
        for name, video in videos.items():
            assert set(video) == {'images', 'annotations', 'categories'}
            cat, = video['categories']
            assert cat['id'] == 1 and cat['name'] == 'person'
            assert cat['keypoints'] == POSETRACK18_KEYPOINTS
            assert len(cat['skeleton']) == 19
            vid_id = name.split('_')[0]
            images = video['images']
            nframes = len(images)
            assert 12 <= nframes <= 16
            labeled = {}
            for i, img in enumerate(images):
                assert img['vid_id'] == vid_id
                assert img['id'] == int(f'1{vid_id}{i:04d}')
                assert img['frame_id'] == img['id']
                assert img['nframes'] == nframes
                assert isinstance(img['is_labeled'], bool)
                labeled[img['id']] = img['is_labeled']
                if 'ignore_regions_x' in img:
                    xs, ys = img['ignore_regions_x'], img['ignore_regions_y']
                    assert len(xs) == len(ys)
                    assert all(len(x) == len(y) >= 3
                               for x, y in zip(xs, ys))
                    num_ignore += len(xs)
            flags = [img['is_labeled'] for img in images]
            # Boundary frames are labelled, and so are not all the others.
            assert flags[0] and flags[-1] and not all(flags)
            assert any(flags[1:3]) and any(flags[-3:-1]) or split == 'val'

            ann_ids = [a['id'] for a in video['annotations']]
            assert len(set(ann_ids)) == len(ann_ids)
            per_image = {}
            for ann in video['annotations']:
                assert labeled[ann['image_id']], 'annotation on unlabelled'
                assert ann['id'] // 100 == ann['image_id']
                assert ann['category_id'] == 1
                assert ann['track_id'] in (0, 1)
                per_image.setdefault(ann['image_id'], []).append(
                    ann['track_id'])
                kpts = np.array(ann['keypoints'], dtype=float).reshape(-1, 3)
                assert kpts.shape == (17, 3)
                assert set(kpts[:, 2]) <= {0.0, 1.0}
                hidden = kpts[:, 2] == 0
                assert (kpts[hidden] == 0).all()
                invisible += int(hidden.sum())
                vis = kpts[~hidden]
                assert len(vis) >= 2
                assert (vis[:, 0] >= 0).all() and (vis[:, 0] < WIDTH).all()
                assert (vis[:, 1] >= 0).all() and (vis[:, 1] < HEIGHT).all()
                x, y, w, h = ann['bbox']
                assert w > 0 and h > 0
                assert x >= 0 and y >= 0
                assert x + w <= WIDTH and y + h <= HEIGHT
                # The person box encloses its annotated joints.
                assert (vis[:, 0] >= x).all() and (vis[:, 0] <= x + w).all()
                assert (vis[:, 1] >= y).all() and (vis[:, 1] <= y + h).all()
                hx, hy, hw, hh = ann['bbox_head']
                assert 5 < hw < 60 and 5 < hh < 60
            for tracks in per_image.values():
                assert len(tracks) == len(set(tracks))
    assert num_ignore == 1
    # Out-of-frame and self-occluded joints exist and are zeroed.
    assert invisible > 0


def test_ignore_region_covers_part_of_a_person(sample_data_root):
    hits = []
    for video in _videos(sample_data_root, 'val').values():
        anns = video['annotations']
        for img in video['images']:
            if 'ignore_regions_x' not in img:
                continue
            poly = np.array([img['ignore_regions_x'][0],
                             img['ignore_regions_y'][0]],
                            dtype=np.float32).T
            for ann in anns:
                if ann['image_id'] != img['id']:
                    continue
                kpts = np.array(ann['keypoints']).reshape(-1, 3)
                inside = [
                    cv2.pointPolygonTest(poly, (float(x), float(y)), False)
                    >= 0 for x, y, v in kpts if v > 0
                ]
                hits.append((sum(inside), len(inside)))
    assert hits, 'no annotated person on the ignore-region frame'
    assert any(0 < n_in < n for n_in, n in hits)


def test_motion_is_smooth(sample_data_root):
    steps = []
    for video in _videos(sample_data_root, 'train').values():
        frame = {img['id']: i for i, img in enumerate(video['images'])}
        tracks = {}
        for ann in video['annotations']:
            tracks.setdefault(ann['track_id'], []).append(
                (frame[ann['image_id']],
                 np.array(ann['keypoints']).reshape(-1, 3)))
        for seq in tracks.values():
            for (t0, k0), (t1, k1) in zip(seq, seq[1:]):
                both = (k0[:, 2] > 0) & (k1[:, 2] > 0)
                d = np.linalg.norm(k1[both, :2] - k0[both, :2], axis=1)
                steps.append(d.mean() / (t1 - t0))
    steps = np.array(steps)
    assert len(steps) > 10
    # People move every frame, but only a few pixels.
    assert steps.min() > 0.5 and steps.max() < 15


def _iou(a, b):
    ax2, ay2 = a[0] + a[2], a[1] + a[3]
    bx2, by2 = b[0] + b[2], b[1] + b[3]
    iw = max(0.0, min(ax2, bx2) - max(a[0], b[0]))
    ih = max(0.0, min(ay2, by2) - max(a[1], b[1]))
    inter = iw * ih
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def test_detection_file(sample_data_root):
    with open(osp.join(sample_data_root, 'person_detections',
                       'val_human_detections.json')) as f:
        dets = json.load(f)
    assert isinstance(dets, list)
    val = _videos(sample_data_root, 'val')
    image_ids = {img['id'] for v in val.values() for img in v['images']}
    for det in dets:
        assert set(det) == {'image_id', 'category_id', 'bbox', 'score'}
        assert det['category_id'] == 1
        assert det['image_id'] in image_ids
        assert 0 < det['score'] < 1
        x, y, w, h = det['bbox']
        assert w > 0 and h > 0 and x >= 0 and y >= 0
        assert x + w <= WIDTH and y + h <= HEIGHT
    assert {d['image_id'] for d in dets} == image_ids
    assert any(d['score'] < 0.3 for d in dets)
    # Every labelled person has a good detection in its frame.
    for video in val.values():
        for ann in video['annotations']:
            best = max(_iou(ann['bbox'], d['bbox']) for d in dets
                       if d['image_id'] == ann['image_id'])
            assert best > 0.5


def test_summary_and_cli(sample_data_root, tmp_path, capsys):
    summary = make_sample_posetrack(str(tmp_path / 's'), seed=0)
    for split, n_videos in (('train', 3), ('val', 2)):
        videos = _videos(str(tmp_path / 's'), split)
        s = summary[split]
        assert s['videos'] == n_videos == len(videos)
        assert s['frames'] == sum(len(v['images']) for v in videos.values())
        assert s['labeled_frames'] == sum(
            img['is_labeled'] for v in videos.values() for img in v['images'])
        assert s['instances'] == sum(
            len(v['annotations']) for v in videos.values())
        assert all(osp.isfile(p) for p in s['ann_files'])
    assert summary['ignore_regions'] == 1
    with open(summary['det_file']) as f:
        assert len(json.load(f)) == summary['num_detections']

    tool = load_tool('tools/dataset_converters/make_sample_posetrack.py')
    assert tool.main(['--out-dir', str(tmp_path / 'cli'), '--seed', '0']) == 0
    out = capsys.readouterr().out
    assert 'train: 3 videos' in out and 'val: 2 videos' in out
    assert _all_files(str(tmp_path / 'cli')) == _all_files(sample_data_root)


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match='num_false_positives'):
        make_sample_posetrack(str(tmp_path), num_false_positives=0)
