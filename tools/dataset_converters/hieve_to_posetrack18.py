"""Convert HiEve pose labels and videos to the PoseTrack18 per-video layout.

A thin command line around :mod:`tdmi_mmpose.datasets.converters.hieve`
(see its docstring for the rules and docs/datasets.md for the layout)::

    # train videos, two of them held out for local validation
    python tools/dataset_converters/hieve_to_posetrack18.py data/hieve \\
        --videos data/hieve_raw/videos/train \\
        --labels "data/hieve_raw/labels/train/track2&3" --val-videos 5 9
    # test videos (frames and image lists only)
    python tools/dataset_converters/hieve_to_posetrack18.py data/hieve \\
        --videos data/hieve_raw/videos/test
"""
import sys

from tdmi_mmpose.datasets.converters.hieve import main

if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
