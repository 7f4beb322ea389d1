# Copyright (c) tdmi_mmpose contributors.
import inspect
from typing import Sequence

from mmpose.datasets.transforms import PackPoseInputs
from mmpose.registry import TRANSFORMS

#: mmpose's default ``PackPoseInputs`` meta keys (read from mmpose).
MMPOSE_META_KEYS = inspect.signature(
    PackPoseInputs.__init__).parameters['meta_keys'].default

#: Keys a video model and the PoseTrack metric read from a sample's metainfo.
VIDEO_META_KEYS = ('key_frame_index', 'frame_offsets', 'frame_paths', 'vid_id',
                   'frame_id', 'frame_index', 'nframes', 'video_name',
                   'track_id', 'bbox_score', 'is_labeled', 'bbox_head',
                   'ignore_regions', 'replaced_frames')


@TRANSFORMS.register_module()
class PackVideoPoseInputs(PackPoseInputs):
    """:class:`mmpose.datasets.transforms.PackPoseInputs` for video samples:
    ``img`` (T images, or one as T=1) is packed into ``inputs`` of shape
    ``(T, 3, H, W)``, and :data:`VIDEO_META_KEYS` go into the metainfo.

    Args:
        meta_keys (Sequence[str]): Meta keys to store. Defaults to
            :data:`MMPOSE_META_KEYS` + :data:`VIDEO_META_KEYS`.
        pack_transformed (bool): Also pack ``transformed_keypoints`` (for
            visualisation). Defaults to ``False``.
    """

    def __init__(self,
                 meta_keys: Sequence[str] = MMPOSE_META_KEYS + VIDEO_META_KEYS,
                 pack_transformed: bool = False):
        super().__init__(
            meta_keys=tuple(meta_keys), pack_transformed=pack_transformed)

    def transform(self, results: dict) -> dict:
        """Pack the sample; ``inputs`` is always ``(T, 3, H, W)``."""
        if not isinstance(results['img'], list):  # one image: T = 1
            results = dict(results, img=[results['img']])
        return super().transform(results)
