# Copyright (c) tdmi_mmpose contributors.
"""The input boundary: everything that enters the package from files and
users is read and checked here, once, and raises :class:`InputError` (the one
error type, naming the file, record, field or value). Code behind this
boundary trusts what it gets.

- ``json_files``: loading a JSON file (:func:`load_json`), the JSON files of a
  folder (:func:`json_files`), the top level of a PoseTrack18-layout file
  (:func:`read_video_file`) and no NaN/infinity anywhere in a loaded file
  (:func:`check_json_finite`);
- ``keypoints``: PoseTrack18 keypoint names (mmpose's ``posetrack18``
  metainfo) and the ``categories`` entry written to files
  (:func:`posetrack_categories`); ``hieve_format``: HiEve's joints and flags;
- ``records``: one PoseTrack record at a time: an image
  (:func:`check_image_record`, :func:`parse_image_size`), finite numbers
  (:func:`as_numbers`, :func:`check_finite`) within :data:`COORDINATE_LIMIT`
  (:func:`check_coordinates`), an annotation's keypoints
  (:func:`parse_keypoints`, flags in :data:`VISIBILITY_FLAGS`), boxes
  (:func:`parse_xywh`, :func:`parse_head_box`), track id
  (:func:`parse_track_id`), all of them (:func:`parse_annotation`), a
  detection (:func:`parse_detection`), ignore regions
  (:func:`parse_ignore_regions`), image ids unique across files
  (:func:`register_image_ids`);
- ``videos``: which video an image belongs to (:func:`video_key`), a video's
  name (:func:`video_name`), splitting a merged file (:func:`split_videos`),
  frame numbers (:func:`frame_number`), frame order (:func:`order_frames`)
  and a video's frame table (:func:`frame_table`);
- ``boxes``: ``xywh`` to ``xyxy`` and the one clipping rule
  (:func:`clip_boxes`, ``[0, w] x [0, h]`` as mmpose's ``bbox_clip_border``);
- ``person_boxes``: user-supplied person boxes for video inference;
- ``config``: loading a config with ``--cfg-options``
  (:func:`load_config`, ``data_root`` retargeting); ``runner_args``: the
  train/test tools' command line; ``clip``: the frame offsets of a clip;
- ``checkpoints``: reading checkpoint files (torch >= 2.6 safe globals,
  errors naming the file) and checking that one fits a model.
"""
from .boxes import boxes_outside, clip_boxes, xywh_to_xyxy
from ..utils.errors import InputError
from .checkpoints import (check_checkpoint_file, check_state_dict_matches,
                          checkpoint_safe_globals, load_checkpoint_strict,
                          load_from_local, rebuild_history_buffer,
                          register_checkpoint_safe_globals,
                          state_dict_mismatch, state_dict_of)
from .clip import (check_frame_offsets, clip_frame_indices, key_frame_index,
                   random_frame_offsets)
from .config import (apply_clip, is_path_variable, load_config,
                     retarget_data_root)
from .json_files import (check_fields, check_json_finite, check_video_lists,
                         json_files, load_json, read_video_file)
from .keypoints import (PERSON_CATEGORY_ID, POSETRACK18_KEYPOINT_NAMES,
                        POSETRACK18_METAINFO, POSETRACK18_SKELETON,
                        posetrack18_metainfo_file, posetrack_categories)
from .records import (COORDINATE_LIMIT, VISIBILITY_FLAGS, annotation_where,
                      as_numbers, check_coordinates, check_finite,
                      check_image_record, parse_annotation, parse_detection,
                      parse_head_box,
                      parse_ignore_regions, parse_image_size, parse_keypoints,
                      parse_track_id, parse_xywh, register_image_ids)
from .videos import (FRAME_FILE_TEMPLATE, clip_frame_names, frame_file_name,
                     frame_number, frame_table, group_videos, image_folder,
                     order_frames, split_videos, video_key, video_name)
from .person_boxes import (BoxesType, PersonBoxSource, as_box_array,
                           check_person_boxes, image_ids_from_annotation)

__all__ = [
    'check_frame_offsets', 'clip_frame_indices', 'key_frame_index', 'random_frame_offsets',
    'is_path_variable',
    'apply_clip', 'load_config', 'retarget_data_root',
    'BoxesType', 'PersonBoxSource', 'as_box_array', 'check_person_boxes',
    'image_ids_from_annotation', 'check_checkpoint_file',
    'check_state_dict_matches', 'checkpoint_safe_globals',
    'load_checkpoint_strict', 'load_from_local', 'rebuild_history_buffer',
    'register_checkpoint_safe_globals', 'state_dict_mismatch', 'state_dict_of',
    'COORDINATE_LIMIT', 'FRAME_FILE_TEMPLATE', 'PERSON_CATEGORY_ID',
    'POSETRACK18_KEYPOINT_NAMES',
    'POSETRACK18_METAINFO', 'POSETRACK18_SKELETON', 'InputError',
    'VISIBILITY_FLAGS', 'annotation_where', 'as_numbers', 'boxes_outside',
    'check_coordinates', 'check_fields', 'check_finite', 'check_image_record',
    'check_json_finite', 'check_video_lists', 'clip_boxes',
    'clip_frame_names', 'frame_file_name', 'frame_number', 'frame_table',
    'group_videos', 'image_folder', 'json_files', 'load_json',
    'order_frames', 'parse_annotation', 'parse_detection', 'parse_head_box',
    'parse_ignore_regions', 'parse_image_size', 'parse_keypoints',
    'parse_track_id', 'parse_xywh', 'posetrack18_metainfo_file',
    'posetrack_categories', 'read_video_file', 'register_image_ids',
    'split_videos', 'video_key', 'video_name', 'xywh_to_xyxy'
]
