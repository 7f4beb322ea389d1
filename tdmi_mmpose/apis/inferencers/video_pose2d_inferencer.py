# Copyright (c) tdmi_mmpose contributors.
import os.path as osp
from functools import partial
from typing import Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import mmcv
import numpy as np
import torch
from mmengine.config import Config, ConfigDict
from mmengine.dataset import Compose
from mmengine.infer.infer import ModelType
from mmengine.logging import print_log
from mmengine.registry import DefaultScope

from mmpose.apis.inferencers import Pose2DInferencer
from mmpose.evaluation.functional import nms
from mmpose.registry import INFERENCERS, TASK_UTILS
from mmpose.structures import PoseDataSample
from ...models.pose_estimators import VideoTopdownPoseEstimator
from ...tracking import PoseTracker
from ...io.checkpoints import check_checkpoint_file, check_state_dict_matches
from .tracked_output import (add_track_ids, draw_tracked_instances,
                             track_frame)
from .video_output import VideoOutputMixin, close_writer, write_predictions
from ..frame_window import (ClipWindow, SizedIterable, check_video_reader,
                            folder_frame_files, frame_source_kind,
                            is_video_file, iter_clip_windows)
from ..inference import build_clip_pipeline, get_frame_offsets, iter_clip_data
from ...io.person_boxes import BoxesType, PersonBoxSource

#: ``det_model`` values that make every whole frame one person box.
WHOLE_IMAGE_DETECTORS = ('whole_image', 'whole-image')


