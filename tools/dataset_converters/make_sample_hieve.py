"""Generate the synthetic HiEve-layout sample (videos and both pose label
layouts; see :mod:`tdmi_mmpose.synthetic.hieve_sample`)::

    python tools/dataset_converters/make_sample_hieve.py \\
        --out-dir data/hieve_sample_raw --seed 0

The data are synthetic stick figures; they exercise the code and say
nothing about accuracy on real HiEve videos.
"""
import argparse
import sys

from tdmi_mmpose.io import OVERWRITE_FLAG, non_negative_int
from tdmi_mmpose.io.output_folders import prepare_output_folder
from tdmi_mmpose.synthetic import make_sample_hieve


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description='Generate the synthetic HiEve-layout sample data.')
    parser.add_argument('--out-dir', default='data/hieve_sample_raw')
    parser.add_argument('--seed', type=non_negative_int, default=0)
    parser.add_argument(
        OVERWRITE_FLAG,
        action='store_true',
        help='replace --out-dir whole when it is not empty (else that is an '
        'error: it would mix two samples)')
    args = parser.parse_args(argv)
    prepare_output_folder(args.out_dir, args.overwrite)
    summary = make_sample_hieve(args.out_dir, seed=args.seed)
    print(f'Synthetic HiEve sample in {summary["root"]}: train videos '
          f'{summary["train_videos"]} (labels: {summary["layouts"]}), test '
          f'videos {summary["test_videos"]}')
    return 0


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
