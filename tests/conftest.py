"""Shared pytest fixtures.

``sample_data_root`` generates the project's synthetic PoseTrack18-format
sample dataset once per test session (fixed seed), in a temporary folder;
``build_dataset`` builds a ``PoseTrackVideoDataset`` from keyword arguments.
"""
import os

import pytest

os.environ.setdefault('MPLBACKEND', 'Agg')


@pytest.fixture(scope='session')
def sample_data_root(tmp_path_factory):
    from tdmi_mmpose.synthetic import make_sample_posetrack
    root = tmp_path_factory.mktemp('posetrack_sample')
    make_sample_posetrack(str(root), seed=0)
    return str(root)


@pytest.fixture
def build_dataset():
    """``build_dataset(**kwargs)`` -> a ``PoseTrackVideoDataset``."""
    from mmpose.registry import DATASETS

    def build(**kwargs):
        return DATASETS.build(dict(type='PoseTrackVideoDataset', **kwargs))

    return build
