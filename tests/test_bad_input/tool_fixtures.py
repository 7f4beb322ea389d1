"""Builders of the bad-input tests of the tools, the metric and the
inferencer: tiny PoseTrack18 GT / prediction files, synthetic frames and
checkpoint files (written here, not by the code under test)."""
import json
import os
import os.path as osp

import cv2
import numpy as np

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY_CONFIG = osp.join(REPO_ROOT, 'configs', 'tdmi_tiny_posetrack_sample.py')
VIDEO = '000001_mpii_test'
NUM_KEYPOINTS = 17


def body(x0=100.0, y0=100.0):
    """17 distinct (x, y) points of one person."""
    return [[x0 + 5 * (k % 3), y0 + 10 * k] for k in range(NUM_KEYPOINTS)]


def _images(num_frames):
    return [
        dict(
            id=10000 + t,
            file_name=f'images/val/{VIDEO}/{t:06d}.jpg',
            frame_id=10000 + t,
            vid_id='000001',
            nframes=num_frames) for t in range(num_frames)
    ]


def gt_video(num_frames=2):
    """A GT video: one person per frame, with head box and track id."""
    anns = []
    for t in range(num_frames):
        anns.append(
            dict(
                id=t,
                image_id=10000 + t,
                track_id=0,
                category_id=1,
                bbox_head=[95.0, 90.0, 20.0, 25.0],
                keypoints=[v for x, y in body() for v in (x, y, 1)]))
    return dict(images=_images(num_frames), annotations=anns)


def pred_video(num_frames=2):
    """Predictions equal to :func:`gt_video`, every joint scored 0.9."""
    video = gt_video(num_frames)
    for ann in video['annotations']:
        del ann['bbox_head']
        ann['scores'] = [0.9] * NUM_KEYPOINTS
    return video


def write_eval_case(root, pred, gt=None):
    """``root/gt/<video>.json`` and ``root/pred/<video>.json``; ``pred``
    may be a dict or raw text (for NaN tokens). Returns (gt_dir, pred_dir,
    pred_file)."""
    gt_dir, pred_dir = osp.join(root, 'gt'), osp.join(root, 'pred')
    os.makedirs(gt_dir, exist_ok=True)
    os.makedirs(pred_dir, exist_ok=True)
    with open(osp.join(gt_dir, VIDEO + '.json'), 'w') as f:
        json.dump(gt or gt_video(), f)
    pred_file = osp.join(pred_dir, VIDEO + '.json')
    with open(pred_file, 'w') as f:
        f.write(pred if isinstance(pred, str) else json.dumps(pred))
    return gt_dir, pred_dir, pred_file


def frames(num_frames, h=96, w=128):
    """Synthetic BGR frames with a bright 'person' block."""
    rng = np.random.default_rng(0)
    out = []
    for t in range(num_frames):
        img = rng.integers(0, 60, (h, w, 3), dtype=np.uint8)
        img[20:80, 40 + t:70 + t] = 200
        out.append(img)
    return out


def write_video(path, images, fps=10):
    """An .mp4 (mp4v) of ``images`` written with OpenCV directly."""
    h, w = images[0].shape[:2]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (w, h))
    assert writer.isOpened()
    for img in images:
        writer.write(img)
    writer.release()


def count_video_frames(path):
    """Frames OpenCV can decode from ``path``."""
    cap = cv2.VideoCapture(path)
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    return n


def files_under(folder):
    """All file names under ``folder`` (relative), hidden ones included."""
    found = []
    for root, _, names in os.walk(folder):
        found += [osp.relpath(osp.join(root, n), folder) for n in names]
    return sorted(found)
