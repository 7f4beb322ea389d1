"""PoseTrackVideoDataset: frames, clamping, lookup, boxes, errors, metric
keys (tiny hand-made videos from ``conftest.py``)."""
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config

from tdmi_mmpose.datasets.datasets import PoseTrackVideoDataset
from tdmi_mmpose.io import InputError
from tdmi_mmpose.datasets.datasets import posetrack_video_dataset as ptv_mod

VIDEO = '000001_mpii_test'


def frame_numbers(paths):
    return [int(osp.splitext(osp.basename(p))[0]) for p in paths]


def by_frame(dataset):
    """frame index -> data info (first person of each key frame)."""
    infos = {}
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        infos.setdefault(info['frame_index'], info)
    return infos


@pytest.fixture
def one_video(writer):
    writer.write_json(
        writer.video(VIDEO, nframes=6, labeled=(0, 3, 5)),
        f'annotations/val/{VIDEO}.json')
    return writer


def test_registered_and_metainfo(one_video, build_dataset):
    from mmpose.registry import DATASETS
    assert DATASETS.get('PoseTrackVideoDataset') is PoseTrackVideoDataset
    ds = build_dataset(data_root=one_video.root, ann_file='annotations/val')
    meta = ds.metainfo
    ref = Config.fromfile(
        PoseTrackVideoDataset.METAINFO['from_file']).dataset_info
    assert meta['dataset_name'] == 'posetrack18'
    assert meta['num_keypoints'] == 17
    names = [meta['keypoint_id2name'][i] for i in range(17)]
    assert names == [
        'nose', 'head_bottom', 'head_top', 'left_ear', 'right_ear',
        'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow',
        'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee',
        'right_knee', 'left_ankle', 'right_ankle'
    ]
    assert meta['flip_indices'] == [
        0, 1, 2, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15
    ]
    np.testing.assert_allclose(meta['sigmas'], ref['sigmas'])
    assert len(meta['skeleton_links']) == len(ref['skeleton_info'])
    assert meta['keypoint_colors'].shape == (17, 3)
    assert meta['skeleton_link_colors'].shape == (len(ref['skeleton_info']), 3)
    assert meta['upper_body_ids'] == list(range(11))


def test_frames_in_time_order_and_clamped(one_video, build_dataset):
    ds = build_dataset(data_root=one_video.root, ann_file='annotations/val')
    infos = by_frame(ds)
    assert sorted(infos) == [0, 3, 5]
    expected = {0: [0, 0, 0, 1, 2], 3: [1, 2, 3, 4, 5], 5: [3, 4, 5, 5, 5]}
    for t, numbers in expected.items():
        info = infos[t]
        assert frame_numbers(info['frame_paths']) == numbers
        assert info['frame_offsets'] == [-2, -1, 0, 1, 2]
        assert info['key_frame_index'] == 2
        assert info['frame_paths'][2] == info['img_path']
        assert info['img_path'] == one_video.frame_path(VIDEO, t)
        assert info['nframes'] == 6


def test_clamping_one_frame_from_the_boundary(writer, build_dataset):
    """Clamping repeats the edge frame (not the key frame)."""
    writer.write_json(
        writer.video(VIDEO, nframes=6, labeled=(1, 4)),
        f'annotations/val/{VIDEO}.json')
    ds = build_dataset(data_root=writer.root, ann_file='annotations/val')
    infos = by_frame(ds)
    assert frame_numbers(infos[1]['frame_paths']) == [0, 0, 1, 2, 3]
    assert frame_numbers(infos[4]['frame_paths']) == [2, 3, 4, 5, 5]


def test_offsets_sorted_and_delta_one(one_video, build_dataset):
    ds = build_dataset(
        data_root=one_video.root,
        ann_file='annotations/val',
        frame_offsets=[1, 0, -1])
    infos = by_frame(ds)
    assert infos[0]['frame_offsets'] == [-1, 0, 1]
    assert infos[0]['key_frame_index'] == 1
    assert frame_numbers(infos[0]['frame_paths']) == [0, 0, 1]
    assert frame_numbers(infos[5]['frame_paths']) == [4, 5, 5]


