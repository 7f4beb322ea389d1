# Copyright (c) tdmi_mmpose contributors.
"""The test suite's time as a record (README, "Development"): one run of a
command that ends in pytest (``bash tools/run_tests.sh``, ``bash .ci/run``),
timed as a whole, with pytest's own JUnit XML report for the counts and the
slowest tests."""
import datetime
import os
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from typing import Dict, List, Sequence

import torch

from ..io import InputError
from .measure import load_average, machine_info


def read_junit_report(path: str, slowest: int = 10) -> Dict:
    """Counts, pytest's seconds and the slowest tests of a ``--junitxml``
    report.

    Args:
        path (str): The XML file pytest wrote.
        slowest (int): How many of the slowest tests to list.

    Returns:
        dict: ``tests``, ``passed``, ``failed``, ``errors``, ``skipped``,
        ``pytest_seconds`` and ``slowest`` (``{'test', 'seconds'}`` each, a
        test's setup, call and teardown together, slowest first).
    """
    root = ET.parse(path).getroot()
    suite = root if root.tag == 'testsuite' else root.find('testsuite')
    if suite is None:
        raise InputError(f'{path}: not a pytest JUnit XML report')
    counts = {k: int(suite.get(k, 0))
              for k in ('tests', 'failures', 'errors', 'skipped')}
    cases = sorted(
        ((float(case.get('time', 0.0)),
          f"{case.get('classname')}::{case.get('name')}")
         for case in suite.iter('testcase')),
        key=lambda item: -item[0])
    return dict(
        tests=counts['tests'],
        passed=counts['tests'] - counts['failures'] - counts['errors'] -
        counts['skipped'],
        failed=counts['failures'], errors=counts['errors'],
        skipped=counts['skipped'],
        pytest_seconds=round(float(suite.get('time', 0.0)), 1),
        slowest=[dict(test=name, seconds=round(seconds, 1))
                 for seconds, name in cases[:slowest]])


def _git_commit(cwd: str) -> str:
    proc = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=cwd,
                          capture_output=True,
                          text=True) if os.path.isdir(cwd) else None
    if proc is None or proc.returncode != 0:
        raise InputError(f'{cwd}: not a git checkout (the record states its '
                         'commit)')
    return proc.stdout.strip()


def time_suite(command: Sequence[str], cwd: str) -> Dict:
    """Run ``command`` with ``--junitxml FILE`` appended (its output shown
    as it comes) and return its record.

    Args:
        command (Sequence[str]): A command whose last step is pytest and
            which passes its extra arguments on to it.
        cwd (str): The checkout to run it in (its commit is recorded).

    Returns:
        dict: ``command``, ``commit``, ``date``, ``machine`` (with the load
        average before and after), ``wall_seconds`` (the whole command) and
        :func:`read_junit_report`'s fields.

    Raises:
        InputError: When ``cwd`` is not a git checkout.
        RuntimeError: When the command fails (a failing test included).
    """
    commit = _git_commit(cwd)
    machine = machine_info(torch.device('cpu'))
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, 'junit.xml')
        start = time.perf_counter()
        code = subprocess.call([*command, f'--junitxml={report}'], cwd=cwd)
        wall = time.perf_counter() - start
        if code != 0 or not os.path.isfile(report):
            raise RuntimeError(f'{" ".join(command)} failed (exit code '
                               f'{code}); no record written')
        result = read_junit_report(report)
    return dict(
        command=' '.join(command), commit=commit,
        date=datetime.date.today().isoformat(),
        machine=dict(machine, load_avg_1min_after=load_average()),
        wall_seconds=round(wall, 1), **result)


def format_suite_record(record: Dict) -> List[str]:
    """A record's summary lines, as the tool prints them."""
    minutes, seconds = divmod(round(record['pytest_seconds']), 60)
    lines = [
        f"{record['command']} at {record['commit'][:7]} on "
        f"{record['date']} ({record['machine']['cpu_count']} CPUs)",
        f"{record['passed']} passed, {record['skipped']} skipped, "
        f"{record['failed']} failed in {minutes} min {seconds} s "
        f"(pytest); {record['wall_seconds']:.0f} s for the whole command",
        'slowest:'
    ]
    lines += [f"  {t['seconds']:6.1f} s  {t['test']}"
              for t in record['slowest']]
    return lines
