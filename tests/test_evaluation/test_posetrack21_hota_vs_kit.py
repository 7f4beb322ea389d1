"""Differential test of the PoseTrack21 protocol's tracking metric (keypoint
HOTA, DetA, AssA, LocA) against the official PoseTrack21 kit's
``HOTAeypoints`` on random PoseTrack21-style tracking cases.

The kit is imported, unmodified, from ``../shared/posetrack21_eval`` (see
``posetrack21_oracle.py``); this module is skipped, saying so, without it.
``TDMI_POSETRACK21_CASES=400`` runs 400 random cases instead of 40.

The cases stay within what the kit accepts (as the AP ones): every
labelled frame keeps a GT person after its ignore regions, track ids are
non-negative and distinct per frame. They have people tracked over 1-6
frames, box-only people (GT and predicted), unlabelled frames with and
without annotations, predictions in unlabelled frames, joints at x = 0,
y = 0 and negative, ignore regions, missed people, frames and videos without
predictions, duplicated and exact predictions (tied similarities), false
positives, predictions off the image (x, y < 0: a person the kit keeps
only in frames without ignore regions) and id switches.
"""
import os
import warnings

import numpy as np

from posetrack21_cases import (NUM_KEYPOINTS, add_image, add_person, anchor,
                               empty_videos, head_box,
                               metric_on_prediction_files, near_keypoints,
                               posed_keypoints, random_keypoints, video_name,
                               write_case)
from posetrack21_oracle import import_kit, kit_keypoint_hota

from tdmi_mmpose.evaluation.functional import (HOTA_NAMES, NUM_JOINTS,
                                               POSEVAL_SOURCE_NAMES,
                                               keypoint_similarity)
from tdmi_mmpose.evaluation.metrics import evaluate_posetrack_folders
from tdmi_mmpose.io import POSETRACK18_KEYPOINT_NAMES

import_kit()

#: The kit's 15 joints (PoseTrack18's without the ears), as poseval joints.
KIT_TO_POSEVAL = [
    POSEVAL_SOURCE_NAMES.index(name)
    for i, name in enumerate(POSETRACK18_KEYPOINT_NAMES) if i not in (3, 4)
]


def _gt_frame_people(rng, num_tracks, centers, labeled, style):
    """(track, keypoints, bbox_head) of the GT people of one frame."""
    people = []
    if not labeled and rng.random() < 0.3:
        return people  # an unlabelled frame without annotations
    for t in range(num_tracks):
        if not (t == 0 and labeled) and rng.random() < 0.2:
            continue  # not in this frame
        if t > 0 and rng.random() < 0.2:
            keypoints = [0] * (3 * NUM_KEYPOINTS)  # a box, no pose
        else:
            cx, cy = centers[t] + rng.normal(0, 8, 2)
            keypoints = posed_keypoints(rng, cx, cy, style['p_missing'],
                                        style['border'])
            if t == 0 and labeled:
                keypoints = anchor(keypoints)
        people.append((t, keypoints, style['head_boxes'][t]))
    return people


def _switch_ids(rng, pred_of, next_id):
    """An id switch: two tracks swap their predicted ids, or one gets a new
    id. Returns the next free id."""
    tracks = list(pred_of)
    if len(tracks) > 1 and rng.random() < 0.5:
        a, b = rng.choice(tracks, 2, replace=False)
        pred_of[a], pred_of[b] = pred_of[b], pred_of[a]
        return next_id
    pred_of[tracks[int(rng.integers(len(tracks)))]] = next_id
    return next_id + 1


