# Copyright (c) tdmi_mmpose contributors.
"""Reading HiEve's two pose label layouts (PoseTrack2017-style files and
all-track per-frame folders; ``docs/datasets.md``, "HiEve") into one form:
``{frame index: [person, ...]}``, a person being ``track_id`` (int),
``bbox`` (``[x1, y1, x2, y2]`` or ``None``) and ``keypoints`` ((14, 3)
x, y, COCO ``v``)."""
import os
import os.path as osp
import re
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional

import numpy as np

from ...io import (InputError, check_record, check_value, frame_number,
                   json_files, load_json)
from ...io.annolist import (box_rule, coordinate, matlab_list,
                            matlab_scalar, objects, read_annolist)
from ...io.hieve_format import HIEVE_FLAG_TO_VISIBILITY, HIEVE_JOINT_TAGS
from .report import ConversionReport

NUM_JOINTS = len(HIEVE_JOINT_TAGS)
_PERSON_NAME = re.compile(r'P-(\d+)')
FRAME_FILE_EXTENSIONS = ('.xml', '.json')

#: One video's labels: frame index -> its people.
Frames = Dict[int, List[dict]]


def _frame_index(name: str, frame_base: int, nframes: Optional[int],
                 where: str, field: Optional[str] = None) -> int:
    """The frame index of a label's image or file name (checked against
    ``nframes``)."""

    def rule(name):
        number = frame_number(name)
        if number is None or number < frame_base:
            return f'no frame number >= {frame_base} (frame_base) in {name!r}'
        if nframes is not None and number - frame_base >= nframes:
            return (f'frame {number - frame_base} ({name!r}) is labelled but '
                    f'the video has {nframes} frames (0..{nframes - 1}); '
                    'labels and video do not match')
        return None

    check_value(name, rule, where, field)
    return frame_number(name) - frame_base


def _person(track_id: Optional[int], bbox: Optional[List[float]],
            keypoints: np.ndarray, where: str,
            report: ConversionReport) -> dict:
    if track_id is None:
        report.note('people without track_id (set to -1)', where)
    return dict(track_id=-1 if track_id is None else track_id, bbox=bbox,
                keypoints=keypoints, where=where)


def _add_frame(frames: Frames, index: int, people: List[dict],
               where: str) -> None:
    check_value(index, lambda i: f'frame {i} is labelled twice'
                if i in frames else None, where)
    seen = {}
    for person in people:
        check_value(person['track_id'], lambda t: (
            f'track id {t} is used twice in one frame (also by {seen[t]})'
            if t >= 0 and t in seen else None), person['where'])
        seen[person['track_id']] = person['where']
    frames[index] = people


def _hieve_joint_id(joint: object) -> Optional[str]:
    """Rule: a HiEve joint index, an integer 0-13."""
    return None if isinstance(joint, int) and 0 <= joint < NUM_JOINTS else (
        f'joint id {joint!r} is not a HiEve joint (0-{NUM_JOINTS - 1})')


def _posetrack_person(person: dict, report: ConversionReport) -> dict:
    """A checked :func:`~tdmi_mmpose.io.annolist.read_annolist` person ->
    a person of the module docstring."""
    keypoints = np.zeros((NUM_JOINTS, 3))
    for point in person['points']:
        check_value(point['id'], _hieve_joint_id, point['where'], 'id')
        flag = 0 if point['visible'] else 1
        keypoints[point['id']] = (point['x'], point['y'],
                                  HIEVE_FLAG_TO_VISIBILITY[flag])
    if person['box'] is None:
        report.note('people without a box (box made from their joints)',
                    person['where'])
    return _person(person['track_id'], person['box'], keypoints,
                   person['where'], report)


def _read_posetrack_labels(path: str, frame_base: int,
                           report: ConversionReport,
                           nframes: Optional[int]) -> Frames:
    """One video's PoseTrack2017-style label file."""
    frames: Frames = {}
    for frame in read_annolist(load_json(path, 'HiEve label file'), path,
                               'person box'):
        index = _frame_index(frame['name'], frame_base, nframes,
                             frame['where'], 'image[0].name')
        people = [_posetrack_person(p, report) for p in frame['people']]
        _add_frame(frames, index, people, frame['where'])
    return frames


