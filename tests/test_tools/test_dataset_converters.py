"""Tests of the dataset converters (tdmi_mmpose.datasets.converters, behind
tools/dataset_converters): PT17 -> PT18 and merge/split."""
import copy
import json
import os
import os.path as osp
import shutil

import pytest

from tdmi_mmpose.datasets.converters import merge_split
from tdmi_mmpose.datasets.converters import posetrack17 as pt17
from tdmi_mmpose.utils import InputError, run_tool

FOLDER = 'images/bonn_5sec/000342_mpii'


def _pt17_fixture():
    """A hand-written PoseTrack2017 video: 3 frames (numbered 1..3).

    Frame 1: person A with 5 joints (list-wrapped scalars, head box,
    track 0), a person without points, and one ignore region.
    Frame 2: no annotations, no ``is_labeled`` field.
    Frame 3: person B written with bare scalars, one unknown joint id (15),
    one joint marked ``is_visible: 0``, and a lone dict where lists are
    expected.
    """
    person_a = {
        'x1': [100], 'y1': [50], 'x2': [130], 'y2': [90],
        'track_id': [0],
        'annopoints': [{'point': [
            {'id': [13], 'x': [115.0], 'y': [70.0], 'is_visible': [1]},
            {'id': [12], 'x': [116.0], 'y': [88.0], 'is_visible': [1]},
            {'id': [14], 'x': [114.0], 'y': [52.0], 'is_visible': [1]},
            {'id': [0], 'x': [100.0], 'y': [250.0], 'is_visible': [1]},
            {'id': [9], 'x': [140.0], 'y': [100.0], 'is_visible': [1]},
        ]}],
    }
    person_b = {
        'x1': 10, 'y1': 20, 'x2': 30, 'y2': 45,
        'track_id': 1,
        'annopoints': {'point': [
            {'id': 5, 'x': 12.5, 'y': 150.0, 'is_visible': 1},
            {'id': 6, 'x': 40.0, 'y': 90.0, 'is_visible': 0},
            {'id': 15, 'x': 1.0, 'y': 1.0, 'is_visible': 1},
        ]},
    }
    return {'annolist': [
        {
            'image': [{'name': f'{FOLDER}/00000001.jpg'}],
            'imgnum': [1],
            'is_labeled': [1],
            'annorect': [person_a, {'x1': [1], 'y1': [1], 'x2': [5],
                                    'y2': [5], 'track_id': [7],
                                    'annopoints': []}],
            'ignore_regions': [{'point': [
                {'x': [0], 'y': [0]}, {'x': [50], 'y': [0]},
                {'x': [50], 'y': [40]}]}],
        },
        {
            'image': [{'name': f'{FOLDER}/00000002.jpg'}],
            'imgnum': [2],
            'annorect': [],
        },
        {
            'image': {'name': f'{FOLDER}/00000003.jpg'},
            'imgnum': 3,
            'is_labeled': 1,
            'annorect': person_b,
        },
    ]}


def _write(path, obj):
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f)


def _read(path):
    with open(path) as f:
        return json.load(f)


def test_pt17_joint_mapping_and_fields():
    name, video = pt17.convert_posetrack17_video(_pt17_fixture(), 'x.json')
    assert name == '000342_mpii'
    images = video['images']
    assert [img['file_name'] for img in images] == [
        f'{FOLDER}/0000000{i}.jpg' for i in (1, 2, 3)]
    assert [img['id'] for img in images] == [
        10003420000, 10003420001, 10003420002]
    assert all(img['frame_id'] == img['id'] for img in images)
    assert all(img['vid_id'] == '1000342' for img in images)
    assert all(img['nframes'] == 3 for img in images)
    assert [img['is_labeled'] for img in images] == [True, False, True]
    assert images[0]['ignore_regions_x'] == [[0, 50, 50]]
    assert images[0]['ignore_regions_y'] == [[0, 0, 40]]
    assert 'ignore_regions_x' not in images[1]

    cat, = video['categories']
    assert cat['keypoints'][3:5] == ['left_ear', 'right_ear']
    assert len(cat['keypoints']) == 17

    a, b = video['annotations']
    assert a['id'] == 10003420000 * 100 and a['image_id'] == 10003420000
    assert b['id'] == 10003420002 * 100 and b['image_id'] == 10003420002
    assert (a['track_id'], b['track_id']) == (0, 1)
    ka = a['keypoints']
    assert len(ka) == 51
    assert ka[0:3] == [115.0, 70.0, 1]  # nose <- PT17 id 13
    assert ka[3:6] == [116.0, 88.0, 1]  # head_bottom <- 12 (neck)
    assert ka[6:9] == [114.0, 52.0, 1]  # head_top <- 14
    assert ka[9:15] == [0] * 6  # ears
    assert ka[15:18] == [140.0, 100.0, 1]  # left_shoulder <- 9
    assert ka[48:51] == [100.0, 250.0, 1]  # right_ankle <- 0
    assert sum(ka[2::3]) == 5
    assert a['bbox_head'] == [100.0, 50.0, 30.0, 40.0]
    # bbox: joints + head box span x 100..140, y 50..250; 15% margin.
    assert a['bbox'] == [94.0, 20.0, 52.0, 260.0]

    kb = b['keypoints']
    assert kb[45:48] == [12.5, 150.0, 1]  # left_ankle <- 5
    assert kb[30:33] == [40.0, 90.0, 1]  # right_wrist <- 6, is_visible 0
    assert sum(kb[2::3]) == 2  # unknown id 15 skipped
    assert b['bbox_head'] == [10.0, 20.0, 20.0, 25.0]
    # x 10..40 (w 30), y 20..150 (h 130): margins 4.5 and 19.5, clip at 0.
    assert b['bbox'] == [5.5, 0.5, 39.0, 169.0]


