# Copyright (c) tdmi_mmpose contributors.
"""Rendered videos and prediction files of the video inferencer, written
under their final name only when complete."""
import os.path as osp
from typing import Any, Optional, Tuple

import cv2
import numpy as np

from ...utils.atomic import atomic_output, atomic_write_json


class AtomicVideoWriter:
    """An OpenCV ``mp4v`` video writer that writes to a hidden temporary
    file beside ``path`` and renames it to ``path`` in :meth:`commit`.

    :meth:`abort` (a failed or interrupted inference) deletes the temporary
    file; a killed process leaves at most the hidden temporary file, never
    a truncated, unplayable video under the final name.

    Args:
        path (str): The final video file (its extension chooses the
            container, e.g. ``.mp4``).
        fps (float): Frame rate.
        size (tuple[int, int]): Frame (width, height).

    Raises:
        OSError: OpenCV cannot write such a video.
    """

    def __init__(self, path: str, fps: float, size: Tuple[int, int]) -> None:
        self.path = path
        self.num_frames = 0
        self._output = atomic_output(
            path, suffix='.tmp' + osp.splitext(path)[1])
        tmp = self._output.__enter__()
        self._writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*'mp4v'),
                                       fps, tuple(size))
        if not self._writer.isOpened():
            self.abort()
            raise OSError(f'Cannot write the video {path} (OpenCV has no '
                          'mp4v encoder for it).')

    def write(self, frame_bgr: np.ndarray) -> None:
        """Append one BGR frame."""
        self._writer.write(frame_bgr)
        self.num_frames += 1

    def commit(self) -> str:
        """Close the video and give it its final name.

        Returns:
            str: The final path.
        """
        self._writer.release()
        self._output.__exit__(None, None, None)
        return self.path

    def abort(self) -> None:
        """Close the video and delete it (the final name is not created)."""
        self._writer.release()
        stopped = RuntimeError('inference stopped')
        self._output.__exit__(RuntimeError, stopped, None)


def write_predictions(predictions: Any, path: str) -> None:
    """Write an inferencer's JSON predictions: strict JSON (a NaN or
    infinity is an error naming the file), complete or absent.

    Args:
        predictions: JSON-serialisable predictions.
        path (str): The file.

    Raises:
        ValueError: A value is NaN or infinite.
    """
    try:
        atomic_write_json(predictions, path, indent='  ')
    except ValueError as error:
        raise ValueError(
            f'{path}: predictions hold a NaN or infinite value, which JSON '
            f'cannot represent ({error}); the file was not written.') from None


def video_output_file(vis_out_dir: str, video_name: str) -> str:
    """Where mmpose renders a video file input: ``vis_out_dir`` itself if it
    has an extension, else ``<vis_out_dir>/<video file name>``.

    Args:
        vis_out_dir (str): The ``vis_out_dir`` argument.
        video_name (str): The input video's path.

    Returns:
        str: The output video file.
    """
    if osp.splitext(vis_out_dir)[1]:
        return vis_out_dir
    return osp.join(vis_out_dir, osp.basename(video_name))


def close_writer(writer: Optional[AtomicVideoWriter],
                 complete: bool) -> Optional[str]:
    """Commit (``complete``) or abort a writer, if any.

    Args:
        writer (AtomicVideoWriter, optional): The writer.
        complete (bool): Whether every frame was written.

    Returns:
        str, optional: The committed video's path.
    """
    if writer is None:
        return None
    if complete:
        return writer.commit()
    writer.abort()
    return None
