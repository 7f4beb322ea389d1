"""The high-level video inferencer (``MMPoseVideoInferencer``): input forms,
real neighbouring frames, JSON / rendered outputs, person boxes from the
user or an mmdet detector, single images, and why the drop-in exists."""
import inspect
import json
import os
import os.path as osp
import shutil
import weakref

import cv2
import numpy as np
import pytest

from tdmi_mmpose.apis import (MMPoseVideoInferencer, VideoPose2DInferencer,
                              check_person_boxes, inference_video,
                              inference_video_topdown)
from tdmi_mmpose.apis.inferencers import video_pose2d_inferencer
from video_files import read_video, write_video

FPS = 10
#: the sample clip of ``conftest.sample_clip``: its video and frame count
VIDEO = '000101_sample_val'
NUM_CLIP_FRAMES = 6


def _run(inferencer, inputs, **kwargs):
    return list(inferencer(inputs, **kwargs))


def _assert_same_predictions(a, b):
    assert len(a) == len(b)
    for t, (fa, fb) in enumerate(zip(a, b)):
        for xa, xb in zip(fa, fb):
            np.testing.assert_array_equal(xa, xb, err_msg=f'frame {t}')


def _parameters(function):
    """Names, kinds and defaults of a function's parameters."""
    return [(p.name, p.kind, p.default)
            for p in inspect.signature(function).parameters.values()]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope='module')
def work_dir(tmp_path_factory):
    return tmp_path_factory.mktemp('inferencer')


@pytest.fixture(scope='module')
def clip_folder(sample_clip, work_dir):
    """A folder holding the first frames of the sample video (JPEGs)."""
    assert len(sample_clip['paths']) == NUM_CLIP_FRAMES
    assert osp.basename(osp.dirname(sample_clip['paths'][0])) == VIDEO
    folder = work_dir / VIDEO
    folder.mkdir()
    for path in sample_clip['paths']:
        shutil.copy(path, folder)
    return str(folder)


@pytest.fixture(scope='module')
def clip_video(sample_clip, work_dir):
    """The same frames as an .mp4 (lossy), and its frames decoded back."""
    path = str(work_dir / f'{VIDEO}.mp4')
    write_video(path, sample_clip['arrays'], FPS)
    decoded, _ = read_video(path)
    assert len(decoded) == NUM_CLIP_FRAMES
    return dict(path=path, decoded=decoded)


@pytest.fixture(scope='module')
def file_run(video_inferencer, clip_video, sample_clip_boxes, work_dir):
    out_dir = str(work_dir / 'out_file')
    results = _run(
        video_inferencer,
        clip_video['path'],
        bboxes=sample_clip_boxes,
        out_dir=out_dir)
    return dict(results=results, out_dir=out_dir)


@pytest.fixture(scope='module')
def folder_run(video_inferencer, clip_folder, sample_clip_boxes, work_dir):
    out_dir = str(work_dir / 'out_folder')
    results = _run(
        video_inferencer,
        clip_folder,
        bboxes=sample_clip_boxes,
        out_dir=out_dir)
    return dict(results=results, out_dir=out_dir)


@pytest.fixture(scope='module')
def arrays_run(video_inferencer, sample_clip, sample_clip_boxes, work_dir):
    """The JPEG-decoded frames as a list of arrays, rendered into an .mp4."""
    vis_file = str(work_dir / 'out_arrays' / 'poses.mp4')
    pred_dir = str(work_dir / 'out_arrays' / 'predictions')
    results = _run(
        video_inferencer,
        list(sample_clip['arrays']),
        bboxes=sample_clip_boxes,
        vis_out_dir=vis_file,
        vis_fps=5,
        pred_out_dir=pred_dir)
    return dict(results=results, vis_file=vis_file, pred_dir=pred_dir)


# ------------------------------------------- routing / drop-in constructor


