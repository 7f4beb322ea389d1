# Copyright (c) tdmi_mmpose contributors.
"""Frame streams and the sliding clip window of video inference."""
import mimetypes
import os
import os.path as osp
from typing import (Callable, Dict, Iterable, Iterator, List, NamedTuple,
                    Optional, Sequence, Union)

import mmcv
import numpy as np

from ..io.clip import check_frame_offsets, clip_frame_indices

FrameType = Union[str, np.ndarray]


class ClipWindow(NamedTuple):
    """The clip of one key frame of a stream.

    Attributes:
        frame_index (int): 0-based index of the key frame in the stream.
        frames (list[np.ndarray]): The T frames of the clip (H, W, 3), in
            time order. A frame clamped at a stream end appears several
            times (the same array object).
        frame_indices (list[int]): The stream index of each frame of
            ``frames``, clamped into ``[0, num_frames - 1]``.
        key_frame_index (int): Position of the key frame in ``frames``.
        key_frame_path (str, optional): The key frame's file, if the stream
            item was a path.
    """
    frame_index: int
    frames: List[np.ndarray]
    frame_indices: List[int]
    key_frame_index: int
    key_frame_path: Optional[str]

    @property
    def key_frame(self) -> np.ndarray:
        """np.ndarray: The key frame (H, W, 3)."""
        return self.frames[self.key_frame_index]

    @property
    def has_temporal_context(self) -> bool:
        """bool: ``False`` when every frame of the clip is the key frame
        (a one-frame stream, e.g. a single image)."""
        return len(set(self.frame_indices)) > 1 or len(self.frames) == 1


def read_frame(frame: FrameType) -> np.ndarray:
    """Decode one stream item into a BGR uint8 image.

    Args:
        frame (str | np.ndarray): An image file or an image (H, W, 3) BGR
            (an (H, W) grey image is converted to BGR).

    Returns:
        np.ndarray: The image (H, W, 3).
    """
    if isinstance(frame, str):
        if not osp.isfile(frame):
            raise FileNotFoundError(f'Video frame not found: {frame}')
        img = mmcv.imread(frame, flag='color')
        if img is None:
            raise OSError(f'Cannot decode video frame {frame}.')
        return img
    if not isinstance(frame, np.ndarray):
        raise TypeError('A frame must be an image file path or an np.ndarray '
                        f'(H, W, 3) BGR image, got {type(frame).__name__}.')
    if frame.ndim == 2:
        frame = mmcv.gray2bgr(frame)
    if frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError('A frame array must have shape (H, W, 3) (BGR), got '
                         f'{frame.shape}.')
    return frame


def iter_clip_windows(
        frames: Iterable[FrameType],
        frame_offsets: Sequence[int],
        load_frame: Callable[[FrameType], np.ndarray] = read_frame
) -> Iterator[ClipWindow]:
    """Slide a clip window over a stream of frames.

    For the key frame ``t`` the clip holds the frames ``t + o`` for each
    offset ``o`` (time order), each index clamped into the stream
    (``[0, num_frames - 1]``; the edge frame is repeated). The stream is read
    lazily, once, in order: the window reads ``max(frame_offsets)`` frames
    ahead of the key frame and drops a frame as soon as no later clip needs
    it, so at most ``max(frame_offsets) - min(frame_offsets) + 1`` decoded
    frames are held, however long the stream. The stream's length need not
    be known.

    Args:
        frames (Iterable[str | np.ndarray]): The stream in time order: image
            paths, arrays, an ``mmcv.VideoReader`` or any iterable of them.
        frame_offsets (Sequence[int]): Offsets of the clip frames relative to
            the key frame; must contain 0, e.g. ``[-2, -1, 0, 1, 2]``.
        load_frame (Callable): Decodes one stream item into an image (called
            once per item). Defaults to :func:`read_frame`.

    Yields:
        :obj:`ClipWindow`: One clip per frame of the stream, in order.
    """
    offsets = check_frame_offsets(frame_offsets)
    key_frame_index = offsets.index(0)
    lookbehind, lookahead = offsets[0], offsets[-1]

    source = iter(frames)
    buffer: Dict[int, np.ndarray] = {}
    paths: Dict[int, Optional[str]] = {}
    num_read = 0
    exhausted = False
    frame_index = 0
    while True:
        while not exhausted and num_read <= frame_index + lookahead:
            try:
                item = next(source)
            except StopIteration:
                exhausted = True
                break
            img = load_frame(item)
            if buffer and img.shape != next(iter(buffer.values())).shape:
                raise ValueError(
                    f'Frame {num_read} of the stream has shape {img.shape}, '
                    'but the earlier frames have shape '
                    f'{next(iter(buffer.values())).shape}; all frames of a '
                    'video must have the same size.')
            buffer[num_read] = img
            paths[num_read] = item if isinstance(item, str) else None
            num_read += 1
        if frame_index >= num_read:
            return
        indices = clip_frame_indices(frame_index, offsets, num_read)
        yield ClipWindow(
            frame_index=frame_index,
            frames=[buffer[i] for i in indices],
            frame_indices=indices,
            key_frame_index=key_frame_index,
            key_frame_path=paths[frame_index])
        frame_index += 1
        for index in [i for i in buffer if i < frame_index + lookbehind]:
            del buffer[index]
            del paths[index]


