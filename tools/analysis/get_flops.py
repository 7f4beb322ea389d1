# Copyright (c) tdmi_mmpose contributors.
"""Parameters and FLOPs of a pose model, per module
(:mod:`tdmi_mmpose.benchmarks.complexity`; docs/complexity.md).

Example::

    python tools/analysis/get_flops.py configs/tdmi_hrnet_w48_posetrack17.py \\
        --input-shape 384 288 --out work_dirs/complexity.md
"""
import argparse
import os.path as osp
import sys

from tdmi_mmpose.benchmarks import complexity_report
from tdmi_mmpose.io import CfgOptionsAction
from tdmi_mmpose.io.cli_args import hrnet_input_side
from tdmi_mmpose.utils.atomic import atomic_output


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Parameters and FLOPs of a pose model, per module')
    parser.add_argument('config', help='model config file')
    parser.add_argument(
        '--input-shape',
        type=hrnet_input_side,
        nargs=2,
        default=[384, 288],
        metavar=('H', 'W'),
        help='input height and width (a video model\'s T is its clip, the '
        'config\'s frame_offsets). Default: 384 288')
    parser.add_argument('--out', help='write the report as markdown here')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=CfgOptionsAction,
        help='override settings of the config, key=value (e.g. '
        'frame_offsets=[-1,0,1])')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    result, report = complexity_report(args.config, *args.input_shape,
                                       args.cfg_options)
    print(report)
    if args.out:
        with atomic_output(args.out) as tmp, open(tmp, 'w') as f:
            f.write(f'# Complexity of `{osp.basename(args.config)}`\n\n')
            f.write(report)
        print(f'written to {args.out}')
    return result


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
