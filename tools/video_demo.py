# Copyright (c) tdmi_mmpose contributors.
"""Video pose estimation demo: run a TDMI (video) pose model on a video
file, a folder of frames, an image, a camera (its index, e.g. ``0``, or
``webcam[:N]``) or a stream URL (``rtsp://``, ``http://``...), with real
neighbouring frames. A camera or stream runs until it ends or Ctrl-C (the
first ends it cleanly, every output complete; a second aborts).

Person boxes come from an mmdet detector (``--det-model``/``--det-weights``)
or from a COCO-style detection JSON file (``--bboxes``). Poses are rendered
with mmpose's visualiser (``--vis-out-dir``: an .mp4 for a video file, one
image per frame otherwise, or a video when ``--vis-out-dir`` ends in .mp4)
and written as JSON (``--pred-out-dir``). A prediction folder holding JSON
files, or a rendering folder holding images, of an earlier run is an error
unless ``--overwrite`` removes them first. People
are tracked by default (each gets a ``track_id`` in the JSON and is drawn in
the colour of its id; ``--no-track`` turns this off, see
``docs/tracking.md``). ``--smoother`` smooths each track's keypoints
(e.g. ``OneEuroFilter``, or ``"dict(type='GaussianFilter', window_size=5)"``).
A progress bar shows the frames. See ``docs/inference.md``.

Examples::

    # sample data (after bash tools/run_sample.sh), boxes from the sample
    # detection file
    D=outputs/sample_run/data/posetrack_sample
    python tools/video_demo.py $D/images/val/000101_sample_val \\
        --pose2d configs/tdmi_tiny_posetrack_sample.py \\
        --pose2d-weights outputs/sample_run/work_dir/epoch_30.pth \\
        --bboxes $D/person_detections/val_human_detections.json \\
        --bbox-image-ids $D/annotations/val/000101_sample_val.json \\
        --out-dir outputs/demo_000101 --draw-bbox

    # a video file with an mmdet detector
    python tools/video_demo.py my_video.mp4 \\
        --pose2d configs/tdmi_hrnet_w48_posetrack18.py \\
        --pose2d-weights tdmi_hrnet_w48_posetrack18.pth \\
        --det-model rtmdet_m_640-8xb32_coco-person.py \\
        --det-weights rtmdet_m_coco-person.pth --out-dir outputs/my_video
"""
import argparse
import sys
from typing import List, Optional


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    from tdmi_mmpose.io import unit_interval
    parser = argparse.ArgumentParser(
        description='Video pose estimation with a TDMI model (sliding window '
        'over the real neighbouring frames).')
    parser.add_argument(
        'inputs',
        help='a video file, a folder of frames (sorted by name, one video), '
        'an image, a camera (0, 1, ... or webcam[:N]) or a stream URL')
    parser.add_argument(
        '--pose2d', required=True, help='video pose model config file')
    parser.add_argument(
        '--pose2d-weights',
        default=None,
        help='pose model checkpoint (.pth), or the network exported from '
        'this config (.onnx, tools/deployment/pytorch2onnx.py): ONNX Runtime '
        'then runs it (docs/deployment.md)')
    parser.add_argument(
        '--det-model',
        default=None,
        help='mmdet config file of the person detector, or "whole_image"')
    parser.add_argument(
        '--det-weights', default=None, help='detector checkpoint')
    parser.add_argument(
        '--det-cat-ids',
        type=int,
        nargs='+',
        default=None,
        help='detector labels kept as persons (default: 0)')
    parser.add_argument(
        '--bboxes',
        default=None,
        help='COCO-style person detection JSON: a list of {"frame_index" or '
        '"image_id", "bbox": [x, y, w, h], "score"}; used instead of a '
        'detector')
    parser.add_argument(
        '--bbox-image-ids',
        default=None,
        help='for --bboxes keyed by image_id: the COCO/PoseTrack annotation '
        'file of this video, whose "images" (ordered by frame_id) give each '
        "frame's image id")
    parser.add_argument(
        '--bbox-thr',
        type=unit_interval,
        default=0.3,
        help='minimum box score')
    parser.add_argument(
        '--nms-thr',
        type=unit_interval,
        default=0.3,
        help='NMS IoU threshold for detector boxes')
    _add_output_args(parser)
    args = parser.parse_args(argv)
    if args.bboxes is None and args.det_model is None:
        parser.error('no person boxes: give --det-model and --det-weights (an '
                     'mmdet config and checkpoint), --bboxes (a COCO-style '
                     'detection JSON file) or --det-model whole_image')
    if args.bbox_image_ids is not None and args.bboxes is None:
        parser.error('--bbox-image-ids needs --bboxes')
    return args


