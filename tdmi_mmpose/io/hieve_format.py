# Copyright (c) tdmi_mmpose contributors.
"""HiEve pose facts: the label files' joint tags and visibility flags, and
the metainfo config ``configs/_base_/datasets/hieve.py`` (its keypoint
names are the tags in snake_case)."""
import os.path as osp
from functools import lru_cache
from typing import List

from mmpose.datasets.datasets.utils import parse_pose_metainfo

from .keypoints import metainfo_keypoint_names, posetrack_categories

#: The joint tags of HiEve's label files, in the official order 0-13.
HIEVE_JOINT_TAGS = ('Nose', 'Chest', 'Right-shoulder', 'Right-elbow',
                    'Right-wrist', 'Left-shoulder', 'Left-elbow',
                    'Left-wrist', 'Right-hip', 'Right-knee', 'Right-ankle',
                    'Left-hip', 'Left-knee', 'Left-ankle')

#: HiEve flag (0 visible, 1 occluded, -1 not annotated) -> COCO ``v``.
HIEVE_FLAG_TO_VISIBILITY = {0: 2, 1: 1, -1: 0}

_METAINFO_REL = 'configs/_base_/datasets/hieve.py'


def hieve_metainfo_file() -> str:
    """The HiEve metainfo config: the package's ``.mim`` copy, else the
    source tree's."""
    package = osp.dirname(osp.dirname(osp.abspath(__file__)))
    for root in (osp.join(package, '.mim'), osp.dirname(package)):
        path = osp.join(root, _METAINFO_REL)
        if osp.isfile(path):
            return path
    raise FileNotFoundError(
        f'HiEve metainfo config {_METAINFO_REL} not found in the package '
        f'({package}/.mim) nor in the source tree.')


@lru_cache()
def hieve_metainfo() -> dict:
    """mmpose's parsed HiEve metainfo, its names checked against
    :data:`HIEVE_JOINT_TAGS`."""
    metainfo = parse_pose_metainfo(dict(from_file=hieve_metainfo_file()))
    names = metainfo_keypoint_names(metainfo)
    expected = [tag.lower().replace('-', '_') for tag in HIEVE_JOINT_TAGS]
    assert names == expected, (
        f'{hieve_metainfo_file()}: keypoint names {names} do not follow '
        f'the HiEve order {expected}.')
    return metainfo


def hieve_keypoint_names() -> List[str]:
    """The 14 keypoint names, in HiEve order (snake_case)."""
    return metainfo_keypoint_names(hieve_metainfo())


def hieve_categories() -> List[dict]:
    """The ``categories`` of converted HiEve files
    (:func:`~.keypoints.posetrack_categories`, the metainfo's skeleton)."""
    links = hieve_metainfo()['skeleton_links']
    return posetrack_categories(
        hieve_keypoint_names(), [(a + 1, b + 1) for a, b in links])
