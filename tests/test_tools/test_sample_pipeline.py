"""The README's first command (``bash tools/run_sample.sh``) at reduced size,
so that the main job cannot silently rot: sample data -> ``mim train`` ->
``mim test`` -> video inference -> summary, then a second run that reuses
every output."""
import json
import os
import os.path as osp
import subprocess
import sys

import cv2

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


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
    assert sorted(os.listdir(summary['prediction_jsons'])) == val_videos

    # video inference: per-frame JSON and a rendered video of every frame
    with open(summary['inference_json']) as f:
        frames = json.load(f)
    video = cv2.VideoCapture(summary['rendered_video'])
    num_rendered = int(video.get(cv2.CAP_PROP_FRAME_COUNT))
    video.release()
    assert num_rendered == len(frames) > 0
    assert any(frame['instances'] for frame in frames)
    assert summary['inference_frames_per_s'] > 0
    assert cv2.imread(summary['rendered_frame']) is not None
    assert cv2.imread(summary['training_curves']) is not None

    # a second run reuses the data, checkpoint, metrics and renders
    stdout = _run_sample(out_dir)
    assert stdout.count('reusing') >= 4, stdout[-3000:]
    assert '\n$ ' not in stdout, 'the second run started mim again'