def _add_output_args(parser: argparse.ArgumentParser) -> None:
    """The options of the rendering, the outputs and the run."""
    from tdmi_mmpose.io import non_negative_int, unit_interval
    from tdmi_mmpose.io.cli_args import frame_rate
    parser.add_argument(
        '--kpt-thr',
        type=unit_interval,
        default=0.3,
        help='minimum keypoint score to draw a keypoint')
    parser.add_argument(
        '--out-dir',
        default=None,
        help='write visualizations/ and predictions/ under this folder')
    parser.add_argument(
        '--vis-out-dir',
        default=None,
        help='folder for the rendered poses, or a video file name (e.g. '
        'poses.mp4) to render a folder of frames into one video')
    parser.add_argument(
        '--pred-out-dir', default=None, help='folder for the JSON results')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='remove the JSON files (prediction folder) and images '
        '(rendering folder) of an earlier run first (without it, such a '
        'folder is an error: it would mix two runs)')
    parser.add_argument(
        '--vis-fps',
        type=frame_rate,
        default=25.0,
        help='frame rate of the rendered video when the input is a folder or '
        'an image and --vis-out-dir is a video file name (e.g. poses.mp4)')
    parser.add_argument(
        '--no-track',
        action='store_true',
        help='do not track people (default: PoseTracker ids in the JSON, '
        'one colour per id in the rendering)')
    parser.add_argument(
        '--smoother',
        default=None,
        help="smooth each track's keypoints: a filter type (OneEuroFilter, "
        'SavitzkyGolayFilter, GaussianFilter) or a dict string, e.g. '
        "\"dict(type='GaussianFilter', window_size=5)\" (default: off; "
        'docs/inference.md gives the latencies)')
    parser.add_argument(
        '--show', action='store_true', help='display the frames')
    parser.add_argument(
        '--draw-bbox', action='store_true', help='draw the person boxes')
    parser.add_argument(
        '--radius', type=non_negative_int, default=3, help='keypoint radius')
    parser.add_argument(
        '--thickness', type=non_negative_int, default=1, help='link thickness')
    parser.add_argument(
        '--skeleton-style',
        default='mmpose',
        choices=['mmpose', 'openpose'],
        help='skeleton style of the visualiser')
    parser.add_argument(
        '--device', default=None, help='e.g. cpu or cuda:0 (default: auto)')
    parser.add_argument(
        '--no-progress',
        action='store_true',
        help='do not show the progress bar')


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    import time

    from tdmi_mmpose.apis import MMPoseVideoInferencer
    from tdmi_mmpose.io.config import parse_component_option

    inferencer = MMPoseVideoInferencer(
        pose2d=args.pose2d,
        pose2d_weights=args.pose2d_weights,
        device=args.device,
        det_model=args.det_model,
        det_weights=args.det_weights,
        det_cat_ids=args.det_cat_ids,
        show_progress=not args.no_progress,
        smoother=None if args.smoother is None else parse_component_option(
            args.smoother, '--smoother'))

    call_kwargs = dict(
        bbox_thr=args.bbox_thr,
        nms_thr=args.nms_thr,
        kpt_thr=args.kpt_thr,
        show=args.show,
        draw_bbox=args.draw_bbox,
        radius=args.radius,
        thickness=args.thickness,
        skeleton_style=args.skeleton_style,
        vis_fps=args.vis_fps,
        track=not args.no_track,
        overwrite=args.overwrite)
    if args.bboxes is not None:
        call_kwargs.update(
            bboxes=args.bboxes, bbox_image_ids=args.bbox_image_ids)
    for key in ('vis_out_dir', 'pred_out_dir'):  # else mmpose's under out_dir
        if getattr(args, key):
            call_kwargs[key] = getattr(args, key)

    num_frames = num_persons = 0
    start = time.perf_counter()
    for result in inferencer(
            args.inputs, out_dir=args.out_dir, **call_kwargs):
        num_frames += 1
        num_persons += sum(len(p) for p in result['predictions'])
    elapsed = time.perf_counter() - start
    print(f'{num_frames} frames, {num_persons} person poses, '
          f'{num_frames / max(elapsed, 1e-9):.2f} frames/s (everything '
          'after model loading: decoding, boxes, poses, outputs).')
    outputs = inferencer.inferencer.output_paths
    if 'visualization' in outputs:
        print(f"rendered poses: {outputs['visualization']}")
    if 'predictions' in outputs:
        print(f"predictions: {outputs['predictions']}")
    return 0


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
