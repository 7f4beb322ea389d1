"""HiEve end to end on the synthetic sample: generated raw videos and labels
-> converter -> training the shipped tiny HiEve config (one iteration, no
validation) with ``mim train`` -> ``mim test`` with the local CocoMetric ->
submission zip; and the submission writer's checks."""
import json
import math
import os
import os.path as osp
import subprocess
import sys
import zipfile

import pytest

from tdmi_mmpose.datasets.converters.hieve import main as convert_main
from tdmi_mmpose.datasets.converters.hieve_submission import (
    main as submission_main, write_hieve_submission)
from tdmi_mmpose.synthetic import LABEL_DIR, make_sample_hieve
from tdmi_mmpose.io import InputError

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = 'configs/tdmi_tiny_hieve_sample.py'
NUM_TEST = 3  # test samples (people) of the held-out video


def _run_mim(command, args, log_file):
    """Run ``mim <command> tdmi_mmpose <args>`` (the mim of this Python's
    environment) in the repository root; fail with its output."""
    env = dict(os.environ, OMP_NUM_THREADS='2', MPLBACKEND='Agg')
    mim = osp.join(osp.dirname(sys.executable), 'mim')
    proc = subprocess.run([mim, command, 'tdmi_mmpose'] + args,
                          cwd=ROOT,
                          env=env,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True,
                          timeout=600)
    with open(log_file, 'w') as f:
        f.write(proc.stdout)
    assert proc.returncode == 0, proc.stdout[-5000:]


@pytest.fixture(scope='module')
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('hieve_pipeline')
    raw, data = str(tmp / 'raw'), str(tmp / 'data') + '/'
    make_sample_hieve(raw, seed=0)
    assert convert_main([
        data, '--videos', osp.join(raw, 'videos', 'train'), '--labels',
        osp.join(raw, LABEL_DIR), '--val-videos', '3', '--no-progress'
    ]) == 0
    work = str(tmp / 'work')
    _run_mim('train', [
        CONFIG, '--work-dir', work, '--cfg-options',
        f'data_root={data}', 'train_cfg.max_epochs=1',
        'train_cfg.val_begin=2', 'train_dataloader.dataset.indices=2',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0'
    ], tmp / 'train.log')
    metrics_file = str(tmp / 'metrics.json')
    _run_mim('test', [
        CONFIG, '--checkpoint', osp.join(work, 'epoch_1.pth'), '--work-dir', str(tmp / 'test'),
        '--out', metrics_file, '--cfg-options', f'data_root={data}',
        f'test_dataloader.dataset.indices={NUM_TEST}',
        f'test_dataloader.batch_size={NUM_TEST}',
        'test_dataloader.num_workers=0',
        f'test_evaluator.outfile_prefix={tmp}/results'
    ], tmp / 'test.log')
    with open(metrics_file) as f:
        metrics = json.load(f)
    return dict(tmp=tmp, data=data, metrics=metrics,
                results=str(tmp / 'results.keypoints.json'))


def test_train_and_local_coco_metric(run):
    for key in ('coco/AP', 'coco/AP .5', 'coco/AR'):
        assert math.isfinite(run['metrics'][key])
        assert 0 <= run['metrics'][key] <= 1
    with open(run['results']) as f:
        results = json.load(f)
    assert len(results) == NUM_TEST  # one person per test sample
    assert all(len(r['keypoints']) == 14 * 3 for r in results)


def test_submission_zip(run):
    out_zip = str(run['tmp'] / 'submission.zip')
    assert submission_main([
        run['results'],
        osp.join(run['data'], 'annotations', 'val'), out_zip
    ]) == 0
    with open(run['results']) as f:
        results = json.load(f)
    with zipfile.ZipFile(out_zip) as archive:
        assert archive.namelist() == ['3.json']
        annolist = json.loads(archive.read('3.json'))['annolist']
    with open(osp.join(run['data'], 'annotations', 'val', '3.json')) as f:
        images = json.load(f)['images']
    assert [a['image'][0]['name'] for a in annolist] == [
        osp.basename(image['file_name']) for image in images
    ]
    people = [rect for frame in annolist for rect in frame['annorect']]
    assert len(people) == len(results)
    for rect in people:
        points = rect['annopoints'][0]['point']
        assert [p['id'] for p in points] == [[k] for k in range(14)]
        assert all(len(p['x']) == len(p['y']) == len(p['score']) == 1
                   for p in points)
    # the first result's values, in its frame
    first = results[0]
    frame = [image['id'] for image in images].index(first['image_id'])
    written = annolist[frame]['annorect']
    match = [r for r in written if r['score'] == [first['score']]]
    assert [
        v for p in match[0]['annopoints'][0]['point']
        for v in (p['x'][0], p['y'][0], p['score'][0])
    ] == pytest.approx(first['keypoints'])


def test_submission_tracks_and_rejects_unknown_images(run, tmp_path):
    ann_dir = osp.join(run['data'], 'annotations', 'val')
    counts = write_hieve_submission(run['results'], ann_dir,
                                    str(tmp_path / 'tracked.zip'),
                                    track=True)
    assert counts == {'3': NUM_TEST}
    with open(run['results']) as f:
        results = json.load(f)
    results[1]['image_id'] = 123
    bad = tmp_path / 'bad.keypoints.json'
    bad.write_text(json.dumps(results))
    with pytest.raises(InputError,
                       match=r'bad.keypoints.json: result #1: image_id 123'):
        write_hieve_submission(str(bad), ann_dir, str(tmp_path / 'x.zip'))
    results[1]['keypoints'] = results[1]['keypoints'][:-3]
    bad.write_text(json.dumps(results))
    with pytest.raises(InputError,
                       match=r'result #1: field "keypoints" has 39 values'):
        write_hieve_submission(str(bad), ann_dir, str(tmp_path / 'x.zip'))
    assert not osp.exists(tmp_path / 'x.zip')
