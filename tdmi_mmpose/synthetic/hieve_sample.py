# Copyright (c) tdmi_mmpose contributors.
"""A tiny synthetic dataset in HiEve's raw layout (videos and both pose
label layouts; ``docs/datasets.md``, "HiEve"), drawn with
:func:`~tdmi_mmpose.synthetic.video.render_video`."""
import os
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Sequence, Tuple

import cv2
import numpy as np

from ..io import FRAME_FILE_TEMPLATE
from ..io.hieve_format import HIEVE_FLAG_TO_VISIBILITY, HIEVE_JOINT_TAGS
from ..utils.atomic import atomic_output, atomic_write_json
from .stick_figure import KEYPOINT_INDEX as _K
from .video import render_video

#: (name, label layout, frames, labelling step, person templates as in
#: ``stick_figure``); layout ``None``: an unlabelled test video.
_VIDEOS = [
    ('1', 'posetrack', 12, 2,
     [(0.25, 2.2, 150, 0.000, 0.0), (0.78, -1.6, 120, 0.004, 1.7)]),
    ('2', 'xml', 12, 2,
     [(0.45, 1.4, 170, -0.006, 0.6), (0.85, -3.0, 140, 0.000, 2.5)]),
    ('3', 'json', 10, 3,
     [(0.30, 1.8, 155, 0.000, 0.3), (0.72, -2.0, 130, 0.003, 3.1)]),
    ('20', None, 8, 1, [(0.10, 3.0, 145, 0.002, 1.2)]),
]

#: Probability that a drawn joint is left unlabelled (flag -1) and that a
#: labelled all-track joint is flagged invisible (1).
NOT_LABELLED_PROB = 0.1
INVISIBLE_PROB = 0.15
FPS = 10
LABEL_DIR = 'labels/train/track2&3'


def _hieve_joints(keypoints: Sequence[float]) -> np.ndarray:
    """PoseTrack18 keypoints (17 x, y, v) -> the 14 HiEve joints (x, y,
    labelled 0/1); the chest is the midpoint of the shoulders."""
    pt18 = np.asarray(keypoints, dtype=np.float64).reshape(-1, 3)
    joints = np.zeros((len(HIEVE_JOINT_TAGS), 3))
    for k, tag in enumerate(HIEVE_JOINT_TAGS):
        name = tag.lower().replace('-', '_')
        if name == 'chest':
            shoulders = pt18[[_K['left_shoulder'], _K['right_shoulder']]]
            if shoulders[:, 2].all():
                joints[k] = (*shoulders[:, :2].mean(0).round(2), 1)
        else:
            joints[k] = pt18[_K[name]]
    return joints


def _write_video(path: str, frames: List[Tuple[str, np.ndarray]]) -> None:
    height, width = frames[0][1].shape[:2]
    with atomic_output(path) as tmp:
        writer = cv2.VideoWriter(tmp + '.mp4', cv2.VideoWriter_fourcc(*'mp4v'),
                                 FPS, (width, height))
        if not writer.isOpened():
            raise RuntimeError(f'OpenCV cannot write mp4 video {path}')
        for _, img in frames:
            writer.write(img)
        writer.release()
        os.replace(tmp + '.mp4', tmp)


def _box_xyxy(bbox: Sequence[float]) -> List[float]:
    x, y, w, h = bbox
    return [x, y, round(x + w, 2), round(y + h, 2)]


def _posetrack_labels(people_by_frame: Dict[int, list]) -> dict:
    """PoseTrack2017-style file (values in one-element lists, unlabelled
    joints left out)."""
    annolist = []
    for t, people in people_by_frame.items():
        rects = []
        for track_id, bbox, joints, flags in people:
            x1, y1, x2, y2 = _box_xyxy(bbox)
            points = [
                dict(id=[k], x=[float(x)], y=[float(y)], score=[1.0])
                for k, ((x, y, _), flag) in enumerate(
                    zip(joints.tolist(), flags)) if flag != -1
            ]
            rects.append(
                dict(x1=[x1], y1=[y1], x2=[x2], y2=[y2], track_id=[track_id],
                     annopoints=[dict(point=points)]))
        annolist.append(
            dict(image=[dict(name=FRAME_FILE_TEMPLATE.format(t))],
                 annorect=rects))
    return dict(annolist=annolist)


