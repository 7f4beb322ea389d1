"""Random PoseTrack18 tracking cases (GT and prediction folders) for the MOTA
tests (read by the package's ``evaluate_posetrack_folders(..., track=True)``).
"""
import json
import os
import os.path as osp

import numpy as np

from tdmi_mmpose.io import POSETRACK18_KEYPOINT_NAMES

CATEGORIES = [{
    'supercategory': 'person',
    'name': 'person',
    'id': 1,
    'keypoints': list(POSETRACK18_KEYPOINT_NAMES)
}]

# Offsets of the 17 keypoints from a person's centre (ears are never set).
_TEMPLATE = np.array(
    [[0, -80], [0, -60], [0, -100], [0, 0], [0, 0], [-20, -50], [20, -50],
     [-30, -20], [30, -20], [-35, 10], [35, 10], [-15, 20], [15, 20],
     [-15, 60], [15, 60], [-15, 100], [15, 100]],
    dtype=np.float64)


def _gt_keypoints(rng, cx, cy, p_missing):
    keypoints = []
    for k, (dx, dy) in enumerate(_TEMPLATE):
        if k in (3, 4) or rng.random() < p_missing:
            keypoints += [0, 0, 0]
        else:
            keypoints += [
                round(float(cx + dx + rng.normal(0, 3)), 2),
                round(float(cy + dy + rng.normal(0, 3)), 2),
                int(rng.random() > 0.15)
            ]
    return keypoints


def _pred_keypoints(rng, gt_keypoints, head, jitter, p_drop):
    """A prediction of a GT person: jittered joints, some dropped, some at
    exactly the PCKh threshold (head box 30 x 40 -> head size 30)."""
    keypoints = []
    for k in range(17):
        x, y, _ = gt_keypoints[3 * k:3 * k + 3]
        if k in (3, 4) or rng.random() < p_drop or (x == 0 and y == 0):
            keypoints += [0, 0, 0]
            continue
        if head[2:] == [30, 40] and rng.random() < 0.15:
            x, y = x + 9, y + 12  # distance 15 = 0.5 x head size 30
        elif rng.random() < 0.1:
            pass  # exactly on the GT joint
        else:
            size = 0.6 * np.hypot(head[2], head[3])
            x = round(float(x + rng.normal(0, jitter * size)), 2)
            y = round(float(y + rng.normal(0, jitter * size)), 2)
        keypoints += [x, y, 1]
    return keypoints


def _random_pose(rng):
    return _gt_keypoints(rng, 500 + rng.uniform(-300, 300),
                         300 + rng.uniform(-150, 150), 0.1)


def _ignore_region(rng, people):
    """A rectangle around a joint of one person, or around all of it."""
    keypoints = people[int(rng.integers(len(people)))]['keypoints']
    xs = np.array(keypoints[0::3], dtype=float)
    ys = np.array(keypoints[1::3], dtype=float)
    annotated = np.nonzero((xs != 0) | (ys != 0))[0]
    if len(annotated) == 0:
        return None
    if rng.random() < 0.3:  # the whole person
        x0, x1 = xs[annotated].min() - 5, xs[annotated].max() + 5
        y0, y1 = ys[annotated].min() - 5, ys[annotated].max() + 5
    else:
        k = int(rng.choice(annotated))
        x0, x1 = xs[k] - 12, xs[k] + 12
        y0, y1 = ys[k] - 12, ys[k] + 12
    return [x0, x1, x1, x0], [y0, y0, y1, y1]


def _random_video(rng, v):
    """One video (see ``_try_random_video``) with zero or at least two
    frames with GT people (poseval crashes on one)."""
    while True:
        name, gt, pred = _try_random_video(rng, v)
        if len({ann['image_id'] for ann in gt['annotations']}) != 1:
            return name, gt, pred