def test_asymmetric_offsets_key_index(one_video, build_dataset):
    ds = build_dataset(
        data_root=one_video.root,
        ann_file='annotations/val',
        frame_offsets=[-3, -1, 0])
    info = by_frame(ds)[3]
    assert info['key_frame_index'] == 2
    assert frame_numbers(info['frame_paths']) == [0, 2, 3]


def test_single_frame(one_video, build_dataset):
    ds = build_dataset(
        data_root=one_video.root,
        ann_file='annotations/val',
        frame_offsets=[0])
    info = ds.get_data_info(0)
    assert info['frame_paths'] == [info['img_path']]
    assert info['key_frame_index'] == 0


def test_neighbours_come_from_images_list(writer, build_dataset):
    """File names that do not follow frame-number arithmetic, listed out of
    order: neighbours must be found through the ``images`` list."""

    def name(t):
        return f'images/val/{VIDEO}/{t * 10:06d}.jpg'

    video = writer.video(VIDEO, nframes=6, labeled=(0, 3), file_name=name)
    video['images'] = video['images'][::-1]  # listed backwards
    writer.write_json(video, f'annotations/val/{VIDEO}.json')
    ds = build_dataset(data_root=writer.root, ann_file='annotations/val')
    infos = by_frame(ds)
    assert frame_numbers(infos[3]['frame_paths']) == [10, 20, 30, 40, 50]
    assert frame_numbers(infos[0]['frame_paths']) == [0, 0, 0, 10, 20]
    for p in infos[3]['frame_paths']:
        assert osp.isfile(p), p


def test_incomplete_images_list_falls_back_to_file_names(
        writer, build_dataset):
    # nframes = 8 but only frames 0, 4, 7 are listed (labeled ones)
    video = writer.video(VIDEO, nframes=8, labeled=(0, 4, 7), listed=(0, 4, 7))
    writer.write_json(video, f'annotations/val/{VIDEO}.json')
    ds = build_dataset(data_root=writer.root, ann_file='annotations/val')
    infos = by_frame(ds)
    assert frame_numbers(infos[4]['frame_paths']) == [2, 3, 4, 5, 6]
    assert frame_numbers(infos[7]['frame_paths']) == [5, 6, 7, 7, 7]
    assert frame_numbers(infos[0]['frame_paths']) == [0, 0, 0, 1, 2]
    assert infos[7]['nframes'] == 8
    for p in infos[4]['frame_paths']:
        assert osp.isfile(p), p


def test_listed_frame_preferred_over_arithmetic_when_incomplete(
        writer, build_dataset):
    """With an incomplete list, a neighbour that *is* listed is taken from
    the list (its own folder), not rebuilt from the key frame's name."""

    def name(t):
        folder = 'other' if t == 3 else VIDEO
        return f'images/val/{folder}/{t:06d}.jpg'

    video = writer.video(
        VIDEO, nframes=6, labeled=(2, ), listed=(2, 3), file_name=name)
    writer.write_json(video, f'annotations/val/{VIDEO}.json')
    ds = build_dataset(data_root=writer.root, ann_file='annotations/val')
    paths = ds.get_data_info(0)['frame_paths']
    assert frame_numbers(paths) == [0, 1, 2, 3, 4]
    assert '/other/' in paths[3]
    assert all('/other/' not in p for i, p in enumerate(paths) if i != 3)


