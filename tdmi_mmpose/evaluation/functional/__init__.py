# Copyright (c) tdmi_mmpose contributors.
from .posetrack_ap import (
    MISSING_SCORE, NUM_JOINTS, PCKH_THRESHOLD, POSETRACK18_KEYPOINT_NAMES,
    POSETRACK18_TO_POSEVAL, POSEVAL_JOINT_NAMES, TABLE_GROUPS, TABLE_NAMES,
    assign_predictions, compute_ap_metrics, compute_rpc, evaluate_posetrack_ap,
    evaluate_posetrack_folders, format_table, head_size, ignored_points_mask,
    load_json_file, load_posetrack_gt, load_posetrack_predictions, match_frame,
    parse_posetrack_video, pckh_hits, points_in_polygon, remove_ignored_joints,
    results_to_json, split_posetrack_videos, summarize_table, voc_ap)

__all__ = [
    'MISSING_SCORE', 'NUM_JOINTS', 'PCKH_THRESHOLD',
    'POSETRACK18_KEYPOINT_NAMES', 'POSETRACK18_TO_POSEVAL',
    'POSEVAL_JOINT_NAMES', 'TABLE_GROUPS', 'TABLE_NAMES', 'assign_predictions',
    'compute_ap_metrics', 'compute_rpc', 'evaluate_posetrack_ap',
    'evaluate_posetrack_folders', 'format_table', 'head_size',
    'ignored_points_mask', 'load_json_file', 'load_posetrack_gt',
    'load_posetrack_predictions', 'match_frame', 'parse_posetrack_video',
    'pckh_hits', 'points_in_polygon', 'remove_ignored_joints',
    'results_to_json', 'split_posetrack_videos', 'summarize_table', 'voc_ap'
]
