# Copyright (c) tdmi_mmpose contributors.
"""The video inferencer's rendered videos and JSON, complete or absent."""
import os
import os.path as osp
from typing import Any, Optional, Tuple

import cv2
import mmcv
import numpy as np
from mmengine.fileio.handlers.json_handler import set_default
from mmengine.logging import print_log

from ...io.frames import is_image_file, is_video_file
from ...io.json_files import check_no_earlier_run
from ...utils.atomic import atomic_output, atomic_write_json


class AtomicVideoWriter:
    """An OpenCV ``mp4v`` video writer into a temporary file, renamed to
    ``path`` by :meth:`close` of a complete video and deleted otherwise.

    Args:
        path (str): The final video file (e.g. ``.mp4``).
        fps (float): Frame rate.
        size (tuple[int, int]): Frame (width, height).
    """

    def __init__(self, path: str, fps: float, size: Tuple[int, int]) -> None:
        self.path = path
        self._output = atomic_output(
            path, suffix='.tmp' + osp.splitext(path)[1])
        tmp = self._output.__enter__()
        self._writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*'mp4v'),
                                       fps, tuple(size))
        if not self._writer.isOpened():
            self.close(complete=False)
            raise OSError(f'Cannot write the video {path}: OpenCV\'s mp4v '
                          f'writer does not open at {fps:g} frames/s, '
                          f'{size[0]}x{size[1]} (or has no such encoder).')

    def write(self, frame_bgr: np.ndarray) -> None:
        """Append one BGR frame."""
        self._writer.write(frame_bgr)

    def close(self, complete: bool) -> None:
        """Release the video: renamed if ``complete``, else deleted."""
        self._writer.release()
        if complete:
            self._output.__exit__(None, None, None)
        else:
            self._output.__exit__(RuntimeError, RuntimeError('stopped'), None)


def write_predictions(predictions: Any, path: str) -> None:
    """Write JSON predictions (numpy values as ``mmengine.dump`` converts
    them) as strict JSON, atomically."""
    try:
        atomic_write_json(predictions, path, indent='  ', default=set_default)
    except ValueError as error:
        raise ValueError(
            f'{path}: predictions hold a NaN or infinite value, which JSON '
            f'cannot represent ({error}); the file was not written.') from None


def clear_earlier_outputs(out_dir: Optional[str], call_kwargs: dict,
                          overwrite: bool) -> None:
    """Refuse (:func:`~tdmi_mmpose.io.check_no_earlier_run`) or, with
    ``overwrite``, remove an earlier run's JSON files in a call's prediction
    folder and images in its rendering folder (a folder never mixes runs).

    Args:
        out_dir (str, optional): The call's ``out_dir`` (mmpose's
            ``predictions/`` and ``visualizations/`` below it).
        call_kwargs (dict): The call's keywords (``pred_out_dir``,
            ``vis_out_dir`` replace those below ``out_dir``).
        overwrite (bool): Remove an earlier run's files.
    """
    def folder(key: str, name: str) -> Optional[str]:
        return call_kwargs.get(key) or (
            f'{out_dir}/{name}' if out_dir else None)

    pred_dir = folder('pred_out_dir', 'predictions')
    vis_dir = folder('vis_out_dir', 'visualizations')
    earlier = check_no_earlier_run(pred_dir, overwrite=overwrite) \
        if pred_dir else []
    if vis_dir and not is_video_file(vis_dir):  # a video is written whole
        earlier += check_no_earlier_run(
            vis_dir, overwrite=overwrite, is_output=is_image_file,
            what='image')
    for path in earlier:
        os.remove(path)


class VideoOutputMixin:
    """The outputs of :class:`VideoPose2DInferencer`, written atomically
    (``docs/inference.md``, "Outputs"); ``output_paths`` says where the last
    call wrote its ``'visualization'`` and ``'predictions'``."""

    def _start_outputs(self, num_input_frames: Optional[int]) -> None:
        """Reset the per-call output state."""
        self._num_input_frames = num_input_frames
        self._video_writer: Optional[AtomicVideoWriter] = None
        self._num_rendered = 0
        self.output_paths = {}

    def save_visualization(self,
                           visualization: np.ndarray,
                           vis_out_dir: str,
                           img_name: Optional[str] = None) -> None:
        """Save one rendered frame (RGB)."""
        to_video = self._video_input or self._live_stream is not None \
            or is_video_file(vis_out_dir)
        if not to_video and self._num_input_frames == 1:
            super().save_visualization(visualization, vis_out_dir, img_name)
            self.output_paths['visualization'] = vis_out_dir
            return
        out_img = mmcv.rgb2bgr(visualization)
        if to_video:
            if self._video_writer is None:
                self._video_writer = AtomicVideoWriter(
                    *self._rendered_video(vis_out_dir),
                    (out_img.shape[1], out_img.shape[0]))
            self._video_writer.write(out_img)
            vis_out_dir = self._video_writer.path
        else:
            mmcv.imwrite(out_img, osp.join(vis_out_dir, img_name))
        self.output_paths['visualization'] = vis_out_dir
        self._num_rendered += 1

    def _rendered_video(self, vis_out_dir: str) -> Tuple[str, float]:
        """The rendered video's file and frame rate."""
        if self._video_input:
            name, fps = self.video_info['name'], self.video_info['fps']
        elif self._live_stream is not None:
            name = self._live_stream.name + '.mp4'
            fps = self._live_stream.fps or self._vis_fps
        else:
            return vis_out_dir, self._vis_fps
        if osp.splitext(vis_out_dir)[1]:
            return vis_out_dir, fps
        return osp.join(vis_out_dir, osp.basename(name)), fps

    def _close_rendering(self, complete: bool) -> None:
        """Commit (``complete``) or delete the rendered video of the call."""
        if self._video_writer is not None:
            self._video_writer.close(complete)
            self._video_writer = None
        if complete and self._num_rendered > 0:
            print_log(
                f'{self._num_rendered} rendered frames have been saved in '
                f"{self.output_paths['visualization']}",
                logger='current',
                level=20)

    def _write_frame_predictions(self, instances: list, img_path: str,
                                 pred_out_dir: str) -> None:
        """Keep a video file's frame for its JSON; write any other frame's
        ``<pred_out_dir>/<frame stem>.json``."""
        if self._video_input:
            self.video_info['predictions'].append(instances)
            return
        stem = osp.splitext(osp.basename(img_path))[0]
        write_predictions(instances, osp.join(pred_out_dir, stem + '.json'))
        self.output_paths['predictions'] = pred_out_dir

    def _finalize_video_processing(self, pred_out_dir: str = '') -> None:
        """After a video file: ``<pred_out_dir>/<video stem>.json``, as
        mmpose writes it (``[{"frame_id": i, "instances": [...]}, ...]``)."""
        if pred_out_dir:
            stem = osp.splitext(osp.basename(self.video_info['name']))[0]
            path = osp.join(pred_out_dir, stem + '.json')
            write_predictions([
                dict(frame_id=i, instances=instances)
                for i, instances in enumerate(self.video_info['predictions'])
            ], path)
            self.output_paths['predictions'] = path
