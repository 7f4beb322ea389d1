# Copyright (c) tdmi_mmpose contributors.
"""Videos and frames: which video an image belongs to, splitting a merged
file into videos, frame numbers from file names, frame order and a video's
frame table."""
import os.path as osp
import re
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

from ..utils.errors import InputError
from .clip import clip_frame_indices
from .json_files import check_fields, check_video_lists
from .records import check_image_record, is_json_integer

#: The file name of frame ``t`` of a video that this project writes
#: (``FRAME_FILE_TEMPLATE.format(t)``: ``000000.jpg``, ``000001.jpg``, ...),
#: as PoseTrack18 names its frames.
FRAME_FILE_TEMPLATE = '{:06d}.jpg'


def video_key(image: dict) -> object:
    """The video of an image: its ``vid_id``, else its image folder.

    Args:
        image (dict): The entry of ``images``.

    Returns:
        object: The ``vid_id`` or the folder of ``file_name``.
    """
    if 'vid_id' in image:
        return image['vid_id']
    return osp.dirname(str(image.get('file_name', '')).replace('\\', '/'))


def image_folder(image: dict) -> str:
    """The name of the folder of an image's file (e.g. ``000342_mpii``)."""
    return osp.basename(
        osp.dirname(str(image.get('file_name', '')).replace('\\', '/')))


def video_name(images: Sequence[dict], key: object) -> str:
    """A video's name: the folder of its first image (the official
    per-video file name without ``.json``), else its key.

    Args:
        images (Sequence[dict]): The video's images.
        key (object): Its :func:`video_key`.

    Returns:
        str: The name.
    """
    return image_folder(images[0]) or str(key)


def group_videos(images: Sequence[dict]) -> 'OrderedDict[object, list]':
    """Group images by :func:`video_key`, in order of first appearance.

    Args:
        images (Sequence[dict]): Entries of ``images``.

    Returns:
        OrderedDict: Video key -> its images, in file order.
    """
    groups = OrderedDict()
    for image in images:
        groups.setdefault(video_key(image), []).append(image)
    return groups


def split_videos(data: object, source: str) -> 'OrderedDict[str, dict]':
    """Split a (merged) PoseTrack18-layout file into its videos.

    Images are grouped by :func:`video_key`; a video lies in one image
    folder and is named after it (:func:`video_name`). Image and annotation
    ids are unique, every annotation refers to an image of the file, and
    images and annotations keep the file's order.

    Args:
        data (object): The loaded JSON (``images``, ``annotations``,
            ``categories``).
        source (str): The file, for errors.

    Returns:
        OrderedDict[str, dict]: Video name -> ``images``, ``annotations``,
        ``categories`` (the file's).
    """
    all_images, all_annotations = check_video_lists(data, source)
    for image in all_images:
        check_image_record(image, source)
    image_video = {}
    groups = group_videos(all_images)
    for key, images in groups.items():
        for image in images:
            if image['id'] in image_video:
                raise InputError(
                    f'{source}: image id {image["id"]} (field "images.id") '
                    'appears twice.')
            image_video[image['id']] = key
    annotations = OrderedDict((key, []) for key in groups)
    seen = set()
    for ann in all_annotations:
        check_fields(ann, ('id', 'image_id'),
                     f'{source}: an entry of "annotations"')
        if ann['id'] in seen:
            raise InputError(
                f'{source}: annotation id {ann["id"]} (field '
                '"annotations.id") appears twice.')
        seen.add(ann['id'])
        if ann['image_id'] not in image_video:
            raise InputError(
                f'{source}: annotation {ann["id"]} refers to image_id '
                f'{ann["image_id"]} (field "annotations.image_id"), which '
                'is not in "images".')
        annotations[image_video[ann['image_id']]].append(ann)

    videos, keys = OrderedDict(), {}
    for key, images in groups.items():
        folders = sorted({image_folder(image) for image in images})
        if len(folders) > 1:
            raise InputError(
                f'{source}: images of vid_id {key!r} lie in image folders '
                f'{folders} (field "images.file_name"); a video needs '
                'exactly one.')
        name = video_name(images, key)
        if name in keys:
            raise InputError(
                f'{source}: videos {keys[name]!r} and {key!r} are both named '
                f'{name!r} (their image folder).')
        keys[name] = key
        videos[name] = OrderedDict(
            images=images,
            annotations=annotations[key],
            categories=data.get('categories', []))
    return videos


_FRAME_STEM = re.compile(r'[0-9]+')


