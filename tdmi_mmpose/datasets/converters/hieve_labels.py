# Copyright (c) tdmi_mmpose contributors.
"""Reading HiEve's two pose label layouts into one per-frame form.

1. PoseTrack2017-style, one JSON file per train video
   (``labels/train/track2&3/<video>.json``)::

       {"annolist": [{"image": [{"name": "000012.jpg"}],
                      "annorect": [{"x1": [10], "y1": [20], "x2": [60],
                                    "y2": [170], "track_id": [3],
                                    "annopoints": [{"point": [
                                        {"id": [0], "x": [31], "y": [28],
                                         "score": [1]}, ...]}]}]}, ...]}

   ``x1..y2`` is the person box; point ``id`` is the HiEve joint index
   (0-13); a missing point is not annotated; ``is_visible: 0``, where
   present, marks an occluded point. Values may be wrapped in one-element
   lists (:func:`~.pt17_fields.scalar`).

2. All-track, one file per frame (``<video>/000012.xml``)::

       <annotation><object><name>P-3</name><bndbox>
           <xmin>10</xmin><ymin>20</ymin><xmax>60</xmax><ymax>170</ymax>
           <Nose>31,28,0</Nose> ... </bndbox></object> ...</annotation>

   or the same as JSON (``{"annotation": {"object": [{"name": "P-3",
   "bndbox": {...}}]}}``). ``P-<n>`` is the person (track) id; a joint is
   ``"x,y,flag"`` with flag 0 visible, 1 invisible, -1 not annotated
   (:data:`~tdmi_mmpose.io.hieve_format.HIEVE_FLAG_TO_VISIBILITY`); a
   joint tag that is absent reads as not annotated (reported).

Both give ``{frame index: [person, ...]}``, a person being ``track_id``
(int), ``bbox`` (``[x1, y1, x2, y2]`` or ``None``) and ``keypoints``
((14, 3) float64 x, y, v with COCO's ``v``). Malformed input raises
:class:`~tdmi_mmpose.io.InputError` naming
the file, the record and the field.
"""
import os
import os.path as osp
import re
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional

import numpy as np

from ...io.hieve_format import HIEVE_FLAG_TO_VISIBILITY, HIEVE_JOINT_TAGS
from ...io import (check_finite, frame_number, json_files,
                                load_json)
from .pt17_fields import (InputError, ConversionReport,
                          annolist_image_name, annopoint_id, as_list,
                          coordinate, ordered_box, rect_box, rect_track_id,
                          scalar)

NUM_JOINTS = len(HIEVE_JOINT_TAGS)
_BOX_FIELDS = ('xmin', 'ymin', 'xmax', 'ymax')
_PERSON_NAME = re.compile(r'P-(\d+)')
FRAME_FILE_EXTENSIONS = ('.xml', '.json')

#: One video's labels: frame index -> its people.
Frames = Dict[int, List[dict]]


def _frame_index(name: str, frame_base: int, nframes: Optional[int],
                 where: str) -> int:
    """The frame index of a label's image or file name, checked against
    the video's frame count."""
    number = frame_number(name)
    if number is None or number < frame_base:
        raise InputError(
            f'{where}: no frame number >= {frame_base} (frame_base) in '
            f'{name!r}')
    index = number - frame_base
    if nframes is not None and index >= nframes:
        raise InputError(
            f'{where}: frame {index} ({name!r}) is labelled but the video '
            f'has {nframes} frames (0..{nframes - 1}); labels and video do '
            'not match')
    return index


def _person(track_id: int, bbox: Optional[List[float]],
            keypoints: np.ndarray, where: str) -> dict:
    check_finite(keypoints, f'{where}: keypoints')
    return dict(track_id=track_id, bbox=bbox, keypoints=keypoints,
                where=where)


def _add_frame(frames: Frames, index: int, people: List[dict],
               where: str) -> None:
    if index in frames:
        raise InputError(f'{where}: frame {index} is labelled twice')
    seen = {}
    for person in people:
        if person['track_id'] >= 0 and person['track_id'] in seen:
            raise InputError(
                f'{person["where"]}: track id {person["track_id"]} is used '
                f'twice in one frame (also by {seen[person["track_id"]]})')
        seen[person['track_id']] = person['where']
    frames[index] = people


