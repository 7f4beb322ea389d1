"""tools/analysis/ablation_study.py and tdmi_mmpose.analysis: the study spec,
statistics, report, and a micro study end to end (train + test in
subprocesses, resume, determinism)."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
from mmengine.registry import init_default_scope

from tdmi_mmpose.analysis import (format_clamp_table, format_curve_table,
                                  format_markdown_table, format_probe_table,
                                  load_study_spec, plan_runs, run_study,
                                  summarize_study)
from tdmi_mmpose.analysis.study_spec import fill_placeholders
from tdmi_mmpose.analysis.ablation_report import mean_and_std
from tdmi_mmpose.analysis.train_and_test import prepare_run_config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SHIPPED_SPEC = osp.join(REPO, 'configs', 'ablation_studies',
                        'occluded_video.py')


def test_shipped_spec_variants_build(tmp_path):
    """Every variant of the shipped study is a valid model and data setup."""
    from mmpose.registry import MODELS
    spec = load_study_spec(SHIPPED_SPEC)
    assert len(spec.seeds) >= 3
    assert {'key_frame_only', 'tde_only', 'tde_rdm', 'full',
            'single_stage_tde', 'no_dcn', 'delta1'} <= set(spec.variants)
    init_default_scope('mmpose')
    for name, options in spec.variants.items():
        cfg = prepare_run_config(spec.base_config, options, 0,
                                 str(tmp_path / name))
        model = MODELS.build(cfg.model)
        offsets = cfg.train_dataloader.dataset.frame_offsets
        assert list(offsets) == list(cfg.test_dataloader.dataset.frame_offsets)
        if name == 'key_frame_only':
            assert not model.with_neck and model.mi_loss is None
            assert list(offsets) == [0]
            continue
        tde, rdm = model.neck
        assert tde.num_frames == len(offsets)
        assert (model.mi_loss is None) == (name in ('tde_only', 'tde_rdm'))
        assert rdm.bypass == (name == 'tde_only')
        assert tde.use_dcn == (name != 'no_dcn')
        assert len(tde.stages) == (1 if name == 'single_stage_tde' else 4)
        assert rdm.mi_gradient == ('all' if name == 'full_mi_grad_all' else
                                   'attention')
        assert cfg.randomness == dict(seed=0, deterministic=True)


@pytest.mark.parametrize('name', ['irrelevant_motion_frozen',
                                  'irrelevant_motion_frozen_mi_sweep'])
def test_frozen_spec_variants_build(tmp_path, name):
    """Every variant of the frozen-recipe studies builds with the pretrained
    checkpoint in the backbone's `Pretrained` init_cfg, frozen."""
    from mmpose.registry import MODELS
    spec = load_study_spec(
        osp.join(REPO, 'configs', 'ablation_studies', f'{name}.py'))
    roots = dict(data_root='/d/', pretrain_data_root='/p/',
                 pretrained_checkpoint='/p/ckpt.pth')
    init_default_scope('mmpose')
    for variant, options in spec.variants.items():
        cfg = prepare_run_config(
            spec.base_config,
            fill_placeholders(dict(spec.cfg_options, **options), roots), 0,
            str(tmp_path / variant))
        backbone = cfg.model.backbone
        assert backbone.frozen and backbone.norm_eval
        assert backbone.init_cfg == dict(type='Pretrained',
                                         checkpoint='/p/ckpt.pth')
        model = MODELS.build(cfg.model)
        if variant == 'frozen_head_only':
            assert not model.with_neck
            continue
        rdm = model.neck[1]
        if variant.startswith('full_all'):
            assert rdm.mi_gradient == 'all'
        elif variant.startswith('full_attention'):
            assert rdm.mi_gradient == 'attention'
        assert (model.mi_loss is None) == (not variant.startswith('full'))
    pretrain = prepare_run_config(
        spec.pretrain['config'],
        fill_placeholders(spec.pretrain['cfg_options'], roots), 0,
        str(tmp_path / 'pretrain'))
    assert pretrain.test_dataloader.dataset.data_root == '/d/'
    assert not pretrain.model.backbone.frozen


def test_mean_and_std():
    stat = mean_and_std([1.0, 2.0, 4.0, None])
    assert stat['n'] == 3
    assert stat['mean'] == pytest.approx(7 / 3)
    assert stat['std'] == pytest.approx(np.std([1, 2, 4], ddof=1))
    assert mean_and_std([5.0]) == dict(mean=5.0, std=0.0, n=1)
    assert mean_and_std([None, float('nan')]) == dict(mean=None, std=None,
                                                      n=0)


def _record(variant, seed, total, head=50.0):
    groups = ('Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle')
    metrics = {f'posetrack/{k}': head for k in groups}
    metrics['posetrack/Total'] = total
    return dict(variant=variant, seed=seed, metrics=metrics,
                train_seconds=10.0, test_seconds=2.0)


