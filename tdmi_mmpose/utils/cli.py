# Copyright (c) tdmi_mmpose contributors.
"""How the tools report errors: ``sys.exit(run_tool(main))`` prints an
expected error (``_ALWAYS_EXPECTED`` anywhere, ``_OWN_ERRORS`` raised by
this package, ``tools/`` or mmengine's config and registry code) as one line
and a hint (``docs/training.md``, "Tools: error output")."""
import os
import os.path as osp
import re
import shlex
import sys
import traceback
from typing import Callable, List, Optional, Sequence, Tuple

from .errors import InputError

#: Environment variable that turns tracebacks on (any value but '', '0').
DEBUG_ENV = 'TDMI_DEBUG'
#: Exit status of a tool stopped by an expected error.
EXIT_INPUT_ERROR = 2

_PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))
_TOOLS_DIR = osp.join(osp.dirname(_PACKAGE_DIR), 'tools')
_OWN_ERRORS = (ValueError, KeyError, TypeError, OSError)
_ALWAYS_EXPECTED = (InputError, FileNotFoundError, SyntaxError)

#: How torch re-raises an error of a DataLoader worker: its message holds
#: the worker's traceback as text after this line.
WORKER_TRACEBACK = 'Original Traceback (most recent call last):'


def _worker_error(error: BaseException) -> Optional[Tuple[str, str, str]]:
    """For an error re-raised from a DataLoader worker process: where torch
    says it was caught, the file that raised it and its own message."""
    text = str(error.args[0]) if error.args else ''
    if WORKER_TRACEBACK not in text:
        return None
    caught, _, trace = text.partition(WORKER_TRACEBACK)
    lines = trace.splitlines()
    frames = [i for i, line in enumerate(lines)
              if re.match(r'\s*File "[^"]+", line \d+', line)]
    last = frames[-1] if frames else -1
    start = next((i for i in range(last + 1, len(lines))
                  if lines[i] and not lines[i][0].isspace()), len(lines))
    raised = ' '.join(line.strip() for line in lines[start:]).strip()
    message = re.sub(r'^[\w.]+: ', '', raised) or raised
    origin = re.findall(r'File "([^"]+)", line', trace)
    where = re.sub(r'^Caught \w+ ', '', caught.strip()).rstrip('.')
    return where, origin[-1] if origin else '', message


def _raised_by_checks(error: BaseException) -> bool:
    """Whether ``error`` was raised (also in a DataLoader worker) in this
    package, ``tools/`` or mmengine's config/registry code."""
    worker = _worker_error(error)
    frames = traceback.extract_tb(error.__traceback__)
    if worker is None and not frames:
        return False
    origin = osp.realpath(worker[1] if worker else frames[-1].filename)
    if origin.startswith((_PACKAGE_DIR + os.sep, _TOOLS_DIR + os.sep)):
        return True
    parts = origin.split(os.sep)
    return 'mmengine' in parts and ('config' in parts or 'registry' in parts)


def is_expected_error(error: BaseException) -> bool:
    """Whether a tool reports ``error`` as bad input, not as a bug."""
    if isinstance(error, _ALWAYS_EXPECTED):
        return True
    return isinstance(error, _OWN_ERRORS) and _raised_by_checks(error)


def error_message(error: BaseException) -> str:
    """The exception's message on one line (a ``KeyError``'s without repr
    quotes; a DataLoader worker's own message, without its traceback)."""
    worker = _worker_error(error)
    if worker is not None:  # the worker's message, not its traceback
        text = f'{worker[2]} ({worker[0]})'
    elif isinstance(error, KeyError) and len(error.args) == 1 and \
            isinstance(error.args[0], str):
        text = error.args[0]
    else:
        text = str(error)
    text = ' '.join(line.strip() for line in text.splitlines()
                    if line.strip())
    return text or type(error).__name__


def _hint(error: BaseException) -> str:
    if isinstance(error, InputError) and error.hint:
        hint = error.hint
    elif isinstance(error, InputError):
        hint = ('check the file, field or option named above (the rules: '
                'docs/datasets.md, "Input validation")')
    elif isinstance(error, FileNotFoundError):
        hint = 'check the path'
    else:
        hint = 'check the command line, the config and the input files'
    return (f'{hint}; run with --debug or {DEBUG_ENV}=1 for the '
            'traceback')


def recorded_command(script_file: str,
                     argv: Optional[Sequence[str]] = None) -> str:
    """The command of a tool run, as records state it:
    ``python tools/.../tool.py ARGS`` (arguments shell-quoted).

    Args:
        script_file (str): The tool's ``__file__``.
        argv (Sequence[str], optional): Its arguments. Defaults to
            ``sys.argv[1:]``.

    Returns:
        str: The command.
    """
    parts = osp.abspath(script_file).split(os.sep)
    start = len(parts) - 1 - parts[::-1].index('tools') \
        if 'tools' in parts else len(parts) - 1
    args = sys.argv[1:] if argv is None else argv
    return 'python ' + shlex.join(['/'.join(parts[start:]), *args])


def run_tool(main: Callable[[List[str]], object],
             argv: Optional[Sequence[str]] = None,
             prog: Optional[str] = None) -> int:
    """Run a tool's ``main(argv)`` and turn expected errors into one line.

    Args:
        main (Callable): The tool's entry point: the argument list -> an
            exit status (a non-integer counts as 0).
        argv (Sequence[str], optional): The arguments, without
            ``--debug``. Defaults to ``sys.argv[1:]``.
        prog (str, optional): The tool's name in messages. Defaults to the
            name of ``main``'s file.

    Returns:
        int: ``main``'s exit status, or 2 after an expected error (with
        ``--debug`` or ``TDMI_DEBUG=1``, it is raised).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = '--debug' in argv or os.environ.get(DEBUG_ENV, '') not in ('',
                                                                       '0')
    argv = [arg for arg in argv if arg != '--debug']
    if prog is None:
        prog = osp.splitext(osp.basename(main.__code__.co_filename))[0]
    try:
        status = main(argv)
    except Exception as error:  # noqa: B902 (sorted below)
        if debug or not is_expected_error(error):
            raise
        print(f'{prog}: error: {error_message(error)}', file=sys.stderr)
        print(f'{prog}: hint: {_hint(error)}', file=sys.stderr)
        return EXIT_INPUT_ERROR
    if isinstance(status, bool) or not isinstance(status, int):
        return 0
    return status
