# Copyright (c) tdmi_mmpose contributors.
"""The one reader of detection files: COCO detection results (the dataset's
``bbox_file``) and person-box files for video inference."""
from collections import Counter
from typing import List, Sequence, Tuple, Union

from ..utils.errors import InputError
from .fields import check_record
from .json_files import load_json
from .keypoints import PERSON_CATEGORY_ID
from .records import DETECTION_SCHEMA, box_array


def read_detections(source: Union[str, list],
                    keys: Sequence[str],
                    name: str = 'detections',
                    allow_empty: bool = True) -> Tuple[List[dict], Counter]:
    """Read and check detection records (:data:`~.records.DETECTION_SCHEMA`
    and one of ``keys``); records of a category other than person, and
    empty boxes (``w <= 0`` or ``h <= 0``), are skipped and counted.

    Args:
        source (str | list): The file, or its loaded content.
        keys (Sequence[str]): The fields that may say a record's frame, in
            order of preference.
        name (str): How to name loaded content in errors. Defaults to
            ``'detections'``.
        allow_empty (bool): Whether ``[]`` is valid. Defaults to ``True``.

    Returns:
        tuple[list[dict], Counter]: The kept records in file order (``key``
        ``(field, value)``, ``bbox`` float64 (4, ) xywh, ``score``, ``index``
        in the file), and the ``det_not_person`` and ``empty_bbox`` counts.
    """
    if isinstance(source, str):
        name, source = source, load_json(source, 'Detection file')
    if not isinstance(source, list) or not (source or allow_empty):
        raise InputError(
            f'{name}: the detection list is empty.' if isinstance(
                source, list) else f'{name}: expected a list of detections, '
            f'got {type(source).__name__}.')
    which = ' nor '.join(f'"{key}"' for key in keys)

    def has_key(det: dict):
        return None if any(k in det for k in keys) else f'has neither {which}'

    detections, skipped = [], Counter()
    for i, det in enumerate(source):
        check_record(det, DETECTION_SCHEMA, f'{name}: detection #{i}',
                     ('bbox', ), (has_key, ))
        bbox = box_array(det['bbox'])
        if det.get('category_id', PERSON_CATEGORY_ID) != PERSON_CATEGORY_ID:
            skipped['det_not_person'] += 1
        elif bbox[2] <= 0 or bbox[3] <= 0:
            skipped['empty_bbox'] += 1
        else:
            key = next(k for k in keys if k in det)
            detections.append(
                dict(key=(key, det[key]), bbox=bbox,
                     score=float(det.get('score', 1.0)), index=i))
    return detections, skipped