def test_merged_file_matches_folder_and_keeps_videos_apart(
        writer, build_dataset):
    a = writer.video('000001_mpii_test', nframes=4, labeled=(0, 3))
    b = writer.video('000002_mpii_test', nframes=5, labeled=(0, 4))
    writer.write_json(a, 'annotations/val/000001_mpii_test.json')
    writer.write_json(b, 'annotations/val/000002_mpii_test.json')
    merged = dict(
        images=a['images'] + b['images'],
        annotations=a['annotations'] + b['annotations'],
        categories=a['categories'])
    writer.write_json(merged, 'annotations/val_merged.json')
    folder = build_dataset(data_root=writer.root, ann_file='annotations/val')
    single = build_dataset(
        data_root=writer.root, ann_file='annotations/val_merged.json')
    assert len(folder) == len(single) == 4

    def key(info):
        return info['id']

    fi = sorted((folder.get_data_info(i) for i in range(4)), key=key)
    si = sorted((single.get_data_info(i) for i in range(4)), key=key)
    for f, s in zip(fi, si):
        assert f['frame_paths'] == s['frame_paths']
        assert f['video_name'] == s['video_name']
        assert f['nframes'] == s['nframes']
        # never a frame of another video
        assert all(f'/{f["video_name"]}/' in p for p in f['frame_paths'])
    last_a = [
        f for f in fi if f['vid_id'] == '000001' and f['frame_index'] == 3
    ][0]
    assert frame_numbers(last_a['frame_paths']) == [1, 2, 3, 3, 3]
    assert {f['video_name']
            for f in fi} == {'000001_mpii_test', '000002_mpii_test'}


def test_random_sampling(one_video, build_dataset):
    ds = build_dataset(
        data_root=one_video.root,
        ann_file='annotations/val',
        frame_sampling='random',
        max_frame_gap=3)
    np.random.seed(0)
    seen = set()
    for _ in range(40):
        info = ds.get_data_info(1)  # key frame 3 of 6
        offsets = info['frame_offsets']
        assert len(offsets) == 5 and offsets[2] == 0
        assert info['key_frame_index'] == 2
        gaps = np.diff(offsets)
        assert (gaps >= 1).all() and (gaps <= 3).all()
        expected = [min(max(3 + o, 0), 5) for o in offsets]
        assert frame_numbers(info['frame_paths']) == expected
        assert info['frame_paths'][2] == info['img_path']
        seen.add(tuple(offsets))
    assert len(seen) > 5  # actually random
    assert max(max(abs(o) for o in s) for s in seen) > 2  # gaps > 1 occur


def test_invalid_arguments(one_video, build_dataset):
    common = dict(data_root=one_video.root, ann_file='annotations/val')
    bad = [
        dict(frame_offsets=[-1, 1]),
        dict(frame_offsets=[0, 0, 1]),
        dict(frame_offsets=[]),
        dict(frame_offsets=[-1.5, 0]),
        dict(frame_sampling='uniform'),
        dict(missing_frame='skip'),
        dict(max_frame_gap=0),
        dict(data_mode='bottomup'),
        dict(bbox_file='dets.json', test_mode=False),
    ]
    for kwargs in bad:
        with pytest.raises(ValueError):
            build_dataset(**common, **kwargs)
    with pytest.raises(TypeError, match='frame_indices'):
        build_dataset(**common, frame_indices=[0])


