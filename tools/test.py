# Copyright (c) tdmi_mmpose contributors.
"""Evaluate a checkpoint (mmpose-style; used by ``mim test``).

Example::

    mim test tdmi_mmpose configs/tdmi_tiny_posetrack_sample.py \
        --checkpoint work_dirs/tdmi_tiny/epoch_2.pth \
        --cfg-options data_root=data/posetrack_sample/

The checkpoint must fit the config's model exactly (a missing, unexpected
or mis-shaped parameter is an error, see ``docs/inference.md``); errors in
the input are one line on stderr (``--debug`` for the traceback).
"""
import argparse
import sys

import mmengine
from mmengine.runner import Runner

from tdmi_mmpose.io import check_checkpoint_file, load_checkpoint_strict
from tdmi_mmpose.utils import run_tool
from tdmi_mmpose.utils.atomic import check_output_file
from tdmi_mmpose.io.runner_args import (add_common_args, build_config,
                                           export_local_rank,
                                           setup_distributed)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Evaluate a pose model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--out', help='save the metric results to this JSON/YAML/pickle file')
    parser.add_argument(
        '--dump', help='dump the predictions to this pickle file')
    add_common_args(parser)
    args = parser.parse_args(argv)
    export_local_rank(args)
    return args


def main(argv=None):
    args = parse_args(argv)
    check_checkpoint_file(args.checkpoint)
    for path in (args.out, args.dump):  # before the test run, not after it
        if path is not None:
            check_output_file(path)
    cfg = build_config(args)
    # loaded below, strictly (mmengine's load_from tolerates a mismatch)
    cfg.load_from = None
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--dump must be a .pkl file, got {args.dump!r}')
        cfg.test_evaluator = list(
            cfg.test_evaluator if isinstance(cfg.test_evaluator, (list, tuple))
            else [cfg.test_evaluator])
        cfg.test_evaluator.append(
            dict(type='DumpResults', out_file_path=args.dump))
    setup_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    load_checkpoint_strict(runner, args.checkpoint)
    metrics = runner.test()
    if args.out is not None and runner.rank == 0:
        mmengine.dump({k: float(v) for k, v in metrics.items()}, args.out)
    return metrics


if __name__ == '__main__':
    sys.exit(run_tool(main))
