# Copyright (c) tdmi_mmpose contributors.
"""Convert PoseTrack2017 annotations to the PoseTrack18 per-video layout.

PoseTrack2017 ships one JSON file per video, converted from MPII-style
MATLAB structures::

    {"annolist": [                          # one entry per frame
        {"image": [{"name": "images/bonn_5sec/000342_mpii/00000001.jpg"}],
         "imgnum": [1],
         "is_labeled": [1],
         "annorect": [                      # one entry per person
             {"x1": [625], "y1": [94], "x2": [681], "y2": [178],  # head box
              "track_id": [0],
              "annopoints": [{"point": [
                  {"id": [0], "x": [394], "y": [173], "is_visible": [1]},
                  ...]}]}],
         "ignore_regions": [{"point": [{"x": [..], "y": [..]}, ...]}]},
        ...]}

MATLAB export wraps most scalars in one-element lists, but not always; both
forms are accepted (and a lone dict where a one-element list is expected).

Output, one file per video named after the image folder (e.g.
``000342_mpii.json``), in the PoseTrack18 layout (``images``,
``annotations``, ``categories``):

- 17 PoseTrack18 keypoints; PT17's 15 joints are moved to their PoseTrack18
  slots and the ears are ``[0, 0, 0]``. Every annotated joint gets flag 1
  (PoseTrack AP counts annotated joints whether or not PT17 marks them
  ``is_visible: 0``), unless ``drop_invisible`` is set.
- ``bbox_head`` from the head rectangle ``x1, y1, x2, y2``.
- Every coordinate must be a finite number within the format module's
  ``COORDINATE_LIMIT`` (e.g. ``Infinity`` or ``1e30`` is an error naming the
  file, frame, person and field); ``track_id`` must be an integer. Output
  files are strict JSON.
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

Command line (``tools/dataset_converters/posetrack17_to_posetrack18.py``)::

    python tools/dataset_converters/posetrack17_to_posetrack18.py \\
        data/posetrack17/annotations/val \\
        data/posetrack17/annotations_pt18/val --img-root data/posetrack17
"""
import argparse
import os
import os.path as osp
import re
from collections import OrderedDict
from typing import List, Optional, Tuple

from tqdm import tqdm

from ...io import (POSETRACK18_KEYPOINT_NAMES, frame_file_name,
                                frame_number, json_files, load_json,
                                posetrack_categories)
from .outputs import write_json_files
from .pt17_fields import (InputError, ConversionReport,
                          annolist_image_name, annopoint_id, as_list,
                          coordinate, rect_box, rect_track_id, scalar)

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

#: Person box margin on each side, as a fraction of the joints' extent.
BBOX_MARGIN = 0.15

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png')


def _parse_sequence(folder: str, where: str) -> Tuple[int, int]:
    """(sequence type digit, sequence number) from e.g. ``000342_mpii``."""
    match = re.match(r'^(\d+)_([A-Za-z]+)', folder)
    if not match:
        raise InputError(
            f'{where}: field "image.name": image folder {folder!r} is not '
            'named "<number>_<type>" (e.g. "000342_mpii")')
    seq_type = match.group(2).lower()
    if seq_type not in SEQUENCE_TYPES:
        raise InputError(
            f'{where}: field "image.name": unknown sequence type '
            f'{seq_type!r} in folder {folder!r} (known: '
            f'{", ".join(SEQUENCE_TYPES)})')
    return SEQUENCE_TYPES[seq_type], int(match.group(1))


def _r2(v: float) -> float:
    return round(float(v), 2)


