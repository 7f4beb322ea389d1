"""The suite-timing record (README "Development"): pytest's JUnit XML read
back, and a timed run of a small pytest command."""
import json
import os.path as osp
import subprocess
import sys

import pytest

from tdmi_mmpose.benchmarks.suite_timing import (format_suite_record,
                                                 read_junit_report,
                                                 time_suite)
from tdmi_mmpose.io import InputError

TESTS = '''
import pytest

def test_slow():
    import time
    time.sleep(0.3)

def test_fast():
    pass

@pytest.mark.skip(reason='x')
def test_skipped():
    pass
'''


def _git_repo(tmp_path, body):
    (tmp_path / 'test_tiny.py').write_text(body)
    for cmd in (['init', '-q'], ['add', '.'],
                ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm',
                 'tiny']):
        subprocess.run(['git', *cmd], cwd=tmp_path, check=True)
    return str(tmp_path)


def test_a_timed_run_gives_counts_and_the_slowest_first(tmp_path):
    repo = _git_repo(tmp_path, TESTS)
    record = time_suite(
        [sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
         'test_tiny.py'], repo)
    assert (record['tests'], record['passed'], record['skipped'],
            record['failed']) == (3, 2, 1, 0)
    assert len(record['commit']) == 40
    assert {'load_avg_1min_before', 'load_avg_1min_after',
            'cpu_count'} <= set(record['machine'])
    assert record['slowest'][0]['test'] == 'test_tiny::test_slow'
    assert record['slowest'][0]['seconds'] >= 0.3
    assert record['wall_seconds'] >= record['pytest_seconds'] >= 0.3
    lines = format_suite_record(record)
    assert '2 passed, 1 skipped, 0 failed in 0 min 0 s' in lines[1]
    assert lines[3].endswith('test_tiny::test_slow')


def test_a_failing_suite_gives_no_record(tmp_path):
    repo = _git_repo(tmp_path, 'def test_bad():\n    assert False\n')
    with pytest.raises(RuntimeError, match='exit code 1.*no record'):
        time_suite([sys.executable, '-m', 'pytest', '-q', '-p',
                    'no:cacheprovider', 'test_tiny.py'], repo)


def test_a_folder_that_is_not_a_checkout_is_named(tmp_path):
    for folder in (tmp_path, tmp_path / 'missing'):
        with pytest.raises(InputError, match='not a git checkout'):
            time_suite([sys.executable, '-c', 'pass'], str(folder))


def test_a_file_that_is_not_a_report_is_named(tmp_path):
    path = tmp_path / 'other.xml'
    path.write_text('<html><body/></html>')
    with pytest.raises(InputError, match='other.xml: not a pytest JUnit'):
        read_junit_report(str(path))


def test_readme_quotes_the_committed_suite_records():
    """README "Development" gives the suite's time as the committed records
    have it (no figure typed by hand)."""
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    with open(osp.join(repo, 'README.md')) as f:
        readme = ' '.join(f.read().split())
    for name in ('suite_checkout', 'suite_fresh_clone'):
        with open(osp.join(repo, 'docs', 'benchmarks', f'{name}.json')) as f:
            record = json.load(f)
        assert record['failed'] == record['errors'] == 0
        assert f'docs/benchmarks/{name}.json' in readme
        assert ' '.join(format_suite_record(record)[1].split()) in readme