@INFERENCERS.register_module(name='video-pose-estimation')
@INFERENCERS.register_module()
class VideoPose2DInferencer(VideoOutputMixin, Pose2DInferencer):
    """mmpose's 2D pose inferencer for video top-down models (TDMI).

    A :class:`mmpose.apis.inferencers.Pose2DInferencer` whose every key frame
    is predicted from the *real* neighbouring frames of the input stream:
    the frames at the config's ``frame_offsets`` (e.g. ``[-2..2]``), clamped
    at the stream's ends, each person cropped in all of them with the key
    frame's box. The stream is decoded once, frame by frame, with at most
    ``max(frame_offsets)`` frames read ahead and at most
    ``len(frame_offsets)`` frames held (see
    :func:`~tdmi_mmpose.apis.iter_clip_windows`).

    Inputs (``__call__``): a video file, a folder of frames (sorted by file
    name), one image, one array, or a list of image files / BGR arrays. A
    folder or list is **one** video in time order. A single image is a
    one-frame video: all its "neighbours" are the image itself (a warning
    says so once per inferencer).

    Person boxes of each key frame, in this order of precedence:

    1. ``bboxes`` given to ``__call__``: see
       :class:`~tdmi_mmpose.apis.PersonBoxSource` (a per-frame list of
       (N, 4) / (N, 5) x1, y1, x2, y2 [score] arrays, or a COCO-style JSON
       detection file; JSON detections keyed by ``image_id`` need
       ``bbox_image_ids``). Boxes with a score below ``bbox_thr`` are
       dropped; no NMS.
    2. The mmdet detector (``det_model`` / ``det_weights``): boxes of the
       labels ``det_cat_ids`` (default ``(0, )``, the person class of COCO
       detectors) with a score above ``bbox_thr``, then NMS at ``nms_thr``.
    3. ``det_model='whole_image'``: each whole frame is one box.

    With none of them, ``__call__`` raises an error saying what to pass. A
    frame without boxes gets an empty result (no instances). Boxes partly
    outside the frame are clipped to it (a warning is logged once per call);
    a user box with ``x2 <= x1`` / ``y2 <= y1`` or entirely outside its
    frame is an error (such detector boxes are dropped).

    Visualisation (``show``, ``vis_out_dir``) and JSON output
    (``pred_out_dir``) are mmpose's:

    - a video file input renders to ``<vis_out_dir>/<video name>`` (or to
      ``vis_out_dir`` itself if it is a video file name) and writes one
      ``<pred_out_dir>/<video stem>.json``, a list of ``{"frame_id": i,
      "instances": [...]}``;
    - a folder, list or image renders one image per frame
      (``<vis_out_dir>/<frame file name>``, arrays are named
      ``000000.jpg``, ``000001.jpg``, ...) and writes one
      ``<pred_out_dir>/<frame stem>.json`` per frame (a list of
      instances). Here ``vis_out_dir`` may also be a video file name
      (e.g. ``poses.mp4``): the frames are then rendered into that video
      at ``vis_fps`` frames/s (default 25).

    Rendered videos and JSON files are written to a hidden temporary file
    and renamed when complete: a call that fails or is stopped before its
    last frame (or a killed process) leaves no video and no video JSON
    under the final name. JSON is strict (a NaN or infinite value is an
    error naming the file).

    Each instance is ``{"keypoints": [[x, y], ...], "keypoint_scores":
    [...], "bbox": [[x1, y1, x2, y2]], "bbox_score": s, "track_id": i}`` in
    pixels of the frame.

    Tracking (``track=True`` in the call, the default): the ``tracker``
    assigns each person a track id, frame by frame in input order (reset at
    the start of every call); the ids are in ``pred_instances.track_ids``
    and the JSON's ``track_id``, and each person is rendered in the colour
    of its id (:data:`~tdmi_mmpose.apis.inferencers.tracked_output.
    TRACK_PALETTE`). ``track=False``: no ids, mmpose's colours.

    Args:
        model (str | dict | Config): A video pose model config (path or
            loaded), e.g. ``configs/tdmi_tiny_posetrack_sample.py``.
        weights (str, optional): Checkpoint path; it must fit the model
            exactly (a missing, unexpected or mis-shaped key is a
            :class:`~tdmi_mmpose.utils.InputError`, except BatchNorm's
            ``num_batches_tracked``). Defaults to ``None`` (random weights,
            with mmpose's warning).
        device (str, optional): Device to run on. Defaults to ``None``
            (CUDA if available).
        scope (str, optional): The model's scope. Defaults to ``'mmpose'``.
        det_model (str, optional): mmdet config path (or ``'whole_image'``).
            Defaults to ``None``.
        det_weights (str, optional): Detector checkpoint path. Defaults to
            ``None``.
        det_cat_ids (int | Sequence[int], optional): Detector labels kept as
            persons. Defaults to ``None`` (``(0, )``).
        show_progress (bool): Show a progress bar over the frames.
            Defaults to ``False``.
        tracker (dict, optional): Config of the tracker, built by mmpose's
            ``TASK_UTILS``. Defaults to ``dict(type='PoseTracker')`` with
            the model's OKS ``sigmas``.
    """

    preprocess_kwargs: set = Pose2DInferencer.preprocess_kwargs | {
        'bbox_image_ids', 'track'
    }
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
        super().__init__(
            model=model,
            weights=weights,
            device=device,
            scope=scope,
            det_model=det_model,
            det_weights=det_weights,
            det_cat_ids=det_cat_ids,
            show_progress=show_progress)
        if not isinstance(self.model, VideoTopdownPoseEstimator):
            raise TypeError(
                f'{type(self).__name__} needs a video pose model '
                '(VideoTopdownPoseEstimator), got '
                f'{type(self.model).__name__}; use mmpose\'s '
                'MMPoseInferencer for single-image models.')
        self.frame_offsets: List[int] = get_frame_offsets(self.cfg)
        self.whole_image_boxes = (
            isinstance(det_model, str) and det_model in WHOLE_IMAGE_DETECTORS)
        if not hasattr(self, 'detector'):
            self.detector = None
        if self.detector is not None and det_cat_ids is None:
            self.det_cat_ids = (0, )
        self._warned_single_image = False
        tracker = dict(type='PoseTracker') if tracker is None \
            else dict(tracker)
        sigmas = (self.model.dataset_meta or {}).get('sigmas')
        # mmpose's registry, whatever scope a detector has set
        with DefaultScope.overwrite_default_scope('mmpose'):
            if TASK_UTILS.get(tracker['type']) is PoseTracker and \
                    'sigmas' not in tracker and sigmas is not None:
                tracker['sigmas'] = [float(v) for v in sigmas]
            self.tracker = TASK_UTILS.build(tracker)
        self._track_call = True
        # per-call state of the rendering of a frame sequence
        self._num_input_frames: Optional[int] = None
        self._video_writer = None  # AtomicVideoWriter of a rendered video
        self._rendered_dir: Optional[str] = None
        self._num_rendered = 0
        self._vis_fps = 25.0

    def _load_weights_to_model(self, model, checkpoint: Optional[dict],
                               cfg) -> None:
        """mmpose's loading, but the checkpoint must fit the model."""
        if checkpoint is not None:
            check_state_dict_matches(model, checkpoint, self._weights_file)
        super()._load_weights_to_model(model, checkpoint, cfg)

    def _init_pipeline(self, cfg: Union[Config, ConfigDict]) -> Compose:
        """The test pipeline without its loading step (frames are decoded
        once by the sliding window)."""
        return build_clip_pipeline(cfg)

    def _inputs_to_list(self, inputs) -> Iterable:
        """As mmpose's, with clear errors for paths that are not a video, an
        image or a folder, and a folder listing only its image files.

        Args:
            inputs (str | np.ndarray | Iterable): The input of ``__call__``.

        Returns:
            Iterable: The frames (file paths or arrays, or an
            ``mmcv.VideoReader`` for a video file).
        """
        if isinstance(inputs, str) and not inputs.startswith('webcam'):
            if frame_source_kind(inputs) == 'folder':
                self._video_input = False
                return folder_frame_files(inputs)
        frames = super()._inputs_to_list(inputs)
        if isinstance(frames, mmcv.VideoReader):
            check_video_reader(frames, inputs)
        return frames

    def preprocess(self,
                   inputs: Iterable,
                   batch_size: int = 1,
                   bboxes: Optional[BoxesType] = None,
                   bbox_thr: float = 0.3,
                   nms_thr: float = 0.3,
                   bbox_image_ids: Union[str, Sequence, None] = None,
                   track: bool = True,
                   **kwargs) -> SizedIterable:
        """Turn the stream into one model batch per frame.

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
                Defaults to ``None``.
            track (bool): Give the people track ids (the tracker is reset
                here). Defaults to ``True``.

        Returns:
            SizedIterable: Yields ``(batch, [key_frame])`` per frame, where
            ``batch`` is the collated persons of the frame (``inputs``,
            ``data_samples``), or holds ``empty_frame``, the frame's empty
            result, when it has no person box. Its length is the number of
            frames, where known (for progress bars).
        """
        box_source = None
        if bboxes is not None and not (isinstance(bboxes, (list, tuple))
                                       and len(bboxes) == 0):
            box_source = PersonBoxSource(
                bboxes, bbox_image_ids, score_thr=bbox_thr)
        elif self.detector is None and not self.whole_image_boxes:
            raise ValueError(
                'No person boxes: pass det_model= and det_weights= (an mmdet '
                'config and checkpoint) to the inferencer, or bboxes= to the '
                'call (one (N, 4) x1, y1, x2, y2 array per frame, or a '
                'COCO-style detection JSON file, with bbox_image_ids= if its '
                'entries are keyed by image_id), or det_model="whole_image" '
                'to use each whole frame as one box.')
        try:
            length = len(inputs)
        except TypeError:
            length = None
        self._num_input_frames = length
        self._track_call = bool(track)
        self.tracker.reset()
        if box_source is not None and length is not None and \
                not isinstance(inputs, mmcv.VideoReader):
            # a video's frame count is container metadata: it is checked
            # after the last decoded frame instead
            box_source.check_length(length)
        self._video_writer = None
        self._rendered_dir = None
        self._num_rendered = 0
        return SizedIterable(
            self._iter_frame_batches(inputs, box_source, bbox_thr, nms_thr),
            length)

    def _iter_frame_batches(self, inputs: Iterable,
                            box_source: Optional[PersonBoxSource],
                            bbox_thr: float,
                            nms_thr: float) -> Iterator[Tuple[dict, list]]:
        try:
            yield from self._frame_batches(inputs, box_source, bbox_thr,
                                           nms_thr)
        except BaseException:
            # an error, or the call stopped before its last frame (the
            # generator is closed): no video under the final name
            close_writer(self._video_writer, complete=False)
            self._video_writer = None
            raise
        # runs after the last frame was visualised; a video file input's
        # outputs are completed by _finalize_video_processing
        if not self._video_input:
            self._close_frames_rendering()

    def _frame_batches(self, inputs: Iterable,
                       box_source: Optional[PersonBoxSource],
                       bbox_thr: float,
                       nms_thr: float) -> Iterator[Tuple[dict, list]]:
        detect = None
        if self.detector is not None:
            detect = partial(
                self._detect_persons, bbox_thr=bbox_thr, nms_thr=nms_thr)
        for window, item in iter_clip_data(self.model,
                                           self._windows(inputs),
                                           self.pipeline, self.frame_offsets,
                                           box_source, detect):
            if isinstance(item, PoseDataSample):
                batch = dict(empty_frame=item)
            else:
                batch = self.collate_fn(item)
            yield batch, [window.key_frame]

    def _windows(self, inputs: Iterable) -> Iterator[ClipWindow]:
        """The clips of the stream; warns once if it has a single frame."""
        for window in iter_clip_windows(inputs, self.frame_offsets):
            if not window.has_temporal_context:
                self._warn_single_image()
            yield window

    def visualize(self,
                  inputs: list,
                  preds: List[PoseDataSample],
                  vis_out_dir: str = '',
                  vis_fps: float = 25.0,
                  **kwargs) -> List[np.ndarray]:
        """Render the predictions of one frame with mmpose's visualiser.

        Args:
            inputs (list): ``[key_frame]`` from :meth:`preprocess`.
            preds (list[:obj:`PoseDataSample`]): The frame's prediction.
            vis_out_dir (str): Folder (or video file) for the rendered
                frames, see the class docstring. Defaults to ``''`` (none).
            vis_fps (float): Frame rate of a video rendered from a frame
                sequence (``vis_out_dir`` a video file name, the input not a
                video file). Defaults to 25.
            **kwargs: Other arguments of mmpose's ``visualize``
                (``show``, ``draw_bbox``, ``kpt_thr``, ``radius``, ...).

        Returns:
            list[np.ndarray]: The rendered frame if ``return_vis``, else
            an empty list.
        """
        if vis_out_dir and not self._video_input:
            ext = osp.splitext(vis_out_dir)[1]
            if ext and not is_video_file(vis_out_dir) and \
                    self._num_input_frames != 1:
                raise ValueError(
                    f'vis_out_dir={vis_out_dir!r} is an image file name, but '
                    'the input has several frames; give a folder (one image '
                    'per frame) or a video file name such as poses.mp4.')
            if vis_fps <= 0:
                raise ValueError(f'vis_fps must be positive, got {vis_fps}.')
            self._vis_fps = float(vis_fps)
        if getattr(self, 'visualizer', None) is None:
            return super().visualize(
                inputs, preds, vis_out_dir=vis_out_dir, **kwargs)
        # each person in the colour of its track id (if any)
        add_datasample = self.visualizer.add_datasample
        self.visualizer.add_datasample = partial(draw_tracked_instances,
                                                 self.visualizer,
                                                 add_datasample)
        try:
            return super().visualize(
                inputs, preds, vis_out_dir=vis_out_dir, **kwargs)
        finally:
            del self.visualizer.add_datasample

    def _warn_single_image(self) -> None:
        if self._warned_single_image:
            return
        self._warned_single_image = True
        print_log(
            'The input has a single frame: the video model sees that frame '
            f'as all {len(self.frame_offsets)} frames of its clip, so no '
            'temporal context is used. Give a video, a folder of frames or '
            'a list of frames for temporal context.',
            logger='current',
            level=30)

    def _detect_persons(self, frame: np.ndarray, bbox_thr: float,
                        nms_thr: float) -> np.ndarray:
        """Person boxes (N, 5) of one frame from the mmdet detector."""
        det = self.detector(
            frame, return_datasamples=True)['predictions'][0]
        pred = det.pred_instances.cpu().numpy()
        keep = np.isin(pred.labels, np.asarray(self.det_cat_ids)) & (
            pred.scores > bbox_thr)
        boxes = np.concatenate([pred.bboxes, pred.scores[:, None]],
                               axis=1)[keep].astype(np.float32)
        if len(boxes) == 0:
            return np.zeros((0, 5), dtype=np.float32)
        return boxes[nms(boxes, nms_thr)]

    @torch.no_grad()
    def forward(self,
                inputs: dict,
                merge_results: bool = True,
                bbox_thr: float = -1,
                pose_based_nms: bool = False) -> List[PoseDataSample]:
        """Predict the persons of one frame; a frame without person boxes
        gets its empty result.

        Args:
            inputs (dict): One batch from :meth:`preprocess`.
            merge_results (bool): Merge the persons of the frame into one
                data sample. Defaults to ``True``.
            bbox_thr (float): Drop predictions with a lower box score.
                Defaults to -1 (keep all).
            pose_based_nms (bool): Apply pose-based NMS. Defaults to
                ``False``.

        Returns:
            list[:obj:`PoseDataSample`]: The frame's prediction(s).
        """
        if 'empty_frame' in inputs:
            preds = [inputs['empty_frame']]
        else:
            preds = super().forward(
                inputs,
                merge_results=merge_results,
                bbox_thr=bbox_thr,
                pose_based_nms=pose_based_nms)
        if self._track_call:
            if len(preds) != 1:
                raise ValueError('Tracking needs merge_results=True (one '
                                 'prediction per frame); or pass '
                                 'track=False.')
            track_frame(self.tracker, preds[0])
        return preds

    def postprocess(self,
                    preds: List[PoseDataSample],
                    visualization: List[np.ndarray],
                    return_datasample=None,
                    return_datasamples: bool = False,
                    pred_out_dir: str = '') -> dict:
        """mmpose's results (and JSON files), each instance with its
        ``track_id`` when tracking.

        Args:
            preds (list[:obj:`PoseDataSample`]): The frame's predictions.
            visualization (list[np.ndarray]): The rendered frames.
            return_datasample: Deprecated alias of ``return_datasamples``.
            return_datasamples (bool): Return data samples instead of dicts.
                Defaults to ``False``.
            pred_out_dir (str): Folder for the JSON predictions (see the
                class docstring). Defaults to ``''`` (none).

        Returns:
            dict: ``predictions`` and ``visualization``.
        """
        if return_datasamples or return_datasample:
            return super().postprocess(preds, visualization,
                                       return_datasample, return_datasamples,
                                       pred_out_dir)
        result = super().postprocess(preds, visualization, None, False, '')
        add_track_ids(result['predictions'], preds)
        if pred_out_dir != '':  # as mmpose writes them
            for pred, data_sample in zip(result['predictions'], preds):
                if self._video_input:
                    self.video_info['predictions'].append(pred)
                else:
                    fname = osp.splitext(
                        osp.basename(data_sample.metainfo['img_path']))[0]
                    write_predictions(pred,
                                      osp.join(pred_out_dir, fname + '.json'))
        return result