def test_pt17_report_and_drop_invisible():
    report = pt17.ConversionReport()
    _, video = pt17.convert_posetrack17_video(_pt17_fixture(), 'x.json',
                                              drop_invisible=True,
                                              report=report)
    kb = video['annotations'][1]['keypoints']
    assert kb[30:33] == [0, 0, 0]
    d = report.as_dict()
    assert d['counts'] == dict(files=0, videos=1, frames=3, labeled_frames=2,
                               unlabeled_frames=1, people=2, keypoints=6)
    assert d['skipped'] == {
        'people without annotated points': 1,
        'points with an unknown joint id (valid: 0-14)': 1,
        'points marked is_visible=0 (drop_invisible)': 1,
    }
    text = report.format()
    assert 'people without annotated points' in text
    assert 'x.json: annolist[0].annorect[1]' in text
    assert 'annolist[2].annorect[0].annopoints.point[2] id=15' in text


def test_pt17_folder_conversion_cli(tmp_path, capsys):
    src = tmp_path / 'pt17'
    _write(str(src / '000342_mpii_relpath_5sec_testsub.json'),
           _pt17_fixture())
    other = _pt17_fixture()
    for entry in other['annolist']:
        img = entry['image']
        img = img[0] if isinstance(img, list) else img
        img['name'] = img['name'].replace('000342_mpii', '000010_bonn')
    _write(str(src / '000010_bonn_relpath_5sec_trainsub.json'), other)
    out = tmp_path / 'pt18'
    assert pt17.main([str(src), str(out), '--no-progress']) == 0
    printed = capsys.readouterr().out
    assert 'videos 2' in printed and 'Skipped:' in printed
    assert sorted(os.listdir(out)) == ['000010_bonn.json',
                                       '000342_mpii.json']
    bonn = _read(str(out / '000010_bonn.json'))
    assert bonn['images'][0]['id'] == 20000100000
    assert bonn['images'][0]['vid_id'] == '2000010'

    # The converted files merge and split back unchanged.
    merged = str(tmp_path / 'merged.json')
    merge_split.merge_posetrack(str(out), merged, progress=False)
    merge_split.split_posetrack(merged, str(tmp_path / 'back'),
                                progress=False)
    for name in os.listdir(out):
        with open(out / name, 'rb') as f1, \
                open(tmp_path / 'back' / name, 'rb') as f2:
            assert f1.read() == f2.read()


def test_pt17_img_root_adds_missing_frames(tmp_path):
    frames_dir = tmp_path / FOLDER
    frames_dir.mkdir(parents=True)
    for i in range(1, 7):
        (frames_dir / f'{i:08d}.jpg').write_bytes(b'')
    (frames_dir / 'notes.txt').write_text('x')
    data = _pt17_fixture()
    del data['annolist'][1]  # frame 2 missing from the annotations
    report = pt17.ConversionReport()
    _, video = pt17.convert_posetrack17_video(data, 'x.json',
                                              img_root=str(tmp_path),
                                              report=report)
    ids = [img['id'] % 10000 for img in video['images']]
    assert ids == [0, 1, 2, 3, 4, 5]
    assert all(img['nframes'] == 6 for img in video['images'])
    assert [img['is_labeled'] for img in video['images']] == [
        True, False, True, False, False, False]
    assert video['images'][1]['file_name'] == f'{FOLDER}/00000002.jpg'
    assert report.as_dict()['notes'][
        'unlabelled frames added from disk'] == 4

    # Without img_root the gap is filled by file-name arithmetic, reported.
    report = pt17.ConversionReport()
    _, video = pt17.convert_posetrack17_video(data, 'x.json', report=report)
    assert [img['file_name'] for img in video['images']] == [
        f'{FOLDER}/0000000{i}.jpg' for i in (1, 2, 3)]
    assert [img['id'] % 10000 for img in video['images']] == [0, 1, 2]
    assert not video['images'][1]['is_labeled']
    assert all(img['nframes'] == 3 for img in video['images'])
    notes = report.as_dict()['notes']
    assert [n for k, n in notes.items() if 'arithmetic' in k] == [1]


