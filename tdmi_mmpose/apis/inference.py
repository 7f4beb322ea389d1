# Copyright (c) tdmi_mmpose contributors.
"""Low-level video top-down inference, in the style of mmpose's
``inference_topdown``: a model, a clip of frames (or a whole video), the
key frame and person boxes in; :obj:`PoseDataSample` out.

Build the model with mmpose's own ``mmpose.apis.init_model`` (our configs
load ``tdmi_mmpose`` through ``custom_imports``).
"""
from typing import (Callable, Iterable, Iterator, List, Optional, Sequence,
                    Union)

import numpy as np
import torch
import torch.nn as nn
from mmcv.transforms import LoadImageFromFile
from mmengine.config import Config, ConfigDict
from mmengine.dataset import Compose, pseudo_collate
from mmengine.logging import print_log
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData

from mmpose.structures import PoseDataSample, merge_data_samples
from ..io.clip import check_frame_offsets
from .frame_window import (ClipWindow, FrameType, iter_clip_windows,
                           open_frame_stream, read_frame)
from ..io.person_boxes import (BoxesType, PersonBoxSource, as_box_array,
                           check_person_boxes)


def get_frame_offsets(cfg: Union[Config, ConfigDict]) -> List[int]:
    """The frame offsets of a video model's clips, from its config.

    Looked up in ``test_dataloader.dataset.frame_offsets``, then
    ``val_dataloader.dataset.frame_offsets``, then the top-level
    ``frame_offsets`` of the config.

    Args:
        cfg (Config | ConfigDict): The model config.

    Returns:
        list[int]: The offsets in time order, e.g. ``[-2, -1, 0, 1, 2]``.
    """
    for loader in ('test_dataloader', 'val_dataloader'):
        dataset = (cfg.get(loader) or {}).get('dataset') or {}
        if dataset.get('frame_offsets') is not None:
            return check_frame_offsets(dataset['frame_offsets'])
    if cfg.get('frame_offsets') is not None:
        return check_frame_offsets(cfg['frame_offsets'])
    raise KeyError('The config gives no frame_offsets (looked in '
                   'test_dataloader.dataset, val_dataloader.dataset and the '
                   'top level); a video model needs them to build its clips.')


def build_clip_pipeline(cfg: Union[Config, ConfigDict]) -> Compose:
    """The model's test pipeline without its loading transform.

    Inference decodes every frame once itself and puts the T frames of a
    clip into ``results['img']``, so the loading step (``LoadVideoFrames``
    or any other subclass of mmcv's ``LoadImageFromFile``) is dropped; the
    rest (``GetBBoxCenterScale``, ``TopdownAffine``,
    ``PackVideoPoseInputs``, ...) runs unchanged.

    Args:
        cfg (Config | ConfigDict): The model config.

    Returns:
        :obj:`Compose`: The pipeline.
    """
    scope = cfg.get('default_scope', 'mmpose')
    if scope is not None:
        init_default_scope(scope)
    full = Compose(cfg.test_dataloader.dataset.pipeline)
    return Compose([
        t for t in full.transforms if not isinstance(t, LoadImageFromFile)
    ])


def frame_name(frame_index: int) -> str:
    """The ``img_path`` given to an array frame (as mmpose's inferencer
    names arrays: ``'000000.jpg'``, ``'000001.jpg'``, ...)."""
    return f'{frame_index}.jpg'.rjust(10, '0')


