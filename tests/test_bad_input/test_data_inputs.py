"""Bad input never corrupts a result (data side): hostile-but-realistic
annotation, detection, ground-truth and converter inputs give an error that
names the file, the record and the field or value, and interrupted
converters leave nothing under a final name. Small files from
``conftest.py``; the policies are in ``docs/datasets.md``, "Input
validation"."""
import json
import os
import os.path as osp
import multiprocessing
import signal
import time

import pytest

from tdmi_mmpose.datasets.converters import merge_split
from tdmi_mmpose.datasets.converters import posetrack17 as pt17
from tdmi_mmpose.io import (
    InputError, check_json_finite, load_json, parse_image_size,
    parse_keypoints, split_videos)

NAN, INF = float('nan'), float('inf')
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _kpt(index, value):
    def mutate(v):
        v['annotations'][0]['keypoints'][index] = value
    return mutate


def _ann(**fields):
    def mutate(v):
        v['annotations'][0].update(fields)
    return mutate


def _img(**fields):
    def mutate(v):
        v['images'][1].update(fields)  # the labelled frame
    return mutate


def _crowd_nan_box(v):
    v['annotations'][0].update(iscrowd=1, bbox=[NAN, 8, 30, 30])


# (case, mutation, record: 'ann' or 'img', field, value) for a GT file
ANNOTATION_CASES = [
    ('flag_nan', _kpt(2, NAN), 'ann', '"keypoints"', 'nan'),
    ('flag_minus_one', _kpt(5, -1), 'ann', 'visibility flag -1',
     'keypoint 1'),
    ('flag_half', _kpt(2, 0.5), 'ann', 'visibility flag 0.5', '[0, 1, 2]'),
    ('flag_three', _kpt(2, 3), 'ann', 'visibility flag 3', 'keypoint 0'),
    ('x_infinity', _kpt(0, INF), 'ann', '"keypoints"', 'inf'),
    ('y_1e30', _kpt(4, 1e30), 'ann', '"keypoints"', '1e+30'),
    ('x_string', _kpt(0, '12'), 'ann', '"keypoints"', "'12'"),
    ('x_null', _kpt(0, None), 'ann', '"keypoints"', 'None'),
    ('bbox_nan', _ann(bbox=[10, NAN, 30, 30]), 'ann', '"bbox"', 'nan'),
    ('bbox_string', _ann(bbox=[10, 8, 'a', 30]), 'ann', '"bbox"', "'a'"),
    ('bbox_1e30', _ann(bbox=[10, 8, 1e30, 30]), 'ann', '"bbox"', '1e+30'),
    ('crowd_bbox_nan', _crowd_nan_box, 'ann', '"bbox"', 'nan'),
    ('head_nan', _ann(bbox_head=[20, 8, NAN, 6]), 'ann', '"bbox_head"',
     'nan'),
    ('track_id_null', _ann(track_id=None), 'ann', '"track_id"', 'None'),
    ('track_id_string', _ann(track_id='3'), 'ann', '"track_id"', "'3'"),
    ('track_id_fraction', _ann(track_id=1.5), 'ann', '"track_id"', '1.5'),
    ('track_id_bool', _ann(track_id=True), 'ann', '"track_id"', 'True'),
    ('width_string', _img(width='64'), 'img', '"width"', "'64'"),
    ('height_zero', _img(height=0), 'img', '"height"', 'got 0'),
    ('nframes_string', _img(nframes='three'), 'img', '"nframes"',
     "'three'"),
    ('frame_id_nan', _img(frame_id=NAN), 'img', '"frame_id"', 'nan'),
    ('is_labeled_string', _img(is_labeled='yes'), 'img', '"is_labeled"',
     "'yes'"),
    ('image_id_bool', _img(id=True), 'img', '"id"', 'True'),
    ('file_name_number', _img(file_name=7), 'img', '"file_name"', 'got 7'),
    ('ignore_region_nan', _img(ignore_regions_x=[[1, NAN, 3]],
                               ignore_regions_y=[[1, 2, 3]]), 'img',
     '"ignore_regions_x"', 'nan'),
    ('ignore_region_lengths', _img(ignore_regions_x=[[1, 2, 3]],
                                   ignore_regions_y=[[1, 2]]), 'img',
     '"ignore_regions_x" and "ignore_regions_y"', 'matching lengths'),
]


