# Copyright (c) tdmi_mmpose contributors.
"""Time the test suite once and write the record the README's
"Development" figures come from
(:mod:`tdmi_mmpose.benchmarks.suite_timing`).

Example (the checkout, then a fresh clone as CI runs it)::

    python tools/analysis/suite_timing.py --out docs/benchmarks/suite_checkout.json \\
        -- bash tools/run_tests.sh -q -p no:cacheprovider
    python tools/analysis/suite_timing.py --cwd ../clone \\
        --out docs/benchmarks/suite_fresh_clone.json -- bash .ci/run
"""
import argparse
import os
import sys

from tdmi_mmpose.benchmarks.suite_timing import (format_suite_record,
                                                 time_suite)
from tdmi_mmpose.utils import recorded_command
from tdmi_mmpose.utils.atomic import atomic_write_json


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Time the test suite and write its record')
    parser.add_argument('--out', required=True, help='the record (JSON)')
    parser.add_argument(
        '--cwd', default=os.getcwd(),
        help='the checkout to run the command in. Default: here')
    parser.add_argument(
        'command', nargs=argparse.REMAINDER,
        help='after --: the command, ending in pytest, that passes extra '
        'arguments on to it')
    args = parser.parse_args(argv)
    if args.command[:1] == ['--']:
        args.command = args.command[1:]
    if not args.command:
        parser.error('give the command to time after --')
    return args


def main(argv=None):
    args = parse_args(argv)
    record = dict(tool_command=recorded_command(__file__, argv),
                  **time_suite(args.command, args.cwd))
    atomic_write_json(record, args.out, indent=1)
    print('\n'.join(format_suite_record(record)))
    print(f'written to {args.out}')


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
