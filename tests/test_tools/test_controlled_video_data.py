"""The sample generator's controlled-video options: per-frame joint
occlusion, motion blur, a crossing distractor, generated layouts, and
irrelevant motion with its motion masks."""
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
         '--occlusion-prob', '0.3', '--blur-prob', '1', '--distractor',
         '--pan-speed', '4', '--moving-objects', '1', '--passer-by'],
        capture_output=True, text=True, check=True).stdout
    assert 'train: 1 videos, 6 frames' in out
    assert 'hidden joints:' in out
    assert 'motion-blurred frames: 12' in out
    assert 'motion masks:' in out and (root / 'motion_masks').is_dir()
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
    (dict(pan_speed=-1.0), 'pan_speed'),
    (dict(moving_objects=-2), 'moving_objects'),
    (dict(mask_window=-1), 'mask_window'),
])
def test_bad_effect_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_sample_posetrack(str(tmp_path / 'x'), **kwargs)


# Irrelevant motion and its masks

def _changed(before, after):
    return (before != after).reshape(*before.shape[:2], -1).any(-1)


def _dilated(mask):
    return cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0


def test_silhouette_is_where_the_figure_changes_the_frame():
    from tdmi_mmpose.synthetic import person_silhouette, walking_pose
    from tdmi_mmpose.synthetic.rendering import draw_person
    rng = np.random.default_rng(0)
    for t in (0, 5):
        joints, h, _ = walking_pose((0.5, 2.0, 150, 0.0, 0.3), np.zeros(6),
                                    t, WIDTH, HEIGHT)
        before = rng.integers(0, 256, (HEIGHT, WIDTH, 3), dtype=np.uint8)
        after = before.copy()
        draw_person(after, joints, h, (90, 30, 200))
        changed = _changed(before, after)
        silhouette = person_silhouette(joints, h, WIDTH, HEIGHT)
        # every changed pixel is in the silhouette; the silhouette adds at
        # most the anti-aliased fringe next to changed pixels
        assert changed.sum() > 1000
        assert not (changed & ~silhouette).any()
        assert not (silhouette & ~_dilated(changed)).any()


def test_moving_objects_change_the_frame_exactly_where_they_are():
    from tdmi_mmpose.synthetic.irrelevant_motion import (
        draw_objects, plan_irrelevant_motion)
    motion = plan_irrelevant_motion(
        np.random.default_rng(3), np.array([160.0, 120.0]),
        (0.5, 2.0, 150, 0.0, 0.3), 9, WIDTH, HEIGHT, moving_objects=3)
    assert len(motion.objects) == 3
    background = np.full((HEIGHT, WIDTH, 3), -1.0, dtype=np.float32)
    covered = {}
    for t in (0, 4):
        img = background.copy()
        covered[t] = draw_objects(img, motion.objects, t, WIDTH, HEIGHT)
        # textures are in [0, 255], the background -1: a pixel changed iff
        # an object is there
        assert np.array_equal(_changed(background, img), covered[t])
        assert covered[t].sum() > 500
    assert not np.array_equal(covered[0], covered[4])  # they move


def test_motion_masks_are_the_swept_regions():
    from tdmi_mmpose.synthetic import OTHER_MOTION, TARGET_MOTION
    from tdmi_mmpose.synthetic.irrelevant_motion import motion_masks
    n, shape = 5, (4, 6)
    frames = np.zeros((n, ) + shape, dtype=bool)
    person0 = frames.copy()
    person1 = frames.copy()
    objects = frames.copy()
    for t in range(n):
        person0[t, 0, t] = True   # moves right along row 0
        person1[t, 3, 5 - t] = True  # moves left along row 3
    objects[4, 2, 2] = True
    masks = motion_masks({0: list(person0), 1: list(person1)},
                         list(objects), t=1, window=1)
    target0 = (masks[0] & TARGET_MOTION) > 0
    other0 = (masks[0] & OTHER_MOTION) > 0
    # frames 0..2: person 0 at row 0 columns 0..2; person 1 at row 3
    # columns 3..5; the object (frame 4) is outside the window
    assert target0.sum() == 3 and target0[0, :3].all()
    assert other0.sum() == 3 and other0[3, 3:].all()
    assert np.array_equal((masks[1] & TARGET_MOTION) > 0, other0)
    # at the end of the video the window is clamped and the object counts
    end = motion_masks({0: list(person0)}, list(objects), t=4, window=1)[0]
    assert ((end & TARGET_MOTION) > 0)[0, 3:5].all()
    assert ((end & OTHER_MOTION) > 0).sum() == 1