@pytest.mark.parametrize('test_mode', [False, True])
@pytest.mark.parametrize(
    'case,mutate,record,field,value',
    ANNOTATION_CASES,
    ids=[c[0] for c in ANNOTATION_CASES])
def test_dataset_annotation(tmp_path, pt, build_dataset, test_mode, case,
                            mutate, record, field, value):
    data = pt.video()
    mutate(data)
    path = pt.write_json(tmp_path / f'annotations/val/{pt.VIDEO}.json', data)
    with pytest.raises(InputError) as e:
        build_dataset(
            data_root=str(tmp_path),
            ann_file='annotations/val',
            test_mode=test_mode)
    message = str(e.value)
    assert path in message
    record_id = (data['annotations'][0]['id'] if record == 'ann' else
                 data['images'][1]['id'])
    assert str(record_id) in message
    assert field in message and value in message


def test_zero_size_head_box_trains_but_is_refused_by_the_metric(
        tmp_path, pt, build_dataset):
    from tdmi_mmpose.evaluation.metrics import PoseTrackAPMetric
    data = pt.video()
    _ann(bbox_head=[20, 8, 0, 6])(data)
    path = pt.write_json(tmp_path / f'annotations/val/{pt.VIDEO}.json', data)
    dataset = build_dataset(
        data_root=str(tmp_path), ann_file='annotations/val')
    assert len(dataset) == 1
    assert dataset[0]['bbox_head'].tolist() == [20, 8, 0, 6]
    with pytest.raises(InputError) as e:
        PoseTrackAPMetric(ann_file=str(tmp_path / 'annotations/val'))
    assert path in str(e.value) and '[20, 8, 0, 6]' in str(e.value)


def _det(**fields):
    det = dict(image_id=None, category_id=1, bbox=[5, 6, 20, 30], score=0.9)
    det.update(fields)
    return det


# (case, detections, field, value)
DETECTION_CASES = [
    ('score_nan', [_det(score=NAN)], 'field "score"', 'nan'),
    ('score_string', [_det(score='high')], 'field "score"', "'high'"),
    ('score_null', [_det(score=None)], 'field "score"', 'None'),
    ('bbox_nan', [_det(bbox=[5, NAN, 20, 30])], 'field "bbox"', 'nan'),
    ('bbox_infinity', [_det(bbox=[5, 6, INF, 30])], 'field "bbox"', 'inf'),
    ('bbox_1e30', [_det(bbox=[1e30, 6, 20, 30])], 'field "bbox"', '1e+30'),
    ('bbox_string', [_det(bbox=[5, 6, '20', 30])], 'field "bbox"', "'20'"),
]


@pytest.mark.parametrize(
    'case,dets,field,value',
    DETECTION_CASES,
    ids=[c[0] for c in DETECTION_CASES])
def test_dataset_detections(tmp_path, pt, build_dataset, case, dets, field,
                            value):
    pt.write_json(tmp_path / f'annotations/val/{pt.VIDEO}.json', pt.video())
    for det in dets:
        det['image_id'] = pt.image_id(1)
    dets.insert(0, _det(image_id=pt.image_id(1)))  # a good one first
    bbox_file = pt.write_json(tmp_path / 'dets.json', dets)
    with pytest.raises(InputError) as e:
        build_dataset(
            data_root=str(tmp_path),
            ann_file='annotations/val',
            bbox_file=bbox_file,
            test_mode=True)
    message = str(e.value)
    assert bbox_file in message and 'detection #1' in message
    assert field in message and value in message


@pytest.mark.parametrize('dets,thr,expected', [
    ([], None, 'the detection list is empty'),
    ([_det(score=0.5), _det(score=0.4)], 0.9,
     "bbox_score_thr=0.9, skipped: {'det_below_score_thr': 2}"),
    ([_det(category_id=2)], None, "'det_not_person': 1"),
])
def test_no_detection_left_names_file_and_threshold(tmp_path, pt,
                                                    build_dataset, dets, thr,
                                                    expected):
    pt.write_json(tmp_path / f'annotations/val/{pt.VIDEO}.json', pt.video())
    for det in dets:
        det['image_id'] = pt.image_id(1)
    bbox_file = pt.write_json(tmp_path / 'dets.json', dets)
    with pytest.raises(InputError) as e:
        build_dataset(
            data_root=str(tmp_path),
            ann_file='annotations/val',
            bbox_file=bbox_file,
            bbox_score_thr=thr,
            test_mode=True)
    assert bbox_file in str(e.value) and expected in str(e.value)