def _try_random_video(rng, v):
    """One video: GT tracks that enter and leave, predictions with misses,
    false positives, id switches, duplicates and dropped joints."""
    name = f'{10000 + v:06d}_mpii_test'
    nframes = int(rng.integers(2, 8))
    spread = float(rng.choice([15, 60, 300]))  # crowded or not
    jitter = float(rng.choice([0.1, 0.3]))
    p_missing = float(rng.choice([0.0, 0.2]))
    id_pool = [0, 1, 2, 3] if rng.random() < 0.3 else \
        rng.choice(9999, size=8, replace=False).tolist()
    num_tracks = int(rng.integers(1, 5))
    tracks = []
    for t in range(num_tracks):
        tracks.append(
            dict(
                gt_id=int(id_pool[t]),
                pred_id=int(100 + t),
                cx=500 + rng.uniform(-spread, spread),
                cy=300 + rng.uniform(-spread, spread) / 2,
                vx=rng.normal(0, 5),
                vy=rng.normal(0, 5),
                head=[30, 40] if rng.random() < 0.6 else [
                    round(float(rng.uniform(15, 40)), 2),
                    round(float(rng.uniform(15, 45)), 2)
                ]))
    with_people = rng.random(nframes) < 0.75
    gt = dict(images=[], annotations=[], categories=CATEGORIES)
    pred = dict(images=[], annotations=[], categories=CATEGORIES)
    next_pred_id = 200
    for f in range(nframes):
        image_id = int(f'1{10000 + v:06d}{f:04d}')
        image = dict(
            id=image_id,
            file_name=f'images/val/{name}/{f:06d}.jpg',
            vid_id=str(10000 + v),
            frame_id=image_id,
            nframes=nframes)
        # identity switches: swap two tracks' ids, or give one a fresh id
        if rng.random() < 0.3 and num_tracks > 1:
            a, b = rng.choice(num_tracks, size=2, replace=False)
            tracks[a]['pred_id'], tracks[b]['pred_id'] = \
                tracks[b]['pred_id'], tracks[a]['pred_id']
        if rng.random() < 0.15:
            tracks[int(rng.integers(num_tracks))]['pred_id'] = next_pred_id
            next_pred_id += 1
        people = []
        for track in tracks:
            track['cx'] += track['vx']
            track['cy'] += track['vy']
            if rng.random() < 0.85:
                keypoints = _gt_keypoints(rng, track['cx'], track['cy'],
                                          p_missing)
                if rng.random() < 0.05:
                    keypoints = [0] * 51  # a GT person without joints
                head = [
                    round(track['cx'] - 15, 2),
                    round(track['cy'] - 110, 2)
                ] + track['head']
                people.append(dict(track, keypoints=keypoints, bbox=head))
        if not with_people[f]:
            people_gt = []
        else:
            people_gt = people
        gt_image = dict(image, is_labeled=bool(with_people[f]))
        if people_gt and rng.random() < 0.35:
            xs_list, ys_list = [], []
            for _ in range(int(rng.integers(1, 3))):
                region = _ignore_region(rng, people_gt)
                if region is not None:
                    xs_list.append(region[0])
                    ys_list.append(region[1])
            if xs_list:
                gt_image['ignore_regions_x'] = xs_list
                gt_image['ignore_regions_y'] = ys_list
        gt['images'].append(gt_image)
        pred['images'].append(dict(image, is_labeled=bool(with_people[f])))
        for person in people_gt:
            gt['annotations'].append(
                dict(
                    id=len(gt['annotations']),
                    image_id=image_id,
                    track_id=person['gt_id'],
                    category_id=1,
                    keypoints=person['keypoints'],
                    bbox_head=person['bbox']))
        preds = []
        if rng.random() < 0.1:
            people = []  # a frame without any prediction
        for person in people:
            if rng.random() < 0.2:
                continue  # missed
            keypoints = _pred_keypoints(rng, person['keypoints'],
                                        person['bbox'], jitter,
                                        float(rng.choice([0.0, 0.2])))
            preds.append((person['pred_id'], keypoints))
            if rng.random() < 0.08:  # a duplicate at the same place
                preds.append((next_pred_id, list(keypoints)))
                next_pred_id += 1
        for _ in range(int(rng.choice([0, 0, 1, 2]))):
            preds.append((int(rng.integers(5000, 9999)), _random_pose(rng)))
        if rng.random() < 0.05:
            preds.append((4999, [0] * 51))  # a prediction without joints
        used = set()
        order = rng.permutation(len(preds))
        for i in order:
            track_id, keypoints = preds[i]
            if track_id in used:
                continue
            used.add(track_id)
            pred['annotations'].append(
                dict(
                    id=len(pred['annotations']),
                    image_id=image_id,
                    track_id=int(track_id),
                    category_id=1,
                    keypoints=keypoints,
                    scores=[round(float(rng.random()), 2) for _ in range(17)]))
    return name, gt, pred


def write_random_mota_case(rng, root):
    """Write ``root/gt/<video>.json`` and ``root/pred/<video>.json`` for 1-3
    random videos (see :func:`_random_video`)."""
    for folder in ('gt', 'pred'):
        os.makedirs(osp.join(root, folder), exist_ok=True)
    for v in range(int(rng.integers(1, 4))):
        name, gt, pred = _random_video(rng, v)
        for folder, content in (('gt', gt), ('pred', pred)):
            with open(osp.join(root, folder, f'{name}.json'), 'w') as f:
                json.dump(content, f)
