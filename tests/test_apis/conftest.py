"""Fixtures of the video inference tests: the tiny TDMI config (flip test
off, for speed) with random weights, and the first frames of a sample val
video with its detection boxes."""
import os.path as osp
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

REPO_ROOT = Path(__file__).resolve().parents[2]
TINY_CONFIG = REPO_ROOT / 'configs' / 'tdmi_tiny_posetrack_sample.py'
VIDEO = '000101_sample_val'
NUM_CLIP_FRAMES = 6


@pytest.fixture(scope='session')
def tiny_cfg_file(tmp_path_factory):
    path = tmp_path_factory.mktemp('apis_cfg') / 'tdmi_tiny_noflip.py'
    path.write_text(f"_base_ = ['{TINY_CONFIG.as_posix()}']\n"
                    'model = dict(test_cfg=dict(flip_test=False))\n')
    return str(path)


@pytest.fixture(scope='session')
def tiny_model(tiny_cfg_file):
    from mmpose.apis import init_model
    torch.manual_seed(0)
    return init_model(tiny_cfg_file, None, device='cpu')


@pytest.fixture(scope='session')
def tiny_checkpoint(tiny_model, tmp_path_factory):
    from mmengine.runner import save_checkpoint
    path = str(tmp_path_factory.mktemp('apis_ckpt') / 'tdmi_tiny_random.pth')
    save_checkpoint(
        dict(
            state_dict=tiny_model.state_dict(),
            meta=dict(dataset_meta=tiny_model.dataset_meta)), path)
    return path


@pytest.fixture(scope='session')
def video_inferencer(tiny_cfg_file, tiny_checkpoint):
    from tdmi_mmpose.apis import MMPoseVideoInferencer
    return MMPoseVideoInferencer(
        pose2d=tiny_cfg_file, pose2d_weights=tiny_checkpoint, device='cpu')


@pytest.fixture(scope='session')
def sample_clip(sample_data_root):
    """The first frames of one sample val video: paths, decoded arrays,
    its annotation file (image ids) and the detection file."""
    folder = osp.join(sample_data_root, 'images', 'val', VIDEO)
    paths = [osp.join(folder, f'{i:06d}.jpg') for i in range(NUM_CLIP_FRAMES)]
    return dict(
        paths=paths,
        arrays=[cv2.imread(p) for p in paths],
        ann_file=osp.join(sample_data_root, 'annotations', 'val',
                          f'{VIDEO}.json'),
        det_file=osp.join(sample_data_root, 'person_detections',
                          'val_human_detections.json'))


@pytest.fixture(scope='session')
def sample_clip_boxes(sample_clip):
    """Per-frame (N, 5) boxes of ``sample_clip`` (detections with score
    >= 0.3)."""
    from tdmi_mmpose.apis import PersonBoxSource
    source = PersonBoxSource(
        sample_clip['det_file'], sample_clip['ann_file'], score_thr=0.3)
    return [source.boxes_for(i) for i in range(NUM_CLIP_FRAMES)]


def predictions_as_arrays(results):
    """(keypoints, keypoint_scores, bboxes) arrays per frame from the
    inferencer's per-frame result dicts."""
    frames = []
    for result in results:
        (instances, ) = result['predictions']
        frames.append(
            (np.array([inst['keypoints'] for inst in instances]),
             np.array([inst['keypoint_scores'] for inst in instances]),
             np.array([inst['bbox'][0] for inst in instances])))
    return frames


@pytest.fixture(scope='session')
def as_arrays():
    """:func:`predictions_as_arrays`, for the tests."""
    return predictions_as_arrays