def test_stock_mmpose_inferencer_cannot_route_video_models(
        tiny_cfg_file, tiny_checkpoint, sample_clip, sample_clip_boxes):
    """Why ``MMPoseVideoInferencer`` exists: mmpose's own class builds its
    single-image ``Pose2DInferencer`` for our config, which gives the model
    one frame per person (T = 1); the drop-in has the same constructor (and
    the keyword ``smoother``) and call signature (and the keyword
    ``overwrite``) and routes the config to the video inferencer."""
    from mmpose.apis import MMPoseInferencer
    from mmpose.apis.inferencers import Pose2DInferencer
    stock = MMPoseInferencer(
        pose2d=tiny_cfg_file, pose2d_weights=tiny_checkpoint, device='cpu')
    assert type(stock.inferencer) is Pose2DInferencer
    with pytest.raises(AssertionError, match=r'T = 5 frames .* got \(1, 1, 3'):
        next(stock(sample_clip['paths'][0]))

    assert issubclass(MMPoseVideoInferencer, MMPoseInferencer)
    keyword_only = inspect.Parameter.KEYWORD_ONLY
    assert _parameters(MMPoseVideoInferencer.__init__) == \
        _parameters(MMPoseInferencer.__init__) + [
            ('smoother', keyword_only, None)]
    stock_call = _parameters(MMPoseInferencer.__call__)
    assert stock_call[-1][1] is inspect.Parameter.VAR_KEYWORD
    assert _parameters(MMPoseVideoInferencer.__call__) == \
        stock_call[:-1] + [('overwrite', keyword_only, False)] + \
        stock_call[-1:]
    video = MMPoseVideoInferencer(
        tiny_cfg_file, tiny_checkpoint, device='cpu')
    assert isinstance(video.inferencer, VideoPose2DInferencer)
    assert video.inferencer.frame_offsets == [-2, -1, 0, 1, 2]


# ---------------------------------------------------- (a) input forms agree


def test_video_file_equals_its_decoded_frames(file_run, video_inferencer,
                                              clip_video, sample_clip_boxes,
                                              as_arrays):
    """A video file gives exactly the predictions of the list of frames
    decoded back from that file (mp4v is lossy, so not of the JPEGs)."""
    from_list = _run(
        video_inferencer, clip_video['decoded'], bboxes=sample_clip_boxes)
    _assert_same_predictions(
        as_arrays(file_run['results']), as_arrays(from_list))


def test_folder_equals_list_of_arrays_and_low_level_api(
        folder_run, arrays_run, tiny_model, sample_clip, sample_clip_boxes,
        as_arrays):
    folder = as_arrays(folder_run['results'])
    _assert_same_predictions(folder, as_arrays(arrays_run['results']))
    # the people are the given boxes (clipped to the frame), in order
    for t, (_, _, boxes) in enumerate(folder):
        expected, _ = check_person_boxes(sample_clip_boxes[t], (240, 320),
                                         f'frame {t}')
        assert len(expected) > 0
        np.testing.assert_allclose(boxes, expected[:, :4], rtol=1e-6)
    # the same sliding window as the low-level API
    low = list(
        inference_video(tiny_model, sample_clip['arrays'], sample_clip_boxes,
                        bbox_thr=0.3))
    for t, (kpts, scores, _) in enumerate(folder):
        np.testing.assert_array_equal(kpts, low[t].pred_instances.keypoints)
        np.testing.assert_array_equal(scores,
                                      low[t].pred_instances.keypoint_scores)


