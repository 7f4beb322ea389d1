# Copyright (c) tdmi_mmpose contributors.
"""HiEve pose facts, in one place: the official joint names of the label
files, the visibility flags, the metainfo config and the ``categories`` of
the converted files.

HiEve (http://humaninevents.org/format.html) labels 14 joints per person, in
the order of :data:`HIEVE_JOINT_TAGS`. The keypoint names, flip pairs,
skeleton and OKS sigmas used for training and evaluation live in the mmpose
dataset-info config ``configs/_base_/datasets/hieve.py``
(:func:`hieve_metainfo`); its names are the tags in snake_case.
"""
import os.path as osp
from functools import lru_cache
from typing import List

from mmpose.datasets.datasets.utils import parse_pose_metainfo

from .keypoints import posetrack_categories

#: The joint names of HiEve's label files, in the official order 0-13
#: (the tags of the all-track files, e.g. ``<Right-shoulder>``).
HIEVE_JOINT_TAGS = ('Nose', 'Chest', 'Right-shoulder', 'Right-elbow',
                    'Right-wrist', 'Left-shoulder', 'Left-elbow',
                    'Left-wrist', 'Right-hip', 'Right-knee', 'Right-ankle',
                    'Left-hip', 'Left-knee', 'Left-ankle')

#: HiEve visibility flag -> COCO/PoseTrack ``v`` of the converted files.
#: HiEve writes 0 for visible, 1 for invisible (occluded but labelled) and
#: -1 for not annotated, the reverse of COCO's order; COCO's ``v`` is 2 for
#: visible, 1 for labelled but occluded and 0 (with x = y = 0) for not
#: labelled. The dataset and COCO's OKS count every ``v > 0`` joint.
HIEVE_FLAG_TO_VISIBILITY = {0: 2, 1: 1, -1: 0}

#: The metainfo config, relative to the configs folder's parent.
_METAINFO_REL = 'configs/_base_/datasets/hieve.py'


def hieve_metainfo_file() -> str:
    """The HiEve dataset-info config: the copy shipped in the package
    (``tdmi_mmpose/.mim/configs``) if present, else the source tree's.

    Returns:
        str: The path of ``configs/_base_/datasets/hieve.py``.
    """
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
    """mmpose's parsed HiEve metainfo (names, flip pairs, sigmas, ...).

    Returns:
        dict: As :func:`mmpose.datasets.datasets.utils.parse_pose_metainfo`.

    Raises:
        ValueError: The config's names do not follow
            :data:`HIEVE_JOINT_TAGS`.
    """
    metainfo = parse_pose_metainfo(dict(from_file=hieve_metainfo_file()))
    names = [
        metainfo['keypoint_id2name'][i]
        for i in range(metainfo['num_keypoints'])
    ]
    expected = [tag.lower().replace('-', '_') for tag in HIEVE_JOINT_TAGS]
    if names != expected:
        raise ValueError(f'{hieve_metainfo_file()}: keypoint names {names} '
                         f'do not follow the HiEve order {expected}.')
    return metainfo


def hieve_keypoint_names() -> List[str]:
    """The 14 keypoint names, in HiEve order (snake_case)."""
    metainfo = hieve_metainfo()
    return [
        metainfo['keypoint_id2name'][i]
        for i in range(metainfo['num_keypoints'])
    ]


def hieve_categories() -> List[dict]:
    """The ``categories`` of converted HiEve files: one ``person`` with the
    14 keypoint names and the metainfo's skeleton (1-based pairs).

    Returns:
        list[dict]: See
        :func:`~tdmi_mmpose.io.posetrack_categories`.
    """
    links = hieve_metainfo()['skeleton_links']
    return posetrack_categories(
        hieve_keypoint_names(), [(a + 1, b + 1) for a, b in links])
