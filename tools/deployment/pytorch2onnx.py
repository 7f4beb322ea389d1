# Copyright (c) tdmi_mmpose contributors.
"""Export a TDMI checkpoint to ONNX (network only: normalised clips in,
heatmaps out, a dynamic batch axis), optionally checked with ONNX Runtime.

Usage::

    python tools/deployment/pytorch2onnx.py CONFIG CHECKPOINT \
        --output-file OUT.onnx [--opset 19] [--verify] [--batch-size N]

``--verify`` runs ONNX Runtime and PyTorch on random clips of batch 1 and
``N`` (default 3), prints the largest heatmap difference and exits with
status 1 if it is above 1e-4. The file is written atomically. See
docs/deployment.md.
"""
import argparse
import math
import os
import sys
from typing import List, Optional

from torch.onnx._constants import ONNX_MAX_OPSET

from tdmi_mmpose.deployment import (MIN_OPSET, PARITY_TOLERANCE,
                                    OnnxClipNetwork, build_network,
                                    clip_input_shape, export_onnx,
                                    heatmap_difference)
from tdmi_mmpose.io import CfgOptionsAction, load_config
from tdmi_mmpose.utils import InputError, run_tool
from tdmi_mmpose.utils.atomic import check_output_file


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog='pytorch2onnx',
        description='Export a TDMI model to ONNX (clip -> heatmaps).')
    parser.add_argument('config', help='the config file')
    parser.add_argument('checkpoint', help='a checkpoint of this config')
    parser.add_argument(
        '--output-file', required=True, help='the .onnx file to write')
    parser.add_argument(
        '--opset',
        type=int,
        default=MIN_OPSET,
        help=f'ONNX opset (>= {MIN_OPSET}, the first with DeformConv)')
    parser.add_argument(
        '--verify',
        action='store_true',
        help='compare ONNX Runtime with PyTorch on random clips')
    parser.add_argument(
        '--batch-size',
        type=int,
        default=3,
        help='batch of the random clips of --verify (besides batch 1)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=CfgOptionsAction,
        help='override config settings, key=value (as tools/test.py)')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Export (and verify); returns 0, or 1 if the check fails."""
    args = parse_args(argv)
    if not MIN_OPSET <= args.opset <= ONNX_MAX_OPSET or args.batch_size < 1:
        # beyond torch's last opset the exporter writes another one
        raise InputError(
            f'--opset must be within {MIN_OPSET}..{ONNX_MAX_OPSET} (got '
            f'{args.opset}) and --batch-size >= 1 (got {args.batch_size})')
    check_output_file(args.output_file)  # before the export
    cfg = load_config(args.config, args.cfg_options)
    clip_shape = clip_input_shape(cfg)
    clip_bytes = 4 * 3 * math.prod(clip_shape) * args.batch_size
    memory = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES')
    if args.verify and clip_bytes > memory:
        raise InputError(
            f'--batch-size {args.batch_size}: the random clips of --verify '
            f'alone need {clip_bytes / 2**30:.3g} GiB, more than the '
            f"machine's {memory / 2**30:.3g} GiB")
    network = build_network(cfg, args.checkpoint)
    export_onnx(network, clip_shape, args.output_file, args.opset)
    print(f'exported {args.output_file} (inputs: batch x '
          f'{clip_shape[0]} x 3 x {clip_shape[1]} x {clip_shape[2]})')
    if not args.verify:
        return 0
    differences = heatmap_difference(network,
                                     OnnxClipNetwork(args.output_file, cfg),
                                     clip_shape,
                                     sorted({1, args.batch_size}))
    worst = max(d['max_abs_diff'] for d in differences.values())
    for batch_size, d in differences.items():
        print(f'batch {batch_size}: max |ONNX Runtime - PyTorch| = '
              f'{d["max_abs_diff"]:.3g} (max |heatmap| '
              f'{d["max_abs_heatmap"]:.3g})')
    passed = worst <= PARITY_TOLERANCE
    print(f'verify: {"OK" if passed else "FAILED"} (tolerance '
          f'{PARITY_TOLERANCE:g})')
    return 0 if passed else 1


if __name__ == '__main__':
    sys.exit(run_tool(main))
