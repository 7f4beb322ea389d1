# Copyright (c) tdmi_mmpose contributors.
"""Render the augmented frames of video samples side by side (a visual check
that all T frames got the same transform).

For each requested sample the config's pipeline is run once and the T crops
are drawn left to right in time order, each with the key frame's keypoints
and skeleton (from the dataset's metainfo); the key frame has a red border.
When the sample has a heatmap target, a last panel shows the target (max over
keypoints) on the key frame. Because the same transform is applied to every
frame, the skeleton drawn on the supporting frames sits on the person up to
the person's own motion; a frame that was flipped or rotated differently
would stand out at once.

Example::

    python tools/browse_dataset.py configs/tdmi_hrnet_w48_posetrack18.py \
        --out-dir work_dirs/browse --phase train --index 0 5 \
        --cfg-options data_root=data/posetrack_sample/
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional, Sequence

import cv2
import numpy as np
from mmengine.config import Config

from tdmi_mmpose.datasets.from_config import phase_dataset_cfg
from tdmi_mmpose.io import InputError, non_negative_int
from tdmi_mmpose.io.config import CfgOptionsAction, load_config
from tdmi_mmpose.io.output_folders import make_output_folder

PACK_TYPES = ('PackVideoPoseInputs', 'PackPoseInputs')
KEY_COLOUR = (0, 0, 255)  # BGR red
FRAME_COLOUR = (160, 160, 160)
GAP = 6
LABEL_H = 22


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Render augmented video samples to PNG files')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--out-dir', required=True, help='folder for the PNG files')
    parser.add_argument(
        '--phase',
        default='train',
        choices=['train', 'val', 'test'],
        help='which dataloader\'s dataset and pipeline to use')
    parser.add_argument(
        '--index',
        type=int,
        nargs='+',
        default=[0],
        help='sample indices to render')
    parser.add_argument(
        '--seed',
        type=non_negative_int,
        default=0,
        help='numpy seed for augmentations')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=CfgOptionsAction,
        default={},
        help='config overrides, "key=value"; data_root=DIR moves every '
        'path derived from data_root')
    return parser.parse_args(argv)


def build_dataset(cfg: Config, phase: str):
    """Build the phase's dataset with ``transformed_keypoints`` packed."""
    from mmpose.registry import DATASETS

    import tdmi_mmpose  # noqa: F401  (registers the components)

    dataset_cfg = phase_dataset_cfg(cfg, phase)
    for step in dataset_cfg.get('pipeline', []):
        if step.get('type') in PACK_TYPES:
            step['pack_transformed'] = True
    return DATASETS.build(dataset_cfg)


def _draw_pose(img: np.ndarray, keypoints: np.ndarray, visible: np.ndarray,
               metainfo: dict) -> None:
    """Draw one person's skeleton and keypoints in place (colours from the
    metainfo, which stores them as RGB)."""
    h, w = img.shape[:2]
    radius = max(2, round(min(h, w) / 100))
    thickness = max(1, round(min(h, w) / 150))

    def inside(p):
        return 0 <= p[0] < w and 0 <= p[1] < h

    link_colours = metainfo.get('skeleton_link_colors')
    for i, (a, b) in enumerate(metainfo.get('skeleton_links', [])):
        if visible[a] > 0 and visible[b] > 0:
            pa, pb = keypoints[a], keypoints[b]
            if not (inside(pa) or inside(pb)):
                continue
            colour = (255, 255, 255) if link_colours is None else tuple(
                int(c) for c in link_colours[i][::-1])
            cv2.line(img, (int(round(pa[0])), int(round(pa[1]))),
                     (int(round(pb[0])), int(round(pb[1]))), colour, thickness,
                     cv2.LINE_AA)
    kpt_colours = metainfo.get('keypoint_colors')
    for k, p in enumerate(keypoints):
        if visible[k] > 0 and inside(p):
            colour = (255, 255, 255) if kpt_colours is None else tuple(
                int(c) for c in kpt_colours[k][::-1])
            centre = (int(round(p[0])), int(round(p[1])))
            cv2.circle(img, centre, radius + 1, (0, 0, 0), -1, cv2.LINE_AA)
            cv2.circle(img, centre, radius, colour, -1, cv2.LINE_AA)


