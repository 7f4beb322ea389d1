# Copyright (c) tdmi_mmpose contributors.
"""Convert HiEve pose labels and videos to the PoseTrack18 per-video layout
(output and rules: ``docs/datasets.md``, "HiEve"; command line:
``tools/dataset_converters/hieve_to_posetrack18.py``)."""
import argparse
import os
import os.path as osp
import shutil
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import mmcv

from ...io import (FRAME_FILE_TEMPLATE, PERSON_CATEGORY_ID, InputError,
                   check_no_earlier_run, frame_number, non_negative_int)
from ...io.hieve_format import hieve_categories
from ...utils.atomic import atomic_folder, atomic_write_json
from .hieve_labels import Frames, find_label_sources, read_labels
from .outputs import add_overwrite_argument, write_json_files
from .posetrack17 import joints_box, round2, rounded_xywh
from .report import ConversionReport

VIDEO_EXTENSIONS = ('.mp4', '.avi', '.mov', '.mkv')
#: Image ids are ``video number * FRAMES_PER_VIDEO + frame index``.
FRAMES_PER_VIDEO = 1_000_000
#: Annotation ids are ``image id * PEOPLE_PER_FRAME + index``.
PEOPLE_PER_FRAME = 1000


def find_videos(videos: Optional[str]) -> Dict[str, str]:
    """Video name -> video file, for the video files of a folder."""
    if videos is None:
        return {}
    if not osp.isdir(videos):
        raise FileNotFoundError(f'{videos}: no such video folder')
    return {
        osp.splitext(f)[0]: osp.join(videos, f)
        for f in sorted(os.listdir(videos))
        if f.lower().endswith(VIDEO_EXTENSIONS)
    }


def extract_frames(video: Optional[str], frame_dir: str, name: str,
                   progress: bool = True) -> Tuple[int, Tuple[int, int]]:
    """Extract ``video`` (``None``: use the frames already there) as
    ``000000.jpg`` ... into ``frame_dir``; returns ``nframes`` and the
    frame size ``(width, height)``."""
    if video is not None:
        reader = mmcv.VideoReader(video)
        if reader.frame_cnt <= 0:
            raise InputError(f'{video}: the video has no frames')
        with atomic_folder(frame_dir) as tmp:
            reader.cvt2frames(tmp, filename_tmpl=FRAME_FILE_TEMPLATE,
                              show_progress=progress)
    elif not osp.isdir(frame_dir):
        raise InputError(
            f'video {name!r}: no video file and no frame folder {frame_dir}')
    numbers = sorted(
        n for n in (frame_number(f) for f in os.listdir(frame_dir)
                    if f.endswith('.jpg')) if n is not None)
    if not numbers or numbers != list(range(len(numbers))):
        raise InputError(
            f'{frame_dir}: frames must be numbered 000000.jpg, 000001.jpg, '
            f'... without gaps (found {len(numbers)} numbered .jpg files)')
    first = cv2.imread(osp.join(frame_dir, FRAME_FILE_TEMPLATE.format(0)))
    if first is None:
        raise InputError(
            f'{frame_dir}: cannot read {FRAME_FILE_TEMPLATE.format(0)}')
    return len(numbers), (first.shape[1], first.shape[0])


def _annotation(person: dict, image_id: int, index: int,
                report: ConversionReport) -> Optional[OrderedDict]:
    keypoints = person['keypoints']
    labelled = keypoints[:, 2] > 0
    if person['bbox'] is not None:
        box = person['bbox']
    elif labelled.any():
        box = joints_box(keypoints[labelled, 0], keypoints[labelled, 1])
    else:
        report.skip('people with neither a box nor a joint', person['where'])
        return None
    if index >= PEOPLE_PER_FRAME:
        raise InputError(
            f'{person["where"]}: more than {PEOPLE_PER_FRAME} people in one '
            'frame; annotation ids would collide')
    num_keypoints = int(labelled.sum())
    if not num_keypoints:
        report.note('people without annotated joints (kept; not trained on)',
                    person['where'])
    report.counts['keypoints'] += num_keypoints
    bbox = rounded_xywh(box)
    flat = [v for x, y, vis in keypoints.tolist()
            for v in (round2(x), round2(y), int(vis))]
    return OrderedDict(
        id=image_id * PEOPLE_PER_FRAME + index, image_id=image_id,
        category_id=PERSON_CATEGORY_ID, track_id=person['track_id'],
        bbox=bbox, keypoints=flat, num_keypoints=num_keypoints,
        area=round2(bbox[2] * bbox[3]), iscrowd=0)