def test_stream_is_read_lazily_with_a_bounded_window(video_inferencer,
                                                     sample_clip,
                                                     sample_clip_boxes,
                                                     as_arrays, arrays_run):
    """A generator input is pulled at most 2 frames (δ) ahead of the frame
    being returned, no more than the 5 frames of the current window stay
    alive, and it gives the same results as the list."""
    pulled = []  # weak references to the frames handed to the inferencer

    def frames():
        for frame in sample_clip['arrays']:
            frame = frame.copy()
            pulled.append(weakref.ref(frame))
            yield frame

    results = []
    for t, result in enumerate(
            video_inferencer(frames(), bboxes=sample_clip_boxes)):
        assert len(pulled) <= t + 3
        alive = [i for i, ref in enumerate(pulled) if ref() is not None]
        assert alive == list(range(max(t - 2, 0), min(t + 3, len(pulled))))
        results.append(result)
    assert len(pulled) == NUM_CLIP_FRAMES
    _assert_same_predictions(
        as_arrays(results), as_arrays(arrays_run['results']))


# ------------------------------------------ (b) neighbours reach the model


def test_changing_a_neighbouring_frame_changes_the_key_frames(
        video_inferencer, sample_clip, sample_clip_boxes, arrays_run):
    """Mirroring frame 4 changes the predictions of exactly the key frames
    whose window [t-2, t+2] holds frame 4 (2, 3, 4, 5), not those of
    frames 0 and 1, although key frames 2, 3 and 5 are unchanged."""
    frames = list(sample_clip['arrays'])
    frames[4] = frames[4][:, ::-1].copy()
    changed = _run(video_inferencer, frames, bboxes=sample_clip_boxes)
    base = arrays_run['results']
    for t, (a, b) in enumerate(zip(base, changed)):
        scores_a = [i['keypoint_scores'] for i in a['predictions'][0]]
        scores_b = [i['keypoint_scores'] for i in b['predictions'][0]]
        if t in (0, 1):
            assert scores_a == scores_b, t
        else:
            assert not np.allclose(scores_a, scores_b, rtol=0, atol=1e-5), t


# ---------------------------------------------------------- (c) outputs


def test_video_file_writes_one_json_and_a_rendered_video(
        file_run, clip_video, sample_clip_boxes):
    out_dir = file_run['out_dir']
    with open(osp.join(out_dir, 'predictions', f'{VIDEO}.json')) as f:
        saved = json.load(f)
    assert [entry['frame_id'] for entry in saved] == list(
        range(NUM_CLIP_FRAMES))
    for entry, result, boxes in zip(saved, file_run['results'],
                                    sample_clip_boxes):
        (instances, ) = result['predictions']
        assert len(entry['instances']) == len(instances) == len(boxes)
        for inst_saved, inst in zip(entry['instances'], instances):
            assert set(inst_saved) >= {
                'keypoints', 'keypoint_scores', 'bbox', 'bbox_score'
            }
            np.testing.assert_allclose(
                inst_saved['keypoints'], inst['keypoints'], rtol=1e-6)
            assert np.shape(inst_saved['keypoints']) == (17, 2)
    rendered, _ = read_video(
        osp.join(out_dir, 'visualizations', f'{VIDEO}.mp4'))
    assert len(rendered) == NUM_CLIP_FRAMES
    for frame, original in zip(rendered, clip_video['decoded']):
        assert frame.shape == original.shape
        # poses were drawn on the frame
        assert np.abs(frame.astype(int) - original).mean() > 0.5


def test_folder_writes_one_json_and_one_image_per_frame(
        folder_run, sample_clip, sample_clip_boxes):
    out_dir = folder_run['out_dir']
    names = [osp.basename(p) for p in sample_clip['paths']]
    assert sorted(os.listdir(osp.join(out_dir, 'visualizations'))) == names
    assert sorted(os.listdir(osp.join(out_dir, 'predictions'))) == [
        n.replace('.jpg', '.json') for n in names
    ]
    for name, boxes, original in zip(names, sample_clip_boxes,
                                     sample_clip['arrays']):
        with open(
                osp.join(out_dir, 'predictions',
                         name.replace('.jpg', '.json'))) as f:
            assert len(json.load(f)) == len(boxes)
        img = cv2.imread(osp.join(out_dir, 'visualizations', name))
        assert img.shape == original.shape
        assert np.abs(img.astype(int) - original).mean() > 0.5


