# Copyright (c) tdmi_mmpose contributors.
"""Video frames entering the package: the one frame decoder
(:func:`read_frame`), the one-size rule (:func:`check_frame_size`) and a
video given by its path, camera or URL (:func:`open_frame_stream`)."""
import mimetypes
import os
import os.path as osp
from typing import Iterable, List, Optional, Tuple, Union

import cv2
import mmcv
import numpy as np
from mmengine import fileio

from ..utils.errors import InputError
from .streams import LiveStream, live_source

FrameType = Union[str, np.ndarray]


def read_frame(frame: FrameType,
               backend_args: Optional[dict] = None,
               color_type: str = 'color',
               imdecode_backend: str = 'cv2') -> np.ndarray:
    """Decode one video frame.

    Args:
        frame (str | np.ndarray): An image file (read with mmengine's
            ``fileio``; ``FileNotFoundError`` names a missing one) or an
            image, (H, W, 3) BGR or (H, W) grey.
        backend_args (dict, optional): mmengine file backend arguments.
        color_type, imdecode_backend (str): Of :func:`mmcv.imfrombytes`.

    Returns:
        np.ndarray: The image (H, W, 3), BGR (a BGR array as it is); an
        undecodable file or a non-image is an :class:`InputError`.
    """
    if isinstance(frame, np.ndarray):
        if frame.ndim == 2:
            return mmcv.gray2bgr(frame)
        if frame.ndim == 3 and frame.shape[2] == 3:
            return frame
        problem = f'got an array of shape {frame.shape}'
    elif isinstance(frame, str):
        content = fileio.get(frame, backend_args=backend_args)
        try:
            img = mmcv.imfrombytes(
                content, flag=color_type, backend=imdecode_backend)
        except Exception:  # decoder-specific errors of a corrupt file
            img = None
        if img is not None and img.size > 0:
            return img
        raise InputError(f'Cannot decode video frame {frame} (empty or '
                         'corrupt image file).')
    else:
        problem = f'got a {type(frame).__name__}'
    raise InputError('A video frame must be an image file or an (H, W, 3) '
                     f'BGR array, {problem}.')


def read_image_size(path: str) -> Optional[Tuple[int, int]]:
    """(width, height) from an image file's header (PIL; the pixels are not
    decoded), ``None`` if the file is missing or unreadable."""
    try:
        from PIL import Image
        with Image.open(path) as img:
            return tuple(img.size)
    except Exception:  # missing or unreadable: the caller decides
        return None


def check_frame_size(frame: np.ndarray, reference_shape: Tuple[int, ...],
                     name: str, reference_name: str) -> None:
    """The one rule that all frames of a video have one size: an
    :class:`InputError` naming ``name`` (e.g. its file) if ``frame``'s shape
    is not that of another frame (``reference_name``)."""
    if frame.shape != tuple(reference_shape):
        raise InputError(
            f'{name} has shape {frame.shape}, but {reference_name} has shape '
            f'{tuple(reference_shape)}; all frames of a video must have the '
            'same size.')


def _mime_kind(path: str) -> Optional[str]:
    """``'image'``, ``'video'``, ... by the file name's MIME type."""
    mime = mimetypes.guess_type(path)[0]
    return None if mime is None else mime.split('/')[0]


def is_video_file(path: str) -> bool:
    """Whether a file name is a video's (by its MIME type)."""
    return _mime_kind(path) == 'video'


def is_image_file(path: str) -> bool:
    """Whether a file name is an image's (by its MIME type)."""
    return _mime_kind(path) == 'image'


def list_frame_files(folder: str) -> List[str]:
    """The image files of a folder (by MIME type), sorted by name: the frame
    order of a video given as a folder of frames."""
    return sorted(
        osp.join(folder, name) for name in os.listdir(folder)
        if is_image_file(name) and osp.isfile(osp.join(folder, name)))


def open_frame_stream(
        video: Union[str, np.ndarray,
                     Iterable[FrameType]]) -> Iterable[FrameType]:
    """A video as a stream of frames, in time order: a video file (an
    ``mmcv.VideoReader``), a folder of frames (:func:`list_frame_files`), an
    image file or array (one frame), a camera index or stream URL
    (:func:`~tdmi_mmpose.io.streams.live_source`; a
    :class:`~tdmi_mmpose.io.streams.LiveStream`, as is a ``cv2.VideoCapture``
    given), or an iterable of image files / arrays (as it is). A missing
    path, a folder without images, a video without decodable frames, a
    camera or stream that cannot be opened or a file that is neither (by its
    extension) is an error naming the path."""
    if isinstance(video, np.ndarray):
        return [video]
    if isinstance(video, cv2.VideoCapture) or live_source(video) is not None:
        source = live_source(video)
        return LiveStream(video if source is None else source)
    if not isinstance(video, str):
        return video
    if not osp.exists(video):
        raise FileNotFoundError(
            f'No such video file, image or folder of frames: {video}')
    frames: Iterable[FrameType] = []
    if osp.isdir(video):
        frames = list_frame_files(video)
        problem = f'No image files in the folder {video}.'
    elif is_video_file(video):
        reader = mmcv.VideoReader(video)
        frames = reader if reader.opened and len(reader) > 0 else []
        problem = (f'Cannot decode the video file {video} (no frames could '
                   'be read).')
    elif _mime_kind(video) == 'image':
        frames = [video]
    else:
        problem = (f'{video} is neither a video file nor an image (by its '
                   'extension, e.g. .mp4, .avi, .jpg, .png), nor a folder '
                   'of frames.')
    if len(frames) == 0:
        raise InputError(problem)
    return frames