def build_video(name: str, number: int, split: str, nframes: int,
                size: Tuple[int, int], frames: Optional[Frames],
                report: ConversionReport) -> OrderedDict:
    """One video's PoseTrack18-layout dict (``frames``: its labels from
    :func:`~.hieve_labels.read_labels`, ``None`` if unlabelled; ``number``
    makes the image ids; ``size`` is ``(width, height)``)."""
    frames = frames or {}
    assert all(i < nframes for i in frames), 'labels checked by read_labels'
    if nframes >= FRAMES_PER_VIDEO:
        raise InputError(f'video {name!r}: {nframes} frames exceed the '
                         f'id range ({FRAMES_PER_VIDEO})')
    images, annotations = [], []
    for index in range(nframes):
        image_id = number * FRAMES_PER_VIDEO + index
        images.append(OrderedDict(
            file_name=f'images/{split}/{name}/'
            f'{FRAME_FILE_TEMPLATE.format(index)}',
            id=image_id, frame_id=image_id, vid_id=str(number),
            nframes=nframes, is_labeled=index in frames, width=size[0],
            height=size[1]))
        people = []
        for person in frames.get(index, []):
            ann = _annotation(person, image_id, len(people), report)
            if ann is not None:
                people.append(ann)
        annotations += people
    report.count_video(images, len(annotations))
    return OrderedDict(
        images=images, annotations=annotations, categories=hieve_categories())


def coco_ground_truth(videos: Sequence[dict]) -> OrderedDict:
    """COCO keypoints ground truth (for mmpose's ``CocoMetric``) of
    :func:`build_video` results: their labelled frames (every frame of
    unlabelled videos) and their people."""
    images, annotations = [], []
    for video in videos:
        labelled = any(image['is_labeled'] for image in video['images'])
        images += [
            OrderedDict((k, image[k])
                        for k in ('id', 'file_name', 'width', 'height'))
            for image in video['images']
            if image['is_labeled'] or not labelled
        ]
        annotations += [
            OrderedDict((k, ann[k]) for k in ann if k != 'track_id')
            for ann in video['annotations']
        ]
    return OrderedDict(
        images=images, annotations=annotations, categories=hieve_categories())


def convert_hieve(out_root: str,
                  videos: Optional[str] = None,
                  labels: Optional[str] = None,
                  split: Optional[str] = None,
                  val_videos: Sequence[str] = (),
                  frame_base: int = 0,
                  progress: bool = True,
                  overwrite: bool = False) -> ConversionReport:
    """Convert HiEve videos (and labels) to the PoseTrack18 layout.

    Args:
        out_root (str): The converted dataset's root.
        videos (str, optional): Folder of the videos (``<video>.mp4``).
            Without it, frames must already be in ``images/<split>/``.
        labels (str, optional): HiEve pose labels (a file or folder, see
            :func:`~.hieve_labels.find_label_sources`); ``None`` converts
            unlabelled (test) videos.
        split (str, optional): Name of the output split; defaults to
            ``'train'`` with labels, ``'test'`` without.
        val_videos (Sequence[str]): Labelled videos written to
            ``annotations/val`` instead (held out for local validation).
        frame_base (int): Number of the first frame in label names.
            Defaults to 0.
        progress (bool): Show progress bars. Defaults to True.
        overwrite (bool): Replace the annotation folders of an earlier run
            whole (see :func:`check_annotation_folders`). Defaults to False.

    Returns:
        ConversionReport: What was converted, skipped and noted.
    """
    split = split or ('train' if labels else 'test')
    if val_videos and not labels:
        raise ValueError('val_videos needs labels (a held-out split is made '
                         'of labelled videos).')
    video_files = find_videos(videos)
    if labels:
        sources = find_label_sources(labels)
    else:
        sources = dict.fromkeys(video_files)
        if not sources:
            raise FileNotFoundError(
                f'{videos}: no video files ({", ".join(VIDEO_EXTENSIONS)})')
    unknown = sorted(set(val_videos) - set(sources))
    if unknown:
        raise ValueError(f'val_videos {unknown} are not among the labelled '
                         f'videos {sorted(sources)}.')
    # a video's number: its name if every name is a number, else its rank
    digits = all(name.isdigit() for name in sources)
    numbers = {name: int(name) if digits else rank + 1
               for rank, name in enumerate(sorted(sources))}
    split_of = {n: 'val' if n in val_videos else split for n in sources}
    stale = check_annotation_folders(out_root, split_of,
                                     [split, 'val'] if labels else [split],
                                     overwrite)
    report = ConversionReport()
    for name in video_files:
        if name not in sources:
            report.skip('videos without labels (not converted; convert '
                        'test videos without --labels)', video_files[name])
    outputs: Dict[str, List[Tuple[str, dict]]] = OrderedDict()
    for name, source in sources.items():
        if progress:
            print(f'HiEve video {name}:', flush=True)
        nframes, size = extract_frames(
            video_files.get(name), osp.join(out_root, 'images', split, name),
            name, progress)
        frames = None
        if labels:
            frames = read_labels(source, frame_base, report, nframes)
            report.counts['files'] += 1
        video = build_video(name, numbers[name], split, nframes, size, frames,
                            report)
        outputs.setdefault(split_of[name], []).append((name, video))
    _write_annotations(out_root, outputs, stale, overwrite)
    return report


