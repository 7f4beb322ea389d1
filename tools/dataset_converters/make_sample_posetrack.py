"""Generate the synthetic PoseTrack18-format sample dataset.

Example::

    python tools/dataset_converters/make_sample_posetrack.py \\
        --out-dir data/posetrack_sample --seed 0

The data are synthetic (stick figures on textured backgrounds); they
exercise the code, and say nothing about accuracy on real videos.
"""
import argparse
import sys

from tdmi_mmpose.datasets.sample_data import make_sample_posetrack


def format_summary(summary: dict) -> str:
    """A human-readable version of ``make_sample_posetrack``'s summary."""
    lines = [f'Sample PoseTrack18 data in {summary["root"]} '
             f'(seed {summary["seed"]}, synthetic)']
    for split in ('train', 'val'):
        if split in summary:
            s = summary[split]
            lines.append(
                f'  {split}: {s["videos"]} videos, {s["frames"]} frames, '
                f'{s["labeled_frames"]} labelled frames, '
                f'{s["instances"]} annotated people')
    if summary['det_file']:
        lines.append(f'  val detections: {summary["num_detections"]} boxes '
                     f'in {summary["det_file"]}')
    lines.append(f'  ignore regions: {summary["ignore_regions"]}')
    return '\n'.join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description='Generate the synthetic PoseTrack18-format sample '
        'dataset (images, per-video annotations, val detections).')
    parser.add_argument('--out-dir', required=True, help='output folder')
    parser.add_argument('--seed', type=int, default=0,
                        help='random seed (default 0)')
    args = parser.parse_args(argv)
    print(format_summary(make_sample_posetrack(args.out_dir, args.seed)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
