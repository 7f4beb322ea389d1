"""Tracking in the video inferencer: track ids in the results and the JSON,
stable over frames, and the rendered colour of each person is its id's."""
import json
import os.path as osp

import numpy as np
import pytest

from tdmi_mmpose.visualization import (TRACK_PALETTE, TrackPoseVisualizer,
                                       track_color)


def _iou(a, b):
    """IoU of two x1, y1, x2, y2 boxes (independent of the tracker)."""
    w = max(0., min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0., min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])
    return inter / (area - inter)


@pytest.fixture(scope='module')
def box_tracked_inferencer(tiny_cfg_file, tiny_checkpoint):
    """The inferencer with a tracker that matches people by box IoU only
    (more shared keypoints needed than there are), so that the random pose
    weights do not matter."""
    from tdmi_mmpose.apis import VideoPose2DInferencer
    return VideoPose2DInferencer(
        tiny_cfg_file,
        tiny_checkpoint,
        device='cpu',
        tracker=dict(type='PoseTracker', min_keypoints=18, iou_thr=0.5))


def test_ids_in_results_and_json_and_stable_over_frames(
        box_tracked_inferencer, sample_clip, sample_clip_boxes, tmp_path):
    pred_dir = str(tmp_path / 'pred')
    results = list(
        box_tracked_inferencer(
            sample_clip['paths'],
            bboxes=sample_clip_boxes,
            pred_out_dir=pred_dir))
    assert len(results) == len(sample_clip['paths'])
    frames = []
    for result, path in zip(results, sample_clip['paths']):
        (instances, ) = result['predictions']
        ids = [inst['track_id'] for inst in instances]
        assert all(isinstance(i, int) for i in ids)
        assert len(set(ids)) == len(ids)
        with open(osp.join(pred_dir,
                           osp.splitext(osp.basename(path))[0] +
                           '.json')) as f:
            assert [inst['track_id'] for inst in json.load(f)] == ids
        frames.append([(inst['bbox'][0], inst['track_id'])
                       for inst in instances])
    # a person whose box clearly continues keeps the id; ids are new
    # otherwise
    continued = 0
    for previous, current in zip(frames, frames[1:]):
        for box, track_id in current:
            overlaps = [(_iou(box, b), i) for b, i in previous]
            best = max(overlaps, default=(0., None))
            if best[0] > 0.7 and sorted(o for o, _ in overlaps)[-2:][0] \
                    < 0.3:
                assert track_id == best[1]
                continued += 1
            elif best[0] < 0.3:
                assert track_id not in [i for _, i in previous]
    assert continued >= len(frames) - 1


def test_track_false_gives_no_ids(video_inferencer, sample_clip,
                                  sample_clip_boxes):
    result = next(
        video_inferencer(
            sample_clip['paths'][:2], bboxes=sample_clip_boxes[:2],
            track=False))
    (instances, ) = result['predictions']
    assert instances and all('track_id' not in inst for inst in instances)
    result = next(
        video_inferencer(
            sample_clip['paths'][:2], bboxes=sample_clip_boxes[:2]))
    (instances, ) = result['predictions']
    assert [inst['track_id'] for inst in instances] == list(
        range(len(instances)))  # the first frame: new ids in order


def test_palette():
    assert len(set(TRACK_PALETTE)) == len(TRACK_PALETTE) == 16
    assert track_color(3) == TRACK_PALETTE[3]
    assert track_color(19) == TRACK_PALETTE[3]


def _visualizer(name):
    from tdmi_mmpose.io import POSETRACK18_METAINFO
    visualizer = TrackPoseVisualizer(name=name, radius=6, line_width=1)
    visualizer.set_dataset_meta(POSETRACK18_METAINFO)
    return visualizer


def test_the_inferencer_draws_with_the_track_visualizer(video_inferencer):
    from mmpose.registry import VISUALIZERS
    assert VISUALIZERS.get('TrackPoseVisualizer') is TrackPoseVisualizer
    assert type(video_inferencer.inferencer.visualizer) is \
        TrackPoseVisualizer


@pytest.mark.parametrize('ids', [(3, 20), (0, 1)])
@pytest.mark.parametrize('draw_bbox', [False, True])
def test_each_person_is_drawn_in_the_colour_of_its_id(ids, draw_bbox):
    from mmengine.structures import InstanceData
    from mmpose.structures import PoseDataSample
    keypoints = np.zeros((2, 17, 2))
    keypoints[0, :, 0] = 20 + 30 * np.arange(17)  # far apart: one row each
    keypoints[0, :, 1] = 40
    keypoints[1, :, 0] = 20 + 30 * np.arange(17)
    keypoints[1, :, 1] = 160
    scores = np.ones((2, 17))
    sample = PoseDataSample(metainfo=dict(img_shape=(200, 540)))
    sample.pred_instances = InstanceData(
        keypoints=keypoints,
        keypoint_scores=scores,
        bboxes=np.array([[5., 25., 535., 55.], [5., 145., 535., 175.]]),
        track_ids=np.array(ids))
    visualizer = _visualizer(f'track_colours_{ids}_{draw_bbox}')
    before = (visualizer.kpt_color, visualizer.link_color,
              visualizer.bbox_color)
    image = visualizer.add_datasample(
        'frame', np.zeros((200, 540, 3), np.uint8), sample, draw_gt=False,
        draw_bbox=draw_bbox, kpt_thr=0.3)
    after = (visualizer.kpt_color, visualizer.link_color,
             visualizer.bbox_color)
    assert all(a is b for a, b in zip(after, before))  # restored
    for person, track_id in enumerate(ids):
        for k in range(17):
            x, y = keypoints[person, k].astype(int)
            assert np.abs(image[y, x].astype(int) -
                          track_color(track_id)).max() <= 2, (person, k)
        if draw_bbox:  # the box's left edge, between two keypoint rows
            y = int(sample.pred_instances.bboxes[person, 1]) + 3
            assert np.abs(image[y, 5].astype(int) -
                          track_color(track_id)).max() <= 2, person
    # without ids: mmpose's own colours (not one colour per person)
    del sample.pred_instances.track_ids
    image = visualizer.add_datasample(
        'frame', np.zeros((200, 540, 3), np.uint8), sample, draw_gt=False,
        kpt_thr=0.3)
    colours = {tuple(image[40, 20 + 30 * k]) for k in range(17)}
    assert len(colours) > 1
