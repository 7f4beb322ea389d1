"""Fixtures for the PoseTrack AP tests: the poseval reference cases and small
builders of PoseTrack18-format videos."""
import os.path as osp
from types import SimpleNamespace

import pytest
from tool_loading import load_tool

from tdmi_mmpose.io import POSETRACK18_KEYPOINT_NAMES
from tdmi_mmpose.evaluation.functional import POSEVAL_JOINT_NAMES

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
POSEVAL_CASES = osp.join(REPO_ROOT, '..', 'shared', 'data', 'poseval_cases')
CASE_NAMES = ('case01', 'case03', 'case06', 'case10')

CATEGORIES = [{
    'supercategory': 'person',
    'name': 'person',
    'id': 1,
    'keypoints': list(POSETRACK18_KEYPOINT_NAMES),
    'skeleton': [],
}]


def _index17(name: str) -> int:
    return POSETRACK18_KEYPOINT_NAMES.index('head_bottom' if name ==
                                            'neck' else name)


def body(x0: float, y0: float, skip=(), invisible=()) -> dict:
    """All 15 poseval joints of a person, joint j at (x0 + 20 j, y0 + 5 j).

    Args:
        skip: poseval joint names left out (written as [0, 0, 0]).
        invisible: joint names written as [x, y, 0].
    """
    joints = {}
    for j, name in enumerate(POSEVAL_JOINT_NAMES):
        if name in skip:
            continue
        joints[name] = (x0 + 20 * j, y0 + 5 * j, 0 if name in invisible else 1)
    return joints


def keypoints(joints: dict) -> list:
    """17 x 3 PoseTrack18 keypoints from ``{poseval joint name: (x, y[, v])}``
    (``neck`` is written as head_bottom; ears stay [0, 0, 0])."""
    values = [0] * (3 * len(POSETRACK18_KEYPOINT_NAMES))
    for name, point in joints.items():
        i = _index17(name)
        values[3 * i:3 * i +
               3] = [point[0], point[1], point[2] if len(point) > 2 else 1]
    return values


def gt_person(joints: dict, bbox_head=(0, 0, 30, 40)) -> dict:
    """A GT annotation; the default head box gives head size 30 (0.6 x 50)."""
    ann = {'keypoints': keypoints(joints), 'category_id': 1}
    if bbox_head is not None:
        ann['bbox_head'] = list(bbox_head)
    return ann


def pred_person(joints: dict, score=0.5) -> dict:
    """A predicted annotation; ``score`` is one value for all keypoints or a
    ``{joint name: score}`` dict (others 0.5), None for no ``scores``."""
    ann = {'keypoints': keypoints(joints), 'category_id': 1}
    if isinstance(score, dict):
        scores = [0.5] * len(POSETRACK18_KEYPOINT_NAMES)
        for name, value in score.items():
            scores[_index17(name)] = value
        ann['scores'] = scores
    elif score is not None:
        ann['scores'] = [float(score)] * len(POSETRACK18_KEYPOINT_NAMES)
    return ann


def video(name: str,
          frames: list,
          ignore_regions=None,
          labeled=None,
          first_id=None) -> dict:
    """A PoseTrack18 video JSON.

    Args:
        name: video name, e.g. ``'000001_mpii_test'``.
        frames: per frame, the list of annotations (see ``gt_person``).
        ignore_regions: ``{frame index: [polygon [(x, y), ...], ...]}``.
        labeled: per frame ``is_labeled`` (default: has people).
        first_id: image id of frame 0.
    """
    seq = int(name.split('_')[0])
    first_id = 10000000 + seq * 1000 if first_id is None else first_id
    images, annotations = [], []
    for index, people in enumerate(frames):
        image_id = first_id + index
        image = {
            'id': image_id,
            'file_name': f'images/val/{name}/{index:06d}.jpg',
            'vid_id': name.split('_')[0],
            'frame_id': image_id,
            'nframes': len(frames),
            'is_labeled': bool(people) if labeled is None else labeled[index]
        }
        for polygon in (ignore_regions or {}).get(index, []):
            image.setdefault('ignore_regions_x',
                             []).append([p[0] for p in polygon])
            image.setdefault('ignore_regions_y',
                             []).append([p[1] for p in polygon])
        images.append(image)
        for track_id, person in enumerate(people):
            annotations.append(
                dict(
                    person,
                    image_id=image_id,
                    id=len(annotations),
                    track_id=track_id))
    return {
        'images': images,
        'annotations': annotations,
        'categories': CATEGORIES
    }


@pytest.fixture
def pt():
    """Builders of small PoseTrack18 videos."""
    return SimpleNamespace(
        body=body,
        keypoints=keypoints,
        gt_person=gt_person,
        pred_person=pred_person,
        video=video,
        categories=CATEGORIES)


@pytest.fixture(scope='session')
def poseval_cases_dir():
    """The folder of poseval reference cases (skips if it is missing)."""
    if not osp.isdir(POSEVAL_CASES):
        pytest.skip(f'poseval reference cases not found at {POSEVAL_CASES}')
    return POSEVAL_CASES


@pytest.fixture
def poseval_sorted_listing():
    """poseval lists video files in sorted order during the test (see
    :func:`poseval_oracle.sorted_video_listing`)."""
    from poseval_oracle import sorted_video_listing
    with sorted_video_listing():
        yield


@pytest.fixture(scope='module')
def posetrack_eval_tool():
    """``tools/posetrack_eval.py`` as a module (tests call its ``main``)."""
    return load_tool('tools/posetrack_eval.py')