def test_summary_table_from_a_hand_made_study(tmp_path):
    study = dict(spec='s.py', seeds=[0, 1], variants={'a': {}, 'b': {}},
                 runs=[_record('a', 0, 80.0), _record('a', 1, 84.0),
                       _record('b', 0, 60.0), _record('b', 1, 60.0)])
    rows = summarize_study(study)
    assert [r['variant'] for r in rows] == ['a', 'b']
    assert rows[0]['values'] == [80.0, 84.0]
    table = format_markdown_table(rows)
    lines = table.strip().split('\n')
    assert lines[0].startswith('| variant | seeds | Total | Head |')
    assert '| a | 2 | 82.0 ± 2.8 | 50.0 ± 0.0 |' in lines[2]
    assert lines[3].startswith('| b | 2 | 60.0 ± 0.0 |')
    assert lines[2].endswith('| 12 |')


@pytest.mark.parametrize('body, match', [
    ("seeds = [0]\nvariants = dict(a={{}})\n", 'base_config'),
    ("base_config = 'missing.py'\nseeds = [0]\nvariants = dict(a={{}})\n",
     'not found'),
    ("base_config = '{base}'\nseeds = [0, 0]\nvariants = dict(a={{}})\n",
     'seeds'),
    ("base_config = '{base}'\nseeds = [0]\nvariants = dict(a=1)\n",
     "variant 'a'"),
])
def test_bad_spec_is_a_clear_error(tmp_path, body, match):
    base = osp.join(REPO, 'configs', 'tdmi_tiny_occluded_video.py')
    path = tmp_path / 'spec.py'
    path.write_text(body.format(base=base))
    with pytest.raises((ValueError, FileNotFoundError), match=match):
        load_study_spec(str(path))
    spec = load_study_spec(SHIPPED_SPEC)
    with pytest.raises(ValueError, match='unknown variants'):
        plan_runs(spec, variants=['nope'])


MICRO_SPEC = '''
base_config = {base!r}
seeds = [0, 1]
sample_data = dict(seed=0, num_videos=(1, 1), frames_per_video=6,
                   label_step=2, occlusion_prob=0.35)
cfg_options = {{
    'train_cfg.max_epochs': 1,
    'param_scheduler.0.end': 1,
    'train_dataloader.num_workers': 0,
    'test_dataloader.num_workers': 0,
    'model.test_cfg.flip_test': False,
}}
variants = dict(
    key_frame_only={key_frame_only!r},
    full={full!r},
)
'''


def test_micro_study_end_to_end_resumes_and_is_deterministic(tmp_path):
    shipped = load_study_spec(SHIPPED_SPEC)
    spec_file = tmp_path / 'micro.py'
    spec_file.write_text(
        MICRO_SPEC.format(
            base=osp.join(REPO, 'configs', 'tdmi_tiny_occluded_video.py'),
            key_frame_only=shipped.variants['key_frame_only'],
            full=shipped.variants['full']))
    work_dir = str(tmp_path / 'study')
    spec = load_study_spec(str(spec_file))
    lines = []
    # interrupted study: only one variant ran (its two seeds side by side)
    run_study(spec, work_dir, variants=['key_frame_only'], jobs=2,
              progress=lines.append)
    assert sum('training' in line for line in lines) == 2

    # the tool's command line finishes it, reusing the two runs
    out = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'analysis',
                                  'ablation_study.py'), str(spec_file),
         '--work-dir', work_dir, '--jobs', '2'],
        capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.count('done before, reused') == 2
    assert out.stdout.count(': training ...') == 2
    report_dir = osp.join(work_dir, 'studies', 'micro')
    with open(osp.join(report_dir, 'study.json')) as f:
        study = json.load(f)
    assert [(r['variant'], r['seed']) for r in study['runs']] == [
        ('key_frame_only', 0), ('key_frame_only', 1), ('full', 0),
        ('full', 1)]
    for run in study['runs']:
        assert 0.0 <= run['metrics']['posetrack/Total'] <= 100.0
        assert run['iterations'] > 0 and run['train_seconds'] > 0
        assert len(run['curves']['loss_kpt']) == run['iterations']
        assert ('loss_mi' in run['curves']) == (run['variant'] == 'full')
    table = open(osp.join(report_dir, 'table.md')).read()
    assert table.count('\n') == 4 and '| full | 2 |' in table
    assert open(osp.join(report_dir, 'chart.png'), 'rb').read(4) == \
        b'\x89PNG'
    # a run done again from scratch, alone, gives the numbers it gave side
    # by side with another (deterministic)
    first = study['runs'][2]
    os.remove(osp.join(work_dir, 'runs', 'full__seed0', 'result.json'))
    again = run_study(spec, work_dir, variants=['full'], seeds=[0],
                      progress=lines.append)
    assert again['runs'][0]['metrics'] == first['metrics']
    assert again['runs'][0]['curves'] == first['curves']

    # the report alone, redrawn from the JSON elsewhere
    out_dir = tmp_path / 'report'
    out = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'analysis',
                                  'ablation_study.py'), '--report',
         osp.join(report_dir, 'study.json'), '--out-dir', str(out_dir)],
        capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert sorted(os.listdir(out_dir)) == ['chart.png', 'clamp.md',
                                           'curve_ends.md',
                                           'curves.png', 'table.md']


