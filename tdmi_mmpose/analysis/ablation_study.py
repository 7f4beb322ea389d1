# Copyright (c) tdmi_mmpose contributors.
"""Seeded ablation studies: every (variant, seed) run trained and tested in
its own process, results gathered in one JSON, interrupted studies resumed.

A study is described by a spec file (an mmengine config)::

    base_config = '../tdmi_tiny_occluded_video.py'  # relative to the spec
    seeds = [0, 1, 2]
    # optional: generate the data with make_sample_posetrack(**sample_data)
    # into <work_dir>/data and point data_root there
    sample_data = dict(num_videos=(12, 6), occlusion_prob=0.35)
    cfg_options = {}            # dotted overrides for every run
    variants = dict(            # name -> dotted overrides of that variant
        full={},
        no_mi={'model.mi_loss': None},
    )

See ``configs/ablation_studies/`` and ``docs/ablation.md``.
"""
import json
import os
import os.path as osp
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from mmengine.config import Config

from tdmi_mmpose.utils.atomic import atomic_write_json
from tdmi_mmpose.utils.errors import InputError
from .train_and_test import config_digest, prepare_run_config

STUDY_FILE = 'study.json'


def study_dir(spec: 'StudySpec', work_dir: str) -> str:
    """Folder of a study's record and report inside a work dir:
    ``<work_dir>/studies/<spec file stem>/``. Several specs can share one
    work dir (and the runs they have in common)."""
    stem = osp.splitext(osp.basename(spec.path))[0]
    return osp.join(work_dir, 'studies', stem)


@dataclass
class StudySpec:
    """A parsed study spec (see the module docstring).

    Args:
        path (str): The spec file.
        base_config (str): Absolute path of the config every run starts
            from.
        seeds (list[int]): Seeds of every variant.
        variants (dict[str, dict]): Variant name -> dotted overrides, in
            the spec's order.
        cfg_options (dict): Overrides shared by every run.
        sample_data (dict, optional): Keyword arguments of
            :func:`make_sample_posetrack` for the study's data.
    """
    path: str
    base_config: str
    seeds: List[int]
    variants: Dict[str, Dict]
    cfg_options: Dict = field(default_factory=dict)
    sample_data: Optional[Dict] = None


def load_study_spec(path: str) -> StudySpec:
    """Read and check a study spec file.

    Args:
        path (str): The spec file (an mmengine config).

    Returns:
        StudySpec: The spec, ``base_config`` made absolute.

    Raises:
        FileNotFoundError: The spec or its base config does not exist.
        ValueError: A field is missing or malformed (the message names it).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'study spec not found: {path}')
    cfg = Config.fromfile(path)
    for key in ('base_config', 'seeds', 'variants'):
        if key not in cfg:
            raise ValueError(f'{path}: the study spec needs `{key}`')
    base = osp.normpath(osp.join(osp.dirname(osp.abspath(path)),
                                 cfg.base_config))
    if not osp.isfile(base):
        raise FileNotFoundError(f'{path}: base_config {cfg.base_config!r} '
                                f'not found (looked at {base})')
    seeds = list(cfg.seeds)
    if not seeds or not all(isinstance(s, int) for s in seeds) or \
            len(set(seeds)) != len(seeds):
        raise ValueError(f'{path}: `seeds` must be distinct integers, got '
                         f'{seeds}')
    variants = {}
    for name, options in cfg.variants.items():
        if not isinstance(options, dict):
            raise ValueError(f'{path}: variant {name!r} must be a dict of '
                             f'dotted overrides, got {options!r}')
        variants[str(name)] = _plain(options)
    if not variants:
        raise ValueError(f'{path}: `variants` is empty')
    sample_data = cfg.get('sample_data', None)
    return StudySpec(
        path=osp.abspath(path),
        base_config=base,
        seeds=seeds,
        variants=variants,
        cfg_options=_plain(cfg.get('cfg_options', {})),
        sample_data=_plain(sample_data) if sample_data is not None else None)


def _plain(obj):
    """ConfigDict / tuple -> plain JSON-able dict / list."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


