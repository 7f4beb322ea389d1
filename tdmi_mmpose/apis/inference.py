# Copyright (c) tdmi_mmpose contributors.
"""Video top-down inference, in the style of mmpose's ``inference_topdown``.

The one inference path: a stream of frames becomes one :class:`ClipWindow`
per key frame (:func:`iter_clip_windows`), which gets its person boxes
(:func:`iter_clips`) and is predicted by :func:`predict_clip` (the config's
test pipeline, unchanged, on every person, then the model) into one
:obj:`PoseDataSample` per frame. :func:`inference_video`, the inferencer
(``VideoPose2DInferencer.forward``) and ``tools/video_demo.py`` (through the
inferencer) all take this path; :func:`inference_video_topdown` runs one
given clip and returns one sample per box, as ``inference_topdown`` does.

Build the model with mmpose's ``mmpose.apis.init_model`` (our configs load
``tdmi_mmpose`` through ``custom_imports``).
"""
from typing import (Callable, Iterable, Iterator, List, Optional, Sequence,
                    Union)

import numpy as np
import torch
import torch.nn as nn
from mmengine.config import Config, ConfigDict
from mmengine.dataset import Compose, pseudo_collate
from mmengine.logging import print_log
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData
from mmpose.structures import PoseDataSample, merge_data_samples

from ..io import clip as clip_rules
from ..io.frames import (FrameType, check_frame_size, open_frame_stream,
                         read_frame)
from ..io.person_boxes import (BoxesType, PersonBoxSource, as_box_array,
                               check_person_boxes)
from ..utils.errors import InputError
from .frame_window import ClipWindow, iter_clip_windows

#: Person boxes (N, 5) of a key frame from a detector.
Detector = Callable[[np.ndarray], np.ndarray]


def get_frame_offsets(cfg: Union[Config, ConfigDict]) -> List[int]:
    """The frame offsets of a video model's clips, from its config: the
    top-level ``frame_offsets`` (the clip's declaration), else those of
    ``test_dataloader.dataset``.

    Args:
        cfg (Config | ConfigDict): The model config.

    Returns:
        list[int]: The offsets in time order, e.g. ``[-2, -1, 0, 1, 2]``.
    """
    offsets = cfg.get('frame_offsets')
    if offsets is None:
        loader = cfg.get('test_dataloader') or {}
        offsets = (loader.get('dataset') or {}).get('frame_offsets')
    if offsets is None:
        raise InputError(
            f'The config {cfg.filename} gives no frame_offsets (looked at '
            'the top level and in test_dataloader.dataset); a video model '
            'needs them to build its clips.')
    return clip_rules.check_frame_offsets(offsets)


def build_test_pipeline(cfg: Union[Config, ConfigDict]) -> Compose:
    """The config's test pipeline, as mmpose's inferencers build it (its
    ``LoadVideoFrames`` takes the frames already decoded)."""
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    return Compose(cfg.test_dataloader.dataset.pipeline)


def clip_batch(pipeline: Compose, clip: ClipWindow,
               dataset_meta: Optional[dict]) -> Optional[dict]:
    """The model input of a clip: every person box cropped in all T frames.

    Args:
        pipeline (:obj:`Compose`): The config's test pipeline.
        clip (:obj:`ClipWindow`): The clip, with ``bboxes`` (N, 5).
        dataset_meta (dict, optional): The model's dataset meta
            (``flip_indices``, ...).

    Returns:
        dict, optional: The N packed persons, collated (``inputs``: N
        tensors (T, 3, H, W), ``data_samples``), or ``None`` for N = 0.
    """
    samples = []
    for i, box in enumerate(clip.bboxes):
        samples.append(
            pipeline(
                dict(
                    img=list(clip.frames),
                    img_path=clip.name,
                    img_id=clip.frame_index,
                    frame_index=clip.frame_index,
                    key_frame_index=clip.key_frame_index,
                    id=i,
                    bbox=np.asarray(box[None, :4], dtype=np.float32),
                    bbox_score=np.asarray(box[4:5], dtype=np.float32),
                    **(dataset_meta or {}))))
    return pseudo_collate(samples) if samples else None


def empty_pose_sample(clip: ClipWindow,
                      num_keypoints: int) -> PoseDataSample:
    """The prediction of a key frame without any person box.

    Returns:
        :obj:`PoseDataSample`: ``pred_instances`` with zero rows:
        ``keypoints`` (0, K, 2), ``keypoint_scores`` and
        ``keypoints_visible`` (0, K), ``bboxes`` (0, 4), ``bbox_scores``
        (0, ).
    """
    shape = clip.key_frame.shape[:2]
    sample = PoseDataSample(
        metainfo=dict(
            img_path=clip.name,
            img_id=clip.frame_index,
            frame_index=clip.frame_index,
            key_frame_index=clip.key_frame_index,
            img_shape=shape,
            ori_shape=shape))
    sample.pred_instances = InstanceData(
        keypoints=np.zeros((0, num_keypoints, 2), np.float32),
        keypoint_scores=np.zeros((0, num_keypoints), np.float32),
        keypoints_visible=np.zeros((0, num_keypoints), np.float32),
        bboxes=np.zeros((0, 4), np.float32),
        bbox_scores=np.zeros((0, ), np.float32))
    return sample


