"""Differential test against the real ``poseval`` on random cases.

``poseval`` is not on PyPI: it is imported from ``../shared/poseval`` beside
the repository when it is there (else from ``PYTHONPATH``), and this module
is skipped, saying so, when it cannot be imported (its dependencies:
shapely, click, tqdm, motmetrics). ``TDMI_POSEVAL_CASES=600`` runs 600
random cases instead of 40.
"""
import contextlib
import io
import json
import os
import warnings

import numpy as np

from poseval_oracle import import_poseval

from tdmi_mmpose.io import POSETRACK18_KEYPOINT_NAMES
from tdmi_mmpose.evaluation.metrics import evaluate_posetrack_folders

eval_helpers, evaluate_ap = import_poseval('eval_helpers', 'evaluateAP')

CATEGORIES = [{
    'supercategory': 'person',
    'name': 'person',
    'id': 1,
    'keypoints': list(POSETRACK18_KEYPOINT_NAMES)
}]


def _random_person(rng, cx, cy, p_missing):
    keypoints = []
    for k in range(17):
        if k in (3, 4) or rng.random() < p_missing:
            keypoints += [0, 0, 0]
        else:
            keypoints += [
                round(float(cx + rng.normal(0, 40)), 2),
                round(float(cy + rng.normal(0, 80)), 2),
                int(rng.random() > 0.15)
            ]
    return keypoints


def _random_case(rng, root):
    """Random GT/prediction folders: unlabeled and empty frames, missing and
    invisible joints, ignore regions, exact-threshold offsets, tied and
    missing scores, joints never annotated or never predicted."""
    p_missing = float(rng.choice([0.0, 0.2]))
    jitter = float(rng.choice([0.1, 0.4]))
    never_gt = int(rng.integers(0, 17))
    never_pred = int(rng.integers(0, 17))
    spread = float(rng.choice([50, 400]))  # crowded scenes or not
    for folder in ('gt', 'pred'):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
    for v in range(int(rng.integers(1, 4))):
        name = f'{10000 + v:06d}_mpii_test'
        nframes = int(rng.integers(1, 5))
        gt = dict(images=[], annotations=[], categories=CATEGORIES)
        pred = dict(images=[], annotations=[], categories=CATEGORIES)
        for f in range(nframes):
            image_id = int(f'1{10000 + v:06d}{f:04d}')
            image = dict(
                id=image_id,
                file_name=f'images/val/{name}/{f:06d}.jpg',
                vid_id=str(10000 + v),
                frame_id=image_id,
                nframes=nframes)
            labeled = rng.random() < 0.8
            gt_image = dict(image, is_labeled=labeled)
            people = []
            for t in range(int(rng.integers(0, 4)) if labeled else 0):
                cx = 500 + rng.uniform(-spread, spread)
                cy = 300 + rng.uniform(-spread, spread) / 2
                keypoints = _random_person(rng, cx, cy, p_missing)
                keypoints[3 * never_gt:3 * never_gt + 3] = [0, 0, 0]
                bbox_head = [int(cx), int(cy) - 100, 30, 40] \
                    if rng.random() < 0.5 else [
                        round(float(cx), 2), round(float(cy), 2),
                        round(float(rng.uniform(15, 40)), 2),
                        round(float(rng.uniform(15, 45)), 2)]
                people.append((keypoints, bbox_head))
                gt['annotations'].append(
                    dict(
                        id=len(gt['annotations']),
                        image_id=image_id,
                        track_id=t,
                        category_id=1,
                        keypoints=keypoints,
                        bbox_head=bbox_head))
            if people and rng.random() < 0.4:
                keypoints = people[0][0]
                k = int(np.argmax(np.array(keypoints[0::3]) != 0))
                x, y = keypoints[3 * k], keypoints[3 * k + 1]
                gt_image['ignore_regions_x'] = [[x, x + 100, x + 100, x]]
                gt_image['ignore_regions_y'] = [[
                    y - 50, y - 50, y + 50, y + 50
                ]]
            gt['images'].append(gt_image)
            pred['images'].append(dict(image, is_labeled=labeled))
            for t in range(int(rng.integers(0, 5))):
                if people and rng.random() < 0.7:
                    source, bbox_head = people[int(rng.integers(len(people)))]
                    size = 0.6 * np.hypot(bbox_head[2], bbox_head[3])
                    keypoints = []
                    for k in range(17):
                        x, y = source[3 * k], source[3 * k + 1]
                        if rng.random() < 0.15 and bbox_head[2] == 30:
                            x, y = x + 9, y + 12  # exactly at the threshold
                        else:
                            x = x + float(rng.normal(0, jitter * size))
                            y = y + float(rng.normal(0, jitter * size))
                        keypoints += [x, y, 1]
                else:
                    keypoints = _random_person(rng, 500, 300, 0.0)
                keypoints[3 * never_pred:3 * never_pred + 3] = [0, 0, 0]
                ann = dict(
                    id=len(pred['annotations']),
                    image_id=image_id,
                    track_id=t,
                    category_id=1,
                    keypoints=keypoints,
                    scores=[
                        float(np.round(rng.random(), 1)) for _ in range(17)
                    ])
                if rng.random() < 0.05:
                    del ann['scores']
                pred['annotations'].append(ann)
        for folder, content in (('gt', gt), ('pred', pred)):
            with open(os.path.join(root, folder, f'{name}.json'), 'w') as f:
                json.dump(content, f)


def _poseval(gt_dir, pred_dir):
    with contextlib.redirect_stdout(io.StringIO()):
        gt_frames, pred_frames = eval_helpers.load_data_dir(
            ['', gt_dir + '/', pred_dir + '/'])
        ap, precision, recall = evaluate_ap.evaluateAP(gt_frames, pred_frames,
                                                       None, False, False)
    return ap.ravel(), precision.ravel(), recall.ravel()


def _same(mine, theirs):
    both_nan = np.isnan(mine) & np.isnan(theirs)
    return bool(np.all(both_nan | (np.abs(mine - theirs) <= 1e-9)))


def test_random_cases_match_poseval(tmp_path, poseval_sorted_listing):
    rng = np.random.default_rng(2023)
    # TDMI_POSEVAL_CASES=600 for a longer sweep
    for index in range(int(os.environ.get('TDMI_POSEVAL_CASES', 40))):
        root = str(tmp_path / f'case{index}')
        _random_case(rng, root)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            expected = _poseval(root + '/gt', root + '/pred')
            result, _ = evaluate_posetrack_folders(root + '/gt', root + '/pred')
        for mine, theirs in zip(
                (result['ap'], result['precision'], result['recall']),
                expected):
            assert _same(mine, theirs), (index, mine, theirs)
