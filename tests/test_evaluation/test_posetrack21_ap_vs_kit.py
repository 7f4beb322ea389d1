"""Differential test of ``protocol='posetrack21'`` against the official
PoseTrack21 kit's ``PosemAP`` on random PoseTrack21-style cases.

The kit is imported, unmodified, from ``../shared/posetrack21_eval`` (see
``posetrack21_oracle.py``); this module is skipped, saying so, without it.
``TDMI_POSETRACK21_CASES=400`` runs 400 random cases instead of 40.

The cases stay within what the kit accepts: every labelled frame keeps at
least one GT person after its ignore regions (the kit fails on a labelled
frame without one), track ids are distinct per frame and predicted
coordinates are floats (the kit reads scores into the keypoint array, which
is an integer one when a frame's predicted values are all integers).
"""
import json
import os
import warnings

import numpy as np

from posetrack21_oracle import import_kit, kit_pose_map

from tdmi_mmpose.evaluation.functional import TABLE_NAMES
from tdmi_mmpose.evaluation.metrics import evaluate_posetrack_folders
from tdmi_mmpose.io import POSETRACK18_KEYPOINT_NAMES

import_kit()

CATEGORIES = [{
    'supercategory': 'person',
    'name': 'person',
    'id': 1,
    'keypoints': list(POSETRACK18_KEYPOINT_NAMES)
}]
NUM_KEYPOINTS = len(POSETRACK18_KEYPOINT_NAMES)
#: Ignore regions lie in this corner; "anchor" people reach beyond it.
REGION_CORNER = 180.0


def _posed_keypoints(rng, cx, cy, p_missing, border):
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


def _anchor(keypoints):
    """Make a person reach beyond the ignore regions' corner: it survives
    them (the kit needs one GT person in every labelled frame)."""
    keypoints[15:18] = [REGION_CORNER + 60.5, REGION_CORNER + 80.25, 1]
    return keypoints


def _head_box(rng):
    if rng.random() < 0.5:
        return [100, 100, 30, 40]  # head size 30: exact-threshold offsets
    return [
        round(float(rng.uniform(0, 600)), 2),
        round(float(rng.uniform(0, 400)), 2),
        round(float(rng.uniform(15, 40)), 2),
        round(float(rng.uniform(15, 45)), 2)
    ]


def _regions(rng):
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


def _gt_people(rng, labeled, p_missing, border, spread):
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
            keypoints = _posed_keypoints(rng, cx, cy, p_missing, border)
            if t == 0 and labeled:
                keypoints = _anchor(keypoints)
        people.append((keypoints, _head_box(rng)))
    return people


def _predicted_keypoints(rng, people, jitter, border):
    """A prediction near a GT person (some joints exactly at the PCKh
    threshold, some dropped or on the border) or a random one; floats."""
    if people and rng.random() < 0.75:
        source, bbox_head = people[int(rng.integers(len(people)))]
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
    cx, cy = float(rng.uniform(0, 500)), float(rng.uniform(0, 500))
    return [float(v) for v in _posed_keypoints(rng, cx, cy, 0.1, border)]


def _add_person(video, image_id, track_id, keypoints, **fields):
    video['annotations'].append(
        dict(
            id=len(video['annotations']),
            image_id=image_id,
            track_id=track_id,
            category_id=1,
            keypoints=keypoints,
            **fields))


def _random_case(rng, root):
    """GT and prediction folders of 1-3 PoseTrack21-style videos."""
    p_missing = float(rng.choice([0.0, 0.3]))
    jitter = float(rng.choice([0.03, 0.1, 0.4]))
    border = float(rng.choice([0.0, 0.15]))
    spread = float(rng.choice([300, 900]))
    for v in range(int(rng.integers(1, 4))):
        name = f'{20000 + 7 * v:06d}_mpii_test'
        gt, pred = (
            dict(images=[], annotations=[], categories=CATEGORIES)
            for _ in range(2))
        nframes = int(rng.integers(1, 6))
        labels = rng.random(nframes) < 0.7
        labels[int(rng.integers(nframes))] = True
        for f, labeled in enumerate(labels.tolist()):
            image_id = int(f'1{20000 + 7 * v:06d}{f:04d}')
            image = dict(
                id=image_id,
                file_name=f'images/val/{name}/{f:06d}.jpg',
                vid_id=str(20000 + 7 * v),
                frame_id=image_id,
                nframes=nframes,
                is_labeled=labeled)
            xs, ys = _regions(rng) if labeled else ([], [])
            gt['images'].append(
                dict(image, ignore_regions_x=xs, ignore_regions_y=ys))
            pred['images'].append(dict(image))
            people = _gt_people(rng, labeled, p_missing, border, spread)
            for t, (keypoints, bbox_head) in enumerate(people):
                _add_person(
                    gt,
                    image_id,
                    t,
                    keypoints,
                    bbox_head=bbox_head,
                    bbox=[0, 0, 10, 10])
            for t in range(int(rng.integers(0, 5))):
                scores = [
                    float(np.round(rng.random(), 1))
                    for _ in range(NUM_KEYPOINTS)
                ]
                keypoints = _predicted_keypoints(rng, people, jitter, border)
                if rng.random() < 0.05:
                    _add_person(pred, image_id, t, keypoints)  # -9999 both
                else:
                    _add_person(pred, image_id, t, keypoints, scores=scores)
        for folder, content in (('gt', gt), ('pred', pred)):
            os.makedirs(os.path.join(root, folder), exist_ok=True)
            with open(os.path.join(root, folder, f'{name}.json'), 'w') as f:
                json.dump(content, f)


