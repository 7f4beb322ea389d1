"""Packaging for tdmi_mmpose.

Besides the Python package, ``configs/`` and ``tools/`` are shipped inside it
as ``tdmi_mmpose/.mim/{configs,tools}``, which is where ``mim train``/``mim
test`` look for a codebase's training script and configs.
"""
import os
import os.path as osp
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = osp.dirname(osp.abspath(__file__))
MIM_DIRS = ('configs', 'tools')


def read_version():
    scope = {}
    with open(osp.join(ROOT, 'tdmi_mmpose', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


class BuildPyWithMim(build_py):
    """``build_py`` that also copies configs/ and tools/ into ``.mim``."""

    def run(self):
        super().run()
        if self.editable_mode:
            return
        mim_dir = osp.join(self.build_lib, 'tdmi_mmpose', '.mim')
        for name in MIM_DIRS:
            dst = osp.join(mim_dir, name)
            if osp.exists(dst):
                shutil.rmtree(dst)
            shutil.copytree(
                osp.join(ROOT, name), dst,
                ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))


setup(
    name='tdmi_mmpose',
    version=read_version(),
    description='TDMI (CVPR 2023) video human pose estimation as an MMPose '
    '1.x plugin',
    long_description=open(osp.join(ROOT, 'README.md')).read()
    if osp.exists(osp.join(ROOT, 'README.md')) else '',
    long_description_content_type='text/markdown',
    author='tdmi_mmpose contributors',
    license='Apache License 2.0',
    packages=find_packages(include=['tdmi_mmpose', 'tdmi_mmpose.*']),
    include_package_data=False,
    python_requires='>=3.8',
    cmdclass={'build_py': BuildPyWithMim},
    zip_safe=False,
    classifiers=[
        'Programming Language :: Python :: 3',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
)
