# Copyright (c) tdmi_mmpose contributors.
import os.path as osp
from functools import partial
from typing import List, Optional, Union
from unittest import mock

from mmengine.config import Config, ConfigDict
from mmengine.infer.infer import ModelType
from mmpose.apis.inferencers import MMPoseInferencer
from mmpose.apis.inferencers import mmpose_inferencer as mmpose_module
from mmpose.apis.inferencers.mmpose_inferencer import InputsType
from mmpose.registry import MODELS

from ...io.frames import open_frame_stream
from ...io.streams import live_source
from ...models.pose_estimators import VideoTopdownPoseEstimator
from .video_output import clear_earlier_outputs
from .video_pose2d_inferencer import VideoPose2DInferencer


def is_video_pose_config(model: Union[ModelType, str, None]) -> bool:
    """Whether a pose model (config path or loaded config, not a metafile
    alias) is a :class:`VideoTopdownPoseEstimator` (or a subclass)."""
    if isinstance(model, str) and osp.isfile(model):
        model = Config.fromfile(model)
    model_type = (model.get('model') or {}).get('type') if isinstance(
        model, (Config, ConfigDict, dict)) else None
    if isinstance(model_type, str):
        model_type = MODELS.module_dict.get(model_type.split('.')[-1])
    return isinstance(model_type, type) and issubclass(
        model_type, VideoTopdownPoseEstimator)


class MMPoseVideoInferencer(MMPoseInferencer):
    """A drop-in :class:`mmpose.apis.MMPoseInferencer` that routes video
    pose models to :class:`VideoPose2DInferencer` (standing in for the
    ``Pose2DInferencer`` mmpose's constructor builds by name), with its
    ``smoother``, the call's ``bbox_image_ids``, ``track``, ``vis_fps`` and
    live streams; any other model gets mmpose's unchanged.
    """

    preprocess_kwargs: set = MMPoseInferencer.preprocess_kwargs | {
        'bbox_image_ids', 'track'
    }
    visualize_kwargs: set = MMPoseInferencer.visualize_kwargs | {'vis_fps'}

    def __init__(self,
                 pose2d: Optional[str] = None,
                 pose2d_weights: Optional[str] = None,
                 pose3d: Optional[str] = None,
                 pose3d_weights: Optional[str] = None,
                 device: Optional[str] = None,
                 scope: str = 'mmpose',
                 det_model: Optional[Union[ModelType, str]] = None,
                 det_weights: Optional[str] = None,
                 det_cat_ids: Optional[Union[int, List]] = None,
                 show_progress: bool = False,
                 *,
                 smoother: Optional[Union[dict, str]] = None) -> None:
        args = (pose2d, pose2d_weights, pose3d, pose3d_weights, device, scope,
                det_model, det_weights, det_cat_ids, show_progress)
        if pose3d is not None or not is_video_pose_config(pose2d):
            if smoother is not None:
                raise ValueError('smoother= needs a video pose model (a '
                                 'VideoTopdownPoseEstimator config).')
            super().__init__(*args)
            return
        # (not thread-safe: another thread building an MMPoseInferencer
        # meanwhile would get a VideoPose2DInferencer too)
        with mock.patch.object(
                mmpose_module, 'Pose2DInferencer',
                partial(VideoPose2DInferencer, smoother=smoother)):
            super().__init__(*args)

    def __call__(self,
                 inputs: InputsType,
                 return_datasamples: bool = False,
                 batch_size: int = 1,
                 out_dir: Optional[str] = None,
                 *,
                 overwrite: bool = False,
                 **kwargs):
        """``MMPoseInferencer.__call__``: one result per frame, in order; an
        earlier run's output folder is an error, or with ``overwrite`` its
        files are removed first (:func:`clear_earlier_outputs`)."""
        clear_earlier_outputs(out_dir, kwargs, overwrite)
        if isinstance(self.inferencer, VideoPose2DInferencer):
            self._dispatch_kwargs(**kwargs)  # an unknown keyword's error
            if live_source(inputs) is not None:  # before mmpose's webcam
                inputs = open_frame_stream(inputs)
        return super().__call__(inputs, return_datasamples, batch_size,
                                out_dir, **kwargs)

    # the wrapped inferencer's: sized items, track ids, atomic JSON
    def preprocess(self, inputs, batch_size: int = 1, **kwargs):
        return self.inferencer.preprocess(inputs, batch_size, **kwargs)

    def postprocess(self, *args, **kwargs) -> dict:
        return self.inferencer.postprocess(*args, **kwargs)

    def _finalize_video_processing(self, pred_out_dir: str = '') -> None:
        self.inferencer._finalize_video_processing(pred_out_dir)