@pytest.mark.parametrize('mutate, field', [
    (lambda d: d.pop('annolist'), 'annolist'),
    (lambda d: d['annolist'][0]['annorect'][0]['annopoints'][0]['point'][1]
     .pop('x'), 'annorect[0].annopoints.point[1]: missing field "x"'),
    (lambda d: d['annolist'][0]['annorect'][0]['annopoints'][0]['point'][1]
     .update(id=[13]), 'field "id" joint id 13 appears twice'),
    (lambda d: d['annolist'][0]['annorect'][0].pop('y2'),
     'annorect[0]: missing field "y2"'),
    (lambda d: d['annolist'][0]['annorect'][0].update(x1=[1, 2]),
     'field "x1" must be a number or a one-element list'),
    (lambda d: d['annolist'][0]['annorect'][0]['annopoints'][0]['point'][0]
     .update(y=['abc']), 'field "y" must be a number'),
    (lambda d: d['annolist'][1].update(image=[]), 'annolist[1]: field '
     '"image"'),
    (lambda d: d['annolist'][1]['image'][0].update(
        name='images/x/000342_mpii/00000001.jpg'), 'appears twice'),
    (lambda d: d['annolist'][1]['image'][0].update(
        name='images/x/foo/00000002.jpg'), 'folder'),
    (lambda d: d['annolist'][0]['image'][0].update(
        name='images/x/000342_xyz/00000001.jpg'), 'unknown sequence type'),
])
def test_pt17_malformed_input_names_file_and_field(tmp_path, mutate, field):
    data = _pt17_fixture()
    mutate(data)
    path = str(tmp_path / 'in' / 'bad_video.json')
    _write(path, data)
    with pytest.raises(InputError) as e:
        pt17.convert_posetrack17(path, str(tmp_path / 'out'), progress=False)
    assert 'bad_video.json' in str(e.value)
    assert field in str(e.value)


def test_pt17_invalid_json_and_cli_error(tmp_path, capsys):
    path = tmp_path / 'broken.json'
    path.write_text('{"annolist": [')
    with pytest.raises(InputError, match='broken.json: not valid'):
        pt17.convert_posetrack17(str(path), str(tmp_path / 'o'),
                                 progress=False)
    assert run_tool(pt17.main,
                    [str(path), str(tmp_path / 'o'), '--no-progress']) == 2
    err = capsys.readouterr().err
    assert 'broken.json' in err and 'Traceback' not in err


def test_merge_split_round_trip(sample_data_root, tmp_path):
    ann_dir = osp.join(sample_data_root, 'annotations')
    merged = str(tmp_path / 'all.json')
    report = merge_split.merge_posetrack(
        [osp.join(ann_dir, 'train'), osp.join(ann_dir, 'val')], merged,
        progress=False)
    assert report['files'] == report['videos'] == 5
    assert report['notes'] == []
    data = _read(merged)
    originals = {}
    for split in ('train', 'val'):
        for name in os.listdir(osp.join(ann_dir, split)):
            originals[name] = osp.join(ann_dir, split, name)
    assert len(data['images']) == sum(
        len(_read(p)['images']) for p in originals.values())
    assert len(data['annotations']) == report['annotations'] > 0
    assert data['categories'] == _read(originals[name])['categories']

    out_dir = str(tmp_path / 'split')
    report = merge_split.split_posetrack(merged, out_dir, progress=False)
    assert report['videos'] == 5
    assert sorted(os.listdir(out_dir)) == sorted(originals)
    for name, path in originals.items():
        with open(path, 'rb') as f1, open(osp.join(out_dir, name),
                                          'rb') as f2:
            assert f1.read() == f2.read(), name

    # And the other way round.
    merged2 = str(tmp_path / 'again.json')
    merge_split.merge_posetrack(out_dir, merged2, progress=False)
    assert _read(merged2) == _read(merged)