def _convert_person(rect: dict, where: str, image_id: int, index: int,
                    drop_invisible: bool,
                    report: ConversionReport) -> Optional[dict]:
    """One ``annorect`` entry -> one PoseTrack18 annotation (or None)."""
    if not isinstance(rect, dict):
        raise InputError(f'{where}: must be an object, got '
                              f'{type(rect).__name__}')
    annopoints = as_list(rect.get('annopoints'), where, 'annopoints')
    points = []
    for k, ap in enumerate(annopoints):
        if not isinstance(ap, dict):
            raise InputError(
                f'{where}: field "annopoints[{k}]" must be an object')
        points += as_list(ap.get('point'), where, f'annopoints[{k}].point')
    if not points:
        report.skip('people without annotated points', where)
        return None

    keypoints = [0] * (3 * len(POSETRACK18_KEYPOINT_NAMES))
    seen = set()
    xs, ys = [], []
    for k, point in enumerate(points):
        pwhere = f'{where}.annopoints.point[{k}]'
        joint_id = annopoint_id(point, pwhere)
        if joint_id not in PT17_TO_PT18:
            report.skip('points with an unknown joint id (valid: 0-14)',
                        f'{pwhere} id={joint_id!r}')
            continue
        joint_id = int(joint_id)
        if joint_id in seen:
            raise InputError(
                f'{pwhere}: field "id": joint id {joint_id} appears twice '
                'in one person')
        seen.add(joint_id)
        x = coordinate(point['x'], pwhere, 'x')
        y = coordinate(point['y'], pwhere, 'y')
        visible = scalar(point.get('is_visible', 1), pwhere, 'is_visible')
        if not visible:
            if drop_invisible:
                report.skip('points marked is_visible=0 (drop_invisible)',
                            pwhere)
                continue
            report.note('points marked is_visible=0 kept as annotated',
                        pwhere)
        slot = PT17_TO_PT18[joint_id]
        keypoints[3 * slot:3 * slot + 3] = [_r2(x), _r2(y), 1]
        xs.append(float(x))
        ys.append(float(y))
    if not xs:
        report.skip('people left without points', where)
        return None
    num_points = len(xs)

    head = rect_box(rect, where, 'head box')
    bbox_head = None
    if head is None:
        report.note('people without a head box (kept, no bbox_head)', where)
    else:
        hx1, hy1, hx2, hy2 = head
        bbox_head = [_r2(hx1), _r2(hy1), _r2(hx2 - hx1), _r2(hy2 - hy1)]
        xs += [hx1, hx2]
        ys += [hy1, hy2]

    x1, x2, y1, y2 = min(xs), max(xs), min(ys), max(ys)
    mx, my = BBOX_MARGIN * (x2 - x1), BBOX_MARGIN * (y2 - y1)
    x1, y1 = max(0.0, x1 - mx), max(0.0, y1 - my)
    x2, y2 = x2 + mx, y2 + my
    bbox = [_r2(x1), _r2(y1), _r2(x2 - x1), _r2(y2 - y1)]

    track_id = rect_track_id(rect, where, report)
    if index >= 100:
        raise InputError(
            f'{where}: more than 100 people in one frame; annotation ids '
            '(image id * 100 + index) would collide')

    ann = OrderedDict()
    if bbox_head is not None:
        ann['bbox_head'] = bbox_head
    ann.update(keypoints=keypoints, track_id=track_id, image_id=image_id,
               bbox=bbox, scores=[], category_id=1,
               id=image_id * 100 + index)
    report.counts['keypoints'] += num_points
    return ann


def _convert_ignore_regions(entry: dict, where: str,
                            report: ConversionReport) -> Tuple[list, list]:
    regions_x, regions_y = [], []
    regions = as_list(entry.get('ignore_regions'), where, 'ignore_regions')
    for r, region in enumerate(regions):
        rwhere = f'{where}.ignore_regions[{r}]'
        if not isinstance(region, dict):
            raise InputError(f'{rwhere}: must be an object')
        points = as_list(region.get('point'), rwhere, 'point')
        xs, ys = [], []
        for k, point in enumerate(points):
            pwhere = f'{rwhere}.point[{k}]'
            if not isinstance(point, dict) or 'x' not in point or \
                    'y' not in point:
                raise InputError(
                    f'{pwhere}: must be an object with fields "x" and "y"')
            xs.append(_r2(coordinate(point['x'], pwhere, 'x')))
            ys.append(_r2(coordinate(point['y'], pwhere, 'y')))
        if len(xs) < 3:
            report.skip('ignore regions with fewer than 3 points', rwhere)
            continue
        regions_x.append(xs)
        regions_y.append(ys)
    return regions_x, regions_y


