"""The sample generator's controlled-video options: per-frame joint
occlusion, motion blur, a crossing distractor and generated layouts."""
import json
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest

from tdmi_mmpose.synthetic import (Effects, generated_layout,
                                   make_sample_posetrack, motion_blur,
                                   render_video, with_distractor)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
WIDTH, HEIGHT = 320, 240


def _render(occlusion_prob=0.0, blur_prob=0.0, templates=None, nframes=8):
    # label_step 1: every frame's joints are in the JSON
    templates = templates or [(0.4, 1.5, 150, 0.0, 0.3)]
    return render_video(
        np.random.default_rng(5), 'train', '000007_x_train', nframes, 1,
        templates, WIDTH, HEIGHT, (0.6, 0.99), 1,
        Effects(np.random.default_rng(9), occlusion_prob=occlusion_prob,
                occluder_radius=0.08, blur_prob=blur_prob, blur_length=9))


def _core(joint):
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    return (xx - joint[0])**2 + (yy - joint[1])**2 <= 2.5**2


def _keypoints(video, t):
    (ann, ) = [a for a in video['json']['annotations']
               if a['image_id'] == video['json']['images'][t]['id']]
    return np.array(ann['keypoints'], dtype=float).reshape(-1, 3)


def test_occlusion_hides_the_joint_in_its_frame_only():
    clean = _render(0.0)
    occluded = _render(0.35)
    assert occluded['hidden_joints'], 'p=0.35 hid no joint in 8 frames'
    # Switching occlusion on changes nothing else: same people, same labels.
    assert clean['json'] == occluded['json']
    height = 150  # template height; the disc radius is 0.08 of it
    checked = 0
    for t in range(len(occluded['frames']) - 1):
        name, img = occluded['frames'][t]
        next_name, next_img = occluded['frames'][t + 1]
        hidden = {k for _, k in occluded['hidden_joints'].get(name, [])}
        hidden_next = {
            k for _, k in occluded['hidden_joints'].get(next_name, [])}
        kpts, kpts_next = _keypoints(occluded, t), _keypoints(occluded, t + 1)
        for k in sorted(hidden):
            if kpts[k, 2] == 0 or kpts_next[k, 2] == 0:
                continue
            core = _core(kpts[k, :2])
            # this frame: the joint's pixels are the background's, where the
            # clean render shows the person
            assert np.array_equal(img[core], occluded['backgrounds'][t][core])
            assert not np.array_equal(clean['frames'][t][1][core],
                                      occluded['backgrounds'][t][core])
            # the next frame, where no hiding disc reaches this joint: the
            # person is visible there, exactly as in the clean render
            near = [j for j in hidden_next if np.linalg.norm(
                kpts_next[j, :2] - kpts_next[k, :2]) < 0.08 * height + 4]
            if near:
                continue
            next_core = _core(kpts_next[k, :2])
            assert np.array_equal(next_img[next_core],
                                  clean['frames'][t + 1][1][next_core])
            assert not np.array_equal(
                next_img[next_core],
                occluded['backgrounds'][t + 1][next_core])
            checked += 1
    assert checked >= 3


def test_occlusion_probability_is_respected():
    video = _render(0.35, nframes=40)
    hidden = sum(len(v) for v in video['hidden_joints'].values())
    draws = 40 * 17
    assert abs(hidden / draws - 0.35) < 0.06
    assert not _render(0.0)['hidden_joints']


def test_motion_blur_is_a_normalised_line_kernel():
    img = np.zeros((21, 21, 3), dtype=np.uint8)
    img[10, 10] = 255
    blurred = motion_blur(img, 9, 0.0)
    row = blurred[10, :, 0].astype(int)
    assert (row[6:15] > 0).all() and row[:5].sum() == 0
    assert blurred[:10].sum() == 0 and blurred[11:].sum() == 0
    assert abs(int(blurred.sum()) - 3 * 255) <= 3 * 9  # rounding only
    video = _render(blur_prob=1.0)
    assert len(video['blurred_frames']) == 8


def test_distractor_crosses_the_first_person():
    templates = with_distractor([(0.2, 2.0, 150, 0.0, 0.0)], 21, WIDTH)
    assert len(templates) == 2
    video = _render(templates=templates, nframes=21)
    first, middle, last = 0, 10, 20
    xs = {}
    for t in (first, middle, last):
        anns = [a for a in video['json']['annotations']
                if a['image_id'] == video['json']['images'][t]['id']]
        xs[t] = {a['track_id']: a['bbox'][0] + a['bbox'][2] / 2
                 for a in anns}
    assert set(xs[middle]) == {0, 1}
    # the order of the two people along x swaps, and they meet half-way
    assert np.sign(xs[first][0] - xs[first][1]) != np.sign(xs[last][0] -
                                                           xs[last][1])
    assert abs(xs[middle][0] - xs[middle][1]) < 15


def test_generated_layout_and_cli(tmp_path):
    specs = generated_layout(np.random.default_rng(0), (3, 2), 12, 3)
    assert [s[0] for s in specs] == ['train'] * 3 + ['val'] * 2
    assert all(s[2] == 12 and s[3] == 3 and 1 <= len(s[4]) <= 2
               for s in specs)
    root = tmp_path / 'cli'
    out = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'dataset_converters',
                                  'make_sample_posetrack.py'),
         '--out-dir', str(root), '--num-videos', '1', '1',
         '--frames-per-video', '6', '--label-step', '2',
         '--occlusion-prob', '0.3', '--blur-prob', '1', '--distractor'],
        capture_output=True, text=True, check=True).stdout
    assert 'train: 1 videos, 6 frames' in out
    assert 'hidden joints:' in out
    assert 'motion-blurred frames: 12' in out
    assert sorted(p.name for p in (root / 'annotations' / 'val').iterdir()) \
        == ['000501_synthetic_val.json']


def test_make_sample_with_effects_writes_a_readable_dataset(tmp_path):
    root = str(tmp_path / 'occ')
    summary = make_sample_posetrack(
        root, seed=3, num_videos=(2, 1), frames_per_video=10, label_step=2,
        occlusion_prob=0.3, blur_prob=0.5, distractor=True)
    assert summary['train']['videos'] == 2 and summary['val']['videos'] == 1
    assert summary['hidden_joints'] and summary['blurred_frames']
    for name in summary['blurred_frames']:
        assert cv2.imread(osp.join(root, name)) is not None
    with open(summary['train']['ann_files'][0]) as f:
        video = json.load(f)
    assert {a['track_id'] for a in video['annotations']} >= {0, 1}
    # defaults are the bundled sample, unchanged
    plain = make_sample_posetrack(str(tmp_path / 'plain'), seed=0)
    assert plain['hidden_joints'] == {} and plain['blurred_frames'] == []
    assert plain['train']['videos'] == 3


@pytest.mark.parametrize('kwargs, match', [
    (dict(occlusion_prob=1.5), 'occlusion_prob'),
    (dict(blur_prob=-0.1), 'blur_prob'),
    (dict(blur_length=1), 'blur_length'),
    (dict(occluder_radius=0.0), 'occluder_radius'),
    (dict(num_videos=(0, 0)), 'num_videos'),
    (dict(num_videos=(1, 1), frames_per_video=1), 'frames_per_video'),
    (dict(num_videos=(1, 1), label_step=0), 'label_step'),
])
def test_bad_effect_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_sample_posetrack(str(tmp_path / 'x'), **kwargs)
