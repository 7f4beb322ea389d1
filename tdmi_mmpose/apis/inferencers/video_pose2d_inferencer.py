# Copyright (c) tdmi_mmpose contributors.
import os.path as osp
from functools import partial
from typing import Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import mmcv
import numpy as np
import torch
from mmengine.config import Config, ConfigDict
from mmengine.infer.infer import ModelType
from mmengine.logging import print_log
from mmengine.registry import DefaultScope
from mmpose.apis.inferencers import Pose2DInferencer
from mmpose.evaluation.functional import nms
from mmpose.registry import INFERENCERS, TASK_UTILS
from mmpose.structures import PoseDataSample, split_instances
from mmpose.visualization import PoseLocalVisualizer

from ...io.checkpoints import check_checkpoint_file, check_state_dict_matches
from ...io.frames import is_video_file, open_frame_stream
from ...io.person_boxes import BoxesType, PersonBoxSource
from ...models.pose_estimators import VideoTopdownPoseEstimator
from ...tracking import PoseTracker
from ...visualization import TrackPoseVisualizer
from ..frame_window import ClipWindow, SizedIterable
from ..inference import get_frame_offsets, iter_clips, predict_clip
from .video_output import VideoOutputMixin

#: ``det_model`` values that make every whole frame one person box.
WHOLE_IMAGE_DETECTORS = ('whole_image', 'whole-image')


