# Copyright (c) tdmi_mmpose contributors.
"""PoseTrack18 keypoints (names from mmpose's ``posetrack18`` metainfo) and
the ``categories`` entry of PoseTrack18-layout files."""
import os.path as osp
from collections import OrderedDict
from typing import List, Sequence

from mmpose.datasets.datasets.utils import parse_pose_metainfo

#: ``category_id`` of a person in COCO and PoseTrack files.
PERSON_CATEGORY_ID = 1


def posetrack18_metainfo_file() -> str:
    """mmpose's PoseTrack18 metainfo config, as an absolute path when the
    installed mmpose ships it (avoids mmpose's "file does not exist, using the
    matched one" warning).

    Returns:
        str: The path of ``configs/_base_/datasets/posetrack18.py``.
    """
    import mmpose
    rel = 'configs/_base_/datasets/posetrack18.py'
    path = osp.join(osp.dirname(mmpose.__file__), '.mim', rel)
    return path if osp.isfile(path) else rel


#: mmpose's parsed PoseTrack18 metainfo (names, flip pairs, sigmas, ...).
POSETRACK18_METAINFO = parse_pose_metainfo(
    dict(from_file=posetrack18_metainfo_file()))

#: PoseTrack18 keypoint names, in annotation order (from mmpose's metainfo).
POSETRACK18_KEYPOINT_NAMES = tuple(
    POSETRACK18_METAINFO['keypoint_id2name'][i]
    for i in range(POSETRACK18_METAINFO['num_keypoints']))

#: The ``categories[].skeleton`` of the PoseTrack18 release files (1-based
#: keypoint indices, 19 links). mmpose's metainfo ``skeleton_links`` is the
#: drawing skeleton (16 links) and does not list the head-ear links the
#: release files carry, so the release's list is kept here, once.
POSETRACK18_SKELETON = ((16, 14), (14, 12), (17, 15), (15, 13), (12, 13),
                        (6, 12), (7, 13), (6, 7), (6, 8), (7, 9), (8, 10),
                        (9, 11), (2, 3), (1, 2), (1, 3), (2, 4), (3, 5),
                        (4, 6), (5, 7))


def posetrack_categories(
        keypoint_names: Sequence[str] = POSETRACK18_KEYPOINT_NAMES,
        skeleton: Sequence[Sequence[int]] = POSETRACK18_SKELETON
) -> List[dict]:
    """The ``categories`` list of a PoseTrack18-layout file.

    Args:
        keypoint_names (Sequence[str]): The keypoint names. Defaults to
            PoseTrack18's.
        skeleton (Sequence[Sequence[int]]): 1-based keypoint index pairs.
            Defaults to the PoseTrack18 release skeleton.

    Returns:
        list[dict]: One ``person`` category (``supercategory``, ``name``,
        ``id``, ``keypoints``, ``skeleton``).
    """
    return [
        OrderedDict(
            supercategory='person',
            name='person',
            id=PERSON_CATEGORY_ID,
            keypoints=list(keypoint_names),
            skeleton=[list(link) for link in skeleton])
    ]
