"""Random PoseTrack21-style cases for the differential tests against the
PoseTrack21 kit (AP and keypoint HOTA): GT and prediction JSON content."""
import json
import os

import numpy as np

from tdmi_mmpose.io import POSETRACK18_KEYPOINT_NAMES

CATEGORIES = [{
    'supercategory': 'person',
    'name': 'person',
    'id': 1,
    'keypoints': list(POSETRACK18_KEYPOINT_NAMES)
}]
NUM_KEYPOINTS = len(POSETRACK18_KEYPOINT_NAMES)
#: Ignore regions lie in this corner; "anchor" people reach beyond it.
REGION_CORNER = 180.0


def posed_keypoints(rng, cx, cy, p_missing, border):
    """17 triples around (cx, cy): missing ones [0, 0, 0], some on the
    image border (x or y 0) or outside it (negative), visible or not."""
    keypoints = []
    for k in range(NUM_KEYPOINTS):
        if k in (3, 4) or rng.random() < p_missing:
            keypoints += [0, 0, 0]
            continue
        x = round(float(cx + rng.normal(0, 40)), 2)
        y = round(float(cy + rng.normal(0, 70)), 2)
        if rng.random() < border:
            x, y = [(0.0, y), (x, 0.0), (-abs(x) / 10, y),
                    (x, -5.0)][int(rng.integers(4))]
        keypoints += [x, y, int(rng.random() > 0.15)]
    return keypoints


def anchor(keypoints):
    """Make a person reach beyond the ignore regions' corner: it survives
    them (the kit needs one GT person in every labelled frame)."""
    keypoints[15:18] = [REGION_CORNER + 60.5, REGION_CORNER + 80.25, 1]
    return keypoints


def head_box(rng):
    if rng.random() < 0.5:
        return [100, 100, 30, 40]  # head size 30: exact-threshold offsets
    return [
        round(float(rng.uniform(0, 600)), 2),
        round(float(rng.uniform(0, 400)), 2),
        round(float(rng.uniform(15, 40)), 2),
        round(float(rng.uniform(15, 45)), 2)
    ]


def regions(rng):
    """1-2 polygons (3-6 vertices, possibly self-intersecting) in the
    corner, or none."""
    if rng.random() < 0.6:
        return [], []
    xs, ys = [], []
    for _ in range(int(rng.integers(1, 3))):
        n = int(rng.integers(3, 7))
        xs.append(
            [round(float(v), 1) for v in rng.uniform(0, REGION_CORNER, n)])
        ys.append(
            [round(float(v), 1) for v in rng.uniform(0, REGION_CORNER, n)])
    return xs, ys


def gt_people(rng, labeled, p_missing, border, spread):
    """GT annotations (keypoints, bbox_head) of a frame: posed people
    (one anchored if labelled), box-only people (all-zero keypoints);
    unlabelled frames have some too, or none."""
    people = []
    count = int(rng.integers(1, 5)) if labeled else int(rng.integers(0, 3))
    for t in range(count):
        if t > 0 and rng.random() < 0.25:
            keypoints = [0] * (3 * NUM_KEYPOINTS)  # a box, no pose
        else:
            cx = float(rng.uniform(0, spread))
            cy = float(rng.uniform(0, spread))
            keypoints = posed_keypoints(rng, cx, cy, p_missing, border)
            if t == 0 and labeled:
                keypoints = anchor(keypoints)
        people.append((keypoints, head_box(rng)))
    return people


def near_keypoints(rng, source, bbox_head, jitter, border):
    """A prediction near a GT person's ``source`` keypoints (some joints
    exactly at the PCKh threshold, some dropped or on the border); floats.
    """
    size = 0.6 * np.hypot(bbox_head[2], bbox_head[3])
    keypoints = []
    for k in range(NUM_KEYPOINTS):
        x, y = float(source[3 * k]), float(source[3 * k + 1])
        if rng.random() < 0.15 and bbox_head[2] == 30:
            x, y = x + 9.0, y + 12.0  # distance 15 = 0.5 x 30
        elif rng.random() < 0.08:
            x, y = 0.0, 0.0
        else:
            x += float(rng.normal(0, jitter * size))
            y += float(rng.normal(0, jitter * size))
        if rng.random() < border:
            x = -x if rng.random() < 0.5 else 0.0
        keypoints += [x, y, 1.0]
    return keypoints


def random_keypoints(rng, border):
    """A prediction of nobody in particular; floats."""
    cx, cy = float(rng.uniform(0, 500)), float(rng.uniform(0, 500))
    return [float(v) for v in posed_keypoints(rng, cx, cy, 0.1, border)]


def predicted_keypoints(rng, people, jitter, border):
    """A prediction near a random GT person of ``people`` ((keypoints,
    bbox_head) pairs) or a random one."""
    if people and rng.random() < 0.75:
        source, bbox_head = people[int(rng.integers(len(people)))]
        return near_keypoints(rng, source, bbox_head, jitter, border)
    return random_keypoints(rng, border)


def add_person(video, image_id, track_id, keypoints, **fields):
    video['annotations'].append(
        dict(
            id=len(video['annotations']),
            image_id=image_id,
            track_id=track_id,
            category_id=1,
            keypoints=keypoints,
            **fields))


def write_case(root, name, gt, pred):
    """Write one video's GT and predictions to ``root/gt``, ``root/pred``.
    """
    for folder, content in (('gt', gt), ('pred', pred)):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
        with open(os.path.join(root, folder, f'{name}.json'), 'w') as f:
            json.dump(content, f)


def video_name(v):
    """The name of the ``v``-th video of a case."""
    return f'{20000 + 7 * v:06d}_mpii_test'


def empty_videos():
    """An empty GT and prediction video (``images``, ``annotations``)."""
    return tuple(
        dict(images=[], annotations=[], categories=CATEGORIES)
        for _ in range(2))


def add_image(rng, gt, pred, v, f, nframes, labeled):
    """Add frame ``f`` of video ``v`` to its GT (ignore regions in some
    labelled frames) and predictions; returns its image id."""
    image_id = int(f'1{20000 + 7 * v:06d}{f:04d}')
    image = dict(
        id=image_id,
        file_name=f'images/val/{video_name(v)}/{f:06d}.jpg',
        vid_id=str(20000 + 7 * v),
        frame_id=image_id,
        nframes=nframes,
        is_labeled=labeled)
    xs, ys = regions(rng) if labeled else ([], [])
    gt['images'].append(dict(image, ignore_regions_x=xs, ignore_regions_y=ys))
    pred['images'].append(dict(image))
    return image_id


def metric_on_prediction_files(root, out_dir, rescore, **metric_args):
    """``PoseTrackAPMetric(**metric_args)`` (GT ``root/gt``, files written
    to ``out_dir``) on the people of the prediction files ``root/pred``,
    each file's annotations first passed through ``rescore(ann)`` (which
    sets their ``scores``); returns the metrics."""
    from test_posetrack_ap_metric import (build_metric,
                                          samples_from_prediction_files)
    for name in os.listdir(root + '/pred'):
        path = os.path.join(root, 'pred', name)
        with open(path) as f:
            pred = json.load(f)
        for ann in pred['annotations']:
            rescore(ann)
        with open(path, 'w') as f:
            json.dump(pred, f)
    metric = build_metric(
        root + '/gt', outfile_prefix=out_dir, nms_mode='none', **metric_args)
    samples = samples_from_prediction_files(root + '/pred')
    metric.process([], samples)
    return metric.evaluate(len(samples))
