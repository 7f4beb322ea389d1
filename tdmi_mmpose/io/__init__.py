# Copyright (c) tdmi_mmpose contributors.
"""The input boundary: what enters the package from files and users is read
and checked here, once, and bad input raises :class:`InputError` naming the
file, record, field or value. Code behind it trusts what it gets."""
from .boxes import boxes_outside, clip_boxes, xywh_to_xyxy
from ..utils.errors import InputError
from .checkpoints import (check_checkpoint_file, check_state_dict_matches,
                          load_checkpoint_strict, load_from_local,
                          register_checkpoint_safe_globals)
from .cli_args import (non_negative_int, positive_float, positive_int,
                       unit_interval)
from .clip import check_frame_offsets, key_frame_index, random_frame_offsets
from .config import (CfgOptionsAction, apply_clip, is_path_variable,
                     load_config, retarget_data_root)
from .detections import read_detections
from .frames import open_frame_stream, read_image_size
from .fields import (COORDINATE_LIMIT, VISIBILITY_FLAGS, check_fields,
                     check_record, check_value)
from .json_files import (OVERWRITE_FLAG, check_json_finite,
                         check_no_earlier_run, check_no_other_files,
                         json_files, json_files_of, load_json)
from .keypoints import (PERSON_CATEGORY_ID, POSETRACK18_KEYPOINT_NAMES,
                        POSETRACK18_METAINFO, posetrack18_metainfo_file,
                        posetrack_categories)
from .records import (PREDICTION_SCHEMA, annotation_where, as_numbers,
                      check_finite, check_image, check_track_ids, image_size,
                      ignore_regions, keypoints_array, parse_head_box,
                      parse_ignore_regions, parse_image_size, parse_keypoints,
                      register_annotation_ids, register_ids,
                      register_image_ids)
from .videos import (FRAME_FILE_TEMPLATE, check_annotation_image,
                     check_video_data, check_video_lists, clip_frame_names,
                     frame_file_name, frame_number, frame_table, group_videos,
                     image_folder, order_frames, read_video_file, split_videos,
                     video_key, video_name)
from .person_boxes import PersonBoxSource

__all__ = [
    'open_frame_stream', 'read_image_size', 'check_frame_offsets',
    'key_frame_index', 'random_frame_offsets', 'CfgOptionsAction',
    'apply_clip', 'is_path_variable', 'load_config', 'retarget_data_root',
    'PersonBoxSource', 'check_checkpoint_file', 'check_state_dict_matches',
    'load_checkpoint_strict', 'load_from_local',
    'register_checkpoint_safe_globals', 'COORDINATE_LIMIT',
    'FRAME_FILE_TEMPLATE', 'PERSON_CATEGORY_ID', 'POSETRACK18_KEYPOINT_NAMES',
    'POSETRACK18_METAINFO', 'PREDICTION_SCHEMA', 'InputError',
    'VISIBILITY_FLAGS', 'annotation_where', 'as_numbers', 'boxes_outside',
    'check_annotation_image', 'check_fields', 'check_finite', 'check_image',
    'check_track_ids', 'check_json_finite', 'check_no_earlier_run',
    'check_no_other_files', 'OVERWRITE_FLAG', 'check_record', 'check_value',
    'check_video_data', 'check_video_lists', 'clip_boxes', 'clip_frame_names',
    'frame_file_name', 'frame_number', 'frame_table', 'group_videos',
    'image_folder', 'image_size', 'ignore_regions', 'json_files',
    'json_files_of', 'keypoints_array', 'load_json', 'order_frames',
    'parse_head_box', 'parse_ignore_regions', 'parse_image_size',
    'parse_keypoints', 'posetrack18_metainfo_file', 'posetrack_categories',
    'read_detections', 'read_video_file', 'register_annotation_ids',
    'register_ids', 'register_image_ids', 'split_videos', 'video_key',
    'video_name', 'xywh_to_xyxy', 'non_negative_int', 'positive_float',
    'positive_int', 'unit_interval'
]