def test_failed_run_names_its_log(tmp_path):
    spec_file = tmp_path / 'bad.py'
    spec_file.write_text(
        f"base_config = {osp.join(REPO, 'configs', 'tdmi_tiny_occluded_video.py')!r}\n"  # noqa: E501
        "seeds = [0]\n"
        "cfg_options = {'data_root': '/nonexistent/'}\n"
        "variants = dict(full={})\n")
    spec = load_study_spec(str(spec_file))
    with pytest.raises(RuntimeError, match=r'full__seed0.*run\.log'):
        run_study(spec, str(tmp_path / 'w'), progress=lambda line: None)
    assert not osp.exists(tmp_path / 'w' / 'studies')


STUDIES = sorted(
    glob.glob(osp.join(REPO, 'docs', 'ablation', '*', 'study.json')))


@pytest.mark.parametrize('study_file', STUDIES,
                         ids=lambda p: osp.basename(osp.dirname(p)))
def test_published_tables_are_generated_from_the_committed_studies(
        study_file):
    """docs/ablation.md and the committed table.md show exactly what the
    committed study.json gives: no number is typed by hand."""
    with open(study_file) as f:
        study = json.load(f)
    table = format_markdown_table(summarize_study(study))
    folder = osp.dirname(study_file)
    with open(osp.join(folder, 'table.md')) as f:
        assert f.read() == table
    with open(osp.join(REPO, 'docs', 'ablation.md')) as f:
        assert table in f.read()
    with open(osp.join(folder, 'curve_ends.md')) as f:
        assert f.read() == format_curve_table(study)
    assert osp.isfile(osp.join(folder, 'chart.png'))
    # every published run is complete: all variants x all seeds
    assert len(study['runs']) == len(study['variants']) * len(study['seeds'])
    if study.get('probe_variants'):
        probe = format_probe_table(study)
        with open(osp.join(folder, 'probe.md')) as f:
            assert f.read() == probe
        with open(osp.join(REPO, 'docs', 'ablation.md')) as f:
            assert probe in f.read()
        assert all('probe' in r for r in study['runs']
                   if r['variant'] in study['probe_variants'])
    if osp.isfile(osp.join(folder, 'clamp.md')):
        with open(osp.join(folder, 'clamp.md')) as f:
            assert f.read() == format_clamp_table(study)


def test_there_is_a_published_study():
    assert STUDIES, 'docs/ablation/*/study.json is missing'


def test_curve_table_from_a_hand_made_study():
    runs = []
    for seed, end in ((0, 1.0), (1, 3.0)):
        record = _record('a', seed, 80.0)
        record['curves'] = dict(loss_kpt=[9.0] * 5 + [end] * 20)
        runs.append(record)
    record = _record('b', 0, 60.0)
    record['curves'] = dict(loss_kpt=[4.0] * 25, loss_mi=[0.5] * 25)
    runs.append(record)
    study = dict(spec='s.py', seeds=[0, 1], variants={'a': {}, 'b': {}},
                 runs=runs)
    lines = format_curve_table(study, keys=('loss_kpt', 'loss_mi'),
                               tail=20).strip().split('\n')
    assert lines[0] == ('| variant | loss_kpt (last 20 it.) | '
                        'loss_mi (last 20 it.) |')
    assert lines[2] == '| a | 2 ± 1.4 | - |'
    assert lines[3] == '| b | 4 ± 0 | 0.5 ± 0 |'


def test_atomic_output_appears_only_when_complete(tmp_path):
    from tdmi_mmpose.utils.atomic import atomic_output, atomic_write_json
    path = tmp_path / 'out' / 'result.json'
    with pytest.raises(RuntimeError):
        with atomic_output(str(path)) as tmp:
            with open(tmp, 'w') as f:
                f.write('{"partial": ')
            raise RuntimeError('killed')
    assert not path.exists() and os.listdir(path.parent) == []
    atomic_write_json({'a': 1}, str(path))
    assert json.loads(path.read_text()) == {'a': 1}
    umask = os.umask(0)
    os.umask(umask)
    assert (path.stat().st_mode & 0o777) == (0o666 & ~umask)
    with pytest.raises(ValueError):
        atomic_write_json({'a': float('nan')}, str(path))
    assert json.loads(path.read_text()) == {'a': 1}


