"""Write HiEve test predictions as a challenge submission zip.

A thin command line around
:mod:`tdmi_mmpose.datasets.converters.hieve_submission` (see its docstring
and docs/datasets.md, "HiEve")::

    python tools/hieve_submission.py \\
        work_dirs/hieve_test/results.keypoints.json \\
        data/hieve/annotations/test/ work_dirs/hieve_test/submission.zip
"""
import sys

from tdmi_mmpose.datasets.converters.hieve_submission import main

if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