# ----------------------------------------------------------------------
# PoseTrack2017-style files
# ----------------------------------------------------------------------
def _posetrack_person(rect: object, where: str,
                      report: ConversionReport) -> dict:
    if not isinstance(rect, dict):
        raise InputError(
            f'{where}: must be an object, got {type(rect).__name__}')
    keypoints = np.zeros((NUM_JOINTS, 3))
    points = []
    for k, ap in enumerate(as_list(rect.get('annopoints'), where,
                                   'annopoints')):
        if not isinstance(ap, dict):
            raise InputError(
                f'{where}: field "annopoints[{k}]" must be an object')
        points += as_list(ap.get('point'), where, f'annopoints[{k}].point')
    for k, point in enumerate(points):
        pwhere = f'{where}.annopoints.point[{k}]'
        joint = annopoint_id(point, pwhere)
        if joint not in range(NUM_JOINTS) or isinstance(joint, float):
            raise InputError(
                f'{pwhere}: field "id": joint id {joint!r} is not a HiEve '
                f'joint (0-{NUM_JOINTS - 1})')
        if keypoints[joint, 2]:
            raise InputError(
                f'{pwhere}: field "id": joint id {joint} appears twice in '
                'one person')
        visible = scalar(point.get('is_visible', 1), pwhere, 'is_visible')
        keypoints[joint] = (coordinate(point['x'], pwhere, 'x'),
                            coordinate(point['y'], pwhere, 'y'),
                            HIEVE_FLAG_TO_VISIBILITY[0 if visible else 1])
    bbox = rect_box(rect, where, 'person box')
    if bbox is None:
        report.note('people without a box (box made from their joints)',
                    where)
    track_id = rect_track_id(rect, where, report)
    return _person(track_id, bbox, keypoints, where)


def read_posetrack_labels(path: str,
                          frame_base: int,
                          report: ConversionReport,
                          nframes: Optional[int] = None) -> Frames:
    """Read one video's PoseTrack2017-style label file.

    Args:
        path (str): The ``<video>.json`` file.
        frame_base (int): The number of the first frame in image names.
        report (ConversionReport): Counts and notes are added to it.
        nframes (int, optional): The video's frame count; a label beyond
            it is an error.

    Returns:
        dict: Frame index -> people (see the module docstring).
    """
    data = load_json(path, 'HiEve label file')
    if not isinstance(data, dict) or 'annolist' not in data:
        raise InputError(f'{path}: missing field "annolist" (not a '
                              'PoseTrack2017-style HiEve label file)')
    frames: Frames = {}
    for i, entry in enumerate(as_list(data['annolist'], path, 'annolist')):
        where = f'{path}: annolist[{i}]'
        name = annolist_image_name(entry, where)
        index = _frame_index(name, frame_base, nframes,
                             f'{where}: field "image[0].name"')
        people = [
            _posetrack_person(rect, f'{where}.annorect[{j}]', report)
            for j, rect in enumerate(
                as_list(entry.get('annorect'), where, 'annorect'))
        ]
        _add_frame(frames, index, people, where)
    if not frames:
        raise InputError(f'{path}: field "annolist" is empty')
    return frames


# ----------------------------------------------------------------------
# All-track per-frame files
# ----------------------------------------------------------------------
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


def _joint(value: object, where: str) -> tuple:
    """``"x,y,flag"`` -> (x, y, v)."""
    parts = value.split(',') if isinstance(value, str) else None
    if parts is None or len(parts) != 3:
        raise InputError(
            f'{where}: must be a string "x,y,flag", got {value!r}')
    x, y = (coordinate(p.strip(), where, name) for p, name in zip(
        parts[:2], ('x', 'y')))
    flag = scalar(parts[2].strip(), where, 'flag')
    if flag not in HIEVE_FLAG_TO_VISIBILITY or isinstance(flag, float):
        raise InputError(
            f'{where}: flag {parts[2].strip()!r} is not one of 0 (visible), '
            '1 (invisible), -1 (not annotated)')
    if flag == -1:
        return 0.0, 0.0, 0
    return x, y, HIEVE_FLAG_TO_VISIBILITY[flag]