def test_metric_keys(writer, build_dataset):
    video = writer.video(VIDEO, nframes=6, labeled=(0, 3))
    img3 = [im for im in video['images'] if im['id'] % 100 == 3][0]
    img3['ignore_regions_x'] = [[1, 20, 20], [30, 40, 40, 30]]
    img3['ignore_regions_y'] = [[1, 1, 15], [5, 5, 9, 9]]
    ann = [a for a in video['annotations'] if a['image_id'] == img3['id']][0]
    ann['track_id'] = 7
    writer.write_json(video, f'annotations/val/{VIDEO}.json')
    ds = build_dataset(
        data_root=writer.root,
        ann_file='annotations/val',
        test_mode=True,
        missing_frame='key_frame')
    info = by_frame(ds)[3]
    assert info['img_id'] == img3['id']
    assert info['id'] == ann['id']
    assert info['frame_id'] == img3['frame_id']
    assert info['frame_index'] == 3
    assert info['vid_id'] == '000001'
    assert info['nframes'] == 6
    assert info['is_labeled'] is True
    assert info['video_name'] == VIDEO
    assert info['track_id'] == 7
    assert info['category_id'] == 1
    assert info['missing_frame'] == 'key_frame'
    assert info['bbox_head'].dtype == np.float32
    np.testing.assert_allclose(info['bbox_head'], ann['bbox_head'], 1e-5)
    x, y, w, h = ann['bbox']
    assert info['bbox'].shape == (1, 4) and info['bbox'].dtype == np.float32
    np.testing.assert_allclose(info['bbox'], [[x, y, x + w, y + h]])
    np.testing.assert_array_equal(info['bbox_score'], [1.0])
    kpts = np.array(ann['keypoints'], np.float32).reshape(17, 3)
    assert info['keypoints'].shape == (1, 17, 2)
    np.testing.assert_allclose(info['keypoints'][0], kpts[:, :2])
    assert info['keypoints_visible'].shape == (1, 17)
    assert info['num_keypoints'] == 17
    assert info['raw_ann_info']['id'] == ann['id']
    regions = info['ignore_regions']
    assert len(regions) == 2
    assert regions[0].shape == (3, 2) and regions[0].dtype == np.float32
    np.testing.assert_array_equal(regions[1],
                                  [[30, 5], [40, 5], [40, 9], [30, 9]])
    assert by_frame(ds)[0]['ignore_regions'] == []
    # metainfo keys the pipeline needs
    assert info['flip_indices'][3] == 4 and 'upper_body_ids' in info


def test_skips_are_counted_and_logged(writer, build_dataset, monkeypatch):
    video = writer.video(VIDEO, nframes=4, labeled=(0, 1, 2, 3))
    iid = [im['id'] for im in video['images']]
    person = writer.person
    video['annotations'] += [
        person(iid[0], 900, visible=False),  # no visible keypoint
        person(iid[1], 901, iscrowd=1),
        person(iid[2], 902, w=0.0, bbox_head=[10, 8, 4, 4]),  # empty box
    ]
    no_box = person(iid[3], 903)
    del no_box['bbox']
    video['annotations'].append(no_box)
    writer.write_json(video, f'annotations/val/{VIDEO}.json')
    logs = []
    monkeypatch.setattr(ptv_mod, 'print_log',
                        lambda msg, *a, **k: logs.append(msg))
    for test_mode in (False, True):
        logs.clear()
        ds = build_dataset(
            data_root=writer.root,
            ann_file='annotations/val',
            test_mode=test_mode)
        # the person with a box but no pose: no heatmap target (skipped in
        # training), kept in test mode (its box is predicted and tracked)
        box_only = 'box_only_kept' if test_mode else 'no_visible_keypoints'
        assert len(ds) == 4 + test_mode
        ids = {ds.get_data_info(i)['id'] for i in range(len(ds))}
        assert ids & {900, 901, 902, 903} == ({900} if test_mode else set())
        assert ds.skip_counts == {
            box_only: 1,
            'crowd': 1,
            'empty_bbox': 1,
            'no_bbox': 1
        }
        assert any(box_only in m and 'crowd' in m for m in logs), logs


def test_person_id_is_read_checked_and_kept(writer, build_dataset):
    """PoseTrack21's ``person_id`` (an integer, absent in PoseTrack18)."""
    video = writer.video(VIDEO, nframes=2, labeled=(0, 1))
    video['annotations'][0]['person_id'] = 1234
    writer.write_json(video, f'annotations/val/{VIDEO}.json')
    ds = build_dataset(data_root=writer.root, ann_file='annotations/val')
    person_ids = sorted(
        (ds.get_data_info(i)['person_id'] for i in range(len(ds))),
        key=str)
    assert person_ids == [1234] + [None] * (len(ds) - 1)
    video['annotations'][0]['person_id'] = 'p7'
    writer.write_json(video, f'annotations/val/{VIDEO}.json')
    with pytest.raises(InputError, match='person_id'):
        build_dataset(data_root=writer.root, ann_file='annotations/val')