def _alltrack_objects(people: list) -> List[dict]:
    objects = []
    for track_id, bbox, joints, flags in people:
        x1, y1, x2, y2 = _box_xyxy(bbox)
        box = OrderedDict(xmin=str(x1), ymin=str(y1), xmax=str(x2),
                          ymax=str(y2))
        for tag, (x, y, _), flag in zip(HIEVE_JOINT_TAGS, joints.tolist(),
                                        flags):
            box[tag] = f'{x:g},{y:g},{flag}'
        objects.append(OrderedDict(name=f'P-{track_id}', bndbox=box))
    return objects


def _write_xml(path: str, objects: List[dict]) -> None:
    lines = ['<annotation>']
    for obj in objects:
        lines.append(f'  <object><name>{obj["name"]}</name><bndbox>')
        lines += [f'    <{k}>{v}</{k}>' for k, v in obj['bndbox'].items()]
        lines.append('  </bndbox></object>')
    lines.append('</annotation>')
    with atomic_output(path) as tmp:
        with open(tmp, 'w') as f:
            f.write('\n'.join(lines) + '\n')


def make_sample_hieve(out_dir: str,
                      seed: int = 0,
                      width: int = 320,
                      height: int = 240) -> Dict:
    """Generate the synthetic HiEve-layout sample: ``videos/{train,test}/``
    and ``labels/train/track2&3/`` (video 1 PoseTrack2017-style, 2 all-track
    XML, 3 all-track JSON); some drawn joints are left unlabelled, and some
    labelled all-track joints flagged invisible.

    Args:
        out_dir (str): Root folder to write to (created if missing).
        seed (int): Seed of ``numpy.random.default_rng``. Defaults to 0.
        width, height (int): Frame size. Defaults to 320, 240.

    Returns:
        dict: ``root``, ``train_videos``, ``test_videos`` (names),
        ``layouts`` (train video -> label layout) and ``ground_truth``:
        train video -> frame index -> track id -> (14, 3) list of x, y, v
        with the converted files' ``v`` (2 visible, 1 invisible, 0 not
        labelled at 0, 0), the values a converter must produce.
    """
    rng = np.random.default_rng(seed)
    ground_truth, layouts, test_videos = {}, {}, []
    for name, layout, nframes, step, templates in _VIDEOS:
        split = 'train' if layout else 'test'
        video = render_video(rng, split, name, nframes, step, templates,
                             width, height, (0.9, 0.9), 0)
        _write_video(
            osp.join(out_dir, 'videos', split, f'{name}.mp4'),
            video['frames'])
        if layout is None:
            test_videos.append(name)
            continue
        layouts[name] = layout
        index = {image['id']: t
                 for t, image in enumerate(video['json']['images'])}
        people_by_frame = OrderedDict(
            (t, []) for t, image in enumerate(video['json']['images'])
            if image['is_labeled'])
        truth = ground_truth[name] = {t: {} for t in people_by_frame}
        for ann in video['json']['annotations']:
            t = index[ann['image_id']]
            joints = _hieve_joints(ann['keypoints'])
            flags = np.where(joints[:, 2] > 0, 0, -1)
            flags[rng.uniform(size=len(flags)) < NOT_LABELLED_PROB] = -1
            if layout != 'posetrack':
                flags[(flags == 0) &
                      (rng.uniform(size=len(flags)) < INVISIBLE_PROB)] = 1
            v = np.array([HIEVE_FLAG_TO_VISIBILITY[f] for f in flags])
            truth[t][ann['track_id']] = np.concatenate(
                [joints[:, :2] * (v[:, None] > 0), v[:, None]], 1).tolist()
            people_by_frame[t].append(
                (ann['track_id'], ann['bbox'], joints, flags.tolist()))
        labels = osp.join(out_dir, LABEL_DIR)
        if layout == 'posetrack':
            atomic_write_json(
                _posetrack_labels(people_by_frame),
                osp.join(labels, f'{name}.json'))
            continue
        for t, people in people_by_frame.items():
            objects = _alltrack_objects(people)
            path = osp.join(labels, name, f'{t:06d}.{layout}')
            if layout == 'xml':
                _write_xml(path, objects)
            else:
                atomic_write_json(
                    dict(annotation=dict(object=objects)), path, indent=1)
    return dict(
        root=out_dir,
        train_videos=sorted(ground_truth, key=int),
        test_videos=test_videos,
        layouts=layouts,
        ground_truth=ground_truth)
