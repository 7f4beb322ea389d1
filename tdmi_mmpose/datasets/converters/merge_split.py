# Copyright (c) tdmi_mmpose contributors.
"""Merge per-video PoseTrack18 files into one file, or split it back
(``docs/datasets.md``, "Merge and split"; command line:
``tools/dataset_converters/posetrack_merge_split.py``)."""
import argparse
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Union

from tqdm import tqdm

from ...utils.atomic import atomic_write_json, check_output_file
from ...io import (POSETRACK18_KEYPOINT_NAMES, InputError, annotation_where,
                   check_json_finite, check_video_data, image_folder,
                   json_files_of, load_json, register_annotation_ids,
                   register_ids, register_image_ids, split_videos)
from .outputs import add_overwrite_argument, write_json_files


def _keypoint_count(data: object, path: str, keypoints: dict) -> int:
    """K of a file's annotations, which must match the first annotation
    read (``keypoints``: its ``num`` and ``source``, shared across files;
    17 before any)."""
    anns = data.get('annotations') if isinstance(data, dict) else None
    for ann in anns if isinstance(anns, list) else []:
        values = ann.get('keypoints') if isinstance(ann, dict) else None
        if not isinstance(values, list) or len(values) % 3:
            continue
        keypoints.setdefault('num', len(values) // 3)
        keypoints.setdefault('source', annotation_where(ann, path))
        if len(values) != 3 * keypoints['num']:
            raise InputError(
                f'{annotation_where(ann, path)}: field "keypoints" has '
                f'{len(values) // 3} keypoints, but {keypoints["source"]} '
                f'has {keypoints["num"]}; all files need the same keypoints.')
    return keypoints.get('num', len(POSETRACK18_KEYPOINT_NAMES))


def merge_posetrack(inputs: Union[str, Sequence[str]],
                    out_file: str,
                    progress: bool = True) -> Dict:
    """Merge per-video PoseTrack18 files into one (strict JSON, atomic).

    Args:
        inputs (str | Sequence[str]): Per-video JSON files and/or folders
            of them (sorted by name).
        out_file (str): The merged JSON file to write.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        dict: ``files``, ``videos``, ``images``, ``annotations`` and
        ``notes`` (list[str]: what the user should know, e.g. extra
        top-level fields not merged).
    """
    check_output_file(out_file)
    inputs = [inputs] if isinstance(inputs, str) else inputs
    files = json_files_of(inputs)
    folders = [osp.realpath(p) for p in inputs if osp.isdir(p)]
    is_input = osp.realpath(out_file) in map(osp.realpath, files)
    if is_input or osp.dirname(osp.realpath(out_file)) in folders:
        raise InputError(
            f'{out_file}: the output file is one of the inputs (it would be '
            'overwritten); write it elsewhere.' if is_input else
            f'{out_file}: the output file would lie in an input folder, '
            'beside the files it merges (a dataset or a later merge of that '
            'folder would read every video twice); write it elsewhere.')
    images, annotations = [], []
    keypoints, image_src, ann_src, vid_src = {}, {}, {}, {}
    categories = categories_from = None
    notes: List[str] = []
    for path in tqdm(files, desc='merge', disable=not progress):
        data = load_json(path, 'Annotation file')
        check_json_finite(data, path)
        # vid_id on every image: the merged file splits back into its videos
        check_video_data(data, path, _keypoint_count(data, path, keypoints),
                         image_fields=('vid_id', ))
        extra = sorted(set(data) - {'images', 'annotations', 'categories'})
        if extra:
            notes.append(f'{path}: top-level fields {extra} not merged')
        if 'categories' not in data:
            notes.append(f'{path}: no "categories"')
        elif categories is None:
            categories, categories_from = data['categories'], path
        elif data['categories'] != categories:
            raise InputError(
                f'{path}: field "categories" differs from the one in '
                f'{categories_from}')

        register_image_ids(data['images'], path, image_src)
        file_vids = {img['vid_id'] for img in data['images']}
        register_ids(file_vids, 'vid_id', 'images.vid_id', path, vid_src)
        folders = {image_folder(img) for img in data['images']}
        stem = osp.splitext(osp.basename(path))[0]
        if len(file_vids) == 1 and folders != {stem}:
            notes.append(f'{path}: image folder(s) {sorted(folders)} differ '
                         'from the file name; split will name the video '
                         'after its image folder')
        register_annotation_ids(data['annotations'], path, ann_src)
        images += data['images']
        annotations += data['annotations']

    merged = OrderedDict(images=images, annotations=annotations,
                         categories=categories if categories else [])
    atomic_write_json(merged, out_file)
    return dict(files=len(files), videos=len(vid_src), images=len(images),
                annotations=len(annotations), notes=notes)


def split_posetrack(merged_file: str,
                    out_dir: str,
                    progress: bool = True,
                    overwrite: bool = False) -> Dict:
    """Split a merged PoseTrack18 file into per-video files (videos by
    :func:`~tdmi_mmpose.io.split_videos`, each named after its image folder;
    written by :func:`.outputs.write_json_files`).

    Args:
        merged_file (str): The merged JSON file.
        out_dir (str): Folder for the per-video files.
        progress (bool): Show a progress bar. Defaults to True.
        overwrite (bool): Replace an ``out_dir`` of an earlier run.
            Defaults to False.

    Returns:
        dict: ``videos``, ``images``, ``annotations``, ``files`` (written
        paths) and ``notes`` (list[str]).
    """
    if osp.realpath(merged_file).startswith(
            osp.join(osp.realpath(out_dir), '')):
        raise InputError(
            f'{merged_file} lies inside the output folder {out_dir}, which '
            'holds only the split files (and --overwrite replaces whole): '
            'choose another output folder')
    data = load_json(merged_file, 'Annotation file')
    check_json_finite(data, merged_file)
    videos = split_videos(data, merged_file,
                          _keypoint_count(data, merged_file, {}))
    notes = []
    extra = sorted(set(data) - {'images', 'annotations', 'categories'})
    if extra:
        notes.append(f'{merged_file}: top-level fields {extra} not written')
    written = write_json_files(
        OrderedDict((f'{name}.json', video) for name, video in tqdm(
            videos.items(), desc='split', disable=not progress)), out_dir,
        overwrite)
    return dict(videos=len(videos), images=len(data['images']),
                annotations=len(data['annotations']), files=written,
                notes=notes)


def format_report(action: str, report: Dict) -> str:
    """A human-readable summary of a merge/split report."""
    lines = [f'{action}: ' + ', '.join(
        f'{k} {report[k]}' for k in ('files', 'videos', 'images',
                                     'annotations')
        if isinstance(report.get(k), int))]
    if action == 'split':
        lines[0] += f', wrote {len(report["files"])} files'
    lines += [f'Note: {n}' for n in report['notes']]
    if not report['notes']:
        lines.append('Nothing skipped.')
    return '\n'.join(lines)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line of
    ``tools/dataset_converters/posetrack_merge_split.py``."""
    parser = argparse.ArgumentParser(
        description='Merge per-video PoseTrack18 JSON files into one file, '
        'or split a merged file into per-video files.')
    sub = parser.add_subparsers(dest='action', required=True)
    p_merge = sub.add_parser('merge', help='per-video files -> one file')
    p_merge.add_argument('inputs', nargs='+',
                         help='per-video JSON files and/or folders')
    p_merge.add_argument('out_file', help='merged JSON file to write')
    p_split = sub.add_parser('split', help='one file -> per-video files')
    p_split.add_argument('merged_file', help='merged JSON file')
    p_split.add_argument('out_dir', help='folder for the per-video files')
    add_overwrite_argument(p_split, 'out_dir')
    for p in (p_merge, p_split):
        p.add_argument('--no-progress', dest='progress', action='store_false')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Run merge or split (bad input raises); returns 0."""
    kwargs = vars(parse_args(argv))
    action = kwargs.pop('action')
    run = merge_posetrack if action == 'merge' else split_posetrack
    print(format_report(action, run(**kwargs)))
    return 0
