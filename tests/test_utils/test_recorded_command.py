# Copyright (c) tdmi_mmpose contributors.
import os.path as osp
import shlex

from tdmi_mmpose.utils import recorded_command


def test_recorded_command_names_the_tool_from_tools_and_quotes_arguments():
    script = osp.join('/home/u/tools/src/tdmi', 'tools', 'analysis',
                      'benchmark.py')
    command = recorded_command(script, ['--json', 'out dir/a.json', "it's"])
    assert command == ('python tools/analysis/benchmark.py --json '
                       "'out dir/a.json' 'it'\"'\"'s'")
    assert shlex.split(command)[2:] == ['--json', 'out dir/a.json', "it's"]


def test_recorded_command_defaults_to_the_process_arguments(monkeypatch):
    monkeypatch.setattr('sys.argv', ['tools/x.py', '--seed', '3'])
    assert recorded_command('/repo/tools/x.py') == \
        'python tools/x.py --seed 3'
    assert recorded_command('/elsewhere/y.py', []) == 'python y.py'