def plan_runs(spec: StudySpec,
              variants: Optional[Sequence[str]] = None,
              seeds: Optional[Sequence[int]] = None
              ) -> List[Tuple[str, int]]:
    """The (variant, seed) runs of a study, variant-major in spec order.

    Args:
        spec (StudySpec): The study.
        variants (Sequence[str], optional): A subset of the spec's variants.
        seeds (Sequence[int], optional): Seeds instead of the spec's.

    Returns:
        list[tuple[str, int]]: The runs.
    """
    names = list(spec.variants) if variants is None else list(variants)
    unknown = [n for n in names if n not in spec.variants]
    if unknown:
        raise ValueError(f'unknown variants {unknown}; the study has '
                         f'{list(spec.variants)}')
    seeds = spec.seeds if seeds is None else list(seeds)
    return [(name, seed) for name in names for seed in seeds]


def run_dir_name(variant: str, seed: int) -> str:
    """Folder of one run inside the study's work dir."""
    return osp.join('runs', f'{variant}__seed{seed}')


def prepare_study_data(spec: StudySpec, work_dir: str,
                       progress: Callable[[str], None]) -> Optional[str]:
    """Generate the spec's sample data into ``<work_dir>/data`` (once).

    Returns:
        str | None: The data root to use, or None when the spec has no
        ``sample_data``.
    """
    if spec.sample_data is None:
        return None
    from tdmi_mmpose.datasets.sample_data import make_sample_posetrack
    root = osp.join(work_dir, 'data')
    done = osp.join(root, 'generated.json')
    if osp.isfile(done):
        with open(done) as f:
            if json.load(f) == spec.sample_data:
                return root + '/'
        raise InputError(
            f'{root} holds data generated with other settings than '
            f'{spec.path}\'s sample_data; use another --work-dir')
    progress(f'generating the study data in {root} ...')
    kwargs = dict(spec.sample_data)
    if 'num_videos' in kwargs:
        kwargs['num_videos'] = tuple(kwargs['num_videos'])
    make_sample_posetrack(root, **kwargs)
    atomic_write_json(spec.sample_data, done)
    return root + '/'


