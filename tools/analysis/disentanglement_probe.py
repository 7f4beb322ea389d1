# Copyright (c) tdmi_mmpose contributors.
"""What the RDM separates, measured on val clips with motion masks: the
share of the energy of M_t, M_u and M_n inside the region where the person
moves and where anything else moves (tdmi_mmpose.analysis.
disentanglement_probe), and a picture of key frames, masks and |M|.

Example (a run of the frozen-recipe study, its final checkpoint)::

    python tools/analysis/disentanglement_probe.py \\
        configs/tdmi_tiny_irrelevant_motion.py \\
        DIR/runs/full_attention__seed0/epoch_8.pth \\
        --cfg-options data_root=DIR/data/ --picture probe.png

The data must have motion masks (generated with irrelevant motion).
"""
import argparse
import json
import sys

from tdmi_mmpose.analysis.ablation_report import PROBE_COLUMNS, probe_column
from tdmi_mmpose.analysis.disentanglement_probe import probe_checkpoint
from tdmi_mmpose.io import CfgOptionsAction, load_config, positive_int


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--picture', help='write the picture here (PNG)')
    parser.add_argument('--rows', type=positive_int, default=4,
                        help='samples in the picture (default 4)')
    parser.add_argument('--json', help='also write the shares to this file')
    parser.add_argument('--cfg-options', nargs='+', action=CfgOptionsAction,
                        default={})
    args = parser.parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    summary = probe_checkpoint(cfg, args.checkpoint, args.picture,
                               args.rows)
    print(f'{summary["samples"]} val samples; energy shares in %:')
    for name, key in PROBE_COLUMNS:
        print(f'  {name:18s} {100 * probe_column(summary, key):7.2f}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(summary, f, indent=1)
    return 0


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
