"""The README's first command (``bash tools/run_sample.sh``) at reduced size,
so that the main job cannot silently rot: sample data -> ``mim train`` ->
``mim test`` -> video inference -> summary, then a second run that reuses
every output."""
import json
import os
import os.path as osp
import re
import subprocess
import sys

import cv2
import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _poseval_readable(folder, out_folder):
    """A copy of a folder of per-video files that poseval can read: it only
    knows the video types of PoseTrack's names (``mpii``, ``bonn``, ...),
    so ``<n>_sample_val`` becomes ``<n>_mpii_test`` (same sorted order)."""
    os.makedirs(out_folder)

    def rename(text):
        return re.sub(r'(\d{6})_sample_val', r'\1_mpii_test', text)

    for name in os.listdir(folder):
        if name.endswith('.json'):
            with open(osp.join(folder, name)) as f:
                text = rename(f.read())
            with open(osp.join(out_folder, rename(name)), 'w') as f:
                f.write(text)
    return out_folder


def _check_with_poseval(gt_dir, pred_dir, metrics, out_dir):
    """poseval itself reads the per-video files the metric wrote (for AP,
    and for MOTA in ``tracking/``) and gives the AP and MOTA the metric
    reported."""
    from tdmi_mmpose.evaluation.metrics import load_posetrack_gt
    # poseval crashes on a video with exactly one labelled frame
    videos, _ = load_posetrack_gt(gt_dir)
    for name, video in videos.items():
        labelled = {ann['image_id'] for ann in video['annotations']}
        assert len(labelled) != 1, name
    sys.path.insert(0, osp.join(ROOT, 'tests', 'test_evaluation'))
    try:
        from poseval_oracle import poseval_totals
    finally:
        sys.path.pop(0)
    totals = poseval_totals(
        _poseval_readable(gt_dir, osp.join(out_dir, 'gt')),
        _poseval_readable(pred_dir, osp.join(out_dir, 'pred')),
        _poseval_readable(
            osp.join(pred_dir, 'tracking'), osp.join(out_dir, 'track')),
        osp.join(out_dir, 'poseval'))
    assert metrics['posetrack/Total'] == pytest.approx(totals['ap'], abs=1e-6)
    for key, name in (('mota', 'MOTA'), ('motp', 'MOTP'),
                      ('precision', 'Precision'), ('recall', 'Recall')):
        assert metrics[f'posetrack/{name}'] == pytest.approx(
            totals[key], abs=1e-6), name


def _run_sample(out_dir):
    env = dict(os.environ, PYTHON=sys.executable, MPLBACKEND='Agg')
    proc = subprocess.run(
        ['bash', 'tools/run_sample.sh', '--quick', '--out-dir', out_dir],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def test_main_job_end_to_end_and_rerun(tmp_path):
    out_dir = str(tmp_path / 'sample_run')
    stdout = _run_sample(out_dir)
    for step in ('1/5 sample data', '2/5 mim train', '3/5 mim test',
                 '4/5 video inference', '5/5 training curves'):
        assert step in stdout

    with open(osp.join(out_dir, 'summary.json')) as f:
        summary = json.load(f)
    assert summary['epochs'] == 1
    assert osp.isfile(summary['checkpoint'])
    assert summary['checkpoint'].endswith('epoch_1.pth')
    assert summary['final_heatmap_loss'] < summary['first_heatmap_loss']

    # mim test's metrics: every PoseTrack group, in percent
    with open(summary['metrics']) as f:
        metrics = json.load(f)
    for group in ('Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee',
                  'Ankle', 'Total'):
        assert 0 <= metrics[f'posetrack/{group}'] <= 100
    assert summary['posetrack_total_ap'] == metrics['posetrack/Total']

    # one PoseTrack18 prediction file per val video
    val_videos = sorted(
        os.listdir(osp.join(out_dir, 'data', 'posetrack_sample',
                            'annotations', 'val')))
    for folder in ('', 'tracking'):  # for AP, and for MOTA
        assert sorted(
            f for f in os.listdir(osp.join(summary['prediction_jsons'],
                                           folder))
            if f.endswith('.json')) == val_videos

    # the sample config tracks: MOTA next to AP (checked against poseval
    # at the end: that check skips when poseval is missing); --quick writes
    # every joint for MOTA, so the tracked files hold people
    assert metrics['posetrack/MOTA'] <= 100
    assert metrics['posetrack/Precision'] > 0

    # video inference: per-frame JSON and a rendered video of every frame
    with open(summary['inference_json']) as f:
        frames = json.load(f)
    video = cv2.VideoCapture(summary['rendered_video'])
    num_rendered = int(video.get(cv2.CAP_PROP_FRAME_COUNT))
    video.release()
    assert num_rendered == len(frames) > 0
    assert any(frame['instances'] for frame in frames)
    # tracked by default: every person has a track id
    assert all(
        isinstance(inst['track_id'], int) for frame in frames
        for inst in frame['instances'])
    assert summary['inference_frames_per_s'] > 0
    assert cv2.imread(summary['rendered_frame']) is not None
    assert cv2.imread(summary['training_curves']) is not None

    # a second run reuses the data, checkpoint, metrics and renders
    stdout = _run_sample(out_dir)
    assert stdout.count('reusing') >= 4, stdout[-3000:]
    assert '\n$ ' not in stdout, 'the second run started mim again'

    gt_dir = osp.join(out_dir, 'data', 'posetrack_sample', 'annotations',
                      'val')
    _check_with_poseval(gt_dir, summary['prediction_jsons'], metrics,
                        str(tmp_path / 'poseval_out'))
