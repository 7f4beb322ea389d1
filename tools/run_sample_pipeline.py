# Copyright (c) tdmi_mmpose contributors.
"""The main job end to end on the bundled (generated) sample data.

1. generate the synthetic PoseTrack18-format sample dataset,
2. train ``configs/tdmi_tiny_posetrack_sample.py`` with ``mim train``,
3. evaluate the last checkpoint with ``mim test`` (PoseTrack AP),
4. run the video inferencer on one sample video (JSON + rendered video),
5. plot the training curves and print a summary.

Every step is skipped when its outputs already exist (a second run reuses
them). ``--quick`` shrinks training to one short epoch (used by the test
suite so that this pipeline cannot silently rot).

Run it through ``bash tools/run_sample.sh`` (which sets up the environment
first), or directly: ``python tools/run_sample_pipeline.py --out-dir DIR``.
"""
import argparse
import json
import os
import os.path as osp
import shutil
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = 'configs/tdmi_tiny_posetrack_sample.py'
os.environ.setdefault('MPLBACKEND', 'Agg')


def banner(text):
    print(f'\n==> [sample pipeline] {text}', flush=True)


def mim_command():
    """The ``mim`` of this interpreter's environment."""
    exe = osp.join(osp.dirname(sys.executable), 'mim')
    if not osp.exists(exe):
        exe = shutil.which('mim')
    if exe is None:
        raise RuntimeError('the `mim` command is not installed; run '
                           'bash tools/install.sh')
    return [exe]


def run(cmd, log_path=None):
    """Run a command, streaming its output (and copying it to a log)."""
    print('$ ' + ' '.join(cmd), flush=True)
    with open(log_path, 'w') if log_path else open(os.devnull, 'w') as log:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT)
        for line in proc.stdout:
            log.write(line)
            if 'init_weights' in line or 'The value is the same' in line:
                continue
            sys.stdout.write(line)
        if proc.wait() != 0:
            raise RuntimeError(f'command failed ({proc.returncode}): '
                               f'{" ".join(cmd)}' +
                               (f'\nlog: {log_path}' if log_path else ''))


