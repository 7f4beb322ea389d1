"""The package ships configs/ and tools/ where mim looks for them, for both
regular and (PEP 660) editable installs, and the tools take mim's and the
distributed launchers' arguments."""
import os
import os.path as osp
import subprocess
import sys
import zipfile

import pytest
from tool_loading import load_tool

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _source_files(top):
    out = set()
    for dirpath, dirnames, filenames in os.walk(osp.join(ROOT, top)):
        dirnames[:] = [d for d in dirnames if d != '__pycache__']
        out.update(
            osp.relpath(osp.join(dirpath, f), ROOT) for f in filenames
            if not f.endswith('.pyc') and f != '.keep')
    return out


@pytest.fixture(scope='module')
def built_wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp('wheel')
    subprocess.run([
        sys.executable, '-m', 'pip', 'wheel', '--no-deps',
        '--no-build-isolation', '-q', '-w',
        str(out), ROOT
    ], check=True, capture_output=True)
    wheels = list(out.glob('tdmi_mmpose-*.whl'))
    assert len(wheels) == 1
    return str(wheels[0])


def test_wheel_ships_configs_and_tools_in_mim_folder(built_wheel):
    names = set(zipfile.ZipFile(built_wheel).namelist())
    for top in ('configs', 'tools'):
        expected = {f'tdmi_mmpose/.mim/{p}' for p in _source_files(top)}
        assert expected <= names, sorted(expected - names)[:5]
    assert 'tdmi_mmpose/.mim/tools/train.py' in names
    assert 'tdmi_mmpose/.mim/tools/test.py' in names
    assert 'tdmi_mmpose/__init__.py' in names
    assert not any('__pycache__' in n for n in names)


class _FakeWheel:

    def __init__(self):
        self.files = {}

    def writestr(self, name, data):
        self.files[name] = data if isinstance(data, str) else data.decode()


def test_editable_strategy_writes_importable_shim_and_mim_stubs(tmp_path):
    # setup.py runs setup() at import: load only what we need from it.
    src = open(osp.join(ROOT, 'setup.py')).read()
    scope = {'__file__': osp.join(ROOT, 'setup.py'), '__name__': 'setup_t'}
    exec(compile(src.split('\ncmdclass = ')[0], 'setup.py', 'exec'), scope)
    wheel = _FakeWheel()
    scope['_MimEditableStrategy'](ROOT)(wheel, [], {})
    for top in ('configs', 'tools'):
        py = {p for p in _source_files(top) if p.endswith('.py')}
        assert {f'tdmi_mmpose/.mim/{p}' for p in py} <= set(wheel.files)
    site = tmp_path / 'site'
    for name, text in wheel.files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    # the shim package resolves every import to the source tree
    code = ('import tdmi_mmpose, tdmi_mmpose.io.config as c; '
            'print(tdmi_mmpose.__file__); print(c.__file__); '
            'print(tdmi_mmpose.__version__)')
    env = dict(os.environ, PYTHONPATH=str(site))
    out = subprocess.run([sys.executable, '-c', code],
                         capture_output=True, text=True, cwd=str(tmp_path),
                         env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.split()
    assert lines[0] == osp.join(ROOT, 'tdmi_mmpose', '__init__.py')
    assert lines[1] == osp.join(ROOT, 'tdmi_mmpose', 'io', 'config.py')
    # a config stub inherits the source config
    from mmengine.config import Config
    stub = site / 'tdmi_mmpose/.mim/configs/tdmi_tiny_posetrack_sample.py'
    cfg = Config.fromfile(str(stub))
    assert cfg.model.type == 'VideoTopdownPoseEstimator'
    # a tool stub runs the source tool
    out = subprocess.run(
        [sys.executable,
         str(site / 'tdmi_mmpose/.mim/tools/train.py'), '-h'],
        capture_output=True, text=True, env=env)
    assert out.returncode == 0 and '--resume' in out.stdout
    # mim adds --gpus/--device only when the help mentions --gpus
    assert '--gpus' not in out.stdout


@pytest.mark.parametrize('flag', ['--local-rank', '--local_rank'])
def test_train_accepts_launcher_local_rank(flag, monkeypatch):
    monkeypatch.delenv('LOCAL_RANK', raising=False)
    train = load_tool('tools/train.py')
    args = train.parse_args([
        'configs/tdmi_tiny_posetrack_sample.py', '--launcher', 'pytorch',
        f'{flag}=3'
    ])
    assert args.local_rank == 3 and args.launcher == 'pytorch'
    assert os.environ['LOCAL_RANK'] == '3'


def test_train_options_reach_the_config(sample_data_root):
    train = load_tool('tools/train.py')
    from tdmi_mmpose.io.runner_args import build_config
    cfg_path = osp.join(ROOT, 'configs', 'tdmi_tiny_posetrack_sample.py')
    args = train.parse_args([
        cfg_path, '--amp', '--resume', '--work-dir', '/tmp/wd',
        '--cfg-options', f'data_root={sample_data_root}',
        'train_cfg.max_epochs=1'
    ])
    cfg = train.merge_train_args(build_config(args), args)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.resume is True and cfg.load_from is None
    assert cfg.work_dir == '/tmp/wd'
    assert cfg.train_cfg.max_epochs == 1
    assert cfg.val_dataloader.dataset.bbox_file.startswith(sample_data_root)
    args = train.parse_args([cfg_path, '--resume', 'x.pth', '--no-validate'])
    cfg = train.merge_train_args(build_config(args), args)
    assert cfg.load_from == 'x.pth' and cfg.val_dataloader is None
    assert cfg.work_dir == osp.join('./work_dirs', 'tdmi_tiny_posetrack_sample')


def test_test_tool_rejects_missing_checkpoint(tmp_path):
    test = load_tool('tools/test.py')
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        test.main([
            osp.join(ROOT, 'configs', 'tdmi_tiny_posetrack_sample.py'),
            str(tmp_path / 'nope.pth')
        ])
