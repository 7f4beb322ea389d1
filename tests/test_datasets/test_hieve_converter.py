"""HiEve: the converter on the generated sample (both label layouts and a
test video), the dataset with the HiEve metainfo, and the converter's
errors on malformed labels."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmpose.registry import DATASETS

from tdmi_mmpose.datasets.converters.hieve import convert_hieve, main
from tdmi_mmpose.datasets.converters.hieve import \
    FRAMES_PER_VIDEO as FRAMES
from tdmi_mmpose.io.hieve_format import (HIEVE_JOINT_TAGS,
                                               hieve_keypoint_names)
from tdmi_mmpose.synthetic import LABEL_DIR, make_sample_hieve
from tdmi_mmpose.io import InputError
from tdmi_mmpose.utils import run_tool

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY_CONFIG = osp.join(ROOT, 'configs', 'tdmi_tiny_hieve_sample.py')
VAL_VIDEO = '3'


@pytest.fixture(scope='module')
def sample(tmp_path_factory):
    raw = str(tmp_path_factory.mktemp('hieve_raw'))
    out = str(tmp_path_factory.mktemp('hieve'))
    summary = make_sample_hieve(raw, seed=0)
    train_report = convert_hieve(
        out, osp.join(raw, 'videos', 'train'), osp.join(raw, LABEL_DIR),
        val_videos=[VAL_VIDEO], progress=False)
    test_report = convert_hieve(
        out, osp.join(raw, 'videos', 'test'), progress=False)
    return dict(raw=raw, root=out, summary=summary, train=train_report,
                test=test_report)


def _load(path):
    with open(path) as f:
        return json.load(f)


def test_sample_has_both_label_layouts(sample):
    layouts = sample['summary']['layouts']
    assert set(layouts.values()) == {'posetrack', 'xml', 'json'}
    labels = osp.join(sample['raw'], LABEL_DIR)
    assert osp.isfile(osp.join(labels, '1.json'))
    assert osp.isfile(osp.join(labels, '2', '000000.xml'))
    assert osp.isfile(osp.join(labels, '3', '000000.json'))


def test_converted_layout_and_frames(sample):
    root = sample['root']
    assert sorted(os.listdir(osp.join(root, 'annotations'))) == [
        'test', 'test_coco.json', 'train', 'train_coco.json', 'val',
        'val_coco.json'
    ]
    assert sorted(os.listdir(osp.join(root, 'annotations', 'train'))) == [
        '1.json', '2.json'
    ]
    assert os.listdir(osp.join(root, 'annotations', 'val')) == ['3.json']
    video = _load(osp.join(root, 'annotations', 'train', '1.json'))
    nframes = len(os.listdir(osp.join(root, 'images', 'train', '1')))
    assert nframes == 12  # every frame of the mp4
    assert [image['file_name'] for image in video['images']] == [
        f'images/train/1/{t:06d}.jpg' for t in range(nframes)
    ]
    assert [image['id'] for image in video['images']] == [
        1 * FRAMES + t for t in range(nframes)
    ]
    assert {image['nframes'] for image in video['images']} == {nframes}
    assert [image['is_labeled'] for image in video['images']] == [
        t in sample['summary']['ground_truth']['1'] for t in range(nframes)
    ]
    assert video['categories'][0]['keypoints'] == hieve_keypoint_names()
    assert sample['train'].counts['videos'] == 3
    # test video: every frame listed, nothing labelled, no annotations
    test = _load(osp.join(root, 'annotations', 'test', '20.json'))
    assert len(test['images']) == 8 and test['annotations'] == []
    assert not any(image['is_labeled'] for image in test['images'])
    assert len(_load(osp.join(root, 'annotations',
                              'test_coco.json'))['images']) == 8


def test_keypoints_match_the_generator(sample):
    """Both layouts give the generator's joints, HiEve flags mapped to v
    (0 visible -> 2, 1 invisible -> 1, -1 -> 0, 0, 0)."""
    truth = sample['summary']['ground_truth']
    seen_v = set()
    for name, split in (('1', 'train'), ('2', 'train'), ('3', 'val')):
        video = _load(osp.join(sample['root'], 'annotations', split,
                               f'{name}.json'))
        frame_of = {image['id']: t for t, image in enumerate(video['images'])}
        got = {}
        for ann in video['annotations']:
            got[(frame_of[ann['image_id']], ann['track_id'])] = np.array(
                ann['keypoints']).reshape(14, 3)
            assert ann['num_keypoints'] == int((got[(
                frame_of[ann['image_id']], ann['track_id'])][:, 2] > 0).sum())
        expected = {(int(t), int(track)): np.array(kpts)
                    for t, people in truth[name].items()
                    for track, kpts in people.items()}
        assert got.keys() == expected.keys()
        for key in expected:
            np.testing.assert_allclose(got[key], expected[key], atol=0.01)
            seen_v |= set(expected[key][:, 2].tolist())
    assert seen_v == {0, 1, 2}
    coco = _load(osp.join(sample['root'], 'annotations', 'val_coco.json'))
    val = _load(osp.join(sample['root'], 'annotations', 'val', '3.json'))
    assert [a['id'] for a in coco['annotations']] == [
        a['id'] for a in val['annotations']
    ]
    assert {i['id'] for i in coco['images']} == {
        i['id'] for i in val['images'] if i['is_labeled']
    }


@pytest.mark.parametrize('split', ['train', 'val'])
def test_dataset_with_hieve_metainfo(sample, split):
    """The shipped tiny config's dataset reads the converted files: 14
    keypoints, values and visibility as the generator drew them."""
    cfg = Config.fromfile(TINY_CONFIG)
    dataset_cfg = cfg[f'{split}_dataloader'].dataset
    dataset_cfg.update(data_root=sample['root'] + '/', pipeline=[])
    dataset = DATASETS.build(dataset_cfg)
    assert dataset.metainfo['dataset_name'] == 'hieve'
    assert dataset.metainfo['num_keypoints'] == 14
    assert dataset.metainfo['flip_indices'] == [
        0, 1, 5, 6, 7, 2, 3, 4, 11, 12, 13, 8, 9, 10
    ]
    truth = sample['summary']['ground_truth']
    names = {'train': ['1', '2'], 'val': ['3']}[split]
    expected = {(name, int(t), int(track)): np.array(kpts)
                for name in names for t, people in truth[name].items()
                for track, kpts in people.items()}
    assert len(dataset) == len(expected)
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        kpts = expected[(info['video_name'], info['frame_index'],
                         info['track_id'])]
        np.testing.assert_allclose(info['keypoints'][0], kpts[:, :2],
                                   atol=0.01)
        np.testing.assert_array_equal(info['keypoints_visible'][0],
                                      np.minimum(kpts[:, 2], 1))
        assert len(info['frame_paths']) == 5


def test_test_split_with_detections(sample, tmp_path):
    """Test videos: images only, no frame labelled; detected boxes matched
    by image name, on every frame with ``labeled_frames_only=False``."""
    det_file = str(tmp_path / 'dets.json')
    with open(det_file, 'w') as f:
        json.dump([
            dict(image_name='images/test/20/000003.jpg', bbox=[10, 20, 60,
                                                               150],
                 score=0.9, category_id=1)
        ], f)
    cfg = Config.fromfile(TINY_CONFIG)
    dataset_cfg = cfg.test_dataloader.dataset
    dataset_cfg.update(data_root=sample['root'] + '/', pipeline=[],
                       ann_file='annotations/test/', bbox_file=det_file,
                       labeled_frames_only=False)
    dataset = DATASETS.build(dataset_cfg)
    info = dataset.get_data_info(0)
    assert len(dataset) == 1
    assert info['img_id'] == 20 * FRAMES + 3
    assert info['keypoints'].shape == (1, 14, 2)


def test_interrupted_conversion_leaves_nothing_complete_looking(
        sample, tmp_path, monkeypatch):
    """A conversion that fails while extracting the second video's frames
    leaves no frame folder of that video and no annotation file at all."""
    import mmcv
    extract = mmcv.VideoReader.cvt2frames
    calls = []

    def fail_on_second_video(self, frame_dir, **kwargs):
        calls.append(frame_dir)
        if len(calls) == 2:
            self[0]  # decode a little, then die mid-extraction
            cv2.imwrite(osp.join(frame_dir, '000000.jpg'), self[0])
            raise KeyboardInterrupt
        return extract(self, frame_dir, **kwargs)

    monkeypatch.setattr(mmcv.VideoReader, 'cvt2frames', fail_on_second_video)
    out = str(tmp_path / 'out')
    with pytest.raises(KeyboardInterrupt):
        convert_hieve(out, osp.join(sample['raw'], 'videos', 'train'),
                      osp.join(sample['raw'], LABEL_DIR), progress=False)
    assert len(calls) == 2
    images = osp.join(out, 'images', 'train')
    visible = sorted(n for n in os.listdir(images) if not n.startswith('.'))
    assert len(visible) == 1  # the first video only, complete
    assert not osp.exists(osp.join(out, 'annotations'))
    assert not [n for n in os.listdir(images) if n.startswith('.')]


# ----------------------------------------------------------------------
# Malformed and unusual labels
# ----------------------------------------------------------------------
NFRAMES = 4


@pytest.fixture
def frames_root(tmp_path):
    """A converted-dataset root whose video ``7`` already has its frames
    (no video file needed)."""
    folder = tmp_path / 'out' / 'images' / 'train' / '7'
    folder.mkdir(parents=True)
    for t in range(NFRAMES):
        cv2.imwrite(str(folder / f'{t:06d}.jpg'),
                    np.full((60, 80, 3), 100, np.uint8))
    return tmp_path


def _point(k, x=10.0, y=20.0):
    return dict(id=[k], x=[x], y=[y], score=[1])


def _posetrack_file(**person_changes):
    person = dict(x1=[1], y1=[2], x2=[50], y2=[58], track_id=[4],
                  annopoints=[dict(point=[_point(0), _point(5, 30, 40)])])
    person.update(person_changes)
    return dict(annolist=[
        dict(image=[dict(name='000001.jpg')], annorect=[person])
    ])


def _xml(name='P-4', **tags):
    box = dict(xmin='1', ymin='2', xmax='50', ymax='58', Nose='10,20,0')
    box.update(tags)
    fields = ''.join(f'<{k}>{v}</{k}>' for k, v in box.items()
                     if v is not None)
    return (f'<annotation><object><name>{name}</name><bndbox>{fields}'
            '</bndbox></object></annotation>')


def _write_labels(root, layout, content):
    labels = root / 'labels'
    if layout == 'posetrack':
        labels.mkdir()
        path = labels / '7.json'
        path.write_text(json.dumps(content))
    else:
        (labels / '7').mkdir(parents=True)
        path = labels / '7' / ('000009.xml' if content is None else
                               '000001.xml')
        path.write_text(_xml() if content is None else content)
    return str(labels), str(path)


RECORD = 'annolist[0].annorect[0]'
POINT = 'annolist[0].annorect[0].annopoints.point[0]'
MALFORMED = [
    ('posetrack', _posetrack_file(annopoints=[dict(point=[dict(
        id=[0], y=[1])])]), POINT, 'missing field "x"'),
    ('posetrack', _posetrack_file(annopoints=[dict(point=[_point(0, 'a')])]),
     POINT, "must be a number, got the string 'a'"),
    ('posetrack', _posetrack_file(annopoints=[dict(point=[dict(
        id=[0], x=[1, 2], y=[3])])]), POINT, 'one-element list'),
    ('posetrack', _posetrack_file(annopoints=[dict(point=[_point(14)])]),
     POINT, 'joint id 14 is not a HiEve joint'),
    ('posetrack', _posetrack_file(annopoints=[dict(point=[_point(3),
                                                          _point(3)])]),
     'point[1]', 'joint id 3 appears twice'),
    ('posetrack', _posetrack_file(x2=None), RECORD, 'missing field "x2"'),
    ('posetrack', _posetrack_file(x2=[0]), RECORD, 'x2 < x1'),
    ('posetrack', _posetrack_file(track_id=[1.5]), RECORD, 'track_id'),
    ('posetrack', dict(annolist=[dict(image=[dict(name='000009.jpg')],
                                      annorect=[])]),
     'annolist[0]', f"frame 9 ('000009.jpg') is labelled but the video has "
     f'{NFRAMES} frames'),
    ('xml', None, '000009.xml: file name', 'frame 9'),
    ('posetrack', dict(annolist=[dict(image=[dict(name='a.jpg')])]),
     'annolist[0]', 'no frame number'),
    ('posetrack', dict(images=[]), '', 'missing field "annolist"'),
    ('posetrack', dict(annolist=[dict(image=[dict(name='000001.jpg')],
                                      annorect=[_posetrack_file()['annolist']
                                                [0]['annorect'][0]] * 2)]),
     'annolist[0].annorect[1]', 'track id 4 is used twice'),
    ('xml', _xml(Nose='10,20,2'), 'object[0]: field "bndbox.Nose"',
     "flag '2' is not one of 0"),
    ('xml', _xml(Nose='x,20,0'), 'object[0]: field "bndbox.Nose"',
     "must be a number (finite), got 'x'"),
    ('xml', _xml(Nose='10,20'), 'object[0]: field "bndbox.Nose"',
     'must be a string "x,y,flag"'),
    ('xml', _xml(name='Q-4'), 'object[0]', "person id \"P-<number>\", got "
     "'Q-4'"),
    ('xml', _xml(name='P-'), 'object[0]', 'person id'),
    ('xml', _xml(xmin=None), 'object[0]', 'missing field "bndbox.xmin"'),
    ('xml', _xml(ymax='1.0e999'), 'object[0]: field "bndbox.ymax"',
     "must be a number (finite), got '1.0e999'"),
    ('xml', _xml(Nose='1e30,20,0'), 'object[0]: field "bndbox.Nose"',
     'is not a pixel position'),
    ('xml', _xml(xmax='1e30'), 'object[0]: field "bndbox.xmax"',
     'is not a pixel position'),
    ('xml', '<annotation><object>', '', 'not valid XML'),
]


@pytest.mark.parametrize('layout,content,record,message', MALFORMED)
def test_malformed_labels(frames_root, layout, content, record, message):
    labels, path = _write_labels(frames_root, layout, content)
    with pytest.raises(InputError) as error:
        convert_hieve(str(frames_root / 'out'), labels=labels,
                      progress=False)
    text = str(error.value)
    assert path in text and record in text and message in text, text


def test_unusual_but_valid_labels(frames_root):
    """Missing points and tags, -1 flags (coordinates dropped), flag 1,
    ``is_visible: 0`` and bare (unwrapped) values."""
    labels = frames_root / 'labels'
    (labels / '7').mkdir(parents=True)
    (labels / '7' / '000002.xml').write_text(
        _xml(Nose='10,20,-1', Chest='11,21,1', **{'Left-ankle': '5,6,0'}))
    (labels / '7' / '000003.xml').write_text(_xml(name='P-8', Nose=None))
    # a video without labels is reported, not converted (nor opened)
    (frames_root / 'videos').mkdir()
    (frames_root / 'videos' / '21.mp4').write_bytes(b'')
    report = convert_hieve(str(frames_root / 'out'),
                           str(frames_root / 'videos'), str(labels),
                           progress=False)
    assert report.as_dict()['skipped'] == {
        'videos without labels (not converted; convert test videos without '
        '--labels)': 1
    }
    assert os.listdir(frames_root / 'out' / 'annotations' / 'train') == [
        '7.json'
    ]
    video = _load(str(frames_root / 'out' / 'annotations' / 'train' /
                      '7.json'))
    first, second = (np.array(a['keypoints']).reshape(14, 3)
                     for a in video['annotations'])
    expected = np.zeros((14, 3))
    expected[1] = (11, 21, 1)
    expected[13] = (5, 6, 2)
    np.testing.assert_array_equal(first, expected)
    np.testing.assert_array_equal(second, np.zeros((14, 3)))
    assert [a['track_id'] for a in video['annotations']] == [4, 8]
    assert video['annotations'][0]['bbox'] == [1, 2, 49, 56]
    assert report.notes['joints missing from "bndbox" (not annotated)'][
        0] == 11 + 14
    # PoseTrack2017 style: bare values, is_visible 0, missing points
    (labels / '7' / '000002.xml').unlink()
    (labels / '7' / '000003.xml').unlink()
    (labels / '7').rmdir()
    (labels / '7.json').write_text(json.dumps(dict(annolist=[dict(
        image=dict(name='000000.jpg'),
        annorect=[
            dict(x1=1, y1=2, x2=50, y2=58, track_id=3,
                 annopoints=dict(point=[
                     dict(id=2, x=7.5, y=8, is_visible=0),
                     dict(id=[9], x=[9], y=[10])])),
            dict(track_id=[5])  # neither box nor joint: skipped
        ])])))
    report = convert_hieve(str(frames_root / 'out'), labels=str(labels),
                           progress=False)
    assert report.as_dict()['skipped'] == {
        'people with neither a box nor a joint': 1
    }
    video = _load(str(frames_root / 'out' / 'annotations' / 'train' /
                      '7.json'))
    assert len(video['annotations']) == 1
    kpts = np.array(video['annotations'][0]['keypoints']).reshape(14, 3)
    expected = np.zeros((14, 3))
    expected[2] = (7.5, 8, 1)
    expected[9] = (9, 10, 2)
    np.testing.assert_array_equal(kpts, expected)
    assert video['annotations'][0]['track_id'] == 3


def test_command_line_reports_errors(frames_root, capsys):
    labels, path = _write_labels(frames_root, 'xml', _xml(Nose='1,2,5'))
    assert run_tool(main, [str(frames_root / 'out'), '--labels', labels,
                           '--no-progress']) == 2
    assert path in capsys.readouterr().err
    assert run_tool(main, [str(frames_root / 'out'), '--labels', labels,
                           '--val-videos', '99']) == 2
    assert "val_videos ['99']" in capsys.readouterr().err


def test_joint_tags_follow_the_metainfo():
    assert hieve_keypoint_names() == [
        tag.lower().replace('-', '_') for tag in HIEVE_JOINT_TAGS
    ]


@pytest.mark.parametrize('name', ['tdmi_tiny_hieve_sample.py',
                                  'tdmi_hrnet_w48_hieve.py'])
def test_shipped_hieve_configs_build(sample, name):
    """Model (14 heatmaps) and datasets build on the converted sample; the
    evaluator is the local CocoMetric on the held-out videos' COCO GT."""
    from mmpose.registry import MODELS

    from tdmi_mmpose.io import load_config
    cfg = load_config(osp.join(ROOT, 'configs', name),
                      {'data_root': sample['root'] + '/'})
    model = MODELS.build(cfg.model)
    assert model.head.out_channels == 14
    for key in ('train_dataloader', 'val_dataloader'):
        dataset = DATASETS.build(cfg[key].dataset)
        assert dataset.metainfo['num_keypoints'] == 14 and len(dataset)
    for evaluator in (cfg.val_evaluator, cfg.test_evaluator):
        assert dict(evaluator) == dict(
            type='CocoMetric',
            ann_file=sample['root'] + '/annotations/val_coco.json')
    assert cfg.default_hooks.checkpoint.save_best == 'coco/AP'
