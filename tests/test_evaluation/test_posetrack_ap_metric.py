"""PoseTrackAPMetric: collection, rescoring/NMS, prediction files, numbers."""
import json
import os
import os.path as osp

import numpy as np
import pytest

from mmpose.registry import METRICS
from tdmi_mmpose.evaluation.functional import TABLE_NAMES
from tdmi_mmpose.io import POSETRACK18_METAINFO, InputError
from tdmi_mmpose.evaluation.metrics import (PoseTrackAPMetric,
                                            evaluate_posetrack_folders,
                                            load_posetrack_gt)


def samples_from_prediction_files(pred_dir, bbox_score=1.0):
    """Data-sample dicts (as PoseDataSample.to_dict()) from poseval
    prediction files: one instance per sample."""
    samples = []
    for file_name in sorted(os.listdir(pred_dir)):
        with open(osp.join(pred_dir, file_name)) as f:
            video = json.load(f)
        for ann in video['annotations']:
            keypoints = np.array(ann['keypoints'], np.float64).reshape(17, 3)
            samples.append(
                dict(
                    id=ann['id'],
                    img_id=ann['image_id'],
                    category_id=1,
                    img_path=f'{file_name}/{ann["image_id"]}.jpg',
                    pred_instances=dict(
                        keypoints=keypoints[None, :, :2],
                        keypoint_scores=np.array(ann['scores'])[None] /
                        bbox_score,
                        bbox_scores=np.array([bbox_score]))))
    return samples


def build_metric(ann_file, **kwargs):
    metric = METRICS.build(
        dict(type='PoseTrackAPMetric', ann_file=ann_file, **kwargs))
    metric.dataset_meta = dict(POSETRACK18_METAINFO, dataset_name='posetrack18')
    return metric


@pytest.fixture
def case03(poseval_cases_dir):
    case_dir = osp.join(poseval_cases_dir, 'case03')
    with open(osp.join(case_dir, 'expected.json')) as f:
        expected = json.load(f)
    return dict(
        gt=osp.join(case_dir, 'gt'),
        pred=osp.join(case_dir, 'pred'),
        expected=expected)


def test_registered():
    assert METRICS.get('PoseTrackAPMetric') is PoseTrackAPMetric


def test_reproduces_poseval_and_writes_poseval_files(case03, tmp_path):
    out_dir = str(tmp_path / 'preds')
    metric = build_metric(
        case03['gt'], outfile_prefix=out_dir, nms_mode='none')
    samples = samples_from_prediction_files(case03['pred'])
    metric.process([], samples[:7])
    metric.process([], samples[7:])
    metrics = metric.evaluate(len(samples))

    assert list(metrics) == [f'posetrack/{n}' for n in TABLE_NAMES]
    for name, value in case03['expected']['table'].items():
        assert abs(metrics[f'posetrack/{name}'] - value) <= 1e-9, name

    # one file per GT video, same images in the same order, poseval fields
    gt_videos, _ = load_posetrack_gt(case03['gt'])
    assert sorted(os.listdir(out_dir)) == sorted(f'{v}.json'
                                                 for v in gt_videos)
    for name, gt in gt_videos.items():
        with open(osp.join(out_dir, f'{name}.json')) as f:
            written = json.load(f)
        assert [im['id'] for im in written['images']] == \
            [im['id'] for im in gt['images']]
        assert [im['file_name'] for im in written['images']] == \
            [im['file_name'] for im in gt['images']]
        assert len(written['categories'][0]['keypoints']) == 17
        track_ids = {}
        for ann in written['annotations']:
            assert len(ann['keypoints']) == 51 and len(ann['scores']) == 17
            assert isinstance(ann['track_id'], int)
            track_ids.setdefault(ann['image_id'], []).append(ann['track_id'])
        for ids in track_ids.values():
            assert len(set(ids)) == len(ids)

    # the written files, evaluated from disk, give the same numbers
    reloaded, _ = evaluate_posetrack_folders(case03['gt'], out_dir)
    for name in TABLE_NAMES:
        assert reloaded['table'][name] == metrics[f'posetrack/{name}']


