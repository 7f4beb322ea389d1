# Copyright (c) tdmi_mmpose contributors.
"""What the RDM separates: the share of the energy of M_t, M_u and M_n that
lies where the annotated person moves and where anything else moves, from
the generator's motion masks warped onto the feature grid (docs/model.md)."""
import os.path as osp
from typing import Dict, Iterable, List, Sequence, Tuple

import cv2
import numpy as np
import torch
from mmpose.structures.bbox import get_warp_matrix

from tdmi_mmpose.synthetic import (OTHER_MOTION, TARGET_MOTION,
                                   motion_mask_path)
from .ablation_report import pyplot, save_figure

#: Feature maps probed, as keys of the neck's feature dict.
PROBED_FEATURES = ('motion', 'useful', 'noisy')
#: Masks probed: (name, bit of the motion-mask PNG).
PROBED_MASKS = (('target', TARGET_MOTION), ('other', OTHER_MOTION))


def mask_on_grid(mask: np.ndarray, center: Sequence[float],
                 scale: Sequence[float], input_size: Tuple[int, int],
                 grid_size: Tuple[int, int]) -> np.ndarray:
    """The motion masks of one sample warped into its crop (the pipeline's
    affine transform) and averaged over each cell of the feature grid.

    Args:
        mask (np.ndarray): (H, W) uint8 motion mask of the frame (bits
            :data:`TARGET_MOTION`, :data:`OTHER_MOTION`).
        center (Sequence[float]): The crop's centre (``input_center``).
        scale (Sequence[float]): The crop's size (``input_scale``).
        input_size (tuple[int, int]): Model input (w, h).
        grid_size (tuple[int, int]): Feature grid (w, h).

    Returns:
        np.ndarray: (len(PROBED_MASKS), h, w) float32 in [0, 1], the
        fraction of each cell the mask covers.
    """
    warp = get_warp_matrix(
        np.asarray(center, dtype=np.float32),
        np.asarray(scale, dtype=np.float32), 0, output_size=input_size)
    out = []
    for _, bit in PROBED_MASKS:
        binary = ((mask & bit) > 0).astype(np.float32)
        crop = cv2.warpAffine(binary, warp, tuple(input_size),
                              flags=cv2.INTER_LINEAR)
        out.append(cv2.resize(crop, tuple(grid_size),
                              interpolation=cv2.INTER_AREA))
    return np.clip(np.stack(out), 0.0, 1.0)


