"""posetrack_io's track ids: parsing PoseTrack18 files for MOTA."""
import numpy as np
import pytest

from tdmi_mmpose.evaluation import functional
from tdmi_mmpose.evaluation.functional import posetrack_mota
from tdmi_mmpose.evaluation.metrics.posetrack_io import parse_posetrack_video


def _video(pt, track_ids):
    person = pt.pred_person(pt.body(100, 100))
    v = pt.video('000001_mpii_test', [[person, person]])
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
    # AP does not need ids: without ``track`` they are carried as found.
    frames = parse_posetrack_video(_video(pt, ['absent', 'x']), 'p.json',
                                   False)
    assert list(frames[0]['track_ids']) == [None, 'x']


@pytest.mark.parametrize('track_ids, message', [
    (['absent', 1], r'p\.json: annotation id=0 \(image_id=10001000\) has no '
     'track_id'),
    ([1, 2.5], r'p\.json: annotation id=1 \(image_id=10001000\) has '
     'track_id 2.5; track ids must be integers'),
    ([1, '2'], r"annotation id=1 \(image_id=10001000\) has track_id '2'"),
    ([1, 10000], 'poseval requires track ids below 10000'),
])
def test_bad_track_ids_name_file_image_and_annotation(pt, track_ids, message):
    with pytest.raises(ValueError, match=message):
        parse_posetrack_video(
            _video(pt, track_ids), 'p.json', False, track=True)


def test_mota_functions_are_exported_after_the_ap_names():
    for name in ('evaluate_posetrack_mota', 'format_mota_table',
                 'check_track_id', 'check_track_ids', 'MOTA_TABLE_NAMES',
                 'summarize_mota_table', 'MAX_TRACK_ID'):
        assert name in functional.__all__
        assert getattr(functional, name) is getattr(posetrack_mota, name)
    names = functional.__all__
    assert names.index('voc_ap') < names.index('evaluate_posetrack_mota')
