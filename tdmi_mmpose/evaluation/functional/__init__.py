# Copyright (c) tdmi_mmpose contributors.
"""poseval's AP and tracking MOTA as pure computation (no file IO)."""
from .average_precision import (compute_ap_metrics, compute_rpc,
                                summarize_table, voc_ap)
from .geometry import (head_size, ignored_points_mask, pckh_hits,
                       points_in_polygon, remove_ignored_joints)
from .joints import (MISSING_SCORE, NUM_JOINTS, PCKH_THRESHOLD,
                     POSETRACK18_TO_POSEVAL, POSEVAL_JOINT_NAMES,
                     POSEVAL_SOURCE_NAMES, TABLE_GROUPS, TABLE_NAMES)
from .matching import assign_predictions, match_frame
from .poseval_ap import summarize_videos, video_entries
# After the AP names: posetrack_mota builds on them.
from .posetrack_mota import (MAX_TRACK_ID, MOT_COUNT_NAMES, MOTA_TABLE_NAMES,
                             check_track_id, check_track_ids,
                             evaluate_posetrack_mota, evaluated_frame_pairs,
                             format_mota_table, frame_mot_inputs,
                             mot_metrics_from_counts, summarize_mota_table,
                             video_mot_counts)

__all__ = [
    'MISSING_SCORE', 'NUM_JOINTS', 'PCKH_THRESHOLD', 'POSETRACK18_TO_POSEVAL',
    'POSEVAL_JOINT_NAMES', 'POSEVAL_SOURCE_NAMES', 'TABLE_GROUPS',
    'TABLE_NAMES', 'assign_predictions', 'compute_ap_metrics', 'compute_rpc',
    'head_size', 'ignored_points_mask', 'match_frame', 'pckh_hits',
    'points_in_polygon', 'remove_ignored_joints', 'summarize_table',
    'summarize_videos', 'video_entries', 'voc_ap', 'MAX_TRACK_ID',
    'MOT_COUNT_NAMES', 'MOTA_TABLE_NAMES', 'check_track_id',
    'check_track_ids', 'evaluate_posetrack_mota', 'evaluated_frame_pairs',
    'format_mota_table', 'frame_mot_inputs', 'mot_metrics_from_counts',
    'summarize_mota_table', 'video_mot_counts'
]
