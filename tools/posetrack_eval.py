# Copyright (c) tdmi_mmpose contributors.
"""Evaluate PoseTrack prediction files with poseval's AP (and MOTA), or the
PoseTrack21 kit's AP (and keypoint HOTA), without either tool.

Usage::

    python tools/posetrack_eval.py --gt-dir GT --pred-dir PRED \
        [--protocol {poseval,posetrack21}] [--track] [--out-json FILE]

``GT`` is a folder of per-video PoseTrack18 JSON files (poseval's ``-g``),
``PRED`` a folder with one prediction file per GT video under the same file
name (poseval's ``-p``). The script prints poseval's AP table and a per-joint
table (poseval's ``-e``), or with ``--protocol posetrack21`` the PoseTrack21
kit's AP (``PosemAP``: labelled frames only, joints with x > 0 and y > 0,
docs/metric.md); with ``--track`` also the protocol's tracking metric and
its per-joint values: poseval's tracking table (MOTA per joint group, MOTP,
precision, recall; poseval's ``-t``) or the kit's keypoint HOTA, DetA, AssA
and LocA (``HOTAeypoints``, the mean over its 19 thresholds), which needs
an integer ``track_id`` on every GT and predicted annotation, distinct
within a frame. It optionally writes the numbers (percent, NaN as null) to
FILE, the tracking ones under ``"tracking"`` (strict JSON, written
atomically). The logic is the package's
(:mod:`tdmi_mmpose.evaluation.metrics.posetrack_evaluation`).

A missing or malformed file (a NaN or infinite keypoint or score included)
stops the tool with one error line naming the file, record and field, exit
status 2 (``--debug`` or ``TDMI_DEBUG=1`` for the traceback).
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional

from tdmi_mmpose.evaluation.functional import AP_PROTOCOLS
from tdmi_mmpose.evaluation.metrics import (evaluate_posetrack_folders,
                                            format_report, results_to_json)
from tdmi_mmpose.utils import InputError, run_tool
from tdmi_mmpose.utils.atomic import atomic_write_json, check_output_file


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog='posetrack_eval',
        description='PoseTrack multi-person pose estimation AP (and '
        'tracking MOTA), computed like poseval (python -m poseval.evaluate '
        '-e [-t]), or the PoseTrack21 kit\'s AP (and keypoint HOTA).')
    parser.add_argument(
        '--gt-dir',
        required=True,
        help='folder of per-video ground-truth JSON files (PoseTrack18)')
    parser.add_argument(
        '--pred-dir',
        required=True,
        help='folder of per-video prediction JSON files, same file names')
    parser.add_argument(
        '--protocol',
        choices=list(AP_PROTOCOLS),
        default='poseval',
        help='whose AP (and tracking metric): poseval\'s (PoseTrack18, the '
        'default) or the PoseTrack21 kit\'s (labelled frames only; '
        'docs/metric.md)')
    parser.add_argument(
        '--track',
        action='store_true',
        help='also compute the protocol\'s tracking metric: poseval\'s MOTA '
        'or the PoseTrack21 kit\'s keypoint HOTA, DetA, AssA, LocA (needs '
        'track_id on every annotation)')
    parser.add_argument(
        '--out-json',
        default=None,
        help='write Head..Total and per-joint ap/precision/recall here '
        '(with --track, the MOTA table and per-joint mota/motp/precision/'
        'recall, or HOTA/DetA/AssA/LocA and per-joint hota/deta/assa/loca, '
        'under "tracking")')
    args = parser.parse_args(argv)
    for flag, folder in (('--gt-dir', args.gt_dir),
                         ('--pred-dir', args.pred_dir)):
        if osp.isfile(folder):
            raise InputError(f'{flag} {folder} is a file, not a folder of '
                             'per-video JSON files')
    if args.out_json:
        check_output_file(args.out_json)  # before the evaluation
    return args


def main(argv: Optional[List[str]] = None) -> int:
    """Run the evaluation; returns 0 (bad input raises, see
    :func:`~tdmi_mmpose.utils.cli.run_tool`)."""
    args = parse_args(argv)
    ap, tracking = evaluate_posetrack_folders(args.gt_dir, args.pred_dir,
                                              args.track, args.protocol)
    print(format_report(ap, tracking))
    if args.out_json:
        summary = results_to_json(ap)
        if tracking is not None:
            summary['tracking'] = results_to_json(tracking)
        atomic_write_json(summary, args.out_json, indent=2)
        print(f'results written to {args.out_json}')
    return 0


if __name__ == '__main__':
    sys.exit(run_tool(main))