def _motion_video(**motion):
    return render_video(
        np.random.default_rng(5), 'val', '000007_x_val', 9, 2,
        [(0.4, 1.5, 150, 0.0, 0.3)], WIDTH, HEIGHT, (0.6, 0.99), 1,
        Effects(), np.random.default_rng(7), motion, mask_window=0)


def test_video_masks_cover_what_moves_and_leave_the_pan_out():
    from tdmi_mmpose.synthetic import OTHER_MOTION, TARGET_MOTION
    pan_only = _motion_video(pan_speed=4.0)
    crowded = _motion_video(pan_speed=4.0, moving_objects=3, passer_by=True)
    for video in (pan_only, crowded):
        assert set(video['motion_masks']) == {
            (im['file_name'], 0) for im in video['json']['images']
            if im['is_labeled']}
    for (name, _), mask in pan_only['motion_masks'].items():
        t = int(name[-10:-4])
        if t == 0:
            continue
        people = _changed(pan_only['backgrounds'][t],
                          pan_only['frames'][t][1])
        target = (mask & TARGET_MOTION) > 0
        # window 0: the target mask is the figure of this frame
        assert not (people & ~target).any()
        assert not (target & ~_dilated(people)).any()
        # the pan moves every background pixel, and is not in the masks
        assert not (mask & OTHER_MOTION).any()
        assert _changed(pan_only['backgrounds'][t],
                        pan_only['backgrounds'][t - 1]).mean() > 0.9
    for (name, _), mask in crowded['motion_masks'].items():
        t = int(name[-10:-4])
        people = _changed(crowded['backgrounds'][t], crowded['frames'][t][1])
        # the passer-by is drawn too; both figures are inside the masks
        assert not (people & ~(mask > 0)).any()
        assert ((mask & OTHER_MOTION) > 0).sum() > 2000
    # the annotations do not change with the irrelevant motion
    assert pan_only['json'] == crowded['json']


def test_make_sample_writes_the_masks_beside_the_annotations(tmp_path):
    from tdmi_mmpose.synthetic import motion_mask_path
    root = str(tmp_path / 'irrelevant')
    summary = make_sample_posetrack(
        root, seed=2, num_videos=(1, 1), frames_per_video=6, label_step=2,
        pan_speed=4.0, moving_objects=2, passer_by=True)
    instances = summary['train']['instances'] + summary['val']['instances']
    assert summary['motion_masks'] == instances
    with open(summary['val']['ann_files'][0]) as f:
        video = json.load(f)
    names = {im['id']: im['file_name'] for im in video['images']}
    for ann in video['annotations']:
        rel = motion_mask_path(names[ann['image_id']], ann['track_id'])
        assert rel.startswith('motion_masks/val/000501_synthetic_val/')
        mask = cv2.imread(osp.join(root, rel), cv2.IMREAD_UNCHANGED)
        assert mask.shape == (HEIGHT, WIDTH) and mask.dtype == np.uint8
        assert set(np.unique(mask)) <= {0, 1, 2, 3} and (mask & 1).any()
    # without irrelevant motion no masks are written
    plain = make_sample_posetrack(str(tmp_path / 'plain'), seed=2,
                                  num_videos=(1, 1), frames_per_video=6)
    assert plain['motion_masks'] == 0
    assert not osp.exists(str(tmp_path / 'plain' / 'motion_masks'))
