"""Multi-frame transforms: LoadVideoFrames, PackVideoPoseInputs, and proof
that mmpose's own transforms apply one augmentation to all frames."""
import os.path as osp

import cv2
import mmcv
import numpy as np
import pytest
import torch
from mmengine.dataset import Compose
from mmpose.registry import TRANSFORMS
from mmpose.structures.bbox import get_warp_matrix

from tdmi_mmpose.datasets.transforms import (MMPOSE_META_KEYS, VIDEO_META_KEYS,
                                             LoadVideoFrames,
                                             PackVideoPoseInputs)
from tdmi_mmpose.datasets.transforms import loading as loading_mod
from tdmi_mmpose.io import InputError

VIDEO = '000001_mpii_test'
FLIP_INDICES = [0, 1, 2, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]
UPPER = list(range(11))
LOWER = list(range(11, 17))


def frame_paths(writer, numbers, name=VIDEO):
    return [writer.frame_path(name, t) for t in numbers]


def load(paths, key, **kwargs):
    results = dict(
        frame_paths=paths,
        key_frame_index=key,
        img_path=paths[key],
        video_name=VIDEO)
    results.update(kwargs.pop('results', {}))
    return LoadVideoFrames(**kwargs)(results)


# ---------------------------------------------------------------------------
# Which mmpose transforms are reused
# ---------------------------------------------------------------------------
def test_reused_mmpose_transforms_are_mmpose_classes():
    """The video pipeline uses mmpose's own classes for every step except
    loading (and a thin packing subclass); none is shadowed by ours."""
    import mmpose.datasets.transforms as mmpose_transforms
    for name in ('GetBBoxCenterScale', 'RandomFlip', 'RandomHalfBody',
                 'RandomBBoxTransform', 'TopdownAffine', 'GenerateTarget',
                 'PackPoseInputs'):
        assert TRANSFORMS.get(name) is getattr(mmpose_transforms, name)
    assert TRANSFORMS.get('LoadVideoFrames') is LoadVideoFrames
    assert TRANSFORMS.get('PackVideoPoseInputs') is PackVideoPoseInputs
    assert issubclass(PackVideoPoseInputs, mmpose_transforms.PackPoseInputs)


# ---------------------------------------------------------------------------
# LoadVideoFrames
# ---------------------------------------------------------------------------
@pytest.fixture
def six_frames(writer):
    writer.video(VIDEO, nframes=6)
    return writer


def test_load_frames_in_order(six_frames):
    w = six_frames
    results = load(frame_paths(w, [0, 0, 0, 1, 2]), key=2)
    imgs = results['img']
    assert isinstance(imgs, list) and len(imgs) == 5
    for img, t in zip(imgs, [0, 0, 0, 1, 2]):
        assert img.shape == (48, 64, 3) and img.dtype == np.uint8
        assert abs(int(np.median(img)) - w.frame_value(t)) <= 1
    assert results['img_shape'] == (48, 64)
    assert results['ori_shape'] == (48, 64)
    assert results['replaced_frames'] == []


def test_each_file_decoded_once_and_frames_do_not_share_memory(
        six_frames, monkeypatch):
    calls = []
    real = mmcv.imfrombytes

    def counting(content, *args, **kwargs):
        calls.append(len(content))
        return real(content, *args, **kwargs)

    monkeypatch.setattr(mmcv, 'imfrombytes', counting)
    results = load(frame_paths(six_frames, [3, 4, 5, 5, 5]), key=2)
    assert len(calls) == 3
    imgs = results['img']
    for i in range(5):
        for j in range(i + 1, 5):
            assert not np.shares_memory(imgs[i], imgs[j])
    np.testing.assert_array_equal(imgs[2], imgs[4])


def test_load_without_frame_paths_is_single_frame(six_frames):
    path = six_frames.frame_path(VIDEO, 4)
    results = LoadVideoFrames()(dict(img_path=path))
    assert len(results['img']) == 1
    assert results['frame_paths'] == [path]
    assert results['key_frame_index'] == 0


