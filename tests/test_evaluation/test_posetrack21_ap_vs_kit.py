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

from posetrack21_cases import (NUM_KEYPOINTS, add_image, add_person,
                               empty_videos, gt_people,
                               metric_on_prediction_files, predicted_keypoints,
                               video_name, write_case)
from posetrack21_oracle import import_kit, kit_pose_map

from tdmi_mmpose.evaluation.functional import TABLE_NAMES
from tdmi_mmpose.evaluation.metrics import evaluate_posetrack_folders

import_kit()


def _random_case(rng, root):
    """GT and prediction folders of 1-3 PoseTrack21-style videos."""
    p_missing = float(rng.choice([0.0, 0.3]))
    jitter = float(rng.choice([0.03, 0.1, 0.4]))
    border = float(rng.choice([0.0, 0.15]))
    spread = float(rng.choice([300, 900]))
    for v in range(int(rng.integers(1, 4))):
        gt, pred = empty_videos()
        nframes = int(rng.integers(1, 6))
        labels = rng.random(nframes) < 0.7
        labels[int(rng.integers(nframes))] = True
        for f, labeled in enumerate(labels.tolist()):
            image_id = add_image(rng, gt, pred, v, f, nframes, labeled)
            people = gt_people(rng, labeled, p_missing, border, spread)
            for t, (keypoints, bbox_head) in enumerate(people):
                add_person(
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
                keypoints = predicted_keypoints(rng, people, jitter, border)
                if rng.random() < 0.05:
                    add_person(pred, image_id, t, keypoints)  # -9999 both
                else:
                    add_person(pred, image_id, t, keypoints, scores=scores)
        write_case(root, video_name(v), gt, pred)


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
    root = str(tmp_path / 'case')
    _random_case(np.random.default_rng(5), root)
    out_dir = str(tmp_path / 'written')
    metrics = metric_on_prediction_files(
        root,
        out_dir,
        lambda ann: ann.setdefault('scores', [0.25] * NUM_KEYPOINTS),
        protocol='posetrack21')
    for pred_dir in (root + '/pred', out_dir):
        kit = kit_pose_map(root + '/gt', pred_dir)['COMBINED_SEQ']['map']
        for ours, theirs in zip(TABLE_NAMES, kit):
            assert abs(metrics[f'posetrack/{ours}'] - kit[theirs]) <= 1e-9