@pytest.mark.parametrize('with_size', [True, False])
def test_box_partly_outside_is_clipped(writer, build_dataset, with_size):
    video = writer.video(VIDEO, nframes=3, labeled=(1, ), with_size=with_size)
    ann = video['annotations'][0]
    ann['bbox'] = [-5.0, 20.0, 30.0, 40.0]  # image is 64 x 48
    writer.write_json(video, f'annotations/val/{VIDEO}.json')
    ds = build_dataset(data_root=writer.root, ann_file='annotations/val')
    np.testing.assert_allclose(ds.get_data_info(0)['bbox'], [[0, 20, 25, 48]])


@pytest.mark.parametrize('with_size', [True, False])
def test_box_entirely_outside_is_an_error(writer, build_dataset, with_size):
    video = writer.video(VIDEO, nframes=3, labeled=(1, ), with_size=with_size)
    ann = video['annotations'][0]
    ann['bbox'] = [70.0, 10.0, 20.0, 20.0]  # right of a 64-wide image
    path = writer.write_json(video, f'annotations/val/{VIDEO}.json')
    with pytest.raises(ValueError) as e:
        build_dataset(data_root=writer.root, ann_file='annotations/val')
    assert path in str(e.value)
    assert str(ann['id']) in str(e.value)
    assert 'outside' in str(e.value)


def test_unknown_image_size_warns_and_keeps_box(writer, build_dataset,
                                                monkeypatch):
    video = writer.video(
        VIDEO, nframes=3, labeled=(1, ), with_size=False, write_images=False)
    video['annotations'][0]['bbox'] = [-5.0, 20.0, 30.0, 40.0]
    writer.write_json(video, f'annotations/val/{VIDEO}.json')
    logs = []
    monkeypatch.setattr(ptv_mod, 'print_log',
                        lambda msg, *a, **k: logs.append(msg))
    ds = build_dataset(data_root=writer.root, ann_file='annotations/val')
    np.testing.assert_allclose(ds.get_data_info(0)['bbox'], [[-5, 20, 25, 60]])
    assert ds.skip_counts['videos_without_image_size'] == 1
    assert any('cannot read the size' in m for m in logs)


def _detections(writer, dets):
    return writer.write_json(dets, 'person_detections/val_dets.json')


def test_detected_boxes(writer, build_dataset):
    writer.write_json(
        writer.video(VIDEO, nframes=6, labeled=(0, 3)),
        f'annotations/val/{VIDEO}.json')
    iid = writer.image_id('000001', 3)
    dets = [
        dict(image_id=iid, category_id=1, bbox=[5, 6, 20, 30], score=0.9),
        dict(image_id=iid, category_id=1, bbox=[5, 6, 20, 30], score=0.1),
        dict(image_id=iid, category_id=2, bbox=[5, 6, 20, 30], score=0.9),
        dict(
            image_id=writer.image_id('000001', 1),
            category_id=1,
            bbox=[1, 1, 10, 10],
            score=0.8),  # unlabeled frame
        dict(
            image_name=f'images/val/{VIDEO}/000000.jpg',
            category_id=1,
            bbox=[50, 40, 30, 30],
            score=0.7),  # clipped to the 64 x 48 image
    ]
    bbox_file = _detections(writer, dets)
    ds = build_dataset(
        data_root=writer.root,
        ann_file='annotations/val',
        bbox_file=bbox_file,
        bbox_score_thr=0.3,
        test_mode=True)
    assert len(ds) == 2
    infos = sorted((ds.get_data_info(i) for i in range(2)),
                   key=lambda x: x['frame_index'])
    first, det = infos
    np.testing.assert_allclose(first['bbox'], [[50, 40, 64, 48]])
    assert det['frame_index'] == 3 and det['img_id'] == iid
    np.testing.assert_allclose(det['bbox'], [[5, 6, 25, 36]])
    np.testing.assert_allclose(det['bbox_score'], [0.9])
    assert det['track_id'] == -1 and det['bbox_head'] is None
    assert not det['keypoints'].any() and det['keypoints'].shape == (1, 17, 2)
    assert det['num_keypoints'] == 0
    assert {first['id'], det['id']} == {0, 1}
    assert frame_numbers(det['frame_paths']) == [1, 2, 3, 4, 5]
    assert ds.skip_counts == {
        'det_below_score_thr': 1,
        'det_not_person': 1,
        'det_on_unlabeled_frame': 1
    }
    all_frames = build_dataset(
        data_root=writer.root,
        ann_file='annotations/val',
        bbox_file=bbox_file,
        bbox_score_thr=0.3,
        labeled_frames_only=False,
        test_mode=True)
    assert len(all_frames) == 3


