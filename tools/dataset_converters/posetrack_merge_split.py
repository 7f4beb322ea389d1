"""Merge per-video PoseTrack18 JSON files into one file, or split it back.

A thin command line around
:mod:`tdmi_mmpose.datasets.converters.merge_split`::

    python tools/dataset_converters/posetrack_merge_split.py merge \\
        data/posetrack18/annotations/val data/posetrack18/val_merged.json
    python tools/dataset_converters/posetrack_merge_split.py split \\
        data/posetrack18/val_merged.json data/posetrack18/annotations/val
"""
import sys

from tdmi_mmpose.datasets.converters.merge_split import main

if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
