# Copyright (c) tdmi_mmpose contributors.
from typing import Callable, Tuple

import numpy as np
from mmengine.structures import InstanceData
from mmpose.registry import VISUALIZERS
from mmpose.visualization import PoseLocalVisualizer

#: RGB colours of track ids (16 well-separated colours), see track_color.
TRACK_PALETTE: Tuple[Tuple[int, int, int], ...] = (
    (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200),
    (245, 130, 48), (145, 30, 180), (70, 240, 240), (240, 50, 230),
    (210, 245, 60), (250, 190, 212), (0, 128, 128), (220, 190, 255),
    (170, 110, 40), (255, 250, 200), (128, 0, 0), (170, 255, 195))


def track_color(track_id: int) -> Tuple[int, int, int]:
    """The RGB colour of a track id: ``TRACK_PALETTE[track_id % 16]``."""
    return TRACK_PALETTE[int(track_id) % len(TRACK_PALETTE)]


@VISUALIZERS.register_module()
class TrackPoseVisualizer(PoseLocalVisualizer):
    """mmpose's ``PoseLocalVisualizer`` drawing each person with
    ``track_ids`` (keypoints, skeleton, box) in its :func:`track_color`;
    instances without ``track_ids`` are drawn as ``PoseLocalVisualizer``
    draws them. Takes ``PoseLocalVisualizer``'s arguments."""

    def _draw_instances_kpts(self, image: np.ndarray, instances: InstanceData,
                             *args, **kwargs) -> np.ndarray:
        return self._draw_by_track(super()._draw_instances_kpts, image,
                                   instances, *args, **kwargs)

    def _draw_instances_bbox(self, image: np.ndarray,
                             instances: InstanceData) -> np.ndarray:
        return self._draw_by_track(super()._draw_instances_bbox, image,
                                   instances)

    def _draw_by_track(self, draw: Callable, image: np.ndarray,
                       instances: InstanceData, *args, **kwargs) -> np.ndarray:
        """``draw`` each person in its track colour (colours restored)."""
        track_ids = instances.get('track_ids')
        if track_ids is None or len(track_ids) == 0:
            return draw(image, instances, *args, **kwargs)
        saved = (self.kpt_color, self.link_color, self.bbox_color)
        num_keypoints = instances.keypoints.shape[1]
        num_links = len(self.skeleton or [])
        try:
            for index, track_id in enumerate(track_ids):
                color = np.array(track_color(track_id))
                self.kpt_color = np.tile(color, (num_keypoints, 1))
                self.link_color = np.tile(color, (num_links, 1))
                self.bbox_color = tuple(int(c) for c in color)
                image = draw(image, instances[index:index + 1], *args,
                             **kwargs)
        finally:
            self.kpt_color, self.link_color, self.bbox_color = saved
        return image