def _label(panel: np.ndarray, text: str, colour) -> np.ndarray:
    bar = np.full((LABEL_H, panel.shape[1], 3), 255, dtype=np.uint8)
    cv2.putText(bar, text, (4, LABEL_H - 7), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                colour, 1, cv2.LINE_AA)
    return np.concatenate([bar, panel], axis=0)


def render_sample(packed: dict, metainfo: dict) -> np.ndarray:
    """One BGR image: the T crops side by side (+ target panel).

    Args:
        packed (dict): A pipeline output with ``inputs`` ``(T, 3, H, W)``
            (BGR, as loaded) and ``data_samples``.
        metainfo (dict): The dataset's metainfo (skeleton, colours).

    Returns:
        np.ndarray: The rendered image, uint8 BGR.
    """
    inputs = packed['inputs']
    if inputs.dim() == 3:
        inputs = inputs[None]
    frames = inputs.permute(0, 2, 3, 1).cpu().numpy()
    frames = np.clip(frames, 0, 255).astype(np.uint8)
    sample = packed['data_samples']
    meta = sample.metainfo
    key = int(meta.get('key_frame_index', 0))
    offsets = meta.get('frame_offsets', list(range(-key, len(frames) - key)))
    gt = sample.gt_instances
    keypoints = visible = None
    has_pose = ('transformed_keypoints' in gt and 'keypoints' in gt
                and np.abs(np.asarray(gt.keypoints)).max() > 0)
    if has_pose:
        keypoints = np.asarray(gt.transformed_keypoints)[0]
        visible = np.asarray(gt.keypoints_visible)[0]
        if visible.ndim > 1:  # (K, 2): visibility and weight
            visible = visible[..., 0]

    panels: List[np.ndarray] = []
    for t, frame in enumerate(frames):
        panel = np.ascontiguousarray(frame.copy())
        if keypoints is not None:
            _draw_pose(panel, keypoints, visible, metainfo)
        is_key = t == key
        colour = KEY_COLOUR if is_key else FRAME_COLOUR
        panel = cv2.copyMakeBorder(
            panel, 3, 3, 3, 3, cv2.BORDER_CONSTANT, value=colour)
        text = f't{int(offsets[t]):+d}' + (' key' if is_key else '')
        panels.append(_label(panel, text, colour))

    if 'gt_fields' in sample and 'heatmaps' in sample.gt_fields:
        heatmaps = np.asarray(sample.gt_fields.heatmaps.cpu())
        heat = cv2.resize(heatmaps.max(axis=0), frames.shape[2:0:-1])
        heat = cv2.applyColorMap(
            np.clip(heat * 255, 0, 255).astype(np.uint8), cv2.COLORMAP_JET)
        panel = cv2.addWeighted(frames[key], 0.5, heat, 0.5, 0)
        panel = cv2.copyMakeBorder(
            panel, 3, 3, 3, 3, cv2.BORDER_CONSTANT, value=FRAME_COLOUR)
        panels.append(_label(panel, 'target', (0, 0, 0)))

    spacer = np.full((panels[0].shape[0], GAP, 3), 255, dtype=np.uint8)
    row = [panels[0]]
    for panel in panels[1:]:
        row += [spacer, panel]
    canvas = np.concatenate(row, axis=1)
    title = (
        f'{meta.get("video_name", "")} frame {meta.get("frame_index", "")}'
        f' id {meta.get("id", "")}  flip={meta.get("flip", False)}')
    return _label(canvas, title, (0, 0, 0))


def main(argv: Optional[Sequence[str]] = None) -> List[str]:
    """Render the requested samples; returns the written PNG paths."""
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    dataset = build_dataset(cfg, args.phase)
    wrong = [index for index in args.index if not 0 <= index < len(dataset)]
    if wrong:
        raise InputError(f'--index {wrong[0]} is out of range: the '
                         f'{args.phase} dataset has {len(dataset)} samples '
                         f'(0..{len(dataset) - 1})')
    make_output_folder(args.out_dir)
    written = []
    for index in args.index:
        np.random.seed(args.seed + index)
        packed = dataset[index]
        image = render_sample(packed, dataset.metainfo)
        path = osp.join(args.out_dir, f'{args.phase}_{index:06d}.png')
        if not cv2.imwrite(path, image):
            raise IOError(f'cannot write {path}')
        print(path)
        written.append(path)
    return written


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
