"""Packaging for tdmi_mmpose.

Besides the Python package, ``configs/`` and ``tools/`` are shipped inside it
as ``tdmi_mmpose/.mim/{configs,tools}``: ``mim train/test`` look for a
codebase's scripts and configs in ``<dist location>/<package>/.mim``.

* ``pip install .`` copies them into the installed package (``build_py``).
* ``pip install -e .`` (PEP 660): setuptools' own editable strategies leave
  no ``site-packages/tdmi_mmpose`` folder (the distribution's location is
  ``site-packages``), so mim would find nothing. We install instead a small
  regular package there whose ``__path__`` is the source folder (so every
  import still comes from the working tree) plus ``.mim`` stubs that run the
  source tools and inherit the source configs.
"""
import os
import os.path as osp
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.editable_wheel import editable_wheel
except ImportError:  # setuptools < 64: no PEP 660 editable installs
    editable_wheel = None

ROOT = osp.dirname(osp.abspath(__file__))
PACKAGE = 'tdmi_mmpose'
MIM_DIRS = ('configs', 'tools')
IGNORED = shutil.ignore_patterns('__pycache__', '*.pyc', '.keep')


def read_version():
    scope = {}
    with open(osp.join(ROOT, PACKAGE, 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


class BuildPyWithMim(build_py):
    """``build_py`` that also copies configs/ and tools/ into ``.mim``."""

    def run(self):
        super().run()
        if getattr(self, 'editable_mode', False):
            return
        mim_dir = osp.join(self.build_lib, PACKAGE, '.mim')
        for name in MIM_DIRS:
            dst = osp.join(mim_dir, name)
            if osp.exists(dst):
                shutil.rmtree(dst)
            shutil.copytree(osp.join(ROOT, name), dst, ignore=IGNORED)


SHIM_INIT = '''\
"""Editable-install shim written by tdmi_mmpose's setup.py.

The package lives in {src!r}; this module only points imports there.
"""
import os as _os

__path__ = [{src!r}]
__file__ = _os.path.join(__path__[0], '__init__.py')
with open(__file__, encoding='utf-8') as _f:
    exec(compile(_f.read(), __file__, 'exec'))
del _os, _f
'''

SHIM_TOOL = '''\
# Editable-install stub written by tdmi_mmpose's setup.py: runs {src!r}.
import runpy
import sys

sys.argv[0] = {src!r}
sys.path.insert(0, {src_dir!r})
runpy.run_path({src!r}, run_name='__main__')
'''

SHIM_CONFIG = '''\
# Editable-install stub written by tdmi_mmpose's setup.py.
_base_ = [{src!r}]
'''


class _MimEditableStrategy:
    """Writes the package shim and ``.mim`` stubs into the editable wheel."""

    def __init__(self, project_dir):
        self.project_dir = project_dir

    def __call__(self, wheel, files, mapping):
        src_pkg = osp.join(self.project_dir, PACKAGE)
        wheel.writestr(f'{PACKAGE}/__init__.py',
                       SHIM_INIT.format(src=src_pkg))
        for name, template in (('tools', SHIM_TOOL),
                               ('configs', SHIM_CONFIG)):
            top = osp.join(self.project_dir, name)
            for dirpath, dirnames, filenames in os.walk(top):
                dirnames[:] = [d for d in dirnames if d != '__pycache__']
                for filename in sorted(filenames):
                    if not filename.endswith('.py'):
                        continue
                    src = osp.join(dirpath, filename)
                    rel = osp.relpath(src, self.project_dir)
                    wheel.writestr(
                        f'{PACKAGE}/.mim/{rel}',
                        template.format(src=src, src_dir=osp.dirname(src)))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None


cmdclass = {'build_py': BuildPyWithMim}
if editable_wheel is not None:

    class MimEditableWheel(editable_wheel):
        """PEP 660 editable wheel that mim can find (see module docstring)."""

        def _select_strategy(self, name, tag, build_lib):
            return _MimEditableStrategy(ROOT)

    cmdclass['editable_wheel'] = MimEditableWheel

setup(
    name=PACKAGE,
    version=read_version(),
    description='TDMI (CVPR 2023) video human pose estimation as an MMPose '
    '1.x plugin',
    long_description=open(osp.join(ROOT, 'README.md')).read()
    if osp.exists(osp.join(ROOT, 'README.md')) else '',
    long_description_content_type='text/markdown',
    author='tdmi_mmpose contributors',
    license='Apache License 2.0',
    packages=find_packages(include=[PACKAGE, f'{PACKAGE}.*']),
    python_requires='>=3.8',
    cmdclass=cmdclass,
    zip_safe=False,
    classifiers=[
        'Programming Language :: Python :: 3',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
)
