# Copyright (c) tdmi_mmpose contributors.
"""Video inference for TDMI models: :class:`MMPoseVideoInferencer` (drop-in
``mmpose.apis.MMPoseInferencer``) and its :class:`VideoPose2DInferencer`
(mmpose's ``INFERENCERS``), :func:`inference_video_topdown` (one clip) and
:func:`inference_video` (a whole video), all on one path: :func:`iter_clips`
(a :class:`ClipWindow` with boxes per frame) and :func:`predict_clip` (one
:obj:`PoseDataSample` per frame), tracked and, if asked, smoothed
(:class:`OnlineSmoothing`). With :func:`use_onnx_file` (or an ``.onnx``
file as the inferencer's ``weights``) ONNX Runtime runs the network on the
same path."""
from ..io.frames import list_frame_files, open_frame_stream, read_frame
from ..io.person_boxes import (PersonBoxSource, check_person_boxes,
                               image_ids_from_annotation)
from .frame_window import ClipWindow, SizedIterable, iter_clip_windows
from .inference import (build_test_pipeline, clip_batch, empty_pose_sample,
                        inference_video,
                        inference_video_topdown, iter_clips, predict_clip,
                        use_onnx_file, with_boxes)
from .inferencers import (MMPoseVideoInferencer, VideoPose2DInferencer,
                          is_video_pose_config)
from .online_smoothing import OnlineSmoothing, build_smoother

__all__ = [
    'ClipWindow', 'MMPoseVideoInferencer', 'OnlineSmoothing',
    'PersonBoxSource', 'SizedIterable', 'build_smoother',
    'VideoPose2DInferencer', 'build_test_pipeline', 'check_person_boxes',
    'clip_batch', 'empty_pose_sample',
    'image_ids_from_annotation', 'inference_video', 'inference_video_topdown',
    'is_video_pose_config', 'iter_clip_windows', 'iter_clips',
    'list_frame_files', 'open_frame_stream', 'predict_clip', 'read_frame',
    'use_onnx_file', 'with_boxes'
]