def _predictions(rng, people, pred_of, next_id, style):
    """(track id, keypoints) of the predictions of one frame, and the next
    free id: most GT people found (under their current predicted id), some
    twice, false positives, box-only predictions."""
    found = []
    if rng.random() < 0.1:
        return found, next_id  # a frame without predictions
    if rng.random() < 0.08:  # only someone off the image (x, y < 0)
        off_image = [-float(rng.uniform(1, 50)), -2.0, 1.0] * NUM_KEYPOINTS
        return [(next_id, off_image)], next_id + 1
    if rng.random() < style['p_switch']:
        next_id = _switch_ids(rng, pred_of, next_id)
    for t, keypoints, bbox_head in people:
        if rng.random() < 0.2:
            continue  # missed
        if any(keypoints):
            found.append((pred_of[t],
                          near_keypoints(rng, keypoints, bbox_head,
                                         style['jitter'], style['border'])))
            if rng.random() < 0.1:  # the same person again, another id
                found.append((next_id,
                              near_keypoints(rng, keypoints, bbox_head,
                                             style['jitter'], 0.0)))
                next_id += 1
    for _ in range(int(rng.integers(0, 3))):
        if rng.random() < 0.2:
            keypoints = [0.0] * (3 * NUM_KEYPOINTS)  # a box, no pose
        else:
            keypoints = random_keypoints(rng, style['border'])
        found.append((next_id, keypoints))
        next_id += 1
    return found, next_id


def _random_video(rng, v, style):
    """GT and prediction JSON of the ``v``-th tracking video."""
    gt, pred = empty_videos()
    nframes = int(rng.integers(1, 7))
    labels = rng.random(nframes) < 0.7
    labels[int(rng.integers(nframes))] = True
    num_tracks = int(rng.integers(1, 5))
    centers = rng.uniform(0, style['spread'], (num_tracks, 2))
    style = dict(style, head_boxes=[head_box(rng) for _ in range(num_tracks)])
    pred_of, next_id = {t: 3 * t + 1 for t in range(num_tracks)}, 50
    no_predictions = rng.random() < 0.08
    for f, labeled in enumerate(labels.tolist()):
        image_id = add_image(rng, gt, pred, v, f, nframes, labeled)
        people = _gt_frame_people(rng, num_tracks, centers, labeled, style)
        for t, keypoints, bbox_head in people:
            add_person(
                gt,
                image_id,
                5 * t,
                keypoints,
                bbox_head=bbox_head,
                bbox=[0, 0, 10, 10])
        found, next_id = _predictions(rng, people, pred_of, next_id, style)
        for track_id, keypoints in [] if no_predictions else found:
            add_person(
                pred,
                image_id,
                int(track_id),
                keypoints,
                scores=[0.5] * NUM_KEYPOINTS)
    return gt, pred


def _random_case(rng, root):
    """GT and prediction folders of 1-3 videos."""
    style = dict(
        p_missing=float(rng.choice([0.0, 0.3])),
        jitter=float(rng.choice([0.0, 0.03, 0.1, 0.4])),
        border=float(rng.choice([0.0, 0.15])),
        spread=float(rng.choice([300, 900])),
        p_switch=float(rng.choice([0.0, 0.3])))
    for v in range(int(rng.integers(1, 4))):
        write_case(root, video_name(v), *_random_video(rng, v, style))


def _ours(root):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        _, hota = evaluate_posetrack_folders(
            root + '/gt', root + '/pred', track=True, protocol='posetrack21')
    return hota


def _kit_reported(fields: dict) -> dict:
    """The kit's figures as ours: ``{name: (16, )}`` percent, the mean over
    its alphas, its joints in poseval's order, then Total."""
    reported = {}
    for name in HOTA_NAMES:
        means = 100 * np.asarray(fields[name], np.float64).mean(axis=0)
        values = np.zeros(NUM_JOINTS + 1)
        values[KIT_TO_POSEVAL] = means[:NUM_JOINTS]
        values[NUM_JOINTS] = means[NUM_JOINTS]
        reported[name] = values
    return reported


def _differences(result, kit):
    """|ours - kit| of HOTA, DetA, AssA, LocA per joint and Total (combined
    and per video) and of the combined Totals at each alpha."""
    diffs = []
    combined = _kit_reported(kit['COMBINED_SEQ'])
    for name in HOTA_NAMES:
        diffs += list(np.abs(result[name.lower()] - combined[name]))
        diffs += list(
            np.abs(
                np.array(result['internals']['per_alpha'][name]) -
                100 * kit['COMBINED_SEQ'][name][:, NUM_JOINTS]))
    for video, values in result['per_sequence'].items():
        theirs = _kit_reported(kit[f'{video}.json'])
        for name in HOTA_NAMES:
            diffs += list(
                np.abs(np.array(values[name.lower()]) - theirs[name]))
    return np.array(diffs)


