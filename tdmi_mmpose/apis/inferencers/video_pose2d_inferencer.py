# Copyright (c) tdmi_mmpose contributors.
import os.path as osp
from functools import partial
from typing import Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import mmcv
import numpy as np
import torch
from mmengine.config import Config, ConfigDict
from mmengine.infer.infer import ConfigType, ModelType
from mmengine.logging import print_log
from mmpose.apis.inference import dataset_meta_from_config
from mmpose.apis.inferencers import Pose2DInferencer
from mmpose.evaluation.functional import nms
from mmpose.registry import INFERENCERS
from mmpose.structures import PoseDataSample, split_instances

from ...io.checkpoints import (check_checkpoint_file, check_state_dict_matches,
                               is_onnx_file)
from ...io.cli_args import MAX_FRAME_RATE
from ...io.config import apply_clip
from ...utils.errors import InputError
from ...io.inferencer_args import (WHOLE_IMAGE_DETECTORS, check_detector,
                                  check_device)
from ...io.frames import is_video_file, open_frame_stream
from ...io.person_boxes import BoxesType, PersonBoxSource
from ...io.streams import LiveStream
from ...models.pose_estimators import VideoTopdownPoseEstimator
from ...tracking import build_tracker
from ...visualization import TrackPoseVisualizer
from ..frame_window import ClipWindow, SizedIterable
from ..inference import iter_clips, predict_clip, use_onnx_file
from ..online_smoothing import OnlineSmoothing, build_smoother
from .video_output import VideoOutputMixin, clear_earlier_outputs