def test_no_gt_sample_left_names_folder_and_reasons(tmp_path, pt,
                                                    build_dataset):
    data = pt.video()
    data['annotations'][0]['iscrowd'] = 1
    pt.write_json(tmp_path / f'annotations/val/{pt.VIDEO}.json', data)
    with pytest.raises(InputError) as e:
        build_dataset(data_root=str(tmp_path), ann_file='annotations/val')
    assert 'annotations/val' in str(e.value)
    assert "no samples left" in str(e.value)
    assert "'crowd': 1" in str(e.value)


@pytest.mark.parametrize('with_detections', [False, True])
def test_merged_file_beside_per_video_files_is_an_error(
        tmp_path, pt, build_dataset, with_detections):
    data = pt.video()
    per_video = pt.write_json(
        tmp_path / f'annotations/val/{pt.VIDEO}.json', data)
    merged = pt.write_json(tmp_path / 'annotations/val/val_merged.json',
                           data)
    kwargs = {}
    if with_detections:
        kwargs = dict(
            test_mode=True,
            bbox_file=pt.write_json(tmp_path / 'dets.json',
                                    [_det(image_id=pt.image_id(1))]))
    with pytest.raises(InputError) as e:
        build_dataset(
            data_root=str(tmp_path), ann_file='annotations/val', **kwargs)
    message = str(e.value)
    assert per_video in message and merged in message
    assert f'image id {pt.image_id(0)}' in message and 'collides' in message


# ---------------------------------------------------------------------
# The format module and the metric's ground truth
# ---------------------------------------------------------------------
def test_load_json_non_utf8_and_folder(tmp_path):
    path = tmp_path / 'latin1.json'
    path.write_bytes('{"images": ["caf\xe9"]}'.encode('latin-1'))
    with pytest.raises(InputError) as e:
        load_json(str(path))
    assert str(path) in str(e.value) and 'not UTF-8' in str(e.value)
    folder = tmp_path / 'x.json'
    folder.mkdir()
    with pytest.raises(InputError) as e:
        load_json(str(folder), 'Annotation file')
    assert str(folder) in str(e.value) and 'is a folder' in str(e.value)


def test_folder_named_json_in_the_annotation_folder(
        tmp_path, pt, build_dataset):
    pt.write_json(tmp_path / f'annotations/val/{pt.VIDEO}.json', pt.video())
    (tmp_path / 'annotations/val/x.json').mkdir()
    with pytest.raises(InputError) as e:
        build_dataset(data_root=str(tmp_path), ann_file='annotations/val')
    assert str(tmp_path / 'annotations/val/x.json') in str(e.value)
    assert 'is a folder' in str(e.value)


def test_check_json_finite_names_the_json_path(pt):
    data = pt.video()
    data['annotations'][0]['keypoints'][2] = NAN
    with pytest.raises(InputError) as e:
        check_json_finite(data, 'm.json')
    assert str(e.value).startswith('m.json: field '
                                   'annotations[0].keypoints[2] is nan')
    check_json_finite(pt.video(), 'm.json')


def test_flags_are_checked_in_gt_not_in_predictions(pt):
    ann = pt.person(1, 100)
    ann['keypoints'][2] = 0.73  # a prediction's third value is a score
    assert parse_keypoints(ann, 17, 'p.json', ground_truth=False)[0, 2] == \
        pytest.approx(0.73)
    with pytest.raises(InputError, match=r'p\.json.*flag 0\.73'):
        parse_keypoints(ann, 17, 'p.json')
    with pytest.raises(InputError, match='"width".*True'):
        parse_image_size(dict(width=True, height=48), 'a.json: image 1')


GT_CASES = [
    ('keypoint_nan', _kpt(3, NAN), '"keypoints"', 'nan'),
    ('flag_minus_one', _kpt(2, -1), '"keypoints"', 'visibility flag -1'),
    ('keypoint_1e30', _kpt(3, 1e30), '"keypoints"', '1e+30'),
    ('head_zero_size', _ann(bbox_head=[20, 8, 0, 0]), '"bbox_head"',
     '[20, 8, 0, 0]'),
    ('head_nan', _ann(bbox_head=[NAN, 8, 8, 6]), '"bbox_head"', 'nan'),
    ('head_string', _ann(bbox_head=[20, 8, '8', 6]), '"bbox_head"', "'8'"),
    ('ignore_region_lengths', _img(ignore_regions_x=[[1, 2, 3, 4]],
                                   ignore_regions_y=[[1, 2, 3]]),
     'ignore_regions_x', 'matching lengths'),
]