def test_random_cases_match_the_kit(tmp_path):
    rng = np.random.default_rng(2122)
    worst, totals = 0.0, []
    num_cases = int(os.environ.get('TDMI_POSETRACK21_CASES', 40))
    for index in range(num_cases):
        root = str(tmp_path / f'case{index}')
        _random_case(rng, root)
        result = _ours(root)
        kit = kit_keypoint_hota(root + '/gt', root + '/pred')
        diffs = _differences(result, kit)
        assert np.isfinite(diffs).all() and diffs.max() <= 1e-9, (
            index, result['table'], _kit_reported(kit['COMBINED_SEQ']))
        worst = max(worst, float(diffs.max()))
        totals.append(result['table']['HOTA'])
    print(f'max |ours - kit| (HOTA, DetA, AssA, LocA) over {num_cases} '
          f'cases: {worst:.3g}; HOTA Totals {min(totals):.1f} .. '
          f'{max(totals):.1f}')
    # the cases are neither trivial nor hopeless
    assert min(totals) < 50 < max(totals)


def test_metric_with_tracking_reports_the_kits_hota(tmp_path):
    """PoseTrackAPMetric(protocol='posetrack21', track=True) tracks the
    people of a random case (joints scoring below ``track_kpt_thr`` left
    out) and reports the kit's HOTA, DetA, AssA, LocA of the files it
    writes for tracking."""
    root = str(tmp_path / 'case')
    _random_case(np.random.default_rng(11), root)
    rng = np.random.default_rng(12)

    def rescore(ann):
        ann['scores'] = np.round(rng.uniform(0.3, 1, NUM_KEYPOINTS),
                                 2).tolist()

    out_dir = str(tmp_path / 'written')
    metrics = metric_on_prediction_files(
        root, out_dir, rescore, protocol='posetrack21', track=True)
    kit = _kit_reported(
        kit_keypoint_hota(root + '/gt', out_dir + '/tracking')['COMBINED_SEQ'])
    for name in HOTA_NAMES:
        assert abs(metrics[f'posetrack/{name}'] -
                   kit[name][NUM_JOINTS]) <= 1e-9, name
    assert 0 < metrics['posetrack/HOTA'] < 100


def test_similarities_are_the_kits_bit_for_bit():
    """Our similarity matrices equal the kit's (its dataset's
    ``_calculate_pckh`` distances through ``HOTAeypoints.distance2sim``)
    exactly, joints at or beyond the image border and near the cut-off
    included: the Hungarian assignments and thresholds then decide as the
    kit's do."""
    from types import SimpleNamespace
    trackeval = import_kit()
    rng = np.random.default_rng(21)
    metric, num_positive = trackeval.metrics.HOTAeypoints(), 0
    for _ in range(50):
        gt_points = rng.uniform(-20, 400, (4, NUM_JOINTS, 2)).round(2)
        head_sizes = rng.uniform(10, 40, 4)
        near = gt_points[rng.integers(4, size=6)]
        pred_points = near + rng.normal(0, 6, near.shape)
        kit_dets = [
            np.concatenate([p, np.ones(p.shape[:2] + (1, ))], axis=2)
            for p in (gt_points, pred_points)
        ]
        _, dist, _ = trackeval.datasets.PoseTrack._calculate_pckh(
            SimpleNamespace(n_joints=NUM_JOINTS), *kit_dets, head_sizes)
        kit_sim = metric.distance2sim(dist)
        frames = [
            dict(
                points=p,
                present=(p[..., 0] > 0) & (p[..., 1] > 0),
                head_sizes=head_sizes) for p in (gt_points, pred_points)
        ]
        sim = keypoint_similarity(*frames)
        assert np.array_equal(sim, kit_sim)
        num_positive += (sim > 0).sum()
    assert num_positive > 2000
