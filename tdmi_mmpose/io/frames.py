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
    """Decode one video frame (the package's one frame decoder): an image
    file (mmengine ``fileio``, ``backend_args``; ``color_type`` and
    ``imdecode_backend`` of :func:`mmcv.imfrombytes`) or an image, (H, W, 3)
    BGR or (H, W) grey, to an (H, W, 3) BGR image."""
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
    """(width, height) from an image file's header, ``None`` if the file is
    missing or unreadable."""
    try:
        from PIL import Image
        with Image.open(path) as img:
            return tuple(img.size)
    except Exception:  # missing or unreadable: the caller decides
        return None


def check_frame_size(frame: np.ndarray, reference_shape: Tuple[int, ...],
                     name: str, reference_name: str) -> None:
    """The one rule that all frames of a video have one size."""
    if frame.shape != tuple(reference_shape):
        raise InputError(
            f'{name} has shape {frame.shape}, but {reference_name} has shape '
            f'{tuple(reference_shape)}; all frames of a video must have the '
            'same size.')


def is_video_file(path: str) -> bool:
    """Whether a file name is a video's (by its MIME type)."""
    return (mimetypes.guess_type(path)[0] or '').startswith('video/')


def is_image_file(path: str) -> bool:
    """Whether a file name is an image's (by its MIME type)."""
    return (mimetypes.guess_type(path)[0] or '').startswith('image/')


def list_frame_files(folder: str) -> List[str]:
    """The image files of a folder, sorted by name (the frame order)."""
    return sorted(
        osp.join(folder, name) for name in os.listdir(folder)
        if is_image_file(name) and osp.isfile(osp.join(folder, name)))


def open_frame_stream(
        video: Union[str, np.ndarray,
                     Iterable[FrameType]]) -> Iterable[FrameType]:
    """A video as a stream of frames, in time order: a video file (an
    ``mmcv.VideoReader``), a folder of frames, an image file or array (one
    frame), a camera or stream URL or ``cv2.VideoCapture`` (a
    :class:`~.streams.LiveStream`), or an iterable of frames (as it is)."""
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
    elif is_image_file(video):
        frames = [video]
    else:
        problem = (f'{video} is neither a video file nor an image (by its '
                   'extension, e.g. .mp4, .avi, .jpg, .png), nor a folder '
                   'of frames.')
    if len(frames) == 0:
        raise InputError(problem)
    return frames