def predict_clip(model: nn.Module,
                 pipeline: Compose,
                 clip: ClipWindow,
                 forward: Optional[Callable[[dict], PoseDataSample]] = None
                 ) -> PoseDataSample:
    """The poses of all persons of one key frame: the one inference step.

    Args:
        model (nn.Module): The video pose estimator (its ``dataset_meta``
            and, without ``forward``, its ``test_step``).
        pipeline (:obj:`Compose`): The config's test pipeline.
        clip (:obj:`ClipWindow`): The clip, with ``bboxes``.
        forward (Callable, optional): Runs a :func:`clip_batch` through the
            model and returns the persons merged into one sample (the seam
            for another backend). Defaults to ``model.test_step`` and
            mmpose's ``merge_data_samples``, without gradients.

    Returns:
        :obj:`PoseDataSample`: The key frame's prediction, ``pred_instances``
        with N rows (``keypoints`` (N, K, 2) in image pixels,
        ``keypoint_scores`` (N, K), ``bboxes`` (N, 4), ``bbox_scores`` (N, ));
        see :func:`empty_pose_sample` for N = 0.
    """
    meta = model.dataset_meta or {}
    batch = clip_batch(pipeline, clip, meta)
    if batch is None:
        return empty_pose_sample(
            clip, int(meta.get('num_keypoints', model.head.out_channels)))
    if forward is not None:
        return forward(batch)
    with torch.no_grad():
        return merge_data_samples(model.test_step(batch))


def key_frame_boxes(clip: ClipWindow,
                    box_source: Optional[PersonBoxSource] = None,
                    detect: Optional[Detector] = None):
    """The person boxes of a clip's key frame, checked and clipped
    (:func:`~tdmi_mmpose.io.person_boxes.check_person_boxes`).

    Args:
        clip (:obj:`ClipWindow`): The clip.
        box_source (:obj:`PersonBoxSource`, optional): User boxes; invalid
            ones are errors.
        detect (Callable, optional): A detector, used without
            ``box_source``; its invalid boxes are dropped.

    Returns:
        tuple: ``(boxes, clipped)``: (N, 5) boxes x1, y1, x2, y2, score (the
        whole frame without ``box_source`` and ``detect``) and whether any
        was clipped.
    """
    h, w = clip.key_frame.shape[:2]
    what = f'frame {clip.frame_index} ({clip.name})'
    if box_source is not None:
        return check_person_boxes(
            box_source.boxes_for(clip.frame_index), (h, w), what)
    if detect is not None:
        return check_person_boxes(
            detect(clip.key_frame), (h, w), what, drop_invalid=True)
    return np.array([[0, 0, w, h, 1]], dtype=np.float32), False


def iter_clips(frames: Iterable[FrameType],
               frame_offsets: Sequence[int],
               box_source: Optional[PersonBoxSource] = None,
               detect: Optional[Detector] = None) -> Iterator[ClipWindow]:
    """The clips of a stream with their person boxes (the sliding window of
    :func:`iter_clip_windows` and :func:`key_frame_boxes`).

    Boxes that reach outside their frame are clipped, with one warning per
    stream. User boxes must fit the stream
    (:meth:`PersonBoxSource.check_length`): before the first frame for a
    list, after the last one for any other stream.

    Args:
        frames (Iterable[str | np.ndarray]): The stream, see
            :func:`~tdmi_mmpose.io.frames.open_frame_stream`.
        frame_offsets (Sequence[int]): The clips' offsets.
        box_source (:obj:`PersonBoxSource`, optional): User boxes.
        detect (Callable, optional): A person detector.

    Yields:
        :obj:`ClipWindow`: One clip per frame, with ``bboxes``.
    """
    if box_source is not None and isinstance(frames, (list, tuple)):
        box_source.check_length(len(frames))
    num_frames = 0
    warned = False
    for clip in iter_clip_windows(frames, frame_offsets):
        num_frames += 1
        boxes, clipped = key_frame_boxes(clip, box_source, detect)
        if clipped and not warned:
            warned = True
            print_log(
                'Some person boxes reach outside their frame; they are '
                f'clipped to it (first: {clip.name}).',
                logger='current',
                level=30)
        yield clip._replace(bboxes=boxes)
    if box_source is not None:
        box_source.check_length(num_frames)


def _decode_clip(frames: Sequence[FrameType]) -> List[np.ndarray]:
    """Decode the frames of one clip (a file repeated by clamping once) and
    check that they have one size."""
    decoded = {}
    images = []
    for frame in frames:
        key = frame if isinstance(frame, str) else id(frame)
        if key not in decoded:
            decoded[key] = read_frame(frame)
            check_frame_size(decoded[key], decoded[next(iter(decoded))].shape,
                             frame if isinstance(frame, str) else
                             'an array frame', 'the first frame of the clip')
        images.append(decoded[key])
    return images


