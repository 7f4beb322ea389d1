# Copyright (c) tdmi_mmpose contributors.
"""Convert PoseTrack2017 ``annolist`` files to the PoseTrack18 per-video
layout; the rules are in ``docs/datasets.md`` ("PoseTrack2017 →
PoseTrack18 layout"), the command line is
``tools/dataset_converters/posetrack17_to_posetrack18.py``.
"""
import argparse
import os
import os.path as osp
import re
from collections import OrderedDict
from typing import List, Optional, Tuple

from tqdm import tqdm

from ...io import (POSETRACK18_KEYPOINT_NAMES, InputError, check_value,
                   frame_file_name, frame_number, json_files, load_json,
                   non_negative_int, posetrack_categories)
from ...io.annolist import read_annolist
from .outputs import add_overwrite_argument, write_json_files
from .report import ConversionReport

#: PoseTrack2017 joint id -> PoseTrack18 keypoint index (the PT17 joint
#: names are listed in ``docs/datasets.md``).
PT17_TO_PT18 = dict(
    enumerate((16, 14, 12, 11, 13, 15, 10, 8, 6, 5, 7, 9, 1, 0, 2)))

#: Sequence type (from the image folder, e.g. ``000342_mpii``) -> leading
#: digit of the image id, as in poseval.
SEQUENCE_TYPES = {'mpii': 1, 'bonn': 2, 'mpiinew': 3}

#: An image folder: ``<sequence number>_<sequence type>``.
_SEQUENCE_FOLDER = re.compile(r'^(\d+)_([A-Za-z]+)')

#: Person box margin on each side, as a fraction of the joints' extent.
BBOX_MARGIN = 0.15
IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png')
#: Frame indices are the last 4 digits of an image id.
MAX_FRAMES = 10000
#: Person indices are the last 2 digits of an annotation id.
MAX_PEOPLE = 100


def _sequence(folder: str) -> Tuple[int, int]:
    """(sequence type digit, sequence number) of a checked image folder
    name such as ``000342_mpii``."""
    match = _SEQUENCE_FOLDER.match(folder)
    return SEQUENCE_TYPES[match.group(2).lower()], int(match.group(1))


def _name_problem(name: str, folder: str, frame_base: int,
                  taken: dict) -> Optional[str]:
    """The rule of ``image[0].name``, given the video's image folder and
    the frame indices ``taken`` so far."""
    match = _SEQUENCE_FOLDER.match(folder)
    if not match:
        return (f'image folder {folder!r} is not named "<number>_<type>" '
                '(e.g. "000342_mpii")')
    if match.group(2).lower() not in SEQUENCE_TYPES:
        return (f'unknown sequence type {match.group(2).lower()!r} in '
                f'folder {folder!r} (known: {", ".join(SEQUENCE_TYPES)})')
    this_folder = osp.basename(osp.dirname(name))
    if this_folder != folder:
        return (f'frame of folder {this_folder!r} in a file of folder '
                f'{folder!r}')
    number = frame_number(name)
    if number is None:
        return f'no frame number in {name!r}'
    if not 0 <= number - frame_base < MAX_FRAMES:
        return (f'frame number {number} out of range for '
                f'frame_base={frame_base}')
    if number - frame_base in taken:
        return f'frame {name!r} appears twice'
    return None


def round2(v: float) -> float:
    """A value as written to the converted files (2 decimals)."""
    return round(float(v), 2)


def rounded_xywh(box: List[float]) -> List[float]:
    """``[x1, y1, x2, y2]`` -> ``[x, y, w, h]`` as written (:func:`round2`)."""
    x1, y1, x2, y2 = box
    return [round2(x1), round2(y1), round2(x2 - x1), round2(y2 - y1)]


def joints_box(xs: List[float], ys: List[float]) -> List[float]:
    """``[x1, y1, x2, y2]`` around the points, enlarged by ``BBOX_MARGIN``
    of its size on every side, clipped at 0."""
    x1, x2, y1, y2 = min(xs), max(xs), min(ys), max(ys)
    mx, my = BBOX_MARGIN * (x2 - x1), BBOX_MARGIN * (y2 - y1)
    return [max(0.0, x1 - mx), max(0.0, y1 - my), x2 + mx, y2 + my]


def _keypoints(person: dict, drop_invisible: bool,
               report: ConversionReport) -> Tuple[list, list, list]:
    """PoseTrack18 ``keypoints`` and the ``xs``, ``ys`` of the joints
    kept."""
    keypoints = [0] * (3 * len(POSETRACK18_KEYPOINT_NAMES))
    xs, ys = [], []
    for point in person['points']:
        if point['id'] not in PT17_TO_PT18:
            report.skip('points with an unknown joint id (valid: 0-14)',
                        f'{point["where"]} id={point["id"]!r}')
            continue
        if not point['visible']:
            if drop_invisible:
                report.skip('points marked is_visible=0 (drop_invisible)',
                            point['where'])
                continue
            report.note('points marked is_visible=0 kept as annotated',
                        point['where'])
        slot = PT17_TO_PT18[int(point['id'])]
        keypoints[3 * slot:3 * slot + 3] = [round2(point['x']),
                                            round2(point['y']), 1]
        xs.append(point['x'])
        ys.append(point['y'])
    return keypoints, xs, ys


