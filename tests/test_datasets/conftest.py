"""Tiny hand-made PoseTrack18-layout videos for the dataset and transform
tests (written with cv2 into ``tmp_path``).

Every frame is a uniform image whose grey value encodes its frame index
(:func:`frame_value`), so a test can tell which file a loaded frame came
from.
"""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope

import tdmi_mmpose  # noqa: F401

NUM_KPTS = 17


@pytest.fixture(autouse=True)
def _mmpose_scope():
    init_default_scope('mmpose')


def frame_value(t: int) -> int:
    """Grey value of frame ``t`` of a tiny video."""
    return (5 + 30 * t) % 250


def image_id(vid_id: str, t: int) -> int:
    return int(f'1{vid_id}{t:04d}')


def person(img_id: int,
           ann_id: int,
           x=10.0,
           y=8.0,
           w=30.0,
           h=30.0,
           track_id=0,
           visible=True,
           **extra) -> dict:
    """A PoseTrack18 annotation: 17 keypoints spread over the box."""
    kpts = []
    for k in range(NUM_KPTS):
        kx = x + w * (0.2 + 0.6 * (k % 4) / 3)
        ky = y + h * (0.1 + 0.8 * (k // 4) / 4)
        kpts += [round(kx, 2), round(ky, 2), 1] if visible else [0, 0, 0]
    ann = dict(
        bbox=[x, y, w, h],
        bbox_head=[x + w * 0.4, y, w * 0.2, h * 0.15],
        keypoints=kpts,
        track_id=track_id,
        image_id=img_id,
        category_id=1,
        id=ann_id,
        scores=[])
    ann.update(extra)
    return ann


class PoseTrackWriter:
    """Writes tiny PoseTrack18-layout videos under ``root``.

    Args:
        root (str): Dataset root.
    """

    frame_value = staticmethod(frame_value)
    image_id = staticmethod(image_id)
    person = staticmethod(person)

    def __init__(self, root: str):
        self.root = str(root)

    def video(self,
              name='000001_mpii_test',
              nframes=6,
              split='val',
              labeled=(0, 3, 5),
              listed=None,
              file_name=None,
              width=64,
              height=48,
              with_size=True,
              write_images=True,
              people_per_frame=1) -> dict:
        """Build (and write the frames of) one video; returns its JSON dict
        (not written, see :meth:`write_json`).

        Args:
            listed (Sequence[int], optional): frames in ``images`` (all).
            file_name (callable, optional): ``t -> file name`` (default
                ``images/<split>/<name>/<t:06d>.jpg``).
            people_per_frame (int): annotated people per labeled frame.
        """
        vid_id = name.split('_')[0]
        file_name = file_name or (
            lambda t: f'images/{split}/{name}/{t:06d}.jpg')
        listed = range(nframes) if listed is None else listed
        images, annotations = [], []
        for t in range(nframes):
            if write_images:
                path = osp.join(self.root, file_name(t))
                os.makedirs(osp.dirname(path), exist_ok=True)
                img = np.full((height, width, 3), frame_value(t), np.uint8)
                assert cv2.imwrite(path, img, [cv2.IMWRITE_JPEG_QUALITY, 95])
            if t not in listed:
                continue
            img_id = image_id(vid_id, t)
            image = dict(
                file_name=file_name(t),
                id=img_id,
                frame_id=img_id,
                vid_id=vid_id,
                nframes=nframes,
                is_labeled=t in labeled)
            if with_size:
                image.update(width=width, height=height)
            images.append(image)
            if t in labeled:
                for p in range(people_per_frame):
                    annotations.append(
                        person(
                            img_id,
                            img_id * 100 + p,
                            x=10.0 + 5 * p,
                            track_id=p))
        return dict(
            images=images,
            annotations=annotations,
            categories=[dict(id=1, name='person', supercategory='person')])

    def write_json(self, obj, rel_path: str) -> str:
        path = osp.join(self.root, rel_path)
        os.makedirs(osp.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            if isinstance(obj, str):
                f.write(obj)
            else:
                json.dump(obj, f)
        return path

    def frame_path(self, name, t, split='val') -> str:
        return osp.join(self.root, f'images/{split}/{name}/{t:06d}.jpg')


@pytest.fixture
def writer(tmp_path):
    return PoseTrackWriter(tmp_path)
