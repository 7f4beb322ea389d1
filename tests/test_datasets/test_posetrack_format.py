# Copyright (c) tdmi_mmpose contributors.
"""The PoseTrack format module: each rule once, used by every reader."""
import json
import os

import numpy as np
import pytest

from mmpose.datasets.datasets.utils import parse_pose_metainfo
from tdmi_mmpose.apis import check_person_boxes
from tdmi_mmpose.datasets.converters import merge_split
from tdmi_mmpose.io import (
    POSETRACK18_KEYPOINT_NAMES, InputError, clip_boxes,
    frame_number, frame_table, json_files, load_json, order_frames,
    parse_ignore_regions, parse_keypoints, posetrack18_metainfo_file,
    read_detections, posetrack_categories, split_videos, video_key)
from tdmi_mmpose.evaluation.metrics import (load_posetrack_gt,
                                            parse_posetrack_video)


def _image(i, folder='images/val/000001_a', **extra):
    return dict(id=i, file_name=f'{folder}/{i:06d}.jpg', **extra)


def test_keypoints_come_from_mmpose_metainfo():
    meta = parse_pose_metainfo(dict(from_file=posetrack18_metainfo_file()))
    assert POSETRACK18_KEYPOINT_NAMES == tuple(
        meta['keypoint_id2name'][i] for i in range(17))
    category, = posetrack_categories()
    assert category['keypoints'] == list(POSETRACK18_KEYPOINT_NAMES)
    assert category['id'] == 1 and len(category['skeleton']) == 19


@pytest.mark.parametrize('content, error, match', [
    (None, FileNotFoundError, 'not found'),
    ('', InputError, 'is empty'),
    ('{"images": [', InputError, 'not valid JSON'),
])
def test_load_json_errors_name_the_file(tmp_path, content, error, match):
    path = tmp_path / 'a.json'
    if content is not None:
        path.write_text(content)
    with pytest.raises(error, match=match) as e:
        load_json(str(path))
    assert str(path) in str(e.value)


def test_json_files(tmp_path):
    (tmp_path / 'b.json').write_text('{}')
    (tmp_path / 'a.json').write_text('{}')
    (tmp_path / 'notes.txt').write_text('')
    assert json_files(str(tmp_path)) == [
        str(tmp_path / 'a.json'), str(tmp_path / 'b.json')
    ]
    assert json_files(str(tmp_path / 'a.json')) == [str(tmp_path / 'a.json')]
    os.mkdir(tmp_path / 'empty')
    with pytest.raises(FileNotFoundError, match='no .json files'):
        json_files(str(tmp_path / 'empty'))


def test_ignore_regions_one_rule():
    image = dict(
        id=1, ignore_regions_x=[[0, 10, 10]], ignore_regions_y=[[0, 0, 5]])
    region, = parse_ignore_regions(image, 'f.json: image 1')
    np.testing.assert_array_equal(region, [[0, 0], [10, 0], [10, 5]])
    assert parse_ignore_regions(dict(id=1), 'f.json') == []
    for xs, ys in (([[0, 10, 10]], [[0, 0]]), ([[0, 1, 2]], []),
                   ([[0, 1, 2]], [[0, 1, 2], [3, 4, 5]])):
        bad = dict(id=1, ignore_regions_x=xs, ignore_regions_y=ys)
        with pytest.raises(InputError, match='f.json'):
            parse_ignore_regions(bad, 'f.json: image 1')


def test_metric_rejects_mismatched_ignore_regions_like_the_dataset():
    video = dict(
        images=[
            _image(
                0, ignore_regions_x=[[0, 10, 10]], ignore_regions_y=[[0, 0]])
        ],
        annotations=[])
    with pytest.raises(InputError, match='ignore_regions'):
        parse_posetrack_video(video, 'gt.json', is_gt=True)


def test_keypoints_and_detections():
    ann = dict(id=3, keypoints=[1, 2, 1] * 17)
    assert parse_keypoints(ann, 17, 'f.json').shape == (17, 3)
    with pytest.raises(InputError, match='expected 17'):
        parse_keypoints(dict(keypoints=[1] * 45), 17, 'f.json')
    with pytest.raises(InputError, match='must be numbers'):
        parse_keypoints(dict(keypoints=[None] * 51), 17, 'f.json')
    (det, ), skipped = read_detections([dict(bbox=[1, 2, 3, 4, 9],
                                             image_id=7)], ('image_id', ),
                                       'd.json')
    assert det['bbox'].tolist() == [1, 2, 3, 4]
    assert det['score'] == 1.0 and not skipped  # a person by default
    with pytest.raises(InputError, match=r'd.json: detection #0.*"bbox"'):
        read_detections([dict(bbox=[1, 2], image_id=7)], ('image_id', ),
                        'd.json')


def test_one_clipping_rule_for_dataset_and_user_boxes():
    boxes = np.array([[-5, 10, 50, 300, 1]], np.float32)
    np.testing.assert_array_equal(
        clip_boxes(boxes, (320, 240)), [[0, 10, 50, 240, 1]])
    clipped, _ = check_person_boxes(boxes, (240, 320), 'frame 0')
    np.testing.assert_array_equal(clipped, clip_boxes(boxes, (320, 240)))


def test_frame_numbers_and_order():
    assert frame_number('images/val/x/000012.jpg') == 12
    assert frame_number('images/x/00000001.jpg') == 1
    assert frame_number('images/x/12_a.jpg') is None
    images = [dict(id=1, frame_id=20, file_name='b/1.jpg'),
              dict(id=2, frame_id=10, file_name='b/2.jpg')]
    assert [i['id'] for i in order_frames(images)] == [2, 1]
    del images[0]['frame_id']
    assert [i['id'] for i in order_frames(images)] == [1, 2]


def test_frame_table_of_an_incomplete_video_uses_file_numbers():
    images = [_image(0, nframes=5), _image(3, nframes=5)]
    frames, index, complete = frame_table(images, 'f.json: video 1')
    assert not complete and index == {0: 0, 3: 3}
    assert frames[1] is None and frames[3].endswith('000003.jpg')


def test_one_video_rule_for_metric_and_merge_split(tmp_path):
    images = [
        _image(1, vid_id='7'),
        _image(2, vid_id='7'),
        _image(3, folder='images/val/000002_b'),  # no vid_id: its folder
    ]
    assert [video_key(i) for i in images] == ['7', '7', 'images/val/000002_b']
    data = dict(
        images=images,
        annotations=[dict(id=5, image_id=3, keypoints=[])],
        categories=posetrack_categories())
    videos = split_videos(data, 'm.json')
    assert list(videos) == ['000001_a', '000002_b']
    assert [a['id'] for a in videos['000002_b']['annotations']] == [5]

    path = tmp_path / 'm.json'
    path.write_text(json.dumps(data))
    gt_videos, _ = load_posetrack_gt(str(path))
    merge_split.split_posetrack(str(path), str(tmp_path / 'out'),
                                progress=False)
    for name, video in gt_videos.items():
        written = json.loads((tmp_path / 'out' / f'{name}.json').read_text())
        assert written == json.loads(json.dumps(video))

    images[2]['file_name'] = 'images/val/000001_a/000009.jpg'
    images[2]['vid_id'] = '8'  # two videos in one folder
    with pytest.raises(InputError, match='both named'):
        split_videos(data, 'm.json')
    images[2]['vid_id'] = '7'
    images[2]['file_name'] = 'images/val/other/000009.jpg'
    with pytest.raises(InputError, match='images of vid_id'):
        split_videos(data, 'm.json')