def test_frame_list_renders_into_a_video_file(arrays_run, sample_clip):
    """``vis_out_dir`` naming a video renders a frame list into it."""
    rendered, fps = read_video(arrays_run['vis_file'])
    assert len(rendered) == NUM_CLIP_FRAMES
    assert fps == pytest.approx(5)
    assert rendered[0].shape == sample_clip['arrays'][0].shape
    # arrays are named 000000.jpg, ... as mmpose names them
    assert sorted(os.listdir(arrays_run['pred_dir'])) == [
        f'{i:06d}.json' for i in range(NUM_CLIP_FRAMES)
    ]


def test_image_file_name_for_several_frames_is_an_error(
        video_inferencer, sample_clip, sample_clip_boxes, tmp_path):
    with pytest.raises(ValueError, match='image file name'):
        _run(
            video_inferencer,
            sample_clip['arrays'][:2],
            bboxes=sample_clip_boxes[:2],
            vis_out_dir=str(tmp_path / 'poses.jpg'))
    assert not (tmp_path / 'poses.jpg').exists()


# ---------------------------------------------------------- (d) user boxes


def test_coco_json_boxes_equal_the_per_frame_list(video_inferencer,
                                                  clip_folder, sample_clip,
                                                  sample_clip_boxes,
                                                  folder_run, as_arrays,
                                                  tmp_path):
    expected = as_arrays(folder_run['results'])
    # COCO detection results keyed by image_id, mapped by the annotation
    from_ids = _run(
        video_inferencer,
        clip_folder,
        bboxes=sample_clip['det_file'],
        bbox_image_ids=sample_clip['ann_file'])
    _assert_same_predictions(as_arrays(from_ids), expected)
    # COCO-style x, y, w, h keyed by frame_index
    entries = [
        dict(
            frame_index=t,
            bbox=[float(b[0]), float(b[1]),
                  float(b[2] - b[0]),
                  float(b[3] - b[1])],
            score=float(b[4]),
            category_id=1) for t, boxes in enumerate(sample_clip_boxes)
        for b in boxes
    ]
    path = tmp_path / 'boxes.json'
    path.write_text(json.dumps(entries))
    from_index = _run(video_inferencer, clip_folder, bboxes=str(path))
    for (k1, s1, b1), (k2, s2, b2) in zip(as_arrays(from_index), expected):
        # x, y, w, h -> x1, y1, x2, y2 in float32 may round in the last bit
        np.testing.assert_allclose(b1, b2, atol=1e-4)
        np.testing.assert_allclose(k1, k2, atol=1e-3)
        np.testing.assert_allclose(s1, s2, atol=1e-4)


def test_no_boxes_and_no_detector_is_a_clear_error(video_inferencer,
                                                   clip_folder):
    with pytest.raises(ValueError) as info:
        _run(video_inferencer, clip_folder)
    message = str(info.value)
    for what in ('det_model=', 'det_weights=', 'bboxes=', 'whole_image'):
        assert what in message


@pytest.mark.parametrize('kwargs, error, match', [
    (dict(bboxes=[[[0, 0, 50, 100]], [[60, 50, 40, 100]]]), ValueError,
     r'frame 1 .*x2 <= x1'),
    (dict(bboxes='DET'), ValueError, 'bbox_image_ids'),
    (dict(bboxes='BROKEN'), ValueError, r'broken\.json: not valid JSON'),
    (dict(bboxes='MISSING'), FileNotFoundError, r'missing\.json'),
    (dict(bboxes=[[[0, 0, 50, 100]]] * 2, bbox_file='x.json'), ValueError,
     r"unknown argument \{'bbox_file'\}"),
])
def test_bad_boxes_and_arguments_are_clear_errors(video_inferencer,
                                                  sample_clip, tmp_path,
                                                  kwargs, error, match):
    broken = tmp_path / 'broken.json'
    broken.write_text('[{"frame_index": 0, "bbox": [1, 2, 3')
    replace = dict(
        DET=sample_clip['det_file'],
        BROKEN=str(broken),
        MISSING=str(tmp_path / 'missing.json'))
    if isinstance(kwargs['bboxes'], str):
        kwargs = dict(kwargs, bboxes=replace[kwargs['bboxes']])
    with pytest.raises(error, match=match):
        _run(video_inferencer, sample_clip['arrays'][:2], **kwargs)