def test_merge_split_cli(sample_data_root, tmp_path, capsys):
    val = osp.join(sample_data_root, 'annotations', 'val')
    merged = str(tmp_path / 'val.json')
    assert merge_split.main(['merge', val, merged, '--no-progress']) == 0
    assert merge_split.main(
        ['split', merged, str(tmp_path / 'v'), '--no-progress']) == 0
    out = capsys.readouterr().out
    assert 'merge: files 2, videos 2' in out
    assert 'wrote 2 files' in out


def _copy_val(sample_data_root, tmp_path):
    src = osp.join(sample_data_root, 'annotations', 'val')
    dst = str(tmp_path / 'in')
    shutil.copytree(src, dst)
    return dst


def test_merge_errors_name_file_and_field(sample_data_root, tmp_path):
    src = _copy_val(sample_data_root, tmp_path)
    out = str(tmp_path / 'm.json')
    a = osp.join(src, '000101_sample_val.json')
    b = osp.join(src, '000102_sample_val.json')
    data_a, data_b = _read(a), _read(b)

    # Image id collision.
    bad = copy.deepcopy(data_b)
    old_id, new_id = bad['images'][3]['id'], data_a['images'][0]['id']
    bad['images'][3]['id'] = new_id
    for ann in bad['annotations']:
        if ann['image_id'] == old_id:
            ann['image_id'] = new_id
    _write(b, bad)
    with pytest.raises(merge_split.InputError) as e:
        merge_split.merge_posetrack(src, out, progress=False)
    msg = str(e.value)
    assert '000102_sample_val.json' in msg and '000101_sample_val.json' in msg
    assert 'images.id' in msg

    # Annotation id collision.
    bad = copy.deepcopy(data_b)
    bad['annotations'][0]['id'] = data_a['annotations'][0]['id']
    _write(b, bad)
    with pytest.raises(merge_split.InputError, match='annotations.id'):
        merge_split.merge_posetrack(src, out, progress=False)

    # vid_id collision.
    bad = copy.deepcopy(data_b)
    for img in bad['images']:
        img['vid_id'] = data_a['images'][0]['vid_id']
    _write(b, bad)
    with pytest.raises(merge_split.InputError, match='vid_id'):
        merge_split.merge_posetrack(src, out, progress=False)

    # Annotation pointing outside its file.
    bad = copy.deepcopy(data_b)
    bad['annotations'][0]['image_id'] = data_a['images'][0]['id']
    _write(b, bad)
    with pytest.raises(merge_split.InputError,
                       match='annotations.image_id'):
        merge_split.merge_posetrack(src, out, progress=False)

    # Different categories.
    bad = copy.deepcopy(data_b)
    bad['categories'][0]['keypoints'] = bad['categories'][0]['keypoints'][:15]
    _write(b, bad)
    with pytest.raises(merge_split.InputError, match='categories'):
        merge_split.merge_posetrack(src, out, progress=False)

    # Missing field.
    bad = copy.deepcopy(data_b)
    del bad['images'][2]['vid_id']
    _write(b, bad)
    with pytest.raises(merge_split.InputError,
                       match=r'000102_sample_val.json: image \d+: missing '
                       'field "vid_id"'):
        merge_split.merge_posetrack(src, out, progress=False)
    assert not osp.exists(out)


def test_merge_notes_and_split_errors(sample_data_root, tmp_path):
    src = _copy_val(sample_data_root, tmp_path)
    b = osp.join(src, '000102_sample_val.json')
    data = _read(b)
    data['info'] = {'year': 2018}
    os.rename(b, osp.join(src, 'renamed.json'))
    _write(osp.join(src, 'renamed.json'), data)
    report = merge_split.merge_posetrack(src, str(tmp_path / 'm.json'),
                                         progress=False)
    notes = '\n'.join(report['notes'])
    assert "top-level fields ['info'] not merged" in notes
    assert 'differ from the file name' in notes

    merged = _read(str(tmp_path / 'm.json'))
    # One vid_id spread over two image folders.
    bad = copy.deepcopy(merged)
    bad['images'][0]['file_name'] = 'images/val/elsewhere/000000.jpg'
    _write(str(tmp_path / 'bad.json'), bad)
    with pytest.raises(merge_split.InputError,
                       match='bad.json: images of vid_id'):
        merge_split.split_posetrack(str(tmp_path / 'bad.json'),
                                    str(tmp_path / 'o'), progress=False)
    # Annotation without its image.
    bad = copy.deepcopy(merged)
    bad['annotations'][0]['image_id'] = 123
    _write(str(tmp_path / 'bad.json'), bad)
    with pytest.raises(merge_split.InputError,
                       match='annotations.image_id'):
        merge_split.split_posetrack(str(tmp_path / 'bad.json'),
                                    str(tmp_path / 'o'), progress=False)
