# Copyright (c) tdmi_mmpose contributors.
from .posetrack_ap_metric import PoseTrackAPMetric
from .posetrack_evaluation import (evaluate_posetrack_folders,
                                   evaluate_posetrack_videos,
                                   format_poseval_table, format_report,
                                   results_to_json)
from .posetrack_files import (check_track_ids, load_posetrack_gt,
                              parse_posetrack_video, parse_posetrack_videos,
                              prediction_video, write_prediction_files,
                              written_people)

__all__ = [
    'PoseTrackAPMetric', 'check_track_ids', 'evaluate_posetrack_folders',
    'evaluate_posetrack_videos', 'format_poseval_table', 'format_report',
    'load_posetrack_gt', 'parse_posetrack_video', 'parse_posetrack_videos',
    'prediction_video', 'results_to_json', 'write_prediction_files',
    'written_people'
]