def test_merged_ann_file(case03, tmp_path):
    merged = {'images': [], 'annotations': [], 'categories': None}
    for gt in load_posetrack_gt(case03['gt'])[0].values():
        merged['images'] += gt['images']
        merged['annotations'] += gt['annotations']
        merged['categories'] = gt['categories']
    ann_file = tmp_path / 'posetrack18_val.json'
    ann_file.write_text(json.dumps(merged))
    out_dir = tmp_path / 'preds'
    metric = build_metric(
        str(ann_file), outfile_prefix=str(out_dir), nms_mode='none')
    samples = samples_from_prediction_files(case03['pred'])
    metrics = metric.compute_metrics([_processed(metric, s) for s in samples])
    assert abs(metrics['Total'] - case03['expected']['table']['Total']) <= 1e-9
    # named like the official per-video files
    assert sorted(os.listdir(out_dir)) == sorted(os.listdir(case03['gt']))


def _processed(metric, sample):
    metric.process([], [sample])
    return metric.results.pop()


def test_padding_duplicates_are_dropped_and_nothing_lost(case03):
    metric = build_metric(case03['gt'], nms_mode='none')
    samples = samples_from_prediction_files(case03['pred'])
    results = [_processed(metric, s) for s in samples]
    reference = metric.compute_metrics(results)
    # sampler padding repeats samples; results of two ranks interleaved
    padded = results[::2] + results[1::2] + results[:5]
    assert metric.compute_metrics(padded) == reference
    # a lost sample changes the result (the metric does not hide it)
    assert metric.compute_metrics(results[1:]) != reference


def test_missing_samples_are_reported(case03, monkeypatch):
    from mmengine.logging import MMLogger
    metric = build_metric(case03['gt'], nms_mode='none')
    samples = samples_from_prediction_files(case03['pred'])
    warnings = []
    monkeypatch.setattr(MMLogger.get_current_instance(), 'warning',
                        lambda msg, *args, **kwargs: warnings.append(msg))
    metric.process([], samples)
    metric.evaluate(len(samples))
    assert not any('distinct samples' in m for m in warnings)
    metric.process([], samples[1:])
    metric.evaluate(len(samples))
    assert any('distinct samples' in m for m in warnings)


def test_instances_sharing_a_sample_or_an_id_are_all_kept(pt, tmp_path):
    a, b = pt.body(100, 100), pt.body(600, 100)
    gt_dir = tmp_path / 'gt'
    gt_dir.mkdir()
    gt = pt.video('000001_mpii_test',
                  [[pt.gt_person(a), pt.gt_person(b)], [pt.gt_person(a)]])
    (gt_dir / '000001_mpii_test.json').write_text(json.dumps(gt))
    image0, image1 = gt['images'][0]['id'], gt['images'][1]['id']

    def xy(joints):
        return np.array(pt.keypoints(joints), np.float64).reshape(17, 3)[:, :2]

    metric = build_metric(str(gt_dir), nms_mode='none')
    # a bottom-up style sample with both people of frame 0, and a sample of
    # frame 1 that reuses the same instance id
    metric.process([], [
        dict(
            id=7,
            img_id=image0,
            category_id=1,
            pred_instances=dict(
                keypoints=np.stack([xy(a), xy(b)]),
                keypoint_scores=np.full((2, 17), 0.9))),
        dict(
            id=7,
            img_id=image1,
            category_id=1,
            pred_instances=dict(
                keypoints=xy(a)[None], keypoint_scores=np.full((1, 17), 0.9)))
    ])
    metrics = metric.evaluate(2)
    assert metrics['posetrack/Total'] == 100.0


