# Copyright (c) tdmi_mmpose contributors.
"""Evaluate PoseTrack prediction files with poseval's AP (and MOTA),
without poseval.

Usage::

    python tools/posetrack_eval.py --gt-dir GT --pred-dir PRED \
        [--track] [--out-json FILE]

``GT`` is a folder of per-video PoseTrack18 JSON files (poseval's ``-g``),
``PRED`` a folder with one prediction file per GT video under the same file
name (poseval's ``-p``). The script prints poseval's AP table and a per-joint
table (poseval's ``-e``); with ``--track`` also poseval's tracking table
(MOTA per joint group, MOTP, precision, recall; poseval's ``-t``), which
needs an integer ``track_id`` on every GT and predicted annotation. It
optionally writes the numbers (percent, NaN as null) to FILE, the MOTA ones
under ``"tracking"`` (strict JSON, written atomically).

A missing or malformed file (a NaN or infinite keypoint or score included)
stops the tool with one error line naming the file, record and field, exit
status 2 (``--debug`` or ``TDMI_DEBUG=1`` for the traceback).
"""
import argparse
import math
import sys
from typing import List, Optional

from tdmi_mmpose.evaluation.functional import (POSEVAL_JOINT_NAMES,
                                               format_mota_table)
from tdmi_mmpose.evaluation.metrics import (evaluate_posetrack_ap,
                                            evaluate_posetrack_tracking,
                                            format_table,
                                            load_posetrack_folders,
                                            results_to_json)
from tdmi_mmpose.utils import run_tool
from tdmi_mmpose.utils.atomic import atomic_write_json


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog='posetrack_eval',
        description='PoseTrack multi-person pose estimation AP (and '
        'tracking MOTA), computed like poseval (python -m poseval.evaluate '
        '-e [-t]).')
    parser.add_argument(
        '--gt-dir',
        required=True,
        help='folder of per-video ground-truth JSON files (PoseTrack18)')
    parser.add_argument(
        '--pred-dir',
        required=True,
        help='folder of per-video prediction JSON files, same file names')
    parser.add_argument(
        '--track',
        action='store_true',
        help='also compute poseval\'s tracking MOTA (needs track_id on '
        'every annotation)')
    parser.add_argument(
        '--out-json',
        default=None,
        help='write Head..Total and per-joint ap/precision/recall here '
        '(with --track, the MOTA table and per-joint mota/motp/precision/'
        'recall under "tracking")')
    return parser.parse_args(argv)


def _cell(value: float) -> str:
    return '     nan' if math.isnan(value) else f'{value:8.2f}'


def main(argv: Optional[List[str]] = None) -> int:
    """Run the evaluation; returns 0 (bad input raises, see
    :func:`~tdmi_mmpose.utils.cli.run_tool`)."""
    args = parse_args(argv)
    videos = load_posetrack_folders(args.gt_dir, args.pred_dir)
    result = evaluate_posetrack_ap(*videos)
    tracking = evaluate_posetrack_tracking(*videos) if args.track else None

    header, row = format_table(result['table'])
    print(f'# frames evaluated: {result["internals"]["n_frames_evaluated"]}')
    print('Average Precision (AP) metric:')
    print(header)
    print(row)
    print(f'{"joint":<16}{"AP":>8}{"Prec":>8}{"Rec":>8}')
    for name in POSEVAL_JOINT_NAMES:
        values = result['per_joint'][name]
        print(f'{name:<16}{_cell(values["ap"])}{_cell(values["precision"])}'
              f'{_cell(values["recall"])}')
    total = result['total']
    print(f'{"total":<16}{_cell(total["ap"])}{_cell(total["precision"])}'
          f'{_cell(total["recall"])}')
    if tracking is not None:
        header, row = format_mota_table(tracking['table'])
        print('# frames evaluated for tracking: '
              f'{tracking["internals"]["n_frames_evaluated"]}')
        print('Multiple Object Tracking (MOT) metrics:')
        print(header)
        print(row)

    if args.out_json:
        summary = results_to_json(result)
        if tracking is not None:
            summary['tracking'] = results_to_json(tracking)
        atomic_write_json(summary, args.out_json, indent=2)
        print(f'results written to {args.out_json}')
    return 0


if __name__ == '__main__':
    sys.exit(run_tool(main))
