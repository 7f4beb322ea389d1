# Copyright (c) tdmi_mmpose contributors.
import os.path as osp
from typing import List, Optional, Union

from mmengine.config import Config, ConfigDict
from mmengine.infer.infer import ModelType

from mmpose.apis.inferencers import MMPoseInferencer
from mmpose.apis.inferencers.mmpose_inferencer import InputsType
from mmpose.registry import MODELS
from ...models.pose_estimators import VideoTopdownPoseEstimator
from .video_pose2d_inferencer import VideoPose2DInferencer


def is_video_pose_config(model: Union[ModelType, str, None]) -> bool:
    """Whether a pose model (config path or loaded config) is a video
    top-down model (:class:`VideoTopdownPoseEstimator` or a subclass).

    Args:
        model (str | dict | Config, optional): A config file path, a loaded
            config, or anything else (a metafile alias is not a video
            model).

    Returns:
        bool: ``True`` for a video pose model config.
    """
    if isinstance(model, str):
        if not osp.isfile(model):
            return False
        cfg = Config.fromfile(model)
    elif isinstance(model, (Config, ConfigDict, dict)):
        cfg = model
    else:
        return False
    model_cfg = cfg.get('model') or {}
    model_type = model_cfg.get('type')
    if isinstance(model_type, str):
        model_type = MODELS.module_dict.get(model_type.split('.')[-1])
    return isinstance(model_type, type) and issubclass(
        model_type, VideoTopdownPoseEstimator)


