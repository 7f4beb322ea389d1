# Copyright (c) tdmi_mmpose contributors.
"""Rendered videos and prediction files of the video inferencer, written
under their final name only when complete."""
import os.path as osp
from typing import Any, Optional, Tuple

import cv2
import mmcv
import numpy as np
from mmengine.fileio.handlers.json_handler import set_default
from mmengine.logging import print_log

from ...utils.atomic import atomic_output, atomic_write_json
from ..frame_window import is_video_file


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
        predictions: JSON-serialisable predictions (numpy values are
            converted as ``mmengine.dump`` does).
        path (str): The file.

    Raises:
        ValueError: A value is NaN or infinite.
    """
    try:
        atomic_write_json(
            predictions, path, indent='  ', default=set_default)
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


class VideoOutputMixin:
    """The output side of :class:`VideoPose2DInferencer`: rendered frames
    and videos, and the JSON of a video file input, written atomically (see
    the class docstring there). Expects the inferencer's per-call state
    (``_video_input``, ``video_info``, ``_num_input_frames``, ``_vis_fps``,
    ``_video_writer``, ``_rendered_dir``, ``_num_rendered``).
    """

    def save_visualization(self,
                           visualization: np.ndarray,
                           vis_out_dir: str,
                           img_name: Optional[str] = None) -> None:
        """Save one rendered frame (RGB).

        A single image is saved by mmpose. A video file input is rendered
        into :func:`video_output_file` (mmpose's name) at the input's frame
        rate; the frames of a folder or list go into a video (``vis_out_dir``
        a video file name, at ``vis_fps``) or one image each (logged once at
        the end of the call, not per frame, so that progress bars stay
        readable). Videos go through :class:`AtomicVideoWriter`.

        Args:
            visualization (np.ndarray): The rendered frame, RGB.
            vis_out_dir (str): See :meth:`visualize`.
            img_name (str, optional): The frame's file name.
        """
        if not self._video_input and (self._num_input_frames == 1
                                      and not is_video_file(vis_out_dir)):
            super().save_visualization(visualization, vis_out_dir, img_name)
            return
        out_img = mmcv.rgb2bgr(visualization)
        if self._video_input or is_video_file(vis_out_dir):
            if self._video_writer is None:
                fps, out_file = self._vis_fps, vis_out_dir
                if self._video_input:
                    fps = self.video_info['fps']
                    out_file = video_output_file(vis_out_dir,
                                                 self.video_info['name'])
                    self.video_info['output_file'] = out_file
                self._video_writer = AtomicVideoWriter(
                    out_file, fps, (out_img.shape[1], out_img.shape[0]))
            self._video_writer.write(out_img)
        else:
            mmcv.imwrite(out_img, osp.join(vis_out_dir, img_name))
            self._rendered_dir = vis_out_dir
        self._num_rendered += 1

    def _close_frames_rendering(self) -> None:
        """Complete the video of a rendered frame sequence and log where the
        rendered frames are."""
        if self._video_writer is not None:
            out_file = close_writer(self._video_writer, complete=True)
            self._video_writer = None
            print_log(
                f'{self._num_rendered} rendered frames have been saved in '
                f'the video {out_file}',
                logger='current',
                level=20)
        elif self._rendered_dir is not None:
            print_log(
                f'{self._num_rendered} rendered frames have been saved in '
                f'{self._rendered_dir}',
                logger='current',
                level=20)
            self._rendered_dir = None

    def _finalize_video_processing(self, pred_out_dir: str = '') -> None:
        """After the last frame of a video file input: give the rendered
        video its final name and write the predictions
        (``<pred_out_dir>/<video stem>.json``, as mmpose), both atomically.

        Args:
            pred_out_dir (str): See :meth:`postprocess`.
        """
        out_file = close_writer(self._video_writer, complete=True)
        self._video_writer = None
        if out_file is not None:
            print_log(
                f'the output video has been saved at {out_file}',
                logger='current',
                level=20)
        if pred_out_dir:
            fname = osp.splitext(osp.basename(
                self.video_info['name']))[0] + '.json'
            write_predictions([
                dict(frame_id=i, instances=pred)
                for i, pred in enumerate(self.video_info['predictions'])
            ], osp.join(pred_out_dir, fname))