def frame_number(file_name: str) -> Optional[int]:
    """The frame number of a file name.

    Args:
        file_name (str): E.g. ``'images/val/x/000012.jpg'``.

    Returns:
        int, optional: ``12``; ``None`` if the stem is not a number.
    """
    stem = osp.splitext(osp.basename(file_name))[0]
    return int(stem) if _FRAME_STEM.fullmatch(stem) else None


def frame_file_name(key_file_name: str, number: int) -> str:
    """The file name of frame ``number`` of the video of ``key_file_name``
    (same folder, zero padding and extension).

    Args:
        key_file_name (str): A frame's file name, e.g. ``'a/000003.jpg'``.
        number (int): The frame number wanted.

    Returns:
        str: E.g. ``'a/000005.jpg'``.
    """
    stem, ext = osp.splitext(osp.basename(key_file_name))
    return osp.join(
        osp.dirname(key_file_name),
        str(number).zfill(len(stem)) + ext)


def clip_frame_names(frames: Sequence[Optional[str]], frame_index: int,
                     offsets: Sequence[int]) -> List[str]:
    """The file names of the frames at ``offsets`` from ``frame_index``,
    clamped to the video (the edge frame is repeated). A frame the
    ``images`` list lacks is named by frame-number arithmetic from the key
    frame's name (:func:`frame_file_name`).

    Args:
        frames (Sequence[str | None]): The video's frame table (see
            :func:`frame_table`).
        frame_index (int): The key frame's index.
        offsets (Sequence[int]): Offsets from the key frame.

    Returns:
        list[str]: One file name per offset.
    """
    names = []
    for index in clip_frame_indices(frame_index, offsets, len(frames)):
        name = frames[index]
        if name is None:
            name = frame_file_name(frames[frame_index], index)
        names.append(name)
    return names


def order_frames(images: Sequence[dict]) -> List[dict]:
    """A video's images in time order: by ``frame_id`` when every image has
    one, else by ``file_name`` (PoseTrack file names are frame numbers).

    Args:
        images (Sequence[dict]): One video's images.

    Returns:
        list[dict]: The images, ordered.
    """
    if all('frame_id' in image for image in images):
        return sorted(images, key=lambda image: image['frame_id'])
    return sorted(images, key=lambda image: image.get('file_name', ''))


def frame_table(images: Sequence[dict], where: str
                ) -> Tuple[List[Optional[str]], Dict[object, int], bool]:
    """A video's frames: the file name and frame index of each image.

    When the ``images`` list is complete (``nframes`` entries, or no
    ``nframes``), an image's frame index is its rank in
    :func:`order_frames`. When it is incomplete, it is the file name's
    frame number (PoseTrack numbers frames from ``000000``).

    Args:
        images (Sequence[dict]): One video's images.
        where (str): The file and video, for errors.

    Returns:
        tuple:
        - frames (list[str | None]): ``nframes`` file names, ``None`` where
          the list lacks the frame.
        - index (dict): Image id -> frame index.
        - complete (bool): Whether the list has every frame.
    """
    listed = len(images)
    nframes_values = set()
    for image in images:
        if 'nframes' not in image:
            continue
        value = image['nframes']
        if not is_json_integer(value) or value < 1:
            raise InputError(
                f'{where}: image {image.get("id")!r}: field "nframes" must '
                f'be a positive integer, got {value!r}.')
        nframes_values.add(int(value))
    if len(nframes_values) > 1:
        raise InputError(
            f'{where} has inconsistent "nframes" values '
            f'{sorted(nframes_values)}.')
    nframes = int(nframes_values.pop()) if nframes_values else listed
    if nframes < listed:
        raise InputError(
            f'{where} lists {listed} images but its "nframes" is {nframes}.')
    ordered = order_frames(images)
    if all('frame_id' in image for image in images):
        frame_ids = [image['frame_id'] for image in ordered]
        if len(set(frame_ids)) != len(frame_ids):
            raise InputError(f'{where} has duplicate "frame_id"s.')
    frames: List[Optional[str]] = [None] * nframes
    index = {}
    for rank, image in enumerate(ordered):
        if listed == nframes:
            number = rank
        else:
            number = frame_number(image['file_name'])
            if number is None or not 0 <= number < nframes:
                raise InputError(
                    f'{where} is incomplete and the frame number of '
                    f'{image["file_name"]!r} cannot be read from its file '
                    f'name (expected 0..{nframes - 1}).')
            if frames[number] is not None:
                raise InputError(
                    f'{where} lists frame number {number} twice.')
        frames[number] = image['file_name']
        index[image['id']] = number
    return frames, index, listed == nframes