def inference_video_topdown(model: nn.Module,
                            frames: Sequence[FrameType],
                            key_frame_index: Optional[int] = None,
                            bboxes: Optional[Union[List, np.ndarray]] = None,
                            bbox_format: str = 'xyxy'
                            ) -> List[PoseDataSample]:
    """Estimate the poses of a key frame with its neighbouring frames.

    The video counterpart of ``mmpose.apis.inference_topdown``: each person
    box of the key frame crops all T frames of the clip (the same affine
    transform), and the model predicts the key frame's pose.

    Args:
        model (nn.Module): A video top-down pose estimator (e.g.
            ``VideoTopdownPoseEstimator``) from ``mmpose.apis.init_model``.
        frames (Sequence[str | np.ndarray]): The clip's T frames in time
            order, image files or BGR arrays (H, W, 3), all of one size. T
            must be the model's number of frames (``len(frame_offsets)``);
            repeat an edge frame at a video's ends.
        key_frame_index (int, optional): Position of the key frame in
            ``frames``. Defaults to that of offset 0 in the config's
            ``frame_offsets`` (:func:`~tdmi_mmpose.io.clip.key_frame_index`).
        bboxes (np.ndarray | list, optional): Person boxes in the key frame,
            (N, 4), or (N, 5) with scores. If not given, the entire key
            frame is one box. Defaults to ``None``.
        bbox_format (str): ``'xyxy'`` or ``'xywh'``. Defaults to ``'xyxy'``.

    Returns:
        list[:obj:`PoseDataSample`]: One per box, with ``pred_instances``
        ``keypoints`` (1, K, 2) in image coordinates, ``keypoint_scores``
        (1, K), ``bboxes`` (1, 4) and ``bbox_scores`` (1,).
    """
    offsets = get_frame_offsets(model.cfg)
    frames = list(frames)
    key = clip_rules.key_frame_index(offsets) \
        if key_frame_index is None else key_frame_index
    if len(frames) != len(offsets) or not 0 <= key < len(frames):
        raise InputError(
            f'The model takes clips of {len(offsets)} frames (frame_offsets '
            f'{offsets}) with the key frame at a position 0..'
            f'{len(offsets) - 1}; got {len(frames)} frames and '
            f'key_frame_index {key}.')
    images = _decode_clip(frames)
    key_path = frames[key] if isinstance(frames[key], str) else None
    clip = ClipWindow(0, images, list(range(len(frames))), key, key_path)
    h, w = images[key].shape[:2]
    boxes = as_box_array(bboxes, bbox_format)
    if len(boxes) == 0:
        boxes = np.array([[0, 0, w, h, 1]], dtype=np.float32)
    boxes, clipped = check_person_boxes(boxes, (h, w), 'bboxes')
    if clipped:
        print_log(
            'Some person boxes reach outside the key frame; they are '
            'clipped to it.',
            logger='current',
            level=30)
    batch = clip_batch(build_test_pipeline(model.cfg), clip._replace(bboxes=boxes),
                       model.dataset_meta)
    with torch.no_grad():
        return model.test_step(batch)


def inference_video(model: nn.Module,
                    video: Union[str, np.ndarray, Iterable[FrameType]],
                    bboxes: Optional[BoxesType] = None,
                    bbox_thr: float = 0.0,
                    bbox_image_ids: Union[str, Sequence, None] = None,
                    bbox_format: str = 'xyxy') -> Iterator[PoseDataSample]:
    """Estimate the poses of every frame of a video with a sliding window.

    Frame ``t`` is predicted from the frames ``t + o`` for the config's
    ``frame_offsets`` ``o``, clamped at the video's ends. Frames are decoded
    once, read at most ``max(frame_offsets)`` frames ahead and dropped as
    soon as no later clip needs them, so memory does not grow with the
    video's length.

    Args:
        model (nn.Module): A video top-down pose estimator from
            ``mmpose.apis.init_model``.
        video (str | np.ndarray | Iterable): A video file, a folder of
            frames (sorted by name), an image, or a sequence / iterable of
            image files or BGR arrays in time order.
        bboxes (str | dict | Sequence, optional): Person boxes, in any form
            :class:`PersonBoxSource` accepts (per-frame list, COCO-style
            JSON). If not given, each whole frame is one box.
        bbox_thr (float): Minimum score of a given box. Defaults to 0.
        bbox_image_ids (str | Sequence, optional): The image id of each
            frame, for JSON boxes keyed by ``image_id``.
        bbox_format (str): Format of per-frame list boxes, ``'xyxy'`` or
            ``'xywh'``. Defaults to ``'xyxy'``.

    Yields:
        :obj:`PoseDataSample`: One per frame, in order, all persons of the
        frame merged (see :func:`predict_clip`).
    """
    box_source = None if bboxes is None else PersonBoxSource(
        bboxes, bbox_image_ids, score_thr=bbox_thr, bbox_format=bbox_format)
    pipeline = build_test_pipeline(model.cfg)
    for clip in iter_clips(
            open_frame_stream(video), get_frame_offsets(model.cfg),
            box_source):
        yield predict_clip(model, pipeline, clip)
