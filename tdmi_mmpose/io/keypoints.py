# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack18 keypoints (names from mmpose's ``posetrack18`` metainfo) and
the ``categories`` entry of PoseTrack18-layout files."""
import os.path as osp
from typing import List, Sequence

from mmpose.datasets.datasets.utils import parse_pose_metainfo

#: ``category_id`` of a person in COCO and PoseTrack files.
PERSON_CATEGORY_ID = 1


def posetrack18_metainfo_file() -> str:
    """mmpose's PoseTrack18 metainfo config, an absolute path where the
    installed mmpose ships it (no "using the matched one" warning)."""
    import mmpose
    rel = 'configs/_base_/datasets/posetrack18.py'
    path = osp.join(osp.dirname(mmpose.__file__), '.mim', rel)
    return path if osp.isfile(path) else rel


#: mmpose's parsed PoseTrack18 metainfo (names, flip pairs, sigmas, ...).
POSETRACK18_METAINFO = parse_pose_metainfo(
    dict(from_file=posetrack18_metainfo_file()))


def metainfo_keypoint_names(metainfo: dict) -> List[str]:
    """The keypoint names of parsed metainfo, in annotation order."""
    return [metainfo['keypoint_id2name'][i]
            for i in range(metainfo['num_keypoints'])]


POSETRACK18_KEYPOINT_NAMES = tuple(
    metainfo_keypoint_names(POSETRACK18_METAINFO))

#: The release files' ``categories[].skeleton`` (1-based, 19 links; mmpose's
#: drawing skeleton lacks the head-ear links).
POSETRACK18_SKELETON = ((16, 14), (14, 12), (17, 15), (15, 13), (12, 13),
                        (6, 12), (7, 13), (6, 7), (6, 8), (7, 9), (8, 10),
                        (9, 11), (2, 3), (1, 2), (1, 3), (2, 4), (3, 5),
                        (4, 6), (5, 7))


def posetrack_categories(
        keypoint_names: Sequence[str] = POSETRACK18_KEYPOINT_NAMES,
        skeleton: Sequence[Sequence[int]] = POSETRACK18_SKELETON
) -> List[dict]:
    """The ``categories`` of a PoseTrack18-layout file: one ``person``
    with ``keypoint_names`` and ``skeleton`` (1-based pairs)."""
    return [
        dict(supercategory='person', name='person', id=PERSON_CATEGORY_ID,
             keypoints=list(keypoint_names),
             skeleton=[list(link) for link in skeleton])
    ]
