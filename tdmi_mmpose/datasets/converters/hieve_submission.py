# Copyright (c) tdmi_mmpose contributors.
"""Write HiEve pose predictions (``CocoMetric``'s ``*.keypoints.json``) as
a challenge submission zip of PoseTrack2017-style ``<sequence>.json`` files
(``docs/datasets.md``, "HiEve"; command line: ``tools/hieve_submission.py``).
"""
import argparse
import json
import os.path as osp
import zipfile
from collections import OrderedDict, defaultdict
from typing import Dict, List, Optional

import numpy as np

from ...io import (InputError, as_numbers, check_fields, frame_table,
                   json_files, load_json, read_video_file)
from ...io.hieve_format import hieve_metainfo
from ...utils.atomic import atomic_output


def read_results(path: str, num_keypoints: int) -> Dict[object, List[dict]]:
    """Image id -> its people (``keypoints`` (K, 3), ``score``, ``bbox``
    xywh (4, ) or ``None``), in the order of the COCO results file."""
    results = load_json(path, 'Results file')
    if not isinstance(results, list) or not results:
        got = 'an empty list' if results == [] else type(results).__name__
        raise InputError(
            f'{path}: expected a non-empty list of COCO keypoint results, '
            f'got {got} (a submission without people is no result).')
    people = defaultdict(list)
    for i, result in enumerate(results):
        where = f'{path}: result #{i}'
        check_fields(result, ('image_id', 'keypoints', 'score'), where)
        keypoints = as_numbers(result['keypoints'],
                               f'{where}: field "keypoints"')
        if keypoints.size != 3 * num_keypoints:
            raise InputError(
                f'{where}: field "keypoints" has {keypoints.size} values, '
                f'expected {num_keypoints} x 3.')
        bbox = result.get('bbox')
        if bbox is not None:
            bbox = as_numbers(bbox, f'{where}: field "bbox"')
            if bbox.size != 4:
                raise InputError(
                    f'{where}: field "bbox" should be [x, y, w, h].')
        people[result['image_id']].append(
            dict(
                keypoints=keypoints.reshape(num_keypoints, 3),
                score=float(as_numbers([result['score']],
                                       f'{where}: field "score"')[0]),
                bbox=bbox,
                where=where))
    return people


def _box(person: dict) -> List[float]:
    if person['bbox'] is not None:
        x, y, w, h = person['bbox'].tolist()
    else:
        x, y = person['keypoints'][:, :2].min(0)
        w, h = person['keypoints'][:, :2].max(0) - (x, y)
    return [float(x), float(y), float(x + w), float(y + h)]


def _annorect(person: dict, track_id: int) -> OrderedDict:
    x1, y1, x2, y2 = _box(person)
    points = [
        OrderedDict(id=[k], x=[float(x)], y=[float(y)], score=[float(s)])
        for k, (x, y, s) in enumerate(person['keypoints'].tolist())
    ]
    return OrderedDict(
        x1=[x1], y1=[y1], x2=[x2], y2=[y2], score=[person['score']],
        track_id=[int(track_id)], annopoints=[OrderedDict(point=points)])


def sequence_annolist(frames: List[List[dict]], names: List[str],
                      track: bool = False,
                      tracker: Optional[dict] = None) -> OrderedDict:
    """One sequence's submission file (``annolist``) from its people per
    frame (:func:`read_results`) and image names; ``track`` gives the ids of
    :class:`~tdmi_mmpose.tracking.PoseTracker` (``tracker``: its keyword
    arguments; ``sigmas`` default to HiEve's), else the index in the frame.
    """
    if track:
        from ...tracking import track_video
        config = dict(sigmas=hieve_metainfo()['sigmas'].tolist())
        config.update(tracker or {})
        poses = [
            np.array([p['keypoints'] for p in people]).reshape(
                -1, len(config['sigmas']), 3) for people in frames
        ]
        ids = track_video([
            dict(keypoints=kpts[..., :2], keypoint_scores=kpts[..., 2])
            for kpts in poses
        ], config)
    else:
        ids = [range(len(people)) for people in frames]
    return OrderedDict(annolist=[
        OrderedDict(
            image=[OrderedDict(name=name)],
            annorect=[_annorect(p, i) for p, i in zip(people, frame_ids)])
        for people, name, frame_ids in zip(frames, names, ids)
    ])


def write_hieve_submission(results_file: str,
                           ann_dir: str,
                           out_zip: str,
                           track: bool = False,
                           tracker: Optional[dict] = None) -> Dict[str, int]:
    """Write the submission zip (atomically).

    Args:
        results_file (str): COCO keypoint results (``*.keypoints.json``).
        ann_dir (str): The converted sequences (``annotations/test/``):
            one PoseTrack18-layout file per sequence, named after it.
        out_zip (str): The zip to write.
        track (bool): Track ids from the tracker (else the index in the
            frame). Defaults to False.
        tracker (dict, optional): Keyword arguments of
            :class:`~tdmi_mmpose.tracking.PoseTracker`.

    Returns:
        dict: Sequence name -> number of people written.
    """
    num_keypoints = hieve_metainfo()['num_keypoints']
    people = read_results(results_file, num_keypoints)
    sequences, placed = OrderedDict(), set()
    for path in json_files(ann_dir):
        name = osp.splitext(osp.basename(path))[0]
        images, _ = read_video_file(path, annotations=False)
        names, index, _ = frame_table(images, f'{path}: sequence {name!r}')
        frames = [[] for _ in names]
        for image in images:
            frames[index[image['id']]] = people.get(image['id'], [])
            placed.add(image['id'])
        sequences[name] = sequence_annolist(
            frames, [osp.basename(n or '') for n in names], track, tracker)
    unplaced = [i for i in people if i not in placed]
    if unplaced:
        raise InputError(
            f'{people[unplaced[0]][0]["where"]}: image_id {unplaced[0]!r} is '
            f'in none of the sequences of {ann_dir} ({len(unplaced)} image '
            'id(s) in all).')
    with atomic_output(out_zip) as tmp:
        with zipfile.ZipFile(tmp, 'w', zipfile.ZIP_DEFLATED) as archive:
            for name, annolist in sequences.items():
                archive.writestr(f'{name}.json',
                                 json.dumps(annolist, allow_nan=False))
    return OrderedDict(
        (name, sum(len(f['annorect']) for f in seq['annolist']))
        for name, seq in sequences.items())


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line of ``tools/hieve_submission.py``."""
    parser = argparse.ArgumentParser(
        description='Write HiEve test predictions (CocoMetric '
        '*.keypoints.json) as a challenge submission zip (one '
        'PoseTrack2017-style <sequence>.json per test sequence).')
    parser.add_argument('results_file', metavar='results',
                        help='the *.keypoints.json results file')
    parser.add_argument(
        'ann_dir', help='the converted test sequences (annotations/test/)')
    parser.add_argument('out_zip', help='the submission zip to write')
    parser.add_argument(
        '--track', action='store_true',
        help='track ids from PoseTracker (else the index in the frame)')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Write the submission (bad input raises); returns 0."""
    args = parse_args(argv)
    counts = write_hieve_submission(**vars(args))
    print(f'Wrote {args.out_zip}: {len(counts)} sequences, '
          f'{sum(counts.values())} people '
          f'({", ".join(f"{k}: {v}" for k, v in counts.items())})')
    return 0
