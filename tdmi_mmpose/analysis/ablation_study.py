# Copyright (c) tdmi_mmpose contributors.
"""Seeded ablation studies (spec: :mod:`.study_spec`): every (variant, seed)
run trained and tested in its own process, the results gathered in one JSON
record, an interrupted study resumed."""
import functools
import os
import os.path as osp
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ..io import load_json
from ..utils.atomic import atomic_write_json
from ..utils.errors import InputError
from ..utils.table import format_cell
from .study_spec import StudySpec, fill_placeholders, plan_runs
from .train_and_test import (RESULT_FILE, config_digest, last_checkpoint,
                             prepare_run_config, read_result)

STUDY_FILE = 'study.json'


def study_dir(spec: StudySpec, work_dir: str) -> str:
    """Folder of a study's record and report in a work dir,
    ``<work_dir>/studies/<spec file stem>/`` (specs may share a work dir and
    the runs they have in common)."""
    stem = osp.splitext(osp.basename(spec.path))[0]
    return osp.join(work_dir, 'studies', stem)


def run_dir_name(variant: str, seed: int) -> str:
    """Folder of one run inside the study's work dir."""
    return osp.join('runs', f'{variant}__seed{seed}')


def _total_ap(result: Dict) -> str:
    return format_cell(result['metrics'].get('posetrack/Total'), '.1f', 'n/a')


def prepare_data(sample_data: Optional[Dict], root: str, spec_path: str,
                 progress: Callable[[str], None]) -> Optional[str]:
    """Generate ``make_sample_posetrack(**sample_data)`` into ``root`` once
    (``root/generated.json`` records the arguments); returns the data root
    (ending in ``/``), None without ``sample_data``."""
    if sample_data is None:
        return None
    from ..synthetic import make_sample_posetrack
    done = osp.join(root, 'generated.json')
    if not osp.isfile(done):
        progress(f'generating data in {root} ...')
        kwargs = dict(sample_data)
        if 'num_videos' in kwargs:
            kwargs['num_videos'] = tuple(kwargs['num_videos'])
        make_sample_posetrack(root, **kwargs)
        atomic_write_json(sample_data, done)
    elif load_json(done) != sample_data:
        raise InputError(
            f'{root} holds data generated with other settings than '
            f'{spec_path} gives now; use another --work-dir')
    return root + '/'


def _reused(config: str, options: Dict, seed: int, run_dir: str,
            spec_path: str) -> Optional[Dict]:
    """A finished run's record, None when it has not run; an error when its
    config now resolves differently."""
    result = read_result(run_dir)
    if result is None:
        return None
    cfg = prepare_run_config(config, options, seed, run_dir)
    if result.get('config_sha1') != config_digest(cfg):
        raise InputError(
            f'{run_dir} was run with another config than {spec_path} and '
            'its configs give now; delete it or use another --work-dir')
    return result