def make_clip_data_list(pipeline: Compose,
                        window: ClipWindow,
                        boxes: np.ndarray,
                        frame_offsets: Sequence[int],
                        dataset_meta: Optional[dict] = None,
                        img_path: Optional[str] = None) -> List[dict]:
    """Run the clip pipeline for every person box of a key frame.

    Every person is cropped in all T frames with the key frame's box.

    Args:
        pipeline (:obj:`Compose`): See :func:`build_clip_pipeline`.
        window (:obj:`ClipWindow`): The clip.
        boxes (np.ndarray): (N, 5) boxes x1, y1, x2, y2, score in the key
            frame.
        frame_offsets (Sequence[int]): The clip's offsets (time order).
        dataset_meta (dict, optional): The model's dataset meta
            (``flip_indices``, ...). Defaults to ``None``.
        img_path (str, optional): The key frame's name in the results.
            Defaults to the key frame's path, else :func:`frame_name`.

    Returns:
        list[dict]: N packed samples (``inputs`` (T, 3, H, W),
        ``data_samples``).
    """
    key_frame = window.key_frame
    if img_path is None:
        img_path = window.key_frame_path or frame_name(window.frame_index)
    data_list = []
    for i, box in enumerate(boxes):
        data_info = dict(
            img=list(window.frames),
            img_path=img_path,
            img_shape=key_frame.shape[:2],
            ori_shape=key_frame.shape[:2],
            img_id=window.frame_index,
            frame_index=window.frame_index,
            frame_offsets=list(frame_offsets),
            key_frame_index=window.key_frame_index,
            id=i,
            bbox=np.asarray(box[None, :4], dtype=np.float32),
            bbox_score=np.asarray(box[4:5], dtype=np.float32),
        )
        data_info.update(dataset_meta or {})
        data_list.append(pipeline(data_info))
    return data_list


def empty_pose_data_sample(window: ClipWindow,
                           num_keypoints: int,
                           img_path: Optional[str] = None) -> PoseDataSample:
    """The result of a frame without any person box: no instances.

    Args:
        window (:obj:`ClipWindow`): The frame's clip.
        num_keypoints (int): K.
        img_path (str, optional): As in :func:`make_clip_data_list`.

    Returns:
        :obj:`PoseDataSample`: ``pred_instances`` with zero rows of
        ``keypoints`` (0, K, 2), ``keypoint_scores``, ``keypoints_visible``
        (0, K), ``bboxes`` (0, 4) and ``bbox_scores`` (0,).
    """
    key_frame = window.key_frame
    if img_path is None:
        img_path = window.key_frame_path or frame_name(window.frame_index)
    sample = PoseDataSample(
        metainfo=dict(
            img_path=img_path,
            img_id=window.frame_index,
            frame_index=window.frame_index,
            key_frame_index=window.key_frame_index,
            img_shape=key_frame.shape[:2],
            ori_shape=key_frame.shape[:2]))
    sample.pred_instances = InstanceData(
        keypoints=np.zeros((0, num_keypoints, 2), np.float32),
        keypoint_scores=np.zeros((0, num_keypoints), np.float32),
        keypoints_visible=np.zeros((0, num_keypoints), np.float32),
        bboxes=np.zeros((0, 4), np.float32),
        bbox_scores=np.zeros((0, ), np.float32))
    return sample


def _num_keypoints(model: nn.Module) -> int:
    meta = getattr(model, 'dataset_meta', None) or {}
    if 'num_keypoints' in meta:
        return int(meta['num_keypoints'])
    return int(model.head.out_channels)