def test_keypoint_score_is_heatmap_max_times_box_score(pt, tmp_path):
    a = pt.body(100, 100)
    gt_dir = tmp_path / 'gt'
    gt_dir.mkdir()
    gt = pt.video('000001_mpii_test', [[pt.gt_person(a)]])
    (gt_dir / '000001_mpii_test.json').write_text(json.dumps(gt))
    keypoints = np.array(pt.keypoints(a), np.float64).reshape(17, 3)[:, :2]
    heatmap_max = np.linspace(0.1, 0.9, 17)
    sample = dict(
        id=1,
        img_id=gt['images'][0]['id'],
        category_id=1,
        pred_instances=dict(
            keypoints=keypoints[None],
            keypoint_scores=heatmap_max[None],
            bbox_scores=np.array([0.5])))
    for use_box, factor in ((True, 0.5), (False, 1.0)):
        out_dir = tmp_path / f'out_{use_box}'
        metric = build_metric(
            str(gt_dir),
            outfile_prefix=str(out_dir),
            use_bbox_score_for_keypoints=use_box,
            keypoint_score_thr=0.5)
        metric.process([], [sample])
        metric.evaluate(1)
        with open(out_dir / '000001_mpii_test.json') as f:
            ann = json.load(f)['annotations'][0]
        np.testing.assert_allclose(ann['scores'], heatmap_max * factor)
        # rescoring as CocoMetric: box score x mean of keypoint scores > thr
        assert ann['score'] == pytest.approx(
            0.5 * heatmap_max[heatmap_max > 0.5].mean())


@pytest.mark.parametrize('nms_mode,kept', [('none', 2), ('oks_nms', 1),
                                           ('soft_oks_nms', 2)])
def test_oks_nms_of_duplicate_detections(pt, tmp_path, nms_mode, kept):
    a = pt.body(100, 100)
    gt_dir = tmp_path / 'gt'
    gt_dir.mkdir()
    gt = pt.video('000001_mpii_test', [[pt.gt_person(a)]])
    (gt_dir / '000001_mpii_test.json').write_text(json.dumps(gt))
    keypoints = np.array(pt.keypoints(a), np.float64).reshape(17, 3)[:, :2]
    samples = [
        dict(
            id=i,
            img_id=gt['images'][0]['id'],
            category_id=1,
            pred_instances=dict(
                keypoints=keypoints[None] + i,
                keypoint_scores=np.full((1, 17), 0.8),
                bbox_scores=np.array([score])))
        for i, score in ((1, 0.6), (2, 0.9))
    ]
    out_dir = tmp_path / 'out'
    metric = build_metric(
        str(gt_dir), outfile_prefix=str(out_dir), nms_mode=nms_mode)
    metric.process([], samples)
    metrics = metric.evaluate(2)
    with open(out_dir / '000001_mpii_test.json') as f:
        annotations = json.load(f)['annotations']
    assert len(annotations) == kept
    if kept == 1:
        # the higher-scored detection survives; it is a hit
        assert annotations[0]['score'] == pytest.approx(0.9 * 0.8)
        assert metrics['posetrack/Total'] == 100.0


def test_predictions_for_unknown_images_raise(case03):
    metric = build_metric(case03['gt'], nms_mode='none')
    sample = samples_from_prediction_files(case03['pred'])[0]
    sample['img_id'] = 123
    metric.process([], [sample])
    with pytest.raises(ValueError, match='absent from the ground truth'):
        metric.evaluate(1)


def test_gt_without_bbox_head_fails_at_construction(pt, tmp_path):
    gt = pt.video('000001_mpii_test',
                  [[pt.gt_person(pt.body(0, 0), bbox_head=None)]])
    (tmp_path / '000001_mpii_test.json').write_text(json.dumps(gt))
    with pytest.raises(ValueError, match='bbox_head') as error:
        PoseTrackAPMetric(ann_file=str(tmp_path))
    assert '000001_mpii_test.json' in str(error.value)