def test_model_doc_quotes_the_mi_study_curves():
    """docs/model.md's MI-loss table is the committed study's, not typed."""
    with open(osp.join(REPO, 'docs', 'ablation', 'occluded_video_mi_loss',
                       'study.json')) as f:
        study = json.load(f)
    with open(osp.join(REPO, 'docs', 'model.md')) as f:
        assert format_curve_table(study) in f.read()


GRADIENT_RECORDS = sorted(
    glob.glob(osp.join(REPO, 'docs', 'ablation', '*', 'gradient_norms_*.json')))


@pytest.mark.parametrize('record', GRADIENT_RECORDS, ids=osp.basename)
def test_model_doc_quotes_the_committed_gradient_norms(record):
    """docs/model.md's gradient-norm tables are the committed output of
    tools/analysis/mi_gradient_probe.py --json, with its command."""
    from tdmi_mmpose.analysis.gradient_probe import format_gradient_table
    with open(record) as f:
        probe = json.load(f)
    # earlier records name the script alone, newer ones 'python SCRIPT'
    assert 'tools/analysis/mi_gradient_probe.py' in probe['command'].split()[:2]
    with open(osp.join(REPO, 'docs', 'model.md')) as f:
        assert format_gradient_table(probe['norms']) in f.read()


FROZEN_SPEC = osp.join(REPO, 'configs', 'ablation_studies',
                       'irrelevant_motion_frozen.py')
MICRO_FROZEN_SPEC = '''
_base_ = [{shipped!r}]
base_config = {base!r}
seeds = [0]
_micro = dict(frames_per_video=6, pan_speed=4.0, moving_objects=2,
              passer_by=True)
sample_data = dict(seed=0, num_videos=(1, 1), label_step=2, **_micro)
_fast = {{
    'train_cfg.max_epochs': 1,
    'param_scheduler.0.end': 1,
    'train_dataloader.num_workers': 0,
    'test_dataloader.num_workers': 0,
    'model.test_cfg.flip_test': False,
}}
pretrain = dict(
    config={pretrain!r},
    sample_data=dict(seed=1, num_videos=(1, 0), label_step=1, **_micro),
    cfg_options=dict(_fast, val_data_root='{{data_root}}'))
cfg_options = dict(_fast, backbone_checkpoint='{{pretrained_checkpoint}}')
variants = dict(_delete_=True, full_all={{'model.neck.1.mi_gradient': 'all'}})
probe_variants = ['full_all']
'''


def test_frozen_recipe_micro_study_keeps_the_backbone(tmp_path):
    """The frozen recipe end to end: the pretraining run, a temporal variant
    whose MI gradient may reach everything before the RDM, trained on the
    pretrained backbone through its `Pretrained` init_cfg, and probed; the
    backbone's weights and BN statistics are the pretrained ones."""
    import torch
    shipped = load_study_spec(FROZEN_SPEC)
    assert shipped.pretrain and set(shipped.probe_variants) <= set(
        shipped.variants)
    spec_file = tmp_path / 'micro_frozen.py'
    spec_file.write_text(MICRO_FROZEN_SPEC.format(
        shipped=FROZEN_SPEC,
        base=osp.join(REPO, 'configs', 'tdmi_tiny_irrelevant_motion.py'),
        pretrain=osp.join(REPO, 'configs',
                          'tdmi_tiny_single_frame_pretrain.py')))
    work_dir = str(tmp_path / 'study')
    study = run_study(load_study_spec(str(spec_file)), work_dir,
                      progress=lambda line: None)
    assert study['pretrain']['name'] == 'pretrained_single_frame'
    (run, ) = study['runs']
    assert 0.0 <= run['probe']['useful_in_target'] <= 1.0
    assert run['probe']['samples'] > 0
    assert osp.isfile(osp.join(work_dir, 'runs', 'full_all__seed0',
                               'probe.png'))
    rows = summarize_study(study)
    assert [r['variant'] for r in rows] == ['pretrained_single_frame',
                                            'full_all']

    def state(name):
        path = glob.glob(osp.join(work_dir, 'runs', name, 'epoch_*.pth'))[0]
        return torch.load(path, map_location='cpu',
                          weights_only=False)['state_dict']

    pretrained = state('pretrained_single_frame__seed0')
    trained = state('full_all__seed0')
    backbone = [k for k in trained if k.startswith('backbone.')]
    assert len(backbone) > 100
    for key in backbone:
        assert torch.equal(trained[key], pretrained[key]), key
    # the rest did train
    assert any(k.startswith('neck.0.') for k in trained)
    assert not torch.equal(trained['head.final_layer.weight'],
                           pretrained['head.final_layer.weight'])