def _alltrack_person(obj: object, where: str,
                     report: ConversionReport) -> dict:
    if not isinstance(obj, dict):
        raise InputError(
            f'{where}: must be an object, got {type(obj).__name__}')
    name = obj.get('name')
    match = _PERSON_NAME.fullmatch(name) if isinstance(name, str) else None
    if match is None:
        raise InputError(
            f'{where}: field "name" must be a person id "P-<number>", got '
            f'{name!r}')
    box = obj.get('bndbox')
    if not isinstance(box, dict):
        raise InputError(f'{where}: missing field "bndbox"')
    for field in _BOX_FIELDS:
        if field not in box:
            raise InputError(f'{where}: missing field "bndbox.{field}"')
    bbox = ordered_box(
        [coordinate(box[f], where, f'bndbox.{f}') for f in _BOX_FIELDS],
        f'{where}: field "bndbox"', 'person box')
    keypoints = np.zeros((NUM_JOINTS, 3))
    for k, tag in enumerate(HIEVE_JOINT_TAGS):
        if tag not in box:
            report.note('joints missing from "bndbox" (not annotated)',
                        f'{where}: {tag}')
            continue
        keypoints[k] = _joint(box[tag], f'{where}: field "bndbox.{tag}"')
    return _person(int(match.group(1)), bbox, keypoints, where)


def read_alltrack_frame(path: str, report: ConversionReport) -> List[dict]:
    """Read one all-track frame file (``.xml`` or its ``.json`` rendering).

    Args:
        path (str): The frame file.
        report (ConversionReport): Notes are added to it.

    Returns:
        list[dict]: The frame's people.
    """
    if path.lower().endswith('.xml'):
        data = _xml_frame(path)
    else:
        data = load_json(path, 'HiEve frame file')
    if not isinstance(data, dict) or not isinstance(
            data.get('annotation'), dict):
        raise InputError(f'{path}: missing field "annotation"')
    objects = as_list(data['annotation'].get('object'), path,
                      'annotation.object')
    return [
        _alltrack_person(obj, f'{path}: object[{j}]', report)
        for j, obj in enumerate(objects)
    ]


def read_alltrack_labels(folder: str,
                         frame_base: int,
                         report: ConversionReport,
                         nframes: Optional[int] = None) -> Frames:
    """Read one video's all-track folder (one file per frame).

    Args:
        folder (str): The video's folder of ``.xml`` (or ``.json``) files.
        frame_base (int): The number of the first frame in file names.
        report (ConversionReport): Counts and notes are added to it.
        nframes (int, optional): The video's frame count; a label beyond
            it is an error.

    Returns:
        dict: Frame index -> people (see the module docstring).
    """
    files = sorted(f for f in os.listdir(folder)
                   if f.lower().endswith(FRAME_FILE_EXTENSIONS))
    if not files:
        raise InputError(
            f'{folder}: no .xml or .json frame files in the folder')
    frames: Frames = {}
    for name in files:
        path = osp.join(folder, name)
        index = _frame_index(name, frame_base, nframes, f'{path}: file name')
        _add_frame(frames, index, read_alltrack_frame(path, report), path)
    return frames


def find_label_sources(labels: str) -> Dict[str, str]:
    """The videos of a label folder: ``<video>.json`` PoseTrack2017-style
    files and ``<video>/`` all-track folders (or one ``.json`` file).

    Args:
        labels (str): A folder, or one PoseTrack2017-style file.

    Returns:
        dict: Video name -> its file or folder, sorted by name.
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
    """One video's labels, in either layout (a file: PoseTrack2017-style;
    a folder: all-track); see :func:`read_posetrack_labels`."""
    if osp.isdir(source):
        return read_alltrack_labels(source, frame_base, report, nframes)
    return read_posetrack_labels(source, frame_base, report, nframes)
