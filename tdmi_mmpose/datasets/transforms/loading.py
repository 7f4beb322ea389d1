# Copyright (c) tdmi_mmpose contributors.
import os.path as osp
from typing import Dict, List, Optional

import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine.logging import print_log
from mmpose.registry import TRANSFORMS

from ...io.clip import key_frame_index
from ...io.frames import check_frame_size, read_frame
from ...utils.errors import InputError


@TRANSFORMS.register_module()
class LoadVideoFrames(LoadImageFromFile):
    """Load the T frames of a video sample as a list of images.

    As mmpose's ``LoadImage``, frames already in ``results['img']`` (T
    images, or one as T=1) are taken as they are. Otherwise each distinct
    file of ``frame_paths`` (default ``[img_path]``) is decoded once
    (:func:`~tdmi_mmpose.io.frames.read_frame`) and must have the key
    frame's size; a missing or undecodable frame is an error naming the
    file, unless ``missing_frame='key_frame'`` replaces a bad *supporting*
    frame by the key frame (one warning per video).

    Required Keys: img or frame_paths or img_path; key_frame_index
    (default: :func:`~tdmi_mmpose.io.clip.key_frame_index` of
    ``frame_offsets``); missing_frame (optional, the dataset's policy).

    Modified Keys: img (list[np.ndarray]: T images (H, W, 3), BGR uint8, or
    float32 with ``to_float32``), frame_paths (when read), key_frame_index.

    Added Keys: img_shape, ori_shape ((h, w) of the key frame),
    replaced_frames (list[int]: positions replaced by the key frame).

    Args:
        missing_frame (str, optional): ``'error'`` or ``'key_frame'``.
            ``None`` (default) uses ``results['missing_frame']``, else
            ``'error'``.
        **kwargs: Arguments of mmcv's ``LoadImageFromFile``.
    """

    def __init__(self, missing_frame: Optional[str] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if missing_frame not in (None, 'error', 'key_frame'):
            raise ValueError(f'Unknown missing_frame {missing_frame!r}; '
                             "expected None, 'error' or 'key_frame'.")
        self.missing_frame = missing_frame
        self._warned_videos = set()

    def transform(self, results: Dict) -> Dict:
        """Load (or take) the T frames of the sample into ``img``."""
        key = results.get('key_frame_index')
        if key is None:
            key = key_frame_index(results.get('frame_offsets', [0]))
        if 'img' in results:
            imgs = results['img']
            imgs = list(imgs) if isinstance(imgs, (list, tuple)) else [imgs]
            results['replaced_frames'] = []
        else:
            imgs = self._load(results, key)
        if self.to_float32:
            imgs = [img.astype(np.float32) for img in imgs]
        results.update(
            img=imgs,
            key_frame_index=key,
            img_shape=imgs[key].shape[:2],
            ori_shape=imgs[key].shape[:2])
        return results

    def _load(self, results: Dict, key: int) -> List[np.ndarray]:
        """Decode ``frame_paths``; sets it and ``replaced_frames``."""
        paths = list(results.get('frame_paths') or [results['img_path']])
        assert 0 <= key < len(paths), \
            f'key_frame_index {key} is out of range for {len(paths)} frames'
        fallback = (self.missing_frame
                    or results.get('missing_frame', 'error')) == 'key_frame'
        decoded = {paths[key]: self._read(paths[key])}
        imgs, replaced = [], []
        for i, path in enumerate(paths):
            if path not in decoded:
                img = self._read_supporting(path, results) \
                    if fallback else self._read(path)
                if img is None:
                    img = decoded[paths[key]]
                    replaced.append(i)
                check_frame_size(img, decoded[paths[key]].shape,
                                 f'Video frame {path}',
                                 f'the key frame {paths[key]}')
                decoded[path] = img
            # a file used twice (clamping, fallback) is copied
            imgs.append(decoded[path].copy() if any(
                decoded[path] is img for img in imgs) else decoded[path])
        results.update(frame_paths=paths, replaced_frames=replaced)
        return imgs

    def _read(self, path: str) -> np.ndarray:
        return read_frame(path, self.backend_args, self.color_type,
                          self.imdecode_backend)

    def _read_supporting(self, path: str,
                         results: Dict) -> Optional[np.ndarray]:
        """A supporting frame, or ``None`` (with one warning per video) if
        it is missing or undecodable."""
        try:
            return self._read(path)
        except (OSError, InputError) as error:
            video = results.get('video_name',
                                results.get('vid_id', osp.dirname(path)))
            if video not in self._warned_videos:
                self._warned_videos.add(video)
                print_log(
                    f'LoadVideoFrames: {error}; using the key frame instead '
                    f'(video {video!r}; further replacements in this video '
                    'are not reported).',
                    logger='current',
                    level=30)
            return None

    def __repr__(self) -> str:
        return (super().__repr__()[:-1] +
                f', missing_frame={self.missing_frame!r})')
