# Copyright (c) tdmi_mmpose contributors.
"""Keypoint jitter and Total AP of the temporal smoothing filters on the
synthetic val videos, with a trained checkpoint (the sample model of
``bash tools/run_sample.sh``). The logic is the package's
(:mod:`tdmi_mmpose.analysis.smoothing_study`).

Data: the sample's val videos (``--sample-root``, every third frame
labelled) and generated val splits of the same generator (``--data-seeds``,
every frame labelled). Writes the record (``--out-json``, strict JSON,
atomically) and prints the markdown tables of ``docs/inference.md``.

Example (the committed record)::

    python tools/analysis/smoothing_study.py \\
        --checkpoint outputs/sample_run/work_dir/epoch_30.pth \\
        --out-json docs/smoothing/smoothing_study.json

    # redraw the tables of a record
    python tools/analysis/smoothing_study.py \\
        --report docs/smoothing/smoothing_study.json
"""
import argparse
import sys
from typing import List, Optional

SAMPLE_ROOT = 'outputs/sample_run/data/posetrack_sample'


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    from tdmi_mmpose.io.cli_args import (device_name, non_negative_int,
                                         positive_int)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--config', default='configs/tdmi_tiny_posetrack_sample.py')
    parser.add_argument('--checkpoint', help='trained checkpoint')
    parser.add_argument('--sample-root', default=SAMPLE_ROOT)
    parser.add_argument('--data-seeds', type=non_negative_int, nargs='*', default=[1, 2])
    parser.add_argument('--num-videos', type=positive_int, default=3)
    parser.add_argument('--frames-per-video', type=positive_int, default=20)
    parser.add_argument('--work-dir', default='outputs/smoothing_study')
    parser.add_argument('--out-json', default=None)
    parser.add_argument('--device', type=device_name, default='cpu')
    parser.add_argument(
        '--model-note',
        default='the tiny sample model (tools/run_sample.sh, training seed 0)',
        help='what the checkpoint is, for the record (the default names the '
        "main job's model)")
    parser.add_argument(
        '--report', default=None, help='only print the tables of a record')
    args = parser.parse_args(argv)
    if args.report is None and args.checkpoint is None:
        parser.error('give --checkpoint (or --report RECORD)')
    return args


def print_report(record: dict) -> None:
    from tdmi_mmpose.analysis.smoothing_report import (format_smoothing_table,
                                                       meets_target,
                                                       summarize_sets)
    for title, names in record['tables'].items():
        summary = summarize_sets(record['data_sets'], names)
        print(f'\n{title} ({", ".join(names)})\n')
        print(format_smoothing_table(summary, meets_target(summary)))


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    from tdmi_mmpose.io import check_fields, load_json
    if args.report:
        print_report(check_fields(
            load_json(args.report, 'Smoothing study record'),
            ('tables', 'data_sets'), args.report))
        return 0

    from tdmi_mmpose.analysis.smoothing_report import (MAX_AP_DROP,
                                                       generated_val_set,
                                                       run_smoothing_study)
    from tdmi_mmpose.analysis.smoothing_study import FILTER_SETTINGS
    from tdmi_mmpose.benchmarks.measure import machine_info
    from tdmi_mmpose.utils import recorded_command
    from tdmi_mmpose.utils.atomic import atomic_write_json
    import torch

    data_sets = {'sample val': args.sample_root}
    for seed in args.data_seeds:
        data_sets[f'generated val seed {seed}'] = generated_val_set(
            args.work_dir, seed, args.num_videos, args.frames_per_video)
    record = dict(
        command=recorded_command(__file__, argv),
        config=args.config,
        checkpoint=args.checkpoint,
        model=args.model_note,
        settings=FILTER_SETTINGS,
        max_ap_drop=MAX_AP_DROP,
        machine=machine_info(torch.device(args.device)),
        data_sets=run_smoothing_study(args.config, args.checkpoint,
                                      data_sets, device=args.device))
    record['tables'] = {'sample val videos': ['sample val']}
    if args.data_seeds:
        record['tables']['generated val videos, mean ± std over seeds'] = [
            f'generated val seed {s}' for s in args.data_seeds
        ]
    if args.out_json:
        atomic_write_json(record, args.out_json, indent=2)
        print(f'record: {args.out_json}')
    print_report(record)
    return 0


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
