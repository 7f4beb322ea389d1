# Copyright (c) tdmi_mmpose contributors.
"""The PoseTrack file format, in one place.

Every reader and writer of PoseTrack18-layout JSON (the dataset, the metric,
the person-box reader, the sample-data generator and the converters) calls
this package, so each rule of the format is written once:

- ``files``: loading a file (:func:`load_json`, errors name the file), the
  JSON files of a folder (:func:`json_files`), the top level of a video file
  (:func:`read_video_file`), no NaN/infinity anywhere in a loaded file
  (:func:`check_json_finite`) and the one error type
  (:class:`PoseTrackFormatError`);
- ``keypoints``: keypoint names (mmpose's ``posetrack18`` metainfo) and the
  ``categories`` entry written to files (:func:`posetrack_categories`);
- ``records``: one record at a time: an image (:func:`check_image_record`,
  :func:`parse_image_size`), finite numbers (:func:`as_numbers`,
  :func:`check_finite`) within :data:`COORDINATE_LIMIT`
  (:func:`check_coordinates`), an annotation's keypoints
  (:func:`parse_keypoints`, flags in :data:`VISIBILITY_FLAGS`), boxes
  (:func:`parse_xywh`, :func:`parse_head_box`) and track id
  (:func:`parse_track_id`), all of them (:func:`parse_annotation`), a
  detection (:func:`parse_detection`), ignore
  regions (:func:`parse_ignore_regions`, mismatched lengths are an error),
  image ids unique across files (:func:`register_image_ids`);
- ``videos``: which video an image belongs to (:func:`video_key`: ``vid_id``,
  else the image folder), a video's name (:func:`video_name`), splitting a
  merged file (:func:`split_videos`), frame numbers from file names
  (:func:`frame_number`), frame order (:func:`order_frames`) and a video's
  frame table (:func:`frame_table`);
- ``boxes``: ``xywh`` to ``xyxy`` and the one clipping rule
  (:func:`clip_boxes`, ``[0, w] x [0, h]`` as mmpose's ``bbox_clip_border``).
"""
from .boxes import boxes_outside, clip_boxes, xywh_to_xyxy
from .files import (PoseTrackFormatError, check_fields, check_json_finite,
                    check_video_lists, json_files, load_json, read_video_file)
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

__all__ = [
    'COORDINATE_LIMIT', 'FRAME_FILE_TEMPLATE', 'PERSON_CATEGORY_ID',
    'POSETRACK18_KEYPOINT_NAMES',
    'POSETRACK18_METAINFO', 'POSETRACK18_SKELETON', 'PoseTrackFormatError',
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