def test_to_float32(six_frames):
    results = load(frame_paths(six_frames, [0, 1]), key=0, to_float32=True)
    assert all(img.dtype == np.float32 for img in results['img'])


def test_missing_frame_is_an_error_naming_the_file(six_frames):
    paths = frame_paths(six_frames, [2, 3, 4])
    paths[0] = paths[0].replace('000002', '000099')
    with pytest.raises(FileNotFoundError, match=paths[0]):
        load(paths, key=1)


@pytest.mark.parametrize('content', [b'not a jpeg at all', b''])
def test_corrupt_frame_is_an_error_naming_the_file(six_frames, content):
    paths = frame_paths(six_frames, [2, 3, 4])
    with open(paths[2], 'wb') as f:
        f.write(content)
    with pytest.raises(InputError, match=paths[2]):
        load(paths, key=1)


def test_frames_of_different_size_are_an_error(six_frames):
    paths = frame_paths(six_frames, [2, 3, 4])
    cv2.imwrite(paths[0], np.zeros((10, 10, 3), np.uint8))
    with pytest.raises(ValueError, match=paths[0]):
        load(paths, key=1)


def test_fallback_to_key_frame_warns_once_per_video(six_frames, monkeypatch):
    w = six_frames
    logs = []
    monkeypatch.setattr(loading_mod, 'print_log',
                        lambda msg, *a, **k: logs.append(msg))
    paths = frame_paths(w, [1, 2, 3, 4, 5])
    missing = paths[0].replace('000001', '000077')
    corrupt = paths[4]
    with open(corrupt, 'wb') as f:
        f.write(b'garbage')
    paths[0] = missing
    transform = LoadVideoFrames(missing_frame='key_frame')
    results = transform(
        dict(frame_paths=list(paths), key_frame_index=2, video_name=VIDEO))
    imgs = results['img']
    assert results['replaced_frames'] == [0, 4]
    np.testing.assert_array_equal(imgs[0], imgs[2])
    np.testing.assert_array_equal(imgs[4], imgs[2])
    assert abs(int(np.median(imgs[1])) - w.frame_value(2)) <= 1
    assert len(logs) == 1 and missing in logs[0] and VIDEO in logs[0]
    # same video again: no new warning; another video: one more
    transform(
        dict(frame_paths=list(paths), key_frame_index=2, video_name=VIDEO))
    assert len(logs) == 1
    transform(
        dict(
            frame_paths=list(paths),
            key_frame_index=2,
            video_name='other_video'))
    assert len(logs) == 2


def test_fallback_policy_from_the_dataset(six_frames):
    paths = frame_paths(six_frames, [2, 3, 4])
    paths[0] = paths[0].replace('000002', '000099')
    results = load(paths, key=1, results=dict(missing_frame='key_frame'))
    assert results['replaced_frames'] == [0]
    # the transform's own setting wins over the data info's
    with pytest.raises(FileNotFoundError):
        load(
            paths,
            key=1,
            missing_frame='error',
            results=dict(missing_frame='key_frame'))


def test_missing_key_frame_is_always_an_error(six_frames):
    paths = frame_paths(six_frames, [2, 3, 4])
    paths[1] = paths[1].replace('000003', '000099')
    with pytest.raises(FileNotFoundError, match=paths[1]):
        load(paths, key=1, missing_frame='key_frame')


def test_decoded_frames_are_taken_without_reading(monkeypatch):
    """As mmpose's LoadImage: frames already in ``img`` are not read again
    (video inference decodes each frame of a stream once)."""
    def no_reading(*args, **kwargs):
        raise AssertionError('a frame was read')

    monkeypatch.setattr(loading_mod, 'read_frame', no_reading)
    frames = [np.full((4, 6, 3), t, np.uint8) for t in range(3)]
    frames.append(frames[-1])  # clamped at the end: the same array
    results = LoadVideoFrames()(
        dict(img=list(frames), key_frame_index=1, img_path='000001.jpg'))
    assert len(results['img']) == 4
    assert all(a is b for a, b in zip(results['img'], frames))
    assert results['key_frame_index'] == 1
    assert results['img_shape'] == results['ori_shape'] == (4, 6)
    assert results['replaced_frames'] == []
    assert 'frame_paths' not in results
    # one array is one frame; to_float32 converts
    single = LoadVideoFrames(to_float32=True)(dict(img=frames[0]))
    assert len(single['img']) == 1 and single['key_frame_index'] == 0
    assert single['img'][0].dtype == np.float32
    np.testing.assert_array_equal(single['img'][0], frames[0])


