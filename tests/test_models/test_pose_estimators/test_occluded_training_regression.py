"""Regression test for the MI loss (docs/model.md, "The MI loss"): a short
training run of the tiny TDMI config, MI loss on, on occluded video must not
end with a higher heatmap loss than after its first epoch."""
import os.path as osp

import numpy as np

from tdmi_mmpose.analysis.train_and_test import train_and_test
from tdmi_mmpose.synthetic import make_sample_posetrack

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
CONFIG = osp.join(REPO, 'configs', 'tdmi_tiny_occluded_video.py')


def test_heatmap_loss_falls_with_the_mi_loss_on(tmp_path):
    data_root = str(tmp_path / 'data')
    make_sample_posetrack(
        data_root, seed=0, num_videos=(3, 1), frames_per_video=10,
        label_step=1, occlusion_prob=0.35)
    epochs = 4
    result = train_and_test(
        CONFIG, {
            'data_root': data_root + '/',
            'train_cfg.max_epochs': epochs,
            'param_scheduler.0.end': epochs,
            'param_scheduler.0.milestones': [epochs],
            'train_dataloader.num_workers': 0,
            'test_dataloader.num_workers': 0,
            'model.test_cfg.flip_test': False,
        }, seed=0, work_dir=str(tmp_path / 'work'))
    curves = result['curves']
    # the MI loss was on, and woke up (q_θ fitted, a positive estimate)
    assert 'loss_mi' in curves and max(curves['loss_mi']) > 0
    heatmap = np.array(curves['loss_kpt'])
    assert np.isfinite(heatmap).all()
    per_epoch = np.array_split(heatmap, epochs)
    first, last = per_epoch[0].mean(), per_epoch[-1].mean()
    assert last < first, (first, last)
    assert result['metrics']['posetrack/Total'] >= 0