def _xml_frame(path: str) -> dict:
    """An all-track XML file as its JSON rendering."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise InputError(f'{path}: not valid XML ({e})') from None
    if root.tag != 'annotation':
        raise InputError(
            f'{path}: root element is <{root.tag}>, expected <annotation>')
    objects = []
    for obj in root.findall('object'):
        record = {}
        for child in obj:
            if child.tag == 'bndbox':
                record['bndbox'] = {f.tag: (f.text or '').strip()
                                    for f in child}
            else:
                record[child.tag] = (child.text or '').strip()
        objects.append(record)
    return dict(annotation=dict(object=objects))


def _joint(value: object) -> Optional[str]:
    """Rule: a joint ``"x,y,flag"`` (x, y coordinates; flag 0, 1 or -1)."""
    parts = value.split(',') if isinstance(value, str) else []
    if len(parts) != 3:
        return f'must be a string "x,y,flag", got {value!r}'
    flag = parts[2].strip()
    return coordinate(parts[0]) or coordinate(parts[1]) or (
        None if isinstance(matlab_scalar(flag), int)
        and matlab_scalar(flag) in HIEVE_FLAG_TO_VISIBILITY else
        f'flag {flag!r} is not one of 0 (visible), 1 (invisible), -1 (not '
        'annotated)')


def _dict(value: object) -> Optional[str]:
    """Rule: a JSON object."""
    return None if isinstance(value, dict) else (
        f'must be an object, got {type(value).__name__}')


def _person_name(name: object) -> Optional[str]:
    """Rule: a person (track) id ``P-<number>``."""
    return None if isinstance(name, str) and _PERSON_NAME.fullmatch(
        name) else f'must be a person id "P-<number>", got {name!r}'


#: An all-track object's ``bndbox`` fields, named ``bndbox.<field>``.
_BNDBOX_FIELDS = tuple(f'bndbox.{f}' for f in ('xmin', 'ymin', 'xmax',
                                                'ymax'))
_BNDBOX = dict(dict.fromkeys(_BNDBOX_FIELDS, coordinate),
               **{f'bndbox.{tag}': _joint for tag in HIEVE_JOINT_TAGS})


def _alltrack_person(obj: object, where: str,
                     report: ConversionReport) -> dict:
    check_record(obj, dict(name=_person_name, bndbox=_dict), where,
                 ('name', 'bndbox'))
    box = {f'bndbox.{k}': v for k, v in obj['bndbox'].items()}
    check_record(box, _BNDBOX, where, _BNDBOX_FIELDS,
                 (box_rule('person box', _BNDBOX_FIELDS), ))
    keypoints = np.zeros((NUM_JOINTS, 3))
    for k, tag in enumerate(HIEVE_JOINT_TAGS):
        if f'bndbox.{tag}' not in box:
            report.note('joints missing from "bndbox" (not annotated)',
                        f'{where}: {tag}')
            continue
        x, y, flag = map(matlab_scalar, box[f'bndbox.{tag}'].split(','))
        if flag != -1:
            keypoints[k] = (x, y, HIEVE_FLAG_TO_VISIBILITY[flag])
    return _person(int(_PERSON_NAME.fullmatch(obj['name']).group(1)),
                   [float(matlab_scalar(box[f])) for f in _BNDBOX_FIELDS],
                   keypoints, where, report)


def _read_alltrack_frame(path: str, report: ConversionReport) -> List[dict]:
    """The people of one all-track frame file (``.xml`` or ``.json``)."""
    if path.lower().endswith('.xml'):
        data = _xml_frame(path)
    else:
        data = load_json(path, 'HiEve frame file')
    check_record(data, dict(annotation=_dict), path, ('annotation', ))
    people = data['annotation'].get('object')
    check_value(people, objects, path, 'annotation.object')
    return [
        _alltrack_person(obj, f'{path}: object[{j}]', report)
        for j, obj in enumerate(matlab_list(people))
    ]


def _read_alltrack_labels(folder: str, frame_base: int,
                          report: ConversionReport,
                          nframes: Optional[int]) -> Frames:
    """One video's all-track folder (one file per frame)."""
    files = sorted(f for f in os.listdir(folder)
                   if f.lower().endswith(FRAME_FILE_EXTENSIONS))
    if not files:
        raise InputError(
            f'{folder}: no .xml or .json frame files in the folder')
    frames: Frames = {}
    for name in files:
        path = osp.join(folder, name)
        index = _frame_index(name, frame_base, nframes, f'{path}: file name')
        _add_frame(frames, index, _read_alltrack_frame(path, report), path)
    return frames


def find_label_sources(labels: str) -> Dict[str, str]:
    """Video name -> its label file or folder, sorted by name.

    Args:
        labels (str): A folder of ``<video>.json`` PoseTrack2017-style files
            and/or ``<video>/`` all-track folders, or one ``.json`` file.
    """
    if osp.isfile(labels):
        return {osp.splitext(osp.basename(labels))[0]: labels}
    if not osp.isdir(labels):
        raise FileNotFoundError(f'{labels}: no such label file or folder')
    sources = {}
    for entry in sorted(os.listdir(labels)):
        path = osp.join(labels, entry)
        if osp.isdir(path):
            name = entry
        elif entry.lower().endswith('.json'):
            name = osp.splitext(entry)[0]
        else:
            continue
        if name in sources:
            raise InputError(
                f'{labels}: video {name!r} has both a label file and a '
                'label folder')
        sources[name] = path
    if not sources:
        json_files(labels)  # raises the "no .json files" error
    return sources


def read_labels(source: str,
                frame_base: int,
                report: ConversionReport,
                nframes: Optional[int] = None) -> Frames:
    """Read one video's labels, in either layout.

    Args:
        source (str): A PoseTrack2017-style ``<video>.json`` file, or an
            all-track folder of per-frame files.
        frame_base (int): The number of the first frame in image names.
        report (ConversionReport): Counts and notes are added to it.
        nframes (int, optional): The video's frame count; a label beyond
            it is an error.

    Returns:
        dict: Frame index -> people (see the module docstring).
    """
    if osp.isdir(source):
        return _read_alltrack_labels(source, frame_base, report, nframes)
    return _read_posetrack_labels(source, frame_base, report, nframes)
