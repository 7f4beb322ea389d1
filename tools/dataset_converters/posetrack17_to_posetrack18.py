"""Convert PoseTrack2017 annotations to the PoseTrack18 per-video layout.

A thin command line around
:mod:`tdmi_mmpose.datasets.converters.posetrack17` (see its docstring for the
conversion rules)::

    python tools/dataset_converters/posetrack17_to_posetrack18.py \\
        data/posetrack17/annotations/val \\
        data/posetrack17/annotations_pt18/val --img-root data/posetrack17
"""
import sys

from tdmi_mmpose.datasets.converters.posetrack17 import main

if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