def energy_shares(feature: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Share of a feature map's energy inside each mask.

    With e(x) = Σ_c M(c, x)² the energy of the map M at cell x, the share
    inside a mask m is Σ_x e(x) m(x) / Σ_x e(x): a spatially uniform map
    has the mask's area share.

    Args:
        feature (np.ndarray): (C, h, w) feature map.
        masks (np.ndarray): (K, h, w) soft masks in [0, 1].

    Returns:
        np.ndarray: (K,) shares; NaN for an all-zero feature map.
    """
    energy = np.square(feature, dtype=np.float64).sum(0)
    total = energy.sum()
    if total <= 0:
        return np.full(len(masks), np.nan)
    return (masks * energy).reshape(len(masks), -1).sum(1) / total


def sample_mask(data_root: str, img_path: str, track_id: int) -> np.ndarray:
    """Read the motion mask of one person in one frame."""
    rel = osp.relpath(img_path, data_root).replace(osp.sep, '/')
    path = osp.join(data_root, motion_mask_path(rel, track_id))
    mask = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if mask is None:
        raise FileNotFoundError(
            f'motion mask {path} not found: generate the data with '
            'irrelevant motion (make_sample_posetrack(pan_speed=..., '
            'moving_objects=..., passer_by=...))')
    return mask


@torch.no_grad()
def probe_batches(model: torch.nn.Module, batches: Iterable[dict],
                  data_root: str, keep: int = 0) -> Dict:
    """Energy shares of every val sample.

    Args:
        model (nn.Module): A trained VideoTopdownPoseEstimator with an RDM
            (``bypass=False``).
        batches (Iterable[dict]): Val loader batches (ground-truth boxes).
        data_root (str): The data root holding ``motion_masks/``.
        keep (int): Samples whose crops, masks and feature norms are kept
            for :func:`plot_probe`. Default: 0.

    Returns:
        dict: ``shares``: ``{feature: {mask: [share per sample]}}``;
        ``area``: ``{mask: [area share per sample]}``; ``examples``: up to
        ``keep`` dicts of ``image`` (the key frame crop, BGR uint8),
        ``masks`` (K, h, w) and ``norms`` (feature -> (h, w) |M|).
    """
    model.eval()
    shares = {f: {m: [] for m, _ in PROBED_MASKS} for f in PROBED_FEATURES}
    area = {m: [] for m, _ in PROBED_MASKS}
    examples: List[Dict] = []
    key = model.key_frame_index
    for batch in batches:
        data = model.data_preprocessor(batch, False)
        samples = data['data_samples']
        feats = model.extract_video_feats(data['inputs'])
        grid = tuple(feats['motion'].shape[-1:-3:-1])
        for i, sample in enumerate(samples):
            meta = sample.metainfo
            masks = mask_on_grid(
                sample_mask(data_root, meta['img_path'], meta['track_id']),
                meta['input_center'], meta['input_scale'],
                tuple(meta['input_size']), grid)
            for k, (mask_name, _) in enumerate(PROBED_MASKS):
                area[mask_name].append(float(masks[k].mean()))
            maps = {f: feats[f][i].float().cpu().numpy()
                    for f in PROBED_FEATURES}
            for f, feature in maps.items():
                for k, value in enumerate(energy_shares(feature, masks)):
                    shares[f][PROBED_MASKS[k][0]].append(float(value))
            if len(examples) < keep:
                clip = batch['inputs'][i]  # (T, 3, H, W) uint8 BGR
                examples.append(dict(
                    image=clip[key].permute(1, 2, 0).numpy().astype(np.uint8),
                    masks=masks,
                    norms={f: np.sqrt(np.square(m).sum(0))
                           for f, m in maps.items()}))
    return dict(shares=shares, area=area, examples=examples)


def summarize_shares(probe: Dict) -> Dict:
    """Per-run summary of :func:`probe_batches`: ``{'<feature>_in_<mask>':
    mean share, 'area_<mask>': mean area, 'samples': n}`` (NaN shares of
    all-zero maps left out)."""
    out = {}
    for f, by_mask in probe['shares'].items():
        for m, values in by_mask.items():
            out[f'{f}_in_{m}'] = float(np.nanmean(values))
    for m, values in probe['area'].items():
        out[f'area_{m}'] = float(np.mean(values))
    out['samples'] = len(next(iter(probe['area'].values())))
    return out


def plot_probe(examples: Sequence[Dict], out_file: str,
               title: str = '') -> None:
    """One row per example: key frame crop, target and other masks, |M_t|,
    |M_u|, |M_n| (the three on one colour scale per row), as a PNG.

    Args:
        examples (Sequence[dict]): ``examples`` of :func:`probe_batches`.
        out_file (str): Output PNG path.
        title (str): Figure title.
    """
    columns = ['key frame', 'target moves', 'anything else moves',
               '|M_t|', '|M_u|', '|M_n|']
    fig, axes = pyplot().subplots(
        len(examples), len(columns), figsize=(1.6 * len(columns),
                                              2.0 * len(examples) + 0.4),
        squeeze=False)
    for row, example in zip(axes, examples):
        row[0].imshow(example['image'][..., ::-1])
        for ax, mask in zip(row[1:3], example['masks']):
            ax.imshow(mask, cmap='gray', vmin=0, vmax=1)
        top = max(float(n.max()) for n in example['norms'].values()) or 1.0
        for ax, f in zip(row[3:], PROBED_FEATURES):
            ax.imshow(example['norms'][f], cmap='magma', vmin=0, vmax=top)
        for ax in row:
            ax.set_xticks([])
            ax.set_yticks([])
    for ax, name in zip(axes[0], columns):
        ax.set_title(name, fontsize=8)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    save_figure(fig, out_file)


def probe_checkpoint(cfg, checkpoint: str, picture: str = None,
                     examples: int = 4) -> Dict:
    """Probe a trained checkpoint on its config's test videos, with their
    ground-truth boxes (one sample per annotated person and labelled
    frame).

    Args:
        cfg (Config): The run's config (its test dataloader's data root holds
            the motion masks).
        checkpoint (str): The weights.
        picture (str, optional): Where to draw :func:`plot_probe` of the
            first ``examples`` samples.
        examples (int): Rows of the picture. Default: 4.

    Returns:
        dict: :func:`summarize_shares` of the val samples.
    """
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner, load_checkpoint
    from mmpose.registry import MODELS

    init_default_scope('mmpose')
    model = MODELS.build(cfg.model)
    load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    loader_cfg = dict(cfg.test_dataloader, num_workers=0,
                      persistent_workers=False)
    loader_cfg['dataset'] = dict(loader_cfg['dataset'], bbox_file=None)
    loader = Runner.build_dataloader(loader_cfg)
    probe = probe_batches(model, loader, loader_cfg['dataset']['data_root'],
                          keep=examples if picture else 0)
    if picture:
        plot_probe(probe['examples'], picture,
                   title=osp.basename(osp.dirname(osp.abspath(checkpoint))))
    return summarize_shares(probe)
