"""PoseTrackAPMetric(track=True): tracked prediction files and MOTA."""
import json
import os.path as osp

import numpy as np
import pytest

from mmpose.registry import METRICS
from tdmi_mmpose.io import POSETRACK18_KEYPOINT_NAMES, POSETRACK18_METAINFO
from tdmi_mmpose.evaluation.functional import POSEVAL_JOINT_NAMES

pytest.importorskip('motmetrics')

NAME = '000001_mpii_test'
HEAD_TOP = POSETRACK18_KEYPOINT_NAMES.index('head_top')
EARS = [
    POSETRACK18_KEYPOINT_NAMES.index(n) for n in ('left_ear', 'right_ear')
]
A, B, FP = (100, 100), (600, 100), (1200, 600)


def _gt_dir(pt, tmp_path):
    people = [pt.gt_person(pt.body(*A)), pt.gt_person(pt.body(*B))]
    video = pt.video(NAME, [people] * 3)  # track ids 0 (A) and 1 (B)
    folder = tmp_path / 'gt'
    folder.mkdir(parents=True)
    (folder / f'{NAME}.json').write_text(json.dumps(video))
    return str(folder), video


def _instance(pt, origin, low_head_top=False):
    keypoints = np.array(pt.keypoints(pt.body(*origin)),
                         np.float64).reshape(17, 3)[:, :2]
    scores = np.full(17, 0.9)
    scores[EARS] = 0.  # the ears are not annotated (and not poseval joints)
    if low_head_top:
        scores[HEAD_TOP] = 0.2
    return keypoints, scores


def _samples(pt, video):
    """Frame 0: A, B and a false positive; frame 1: B, then A with a
    low-score head top; frame 2: A, B (poseval never evaluates the last
    frame)."""
    frames = [
        [_instance(pt, A), _instance(pt, B), _instance(pt, FP)],
        [_instance(pt, B), _instance(pt, A, low_head_top=True)],
        [_instance(pt, A), _instance(pt, B)],
    ]
    samples = []
    for image, instances in zip(video['images'], frames):
        samples.append(
            dict(
                id=image['id'],
                img_id=image['id'],
                category_id=1,
                pred_instances=dict(
                    keypoints=np.stack([k for k, _ in instances]),
                    keypoint_scores=np.stack([s for _, s in instances]),
                    bbox_scores=np.ones(len(instances)))))
    return samples


def _run(pt, tmp_path, **kwargs):
    gt_dir, video = _gt_dir(pt, tmp_path)
    out_dir = str(tmp_path / 'preds')
    metric = METRICS.build(
        dict(
            type='PoseTrackAPMetric',
            ann_file=gt_dir,
            outfile_prefix=out_dir,
            nms_mode='none',
            **kwargs))
    metric.dataset_meta = dict(POSETRACK18_METAINFO, dataset_name='posetrack18')
    samples = _samples(pt, video)
    metric.process([], samples)
    metrics = metric.evaluate(len(samples))
    folder = osp.join(out_dir, 'tracking') if kwargs.get('track') \
        else out_dir
    with open(osp.join(folder, f'{NAME}.json')) as f:
        written = json.load(f)
    return metrics, written


def _joints_mean(values):
    return sum(values) / len(values)


def test_known_mota(pt, tmp_path):
    metrics, written = _run(pt, tmp_path, track=True)
    # Evaluated frames 0 and 1: per joint 4 GT objects; frame 0's false
    # positive is 1 FP for every joint; frame 1's dropped head top is 1 miss.
    mota = [75.] * 15
    mota[0] = 100 * (1 - 2 / 4)  # head_top: the FP and the miss
    precision = [100 * 4 / 5] * 15
    precision[0] = 100 * 3 / 4
    recall = [100.] * 15
    recall[0] = 75.
    assert metrics['posetrack/MOTA'] == pytest.approx(_joints_mean(mota))
    assert metrics['posetrack/Precision'] == pytest.approx(
        _joints_mean(precision))
    assert metrics['posetrack/Recall'] == pytest.approx(_joints_mean(recall))
    assert metrics['posetrack/MOTP'] == pytest.approx(100.)  # exact joints
    assert 'posetrack/Total' in metrics  # AP is reported too

    # Real ids: A and B keep theirs over the frames, whatever their order.
    by_image = {}
    for ann in written['annotations']:
        x = ann['keypoints'][3 * POSETRACK18_KEYPOINT_NAMES.index('nose')]
        by_image.setdefault(ann['image_id'], {})[x] = ann['track_id']
    ids = [by_image[image['id']] for image in written['images']]
    nose = POSEVAL_JOINT_NAMES.index('nose')  # pt.body: x = x0 + 20 j
    nose_x = {p: p[0] + 20 * nose for p in (A, B, FP)}
    for frame in ids:
        assert frame[nose_x[A]] == ids[0][nose_x[A]]
        assert frame[nose_x[B]] == ids[0][nose_x[B]]
    assert len({ids[0][nose_x[p]] for p in (A, B, FP)}) == 3

    # the low-score joint is written absent, with score 0
    frame1 = [a for a in written['annotations']
              if a['image_id'] == written['images'][1]['id']]
    person_a = [a for a in frame1
                if a['keypoints'][3 * POSETRACK18_KEYPOINT_NAMES.index(
                    'nose')] == nose_x[A]][0]
    assert person_a['keypoints'][3 * HEAD_TOP:3 * HEAD_TOP + 3] == [0, 0, 0]
    assert person_a['scores'][HEAD_TOP] == 0