def last_checkpoint(work_dir):
    path = osp.join(work_dir, 'last_checkpoint')
    if not osp.exists(path):
        return None
    with open(path) as f:
        ckpt = f.read().strip()
    return ckpt if osp.exists(ckpt) else None


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--out-dir',
        default=osp.join(ROOT, 'outputs', 'sample_run'),
        help='where data, checkpoints, metrics and renders go')
    parser.add_argument(
        '--epochs',
        type=int,
        default=None,
        help='training epochs (default: the config\'s, 30)')
    parser.add_argument(
        '--quick',
        action='store_true',
        help='one short epoch (for tests): checks the plumbing, not learning')
    parser.add_argument('--seed', type=int, default=0, help='data/run seed')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis'))
    from plot_curves import find_scalars, plot_curves, read_scalars

    out = osp.abspath(args.out_dir)
    data_root = osp.join(out, 'data', 'posetrack_sample') + '/'
    work_dir = osp.join(out, 'work_dir')
    from mmengine.config import Config
    config_epochs = Config.fromfile(osp.join(ROOT,
                                             CONFIG)).train_cfg.max_epochs
    epochs = args.epochs or (1 if args.quick else config_epochs)
    t_start = time.time()
    common = [f'data_root={data_root}', f'randomness.seed={args.seed}']

    banner('1/5 sample data')
    if osp.isdir(osp.join(data_root, 'annotations')):
        print(f'reusing {data_root}')
    else:
        from tdmi_mmpose.synthetic import make_sample_posetrack
        summary = make_sample_posetrack(data_root, seed=args.seed)
        print(json.dumps({k: v for k, v in summary.items()
                          if k in ('train', 'val')}, default=str)[:400])

    banner(f'2/5 mim train ({epochs} epochs)')
    ckpt = last_checkpoint(work_dir)
    if ckpt and osp.basename(ckpt) == f'epoch_{epochs}.pth':
        print(f'reusing {ckpt}')
    else:
        train_opts = common + [f'train_cfg.max_epochs={epochs}']
        if args.quick:
            train_opts += ['train_cfg.val_interval=1']
        run(mim_command() + [
            'train', 'tdmi_mmpose', CONFIG, '--work-dir', work_dir,
            '--cfg-options'
        ] + train_opts, osp.join(out, 'train.log'))
        ckpt = last_checkpoint(work_dir)
        if ckpt is None:
            raise RuntimeError(f'training wrote no checkpoint in {work_dir}')

    banner('3/5 mim test (PoseTrack AP and MOTA on detected boxes)')
    metrics_file = osp.join(out, 'metrics.json')
    pred_dir = osp.join(out, 'predictions')
    test_opts = common + [f'test_evaluator.outfile_prefix={pred_dir}']
    if args.quick:
        # a one-epoch model's keypoint scores are ~0: write every joint for
        # MOTA, so that the tracked files are not empty
        test_opts += ['test_evaluator.track_kpt_thr=-1']
    if osp.exists(metrics_file) and osp.getmtime(metrics_file) > osp.getmtime(
            ckpt):
        print(f'reusing {metrics_file}')
    else:
        run(mim_command() + [
            'test', 'tdmi_mmpose', CONFIG, '--checkpoint', ckpt,
            '--work-dir',
            osp.join(out, 'test_work_dir'), '--out', metrics_file,
            '--cfg-options'
        ] + test_opts, osp.join(out, 'test.log'))
    with open(metrics_file) as f:
        metrics = json.load(f)

    banner('4/5 video inference on one sample video')
    infer = run_inference(out, data_root, ckpt)

    banner('5/5 training curves and summary')
    curves = plot_curves(work_dir, osp.join(out, 'training_curves.png'))
    train, _ = read_scalars(find_scalars(work_dir))
    first_loss, last_loss = train['loss'][0][1], train['loss'][-1][1]
    first_kpt, last_kpt = train['loss_kpt'][0][1], train['loss_kpt'][-1][1]
    total = metrics.get('posetrack/Total')
    summary = {
        'epochs': epochs,
        'first_loss': first_loss,
        'final_loss': last_loss,
        'first_heatmap_loss': first_kpt,
        'final_heatmap_loss': last_kpt,
        'posetrack_total_ap': total,
        'inference_frames_per_s': infer.get('fps'),
        'checkpoint': ckpt,
        'metrics': metrics_file,
        'prediction_jsons': pred_dir,
        'inference_json': infer.get('json'),
        'rendered_video': infer.get('video'),
        'rendered_frame': infer.get('frame'),
        'training_curves': curves,
        'wall_time_s': round(time.time() - t_start, 1),
    }
    with open(osp.join(out, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    print('\n' + '=' * 72)
    print('tdmi_mmpose sample run: done')
    print(f"  epochs trained        : {epochs}")
    print(f"  heatmap loss (loss_kpt): {first_kpt:.5f} (first logged) -> "
          f"{last_kpt:.5f} (last); pose objective loss {first_loss:.4f} -> "
          f"{last_loss:.4f}")
    print('  PoseTrack AP (sample) : ' + ', '.join(
        f"{k.split('/')[-1]} {v:.1f}" for k, v in metrics.items()
        if k.startswith('posetrack/')))
    if infer.get('fps'):
        print(f"  inference             : {infer['fps']:.2f} frames/s "
              f"({infer.get('frames')} frames, CPU)")
    for key in ('checkpoint', 'metrics', 'prediction_jsons', 'inference_json',
                'rendered_video', 'rendered_frame', 'training_curves'):
        print(f'  {key:<22}: {summary[key]}')
    print(f"  summary               : {osp.join(out, 'summary.json')}")
    print('  (synthetic data, tiny model: these numbers check the pipeline, '
          'they say nothing about TDMI on PoseTrack)')
    return summary


#: rendering of the sample inference: a low keypoint threshold, because the
#: smoke model's scores are low (it is tiny and trained for minutes)
RENDER = dict(kpt_thr=0.1, radius=3, thickness=2, draw_bbox=True)
INPUT_FPS = 10


def _frames_to_video(frame_dir, num_frames, path, fps):
    """Join a video's frames ``000000.jpg``, ... into an .mp4 (mp4v) file,
    written under a temporary name first so that an interrupted run leaves
    no partial video to reuse."""
    import mmcv
    os.makedirs(osp.dirname(path), exist_ok=True)
    tmp = path + '.part.mp4'
    mmcv.frames2video(
        frame_dir, tmp, fps=fps, fourcc='mp4v', end=num_frames,
        show_progress=False)
    os.replace(tmp, path)


def run_inference(out, data_root, ckpt):
    """Step 4: the video inferencer on one sample val video.

    The first val video's JPEG frames are written into an .mp4, which
    :class:`tdmi_mmpose.apis.MMPoseVideoInferencer` processes with the
    sample detection file's boxes (score >= 0.3): one JSON of per-frame
    predictions, the rendered .mp4, one rendered frame (the one with the
    most people, earliest in the middle of the video on ties) and a
    side-by-side of three rendered frames (``sample_poses.png``, the picture
    of ``docs/images/``). frames/s covers everything after model loading
    (decoding, cropping, the model, rendering and writing). Outputs newer
    than the checkpoint are reused.

    Args:
        out (str): The run's output folder.
        data_root (str): The sample dataset.
        ckpt (str): The trained checkpoint.

    Returns:
        dict: ``fps``, ``frames``, ``json``, ``video``, ``frame``,
        ``montage``, ``persons`` (poses over all frames).
    """
    infer_dir = osp.join(out, 'inference')
    summary_file = osp.join(infer_dir, 'inference_summary.json')
    if osp.exists(summary_file) and osp.getmtime(summary_file) > \
            osp.getmtime(ckpt):
        with open(summary_file) as f:
            summary = json.load(f)
        if all(
                osp.exists(summary.get(key) or '')
                for key in ('json', 'video', 'frame', 'montage')):
            print(f'reusing {infer_dir}')
            return summary

    import cv2
    import numpy as np

    from tdmi_mmpose.apis import MMPoseVideoInferencer, list_frame_files

    val_dir = osp.join(data_root, 'images', 'val')
    videos = sorted(v for v in os.listdir(val_dir)
                    if osp.isdir(osp.join(val_dir, v)))
    if not videos:
        raise RuntimeError(f'no val videos in {val_dir}')
    name = videos[0]
    frame_files = list_frame_files(osp.join(val_dir, name))
    input_video = osp.join(infer_dir, 'input', f'{name}.mp4')
    if not osp.exists(input_video):
        _frames_to_video(
            osp.join(val_dir, name), len(frame_files), input_video,
            INPUT_FPS)
    print(f'input: {input_video} ({len(frame_files)} frames of '
          f'{osp.join(val_dir, name)})')

    inferencer = MMPoseVideoInferencer(
        pose2d=osp.join(ROOT, CONFIG), pose2d_weights=ckpt,
        show_progress=True)
    vis_dir = osp.join(infer_dir, 'visualizations')
    pred_dir = osp.join(infer_dir, 'predictions')
    num_frames = len(frame_files)
    montage_at = [num_frames // 6, num_frames // 2, (5 * num_frames) // 6]
    montage_frames, persons, best = {}, [], None
    start = time.perf_counter()
    for t, result in enumerate(
            inferencer(
                input_video,
                bboxes=osp.join(data_root, 'person_detections',
                                'val_human_detections.json'),
                bbox_image_ids=osp.join(data_root, 'annotations', 'val',
                                        f'{name}.json'),
                bbox_thr=0.3,
                vis_out_dir=vis_dir,
                pred_out_dir=pred_dir,
                return_vis=True,
                **RENDER)):
        persons.append(len(result['predictions'][0]))
        # keep only the rendered frames that are saved (bounded memory)
        frame = result['visualization'][0]
        if t in montage_at:
            montage_frames[t] = frame
        rank = (persons[-1], -abs(t - num_frames // 2))
        if best is None or rank > best[0]:
            best = (rank, t, frame)
    elapsed = time.perf_counter() - start
    if len(persons) != num_frames:
        raise RuntimeError(f'the inferencer returned {len(persons)} frames '
                           f'for {num_frames} input frames')

    _, best_t, best_frame = best
    frame_png = osp.join(infer_dir, f'{name}_frame{best_t:06d}.png')
    cv2.imwrite(frame_png, cv2.cvtColor(best_frame, cv2.COLOR_RGB2BGR))
    gap = np.full((best_frame.shape[0], 4, 3), 255, np.uint8)
    tiles = []
    for t in montage_at:
        tiles += [montage_frames[t], gap]
    montage = osp.join(infer_dir, 'sample_poses.png')
    cv2.imwrite(montage,
                cv2.cvtColor(np.concatenate(tiles[:-1], 1), cv2.COLOR_RGB2BGR),
                [cv2.IMWRITE_PNG_COMPRESSION, 9])

    summary = dict(
        fps=num_frames / elapsed,
        frames=num_frames,
        persons=int(sum(persons)),
        json=osp.join(pred_dir, f'{name}.json'),
        video=osp.join(vis_dir, f'{name}.mp4'),
        frame=frame_png,
        montage=montage,
        input_video=input_video)
    for key in ('json', 'video'):
        if not osp.exists(summary[key]):
            raise RuntimeError(f'the inferencer wrote no {summary[key]}')
    with open(summary_file, 'w') as f:
        json.dump(summary, f, indent=2)
    print(f'{num_frames} frames, {sum(persons)} poses, '
          f'{summary["fps"]:.2f} frames/s; JSON {summary["json"]}, video '
          f'{summary["video"]}, montage {montage}')
    return summary


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