@pytest.mark.parametrize('name, error, match', [
    ('missing_video.mp4', FileNotFoundError, 'No such video file'),
    ('notes.txt', ValueError, 'neither a video file nor an image'),
    ('empty.mp4', ValueError, 'Cannot decode the video file'),
])
def test_bad_input_paths_are_clear_errors(video_inferencer, tmp_path, name,
                                          error, match):
    (tmp_path / 'notes.txt').write_text('not a video')
    (tmp_path / 'empty.mp4').write_bytes(b'')
    with pytest.raises(error, match=match):
        _run(video_inferencer, str(tmp_path / name), bboxes=[[]])


# ------------------------------------------------------- (e) single images


def test_single_image_uses_itself_as_neighbours_and_warns_once(
        video_inferencer, tiny_model, sample_clip, sample_clip_boxes,
        monkeypatch):
    warnings = []
    real_print_log = video_pose2d_inferencer.print_log

    def record(msg, logger=None, level=20):
        if level >= 30:
            warnings.append(msg)
        real_print_log(msg, logger=logger, level=level)

    monkeypatch.setattr(video_pose2d_inferencer, 'print_log', record)
    monkeypatch.setattr(video_inferencer.inferencer, '_warned_single_image',
                        False)
    boxes = sample_clip_boxes[2]
    (from_path, ) = _run(
        video_inferencer, sample_clip['paths'][2], bboxes=[boxes])
    (from_array, ) = _run(
        video_inferencer, sample_clip['arrays'][2], bboxes=[boxes])
    assert len(warnings) == 1
    assert 'no temporal context' in warnings[0]
    # a video does not warn
    _run(video_inferencer, sample_clip['arrays'][:2],
         bboxes=sample_clip_boxes[:2])
    assert len(warnings) == 1

    expected = inference_video_topdown(
        tiny_model, [sample_clip['arrays'][2]] * 5, bboxes=boxes)
    for result in (from_path, from_array):
        (instances, ) = result['predictions']
        assert len(instances) == len(boxes)
        for inst, sample in zip(instances, expected):
            np.testing.assert_array_equal(
                np.array(inst['keypoints'])[None],
                sample.pred_instances.keypoints)


# ---------------------------------------------------------- (f) detector

TINY_DETECTOR = """
default_scope = 'mmdet'
model = dict(
    type='RetinaNet',
    data_preprocessor=dict(
        type='DetDataPreprocessor', mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32),
    backbone=dict(type='ResNet', depth=18, base_channels=16,
                  out_indices=(1, 2, 3), norm_eval=False, init_cfg=None),
    neck=dict(type='FPN', in_channels=[32, 64, 128], out_channels=32,
              start_level=0, add_extra_convs='on_input', num_outs=3),
    bbox_head=dict(
        type='RetinaHead', num_classes=1, in_channels=32, stacked_convs=1,
        feat_channels=32,
        anchor_generator=dict(
            type='AnchorGenerator', octave_base_scale=4,
            scales_per_octave=1, ratios=[0.5, 1.0, 2.0],
            strides=[8, 16, 32]),
        bbox_coder=dict(type='DeltaXYWHBBoxCoder',
                        target_means=[0., 0., 0., 0.],
                        target_stds=[1., 1., 1., 1.]),
        loss_cls=dict(type='FocalLoss', use_sigmoid=True, gamma=2.0,
                      alpha=0.25, loss_weight=1.0),
        loss_bbox=dict(type='L1Loss', loss_weight=1.0)),
    # random weights give low scores: keep every box, at most 4 per image
    test_cfg=dict(nms_pre=100, min_bbox_size=0, score_thr=0.0,
                  nms=dict(type='nms', iou_threshold=0.5), max_per_img=4))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(320, 320), keep_ratio=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]
test_dataloader = dict(
    dataset=dict(type='CocoDataset', pipeline=test_pipeline,
                 metainfo=dict(classes=('person', ))))
visualizer = dict(type='DetLocalVisualizer')
"""