@INFERENCERS.register_module(name='video-pose-estimation')
@INFERENCERS.register_module()
class VideoPose2DInferencer(VideoOutputMixin, Pose2DInferencer):
    """mmpose's 2D pose inferencer for video top-down models (TDMI).

    A :class:`mmpose.apis.inferencers.Pose2DInferencer` whose every key frame
    is predicted from the *real* neighbouring frames of the input stream: the
    frames at the config's ``frame_offsets`` (e.g. ``[-2..2]``), clamped at
    the stream's ends, each person cropped in all of them with the key
    frame's box by the config's test pipeline (unchanged). The stream is
    decoded once, frame by frame, holding at most ``len(frame_offsets)``
    frames. :meth:`preprocess` yields one :class:`ClipWindow` (with its
    person boxes) per frame, :meth:`forward` predicts it with
    :func:`~tdmi_mmpose.apis.predict_clip` (mmpose's ``forward`` on the
    persons) into one :obj:`PoseDataSample`.

    Inputs (``__call__``): a video file, a folder of frames (sorted by file
    name), one image, one array, or a list / iterable of image files / BGR
    arrays: **one** video in time order. A single image is a one-frame
    video: all its "neighbours" are the image itself (a warning says so
    once per inferencer).

    Person boxes of each key frame, in this order of precedence:

    1. ``bboxes`` given to ``__call__``: see
       :class:`~tdmi_mmpose.io.person_boxes.PersonBoxSource` (a per-frame
       list or a COCO-style JSON detection file, with ``bbox_image_ids`` for
       entries keyed by ``image_id``); boxes below ``bbox_thr`` are dropped,
       no NMS.
    2. The mmdet detector (``det_model`` / ``det_weights``): boxes of the
       labels ``det_cat_ids`` (default ``(0, )``, the COCO person) with a
       score above ``bbox_thr``, then NMS at ``nms_thr``.
    3. ``det_model='whole_image'``: each whole frame is one box.

    With none of them ``__call__`` raises an error saying what to pass. A
    frame without boxes gets an empty result. Boxes partly outside the frame
    are clipped (one warning per call); an invalid user box is an error
    (invalid detector boxes are dropped).

    Outputs are mmpose's (``show``, ``vis_out_dir``, ``pred_out_dir``, see
    :class:`VideoOutputMixin`), written atomically; JSON is strict. Each
    instance is ``{"keypoints", "keypoint_scores", "bbox", "bbox_score",
    "track_id"}`` in pixels of the frame.

    Tracking (``track=True`` in the call, the default): the ``tracker``
    gives each person a track id, frame by frame (reset at every call), in
    ``pred_instances.track_ids`` and the JSON's ``track_id``, and the
    :class:`~tdmi_mmpose.visualization.TrackPoseVisualizer` draws each
    person in its id's colour. ``track=False``: no ids, mmpose's colours.

    Args:
        model (str | dict | Config): A video pose model config.
        weights (str, optional): Checkpoint path; it must fit the model
            exactly (else an :class:`~tdmi_mmpose.utils.InputError`, except
            BatchNorm's ``num_batches_tracked``). Defaults to ``None``
            (random weights, with mmpose's warning).
        device (str, optional): Device. Defaults to ``None`` (CUDA if
            available).
        scope (str, optional): The model's scope. Defaults to ``'mmpose'``.
        det_model (str, optional): mmdet config path (or ``'whole_image'``).
        det_weights (str, optional): Detector checkpoint path.
        det_cat_ids (int | Sequence[int], optional): Detector labels kept as
            persons. Defaults to ``None`` (``(0, )``).
        show_progress (bool): Show a progress bar. Defaults to ``False``.
        tracker (dict, optional): Tracker config (mmpose's ``TASK_UTILS``).
            Defaults to ``dict(type='PoseTracker')`` with the model's OKS
            ``sigmas``.
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
                 tracker: Optional[dict] = None) -> None:
        if isinstance(weights, str) and '://' not in weights:
            check_checkpoint_file(weights)
        self._weights_file = weights
        super().__init__(model, weights, device, scope, det_model,
                         det_weights, (0, ) if det_cat_ids is None else
                         det_cat_ids, show_progress)
        if not isinstance(self.model, VideoTopdownPoseEstimator):
            raise TypeError(
                f'{type(self).__name__} needs a video pose model '
                f'(VideoTopdownPoseEstimator), got {type(self.model).__name__}'
                "; use mmpose's MMPoseInferencer for single-image models.")
        self.frame_offsets: List[int] = get_frame_offsets(self.cfg)
        self.whole_image_boxes = det_model in WHOLE_IMAGE_DETECTORS
        self._warned_single_image = False
        tracker = dict(tracker or dict(type='PoseTracker'))
        sigmas = (self.model.dataset_meta or {}).get('sigmas')
        # mmpose's registry, whatever scope a detector has set
        with DefaultScope.overwrite_default_scope('mmpose'):
            if TASK_UTILS.get(tracker['type']) is PoseTracker and \
                    'sigmas' not in tracker and sigmas is not None:
                tracker['sigmas'] = [float(v) for v in sigmas]
            self.tracker = TASK_UTILS.build(tracker)
        self._track_call = True
        self._vis_fps = 25.0
        self._start_outputs(None)

    def _load_weights_to_model(self, model, checkpoint: Optional[dict],
                               cfg) -> None:
        """mmpose's loading, but the checkpoint must fit the model."""
        if checkpoint is not None:
            check_state_dict_matches(model, checkpoint, self._weights_file)
        super()._load_weights_to_model(model, checkpoint, cfg)

    def _init_visualizer(self, cfg: Union[Config, ConfigDict]):
        """The config's visualizer; mmpose's ``PoseLocalVisualizer`` becomes
        its subclass :class:`TrackPoseVisualizer` (track colours)."""
        if cfg.get('visualizer', {}).get('type') in ('PoseLocalVisualizer',
                                                     PoseLocalVisualizer):
            cfg.visualizer.type = TrackPoseVisualizer.__name__
        return super()._init_visualizer(cfg)

    def _inputs_to_list(self, inputs) -> Iterable:
        """The input as a stream of frames
        (:func:`~tdmi_mmpose.io.frames.open_frame_stream`: clear errors for
        bad paths, only the image files of a folder); a video file goes
        through mmpose's (its ``video_info``)."""
        frames = open_frame_stream(inputs)
        self._video_input = isinstance(frames, mmcv.VideoReader)
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
        """The clips of the stream, with their person boxes.

        Args:
            inputs (Iterable): The frames (from :meth:`_inputs_to_list`).
            batch_size (int): Unused; each frame's persons are one batch.
            bboxes (str | dict | Sequence, optional): User person boxes (see
                the class docstring). Defaults to ``None``.
            bbox_thr (float): Minimum box score. Defaults to 0.3.
            nms_thr (float): NMS IoU threshold for detector boxes.
                Defaults to 0.3.
            bbox_image_ids (str | Sequence, optional): Image id of each
                frame, for JSON boxes keyed by ``image_id``: a list, or a
                COCO/PoseTrack annotation file of this video.
            track (bool): Give the people track ids (the tracker is reset
                here). Defaults to ``True``.

        Returns:
            SizedIterable: ``(clip, [key_frame])`` per frame
            (:class:`ClipWindow` with ``bboxes``); its length is the number
            of frames, where known (for progress bars).
        """
        box_source, detect = None, None
        if bboxes is not None and len(bboxes) > 0:
            box_source = PersonBoxSource(
                bboxes, bbox_image_ids, score_thr=bbox_thr)
        elif self.detector is not None:
            detect = partial(
                self._detect_persons, bbox_thr=bbox_thr, nms_thr=nms_thr)
        elif not self.whole_image_boxes:
            raise ValueError(
                'No person boxes: pass det_model= and det_weights= (an mmdet '
                'config and checkpoint) to the inferencer, or bboxes= to the '
                'call (one (N, 4) x1, y1, x2, y2 array per frame, or a '
                'COCO-style detection JSON file, with bbox_image_ids= if its '
                'entries are keyed by image_id), or det_model="whole_image" '
                'to use each whole frame as one box.')
        self._track_call = bool(track)
        self.tracker.reset()
        length = len(inputs) if hasattr(inputs, '__len__') else None
        self._start_outputs(length)
        clips = iter_clips(inputs, self.frame_offsets, box_source, detect)
        return SizedIterable(self._frames(clips), length)

    def _frames(self, clips: Iterable[ClipWindow]
                ) -> Iterator[Tuple[ClipWindow, List[np.ndarray]]]:
        """The clips as ``(clip, [key_frame])``; the rendered video is
        committed after the last frame and deleted if the call fails or is
        stopped before (this generator is then closed)."""
        complete = False
        try:
            for clip in clips:
                if not clip.has_temporal_context:
                    self._warn_single_image()
                yield clip, [clip.key_frame]
            complete = True
        finally:
            self._close_rendering(complete)

    def _warn_single_image(self) -> None:
        if not self._warned_single_image:
            self._warned_single_image = True
            print_log(
                'The input has a single frame: the video model sees that '
                f'frame as all {len(self.frame_offsets)} frames of its clip, '
                'so no temporal context is used. Give a video, a folder of '
                'frames or a list of frames for temporal context.',
                logger='current',
                level=30)

    def _detect_persons(self, frame: np.ndarray, bbox_thr: float,
                        nms_thr: float) -> np.ndarray:
        """Person boxes (N, 5) of one frame from the mmdet detector, as
        ``Pose2DInferencer.preprocess_single`` selects them, without its
        whole-frame box for a frame without detections."""
        det = self.detector(
            frame, return_datasamples=True)['predictions'][0]
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
        """Predict one frame (:func:`~tdmi_mmpose.apis.predict_clip`, the
        persons through mmpose's ``forward``) and track its people.

        Args:
            inputs (:obj:`ClipWindow`): One clip from :meth:`preprocess`.
            pose_based_nms (bool): Apply mmpose's pose-based NMS. Defaults
                to ``False``.

        Returns:
            list[:obj:`PoseDataSample`]: The frame's prediction (one).
        """
        mmpose_forward = super().forward
        pred = predict_clip(
            self.model, self.pipeline, inputs,
            lambda batch: mmpose_forward(
                batch, merge_results=True, pose_based_nms=pose_based_nms)[0])
        if self._track_call:
            instances = pred.pred_instances
            instances.track_ids = self.tracker.update(
                instances.keypoints, instances.keypoint_scores,
                instances.get('bboxes'))
        return [pred]

    def visualize(self,
                  inputs: list,
                  preds: List[PoseDataSample],
                  vis_out_dir: str = '',
                  vis_fps: float = 25.0,
                  **kwargs) -> List[np.ndarray]:
        """Render one frame's prediction with mmpose's ``visualize``.

        Args:
            inputs (list): ``[key_frame]`` from :meth:`preprocess`.
            preds (list[:obj:`PoseDataSample`]): The frame's prediction.
            vis_out_dir (str): Folder (or video file) for the rendered
                frames, see :class:`VideoOutputMixin`. Defaults to ``''``.
            vis_fps (float): Frame rate of a video rendered from a frame
                sequence. Defaults to 25.
            **kwargs: Other arguments of mmpose's ``visualize``.

        Returns:
            list[np.ndarray]: The rendered frame if ``return_vis``.
        """
        if vis_out_dir and not self._video_input:
            if osp.splitext(vis_out_dir)[1] and not is_video_file(
                    vis_out_dir) and self._num_input_frames != 1:
                raise ValueError(
                    f'vis_out_dir={vis_out_dir!r} is an image file name, but '
                    'the input has several frames; give a folder (one image '
                    'per frame) or a video file name such as poses.mp4.')
            if vis_fps <= 0:
                raise ValueError(f'vis_fps must be positive, got {vis_fps}.')
            self._vis_fps = float(vis_fps)
        return super().visualize(
            inputs, preds, vis_out_dir=vis_out_dir, **kwargs)

    def postprocess(self,
                    preds: List[PoseDataSample],
                    visualization: List[np.ndarray],
                    return_datasample=None,
                    return_datasamples: bool = False,
                    pred_out_dir: str = '') -> dict:
        """mmpose's results, each instance with its ``track_id`` when
        tracking; JSON files written atomically (see
        :class:`VideoOutputMixin`).

        Returns:
            dict: ``predictions`` and ``visualization``.
        """
        frames = [self._instances(pred) for pred in preds]
        result = super().postprocess(preds, visualization, return_datasample,
                                     return_datasamples, '')
        if not (return_datasamples or return_datasample):
            result['predictions'] = frames
        for instances, pred in zip(frames, preds):
            if pred_out_dir:
                self._write_frame_predictions(
                    instances, pred.metainfo['img_path'], pred_out_dir)
        return result

    @staticmethod
    def _instances(pred: PoseDataSample) -> List[dict]:
        """mmpose's instance dicts of a frame, with ``track_id``s if any."""
        instances = split_instances(pred.pred_instances)
        for instance, track_id in zip(
                instances, pred.pred_instances.get('track_ids', [])):
            instance['track_id'] = int(track_id)
        return instances