class MMPoseVideoInferencer(MMPoseInferencer):
    """A drop-in :class:`mmpose.apis.MMPoseInferencer` that routes video pose
    models to :class:`VideoPose2DInferencer`.

    mmpose 1.3's ``MMPoseInferencer`` always builds its own
    ``Pose2DInferencer`` for ``pose2d``, which runs a video model on single
    images (and ignores user boxes), and it offers no hook to choose another
    class. This subclass has the identical constructor and call signature:
    for a video pose config (e.g. ``configs/tdmi_*.py``) it uses
    :class:`VideoPose2DInferencer` (real neighbouring frames through a
    sliding window, detector or user-supplied boxes); for every other model
    it behaves exactly as ``MMPoseInferencer``.

    Why a drop-in: ``mmpose.apis.MMPoseInferencer.__init__`` constructs
    ``Pose2DInferencer`` by name, with no registry lookup or hook that a
    plugin could use, and ``Pose2DInferencer.preprocess_single`` feeds one
    image per person (T = 1) and, for top-down models, discards user
    ``bboxes``. So with our configs the stock class cannot be made to give
    the model its neighbouring frames short of patching mmpose; this
    subclass is the supported entry point (``isinstance(inferencer,
    MMPoseInferencer)`` holds).

    Its call accepts mmpose's keyword arguments plus ``bbox_image_ids`` (see
    :meth:`VideoPose2DInferencer.preprocess`) and ``vis_fps`` (see
    :meth:`VideoPose2DInferencer.visualize`). For a video model an unknown
    keyword is an error (mmpose drops keywords its 2D inferencer does not
    use; those stay accepted and ignored).

    Args:
        pose2d (str, optional): Pose model config path (or mmpose alias).
            Defaults to ``None``.
        pose2d_weights (str, optional): Pose model checkpoint. Defaults to
            ``None``.
        pose3d (str, optional): 3D pose model, as mmpose's. Defaults to
            ``None``.
        pose3d_weights (str, optional): Defaults to ``None``.
        device (str, optional): Device to run on. Defaults to ``None``.
        scope (str): The model's scope. Defaults to ``'mmpose'``.
        det_model (str, optional): mmdet config path (or
            ``'whole_image'``). Defaults to ``None``.
        det_weights (str, optional): Detector checkpoint. Defaults to
            ``None``.
        det_cat_ids (int | list, optional): Detector labels kept as persons.
            Defaults to ``None``.
        show_progress (bool): Show a progress bar. Defaults to ``False``.

    A video model's people get track ids (the call's ``track``, default
    ``True``) from ``self.inferencer.tracker`` (a default
    :class:`~tdmi_mmpose.tracking.PoseTracker`; the constructor stays
    mmpose's).
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
                 show_progress: bool = False) -> None:
        if pose3d is None and is_video_pose_config(pose2d):
            self.visualizer = None
            self.show_progress = show_progress
            self.inferencer = VideoPose2DInferencer(
                pose2d, pose2d_weights, device, scope, det_model,
                det_weights, det_cat_ids, show_progress)
        else:
            super().__init__(pose2d, pose2d_weights, pose3d, pose3d_weights,
                             device, scope, det_model, det_weights,
                             det_cat_ids, show_progress)

    def __call__(self,
                 inputs: InputsType,
                 return_datasamples: bool = False,
                 batch_size: int = 1,
                 out_dir: Optional[str] = None,
                 **kwargs):
        """Run the inferencer; see ``MMPoseInferencer.__call__``.

        Args:
            inputs (str | np.ndarray | list): A video file, a folder of
                frames, an image, or a list of image files / BGR arrays (one
                video, in time order).
            return_datasamples (bool): Return :obj:`PoseDataSample` instead
                of dicts. Defaults to ``False``.
            batch_size (int): Unused by video models (each frame's persons
                are one batch). Defaults to 1.
            out_dir (str, optional): Write ``visualizations/`` and
                ``predictions/`` under this folder. Defaults to ``None``.
            **kwargs: ``track`` (default ``True``: track ids, see
                :class:`VideoPose2DInferencer`), ``bboxes``,
                ``bbox_image_ids``, ``bbox_thr``,
                ``nms_thr``, ``show``, ``vis_out_dir``, ``vis_fps``,
                ``pred_out_dir``, ``draw_bbox``, ``kpt_thr``, ... (see
                :class:`VideoPose2DInferencer`).

        Returns:
            Generator[dict]: One result per frame, in order, with
            ``predictions`` (``[instances]``) and ``visualization``.
        """
        if isinstance(self.inferencer, VideoPose2DInferencer):
            unknown = set(kwargs) - (
                self.preprocess_kwargs | self.forward_kwargs
                | self.visualize_kwargs | self.postprocess_kwargs)
            if unknown:
                accepted = sorted(
                    self.inferencer.preprocess_kwargs
                    | self.inferencer.forward_kwargs
                    | self.inferencer.visualize_kwargs
                    | self.inferencer.postprocess_kwargs)
                raise ValueError(
                    f'Unknown keyword argument(s) {sorted(unknown)}; a video '
                    f'pose model takes {accepted}.')
        return super().__call__(inputs, return_datasamples, batch_size,
                                out_dir, **kwargs)

    def preprocess(self, inputs, batch_size: int = 1, **kwargs):
        """The wrapped inferencer's :meth:`preprocess` (its sized result
        gives progress bars their total)."""
        return self.inferencer.preprocess(inputs, batch_size, **kwargs)

    def _finalize_video_processing(self, pred_out_dir: str = '') -> None:
        """The wrapped video inferencer's (atomic outputs); mmpose's for
        other models."""
        if isinstance(self.inferencer, VideoPose2DInferencer):
            self.inferencer._finalize_video_processing(pred_out_dir)
        else:
            super()._finalize_video_processing(pred_out_dir)

    def postprocess(self, preds, visualization, return_datasample=None,
                    return_datasamples=False, pred_out_dir=''):
        """The wrapped video inferencer's :meth:`postprocess` (with track
        ids); mmpose's for other models."""
        if isinstance(self.inferencer, VideoPose2DInferencer):
            return self.inferencer.postprocess(preds, visualization,
                                               return_datasample,
                                               return_datasamples,
                                               pred_out_dir)
        return super().postprocess(preds, visualization, return_datasample,
                                   return_datasamples, pred_out_dir)
