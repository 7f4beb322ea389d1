# Copyright (c) tdmi_mmpose contributors.
import os.path as osp
from typing import Dict, List, Optional

import mmcv
import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine import fileio
from mmengine.logging import print_log
from mmpose.registry import TRANSFORMS

from ...utils.errors import InputError


@TRANSFORMS.register_module()
class LoadVideoFrames(LoadImageFromFile):
    """Load the T frames of a video sample as a list of images.

    Each distinct file is read and decoded once (a frame repeated by boundary
    clamping is decoded once and copied). All frames must have the key frame's
    size. A missing or undecodable frame raises an error that names the file
    (``FileNotFoundError`` / :class:`InputError`), unless the fallback
    is enabled: then a missing or corrupt *supporting* frame is replaced by
    the key frame and a warning is given once per video. A bad key frame is
    always an error.

    Without ``frame_paths`` in the results the sample is treated as a single
    frame (``[img_path]``, T=1), so any top-down dataset can use it.

    Required Keys:

        - frame_paths (optional, default ``[img_path]``)
        - img_path (if ``frame_paths`` is absent)
        - key_frame_index (optional, default 0)
        - missing_frame (optional, the dataset's policy; used when
          ``missing_frame`` is ``None`` here)
        - video_name / vid_id (optional, to warn once per video)

    Modified Keys:

        - frame_paths
        - key_frame_index

    Added Keys:

        - img (list[np.ndarray]): T images (H, W, 3), BGR uint8 (float32
          with ``to_float32``), in the order of ``frame_paths``
        - img_shape (tuple): (h, w) of the key frame
        - ori_shape (tuple): (h, w) of the key frame
        - replaced_frames (list[int]): positions replaced by the key frame

    Args:
        missing_frame (str, optional): ``'error'`` or ``'key_frame'``.
            ``None`` (default) uses ``results['missing_frame']`` (set by
            :class:`PoseTrackVideoDataset`), else ``'error'``.
        to_float32 (bool): Return float32 images. Defaults to ``False``.
        color_type (str): Flag for :func:`mmcv.imfrombytes`. Defaults to
            ``'color'``.
        imdecode_backend (str): Decoding backend for :func:`mmcv.imfrombytes`.
            Defaults to ``'cv2'``.
        backend_args (dict, optional): File backend arguments (mmengine
            ``fileio``). Defaults to ``None``.
    """

    def __init__(self,
                 missing_frame: Optional[str] = None,
                 to_float32: bool = False,
                 color_type: str = 'color',
                 imdecode_backend: str = 'cv2',
                 backend_args: Optional[dict] = None) -> None:
        super().__init__(
            to_float32=to_float32,
            color_type=color_type,
            imdecode_backend=imdecode_backend,
            backend_args=backend_args)
        if missing_frame not in (None, 'error', 'key_frame'):
            raise ValueError(f'Unknown missing_frame {missing_frame!r}; '
                             "expected None, 'error' or 'key_frame'.")
        self.missing_frame = missing_frame
        self._warned_videos = set()

    def _read_frame(self, path: str) -> np.ndarray:
        """Read and decode one file; errors name the file."""
        try:
            img_bytes = fileio.get(path, backend_args=self.backend_args)
        except FileNotFoundError as e:
            raise FileNotFoundError(f'Video frame not found: {path}') from e
        except OSError as e:
            raise InputError(
                f'Cannot read video frame {path}: {e}') from e
        img = None
        if img_bytes:
            try:
                img = mmcv.imfrombytes(
                    img_bytes,
                    flag=self.color_type,
                    backend=self.imdecode_backend)
            except Exception:  # decoder-specific errors: reported below
                img = None
        if img is None or img.size == 0:
            raise InputError(
                f'Cannot decode video frame {path} (empty or corrupt image '
                'file).')
        if self.to_float32:
            img = img.astype(np.float32)
        return img

    def transform(self, results: Dict) -> Dict:
        """Load all frames of the sample.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict with ``img`` as a list of T images.
        """
        paths: List[str] = list(
            results.get('frame_paths') or [results['img_path']])
        key = int(results.get('key_frame_index', 0))
        if not 0 <= key < len(paths):
            raise ValueError(f'key_frame_index {key} is out of range for '
                             f'{len(paths)} frame paths.')
        policy = self.missing_frame or results.get('missing_frame', 'error')

        key_img = self._read_frame(paths[key])
        decoded = {paths[key]: key_img}
        imgs = []
        replaced = []
        for i, path in enumerate(paths):
            if path not in decoded:
                try:
                    img = self._read_frame(path)
                except (FileNotFoundError, InputError) as e:
                    if policy != 'key_frame':
                        raise
                    self._warn_fallback(results, path, e)
                    img = key_img
                    replaced.append(i)
                if img.shape != key_img.shape:
                    raise ValueError(
                        f'Video frame {path} has shape {img.shape}, but the '
                        f'key frame {paths[key]} has shape {key_img.shape}; '
                        'all frames of a sample must have the same size.')
                decoded[path] = img
            imgs.append(decoded[path])
        # a file used twice (boundary clamping, fallback) is decoded once and
        # copied, so that no two frames share memory
        seen = set()
        for i, img in enumerate(imgs):
            if id(img) in seen:
                imgs[i] = img.copy()
            seen.add(id(img))

        results['img'] = imgs
        results['frame_paths'] = paths
        results['key_frame_index'] = key
        results['img_shape'] = key_img.shape[:2]
        results['ori_shape'] = key_img.shape[:2]
        results['replaced_frames'] = replaced
        return results

    def _warn_fallback(self, results: Dict, path: str,
                       error: Exception) -> None:
        video = results.get('video_name',
                            results.get('vid_id', osp.dirname(path)))
        if video in self._warned_videos:
            return
        self._warned_videos.add(video)
        print_log(
            f'LoadVideoFrames: {error}; using the key frame instead (video '
            f'{video!r}; further replacements in this video are not '
            'reported).',
            logger='current',
            level=30)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'missing_frame={self.missing_frame!r}, '
                f'to_float32={self.to_float32}, '
                f"color_type='{self.color_type}', "
                f"imdecode_backend='{self.imdecode_backend}', "
                f'backend_args={self.backend_args})')