@INFERENCERS.register_module(name='video-pose-estimation')
@INFERENCERS.register_module()
class VideoPose2DInferencer(VideoOutputMixin, Pose2DInferencer):
    """mmpose's 2D pose inferencer for video top-down models (TDMI): one
    :class:`~tdmi_mmpose.apis.ClipWindow` with person boxes per frame,
    predicted and tracked; mmpose's outputs with each instance's
    ``track_id``, written atomically (see ``docs/inference.md``).

    Args:
        model (str | dict | Config): A video pose model config.
        weights (str, optional): Checkpoint (it must fit the model exactly),
            or an ``.onnx`` file exported from this config
            (:func:`~tdmi_mmpose.apis.use_onnx_file`). Defaults to ``None``
            (random weights).
        device (str, optional): Device. Defaults to ``None`` (CUDA if any).
        scope (str, optional): The model's scope. Defaults to ``'mmpose'``.
        det_model (str, optional): mmdet config path, or ``'whole_image'``.
        det_weights (str, optional): Detector checkpoint.
        det_cat_ids (int | Sequence[int], optional): Detector labels kept as
            persons. Defaults to ``None`` (``(0, )``, the COCO person).
        show_progress (bool): Show a progress bar. Defaults to ``False``.
        tracker (dict, optional): Tracker config (``TASK_UTILS``). Defaults
            to ``dict(type='PoseTracker')``.
        smoother (dict | str, optional): A keypoint filter config applied
            per track id (:class:`~tdmi_mmpose.apis.OnlineSmoothing`).
            Defaults to ``None`` (off).
    """

    preprocess_kwargs: set = Pose2DInferencer.preprocess_kwargs | {
        'bbox_image_ids', 'track'
    }
    # a frame is one merged PoseDataSample: no ``merge_results``
    forward_kwargs: set = {'pose_based_nms'}
    visualize_kwargs: set = Pose2DInferencer.visualize_kwargs | {'vis_fps'}

    def __init__(self,
                 model: Union[ModelType, str],
                 weights: Optional[str] = None,
                 device: Optional[str] = None,
                 scope: Optional[str] = 'mmpose',
                 det_model: Optional[Union[ModelType, str]] = None,
                 det_weights: Optional[str] = None,
                 det_cat_ids: Optional[Union[int, Tuple]] = None,
                 show_progress: bool = False,
                 tracker: Optional[dict] = None,
                 smoother: Optional[Union[dict, str]] = None) -> None:
        if isinstance(weights, str) and '://' not in weights and \
                not is_onnx_file(weights):
            check_checkpoint_file(weights)
        check_device(device)
        check_detector(det_model, det_weights)
        self._weights_file = weights
        super().__init__(model, weights, device, scope, det_model, det_weights,
                         (0, ) if det_cat_ids is None else det_cat_ids,
                         show_progress)
        if not isinstance(self.model, VideoTopdownPoseEstimator):
            raise TypeError(
                f'{type(self).__name__} needs a video pose model '
                f'(VideoTopdownPoseEstimator), got {type(self.model).__name__}'
                "; use mmpose's MMPoseInferencer for single-image models.")
        self.frame_offsets: List[int] = self.model.frame_offsets
        self.whole_image_boxes = det_model in WHOLE_IMAGE_DETECTORS
        self._warned_single_image = False
        self.tracker = build_tracker(tracker, self.model.dataset_meta)
        smoother = build_smoother(smoother)
        self.smoothing = None if smoother is None else OnlineSmoothing(
            smoother)
        self._live_stream: Optional[LiveStream] = None
        self._track_call = True
        self._vis_fps = 25.0
        self._start_outputs(None)

    def __call__(self,
                 inputs,
                 return_datasamples: bool = False,
                 batch_size: int = 1,
                 out_dir: Optional[str] = None,
                 *,
                 overwrite: bool = False,
                 **kwargs):
        """mmpose's; an output folder of an earlier run is an error, or with
        ``overwrite`` its files are removed first
        (:func:`~.video_output.clear_earlier_outputs`)."""
        clear_earlier_outputs(out_dir, kwargs, overwrite)
        return super().__call__(inputs, return_datasamples, batch_size,
                                out_dir, **kwargs)

    def _init_detector(self, det_model=None, *args, **kwargs) -> None:
        """mmpose's; a model name mmdet does not know is an InputError."""
        try:
            super()._init_detector(det_model, *args, **kwargs)
        except ValueError as error:
            if not str(error).startswith('Cannot find model'):
                raise
            raise InputError(
                f'detector {det_model!r}: neither a config file nor a model '
                "name of mmdet's model zoo") from None

    def _init_model(self,
                    cfg: ConfigType,
                    weights: Optional[str],
                    device: str = 'cpu'):
        """mmpose's, after :func:`~tdmi_mmpose.io.config.apply_clip`."""
        apply_clip(cfg)
        return super()._init_model(cfg,
                                   None if is_onnx_file(weights) else weights,
                                   device)

    def _load_weights_to_model(self, model, checkpoint: Optional[dict],
                               cfg) -> None:
        """mmpose's loading, but the checkpoint must fit the model; for an
        ONNX file, the config's dataset meta and the ONNX Runtime network."""
        if is_onnx_file(self._weights_file):
            model.dataset_meta = dataset_meta_from_config(cfg, 'train')
            use_onnx_file(model, self._weights_file)
            return
        if checkpoint is not None:
            check_state_dict_matches(model, checkpoint, self._weights_file)
        super()._load_weights_to_model(model, checkpoint, cfg)

    def _init_visualizer(self, cfg: Union[Config, ConfigDict]):
        """The config's visualizer, as :class:`TrackPoseVisualizer` for
        mmpose's ``PoseLocalVisualizer`` (track colours)."""
        if cfg.get('visualizer', {}).get('type') == 'PoseLocalVisualizer':
            cfg.visualizer.type = TrackPoseVisualizer.__name__
        return super()._init_visualizer(cfg)

    def _inputs_to_list(self, inputs) -> Iterable:
        """The input as a stream of frames (a video file through mmpose's,
        for its ``video_info``)."""
        frames = open_frame_stream(inputs)
        self._video_input = isinstance(frames, mmcv.VideoReader)
        self._live_stream = frames if isinstance(frames, LiveStream) else None
        return super()._inputs_to_list(inputs) if self._video_input \
            else frames

    def preprocess(self,
                   inputs: Iterable,
                   batch_size: int = 1,
                   bboxes: Optional[BoxesType] = None,
                   bbox_thr: float = 0.3,
                   nms_thr: float = 0.3,
                   bbox_image_ids: Union[str, Sequence, None] = None,
                   track: bool = True,
                   **kwargs) -> SizedIterable:
        """The clips of the stream with their person boxes (the call's
        ``bboxes``, else the detector's, else the whole frame), as
        ``(clip, [key_frame])``.

        Args:
            inputs (Iterable): The frames (from :meth:`_inputs_to_list`).
            batch_size (int): Unused; each frame is one batch.
            bboxes, bbox_image_ids: User boxes (:class:`PersonBoxSource`).
            bbox_thr (float): Minimum box score. Defaults to 0.3.
            nms_thr (float): NMS IoU threshold of detector boxes.
            track (bool): Track the people (the tracker is reset here).

        Returns:
            SizedIterable: One item per frame (sized where the input is).
        """
        box_source, detect = None, None
        if bboxes is not None and len(bboxes) > 0:
            box_source = PersonBoxSource(
                bboxes, bbox_image_ids, score_thr=bbox_thr)
        elif self.detector is not None:
            detect = partial(
                self._detect_persons, bbox_thr=bbox_thr, nms_thr=nms_thr)
        no_boxes = box_source is None and detect is None and \
            not self.whole_image_boxes
        if no_boxes or (self.smoothing is not None and not track):
            raise ValueError(
                'No person boxes: pass det_model= and det_weights= (an mmdet '
                'config and checkpoint) to the inferencer, or bboxes= to the '
                'call (one (N, 4) x1, y1, x2, y2 array per frame, or a '
                'COCO-style detection JSON file, with bbox_image_ids= if its '
                'entries are keyed by image_id), or det_model="whole_image" '
                'to use each whole frame as one box.' if no_boxes else
                'track=False with a smoother: smoothing filters each track '
                'id, so it needs them.')
        self._track_call = bool(track)
        self.tracker.reset()
        length = len(inputs) if hasattr(inputs, '__len__') else None
        self._start_outputs(length)
        clips = iter_clips(inputs, self.frame_offsets, box_source, detect)
        if self.smoothing is not None:
            self.smoothing.reset()
            clips = self.smoothing.lookahead(clips)
        return SizedIterable(self._frames(clips), length)

    def _frames(
        self, clips: Iterable[ClipWindow]
    ) -> Iterator[Tuple[ClipWindow, List[np.ndarray]]]:
        """The clips as ``(clip, [key_frame])``; the video is committed
        after the last one."""
        complete = False
        try:
            for clip in clips:
                if not (clip.has_temporal_context
                        or self._warned_single_image):
                    self._warned_single_image = True
                    print_log(
                        'The input has a single frame: the video model sees '
                        f'that frame as all {len(self.frame_offsets)} frames '
                        'of its clip, so no temporal context is used. Give a '
                        'video, a folder of frames or a list of frames for '
                        'temporal context.',
                        logger='current',
                        level=30)
                yield clip, [clip.key_frame]
            complete = True
        finally:
            self._close_rendering(complete)

    def _detect_persons(self, frame: np.ndarray, bbox_thr: float,
                        nms_thr: float) -> np.ndarray:
        """Person boxes (N, 5) of one frame from the mmdet detector, as
        ``Pose2DInferencer.preprocess_single`` chooses them."""
        det = self.detector(frame, return_datasamples=True)['predictions'][0]
        pred = det.pred_instances.cpu().numpy()
        keep = np.isin(pred.labels, self.det_cat_ids) & (
            pred.scores > bbox_thr)
        boxes = np.concatenate([pred.bboxes, pred.scores[:, None]],
                               axis=1)[keep].astype(np.float32)
        return boxes[nms(boxes, nms_thr)] if len(boxes) else boxes

    @torch.no_grad()
    def forward(self,
                inputs: ClipWindow,
                pose_based_nms: bool = False) -> List[PoseDataSample]:
        """The frame's prediction (a one-element list) through mmpose's
        ``forward``, tracked (``pred_instances.track_ids``) and smoothed."""
        predict = partial(self._predict_tracked, pose_based_nms=pose_based_nms)
        if self.smoothing is None:
            return [predict(inputs)]
        return [self.smoothing.smoothed(inputs, predict)]

    def _predict_tracked(self, inputs: ClipWindow,
                         pose_based_nms: bool) -> PoseDataSample:
        mmpose_forward = super().forward
        pred = predict_clip(
            self.model, self.pipeline, inputs, lambda batch: mmpose_forward(
                batch, merge_results=True, pose_based_nms=pose_based_nms)[0])
        if self._track_call:
            instances = pred.pred_instances
            instances.track_ids = self.tracker.update(
                instances.keypoints, instances.keypoint_scores,
                instances.get('bboxes'))
        return pred

    def visualize(self,
                  inputs: list,
                  preds: List[PoseDataSample],
                  vis_out_dir: str = '',
                  vis_fps: float = 25.0,
                  **kwargs) -> List[np.ndarray]:
        """mmpose's ``visualize`` of one frame; ``vis_out_dir`` may name a
        video file, rendered at ``vis_fps`` (:class:`VideoOutputMixin`)."""
        if vis_out_dir and not self._video_input:
            image_name = osp.splitext(vis_out_dir)[1] and not is_video_file(
                vis_out_dir) and self._num_input_frames != 1
            if image_name or not 0 < vis_fps <= MAX_FRAME_RATE:
                raise ValueError(
                    f'vis_out_dir={vis_out_dir!r} is an image file name, but '
                    'the input has several frames; give a folder (one image '
                    'per frame) or a video file name such as poses.mp4.'
                    if image_name else f'vis_fps must be in (0, '
                    f'{MAX_FRAME_RATE:g}], got {vis_fps}.')
            self._vis_fps = float(vis_fps)
        return super().visualize(
            inputs, preds, vis_out_dir=vis_out_dir, **kwargs)

    def postprocess(self,
                    preds: List[PoseDataSample],
                    visualization: List[np.ndarray],
                    return_datasample=None,
                    return_datasamples: bool = False,
                    pred_out_dir: str = '') -> dict:
        """mmpose's results, each instance with its ``track_id`` (if
        tracked)."""
        (pred, ) = preds  # one frame
        instances = split_instances(pred.pred_instances)
        track_ids = pred.pred_instances.get('track_ids', [])
        for instance, track_id in zip(instances, track_ids):
            instance['track_id'] = int(track_id)
        result = super().postprocess(preds, visualization, return_datasample,
                                     return_datasamples, '')
        if not (return_datasamples or return_datasample):
            result['predictions'] = [instances]
        if pred_out_dir:
            self._write_frame_predictions(instances, pred.metainfo['img_path'],
                                          pred_out_dir)
        return result
