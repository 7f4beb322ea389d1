# Copyright (c) tdmi_mmpose contributors.
"""Video inference for TDMI models: the inferencers, one clip
(:func:`inference_video_topdown`) and a whole video (:func:`inference_video`),
all on one path: :func:`iter_clips` -> :func:`predict_clip`, on PyTorch or
ONNX Runtime (:func:`use_onnx_file`)."""
from ..io.frames import list_frame_files, open_frame_stream, read_frame
from ..io.person_boxes import (PersonBoxSource, check_person_boxes,
                               image_ids_from_annotation)
from .frame_window import ClipWindow, SizedIterable, iter_clip_windows
from .inference import (build_test_pipeline, clip_batch, empty_pose_sample,
                        inference_video, inference_video_topdown, iter_clips,
                        predict_clip, use_onnx_file, with_boxes)
from .inferencers import (MMPoseVideoInferencer, VideoPose2DInferencer,
                          is_video_pose_config)
from .online_smoothing import OnlineSmoothing, build_smoother

__all__ = [
    'ClipWindow', 'MMPoseVideoInferencer', 'OnlineSmoothing',
    'PersonBoxSource', 'SizedIterable', 'build_smoother',
    'VideoPose2DInferencer', 'build_test_pipeline', 'check_person_boxes',
    'clip_batch', 'empty_pose_sample', 'image_ids_from_annotation',
    'inference_video', 'inference_video_topdown',
    'is_video_pose_config', 'iter_clip_windows', 'iter_clips',
    'list_frame_files', 'open_frame_stream', 'predict_clip', 'read_frame',
    'use_onnx_file', 'with_boxes'
]
