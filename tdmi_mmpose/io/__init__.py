# Copyright (c) tdmi_mmpose contributors.
"""The input boundary: everything that enters the package from files and
users is read and checked here, once, and raises :class:`InputError` (the one
error type, naming the file, record, field or value). Code behind this
boundary trusts what it gets.

- ``fields``: the rules of input fields (:func:`check_record` of a record
  against a schema, a table field -> rule; numbers finite and within
  :data:`COORDINATE_LIMIT`, flags in :data:`VISIBILITY_FLAGS`, ...);
- ``records``: the schemas of PoseTrack18-layout images, annotations and
  detections, checked records read into arrays, the rule of a frame's track
  ids;
- ``videos``: reading a PoseTrack18-layout file, every record checked once
  (:func:`read_video_file`, :func:`check_video_data`; annotation ids
  unique, :func:`register_annotation_ids`, each of an image of its file,
  :func:`check_annotation_image`), videos of a file
  (:func:`video_key`, :func:`split_videos`), frame numbers, frame order and
  a video's frame table (:func:`frame_table`);
- ``detections``: the one detection-file reader (:func:`read_detections`),
  used by the dataset's ``bbox_file`` and ``person_boxes``;
- ``person_boxes``: user-supplied person boxes for video inference;
- ``frames``: video frames entering the package: the one frame decoder
  (:func:`read_frame`), the one-size rule, image sizes from file headers,
  a video path as a frame stream;
- ``annolist``: PoseTrack2017-style ``annolist`` files (PoseTrack2017 and
  HiEve labels); ``hieve_format``: HiEve's joints, flags and all-track
  label files;
- ``json_files``: loading a JSON file (:func:`load_json`), the JSON files of
  a folder (:func:`json_files`) or of several inputs, each once
  (:func:`json_files_of`), no NaN/infinity (:func:`check_json_finite`), no
  unexpected file in an input folder (:func:`check_no_other_files`), no
  earlier run's file in an output folder (:func:`check_no_earlier_run`);
- ``keypoints``: PoseTrack18 keypoint names (mmpose's ``posetrack18``
  metainfo), ``categories`` written to files; ``boxes``: ``xywh`` to
  ``xyxy`` and the one clipping rule (:func:`clip_boxes`);
- ``config``: loading a config with ``--cfg-options``
  (:class:`CfgOptionsAction`, :func:`load_config`, ``data_root``
  retargeting, positive batch sizes); ``runner_args``: the
  train/test tools' command line; ``clip``: the frame offsets of a clip;
- ``cli_args``: types of numeric command-line arguments (an integer
  >= 0, >= 1, a number in [0, 1], a positive number);
- ``checkpoints``: reading checkpoint files (torch >= 2.6 safe globals,
  errors naming the file) and checking that one fits a model, with finite
  weights; :func:`is_onnx_file` tells an exported network from them.
"""
from .boxes import boxes_outside, clip_boxes, xywh_to_xyxy
from ..utils.errors import InputError
from .checkpoints import (ONNX_SUFFIX, check_checkpoint_file,
                          check_state_dict_matches, checkpoint_safe_globals,
                          is_onnx_file, load_checkpoint_strict,
                          load_from_local, rebuild_history_buffer,
                          register_checkpoint_safe_globals,
                          state_dict_mismatch, state_dict_of)
from .cli_args import (non_negative_int, positive_float, positive_int,
                       unit_interval)
from .clip import (check_frame_offsets, clip_frame_indices, key_frame_index,
                   random_frame_offsets)
from .config import (CfgOptionsAction, apply_clip, is_path_variable,
                     load_config, retarget_data_root)
from .detections import read_detections
from .frames import (check_frame_size, is_image_file, is_video_file,
                     list_frame_files, open_frame_stream, read_frame,
                     read_image_size)
from .fields import (COORDINATE_LIMIT, VISIBILITY_FLAGS, check_fields,
                     check_record, check_value, is_json_integer)
from .json_files import (OVERWRITE_FLAG, check_json_finite,
                         check_no_earlier_run, check_no_other_files,
                         json_files, json_files_of, load_json)
from .keypoints import (PERSON_CATEGORY_ID, POSETRACK18_KEYPOINT_NAMES,
                        POSETRACK18_METAINFO, POSETRACK18_SKELETON,
                        posetrack18_metainfo_file, posetrack_categories)
from .records import (PREDICTION_SCHEMA, annotation_where, as_numbers,
                      check_annotation, check_finite, check_image,
                      check_track_ids, image_size, ignore_regions,
                      keypoints_array, parse_detection, parse_head_box,
                      parse_ignore_regions, parse_image_size, parse_keypoints,
                      register_ids, register_image_ids)
from .videos import (FRAME_FILE_TEMPLATE, check_annotation_image,
                     check_video_data,
                     check_video_lists, clip_frame_names,
                     frame_file_name, frame_number, frame_table,
                     group_videos, image_folder, order_frames,
                     read_video_file, register_annotation_ids, split_videos,
                     video_key, video_name)
from .person_boxes import (BoxesType, PersonBoxSource, as_box_array,
                           check_person_boxes, image_ids_from_annotation)

__all__ = [
    'check_frame_size', 'is_image_file', 'is_video_file', 'list_frame_files',
    'open_frame_stream', 'read_frame', 'read_image_size',
    'check_frame_offsets', 'clip_frame_indices', 'key_frame_index',
    'random_frame_offsets', 'CfgOptionsAction', 'apply_clip',
    'is_path_variable', 'load_config',
    'retarget_data_root', 'BoxesType', 'PersonBoxSource', 'as_box_array',
    'check_person_boxes', 'image_ids_from_annotation',
    'ONNX_SUFFIX', 'check_checkpoint_file', 'check_state_dict_matches',
    'is_onnx_file',
    'checkpoint_safe_globals', 'load_checkpoint_strict', 'load_from_local',
    'rebuild_history_buffer', 'register_checkpoint_safe_globals',
    'state_dict_mismatch', 'state_dict_of', 'COORDINATE_LIMIT', 'FRAME_FILE_TEMPLATE',
    'PERSON_CATEGORY_ID', 'POSETRACK18_KEYPOINT_NAMES',
    'POSETRACK18_METAINFO', 'POSETRACK18_SKELETON', 'PREDICTION_SCHEMA',
    'InputError',
    'VISIBILITY_FLAGS', 'annotation_where', 'as_numbers', 'boxes_outside',
    'check_annotation', 'check_annotation_image', 'check_fields',
    'check_finite', 'check_image', 'check_track_ids',
    'check_json_finite', 'check_no_earlier_run', 'check_no_other_files',
    'OVERWRITE_FLAG', 'check_record', 'check_value', 'check_video_data',
    'check_video_lists',
    'clip_boxes', 'clip_frame_names', 'frame_file_name', 'frame_number',
    'frame_table', 'group_videos', 'image_folder', 'image_size',
    'ignore_regions', 'is_json_integer', 'json_files', 'json_files_of',
    'keypoints_array',
    'load_json', 'order_frames', 'parse_detection', 'parse_head_box',
    'parse_ignore_regions', 'parse_image_size', 'parse_keypoints',
    'posetrack18_metainfo_file', 'posetrack_categories', 'read_detections',
    'read_video_file', 'register_annotation_ids', 'register_ids',
    'register_image_ids', 'split_videos',
    'video_key', 'video_name', 'xywh_to_xyxy', 'non_negative_int',
    'positive_float', 'positive_int', 'unit_interval'
]
