# Copyright (c) tdmi_mmpose contributors.
"""Convert PoseTrack2017 annotations to the PoseTrack18 per-video layout.

PoseTrack2017 ships one ``annolist`` JSON file per video (MATLAB structures
exported to JSON), read and checked once by
:func:`~tdmi_mmpose.io.annolist.read_annolist`; this module maps the checked
frames to PoseTrack18 records.

Output, one file per video named after the image folder (e.g.
``000342_mpii.json``), in the PoseTrack18 layout (``images``,
``annotations``, ``categories``):

- 17 PoseTrack18 keypoints; PT17's 15 joints are moved to their PoseTrack18
  slots and the ears are ``[0, 0, 0]``. Every annotated joint gets flag 1
  (PoseTrack AP counts annotated joints whether or not PT17 marks them
  ``is_visible: 0``), unless ``drop_invisible`` is set.
- ``bbox_head`` from the head rectangle ``x1, y1, x2, y2``.
- Output files are strict JSON. A person without ``track_id`` gets -1; a
  joint id outside 0-14, a person without joints and an ignore region of
  fewer than 3 points are skipped (all reported).
- ``bbox`` (PT17 has no person box): the box around the annotated joints
  and the head box, enlarged by ``BBOX_MARGIN`` (15%) of its width and
  height on every side, clipped at 0 (the image size is unknown here).
- ``images``: every frame of the video, labelled or not, so neighbouring
  frames are found through the list. Frames missing from ``annolist`` are
  taken from disk with ``--img-root``, else named by file-name arithmetic;
  both are reported. ``nframes`` = last frame index + 1.
- ``file_name``: the PT17 image name unchanged, so the data root stays the
  PT17 root. Image id ``T SSSSSS FFFF`` as in poseval (T: 1 mpii, 2 bonn,
  3 mpiinew; S: sequence number; F: 0-based frame index, which is the PT17
  frame number minus ``frame_base``); ``frame_id`` = image id; ``vid_id`` =
  ``'TSSSSSS'`` (unique across sequence types); annotation id = image id
  * 100 + person index.

Command line: ``tools/dataset_converters/posetrack17_to_posetrack18.py``.
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

#: PoseTrack2017 joint id -> PoseTrack18 keypoint index.
PT17_TO_PT18 = {
    0: 16,  # right_ankle
    1: 14,  # right_knee
    2: 12,  # right_hip
    3: 11,  # left_hip
    4: 13,  # left_knee
    5: 15,  # left_ankle
    6: 10,  # right_wrist
    7: 8,  # right_elbow
    8: 6,  # right_shoulder
    9: 5,  # left_shoulder
    10: 7,  # left_elbow
    11: 9,  # left_wrist
    12: 1,  # head_bottom (PT17 "neck")
    13: 0,  # nose
    14: 2,  # head_top
}

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


def _sequence(folder: str) -> Optional[Tuple[int, int]]:
    """(sequence type digit, sequence number) from e.g. ``000342_mpii``;
    ``None`` if ``folder`` is not so named."""
    match = _SEQUENCE_FOLDER.match(folder)
    if not match or match.group(2).lower() not in SEQUENCE_TYPES:
        return None
    return SEQUENCE_TYPES[match.group(2).lower()], int(match.group(1))


def _name_problem(name: str, folder: str, frame_base: int,
                  taken: dict) -> Optional[str]:
    """What is wrong with a frame's image name (a rule of
    ``image[0].name``), given the video's image folder and the frame
    indices ``taken`` so far."""
    match = _SEQUENCE_FOLDER.match(folder)
    if not match:
        return (f'image folder {folder!r} is not named "<number>_<type>" '
                '(e.g. "000342_mpii")')
    if _sequence(folder) is None:
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
    """The person box of joints (PT17 and HiEve people without a box):
    ``[x1, y1, x2, y2]`` around the points, enlarged by ``BBOX_MARGIN`` of
    its width and height on every side, clipped at 0."""
    x1, x2, y1, y2 = min(xs), max(xs), min(ys), max(ys)
    mx, my = BBOX_MARGIN * (x2 - x1), BBOX_MARGIN * (y2 - y1)
    return [max(0.0, x1 - mx), max(0.0, y1 - my), x2 + mx, y2 + my]


def _keypoints(person: dict, drop_invisible: bool,
               report: ConversionReport) -> Tuple[list, list, list]:
    """A checked person's joints -> PoseTrack18 ``keypoints`` and the
    ``xs``, ``ys`` of the joints kept."""
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
    """One checked person (:func:`~tdmi_mmpose.io.annolist.read_annolist`)
    -> one PoseTrack18 annotation (or ``None``, reported)."""
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
    """Checked ignore regions -> the image's ``ignore_regions_x`` and
    ``_y`` (none if empty); a region of fewer than 3 points is skipped."""
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
        data (dict): the PT17 JSON content, with ``annolist``; read and
            checked by :func:`~tdmi_mmpose.io.annolist.read_annolist`.
        src (str): file name used in error messages and the report.
        img_root (str, optional): the PT17 data root. When given, frames
            that exist on disk in the video's image folder but are missing
            from ``annolist`` are added as unlabelled images. Frames still
            missing between the first frame and the last one are then added
            by file-name arithmetic (not checked on disk), so that the
            ``images`` list is complete and ``nframes`` right.
        frame_base (int): number of the first frame in PT17 file names
            (PT17 counts from 1). Defaults to 1.
        drop_invisible (bool): write joints marked ``is_visible: 0`` as
            ``[0, 0, 0]`` instead of annotated. Defaults to False.
        report (ConversionReport, optional): report to add to.

    Returns:
        tuple[str, dict]: the video name (image folder name) and the
        PoseTrack18 JSON dict (``images``, ``annotations``, ``categories``).
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
        report.counts['frames'] += 1
        report.counts['labeled_frames' if img['is_labeled'] else
                      'unlabeled_frames'] += 1
        report.counts['people'] += len(anns)
    report.counts['videos'] += 1
    return folder, OrderedDict(images=images, annotations=annotations,
                               categories=posetrack_categories())


def _fill_gaps(frames: dict, seq: Tuple[int, int], frame_base: int,
               src: str, report: ConversionReport) -> None:
    """Make the frame list complete (frames ``0 .. max``), so ``nframes``
    and the neighbours of every frame are right: frames still missing are
    added as unlabelled images named by file-name arithmetic, following the
    listed names (same folder, zero padding and extension)."""
    missing = [i for i in range(max(frames) + 1) if i not in frames]
    if not missing:
        return
    name = next(iter(frames.values()))[0]['file_name']
    if frame_number(name) is None:
        report.note('videos with gaps in their frame numbers that cannot be '
                    'filled (file names are not plain numbers)', src)
        return
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
    """Convert a folder of PoseTrack2017 JSON files (or one file).

    Args:
        in_path (str): a PT17 JSON file, or a folder of them (``*.json``,
            not recursive).
        out_dir (str): output folder; one PoseTrack18 JSON per video,
            named after the video's image folder. All or nothing: the files
            appear under their final names only when every one was written
            (:func:`~tdmi_mmpose.datasets.converters.outputs.
            write_json_files`), as strict JSON; one of an earlier run is
            refused, or with ``overwrite`` replaced whole.
        img_root (str, optional): see :func:`convert_posetrack17_video`.
        frame_base (int): see :func:`convert_posetrack17_video`.
        drop_invisible (bool): see :func:`convert_posetrack17_video`.
        progress (bool): show a progress bar. Defaults to True.
        overwrite (bool): replace an earlier run's ``out_dir``. Defaults
            to False.

    Returns:
        ConversionReport: what was converted and what was skipped and why.
    """
    files = json_files(in_path)

    report = ConversionReport()
    outputs = {}
    for path in tqdm(files, desc='PT17 -> PT18', disable=not progress):
        name, video = convert_posetrack17_video(
            load_json(path, 'PoseTrack2017 file'), path, img_root,
            frame_base, drop_invisible,
            report)
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
    parser.add_argument('input', help='a PT17 JSON file or a folder of them')
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
    parser.add_argument('--no-progress', action='store_true')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Run the conversion; returns 0.

    Bad input raises; ``tools/`` report it in one line
    (:func:`~tdmi_mmpose.utils.run_tool`).
    """
    args = parse_args(argv)
    report = convert_posetrack17(args.input, args.out_dir, args.img_root,
                                 args.frame_base, args.drop_invisible,
                                 not args.no_progress, args.overwrite)
    print(report.format())
    print(f'Wrote {report.counts["videos"]} files to {args.out_dir}')
    return 0