def inference_video_topdown(model: nn.Module,
                            frames: Sequence[FrameType],
                            key_frame_index: Optional[int] = None,
                            bboxes: Optional[Union[List,
                                                   np.ndarray]] = None,
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
            must be the model's number of frames (``len(frame_offsets)`` of
            its config); repeat an edge frame at a video's ends.
        key_frame_index (int, optional): Position of the key frame in
            ``frames``. Defaults to the position of offset 0 in the config's
            ``frame_offsets`` (the centre frame).
        bboxes (np.ndarray | list, optional): Person boxes in the key frame,
            (N, 4), or (N, 5) with scores. If not given, the entire key
            frame is one box. Defaults to ``None``.
        bbox_format (str): ``'xyxy'`` or ``'xywh'``. Defaults to ``'xyxy'``.

    Returns:
        list[:obj:`PoseDataSample`]: One per box, with ``pred_instances``
        ``keypoints`` (1, K, 2) in image coordinates, ``keypoint_scores``
        (1, K), ``bboxes`` (1, 4) and ``bbox_scores`` (1,).
    """
    frames = list(frames)
    offsets = get_frame_offsets(model.cfg)
    if len(frames) != len(offsets):
        raise ValueError(
            f'The model takes clips of {len(offsets)} frames (frame_offsets '
            f'{offsets}), got {len(frames)} frames.')
    if key_frame_index is None:
        key_frame_index = offsets.index(0)
    if not 0 <= key_frame_index < len(frames):
        raise ValueError(f'key_frame_index {key_frame_index} is out of range '
                         f'for {len(frames)} frames.')
    decoded = {}
    images = []
    for frame in frames:
        key = frame if isinstance(frame, str) else id(frame)
        if key not in decoded:
            decoded[key] = read_frame(frame)
        images.append(decoded[key])
    key_shape = images[key_frame_index].shape
    for frame, img in zip(frames, images):
        if img.shape != key_shape:
            name = frame if isinstance(frame, str) else 'an array frame'
            raise ValueError(
                f'{name} has shape {img.shape}, but the key frame has shape '
                f'{key_shape}; all frames of a clip must have the same size.')
    key_frame = frames[key_frame_index]
    window = ClipWindow(
        frame_index=0,
        frames=images,
        frame_indices=list(range(len(frames))),
        key_frame_index=key_frame_index,
        key_frame_path=key_frame if isinstance(key_frame, str) else None)

    h, w = key_shape[:2]
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

    pipeline = build_clip_pipeline(model.cfg)
    data_list = make_clip_data_list(pipeline, window, boxes, offsets,
                                    model.dataset_meta)
    with torch.no_grad():
        return model.test_step(pseudo_collate(data_list))


def inference_video(model: nn.Module,
                    video: Union[str, np.ndarray, Sequence[FrameType]],
                    bboxes: Optional[BoxesType] = None,
                    bbox_thr: float = 0.0,
                    bbox_image_ids: Union[str, Sequence, None] = None,
                    bbox_format: str = 'xyxy') -> Iterator[PoseDataSample]:
    """Estimate the poses of every frame of a video with a sliding window.

    Frame ``t`` is predicted from the frames ``t + o`` for the config's
    ``frame_offsets`` ``o``, clamped at the video's ends. Frames are decoded
    once, read at most ``max(frame_offsets)`` frames ahead and dropped as
    soon as no later clip needs them (see :func:`iter_clip_windows`), so
    memory does not grow with the video's length.

    Args:
        model (nn.Module): A video top-down pose estimator from
            ``mmpose.apis.init_model``.
        video (str | np.ndarray | Sequence): A video file, a folder of
            frames (sorted by name), an image, or a sequence / iterable of
            image files or BGR arrays in time order.
        bboxes (str | dict | Sequence, optional): Person boxes, in any form
            :class:`PersonBoxSource` accepts (per-frame list, COCO-style
            JSON). If not given, each whole frame is one box.
            Defaults to ``None``.
        bbox_thr (float): Minimum score of a given box. Defaults to 0.
        bbox_image_ids (str | Sequence, optional): The image id of each
            frame, for JSON boxes keyed by ``image_id`` (see
            :class:`PersonBoxSource`). Defaults to ``None``.
        bbox_format (str): Format of per-frame list boxes, ``'xyxy'`` or
            ``'xywh'``. Defaults to ``'xyxy'``.

    Yields:
        :obj:`PoseDataSample`: One per frame, in order: all persons of the
        frame merged (``pred_instances`` with N rows; N may be 0).
    """
    offsets = get_frame_offsets(model.cfg)
    box_source = None
    if bboxes is not None:
        box_source = PersonBoxSource(
            bboxes, bbox_image_ids, score_thr=bbox_thr,
            bbox_format=bbox_format)
    stream = open_frame_stream(video)
    if box_source is not None and isinstance(stream, (list, tuple)):
        # before the first frame (a video's frame count is container
        # metadata: it is checked after the last decoded frame)
        box_source.check_length(len(stream))
    windows = iter_clip_windows(stream, offsets)
    for _, item in iter_clip_data(model, windows, build_clip_pipeline(
            model.cfg), offsets, box_source):
        if isinstance(item, PoseDataSample):
            yield item
            continue
        with torch.no_grad():
            results = model.test_step(pseudo_collate(item))
        yield merge_data_samples(results)


def key_frame_boxes(window: ClipWindow,
                    what: str,
                    box_source: Optional[PersonBoxSource] = None,
                    detect: Optional[Callable[[np.ndarray],
                                              np.ndarray]] = None):
    """The person boxes of a clip's key frame, checked and clipped.

    Args:
        window (:obj:`ClipWindow`): The clip.
        what (str): How to name the frame in errors.
        box_source (:obj:`PersonBoxSource`, optional): User boxes; invalid
            ones are errors. Defaults to ``None``.
        detect (Callable, optional): Returns the (N, 5) boxes of a frame (a
            detector); invalid ones are dropped. Used without
            ``box_source``. Defaults to ``None``.

    Returns:
        tuple: ``(boxes, clipped)``, (N, 5) boxes x1, y1, x2, y2, score
        (the whole frame without ``box_source`` and ``detect``) and whether
        any was clipped (see :func:`check_person_boxes`).
    """
    h, w = window.key_frame.shape[:2]
    if box_source is not None:
        return check_person_boxes(
            box_source.boxes_for(window.frame_index), (h, w), what)
    if detect is not None:
        return check_person_boxes(
            detect(window.key_frame), (h, w), what, drop_invalid=True)
    return np.array([[0, 0, w, h, 1]], dtype=np.float32), False


def iter_clip_data(
    model: nn.Module,
    windows: Iterable[ClipWindow],
    pipeline: Compose,
    frame_offsets: Sequence[int],
    box_source: Optional[PersonBoxSource] = None,
    detect: Optional[Callable[[np.ndarray], np.ndarray]] = None
) -> Iterator[tuple]:
    """The sliding-window inference loop, shared by :func:`inference_video`
    and :class:`VideoPose2DInferencer`.

    For each clip: the key frame's person boxes (:func:`key_frame_boxes`;
    one warning per call if boxes are clipped), then the packed samples of
    its persons (:func:`make_clip_data_list`) or, without any box, its empty
    result (:func:`empty_pose_data_sample`). At the end, boxes that do not
    fit the stream's length are an error
    (:meth:`PersonBoxSource.check_length`; callers that know the length
    check it before the first frame).

    Args:
        model (nn.Module): The video pose estimator (for its
            ``dataset_meta`` and number of keypoints).
        windows (Iterable[:obj:`ClipWindow`]): The clips, e.g. from
            :func:`iter_clip_windows`.
        pipeline (:obj:`Compose`): See :func:`build_clip_pipeline`.
        frame_offsets (Sequence[int]): The clips' offsets (time order).
        box_source (:obj:`PersonBoxSource`, optional): User boxes.
        detect (Callable, optional): A person detector, see
            :func:`key_frame_boxes`.

    Yields:
        tuple: ``(window, item)``: ``item`` is the list of packed samples of
        the key frame's persons, or its empty :obj:`PoseDataSample`.
    """
    num_keypoints = _num_keypoints(model)
    warned_clipping = False
    num_frames = 0
    for window in windows:
        num_frames += 1
        img_path = window.key_frame_path or frame_name(window.frame_index)
        boxes, clipped = key_frame_boxes(
            window, f'frame {window.frame_index} ({img_path})', box_source,
            detect)
        if clipped and not warned_clipping:
            warned_clipping = True
            print_log(
                'Some person boxes reach outside their frame; they are '
                f'clipped to it (first: {img_path}).',
                logger='current',
                level=30)
        if len(boxes) == 0:
            yield window, empty_pose_data_sample(window, num_keypoints,
                                                 img_path)
        else:
            yield window, make_clip_data_list(pipeline, window, boxes,
                                              frame_offsets,
                                              model.dataset_meta, img_path)
    if box_source is not None:
        box_source.check_length(num_frames)