@pytest.mark.parametrize('det,match', [
    (dict(image_id=123, category_id=1, bbox=[1, 1, 5, 5],
          score=0.9), 'detection #0 refers to image 123'),
    (dict(category_id=1, bbox=[1, 1, 5, 5],
          score=0.9), 'neither "image_id" nor "image_name"'),
    (dict(image_id='X', category_id=1, score=0.9), '"bbox"'),
    (dict(image_id='X', category_id=1, bbox=[1, 1], score=0.9), '"bbox"'),
    (dict(image_id='X', category_id=1, bbox=[100, 1, 5, 5],
          score=0.9), 'outside'),
])
def test_bad_detections(writer, build_dataset, det, match):
    writer.write_json(
        writer.video(VIDEO, nframes=3, labeled=(1, )),
        f'annotations/val/{VIDEO}.json')
    if det.get('image_id') == 'X':
        det['image_id'] = writer.image_id('000001', 1)
    bbox_file = _detections(writer, [det])
    with pytest.raises(ValueError, match=match) as e:
        build_dataset(
            data_root=writer.root,
            ann_file='annotations/val',
            bbox_file=bbox_file,
            test_mode=True)
    assert bbox_file in str(e.value)


def _mutate(video, what):
    """Make one kind of malformed annotation; returns the expected field."""
    ann, img = video['annotations'][0], video['images'][0]
    if what == 'no_images':
        del video['images']
        return '"images"'
    if what == 'empty_images':
        video['images'] = []
        return '"images"'
    if what == 'no_annotations':
        del video['annotations']
        return '"annotations"'
    if what == 'annotations_not_list':
        video['annotations'] = {}
        return '"annotations"'
    if what == 'image_no_file_name':
        del img['file_name']
        return '"file_name"'
    if what == 'duplicate_image_id':
        video['images'][1]['id'] = img['id']
        return 'appears twice'
    if what == 'ann_no_keypoints':
        del ann['keypoints']
        return '"keypoints"'
    if what == 'ann_short_keypoints':
        ann['keypoints'] = ann['keypoints'][:-3]
        return '"keypoints"'
    if what == 'ann_unknown_image':
        ann['image_id'] = 42
        return 'unknown image_id 42'
    if what == 'ann_bad_bbox':
        ann['bbox'] = [1, 2, 3]
        return '"bbox"'
    if what == 'ann_bad_bbox_head':
        ann['bbox_head'] = [1, 2]
        return '"bbox_head"'
    if what == 'bad_ignore_regions':
        img['ignore_regions_x'] = [[1, 2, 3]]
        img['ignore_regions_y'] = [[1, 2]]
        return 'ignore_regions'
    if what == 'inconsistent_nframes':
        img['nframes'] = 99
        return '"nframes"'
    if what == 'too_many_images':
        for im in video['images']:
            im['nframes'] = 2
        return '"nframes"'
    raise KeyError(what)


