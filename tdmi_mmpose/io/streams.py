# Copyright (c) tdmi_mmpose contributors.
"""Live video: a camera index or a stream URL (:func:`live_source`), read
with OpenCV one frame at a time (:class:`LiveStream`); the first Ctrl-C
ends a stream like the source's own end."""
import contextlib
import os.path as osp
import re
import signal
import threading
from typing import Callable, Iterator, Optional, Union
from urllib.parse import urlparse

import cv2
import numpy as np
from mmengine.logging import print_log

from ..utils.errors import InputError

#: URL schemes read as live streams (OpenCV's FFmpeg backend opens them).
STREAM_URL_SCHEMES = ('rtsp', 'rtsps', 'rtmp', 'http', 'https', 'udp', 'tcp',
                      'srt')
_WEBCAM = re.compile(r'webcam(?::(\d+))?', re.IGNORECASE)

LiveSourceType = Union[int, str]


def live_source(video) -> Optional[LiveSourceType]:
    """The camera index (an ``int``, digits, ``'webcam'``, ``'webcam:N'``)
    or stream URL (of :data:`STREAM_URL_SCHEMES`) an input names, else
    ``None``."""
    if isinstance(video, (int, np.integer)) and not isinstance(video, bool):
        return int(video)
    if not isinstance(video, str):
        return None
    if video.isdigit():
        return int(video)
    if video.lower().startswith('webcam'):
        match = _WEBCAM.fullmatch(video)
        if match is None:
            raise InputError(f'{video!r}: a camera is "webcam", "webcam:N" '
                             'or its index N (e.g. 0).')
        return int(match.group(1) or 0)
    scheme = urlparse(video).scheme.lower()
    return video if scheme in STREAM_URL_SCHEMES else None


@contextlib.contextmanager
def stop_on_first_interrupt(
        on_stop: Callable[[], None]) -> Iterator[None]:
    """While the block runs, the first SIGINT calls ``on_stop`` instead of
    raising ``KeyboardInterrupt`` (in the main thread, over Python's
    default handler only)."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not
            signal.default_int_handler):
        yield
        return
    stopped = []

    def handler(signum, frame):
        if stopped:
            raise KeyboardInterrupt
        stopped.append(signum)
        print_log(
            'Ctrl-C: the stream ends here; the frames read so far are '
            'finished and written (Ctrl-C again to abort at once).',
            logger='current', level=30)
        on_stop()

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


class LiveStream:
    """The frames of a camera or stream, read with ``cv2.VideoCapture`` as
    they are iterated (once), until the source's end or the first Ctrl-C.

    Args:
        source (int | str | cv2.VideoCapture): A camera index, a URL, or an
            opened capture.

    Attributes:
        name (str): A stem for output file names (``camera0``, ...).
        fps (float): The source's frame rate, 0 if unknown.
        num_read (int): Frames read so far.
        stopped (bool): Whether a Ctrl-C ended the stream.
    """

    def __init__(self, source: Union[LiveSourceType, object]) -> None:
        if isinstance(source, (int, str)):
            what = (f'camera {source}'
                    if isinstance(source, int) else f'stream {source}')
            capture = cv2.VideoCapture(source)
        else:
            what, capture = f'capture {source!r}', source
        if not capture.isOpened():
            capture.release()
            raise InputError(
                f'Cannot open {what} (cv2.VideoCapture).',
                hint='check that the camera is connected and not in use '
                '(its index: 0, 1, ...), or that the URL is reachable.')
        path = urlparse(source).path if isinstance(source, str) else ''
        stem = osp.splitext(osp.basename(path.rstrip('/')))[0]
        self.name = f'camera{source}' if isinstance(source, int) else (
            re.sub(r'[^\w.-]', '_', stem) or 'stream')
        self.fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.num_read = 0
        self.stopped = False
        self._capture = capture

    def stop(self) -> None:
        """End the stream before the next frame is read."""
        self.stopped = True

    def __iter__(self) -> Iterator[np.ndarray]:
        """The frames (H, W, 3) BGR; the capture is released at the end."""
        try:
            with stop_on_first_interrupt(self.stop):
                while not self.stopped:
                    ok, frame = self._capture.read()
                    if not ok or self.stopped:  # (a Ctrl-C in ``read``)
                        return
                    self.num_read += 1
                    yield frame
        except KeyboardInterrupt:  # in ``read``: the end of the stream
            self.stopped = True
        finally:
            self._capture.release()