def test_ann_file_from_the_dataset(case03):
    from mmengine.logging import MessageHub
    MessageHub.get_current_instance().update_info_dict(
        {'posetrack_test_ds_ann_file': case03['gt']})
    metric = PoseTrackAPMetric(nms_mode='none')
    metric.dataset_meta = dict(
        POSETRACK18_METAINFO, dataset_name='posetrack_test_ds')
    samples = samples_from_prediction_files(case03['pred'])
    metric.process([], samples)
    metrics = metric.evaluate(len(samples))
    assert abs(metrics['posetrack/Total'] -
               case03['expected']['table']['Total']) <= 1e-9


def test_bad_options():
    with pytest.raises(ValueError, match='score_mode'):
        PoseTrackAPMetric(score_mode='bbox_iou')
    with pytest.raises(ValueError, match='nms_mode'):
        PoseTrackAPMetric(nms_mode='nms')
    with pytest.raises(ValueError, match="protocol='coco'"):
        PoseTrackAPMetric(protocol='coco')
    # both protocols track: poseval's MOTA, the PoseTrack21 kit's HOTA
    assert PoseTrackAPMetric(protocol='posetrack21', track=True).track


def test_posetrack21_protocol_needs_is_labeled(pt, tmp_path):
    gt = pt.video('000001_mpii_test',
                  [[pt.gt_person(pt.body(100, 100))], []])
    del gt['images'][1]['is_labeled']
    (tmp_path / '000001_mpii_test.json').write_text(json.dumps(gt))
    build_metric(str(tmp_path))  # poseval does not read it
    with pytest.raises(InputError, match=r'000001_mpii_test.json: image '
                       f"{gt['images'][1]['id']}.*is_labeled"):
        build_metric(str(tmp_path), protocol='posetrack21')


@pytest.mark.parametrize('box_score_in', ['pred', 'gt', 'metainfo', 'none'])
def test_pose_data_sample_input_and_box_score_sources(pt, tmp_path,
                                                      box_score_in):
    import torch
    from mmengine.structures import InstanceData

    from mmpose.structures import PoseDataSample
    a = pt.body(100, 100)
    gt_dir = tmp_path / 'gt'
    gt_dir.mkdir()
    gt = pt.video('000001_mpii_test', [[pt.gt_person(a)]])
    (gt_dir / '000001_mpii_test.json').write_text(json.dumps(gt))
    keypoints = np.array(pt.keypoints(a), np.float32).reshape(17, 3)[:, :2]

    metainfo = dict(id=1, img_id=gt['images'][0]['id'], category_id=1)
    if box_score_in == 'metainfo':
        metainfo['bbox_score'] = np.array([0.25], np.float32)
    sample = PoseDataSample(metainfo=metainfo)
    sample.gt_instances = InstanceData(
        bbox_scales=np.array([[200., 300.]], np.float32))
    if box_score_in == 'gt':
        sample.gt_instances.bbox_scores = np.array([0.25], np.float32)
    sample.pred_instances = InstanceData(
        keypoints=torch.from_numpy(keypoints[None]),
        keypoint_scores=torch.full((1, 17), 0.8))
    if box_score_in == 'pred':
        sample.pred_instances.bbox_scores = np.array([0.25], np.float32)

    out_dir = tmp_path / 'out'
    metric = build_metric(str(gt_dir), outfile_prefix=str(out_dir))
    metric.process([], [sample.to_dict()])
    metrics = metric.evaluate(1)
    assert metrics['posetrack/Total'] == 100.0
    with open(out_dir / '000001_mpii_test.json') as f:
        ann = json.load(f)['annotations'][0]
    box_score = 1.0 if box_score_in == 'none' else 0.25
    np.testing.assert_allclose(ann['scores'], 0.8 * box_score, rtol=1e-6)
    np.testing.assert_allclose(
        np.array(ann['keypoints']).reshape(17, 3)[:, :2], keypoints)