def _convert_person(person: dict, image_id: int, index: int,
                    drop_invisible: bool,
                    report: ConversionReport) -> Optional[dict]:
    """One checked person -> a PoseTrack18 annotation (``None`` if
    skipped)."""
    where = person['where']
    if not person['points']:
        report.skip('people without annotated points', where)
        return None
    keypoints, xs, ys = _keypoints(person, drop_invisible, report)
    if not xs:
        report.skip('people left without points', where)
        return None
    report.counts['keypoints'] += len(xs)
    ann = OrderedDict()
    if person['box'] is None:
        report.note('people without a head box (kept, no bbox_head)', where)
    else:
        hx1, hy1, hx2, hy2 = person['box']
        ann['bbox_head'] = rounded_xywh(person['box'])
        xs, ys = xs + [hx1, hx2], ys + [hy1, hy2]
    track_id = person['track_id']
    if track_id is None:
        report.note('people without track_id (set to -1)', where)
        track_id = -1
    if index >= MAX_PEOPLE:
        raise InputError(
            f'{where}: more than {MAX_PEOPLE} people in one frame; '
            'annotation ids (image id * 100 + index) would collide.')
    ann.update(keypoints=keypoints, track_id=track_id, image_id=image_id,
               bbox=rounded_xywh(joints_box(xs, ys)), scores=[], category_id=1,
               id=image_id * 100 + index)
    return ann


def _ignore_regions(regions: List[dict], report: ConversionReport) -> dict:
    """The image's ``ignore_regions_x`` and ``_y`` (none if empty)."""
    kept = []
    for region in regions:
        if len(region['xs']) < 3:
            report.skip('ignore regions with fewer than 3 points',
                        region['where'])
        else:
            kept.append(region)
    if not kept:
        return {}
    return dict(
        ignore_regions_x=[[round2(x) for x in r['xs']] for r in kept],
        ignore_regions_y=[[round2(y) for y in r['ys']] for r in kept])


def _image(file_name: str, seq: Tuple[int, int], index: int,
           labeled: bool = False) -> OrderedDict:
    """A PoseTrack18 image record (``nframes`` set later)."""
    image_id = int(f'{seq[0]}{seq[1]:06d}{index:04d}')
    return OrderedDict(file_name=file_name, id=image_id, frame_id=image_id,
                       vid_id=f'{seq[0]}{seq[1]:06d}', nframes=0,
                       is_labeled=labeled, has_no_densepose=True)


def convert_posetrack17_video(data: dict,
                              src: str,
                              img_root: Optional[str] = None,
                              frame_base: int = 1,
                              drop_invisible: bool = False,
                              report: Optional[ConversionReport] = None
                              ) -> Tuple[str, dict]:
    """Convert one PoseTrack2017 video (a loaded ``annolist`` JSON).

    Args:
        data (dict): The PT17 JSON content (checked by
            :func:`~tdmi_mmpose.io.annolist.read_annolist`).
        src (str): File name for errors and the report.
        img_root (str, optional): The PT17 data root: frames on disk but
            missing from ``annolist`` are added as unlabelled images; frames
            still missing are then named by file-name arithmetic.
        frame_base (int): Number of the first frame in PT17 file names.
            Defaults to 1.
        drop_invisible (bool): Write joints marked ``is_visible: 0`` as
            ``[0, 0, 0]``. Defaults to False.
        report (ConversionReport, optional): Report to add to.

    Returns:
        tuple[str, dict]: The video name (its image folder) and the
        PoseTrack18 dict.
    """
    report = report if report is not None else ConversionReport()
    frames = {}  # frame index -> (image dict, annotations)
    folder = None
    for frame in read_annolist(data, src):
        where, name = frame['where'], frame['name'].replace('\\', '/')
        folder = folder or osp.basename(osp.dirname(name))
        check_value(name, lambda n: _name_problem(n, folder, frame_base,
                                                  frames),
                    where, 'image[0].name')
        number, seq = frame_number(name), _sequence(folder)
        if frame['imgnum'] is not None and frame['imgnum'] != number:
            report.note('frames whose imgnum differs from the file name '
                        '(file name used)', where)
        labeled = bool(frame['people'] if frame['is_labeled'] is None else
                       frame['is_labeled'])
        img = _image(name, seq, number - frame_base, labeled)
        anns = []
        for person in frame['people']:
            ann = _convert_person(person, img['id'], len(anns),
                                  drop_invisible, report)
            anns += [ann] if ann is not None else []
        if anns and not labeled:
            report.note('people in frames marked is_labeled=0 (kept)',
                        where)
        img.update(_ignore_regions(frame['ignore_regions'], report))
        frames[number - frame_base] = (img, anns)

    if img_root is not None:
        _add_frames_from_disk(frames, img_root, seq, frame_base, src, report)
    _fill_gaps(frames, seq, frame_base, src, report)

    images, annotations = [], []
    for index in sorted(frames):
        img, anns = frames[index]
        img['nframes'] = len(frames)
        images.append(img)
        annotations += anns
    report.count_video(images, len(annotations))
    return folder, OrderedDict(images=images, annotations=annotations,
                               categories=posetrack_categories())