@pytest.mark.parametrize(
    'case,mutate,field,value', GT_CASES, ids=[c[0] for c in GT_CASES])
def test_metric_ground_truth(tmp_path, pt, case, mutate, field, value):
    from tdmi_mmpose.evaluation.metrics import PoseTrackAPMetric
    data = pt.video()
    mutate(data)
    path = pt.write_json(tmp_path / f'gt/{pt.VIDEO}.json', data)
    with pytest.raises(InputError) as e:
        PoseTrackAPMetric(ann_file=str(tmp_path / 'gt'))
    assert path in str(e.value)
    assert field in str(e.value) and value in str(e.value)


# ---------------------------------------------------------------------
# Converters: PoseTrack2017 -> PoseTrack18, merge and split
# ---------------------------------------------------------------------
def _point(field, value):
    def mutate(d):
        d['annolist'][1]['annorect'][0]['annopoints'][0]['point'][4][
            field] = value
    return mutate


def _rect(field, value):
    def mutate(d):
        d['annolist'][1]['annorect'][0][field] = value
    return mutate


PT17_CASES = [
    ('x_infinity', _point('x', [INF]), 'point[4]: field "x"', 'inf'),
    ('y_1e30', _point('y', 1e30), 'point[4]: field "y"', '1e+30'),
    ('x_nan', _point('x', NAN), 'point[4]: field "x"', 'nan'),
    ('head_x2_nan', _rect('x2', [NAN]), 'field "x2"', 'nan'),
    ('head_y1_huge_string', _rect('y1', ['1.0e999']), 'field "y1"',
     "'1.0e999'"),
    ('track_id_fraction', _rect('track_id', [1.5]), 'field "track_id"',
     '1.5'),
    ('head_box_partial', _rect('x2', None), 'missing field "x2"',
     'head box'),
    ('head_box_inverted', _rect('x2', [0]), 'x2 < x1', 'head box'),
]


@pytest.mark.parametrize(
    'case,mutate,field,value', PT17_CASES, ids=[c[0] for c in PT17_CASES])
def test_pt17_conversion(tmp_path, pt, case, mutate, field, value):
    data = pt.pt17_video()
    mutate(data)
    path = pt.write_json(tmp_path / 'in/000001_mpii.json', data)
    out_dir = tmp_path / 'out'
    with pytest.raises(InputError) as e:
        pt17.convert_posetrack17(path, str(out_dir), progress=False)
    assert path in str(e.value) and 'annolist[1].annorect[0]' in str(e.value)
    assert field in str(e.value) and value in str(e.value)
    assert not out_dir.exists()


def test_pt17_non_utf8_input_and_output_folder_named_json(tmp_path, pt):
    bad = tmp_path / 'in' / '000002_mpii.json'
    pt.write_json(tmp_path / 'in/000001_mpii.json', pt.pt17_video())
    bad.write_bytes(b'\xff\xfe{"annolist": []}')
    with pytest.raises(InputError) as e:
        pt17.convert_posetrack17(
            str(tmp_path / 'in'), str(tmp_path / 'out'), progress=False)
    assert str(bad) in str(e.value) and 'UTF-8' in str(e.value)
    bad.unlink()
    (tmp_path / 'out' / '000001_mpii.json').mkdir(parents=True)
    with pytest.raises(InputError) as e:
        pt17.convert_posetrack17(
            str(tmp_path / 'in'), str(tmp_path / 'out'), progress=False)
    assert str(tmp_path / 'out' / '000001_mpii.json') in str(e.value)
    assert 'is a folder' in str(e.value)


def _two_videos(tmp_path, pt):
    """Two per-video files in ``tmp_path/in``; returns their paths."""
    return [
        pt.write_json(tmp_path / f'in/{name}.json', pt.video(name))
        for name in ('000001_mpii_test', '000002_mpii_test')
    ]


def _drop_keypoint(data):
    for ann in data['annotations']:
        ann['keypoints'] = ann['keypoints'][:48]