def convert_posetrack17_video(data: dict,
                              src: str,
                              img_root: Optional[str] = None,
                              frame_base: int = 1,
                              drop_invisible: bool = False,
                              report: Optional[ConversionReport] = None
                              ) -> Tuple[str, dict]:
    """Convert one PoseTrack2017 video (a loaded ``annolist`` JSON).

    Args:
        data (dict): the PT17 JSON content, with ``annolist``.
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
    if not isinstance(data, dict) or 'annolist' not in data:
        raise InputError(f'{src}: missing field "annolist" (not a '
                              'PoseTrack2017 annotation file)')
    annolist = as_list(data['annolist'], src, 'annolist')
    if not annolist:
        raise InputError(f'{src}: field "annolist" is empty')

    frames = {}  # frame index -> (image dict, annotations)
    folder = seq = None
    for i, entry in enumerate(annolist):
        where = f'{src}: annolist[{i}]'
        name = annolist_image_name(entry, where)
        name = name.replace('\\', '/')
        this_folder = osp.basename(osp.dirname(name))
        if folder is None:
            folder = this_folder
            seq = _parse_sequence(folder, where)
        elif this_folder != folder:
            raise InputError(
                f'{where}: field "image[0].name": frame of folder '
                f'{this_folder!r} in a file of folder {folder!r}')
        number = frame_number(name)
        if number is None:
            raise InputError(
                f'{where}: field "image[0].name": no frame number in '
                f'{name!r}')
        index = number - frame_base
        if not 0 <= index < 10000:
            raise InputError(
                f'{where}: field "image[0].name": frame number {number} '
                f'out of range for frame_base={frame_base}')
        if index in frames:
            raise InputError(
                f'{where}: field "image[0].name": frame {name!r} appears '
                'twice')
        if 'imgnum' in entry:
            imgnum = scalar(entry['imgnum'], where, 'imgnum')
            if imgnum != number:
                report.note('frames whose imgnum differs from the file '
                            'name (file name used)', where)

        image_id = int(f'{seq[0]}{seq[1]:06d}{index:04d}')
        rects = as_list(entry.get('annorect'), where, 'annorect')
        if 'is_labeled' in entry:
            labeled = bool(scalar(entry['is_labeled'], where, 'is_labeled'))
        else:
            labeled = len(rects) > 0
        anns = []
        for j, rect in enumerate(rects):
            ann = _convert_person(rect, f'{where}.annorect[{j}]', image_id,
                                  len(anns), drop_invisible, report)
            if ann is not None:
                anns.append(ann)
        if anns and not labeled:
            report.note('people in frames marked is_labeled=0 (kept)',
                        where)
        img = OrderedDict(file_name=name, id=image_id, frame_id=image_id,
                          vid_id=f'{seq[0]}{seq[1]:06d}', nframes=0,
                          is_labeled=labeled, has_no_densepose=True)
        regions_x, regions_y = _convert_ignore_regions(entry, where, report)
        if regions_x:
            img['ignore_regions_x'] = regions_x
            img['ignore_regions_y'] = regions_y
        frames[index] = (img, anns)

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
        if img['is_labeled']:
            report.counts['labeled_frames'] += 1
        else:
            report.counts['unlabeled_frames'] += 1
        report.counts['people'] += len(anns)
    report.counts['videos'] += 1
    return folder, OrderedDict(images=images, annotations=annotations,
                               categories=posetrack_categories())


def _unlabeled_image(file_name: str, seq: Tuple[int, int],
                     index: int) -> OrderedDict:
    image_id = int(f'{seq[0]}{seq[1]:06d}{index:04d}')
    return OrderedDict(file_name=file_name, id=image_id, frame_id=image_id,
                       vid_id=f'{seq[0]}{seq[1]:06d}', nframes=0,
                       is_labeled=False, has_no_densepose=True)


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
        frames[index] = (_unlabeled_image(file_name, seq, index), [])
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
        if not 0 <= index < 10000 or osp.splitext(fname)[1] != ext:
            report.skip('image files with an unexpected number or '
                        'extension', osp.join(img_dir, fname))
            continue
        frames[index] = (_unlabeled_image(f'{rel_dir}/{fname}', seq,
                                          index), [])
        added += 1
    if added:
        report.note('unlabelled frames added from disk', img_dir, added)


def convert_posetrack17(in_path: str,
                        out_dir: str,
                        img_root: Optional[str] = None,
                        frame_base: int = 1,
                        drop_invisible: bool = False,
                        progress: bool = True) -> ConversionReport:
    """Convert a folder of PoseTrack2017 JSON files (or one file).

    Args:
        in_path (str): a PT17 JSON file, or a folder of them (``*.json``,
            not recursive).
        out_dir (str): output folder; one PoseTrack18 JSON per video,
            named after the video's image folder. All or nothing: the files
            appear under their final names only when every one was written
            (:func:`~tdmi_mmpose.datasets.converters.outputs.
            write_json_files`), as strict JSON.
        img_root (str, optional): see :func:`convert_posetrack17_video`.
        frame_base (int): see :func:`convert_posetrack17_video`.
        drop_invisible (bool): see :func:`convert_posetrack17_video`.
        progress (bool): show a progress bar. Defaults to True.

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

    write_json_files(
        OrderedDict((f'{name}.json', video)
                    for name, (_, video) in outputs.items()), out_dir)
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
        '--frame-base', type=int, default=1,
        help='number of the first frame in PT17 file names (default 1)')
    parser.add_argument(
        '--drop-invisible', action='store_true',
        help='write joints marked is_visible=0 as unannotated')
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
                                 not args.no_progress)
    print(report.format())
    print(f'Wrote {report.counts["videos"]} files to {args.out_dir}')
    return 0
