# Copyright (c) tdmi_mmpose contributors.
"""Video top-down inference, as mmpose's ``inference_topdown``: a stream
becomes one :class:`ClipWindow` with boxes per key frame (:func:`iter_clips`)
and each clip one :obj:`PoseDataSample` (:func:`predict_clip`), for the
inferencer too."""
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

from ..io.frames import (FrameType, check_frame_size, open_frame_stream,
                         read_frame)
from ..io.person_boxes import BoxesType, PersonBoxSource, check_person_boxes
from ..utils.errors import InputError
from .frame_window import ClipWindow, iter_clip_windows


def build_test_pipeline(cfg: Union[Config, ConfigDict]) -> Compose:
    """The config's test pipeline, as mmpose's inferencers build it."""
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    return Compose(cfg.test_dataloader.dataset.pipeline)


def clip_batch(pipeline: Compose, clip: ClipWindow,
               dataset_meta: Optional[dict]) -> Optional[dict]:
    """The model input of a clip with ``bboxes`` (N, 5): the N persons
    through the test ``pipeline`` (all T frames cropped by each box),
    collated (``inputs``: N tensors (T, 3, H, W)); ``None`` for N = 0."""
    samples = [
        pipeline(
            dict(
                img=list(clip.frames),
                img_path=clip.name,
                img_id=clip.frame_index,
                frame_index=clip.frame_index,
                key_frame_index=clip.key_frame_index,
                id=i,
                bbox=box[None, :4].astype(np.float32),
                bbox_score=box[4:5].astype(np.float32),
                **(dataset_meta or {}))) for i, box in enumerate(clip.bboxes)
    ]
    return pseudo_collate(samples) if samples else None


def empty_pose_sample(clip: ClipWindow, num_keypoints: int) -> PoseDataSample:
    """The prediction of a key frame without person boxes (zero rows)."""
    shape = clip.key_frame.shape[:2]
    sample = PoseDataSample(
        metainfo=dict(img_path=clip.name, img_shape=shape, ori_shape=shape))
    sample.pred_instances = InstanceData(
        keypoints=np.zeros((0, num_keypoints, 2), np.float32),
        keypoint_scores=np.zeros((0, num_keypoints), np.float32),
        keypoints_visible=np.zeros((0, num_keypoints), np.float32),
        bboxes=np.zeros((0, 4), np.float32),
        bbox_scores=np.zeros((0, ), np.float32))
    return sample