class SizedIterable:
    """An iterable with a known (or estimated) length, so that progress bars
    (``rich.progress.track``) can show it.

    Args:
        iterable (Iterable): The items.
        length (int, optional): Their number; ``None`` if unknown (then
            ``len()`` raises ``TypeError`` and progress bars show no total).
    """

    def __init__(self, iterable: Iterable, length: Optional[int]) -> None:
        self._iterable = iterable
        self._length = length

    def __iter__(self) -> Iterator:
        return iter(self._iterable)

    def __len__(self) -> int:
        if self._length is None:
            raise TypeError('The number of frames is unknown.')
        return self._length


def is_image_file(path: str) -> bool:
    """Whether a file name is an image's (by its MIME type, from the
    extension)."""
    mime = mimetypes.guess_type(path)[0]
    return mime is not None and mime.split('/')[0] == 'image'


def is_video_file(path: str) -> bool:
    """Whether a file name is a video's (by its MIME type, from the
    extension)."""
    mime = mimetypes.guess_type(path)[0]
    return mime is not None and mime.split('/')[0] == 'video'


def list_frame_files(folder: str) -> List[str]:
    """The image files of a folder, sorted by name (the frame order).

    Args:
        folder (str): A folder of frames (e.g. ``000000.jpg``, ...).

    Returns:
        list[str]: The paths of its image files (by MIME type), sorted.
    """
    return sorted(
        osp.join(folder, name) for name in os.listdir(folder)
        if osp.isfile(osp.join(folder, name)) and is_image_file(name))


def frame_source_kind(path: str) -> str:
    """What a path given as a video is, or a clear error.

    Args:
        path (str): A video file, an image file or a folder of frames.

    Returns:
        str: ``'folder'``, ``'video'`` or ``'image'``.

    Raises:
        FileNotFoundError: If nothing exists at ``path``.
        ValueError: If it is a file that is neither a video nor an image
            (by its extension).
    """
    if osp.isdir(path):
        return 'folder'
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'No such video file, image or folder of frames: {path}')
    if is_video_file(path):
        return 'video'
    if is_image_file(path):
        return 'image'
    raise ValueError(f'{path} is neither a video file nor an image (by its '
                     'extension, e.g. .mp4, .avi, .jpg, .png), nor a folder '
                     'of frames.')


def folder_frame_files(folder: str) -> List[str]:
    """:func:`list_frame_files`, with an error for a folder without
    images."""
    files = list_frame_files(folder)
    if not files:
        raise ValueError(f'No image files in the folder {folder}.')
    return files


def check_video_reader(reader: mmcv.VideoReader,
                       path: str) -> mmcv.VideoReader:
    """``reader`` if it can decode frames, else an error naming ``path``."""
    if not reader.opened or len(reader) == 0:
        raise ValueError(f'Cannot decode the video file {path} (no frames '
                         'could be read).')
    return reader


def open_frame_stream(video: Union[str, np.ndarray, Iterable[FrameType]]
                      ) -> Iterable[FrameType]:
    """Turn a video given in any supported form into a stream of frames.

    Args:
        video (str | np.ndarray | Iterable): A video file (decoded lazily
            with ``mmcv.VideoReader``), a folder of frames (sorted by file
            name), one image file, one image array (H, W, 3), or a sequence
            or iterable of image files / arrays in time order.

    Returns:
        Iterable[str | np.ndarray]: The frames, in time order.
    """
    if isinstance(video, np.ndarray):
        return [video]
    if isinstance(video, str):
        kind = frame_source_kind(video)
        if kind == 'folder':
            return folder_frame_files(video)
        if kind == 'video':
            return check_video_reader(mmcv.VideoReader(video), video)
        return [video]
    return video