def _ours(root, protocol='posetrack21'):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        result, _ = evaluate_posetrack_folders(
            root + '/gt', root + '/pred', protocol=protocol)
    return result


def _differences(result, kit):
    """|ours - kit| of the AP groups and Total, the precision and recall
    Totals, and each video's Total AP."""
    combined = kit['COMBINED_SEQ']
    diffs = [
        abs(result['table'][ours] - combined['map'][theirs])
        for ours, theirs in zip(TABLE_NAMES, combined['map'])
    ]
    diffs += [
        abs(result['total']['precision'] - combined['precision']['Total']),
        abs(result['total']['recall'] - combined['recall']['Total'])
    ]
    diffs += [
        abs(values['ap'][-1] - kit[f'{name}.json']['map']['Total'])
        for name, values in result['per_sequence'].items()
    ]
    return np.array(diffs)


def test_random_cases_match_the_kit(tmp_path):
    rng = np.random.default_rng(2121)
    worst, unlike_poseval = 0.0, 0
    # TDMI_POSETRACK21_CASES=400 for a longer sweep
    num_cases = int(os.environ.get('TDMI_POSETRACK21_CASES', 40))
    for index in range(num_cases):
        root = str(tmp_path / f'case{index}')
        _random_case(rng, root)
        result = _ours(root)
        kit = kit_pose_map(root + '/gt', root + '/pred')
        assert list(kit['COMBINED_SEQ']['map']) == [
            'Head', 'Shou', 'Elb', 'Wri', 'Hip', 'Knee', 'Ankl', 'Total'
        ]
        diffs = _differences(result, kit)
        assert np.isfinite(diffs).all() and diffs.max() <= 1e-9, (
            index, result['table'], kit['COMBINED_SEQ']['map'])
        worst = max(worst, float(diffs.max()))
        unlike_poseval += abs(
            _ours(root, 'poseval')['table']['Total'] -
            kit['COMBINED_SEQ']['map']['Total']) > 0.01
    print(f'max |ours - kit| over {num_cases} cases: {worst:.3g}; poseval\'s '
          f'Total differs from the kit\'s in {unlike_poseval}')
    # the cases exercise what the protocols do differently
    assert unlike_poseval >= num_cases / 2


def test_gt_against_itself_is_100(tmp_path):
    """Each labelled GT person predicted exactly (box-only people and
    unlabelled frames included, every joint annotated somewhere): 100 in
    every group, for us and for the kit."""
    rng = np.random.default_rng(7)
    root = str(tmp_path / 'self')
    _random_case(rng, root)
    for name in os.listdir(root + '/gt'):
        with open(os.path.join(root, 'gt', name)) as f:
            gt = json.load(f)
        labeled = {i['id'] for i in gt['images'] if i['is_labeled']}
        for image in gt['images']:
            image['ignore_regions_x'] = image['ignore_regions_y'] = []
        for ann in gt['annotations']:
            if ann['image_id'] in labeled:  # every joint annotated
                ann['keypoints'] = [
                    float(300 + 10 * k + ann['track_id'] * 100) if k %
                    3 < 2 else 1 for k in range(3 * NUM_KEYPOINTS)
                ]
        pred = dict(
            gt,
            annotations=[
                dict(
                    ann,
                    keypoints=[float(v) for v in ann['keypoints']],
                    scores=[1.0] * NUM_KEYPOINTS) for ann in gt['annotations']
            ])
        for folder, content in (('gt', gt), ('pred', pred)):
            with open(os.path.join(root, folder, name), 'w') as f:
                json.dump(content, f)
    result = _ours(root)
    kit = kit_pose_map(root + '/gt', root + '/pred')
    assert list(result['table'].values()) == [100.0] * len(TABLE_NAMES)
    assert list(kit['COMBINED_SEQ']['map'].values()) == [100.0] * 8


def test_metric_with_the_posetrack21_protocol_matches_the_kit(tmp_path):
    """PoseTrackAPMetric(protocol='posetrack21') on the people of a random
    case's prediction files gives the kit's numbers for those files and for
    the files it writes."""
    from test_posetrack_ap_metric import (build_metric,
                                          samples_from_prediction_files)
    root = str(tmp_path / 'case')
    _random_case(np.random.default_rng(5), root)
    for name in os.listdir(root + '/pred'):
        path = os.path.join(root, 'pred', name)
        with open(path) as f:
            pred = json.load(f)
        for ann in pred['annotations']:
            ann.setdefault('scores', [0.25] * NUM_KEYPOINTS)
        with open(path, 'w') as f:
            json.dump(pred, f)
    out_dir = str(tmp_path / 'written')
    metric = build_metric(
        root + '/gt',
        outfile_prefix=out_dir,
        nms_mode='none',
        protocol='posetrack21')
    samples = samples_from_prediction_files(root + '/pred')
    metric.process([], samples)
    metrics = metric.evaluate(len(samples))
    for pred_dir in (root + '/pred', out_dir):
        kit = kit_pose_map(root + '/gt', pred_dir)['COMBINED_SEQ']['map']
        for ours, theirs in zip(TABLE_NAMES, kit):
            assert abs(metrics[f'posetrack/{ours}'] - kit[theirs]) <= 1e-9