# (case, mutation of the second file, field, value)
MERGE_CASES = [
    ('48_keypoint_values', _drop_keypoint, '"keypoints" has 16 keypoints',
     'has 17'),
    ('flag_minus_one', _kpt(2, -1), '"keypoints"', 'visibility flag -1'),
    ('frame_id_nan', _img(frame_id=NAN), 'images[1].frame_id', 'nan'),
    ('track_id_string', _ann(track_id='7'), '"track_id"', "'7'"),
]


@pytest.mark.parametrize(
    'case,mutate,field,value', MERGE_CASES, ids=[c[0] for c in MERGE_CASES])
def test_merge(tmp_path, pt, case, mutate, field, value):
    first, second = _two_videos(tmp_path, pt)
    data = load_json(second)
    mutate(data)
    pt.write_json(second, data)
    out_file = tmp_path / 'merged.json'
    with pytest.raises(InputError) as e:
        merge_split.merge_posetrack(
            str(tmp_path / 'in'), str(out_file), progress=False)
    assert second in str(e.value)
    assert field in str(e.value) and value in str(e.value)
    if case == '48_keypoint_values':
        assert first in str(e.value)
    assert not out_file.exists()


@pytest.mark.parametrize('mutate,field,value', [
    (_drop_keypoint, '"keypoints" has 16 keypoints', 'has 17'),
    (_kpt(0, INF), 'annotations[1].keypoints[0]', 'inf'),
])
def test_split(tmp_path, pt, mutate, field, value):
    merged = pt.video('000001_mpii_test')
    other = pt.video('000002_mpii_test')
    mutate(other)
    merged['images'] += other['images']
    merged['annotations'] += other['annotations']
    path = pt.write_json(tmp_path / 'merged.json', merged)
    with pytest.raises(InputError) as e:
        merge_split.split_posetrack(
            path, str(tmp_path / 'out'), progress=False)
    assert path in str(e.value)
    assert field in str(e.value) and value in str(e.value)
    assert not (tmp_path / 'out').exists()


def test_merge_output_folder_named_json(tmp_path, pt):
    _two_videos(tmp_path, pt)
    (tmp_path / 'x.json').mkdir()
    with pytest.raises(InputError) as e:
        merge_split.merge_posetrack(
            str(tmp_path / 'in'), str(tmp_path / 'x.json'), progress=False)
    assert str(tmp_path / 'x.json') in str(e.value)
    assert 'is a folder' in str(e.value)


# ---------------------------------------------------------------------
# Interrupted outputs: nothing under a final name
# ---------------------------------------------------------------------
def _fail_on_call(monkeypatch, failing_call):
    """Make ``json.dump`` write a truncated file and raise on call
    ``failing_call`` (1-based); earlier calls write normally."""
    real_dump, calls = json.dump, []

    def dump(obj, f, **kwargs):
        calls.append(1)
        if len(calls) == failing_call:
            f.write('{"images": [')
            raise RuntimeError('killed while writing')
        real_dump(obj, f, **kwargs)

    monkeypatch.setattr(json, 'dump', dump)


def test_interrupted_merge_leaves_no_output(tmp_path, pt, monkeypatch):
    _two_videos(tmp_path, pt)
    _fail_on_call(monkeypatch, 1)
    with pytest.raises(RuntimeError, match='killed'):
        merge_split.merge_posetrack(
            str(tmp_path / 'in'), str(tmp_path / 'merged.json'),
            progress=False)
    assert sorted(os.listdir(tmp_path)) == ['in']


@pytest.mark.parametrize('existing', [False, True])
def test_interrupted_split_leaves_no_output(tmp_path, pt, monkeypatch,
                                            existing):
    merged = pt.video('000001_mpii_test')
    other = pt.video('000002_mpii_test')
    merged['images'] += other['images']
    merged['annotations'] += other['annotations']
    path = pt.write_json(tmp_path / 'merged.json', merged)
    out_dir = tmp_path / 'out'
    if existing:  # an earlier run's file: refused, or replaced whole
        pt.write_json(out_dir / 'old.json', {})
        with pytest.raises(InputError) as e:
            merge_split.split_posetrack(path, str(out_dir), progress=False)
        assert str(e.value) == (f'{out_dir} holds 1 JSON file(s) of an '
                                'earlier run (old.json); pass --overwrite to '
                                'replace them, or choose another folder.')
    with monkeypatch.context() as patch:
        _fail_on_call(patch, 2)  # the first file is complete
        with pytest.raises(RuntimeError, match='killed'):
            merge_split.split_posetrack(path, str(out_dir), progress=False,
                                        overwrite=existing)
    assert sorted(os.listdir(tmp_path)) == (['merged.json', 'out']
                                            if existing else ['merged.json'])
    if existing:
        assert os.listdir(out_dir) == ['old.json']
    # once complete, the files appear (the old one gone)
    report = merge_split.split_posetrack(path, str(out_dir), progress=False,
                                         overwrite=existing)
    assert sorted(os.listdir(out_dir)) == [
        '000001_mpii_test.json', '000002_mpii_test.json']
    assert len(report['files']) == 2
    # a re-run writing the same files needs no --overwrite
    merge_split.split_posetrack(path, str(out_dir), progress=False)