def test_keypoint_threshold_decides_what_is_written(pt, tmp_path):
    metrics, written = _run(pt, tmp_path, track=True, track_kpt_thr=0.1)
    # the head top (score 0.2) is kept: no miss
    mota = [75.] * 15
    precision = [80.] * 15
    assert metrics['posetrack/MOTA'] == pytest.approx(_joints_mean(mota))
    assert metrics['posetrack/Precision'] == pytest.approx(
        _joints_mean(precision))
    assert metrics['posetrack/Recall'] == pytest.approx(100.)
    # above every score: nobody is written, every GT joint is missed
    metrics, written = _run(
        pt, tmp_path / 'high', track=True, track_kpt_thr=0.95)
    assert written['annotations'] == []
    assert metrics['posetrack/Recall'] == pytest.approx(0.)


def test_ap_does_not_depend_on_tracking(pt, tmp_path):
    tracked, _ = _run(pt, tmp_path / 'tracked', track=True)
    plain, _ = _run(pt, tmp_path / 'plain')
    assert plain == {k: v for k, v in tracked.items() if k in plain}
    assert len(tracked) == len(plain) + 4
    # the AP files keep every joint, with the tracker's ids
    with open(tmp_path / 'tracked' / 'preds' / f'{NAME}.json') as f:
        ap_file = json.load(f)
    with open(tmp_path / 'tracked' / 'preds' / 'tracking' /
              f'{NAME}.json') as f:
        mota_file = json.load(f)
    assert len(ap_file['annotations']) == len(mota_file['annotations']) == 7
    for ap_ann, mota_ann in zip(ap_file['annotations'],
                                mota_file['annotations']):
        assert ap_ann['track_id'] == mota_ann['track_id']
    assert all(v != 0 for a in ap_file['annotations']
               for v in a['keypoints'][3 * HEAD_TOP:3 * HEAD_TOP + 3])


def test_without_tracking_no_mota_and_placeholder_ids(pt, tmp_path):
    metrics, written = _run(pt, tmp_path)
    assert not any('MOTA' in key for key in metrics)
    frame1 = [a for a in written['annotations']
              if a['image_id'] == written['images'][1]['id']]
    assert [a['track_id'] for a in frame1] == [0, 1]
    # all joints are written without tracking (no threshold)
    assert all(a['keypoints'][3 * HEAD_TOP + 2] == 1 for a in frame1)


def test_tracking_needs_gt_track_ids(pt, tmp_path):
    gt_dir, video = _gt_dir(pt, tmp_path)
    del video['annotations'][1]['track_id']
    with open(osp.join(gt_dir, f'{NAME}.json'), 'w') as f:
        json.dump(video, f)
    with pytest.raises(
            ValueError, match=r'annotation id=1 .* no track_id.*track=False'):
        METRICS.build(
            dict(type='PoseTrackAPMetric', ann_file=gt_dir, track=True))
    METRICS.build(dict(type='PoseTrackAPMetric', ann_file=gt_dir))  # AP only
    # ids used twice in a frame: found when the GT is loaded, not after
    # the inference
    video['annotations'][1]['track_id'] = video['annotations'][0]['track_id']
    with open(osp.join(gt_dir, f'{NAME}.json'), 'w') as f:
        json.dump(video, f)
    with pytest.raises(
            ValueError,
            match=r'image 10001000: track_id 0 is used by more than one .*'
            r'track=False computes AP only'):
        METRICS.build(
            dict(type='PoseTrackAPMetric', ann_file=gt_dir, track=True))