def _write_annotations(out_root: str, outputs: Dict[str, List[tuple]],
                       stale: Sequence[str], overwrite: bool) -> None:
    """Write each split's per-video files (all or none) and COCO file;
    remove the ``stale`` splits of an earlier run."""
    for out_split, converted in outputs.items():
        folder = _annotation_folder(out_root, out_split)
        write_json_files({f'{name}.json': video
                          for name, video in converted}, folder, overwrite)
        atomic_write_json(
            coco_ground_truth([video for _, video in converted]),
            folder + '_coco.json')
    for out_split in stale:  # an earlier run's split this run does not write
        folder = _annotation_folder(out_root, out_split)
        shutil.rmtree(folder)
        if osp.isfile(folder + '_coco.json'):
            os.remove(folder + '_coco.json')


def _annotation_folder(out_root: str, split: str) -> str:
    return osp.join(out_root, 'annotations', split)


def check_annotation_folders(out_root: str, split_of: Dict[str, str],
                             owned: Sequence[str],
                             overwrite: bool) -> List[str]:
    """Check that the folders of the splits a run ``owned`` hold no
    earlier run (rule: ``docs/datasets.md``, "HiEve"); returns the owned
    splits this run does not write that hold one (to remove)."""
    return [
        split for split in owned
        if check_no_earlier_run(
            _annotation_folder(out_root, split),
            {f'{n}.json' for n, s in split_of.items() if s == split},
            overwrite) and split not in split_of.values()
    ]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line of
    ``tools/dataset_converters/hieve_to_posetrack18.py``."""
    parser = argparse.ArgumentParser(
        description='Convert HiEve pose labels and videos to the PoseTrack18 '
        'per-video layout (plus COCO keypoints GT for CocoMetric).')
    parser.add_argument('out_root', help='root of the converted dataset')
    parser.add_argument(
        '--videos', help='folder of the videos (<video>.mp4); without it '
        'the frames must already be in <out_root>/images/<split>/<video>/')
    parser.add_argument(
        '--labels', help='HiEve pose labels: a folder of PoseTrack2017-style '
        '<video>.json files and/or all-track <video>/ folders of per-frame '
        '.xml files; omit it for unlabelled (test) videos')
    parser.add_argument(
        '--split', help='output split name (default: train with labels, '
        'test without)')
    parser.add_argument(
        '--val-videos', nargs='+', default=[], metavar='VIDEO',
        help='labelled videos to hold out: written to annotations/val/ and '
        'annotations/val_coco.json for local validation')
    parser.add_argument(
        '--frame-base', type=non_negative_int, default=0,
        help='number of the first frame in label file/image names '
        '(default 0)')
    add_overwrite_argument(parser, 'annotations/<split>/ and annotations/val/')
    parser.add_argument('--no-progress', dest='progress',
                        action='store_false')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Run the conversion (bad input raises); returns 0."""
    args = parse_args(argv)
    report = convert_hieve(**vars(args))
    print(report.format())
    print(f'Wrote {report.counts["videos"]} videos to {args.out_root}')
    return 0
