# Copyright (c) tdmi_mmpose contributors.
from typing import Sequence

from mmpose.datasets.transforms import PackPoseInputs
from mmpose.registry import TRANSFORMS

#: mmpose's default ``PackPoseInputs`` meta keys.
MMPOSE_META_KEYS = ('id', 'img_id', 'img_path', 'category_id', 'crowd_index',
                    'ori_shape', 'img_shape', 'input_size', 'input_center',
                    'input_scale', 'flip', 'flip_direction', 'flip_indices',
                    'raw_ann_info', 'dataset_name')

#: Keys a video model and the PoseTrack metric read from a sample's metainfo.
VIDEO_META_KEYS = ('key_frame_index', 'frame_offsets', 'frame_paths', 'vid_id',
                   'frame_id', 'frame_index', 'nframes', 'video_name',
                   'track_id', 'bbox_score', 'is_labeled', 'bbox_head',
                   'ignore_regions', 'replaced_frames')


@TRANSFORMS.register_module()
class PackVideoPoseInputs(PackPoseInputs):
    """:class:`mmpose.datasets.transforms.PackPoseInputs` for video samples.

    Packs ``img`` (a list of T images, or one image as T=1) into ``inputs``
    of shape ``(T, 3, H, W)`` (mmpose's ``image_to_tensor`` stacks the list)
    and, by default, also stores the video keys in the data sample's
    metainfo.

    Required Keys:

        - img (list[np.ndarray] | np.ndarray)
        - the keys in ``meta_keys`` that are present are packed; the
          targets/instances as in :class:`PackPoseInputs`

    Added Keys:

        - inputs (torch.Tensor): ``(T, 3, H, W)``, dtype of the images
        - data_samples (:obj:`PoseDataSample`)

    Args:
        meta_keys (Sequence[str]): Meta keys to store. Defaults to mmpose's
            defaults plus ``key_frame_index``, ``frame_offsets``,
            ``frame_paths``, ``vid_id``, ``frame_id``, ``frame_index``,
            ``nframes``, ``video_name``, ``track_id``, ``bbox_score``,
            ``is_labeled``, ``bbox_head``, ``ignore_regions`` and
            ``replaced_frames``.
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
