# Copyright (c) tdmi_mmpose contributors.
"""User-supplied person boxes for video inference: per-frame lists and
COCO-style JSON files, mapped to the frames of a stream."""
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.logging import print_log

from ..utils.errors import InputError
from .boxes import boxes_outside, clip_boxes, xywh_to_xyxy
from .detections import read_detections
from .json_files import load_json
from .records import check_finite
from .videos import order_frames

BoxesType = Union[str, dict, Sequence]


def as_box_array(boxes, bbox_format: str = 'xyxy',
                 what: str = 'boxes') -> np.ndarray:
    """The boxes of one frame, (N, 4) or (N, 5) with a score (``None`` or
    empty: none), in ``bbox_format`` (``'xyxy'`` or ``'xywh'``), as float32
    (N, 5) x1, y1, x2, y2, score (1 if not given); errors name ``what``."""
    if bbox_format not in ('xyxy', 'xywh'):
        raise InputError(f"bbox_format must be 'xyxy' or 'xywh', got "
                         f'{bbox_format!r}.')
    arr = np.asarray([] if boxes is None else boxes, dtype=np.float32)
    if arr.size == 0:
        return np.zeros((0, 5), dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None]
    if arr.ndim != 2 or arr.shape[1] not in (4, 5):
        raise InputError(f'{what}: expected an (N, 4) or (N, 5) array of '
                         f'{bbox_format} boxes [with scores], got shape '
                         f'{np.asarray(boxes).shape}.')
    check_finite(arr, f'{what} ({bbox_format} boxes [with scores])')
    arr = np.pad(arr, ((0, 0), (0, 5 - arr.shape[1])), constant_values=1)
    if bbox_format == 'xywh':
        arr[:, 2:4] += arr[:, 0:2]
    return arr


def check_person_boxes(boxes: np.ndarray,
                       img_shape: Tuple[int, int],
                       what: str,
                       drop_invalid: bool = False) -> Tuple[np.ndarray, bool]:
    """Clip boxes to their image (:func:`~.boxes.clip_boxes`); one not
    finite, empty or entirely outside is an error (dropped with
    ``drop_invalid``, for detector output).

    Args:
        boxes (np.ndarray): (N, 5) boxes x1, y1, x2, y2, score.
        img_shape (tuple[int, int]): The image's (h, w).
        what (str): How to name the boxes in errors (e.g. the frame).
        drop_invalid (bool): Drop invalid boxes instead.

    Returns:
        tuple: The clipped (M, 5) boxes, and whether clipping changed any.
    """
    h, w = img_shape[:2]
    empty = ~((boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1]))
    invalid = empty | boxes_outside(boxes, (w, h)) | ~np.isfinite(
        boxes).all(axis=1)
    if drop_invalid:
        boxes, empty, invalid = (a[~invalid] for a in (boxes, empty, invalid))
    bad = np.flatnonzero(invalid)
    if bad.size:
        box = boxes[bad[0], :4].tolist()
        raise InputError(
            f'{what}: box {box} has x2 <= x1 or y2 <= y1; boxes must be x1, '
            'y1, x2, y2 (COCO JSON files use x, y, w, h, which is '
            'converted).' if empty[bad[0]] else
            f'{what}: box {box} lies entirely outside the {w}x{h} image; are '
            'the boxes given for the right frames and in image pixels?')
    clipped = clip_boxes(boxes, (w, h))
    return clipped, bool((clipped != boxes).any())


def _load_json(source: Union[str, dict, list]) -> Union[dict, list]:
    return load_json(source, 'Person box / annotation file') if isinstance(
        source, str) else source