@pytest.fixture(scope='module')
def tiny_detector(tmp_path_factory):
    """A randomly initialised small RetinaNet (ResNet-18 at 1/4 width) and
    its saved checkpoint."""
    import torch
    from mmdet.registry import MODELS
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    from mmengine.runner import save_checkpoint
    folder = tmp_path_factory.mktemp('tiny_detector')
    config = folder / 'tiny_retinanet.py'
    config.write_text(TINY_DETECTOR)
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = MODELS.build(Config.fromfile(str(config)).model)
    checkpoint = str(folder / 'tiny_retinanet_random.pth')
    save_checkpoint(
        dict(
            state_dict=model.state_dict(),
            meta=dict(dataset_meta=dict(classes=('person', )))), checkpoint)
    return str(config), checkpoint


def test_detector_boxes_reach_the_pose_model(tiny_cfg_file, tiny_checkpoint,
                                             tiny_detector, sample_clip,
                                             sample_clip_boxes, tmp_path,
                                             monkeypatch):
    det_config, det_checkpoint = tiny_detector
    inferencer = MMPoseVideoInferencer(
        pose2d=tiny_cfg_file,
        pose2d_weights=tiny_checkpoint,
        det_model=det_config,
        det_weights=det_checkpoint,
        device='cpu')
    detector = inferencer.inferencer.detector
    assert detector is not None
    seen = []  # (image given to the detector, its raw predictions)

    def spy(img, **kwargs):
        out = detector(img, **kwargs)
        seen.append((img, out['predictions'][0].pred_instances.cpu().numpy()))
        return out

    monkeypatch.setattr(inferencer.inferencer, 'detector', spy)
    frames = sample_clip['arrays'][:3]
    results = _run(inferencer, frames, bbox_thr=0.0, return_datasamples=True)
    assert len(seen) == 3
    for t, (sample, (img, det)) in enumerate(zip(results, seen)):
        (sample, ) = sample['predictions']
        assert img is frames[t]  # the key frame was detected
        instances = sample.pred_instances
        assert 0 < len(instances) <= len(det.bboxes)
        assert instances.keypoints.shape == (len(instances), 17, 2)
        # every person box is one of the detector's (clipped to the frame)
        det_boxes, _ = check_person_boxes(
            np.concatenate([det.bboxes, det.scores[:, None]], 1), (240, 320),
            'detector', drop_invalid=True)
        for box, score in zip(instances.bboxes, instances.bbox_scores):
            match = np.isclose(det_boxes[:, :4], box, atol=1e-3).all(1)
            assert match.any(), (t, box)
            assert np.isclose(det_boxes[match, 4], score).any()

    # a threshold above every score: frames without people still render
    seen.clear()
    empty = _run(
        inferencer,
        frames,
        bbox_thr=1.0,
        vis_out_dir=str(tmp_path / 'vis'),
        pred_out_dir=str(tmp_path / 'pred'))
    assert len(seen) == 3
    assert [r['predictions'] for r in empty] == [[[]]] * 3
    assert len(os.listdir(tmp_path / 'vis')) == 3
    with open(tmp_path / 'pred' / '000000.json') as f:
        assert json.load(f) == []

    # user boxes take precedence over the detector
    seen.clear()
    (result, ) = _run(inferencer, frames[0], bboxes=[sample_clip_boxes[0]])
    assert seen == []
    assert len(result['predictions'][0]) == len(sample_clip_boxes[0])
