"""posetrack_files' track ids: reading PoseTrack18 files for MOTA, the one
place where track ids (and the pairing of GT and prediction videos) are
checked."""
import math

import numpy as np
import pytest

from tdmi_mmpose.evaluation import functional
from tdmi_mmpose.evaluation.functional import MAX_TRACK_ID, posetrack_mota
from tdmi_mmpose.evaluation.metrics import (check_track_ids,
                                            parse_posetrack_video,
                                            parse_posetrack_videos)
from tdmi_mmpose.io import InputError

WHERE = r'p\.json: annotation id=1 \(image_id=10001000\)'


def _video(pt, track_ids, gt=False):
    make = pt.gt_person if gt else pt.pred_person
    person = make(pt.body(100, 100))
    v = pt.video('000001_mpii_test', [[person] * len(track_ids)])
    for ann, track_id in zip(v['annotations'], track_ids):
        if track_id == 'absent':
            del ann['track_id']
        else:
            ann['track_id'] = track_id
    return v


def test_frames_carry_the_annotations_track_ids(pt):
    v = _video(pt, [7, 3])
    for track in (False, True):
        frames = parse_posetrack_video(v, 'p.json', False, track=track)
        assert [int(t) for t in frames[0]['track_ids']] == [7, 3]
    assert frames[0]['track_ids'].dtype == np.int64
    # AP does not need ids: without ``track`` an absent one is None, but one
    # that is there must still be an integer.
    # (GT and predictions alike)
    for gt in (False, True):
        frames = parse_posetrack_video(_video(pt, ['absent', 4], gt),
                                       'p.json', gt)
        assert list(frames[0]['track_ids']) == [None, 4]
        for bad in ('x', '3'):
            with pytest.raises(InputError,
                               match=WHERE + ': field "track_id" must be an '
                               f"integer, got '{bad}'"):
                parse_posetrack_video(_video(pt, ['absent', bad], gt),
                                      'p.json', gt)


@pytest.mark.parametrize('track_ids, message', [
    ([1, 'absent'], WHERE + ' has no track_id'),
    ([1, None], WHERE + ' has no track_id'),
    ([1, 2.5], WHERE + r': field "track_id" must be an integer, got 2\.5'),
    ([1, '2'], WHERE + r": field \"track_id\" must be an integer, got '2'"),
    ([1, True], WHERE + ': field "track_id" must be an integer, got True'),
    ([1, math.nan], WHERE + ': field "track_id" must be an integer, got nan'),
    ([1, MAX_TRACK_ID], r'p\.json: image 10001000: track_id 10000 is too '
     f'large .*below {MAX_TRACK_ID}'),
    ([3, 3], r'p\.json: image 10001000: track_id 3 is used by more than one '
     'person'),
    ([3, 3.0], 'track_id 3 is used by more than one person'),
])
@pytest.mark.parametrize('gt', [False, True])
def test_bad_track_ids_name_file_image_and_annotation(pt, track_ids, message,
                                                      gt):
    with pytest.raises(InputError, match=message) as error:
        parse_posetrack_video(
            _video(pt, track_ids, gt), 'p.json', gt, track=True)
    if 'must be an integer' not in message:  # our checks, not io's
        assert 'track=False computes AP only' in str(error.value)


def test_track_id_rules_of_one_frame():
    assert check_track_ids(np.array([0, MAX_TRACK_ID - 1, -2]),
                           'f').tolist() == [0, MAX_TRACK_ID - 1, -2]
    for ids in ([1, MAX_TRACK_ID], [4, 2, 4]):
        with pytest.raises(InputError, match='somewhere: track_id'):
            check_track_ids(np.array(ids), 'somewhere')


def test_bad_video_pairs_name_the_files(pt):
    person = pt.body(100, 100)
    gt = pt.video('000001_mpii_test', [[pt.gt_person(person)]] * 3)
    pred = pt.video('000001_mpii_test', [[pt.pred_person(person)]] * 3)
    name = '000001_mpii_test'
    sources = ({name: 'gt.json'}, {name: 'pred.json'})
    with pytest.raises(InputError,
                       match=r"No predictions for video '000001_mpii_test' "
                       r'\(ground truth: gt\.json\)'):
        parse_posetrack_videos({name: gt}, {'other': pred}, *sources)
    kept = {image['id'] for image in pred['images'][:2]}
    short = dict(pred, images=pred['images'][:2], annotations=[
        ann for ann in pred['annotations'] if ann['image_id'] in kept])
    with pytest.raises(InputError,
                       match=r'pred\.json: 2 frames in "images", but the '
                       r'ground truth gt\.json has 3'):
        parse_posetrack_videos({name: gt}, {name: short}, *sources)
    # a duplicate in a frame that is not even evaluated (as poseval)
    last = pred['images'][2]['id']
    pred['annotations'].append(dict(pred['annotations'][2], id=9))
    with pytest.raises(InputError,
                       match=rf'pred\.json: image {last}: track_id 0 is used '
                       'by more than one'):
        parse_posetrack_videos({name: gt}, {name: pred}, *sources, track=True)
    # without tracking the ids are not looked at
    parse_posetrack_videos({name: gt}, {name: pred}, *sources)


def test_mota_functions_are_exported():
    for name in ('poseval_mota', 'MAX_TRACK_ID', 'MOT_COUNT_NAMES'):
        assert name in functional.__all__
        assert getattr(functional, name) is getattr(posetrack_mota, name)
