"""Generate the synthetic PoseTrack18-format sample dataset.

Examples::

    # the bundled sample (what the main job uses)
    python tools/dataset_converters/make_sample_posetrack.py \\
        --out-dir data/posetrack_sample --seed 0
    # controlled video where temporal context matters (the ablation data):
    # 24 + 8 videos of 20 frames, each joint hidden in a frame with
    # probability 0.35, 20% of the frames motion-blurred, a crossing person
    python tools/dataset_converters/make_sample_posetrack.py \\
        --out-dir data/occluded --num-videos 24 8 --occlusion-prob 0.35 \\
        --blur-prob 0.2 --distractor
    # irrelevant motion (the frozen-recipe study): a fast pan, moving
    # textured objects, a passer-by in the person's crop, blur, and the
    # motion masks beside the annotations (motion_masks/)
    python tools/dataset_converters/make_sample_posetrack.py \\
        --out-dir data/irrelevant_motion --num-videos 10 4 \\
        --frames-per-video 16 --pan-speed 4 --moving-objects 4 \\
        --passer-by --blur-prob 0.3

The data are synthetic (stick figures on textured backgrounds); they
exercise the code, and say nothing about accuracy on real videos.
"""
import argparse
import sys

from tdmi_mmpose.io import (OVERWRITE_FLAG, non_negative_int, positive_float,
                            positive_int, unit_interval)
from tdmi_mmpose.io.cli_args import non_negative_float
from tdmi_mmpose.io.output_folders import prepare_output_folder
from tdmi_mmpose.synthetic import make_sample_posetrack


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
    hidden = sum(len(v) for v in summary['hidden_joints'].values())
    if hidden:
        lines.append(f'  hidden joints: {hidden} in '
                     f'{len(summary["hidden_joints"])} frames')
    if summary['motion_masks']:
        lines.append(f'  motion masks: {summary["motion_masks"]}')
    if summary['blurred_frames']:
        lines.append(
            f'  motion-blurred frames: {len(summary["blurred_frames"])}')
    return '\n'.join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description='Generate the synthetic PoseTrack18-format sample '
        'dataset (images, per-video annotations, val detections).')
    parser.add_argument('--out-dir', required=True, help='output folder')
    parser.add_argument('--seed', type=non_negative_int, default=0,
                        help='random seed (default 0)')
    parser.add_argument(
        '--num-videos', type=positive_int, nargs=2, metavar=('TRAIN', 'VAL'),
        help='generate this many train and val videos instead of the fixed '
        'five-video sample')
    parser.add_argument(
        '--frames-per-video', type=positive_int, default=20,
        help='frames per generated video (default 20)')
    parser.add_argument(
        '--label-step', type=positive_int, default=2,
        help='label every N-th frame of a generated video (default 2)')
    parser.add_argument(
        '--occlusion-prob', type=unit_interval, default=0.0,
        help='probability that a joint is hidden in a frame, independently '
        'per joint and frame; it stays annotated (default 0)')
    parser.add_argument(
        '--occluder-radius', type=positive_float, default=0.08,
        help='radius of the hiding disc, fraction of the person height '
        '(default 0.08)')
    parser.add_argument(
        '--blur-prob', type=unit_interval, default=0.0,
        help='probability that a frame is motion-blurred (default 0)')
    parser.add_argument(
        '--blur-length', type=positive_int, default=9,
        help='motion-blur kernel length in px (default 9)')
    parser.add_argument(
        '--distractor', action='store_true',
        help='add a person who crosses the first person of every video')
    parser.add_argument(
        '--pan-speed', type=non_negative_float, default=0.0,
        help='irrelevant motion: camera pan in px per frame (default 0: '
        'the slow pan of the sample)')
    parser.add_argument(
        '--moving-objects', type=non_negative_int, default=0,
        help='irrelevant motion: moving textured objects per video '
        '(default 0)')
    parser.add_argument(
        '--passer-by', action='store_true',
        help='irrelevant motion: an unannotated person walking close '
        'behind the first person')
    parser.add_argument(
        '--mask-window', type=non_negative_int, default=2,
        help='with irrelevant motion, the motion masks cover frames t-N..'
        't+N (default 2)')
    parser.add_argument(
        OVERWRITE_FLAG,
        action='store_true',
        help='replace --out-dir whole when it is not empty (else that is an '
        'error: it would mix two samples)')
    args = parser.parse_args(argv)
    prepare_output_folder(args.out_dir, args.overwrite)
    summary = make_sample_posetrack(
        args.out_dir,
        args.seed,
        num_videos=args.num_videos,
        frames_per_video=args.frames_per_video,
        label_step=args.label_step,
        occlusion_prob=args.occlusion_prob,
        occluder_radius=args.occluder_radius,
        blur_prob=args.blur_prob,
        blur_length=args.blur_length,
        distractor=args.distractor,
        pan_speed=args.pan_speed,
        moving_objects=args.moving_objects,
        passer_by=args.passer_by,
        mask_window=args.mask_window)
    print(format_summary(summary))
    return 0


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