def image_ids_from_annotation(ann: Union[str, dict]) -> List:
    """The image ids of one video's frames (:func:`~.videos.order_frames`)
    from a COCO / PoseTrack annotation file or its loaded content."""
    content = _load_json(ann)
    images = content.get('images') if isinstance(content, dict) else None
    if not isinstance(images, list) or not images:
        raise InputError(f'{ann if isinstance(ann, str) else "annotation"}: '
                         'expected a COCO-style dict with a non-empty '
                         '"images" list.')
    return [img['id'] for img in order_frames(images)]


class PersonBoxSource:
    """The user's person boxes of every frame of a stream, in the forms and
    with the rules of docs/inference.md, "Person boxes" (a per-frame list,
    or a COCO-style file of detections keyed by ``frame_index`` or
    ``image_id``, or of annotations); records are read by
    :func:`~.detections.read_detections`.

    Args:
        boxes (str | dict | Sequence): The boxes.
        image_ids (str | dict | Sequence, optional): Image id of each frame
            (ids or an annotation file), for detections keyed by
            ``image_id``.
        score_thr (float): Minimum box score. Defaults to 0.
        bbox_format (str): ``'xyxy'`` or ``'xywh'``, of per-frame lists.
    """

    def __init__(self,
                 boxes: BoxesType,
                 image_ids: Union[str, dict, Sequence, None] = None,
                 score_thr: float = 0.0,
                 bbox_format: str = 'xyxy') -> None:
        self.score_thr = float(score_thr)
        self.skip_counts: Counter = Counter()
        self._per_frame: Optional[List[np.ndarray]] = None
        self._by_frame: Optional[Dict[int, np.ndarray]] = None
        self._image_ids: Optional[List] = None
        self._indexed_frames: Counter = Counter()  # frame_index -> boxes
        self._checked_length: Optional[int] = None
        is_json = isinstance(boxes, (str, dict)) or (
            isinstance(boxes, list) and boxes
            and all(isinstance(b, dict) for b in boxes))
        if is_json:
            self.description = (f'boxes file {boxes}'
                                if isinstance(boxes, str) else 'boxes')
            self._by_frame = self._from_json(_load_json(boxes), image_ids)
            return
        if isinstance(boxes, np.ndarray) and boxes.ndim == 2:
            raise InputError(
                'bboxes: pass one (N, 4) or (N, 5) array per frame (a '
                'list, e.g. [boxes] for a single image), got one 2-D '
                f'array of shape {boxes.shape}.')
        self.description = 'bboxes'
        self._per_frame = [
            as_box_array(b, bbox_format, f'bboxes[{i}]')
            for i, b in enumerate(boxes)
        ]

    def _frame_ids(self, image_ids) -> Optional[Dict[object, int]]:
        """Image id -> frame index, from ids or a file."""
        if image_ids is None:
            return None
        if isinstance(image_ids, (str, dict)):
            image_ids = image_ids_from_annotation(image_ids)
        self._image_ids = list(image_ids)
        id_to_frame = {img_id: i for i, img_id in enumerate(self._image_ids)}
        if len(id_to_frame) != len(self._image_ids):
            raise InputError(
                f'bbox_image_ids: {len(self._image_ids)} ids but only '
                f'{len(id_to_frame)} distinct; each frame needs its own '
                'image id.')
        return id_to_frame

    def _from_json(self, content, image_ids) -> Dict[int, np.ndarray]:
        # an annotation file may list no people; an empty detection list
        # is an error, as for a bbox_file
        annotation_file = isinstance(content, dict)
        if annotation_file:
            if 'images' not in content or 'annotations' not in content:
                raise InputError(
                    f'{self.description}: a JSON dict must be a COCO '
                    'annotation file with "images" and "annotations"; '
                    'detection results are a list.')
            if image_ids is None:
                image_ids = image_ids_from_annotation(content)
            content = content['annotations']
        detections, self.skip_counts = read_detections(
            content, ('frame_index', 'image_id'), self.description,
            allow_empty=annotation_file)
        if self.skip_counts:
            print_log(
                f'{self.description}: skipped {dict(self.skip_counts)} '
                '(non-person and empty boxes).', logger='current', level=30)
        id_to_frame = self._frame_ids(image_ids)
        by_frame: Dict[int, List[List[float]]] = {}
        for det in detections:
            key, value = det['key']
            if key == 'image_id' and id_to_frame is None:
                raise InputError(
                    f'{self.description}: detection #{det["index"]} is keyed '
                    'by "image_id"; say which image id each frame has with '
                    'bbox_image_ids (a list of ids in frame order, or the '
                    "video's COCO/PoseTrack annotation file), or key the "
                    'entries by "frame_index".')
            if key == 'frame_index':
                frame = int(value)
                self._indexed_frames[frame] += 1
            elif value in id_to_frame:
                frame = id_to_frame[value]
            else:
                continue  # another video's detection
            xyxy = xywh_to_xyxy(det['bbox'])[0]
            by_frame.setdefault(frame, []).append(
                [*xyxy.tolist(), det['score']])
        if id_to_frame is not None and content and not any(
                e.get('image_id') in id_to_frame for e in content):
            raise InputError(
                f'{self.description}: none of its {len(content)} entries has '
                f'one of the {len(id_to_frame)} image ids of bbox_image_ids '
                f'(e.g. {list(id_to_frame)[:3]}); are the ids those of this '
                'video?')
        return {
            frame: np.asarray(rows, dtype=np.float32)
            for frame, rows in by_frame.items()
        }

    def boxes_for(self, frame_index: int) -> np.ndarray:
        """The (N, 5) unclipped boxes of frame ``frame_index`` (0-based)
        with ``score >= score_thr``."""
        if self._per_frame is not None:
            if frame_index >= len(self._per_frame):
                raise InputError(
                    f'bboxes has {len(self._per_frame)} entries (one per '
                    f'frame), but the input has a frame {frame_index}; give '
                    'one entry per frame (an empty one for a frame without '
                    'people).')
            boxes = self._per_frame[frame_index]
        else:
            boxes = self._by_frame.get(frame_index,
                                       np.zeros((0, 5), np.float32))
        return boxes[boxes[:, 4] >= self.score_thr]

    def check_length(self, num_frames: int) -> None:
        """Check that the boxes fit a stream of ``num_frames`` frames (once
        per length): called before the first frame of a folder or list,
        else after the last."""
        if self._checked_length == num_frames:
            return
        self._checked_length = num_frames
        ids = self._image_ids
        beyond = sorted(f for f in self._indexed_frames if f >= num_frames)
        count = sum(self._indexed_frames[f] for f in beyond)
        problem = next((text for bad, text in (
            (self._per_frame is not None
             and len(self._per_frame) != num_frames,
             f'bboxes has {len(self._per_frame or [])} entries (one per '
             f'frame) but the input has {num_frames} frames; give one entry '
             'per frame (an empty one for a frame without people).'),
            (ids is not None and len(ids) < num_frames,
             f'bbox_image_ids gives {len(ids or [])} image ids but the input '
             f'has {num_frames} frames; frames {len(ids or [])}..'
             f'{num_frames - 1} would get no boxes. Give the image id of '
             'every frame (the annotation file of this video).'),
            (beyond, f'{self.description}: {count} box(es) have a '
             '"frame_index" beyond the last frame of the '
             f'{num_frames}-frame input (frame_index {(beyond or [0])[0]}'
             f'{"..." + str(beyond[-1]) if len(beyond) > 1 else ""}); '
             'frame_index is the 0-based position of the frame in the '
             'input.'),
        ) if bad), None)
        if problem:
            raise InputError(problem)
        if ids is not None and len(ids) > num_frames:
            print_log(
                f'bbox_image_ids gives {len(ids)} image ids for the '
                f'{num_frames} frames of the input: the boxes of the last '
                f'{len(ids) - num_frames} ids are not used (the input is the '
                'first frames of the video).', logger='current', level=30)
