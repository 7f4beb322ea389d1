# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack18-layout files and their videos: reading a file (each record
checked once, by :mod:`.records`), videos of a file, frame numbers, frame
order and a video's frame table."""
import os.path as osp
import re
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

from ..utils.errors import InputError
from .clip import clip_frame_indices
from .fields import check_record, check_value
from .fields import image_id as image_id_rule
from .json_files import load_json
from .records import (annotation_where, check_annotation, check_image,
                      register_annotation_ids, register_image_ids)

#: The file name of frame ``t`` that this project writes, as PoseTrack18's.
FRAME_FILE_TEMPLATE = '{:06d}.jpg'


def _file_folder(image: dict) -> str:
    """The folder of an image's ``file_name``, ``/``-separated."""
    return osp.dirname(str(image.get('file_name', '')).replace('\\', '/'))


def video_key(image: dict) -> object:
    """The video of an entry of ``images``: its ``vid_id``, else the
    folder of its ``file_name``."""
    return image['vid_id'] if 'vid_id' in image else _file_folder(image)


def image_folder(image: dict) -> str:
    """The name of the folder of an image's file (e.g. ``000342_mpii``)."""
    return osp.basename(_file_folder(image))


def video_name(images: Sequence[dict], key: object) -> str:
    """A video's name: the folder of its first image (the official
    per-video file name), else its :func:`video_key` ``key``."""
    return image_folder(images[0]) or str(key)


def group_videos(images: Sequence[dict]) -> 'OrderedDict[object, list]':
    """Video key (:func:`video_key`) -> its images, in file order."""
    groups = OrderedDict()
    for image in images:
        groups.setdefault(video_key(image), []).append(image)
    return groups


def _list_field(value: object) -> Optional[str]:
    return None if isinstance(value, list) else 'is missing or not a list'


def check_video_lists(data: object,
                      source: str,
                      annotations: bool = True) -> Tuple[list, list]:
    """The lists ``images`` and ``annotations`` of a loaded file (records
    not checked); without ``annotations`` a missing one reads as empty."""
    fields = ('images', 'annotations') if annotations else ('images', )
    check_record(data, dict(images=_list_field, annotations=_list_field),
                 source, fields)
    return data['images'], data.get('annotations', [])


def check_video_data(data: object,
                     source: str,
                     num_keypoints: Optional[int] = None,
                     annotations: bool = True,
                     image_fields: Sequence[str] = ()) -> Tuple[list, list]:
    """Check a loaded PoseTrack18-layout object ``data`` of file ``source``,
    every record once: a non-empty ``images`` list, each image and
    annotation (:mod:`.records`), ids unique, each annotation of an image
    of the file.

    Args:
        num_keypoints (int, optional): K of every annotation's
            ``keypoints``; ``None`` checks only ``id`` and ``image_id``.
        annotations (bool): Whether ``annotations`` is required and
            checked (else ignored and ``[]``: test sets, detections).
        image_fields (Sequence[str]): Further required fields of images.

    Returns:
        tuple[list, list]: ``images`` and ``annotations``.
    """
    images, anns = check_video_lists(data, source, annotations)
    check_value(images, lambda value: None if value else 'is empty', source,
                'images')
    ids: Dict = {}
    for image in images:
        check_image(image, source, image_fields)
    register_image_ids(images, source, ids)
    if not annotations:
        return images, []
    for ann in anns:
        check_annotation(ann, source, num_keypoints)
        check_annotation_image(ann, source, ids)
    register_annotation_ids(anns, source, {})
    return images, anns


def check_annotation_image(ann: object, source: str, image_ids) -> dict:
    """Check that an annotation (or prediction) is a dict whose
    ``image_id`` is in ``image_ids``, those of its file's images."""
    where = annotation_where(ann, source)
    check_record(ann, dict(image_id=image_id_rule), where, ('image_id', ))
    if ann['image_id'] not in image_ids:
        raise InputError(
            f'{where}: unknown image_id {ann["image_id"]!r} (field '
            '"annotations.image_id"): no image of this file has that id.')
    return ann


def read_video_file(path: str,
                    num_keypoints: Optional[int] = None,
                    annotations: bool = True,
                    image_fields: Sequence[str] = ()) -> Tuple[list, list]:
    """:func:`check_video_data` of the file ``path``."""
    return check_video_data(
        load_json(path, 'Annotation file'), path, num_keypoints, annotations,
        image_fields)


def split_videos(data: object,
                 source: str,
                 num_keypoints: Optional[int] = None
                 ) -> 'OrderedDict[str, dict]':
    """Split a (merged) PoseTrack18-layout object, checked here
    (:func:`check_video_data`), into its videos (:func:`group_videos`), each
    in one image folder and named after it; the file's order is kept.

    Returns:
        OrderedDict[str, dict]: Name -> ``images``, ``annotations`` and the
        file's ``categories``.
    """
    all_images, all_annotations = check_video_data(data, source,
                                                   num_keypoints)
    groups = group_videos(all_images)
    image_video = {image['id']: key for key, images in groups.items()
                   for image in images}
    annotations = OrderedDict((key, []) for key in groups)
    for ann in all_annotations:
        annotations[image_video[ann['image_id']]].append(ann)
    videos, keys = OrderedDict(), {}
    for key, images in groups.items():
        folders = sorted({image_folder(image) for image in images})
        name = video_name(images, key)
        if len(folders) > 1 or name in keys:
            raise InputError(
                f'{source}: images of vid_id {key!r} lie in image folders '
                f'{folders} (field "images.file_name"); a video needs '
                'exactly one.' if len(folders) > 1 else
                f'{source}: videos {keys[name]!r} and {key!r} are both '
                f'named {name!r} (their image folder).')
        keys[name] = key
        videos[name] = OrderedDict(
            images=images,
            annotations=annotations[key],
            categories=data.get('categories', []))
    return videos


