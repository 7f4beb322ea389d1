# Copyright (c) tdmi_mmpose contributors.
"""Track ids in the inferencer's outputs: tracking one frame
(:func:`track_frame`), the colour of each id in rendered frames
(:data:`TRACK_PALETTE`, :func:`draw_tracked_instances`) and the ids in the
JSON predictions (:func:`add_track_ids`)."""
from typing import Callable, List, Tuple

import numpy as np

from mmpose.structures import PoseDataSample

#: RGB colours of track ids: id ``i`` is drawn in
#: ``TRACK_PALETTE[i % len(TRACK_PALETTE)]`` (16 well-separated colours).
TRACK_PALETTE: Tuple[Tuple[int, int, int], ...] = (
    (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200),
    (245, 130, 48), (145, 30, 180), (70, 240, 240), (240, 50, 230),
    (210, 245, 60), (250, 190, 212), (0, 128, 128), (220, 190, 255),
    (170, 110, 40), (255, 250, 200), (128, 0, 0), (170, 255, 195))


def track_frame(tracker, pred: PoseDataSample) -> None:
    """Give the people of the next frame their track ids, in
    ``pred.pred_instances.track_ids``.

    Args:
        tracker (PoseTracker): The tracker (its ``update`` is called once).
        pred (PoseDataSample): The frame's merged prediction; a frame
            without person boxes (no ``keypoints``) has no people.
    """
    instances = pred.pred_instances
    num_keypoints = len(getattr(tracker, 'sigmas', [0] * 17))
    if 'keypoints' in instances:
        keypoints = instances.keypoints
        scores = instances.keypoint_scores
    else:  # a frame without person boxes
        keypoints = np.zeros((0, num_keypoints, 2))
        scores = np.zeros((0, num_keypoints))
    instances.track_ids = tracker.update(keypoints, scores,
                                         instances.get('bboxes'))


def track_color(track_id: int) -> Tuple[int, int, int]:
    """The RGB colour of a track id.

    Args:
        track_id (int): A track id (>= 0).

    Returns:
        tuple[int, int, int]: ``TRACK_PALETTE[track_id % 16]``.
    """
    return TRACK_PALETTE[int(track_id) % len(TRACK_PALETTE)]


def draw_tracked_instances(visualizer, add_datasample: Callable, name: str,
                           image: np.ndarray, data_sample: PoseDataSample,
                           **kwargs) -> np.ndarray:
    """Draw the predicted people of a frame, each (keypoints, skeleton and
    box) in the colour of its track id.

    Every person is drawn by mmpose's ``add_datasample`` with the
    visualiser's ``kpt_color``, ``link_color`` and ``bbox_color`` set to
    :func:`track_color` of its id (restored afterwards). Without
    ``pred_instances.track_ids`` the frame is drawn as mmpose does.

    Args:
        visualizer (PoseLocalVisualizer): mmpose's visualiser.
        add_datasample (Callable): Its ``add_datasample`` method.
        name (str): The window / image name.
        image (np.ndarray): The frame, RGB.
        data_sample (PoseDataSample): The frame's prediction.
        **kwargs: Other arguments of ``add_datasample`` (``show``,
            ``wait_time``, ``out_file``, ``draw_bbox``, ``kpt_thr``, ...).

    Returns:
        np.ndarray: The rendered frame, RGB.
    """
    instances = data_sample.get('pred_instances')
    track_ids = None if instances is None else instances.get('track_ids')
    if track_ids is None or len(track_ids) == 0:
        return add_datasample(name, image, data_sample, **kwargs)
    show = kwargs.pop('show', False)
    out_file = kwargs.pop('out_file', None)
    wait_time = kwargs.get('wait_time', 0)
    saved = (visualizer.kpt_color, visualizer.link_color,
             visualizer.bbox_color)
    num_keypoints = instances.keypoints.shape[1]
    num_links = len(visualizer.skeleton or [])
    try:
        for index, track_id in enumerate(track_ids):
            color = track_color(track_id)
            visualizer.kpt_color = [color] * num_keypoints
            visualizer.link_color = [color] * num_links
            visualizer.bbox_color = color
            person = PoseDataSample(metainfo=data_sample.metainfo)
            person.pred_instances = instances[index:index + 1]
            image = add_datasample(name, image, person, **kwargs)
    finally:
        (visualizer.kpt_color, visualizer.link_color,
         visualizer.bbox_color) = saved
    if show:
        visualizer.show(image, win_name=name, wait_time=wait_time)
    if out_file is not None:
        import mmcv
        mmcv.imwrite(image[..., ::-1], out_file)
    return image


def add_track_ids(predictions: List[List[dict]],
                  data_samples: List[PoseDataSample]) -> None:
    """Add ``track_id`` to the JSON instances of each frame (in place).

    Args:
        predictions (list[list[dict]]): Per data sample, mmpose's instance
            dicts (``keypoints``, ``keypoint_scores``, ``bbox``, ...).
        data_samples (list[PoseDataSample]): The data samples, whose
            ``pred_instances.track_ids`` (if any) are added in order.
    """
    for instances, data_sample in zip(predictions, data_samples):
        track_ids = data_sample.pred_instances.get('track_ids')
        if track_ids is None:
            continue
        if len(track_ids) != len(instances):
            raise ValueError(f'{len(track_ids)} track ids for '
                             f'{len(instances)} instances.')
        for instance, track_id in zip(instances, track_ids):
            instance['track_id'] = int(track_id)