def _fill_gaps(frames: dict, seq: Tuple[int, int], frame_base: int,
               src: str, report: ConversionReport) -> None:
    """Add the frames missing from ``0 .. max`` as unlabelled images named
    by file-name arithmetic."""
    missing = [i for i in range(max(frames) + 1) if i not in frames]
    if not missing:
        return
    name = next(iter(frames.values()))[0]['file_name']
    for index in missing:
        file_name = frame_file_name(name, index + frame_base)
        frames[index] = (_image(file_name, seq, index), [])
    report.note('frames missing from annolist added by file-name '
                'arithmetic, not checked on disk (img_root takes them from '
                'disk)', src, len(missing))


def _add_frames_from_disk(frames: dict, img_root: str,
                          seq: Tuple[int, int], frame_base: int, src: str,
                          report: ConversionReport) -> None:
    """Add the frames found on disk but missing from ``annolist``."""
    some_name = next(iter(frames.values()))[0]['file_name']
    rel_dir = osp.dirname(some_name)
    img_dir = osp.join(img_root, rel_dir)
    if not osp.isdir(img_dir):
        raise InputError(
            f'{src}: image folder {img_dir!r} (img_root + image name) does '
            'not exist')
    ext = osp.splitext(some_name)[1]
    added = 0
    for fname in sorted(os.listdir(img_dir)):
        if not fname.lower().endswith(IMG_EXTENSIONS):
            continue
        number = frame_number(fname)
        if number is None:
            report.skip('image files without a frame number',
                        osp.join(img_dir, fname))
            continue
        index = number - frame_base
        if index in frames:
            continue
        if not 0 <= index < MAX_FRAMES or osp.splitext(fname)[1] != ext:
            report.skip('image files with an unexpected number or '
                        'extension', osp.join(img_dir, fname))
            continue
        frames[index] = (_image(f'{rel_dir}/{fname}', seq, index), [])
        added += 1
    if added:
        report.note('unlabelled frames added from disk', img_dir, added)


def convert_posetrack17(in_path: str,
                        out_dir: str,
                        img_root: Optional[str] = None,
                        frame_base: int = 1,
                        drop_invisible: bool = False,
                        progress: bool = True,
                        overwrite: bool = False) -> ConversionReport:
    """Convert a PoseTrack2017 JSON file or a folder of them.

    Args:
        in_path (str): A PT17 JSON file, or a folder of them.
        out_dir (str): Output folder, one file per video named after its
            image folder (written by :func:`.outputs.write_json_files`).
        img_root, frame_base, drop_invisible: See
            :func:`convert_posetrack17_video`.
        progress (bool): Show a progress bar. Defaults to True.
        overwrite (bool): Replace an earlier run's ``out_dir``. Defaults
            to False.

    Returns:
        ConversionReport: What was converted, skipped and why.
    """
    files = json_files(in_path)
    report = ConversionReport()
    outputs = {}
    for path in tqdm(files, desc='PT17 -> PT18', disable=not progress):
        name, video = convert_posetrack17_video(
            load_json(path, 'PoseTrack2017 file'), path, img_root,
            frame_base, drop_invisible, report)
        if name in outputs:
            raise InputError(
                f'{path}: video {name!r} was already converted from '
                f'{outputs[name][0]}')
        outputs[name] = (path, video)
        report.counts['files'] += 1
    write_json_files({f'{name}.json': video
                      for name, (_, video) in outputs.items()}, out_dir,
                     overwrite)
    return report


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line of ``tools/dataset_converters/
    posetrack17_to_posetrack18.py``."""
    parser = argparse.ArgumentParser(
        description='Convert PoseTrack2017 annotations (annolist JSON) to '
        'the PoseTrack18 per-video JSON layout.')
    parser.add_argument('in_path', metavar='input',
                        help='a PT17 JSON file or a folder of them')
    parser.add_argument('out_dir', help='output folder (one JSON per video)')
    parser.add_argument(
        '--img-root', default=None,
        help='PT17 data root; frames found on disk but missing from the '
        'annotations are added as unlabelled frames')
    parser.add_argument(
        '--frame-base', type=non_negative_int, default=1,
        help='number of the first frame in PT17 file names (default 1)')
    parser.add_argument(
        '--drop-invisible', action='store_true',
        help='write joints marked is_visible=0 as unannotated')
    add_overwrite_argument(parser, 'out_dir')
    parser.add_argument('--no-progress', dest='progress',
                        action='store_false')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Run the conversion (bad input raises); returns 0."""
    args = parse_args(argv)
    report = convert_posetrack17(**vars(args))
    print(report.format())
    print(f'Wrote {report.counts["videos"]} files to {args.out_dir}')
    return 0