def test_interrupted_pt17_conversion_leaves_no_output(tmp_path, pt,
                                                      monkeypatch):
    pt.write_json(tmp_path / 'in/000001_mpii.json', pt.pt17_video())
    pt.write_json(tmp_path / 'in/000002_mpii.json',
                  pt.pt17_video('000002_mpii'))
    _fail_on_call(monkeypatch, 2)
    with pytest.raises(RuntimeError, match='killed'):
        pt17.convert_posetrack17(
            str(tmp_path / 'in'), str(tmp_path / 'out'), progress=False)
    assert sorted(os.listdir(tmp_path)) == ['in']


def _slow_split(path, out_dir, marker):
    """Split in a forked child whose second file never completes."""
    real_dump, calls = json.dump, []

    def dump(obj, f, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            open(marker, 'w').close()  # first file written: kill me now
            time.sleep(60)
        real_dump(obj, f, **kwargs)

    json.dump = dump
    merge_split.split_posetrack(path, out_dir, progress=False)


def test_killed_split_leaves_nothing_under_final_names(tmp_path, pt):
    merged = pt.video('000001_mpii_test')
    other = pt.video('000002_mpii_test')
    merged['images'] += other['images']
    merged['annotations'] += other['annotations']
    path = pt.write_json(tmp_path / 'merged.json', merged)
    out_dir, marker = tmp_path / 'out', tmp_path / 'first_written'
    child = multiprocessing.get_context('fork').Process(
        target=_slow_split, args=(path, str(out_dir), str(marker)))
    child.start()
    try:
        deadline = time.time() + 30
        while not marker.exists() and child.is_alive():
            assert time.time() < deadline, 'split did not start'
            time.sleep(0.02)
        assert marker.exists(), f'split exited with {child.exitcode}'
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.join()
    assert not out_dir.exists()
    leftovers = [n for n in os.listdir(tmp_path)
                 if n not in ('merged.json', 'first_written')]
    # only the hidden temporary folder, with the one complete file
    assert len(leftovers) == 1 and leftovers[0].startswith('.out.')
    assert load_json(str(tmp_path / leftovers[0] /
                         '000001_mpii_test.json')) == json.loads(
                             json.dumps(split_videos(
                                 merged, path)['000001_mpii_test']))


# ---------------------------------------------------------------------
# Training: a NaN flag stops the run before its first step
# ---------------------------------------------------------------------
def test_nan_flag_in_training_data_fails_before_step_one(
        tmp_path, pt, monkeypatch):
    from mmengine.runner import Runner
    from tdmi_mmpose.io import load_config, retarget_data_root

    data = pt.video(labeled=(0, 1, 2))
    data['annotations'][1]['keypoints'][8] = NAN
    path = pt.write_json(
        tmp_path / f'data/annotations/train/{pt.VIDEO}.json', data)
    cfg = load_config(osp.join(REPO, 'configs/tdmi_tiny_posetrack_sample.py'))
    retarget_data_root(cfg, str(tmp_path / 'data') + '/')
    cfg.work_dir = str(tmp_path / 'work')
    cfg.train_dataloader.num_workers = 0
    runner = Runner.from_cfg(cfg)

    def no_training(*args, **kwargs):
        raise AssertionError('a training step ran')

    monkeypatch.setattr(runner.model, 'train_step', no_training)
    with pytest.raises(InputError) as e:
        runner.train()
    message = str(e.value)
    assert path in message
    assert f'annotation id={data["annotations"][1]["id"]}' in message
    assert '"keypoints"' in message
    assert 'value nan at index 8' in message
    assert not [n for n in os.listdir(cfg.work_dir) if n.endswith('.pth')]
