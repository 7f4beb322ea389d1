# Copyright (c) tdmi_mmpose contributors.
from .posetrack_ap_metric import PoseTrackAPMetric
from .posetrack_io import (evaluate_posetrack_ap, evaluate_posetrack_folders,
                           evaluate_posetrack_tracking, format_table,
                           load_posetrack_folders, load_posetrack_gt,
                           load_posetrack_predictions, parse_posetrack_video,
                           results_to_json)

__all__ = [
    'PoseTrackAPMetric', 'evaluate_posetrack_ap', 'evaluate_posetrack_folders',
    'evaluate_posetrack_tracking', 'format_table', 'load_posetrack_folders',
    'load_posetrack_gt', 'load_posetrack_predictions',
    'parse_posetrack_video', 'results_to_json'
]
