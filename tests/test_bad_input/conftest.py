"""Small PoseTrack18-layout files for the bad-input tests: annotations
(no image files: every image has ``width`` and ``height``), detections and
PoseTrack2017 ``annolist`` files, written with Python's ``json`` (which
writes NaN and Infinity as the non-standard tokens a broken export
produces)."""
import json
import os
import os.path as osp

import pytest
from mmengine.registry import init_default_scope

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.io import posetrack_categories

NUM_KPTS = 17
VIDEO = '000001_mpii_test'


@pytest.fixture(autouse=True)
def _mmpose_scope():
    init_default_scope('mmpose')


def image_id(t: int, vid: str = '000001') -> int:
    return int(f'1{vid}{t:04d}')


def person(img_id: int, ann_id: int, track_id: int = 0) -> dict:
    """A PoseTrack18 annotation with 17 annotated keypoints in its box."""
    keypoints = []
    for k in range(NUM_KPTS):
        keypoints += [12.0 + k, 10.0 + k, 1]
    return dict(
        bbox=[10.0, 8.0, 30.0, 30.0],
        bbox_head=[20.0, 8.0, 8.0, 6.0],
        keypoints=keypoints,
        track_id=track_id,
        image_id=img_id,
        category_id=1,
        id=ann_id,
        scores=[])


def video(name: str = VIDEO, nframes: int = 3, labeled=(1, )) -> dict:
    """One video: ``nframes`` 64 x 48 frames, one person per labelled
    frame."""
    vid = name.split('_')[0]
    images, annotations = [], []
    for t in range(nframes):
        img_id = image_id(t, vid)
        images.append(
            dict(
                file_name=f'images/val/{name}/{t:06d}.jpg',
                id=img_id,
                frame_id=img_id,
                vid_id=vid,
                nframes=nframes,
                is_labeled=t in labeled,
                width=64,
                height=48))
        if t in labeled:
            annotations.append(person(img_id, img_id * 100))
    return dict(
        images=images,
        annotations=annotations,
        categories=posetrack_categories())


def pt17_video(folder: str = '000001_mpii', nframes: int = 2) -> dict:
    """A PoseTrack2017 ``annolist`` file: one person per frame."""
    annolist = []
    for t in range(nframes):
        points = [
            dict(id=[j], x=[100.0 + j], y=[50.0 + j], is_visible=[1])
            for j in range(15)
        ]
        annolist.append(
            dict(
                image=[dict(name=f'images/bonn/{folder}/{t + 1:08d}.jpg')],
                imgnum=[t + 1],
                is_labeled=[1],
                annorect=[
                    dict(
                        x1=[90],
                        y1=[20],
                        x2=[130],
                        y2=[60],
                        track_id=[0],
                        annopoints=[dict(point=points)])
                ]))
    return dict(annolist=annolist)


def write_json(path, obj) -> str:
    """Write ``obj`` (or a str as is) to ``path``; returns the path."""
    path = str(path)
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        if isinstance(obj, str):
            f.write(obj)
        else:
            json.dump(obj, f)
    return path


class PoseTrackFiles:
    """The helpers above, for tests (as the ``pt`` fixture: test modules
    cannot import ``conftest`` unambiguously)."""

    VIDEO = VIDEO
    image_id = staticmethod(image_id)
    person = staticmethod(person)
    video = staticmethod(video)
    pt17_video = staticmethod(pt17_video)
    write_json = staticmethod(write_json)


@pytest.fixture
def pt():
    return PoseTrackFiles