_FRAME_STEM = re.compile(r'[0-9]+')


def frame_number(file_name: str) -> Optional[int]:
    """The frame number of a file name (``'x/000012.jpg'`` -> 12), ``None``
    if the stem is not a number."""
    stem = osp.splitext(osp.basename(file_name))[0]
    return int(stem) if _FRAME_STEM.fullmatch(stem) else None


def frame_file_name(key_file_name: str, number: int) -> str:
    """The file name of frame ``number`` of the video of ``key_file_name``
    (same folder, padding and extension: ``'a/000003.jpg'``, 5 ->
    ``'a/000005.jpg'``)."""
    stem, ext = osp.splitext(osp.basename(key_file_name))
    return osp.join(
        osp.dirname(key_file_name),
        str(number).zfill(len(stem)) + ext)


def clip_frame_names(frames: Sequence[Optional[str]], frame_index: int,
                     offsets: Sequence[int]) -> List[str]:
    """The file names of the clip at ``offsets`` from ``frame_index`` in a
    :func:`frame_table` (clamped, :func:`~.clip.clip_frame_indices`); a
    frame the table lacks is named by :func:`frame_file_name`."""
    names = []
    for index in clip_frame_indices(frame_index, offsets, len(frames)):
        name = frames[index]
        if name is None:
            name = frame_file_name(frames[frame_index], index)
        names.append(name)
    return names


def order_frames(images: Sequence[dict]) -> List[dict]:
    """A video's images in time order: by ``frame_id`` when every image has
    one, else by ``file_name`` (PoseTrack file names are frame numbers)."""
    if all('frame_id' in image for image in images):
        return sorted(images, key=lambda image: image['frame_id'])
    return sorted(images, key=lambda image: image.get('file_name', ''))


def _frame_order_problem(ordered: Sequence[dict]) -> Optional[str]:
    """Two images whose ``frame_id`` order contradicts their file names'
    frame numbers, described; ``None`` if none."""
    numbers = [frame_number(image['file_name']) for image in ordered]
    if None in numbers or not all('frame_id' in im for im in ordered):
        return None
    return next((
        f'orders its frames by "frame_id" against their file names: image '
        f'{a["id"]!r} ({a["file_name"]!r}, frame_id {a["frame_id"]}) comes '
        f'before image {b["id"]!r} ({b["file_name"]!r}, frame_id '
        f'{b["frame_id"]})'
        for a, b, n, m in zip(ordered, ordered[1:], numbers, numbers[1:])
        if m < n), None)


def frame_table(images: Sequence[dict], where: str
                ) -> Tuple[List[Optional[str]], Dict[object, int], bool]:
    """A video's frames: an image's frame index is its rank in
    :func:`order_frames` when the list is complete (``nframes`` entries, or
    no ``nframes``), else its file name's frame number.

    Args:
        images (Sequence[dict]): One video's images.
        where (str): The file and video, for errors.

    Returns:
        tuple: ``frames`` (``nframes`` file names, ``None`` where the list
        lacks one), ``index`` (image id -> frame index) and ``complete``.
    """
    listed = len(images)
    values = sorted({int(image['nframes']) for image in images
                     if 'nframes' in image})
    nframes = values[0] if values else listed
    ordered = order_frames(images)
    if listed == nframes:
        numbers = list(range(listed))
    else:
        numbers = [frame_number(image['file_name']) for image in ordered]
    frame_ids = [image['frame_id'] for image in images if 'frame_id' in image]
    unreadable = [image['file_name'] for n, image in zip(numbers, ordered)
                  if n is None or not 0 <= n < nframes]
    twice = sorted(n for n in set(numbers) if numbers.count(n) > 1)
    order = _frame_order_problem(ordered)
    problem = next((text for bad, text in (
        (len(values) > 1, f'has inconsistent "nframes" values {values}'),
        (nframes < listed,
         f'lists {listed} images but its "nframes" is {nframes}'),
        (len(set(frame_ids)) != len(frame_ids), 'has duplicate "frame_id"s'),
        (unreadable, f'is incomplete and the frame number of '
         f'{(unreadable or [None])[0]!r} cannot be read from its file name '
         f'(expected 0..{nframes - 1})'),
        (twice, f'lists frame number {(twice or [None])[0]} twice'),
        (order, order),
    ) if bad), None)
    if problem:
        raise InputError(f'{where} {problem}.')
    frames: List[Optional[str]] = [None] * nframes
    for number, image in zip(numbers, ordered):
        frames[number] = image['file_name']
    index = {image['id']: n for n, image in zip(numbers, ordered)}
    return frames, index, listed == nframes