def predict_clip(
    model: nn.Module,
    pipeline: Compose,
    clip: ClipWindow,
    forward: Optional[Callable[[dict],
                               PoseDataSample]] = None) -> PoseDataSample:
    """The poses of all persons of one key frame.

    Args:
        model (nn.Module): The video pose estimator.
        pipeline (:obj:`Compose`): The config's test pipeline.
        clip (:obj:`ClipWindow`): The clip, with ``bboxes``.
        forward (Callable, optional): A :func:`clip_batch` -> one merged
            sample. Defaults to ``model.test_step`` and
            ``merge_data_samples``.

    Returns:
        :obj:`PoseDataSample`: ``pred_instances`` with N >= 0 rows:
        ``keypoints`` (N, K, 2) in image pixels, ``keypoint_scores`` (N, K),
        ``bboxes`` (N, 4), ``bbox_scores`` (N, ).
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


def use_onnx_file(model: nn.Module,
                  onnx_file: str,
                  num_threads: Optional[int] = None) -> nn.Module:
    """Run a model's network on ONNX Runtime from now on
    (:func:`~tdmi_mmpose.deployment.use_onnx_network`).

    Args:
        model (nn.Module): A video pose estimator from ``init_model``, of
            the config ``onnx_file`` was exported from.
        onnx_file (str): The exported network.
        num_threads (int, optional): ONNX Runtime's intra-op threads.

    Returns:
        nn.Module: ``model``, changed in place.
    """
    try:
        from ..deployment import OnnxClipNetwork, use_onnx_network
    except ImportError as error:
        raise InputError(
            f'{onnx_file} is an ONNX model; running it needs onnx, '
            f'onnxscript and onnxruntime ({error})',
            'install them as tools/install.sh does (docs/installation.md)'
        ) from error
    return use_onnx_network(
        model, OnnxClipNetwork(onnx_file, model.cfg, num_threads))


def with_boxes(clips: Iterable[ClipWindow],
               box_source: Optional[PersonBoxSource] = None,
               detect: Optional[Callable] = None) -> Iterator[ClipWindow]:
    """The clips with their key frame's person boxes: the user's
    (``box_source``; invalid ones are errors), else a detector's
    (``detect``: key frame -> (N, 5) boxes; invalid ones are dropped), else
    the whole frame, checked and clipped
    (:func:`~tdmi_mmpose.io.person_boxes.check_person_boxes`).

    Yields:
        :obj:`ClipWindow`: Each clip, with ``bboxes`` (N, 5).
    """
    num_clips, warned = 0, False
    for clip in clips:
        num_clips += 1
        h, w = clip.key_frame.shape[:2]
        what = f'frame {clip.frame_index} ({clip.name})'
        if box_source is not None:
            boxes, clipped = check_person_boxes(
                box_source.boxes_for(clip.frame_index), (h, w), what)
        elif detect is not None:
            boxes, clipped = check_person_boxes(
                detect(clip.key_frame), (h, w), what, drop_invalid=True)
        else:
            boxes, clipped = np.array([[0, 0, w, h, 1]], np.float32), False
        if clipped and not warned:
            warned = True
            print_log(
                'Some person boxes reach outside their frame; they are '
                f'clipped to it (first: {clip.name}).',
                logger='current',
                level=30)
        yield clip._replace(bboxes=boxes)
    if box_source is not None:
        box_source.check_length(num_clips)


def iter_clips(frames: Iterable[FrameType],
               frame_offsets: Sequence[int],
               box_source: Optional[PersonBoxSource] = None,
               detect: Optional[Callable] = None) -> Iterator[ClipWindow]:
    """The clips of a stream (:func:`iter_clip_windows`) with their person
    boxes (:func:`with_boxes`, whose arguments these are); user boxes must
    fit a list of frames before its first frame is read.

    Returns:
        Iterator[:obj:`ClipWindow`]: One clip per frame, with ``bboxes``.
    """
    if box_source is not None and isinstance(frames, (list, tuple)):
        box_source.check_length(len(frames))
    return with_boxes(
        iter_clip_windows(frames, frame_offsets), box_source, detect)


def inference_video_topdown(model: nn.Module,
                            frames: Sequence[FrameType],
                            bboxes: Optional[Union[List, np.ndarray]] = None,
                            bbox_format: str = 'xyxy') -> List[PoseDataSample]:
    """Estimate the poses of a key frame with its neighbouring frames: the
    video ``mmpose.apis.inference_topdown``.

    Args:
        model (nn.Module): A video pose estimator from ``init_model``.
        frames (Sequence[str | np.ndarray]): The clip's T frames (image
            files or BGR arrays of one size) at the config's
            ``frame_offsets``, in time order.
        bboxes (np.ndarray | list, optional): Person boxes (N, 4), or (N, 5)
            with scores. Defaults to ``None``: the whole key frame.
        bbox_format (str): ``'xyxy'`` or ``'xywh'``. Defaults to ``'xyxy'``.

    Returns:
        list[:obj:`PoseDataSample`]: One per box: ``keypoints`` (1, K, 2) in
        image pixels, ``keypoint_scores`` (1, K), ``bboxes`` (1, 4),
        ``bbox_scores`` (1, ).
    """
    offsets = model.frame_offsets
    frames = list(frames)
    key = model.key_frame_index
    if len(frames) != len(offsets):
        raise InputError(
            f'The model takes clips of {len(offsets)} frames (frame_offsets '
            f'{offsets}, the key frame at position {key}); got '
            f'{len(frames)} frames.')
    images = [read_frame(frame) for frame in frames]
    for frame, image in zip(frames, images):
        check_frame_size(image, images[key].shape,
                         frame if isinstance(frame, str) else 'a frame',
                         'the key frame')
    key_path = frames[key] if isinstance(frames[key], str) else None
    source = None if bboxes is None or len(bboxes) == 0 else PersonBoxSource(
        [bboxes], bbox_format=bbox_format)
    (clip, ) = with_boxes(
        [ClipWindow(0, images, list(range(len(frames))), key, key_path)],
        source)
    batch = clip_batch(
        build_test_pipeline(model.cfg), clip, model.dataset_meta)
    with torch.no_grad():
        return model.test_step(batch)


def inference_video(model: nn.Module,
                    video: Union[str, np.ndarray, Iterable[FrameType]],
                    bboxes: Optional[BoxesType] = None,
                    bbox_thr: float = 0.0,
                    bbox_image_ids: Union[str, Sequence, None] = None,
                    bbox_format: str = 'xyxy') -> Iterator[PoseDataSample]:
    """Estimate the poses of every frame of a video with a sliding clip
    window (:func:`iter_clips`).

    Args:
        model (nn.Module): A video pose estimator from ``init_model``.
        video (str | np.ndarray | Iterable): A video, as
            :func:`~tdmi_mmpose.io.frames.open_frame_stream` takes it.
        bboxes (str | dict | Sequence, optional): Person boxes, as
            :class:`PersonBoxSource` takes them. Defaults to ``None``: each
            whole frame is one box.
        bbox_thr (float): Minimum score of a given box. Defaults to 0.
        bbox_image_ids (str | Sequence, optional): The image id of each
            frame, for JSON boxes keyed by ``image_id``.
        bbox_format (str): Format of per-frame list boxes, ``'xyxy'`` or
            ``'xywh'``. Defaults to ``'xyxy'``.

    Yields:
        :obj:`PoseDataSample`: One per frame (:func:`predict_clip`).
    """
    box_source = None if bboxes is None else PersonBoxSource(
        bboxes, bbox_image_ids, score_thr=bbox_thr, bbox_format=bbox_format)
    pipeline = build_test_pipeline(model.cfg)
    for clip in iter_clips(
            open_frame_stream(video), model.frame_offsets, box_source):
        yield predict_clip(model, pipeline, clip)
