"""The disentanglement probe's arithmetic: masks resampled to the feature
grid and energy shares, on hand-made maps."""
import numpy as np
import pytest

from tdmi_mmpose.analysis.ablation_report import format_probe_table
from tdmi_mmpose.analysis.disentanglement_probe import (energy_shares,
                                                        mask_on_grid,
                                                        summarize_shares)
from tdmi_mmpose.synthetic import OTHER_MOTION, TARGET_MOTION


def test_energy_shares_of_a_hand_made_feature_map():
    feature = np.zeros((2, 4, 4))
    feature[0, 0, 0] = 3.0  # energy 9 + 16 = 25 at (0, 0)
    feature[1, 0, 0] = 4.0
    feature[1, 3, 3] = 5.0  # energy 25 at (3, 3)
    feature[0, 1, 2] = np.sqrt(50)  # energy 50 at (1, 2)
    masks = np.zeros((3, 4, 4))
    masks[0, 0, 0] = 1.0  # 25 / 100
    masks[1, 1, 2] = 0.5  # half of 50 / 100
    masks[1, 3, 3] = 1.0  # + 25 / 100
    masks[2] = 1.0  # everything
    np.testing.assert_allclose(energy_shares(feature, masks),
                               [0.25, 0.5, 1.0])
    # channel re-weighting (what the RDM's attention does) moves the share
    scaled = feature * np.array([2.0, 0.0])[:, None, None]
    # energies: 36 at (0, 0), 200 at (1, 2), 0 at (3, 3)
    np.testing.assert_allclose(energy_shares(scaled, masks)[:2],
                               [36 / 236, 100 / 236])
    assert np.isnan(energy_shares(np.zeros((2, 4, 4)), masks)).all()


def test_masks_follow_the_crop_onto_the_grid():
    mask = np.zeros((240, 320), dtype=np.uint8)
    mask[100:140, 95:125] |= TARGET_MOTION  # 30 x 40 px
    mask[:, 200:] |= OTHER_MOTION
    # a crop of 120 x 160 image px centred at (115, 120) onto a 48 x 64
    # input, a 12 x 16 grid: one cell = 10 x 10 image px
    grid = mask_on_grid(mask, (115.0, 120.0), (120.0, 160.0), (48, 64),
                        (12, 16))
    assert grid.shape == (2, 16, 12)
    target, other = grid
    # the crop's x: 55..175, y: 40..200; the target box is at crop x
    # 40..70, y 60..100: cells 4..6 and 6..9 (edges within a pixel)
    np.testing.assert_allclose(target[7:9, 4:7], 1.0, atol=0.01)
    assert target[6:10, 4:7].min() > 0.85
    assert target.sum() == pytest.approx(12.0, abs=0.1)
    assert target[:, :3].max() == 0 and target[:4].max() == 0
    # x >= 200 is right of the crop (x <= 175): nothing of it inside
    assert other.max() == 0.0


def test_summary_and_table_of_hand_made_probes():
    probe = dict(
        shares=dict(
            motion=dict(target=[0.2, 0.4], other=[0.1, 0.1]),
            useful=dict(target=[0.5, 0.7], other=[0.1, np.nan]),
            noisy=dict(target=[0.1, 0.1], other=[0.3, 0.5])),
        area=dict(target=[0.1, 0.3], other=[0.2, 0.2]))
    summary = summarize_shares(probe)
    assert summary['motion_in_target'] == pytest.approx(0.3)
    assert summary['useful_in_other'] == pytest.approx(0.1)  # NaN skipped
    assert summary['area_target'] == pytest.approx(0.2)
    assert summary['samples'] == 2
    other = dict(summary, useful_in_target=0.8, noisy_in_target=0.2)
    study = dict(probe_variants=['full'], runs=[
        dict(variant='full', seed=0, probe=summary),
        dict(variant='full', seed=1, probe=other)])
    row = format_probe_table(study).strip().split('\n')[2]
    cells = [c.strip() for c in row.strip('|').split('|')]
    assert cells[:2] == ['full', '2']
    assert cells[3] == '70.00 ± 14.14'  # E(M_u) in target: 60 and 80 %
    assert cells[5] == '55.00 ± 7.07'  # u - n: 50 and 60 points
    assert format_probe_table(dict(runs=[])) == ''


def test_clamp_table_counts_the_iterations_at_zero():
    from tdmi_mmpose.analysis.ablation_report import format_clamp_table
    study = dict(variants={'a': {}, 'b': {}}, runs=[
        dict(variant='a', seed=0, curves=dict(loss_mi=[0.0, 0.2, 0.0, 0.1])),
        dict(variant='a', seed=1, curves=dict(loss_mi=[0.3, 0.2, 0.0, 0.1])),
        dict(variant='b', seed=0, curves=dict(loss_kpt=[1.0]))])
    lines = format_clamp_table(study).strip().split('\n')
    assert lines[2] == '| a | 2 | 37.5 ± 17.7 |'  # 50 % and 25 %
    assert len(lines) == 3