@pytest.mark.parametrize('what', [
    'no_images', 'empty_images', 'no_annotations', 'annotations_not_list',
    'image_no_file_name', 'duplicate_image_id', 'ann_no_keypoints',
    'ann_short_keypoints', 'ann_unknown_image', 'ann_bad_bbox',
    'ann_bad_bbox_head', 'bad_ignore_regions', 'inconsistent_nframes',
    'too_many_images'
])
def test_malformed_annotation_names_file_and_field(writer, build_dataset,
                                                   what):
    video = writer.video(VIDEO, nframes=4, labeled=(0, 2))
    field = _mutate(video, what)
    path = writer.write_json(video, f'annotations/val/{VIDEO}.json')
    with pytest.raises(InputError) as e:
        build_dataset(data_root=writer.root, ann_file='annotations/val')
    assert path in str(e.value)
    assert field in str(e.value)


@pytest.mark.parametrize('content,match', [
    ('', 'is empty'),
    ('  \n', 'is empty'),
    ('{"images": [', 'not valid JSON'),
    ('[1, 2]', 'should be a JSON object'),
])
def test_empty_or_broken_json(writer, build_dataset, content, match):
    path = writer.write_json(content, f'annotations/val/{VIDEO}.json')
    with pytest.raises(InputError, match=match) as e:
        build_dataset(data_root=writer.root, ann_file='annotations/val')
    assert path in str(e.value)


def test_missing_annotation_paths(writer, build_dataset, tmp_path):
    (tmp_path / 'annotations' / 'empty').mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match='no .json files'):
        build_dataset(data_root=writer.root, ann_file='annotations/empty')
    with pytest.raises(FileNotFoundError, match='nope.json'):
        build_dataset(data_root=writer.root, ann_file='annotations/nope.json')


def test_annotations_optional_with_detections(writer, build_dataset):
    video = writer.video(VIDEO, nframes=3, labeled=(1, ))
    del video['annotations']  # PoseTrack test-set style
    writer.write_json(video, f'annotations/val/{VIDEO}.json')
    bbox_file = _detections(writer, [
        dict(
            image_id=writer.image_id('000001', 1),
            category_id=1,
            bbox=[1, 1, 20, 20],
            score=0.5)
    ])
    ds = build_dataset(
        data_root=writer.root,
        ann_file='annotations/val',
        bbox_file=bbox_file,
        test_mode=True)
    assert len(ds) == 1


def test_serialised_dataset_and_subset(one_video, build_dataset):
    ds = build_dataset(
        data_root=one_video.root,
        ann_file='annotations/val',
        serialize_data=True,
        indices=[2])
    assert len(ds) == 1
    info = ds.get_data_info(0)
    assert info['frame_index'] == 5
    assert frame_numbers(info['frame_paths']) == [3, 4, 5, 5, 5]


def test_bbox_score_thr_is_mmposes_filter_cfg(writer, build_dataset):
    writer.write_json(
        writer.video(VIDEO, nframes=6, labeled=(0, 3)),
        f'annotations/val/{VIDEO}.json')
    iid = writer.image_id('000001', 3)
    bbox_file = _detections(writer, [
        dict(image_id=iid, category_id=1, bbox=[5, 6, 20, 30], score=s)
        for s in (0.1, 0.9, 0.2, 0.5)
    ])
    kwargs = dict(
        data_root=writer.root,
        ann_file='annotations/val',
        bbox_file=bbox_file,
        test_mode=True)
    shorthand = build_dataset(bbox_score_thr=0.3, **kwargs)
    mmpose_way = build_dataset(filter_cfg=dict(bbox_score_thr=0.3), **kwargs)
    for ds in (shorthand, mmpose_way):
        infos = [ds.get_data_info(i) for i in range(len(ds))]
        assert [float(i['bbox_score'][0]) for i in infos] == pytest.approx(
            [0.9, 0.5])
        assert [i['id'] for i in infos] == [0, 1]
        assert ds.skip_counts == {'det_below_score_thr': 2}
    with pytest.raises(ValueError, match='contradicts'):
        build_dataset(
            bbox_score_thr=0.3, filter_cfg=dict(bbox_score_thr=0.5), **kwargs)