def _run_one(python: str, config: str, options: Dict, seed: int,
             run_dir: str, label: str, progress: Callable[[str], None],
             probe: bool = False) -> Dict:
    """Train and test (and probe) one run in a subprocess with one compute
    thread; returns its result. A finished run is only probed."""
    finished = osp.isfile(osp.join(run_dir, RESULT_FILE))
    progress(f'{label}: {"probing" if finished else "training"} ...')
    os.makedirs(run_dir, exist_ok=True)
    options_file = osp.join(run_dir, 'options.json')
    atomic_write_json(options, options_file, indent=1)
    log_file = osp.join(run_dir, 'probe.log' if finished else 'run.log')
    cmd = [
        python, '-m', 'tdmi_mmpose.analysis.train_and_test', config,
        '--work-dir', run_dir, '--seed', str(seed), '--options-json',
        options_file
    ] + (['--probe'] if probe else [])
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    with open(log_file, 'w') as log:
        code = subprocess.call(
            cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    result = read_result(run_dir)
    if code != 0 or result is None:
        raise RuntimeError(f'run {run_dir} failed (exit code {code}); see '
                           f'{log_file}')
    return result


def _prepare_inputs(spec: StudySpec, work_dir: str, python: str,
                    progress: Callable[[str], None]) -> Tuple[Dict, Dict, int]:
    """The data and the pretraining run (reused if done): the placeholder
    values, the pretraining record ({} without) and the runs made (0/1)."""
    roots = {}
    data_root = prepare_data(spec.sample_data, osp.join(work_dir, 'data'),
                             spec.path, progress)
    if data_root is not None:
        roots['data_root'] = data_root
    pretrain = spec.pretrain
    if pretrain is None:
        return roots, {}, 0
    roots['pretrain_data_root'] = prepare_data(
        pretrain['sample_data'], osp.join(work_dir, 'pretrain_data'),
        spec.path, progress)
    name, seed = pretrain['name'], pretrain['seed']
    run_dir = osp.join(work_dir, run_dir_name(name, seed))
    options = dict(fill_placeholders(pretrain['cfg_options'], roots),
                   data_root=roots['pretrain_data_root'])
    label = f'[pretrain] {name} seed {seed}'
    result = _reused(pretrain['config'], options, seed, run_dir, spec.path)
    ran = result is None
    if ran:
        result = _run_one(python, pretrain['config'], options, seed, run_dir,
                          label, progress)
        progress(f'{label}: Total AP {_total_ap(result)}')
    else:
        progress(f'{label}: done before, reused')
    roots['pretrained_checkpoint'] = last_checkpoint(run_dir)
    return roots, dict(name=name, seed=seed, **result), int(ran)


def _study_record(spec: StudySpec, runs: List[Tuple[str, int]],
                  pretrain: Dict) -> Dict:
    study = dict(
        spec=osp.relpath(spec.path),
        base_config=osp.relpath(spec.base_config),
        seeds=sorted({seed for _, seed in runs}),
        variants={name: spec.variants[name]
                  for name in dict.fromkeys(n for n, _ in runs)},
        sample_data=spec.sample_data,
        runs=[])
    if pretrain:
        study['pretrain'] = pretrain
        study['pretrain_spec'] = dict(
            spec.pretrain, config=osp.relpath(spec.pretrain['config']))
    if spec.probe_variants:
        study['probe_variants'] = [
            v for v in spec.probe_variants if v in study['variants']]
    return study


def run_study(spec: StudySpec,
              work_dir: str,
              variants: Optional[Sequence[str]] = None,
              seeds: Optional[Sequence[int]] = None,
              jobs: int = 1,
              python: str = sys.executable,
              progress: Callable[[str], None] = print) -> Dict:
    """Run (or resume) a study: the data, the pretraining run (if any),
    then the runs ``jobs`` at a time, each in its own process
    (:mod:`.train_and_test`, one compute thread, ``<run dir>/run.log``).
    A finished run is reused (a probed variant's run without a probe only
    probed); one whose config now resolves differently is an error.

    Args:
        spec (StudySpec): The study.
        work_dir (str): The study's folder.
        variants (Sequence[str], optional): Run only these variants.
        seeds (Sequence[int], optional): Seeds instead of the spec's.
        jobs (int): Runs at a time (>= 1). Default: 1.
        python (str): The interpreter for the runs.
        progress (callable): Receives one line per step.

    Returns:
        dict: The record, also written to ``study.json`` in
        :func:`study_dir` after every run: ``spec``, ``base_config``,
        ``seeds``, ``variants`` (name -> overrides), ``sample_data``,
        ``sessions`` (``{jobs, runs, wall_seconds}`` per call that ran
        something), ``runs`` (in plan order: ``variant``, ``seed``,
        ``metrics``, ``train_seconds``, ``test_seconds``, ``iterations``,
        ``curves``, ``probe`` if probed); with a pretraining run
        ``pretrain`` (its record, ``name``, ``seed``) and ``pretrain_spec``;
        with probed variants ``probe_variants``.

    Raises:
        RuntimeError: A run failed (the message names its log); the runs
        that finished are kept.
    """
    started = time.perf_counter()
    os.makedirs(work_dir, exist_ok=True)
    runs = plan_runs(spec, variants, seeds)
    study_file = osp.join(study_dir(spec, work_dir), STUDY_FILE)
    sessions = load_json(study_file).get('sessions', []) \
        if osp.isfile(study_file) else []
    roots, pretrain, ran = _prepare_inputs(spec, work_dir, python, progress)
    session = dict(jobs=jobs, runs=ran, wall_seconds=0.0)
    study = _study_record(spec, runs, pretrain)
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
        if 'data_root' in roots:
            options['data_root'] = roots['data_root']
        options.update(spec.variants[variant])
        return fill_placeholders(options, roots)

    def finished(key, result):
        results[key] = result
        session['runs'] += 1
        save()

    todo = _runs_to_do(spec, runs, work_dir, python, run_options, results,
                       progress)
    if results or ran:
        save()
    _run_todo(todo, jobs, finished, progress)
    return study


def _runs_to_do(spec, runs, work_dir, python, run_options, results,
                progress) -> List[Tuple[Tuple[str, int], str, Callable]]:
    """Put the finished runs in ``results``; return ``((variant, seed),
    label, run)`` of the others (a run of a probed variant without a probe
    is to be probed)."""
    todo = []
    for index, (variant, seed) in enumerate(runs, 1):
        run_dir = osp.join(work_dir, run_dir_name(variant, seed))
        options = run_options(variant)
        result = _reused(spec.base_config, options, seed, run_dir, spec.path)
        probe = variant in spec.probe_variants
        label = f'[{index}/{len(runs)}] {variant} seed {seed}'
        if result is not None and (not probe or 'probe' in result):
            results[(variant, seed)] = result
            progress(f'{label}: done before, reused')
        else:
            todo.append(((variant, seed), label, functools.partial(
                _run_one, python, spec.base_config, options, seed, run_dir,
                label, progress, probe)))
    return todo


def _run_todo(todo, jobs: int, finished: Callable,
              progress: Callable[[str], None]) -> None:
    """Run the runs still to do, ``jobs`` at a time; ``finished(key,
    result)`` after each."""
    failures = []
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run): (key, label) for key, label, run in todo}
        for done, future in enumerate(as_completed(futures), 1):
            key, label = futures[future]
            try:
                result = future.result()
            except RuntimeError as err:
                failures.append(str(err))
                progress(f'{label}: FAILED: {err}')
                continue
            finished(key, result)
            elapsed = time.perf_counter() - started
            left = elapsed / done * (len(todo) - done)
            progress(f'{label}: Total AP {_total_ap(result)} in '
                     f'{result["train_seconds"] + result["test_seconds"]:.0f}'
                     f' s ({done}/{len(todo)} of this session, about '
                     f'{left / 60:.0f} min left)')
    if failures:
        raise RuntimeError('; '.join(failures))
