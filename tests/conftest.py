"""Shared pytest fixtures.

``sample_data_root`` generates the project's synthetic PoseTrack18-format
sample dataset once per test session (fixed seed), in a temporary folder;
``build_dataset`` builds a ``PoseTrackVideoDataset`` from keyword arguments.
Every test ends with the registry default scope it began with.
"""
import copy
import os

import pytest

os.environ.setdefault('MPLBACKEND', 'Agg')


@pytest.fixture(autouse=True)
def _restore_default_scope():
    """mmengine's default scope is process-wide, and building an mmdet
    detector (as mmpose's inferencers do) leaves it at ``'mmdet'``: put back
    what the test began with, as ``DefaultScope.overwrite_default_scope``
    does, so that no test depends on which tests ran before it."""
    from mmengine.registry import DefaultScope
    before = copy.copy(DefaultScope._instance_dict)
    yield
    DefaultScope._instance_dict = before


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
