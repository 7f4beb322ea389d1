# Copyright (c) tdmi_mmpose contributors.
"""poseval's AP and MOTA and the PoseTrack21 kit's AP and keypoint HOTA, as
computation on arrays (the frames come from :mod:`..metrics`)."""
from .average_precision import (compute_ap_metrics, compute_rpc, nanless_mean,
                                summarize_table, voc_ap)
from .geometry import (frame_without_ignored, head_size,
                       kit_frame_without_ignored, pair_distance, pckh_hits,
                       points_in_polygon)
from .joints import (AP_TABLE_HEADERS, MISSING_SCORE, MOTA_TABLE_HEADERS,
                     MOTA_TABLE_NAMES, NUM_JOINTS, PCKH_THRESHOLD,
                     POSETRACK18_TO_POSEVAL, POSEVAL_JOINT_NAMES,
                     POSEVAL_SOURCE_NAMES, TABLE_GROUPS, TABLE_NAMES,
                     to_poseval_joints)
from .matching import assign_predictions, match_frame
from .poseval_ap import ap_result, match_frames, poseval_ap
from .posetrack21_ap import AP_PROTOCOLS, positive_joints, posetrack21_ap
from .posetrack21_hota import (HOTA_ALPHAS, HOTA_NAMES, TRACKING_PROTOCOLS,
                               keypoint_similarity, posetrack21_hota)
from .posetrack_mota import MAX_TRACK_ID, MOT_COUNT_NAMES, poseval_mota

__all__ = [
    'AP_TABLE_HEADERS', 'MISSING_SCORE', 'MOTA_TABLE_HEADERS',
    'MOTA_TABLE_NAMES', 'NUM_JOINTS', 'PCKH_THRESHOLD',
    'POSETRACK18_TO_POSEVAL', 'POSEVAL_JOINT_NAMES', 'POSEVAL_SOURCE_NAMES',
    'TABLE_GROUPS', 'TABLE_NAMES', 'assign_predictions', 'compute_ap_metrics',
    'compute_rpc', 'frame_without_ignored', 'head_size', 'match_frame',
    'nanless_mean', 'pckh_hits', 'points_in_polygon', 'poseval_ap',
    'summarize_table', 'to_poseval_joints', 'voc_ap', 'MAX_TRACK_ID',
    'MOT_COUNT_NAMES', 'poseval_mota', 'AP_PROTOCOLS', 'ap_result',
    'match_frames', 'positive_joints', 'posetrack21_ap', 'HOTA_ALPHAS',
    'HOTA_NAMES', 'TRACKING_PROTOCOLS', 'keypoint_similarity',
    'posetrack21_hota', 'kit_frame_without_ignored', 'pair_distance'
]