def test_default_key_frame_is_the_offset_zero_frame(six_frames):
    """Without ``key_frame_index`` the key frame is where offset 0 is."""
    paths = frame_paths(six_frames, [1, 2, 3])
    results = LoadVideoFrames()(
        dict(frame_paths=paths, frame_offsets=[-2, -1, 0]))
    assert results['key_frame_index'] == 2
    assert abs(int(np.median(results['img'][2])) -
               six_frames.frame_value(3)) <= 1


def test_load_bad_arguments(six_frames):
    with pytest.raises(ValueError, match='missing_frame'):
        LoadVideoFrames(missing_frame='skip')
    # key_frame_index comes from the dataset (not from a file or a user):
    # a wrong one is a programming error
    with pytest.raises(AssertionError, match='key_frame_index 2'):
        LoadVideoFrames()(
            dict(
                frame_paths=frame_paths(six_frames, [0, 1]),
                key_frame_index=2))


# ---------------------------------------------------------------------------
# One augmentation for all frames (mmpose's transforms on a list)
# ---------------------------------------------------------------------------
H, W = 160, 200  # source frames
IN_W, IN_H = 96, 128  # crop size


def _keypoints(marker):
    """17 keypoints spread over a box around the image centre; keypoint 0 (its
    own flip partner) at ``marker``."""
    k = np.zeros((1, 17, 2), np.float32)
    for i in range(17):
        k[0, i] = (85 + 30 * (i % 4) / 3, 58 + 45 * (i // 4) / 4)
    k[0, 0] = marker
    return k


def _results(frames, marker=(92.0, 70.0)):
    return dict(
        img=frames,
        img_shape=frames[0].shape[:2],
        ori_shape=frames[0].shape[:2],
        frame_paths=[f'f{t}.jpg' for t in range(len(frames))],
        key_frame_index=len(frames) // 2,
        bbox=np.array([[80, 55, 120, 105]], np.float32),
        bbox_score=np.ones(1, np.float32),
        keypoints=_keypoints(marker),
        keypoints_visible=np.ones((1, 17), np.float32),
        flip_indices=FLIP_INDICES,
        upper_body_ids=UPPER,
        lower_body_ids=LOWER,
        dataset_keypoint_weights=np.ones(17, np.float32),
    )


def _augment(half_body):
    steps = [
        dict(type='GetBBoxCenterScale', padding=1.25),
        dict(type='RandomFlip', direction='horizontal', prob=1.0),
    ]
    if half_body:
        steps.append(
            dict(
                type='RandomHalfBody',
                prob=1.0,
                min_total_keypoints=4,
                min_upper_keypoints=2,
                min_lower_keypoints=2))
    steps += [
        dict(
            type='RandomBBoxTransform',
            shift_factor=0.05,
            shift_prob=1.0,
            scale_factor=(0.9, 1.1),
            scale_prob=1.0,
            rotate_factor=40.0,
            rotate_prob=1.0),
        dict(type='TopdownAffine', input_size=(IN_W, IN_H)),
    ]
    return Compose(steps)


@pytest.mark.parametrize('half_body', [False, True])
@pytest.mark.parametrize('seed', [0, 1, 2])
def test_same_augmentation_for_all_frames(seed, half_body):
    """Frames t = base + 20 t: after flip/half-body/shift/scale/rotate/crop
    every output frame must still be exactly crop(base) + 20 t, and each must
    equal the independently recomputed crop of its own flipped frame."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 150, size=(H, W, 3), dtype=np.uint8)
    frames = [base + np.uint8(20 * t) for t in range(5)]
    np.random.seed(seed)
    out = _augment(half_body)(_results([f.copy() for f in frames]))

    assert out['flip'] is True
    assert abs(float(out['bbox_rotation'][0])) > 0
    crops = out['img']
    assert len(crops) == 5
    assert all(c.shape == (IN_H, IN_W, 3) for c in crops)
    for t, crop in enumerate(crops):
        diff = crop.astype(np.int16) - crops[0].astype(np.int16)
        assert (diff == 20 * t).all(), f'frame {t} got another transform'
        warp = get_warp_matrix(
            out['bbox_center'][0],
            out['bbox_scale'][0],
            out['bbox_rotation'][0],
            output_size=(IN_W, IN_H))
        expected = cv2.warpAffine(
            cv2.flip(frames[t], 1), warp, (IN_W, IN_H), flags=cv2.INTER_LINEAR)
        np.testing.assert_array_equal(crop, expected)
    # and it is not the identity crop
    assert not np.array_equal(crops[0], crops[0][:, ::-1])


def test_augmentation_does_not_depend_on_t():
    """With the same seed, T=5 and T=1 samples get the same augmentation (the
    random draws do not depend on the number of frames)."""
    rng = np.random.default_rng(5)
    base = rng.integers(0, 150, size=(H, W, 3), dtype=np.uint8)
    np.random.seed(3)
    five = _augment(True)(_results([base.copy() for _ in range(5)]))
    np.random.seed(3)
    one = _augment(True)(_results([base.copy()]))
    np.testing.assert_array_equal(five['img'][2], one['img'][0])
    np.testing.assert_allclose(five['transformed_keypoints'],
                               one['transformed_keypoints'])


@pytest.mark.parametrize('seed', [0, 1, 2, 3])
def test_marker_pixel_follows_the_keypoint_in_every_frame(seed):
    """A bright marker at keypoint 0 in every frame lands where the
    transformed keypoint says, in every frame (flip + rotate + crop)."""
    marker = (92.0, 70.0)
    frames = []
    for t in range(5):
        img = np.full((H, W, 3), 10 * t, np.uint8)
        cv2.circle(img, (int(marker[0]), int(marker[1])), 2, (255, 255, 255),
                   -1)
        frames.append(img)
    np.random.seed(seed)
    out = _augment(False)(_results(frames, marker))
    kx, ky = out['transformed_keypoints'][0, 0]
    assert 0 <= kx < IN_W and 0 <= ky < IN_H
    for t, crop in enumerate(out['img']):
        grey = crop[..., 0].astype(np.float32)
        ys, xs = np.nonzero(grey > 200)
        assert len(xs) > 0, f'marker lost in frame {t}'
        assert abs(xs.mean() - kx) < 1.5 and abs(ys.mean() - ky) < 1.5, (
            f'frame {t}: marker at ({xs.mean():.1f}, {ys.mean():.1f}), '
            f'keypoint at ({kx:.1f}, {ky:.1f})')


def test_heatmap_target_from_key_frame_keypoints():
    frames = [np.zeros((H, W, 3), np.uint8) for _ in range(3)]
    codec = dict(
        type='MSRAHeatmap',
        input_size=(288, 384),
        heatmap_size=(72, 96),
        sigma=3)
    pipeline = Compose([
        dict(type='GetBBoxCenterScale', padding=1.25),
        dict(type='TopdownAffine', input_size=(288, 384)),
        dict(type='GenerateTarget', encoder=codec),
        dict(type='PackVideoPoseInputs'),
    ])
    results = _results(frames)
    results['keypoints_visible'][0, 5] = 0
    packed = pipeline(results)
    heatmaps = packed['data_samples'].gt_fields.heatmaps
    assert packed['inputs'].shape == (3, 3, 384, 288)
    assert heatmaps.shape == (17, 96, 72)
    weights = packed['data_samples'].gt_instance_labels.keypoint_weights
    assert weights.shape == (1, 17) and weights[0, 5] == 0
    assert heatmaps[5].max() == 0
    kpts = packed['data_samples'].gt_instances.keypoints[0]
    # the packed keypoints are the input-space ones; peaks at /4 of the
    # transformed keypoints
    trans = results['transformed_keypoints'][0]
    for k in (0, 8, 16):
        y, x = np.unravel_index(int(heatmaps[k].argmax()), (96, 72))
        assert abs(x - trans[k, 0] / 4) <= 1 and abs(y - trans[k, 1] / 4) <= 1
    assert kpts.shape == (17, 2)


# ---------------------------------------------------------------------------
# PackVideoPoseInputs
# ---------------------------------------------------------------------------
def test_pack_video_inputs_and_meta_keys():
    rng = np.random.default_rng(0)
    imgs = [rng.integers(0, 255, (8, 6, 3), dtype=np.uint8) for _ in range(4)]
    results = dict(
        img=imgs,
        key_frame_index=1,
        frame_offsets=[-1, 0, 1, 2],
        frame_paths=['a', 'b', 'c', 'd'],
        vid_id='000001',
        frame_id=10000010003,
        frame_index=3,
        nframes=9,
        video_name=VIDEO,
        track_id=4,
        bbox_score=np.ones(1, np.float32),
        is_labeled=True,
        bbox_head=np.zeros(4, np.float32),
        ignore_regions=[],
        replaced_frames=[],
        id=7,
        img_id=10000010003,
        img_path='c',
        bbox=np.zeros((1, 4), np.float32),
        not_a_meta_key=1,
    )
    packed = PackVideoPoseInputs()(results)
    inputs = packed['inputs']
    assert inputs.shape == (4, 3, 8, 6) and inputs.dtype == torch.uint8
    for t in range(4):  # channel order kept (BGR)
        np.testing.assert_array_equal(inputs[t].permute(1, 2, 0).numpy(),
                                      imgs[t])
    meta = packed['data_samples'].metainfo
    for key in VIDEO_META_KEYS:
        assert key in meta, key
    assert meta['key_frame_index'] == 1 and meta['video_name'] == VIDEO
    assert 'not_a_meta_key' not in meta
    assert set(MMPOSE_META_KEYS) <= set(PackVideoPoseInputs().meta_keys)
    assert packed['data_samples'].gt_instances.bboxes.shape == (1, 4)


def test_pack_single_image_is_t1_and_custom_meta_keys():
    img = np.zeros((8, 6, 3), np.uint8)
    packed = PackVideoPoseInputs(meta_keys=('id', ))(
        dict(img=img, id=3, vid_id='x'))
    assert packed['inputs'].shape == (1, 3, 8, 6)
    assert dict(packed['data_samples'].metainfo) == {'id': 3}
    with pytest.raises(KeyError, match='img'):
        PackVideoPoseInputs()(dict(id=3))


def test_full_pipeline_on_tiny_video(writer, build_dataset):
    """Dataset + pipeline from config dicts on a tiny video: shapes, the
    loaded frames and the metric keys all arrive in the packed sample."""
    writer.write_json(
        writer.video(VIDEO, nframes=6, labeled=(0, 3), width=64, height=48),
        f'annotations/val/{VIDEO}.json')
    ds = build_dataset(
        data_root=writer.root,
        ann_file='annotations/val',
        test_mode=True,
        pipeline=[
            dict(type='LoadVideoFrames'),
            dict(type='GetBBoxCenterScale'),
            dict(type='TopdownAffine', input_size=(48, 64)),
            dict(type='PackVideoPoseInputs'),
        ])
    packed = ds[1]  # key frame 3 -> frames 1..5
    assert packed['inputs'].shape == (5, 3, 64, 48)
    centre = packed['inputs'][:, 0, 32, 24].tolist()
    assert [
        abs(c - writer.frame_value(t)) <= 1
        for c, t in zip(centre, [1, 2, 3, 4, 5])
    ] == [True] * 5
    meta = packed['data_samples'].metainfo
    assert meta['frame_index'] == 3 and meta['nframes'] == 6
    assert [osp.basename(p) for p in meta['frame_paths']
            ] == [f'{t:06d}.jpg' for t in [1, 2, 3, 4, 5]]
    assert meta['bbox_head'].shape == (4, )
    assert meta['is_labeled'] is True