def run_study(spec: StudySpec,
              work_dir: str,
              variants: Optional[Sequence[str]] = None,
              seeds: Optional[Sequence[int]] = None,
              jobs: int = 1,
              python: str = sys.executable,
              progress: Callable[[str], None] = print) -> Dict:
    """Run (or resume) a study; returns the study record, also written to
    ``study.json`` in :func:`study_dir` after every run.

    A run whose ``result.json`` exists is not run again, so an interrupted
    study continues where it stopped; a finished run whose config now
    resolves differently (the spec or a config file changed) is an error.
    Each run is a separate process
    (:mod:`tdmi_mmpose.analysis.train_and_test`) with one compute thread
    (so its numbers do not depend on ``jobs``), logging to
    ``<run dir>/run.log``.

    Args:
        spec (StudySpec): The study.
        work_dir (str): The study's folder.
        variants (Sequence[str], optional): Run only these variants.
        seeds (Sequence[int], optional): Seeds instead of the spec's.
        jobs (int): Runs at a time. Default: 1.
        python (str): The interpreter for the runs.
        progress (callable): Receives one line per step.

    Returns:
        dict: ``spec``, ``base_config``, ``seeds``, ``variants`` (name ->
        overrides), ``sample_data``, ``sessions`` (one ``{jobs, runs,
        wall_seconds}`` per call that ran something) and ``runs`` (in plan
        order, each
        ``{variant, seed, metrics, train_seconds, test_seconds, iterations,
        curves}``).

    Raises:
        RuntimeError: A run failed (the message names its log); the runs
        that finished are kept.
    """
    if jobs < 1:
        raise ValueError(f'jobs must be >= 1, got {jobs}')
    os.makedirs(work_dir, exist_ok=True)
    runs = plan_runs(spec, variants, seeds)
    data_root = prepare_study_data(spec, work_dir, progress)
    study = dict(
        spec=osp.relpath(spec.path),
        base_config=osp.relpath(spec.base_config),
        seeds=sorted({seed for _, seed in runs}),
        variants={name: spec.variants[name]
                  for name in dict.fromkeys(n for n, _ in runs)},
        sample_data=spec.sample_data,
        runs=[])
    study_file = osp.join(study_dir(spec, work_dir), STUDY_FILE)
    sessions = []
    if osp.isfile(study_file):
        with open(study_file) as f:
            sessions = json.load(f).get('sessions', [])
    session = dict(jobs=jobs, runs=0, wall_seconds=0.0)
    results: Dict[Tuple[str, int], Dict] = {}

    def save():
        study['runs'] = [
            dict(variant=v, seed=s, **results[(v, s)]) for v, s in runs
            if (v, s) in results
        ]
        session['wall_seconds'] = round(time.perf_counter() - started, 1)
        study['sessions'] = sessions + ([session] if session['runs'] else [])
        atomic_write_json(study, study_file, indent=1)

    def run_options(variant):
        options = dict(spec.cfg_options)
        if data_root is not None:
            options['data_root'] = data_root
        options.update(spec.variants[variant])
        return options

    todo = []
    for index, (variant, seed) in enumerate(runs, 1):
        run_dir = osp.join(work_dir, run_dir_name(variant, seed))
        result_file = osp.join(run_dir, 'result.json')
        if osp.isfile(result_file):
            with open(result_file) as f:
                result = json.load(f)
            digest = config_digest(
                prepare_run_config(spec.base_config, run_options(variant),
                                   seed, run_dir))
            if result.get('config_sha1') != digest:
                raise InputError(
                    f'{run_dir} was run with another config than '
                    f'{spec.path} and its base config give now; delete it '
                    'or use another --work-dir')
            results[(variant, seed)] = result
            progress(f'[{index}/{len(runs)}] {variant} seed {seed}: done '
                     'before, reused')
        else:
            todo.append((index, variant, seed))
    started = time.perf_counter()
    if results:
        save()

    failures = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {}
        for index, variant, seed in todo:
            options = run_options(variant)
            run_dir = osp.join(work_dir, run_dir_name(variant, seed))
            label = f'[{index}/{len(runs)}] {variant} seed {seed}'
            futures[pool.submit(_run_one, python, spec.base_config, options,
                                seed, run_dir, label,
                                progress)] = (index, variant, seed)
        for done, future in enumerate(as_completed(futures), 1):
            index, variant, seed = futures[future]
            label = f'[{index}/{len(runs)}] {variant} seed {seed}'
            try:
                result = future.result()
            except RuntimeError as err:
                failures.append(str(err))
                progress(f'{label}: FAILED: {err}')
                continue
            results[(variant, seed)] = result
            session['runs'] += 1
            save()
            elapsed = time.perf_counter() - started
            left = elapsed / done * (len(todo) - done)
            progress(f'{label}: Total AP '
                     f'{_fmt(result["metrics"].get("posetrack/Total"))} in '
                     f'{result["train_seconds"] + result["test_seconds"]:.0f}'
                     f' s ({done}/{len(todo)} of this session, about '
                     f'{left / 60:.0f} min left)')
    if failures:
        raise RuntimeError('; '.join(failures))
    return study


def _fmt(value: Optional[float]) -> str:
    return 'n/a' if value is None else f'{value:.1f}'


def _run_one(python: str, config: str, options: Dict, seed: int,
             run_dir: str, label: str,
             progress: Callable[[str], None]) -> Dict:
    """Train and test one run in a subprocess; returns its result."""
    progress(f'{label}: training ...')
    os.makedirs(run_dir, exist_ok=True)
    options_file = osp.join(run_dir, 'options.json')
    atomic_write_json(options, options_file, indent=1)
    log_file = osp.join(run_dir, 'run.log')
    cmd = [
        python, '-m', 'tdmi_mmpose.analysis.train_and_test', config,
        '--work-dir', run_dir, '--seed',
        str(seed), '--options-json', options_file
    ]
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    with open(log_file, 'w') as log:
        code = subprocess.call(
            cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    result_file = osp.join(run_dir, 'result.json')
    if code != 0 or not osp.isfile(result_file):
        raise RuntimeError(f'run {run_dir} failed (exit code {code}); see '
                           f'{log_file}')
    with open(result_file) as f:
        return json.load(f)
