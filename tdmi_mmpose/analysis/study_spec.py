# Copyright (c) tdmi_mmpose contributors.
"""The spec of a seeded ablation study: an mmengine config file whose
variables are the fields of :class:`StudySpec` (examples:
``configs/ablation_studies/``; docs/ablation.md)."""
import json
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ..io.config import read_config_file
from ..utils.errors import InputError

#: Placeholders of option values, replaced by their paths: ``{data_root}``
#: (the study's data), ``{pretrain_data_root}`` and
#: ``{pretrained_checkpoint}`` (the pretraining run's data and final
#: checkpoint).
PLACEHOLDERS = ('data_root', 'pretrain_data_root', 'pretrained_checkpoint')


@dataclass
class StudySpec:
    """A parsed study spec. Option values may hold :data:`PLACEHOLDERS`.

    Args:
        path (str): The spec file.
        base_config (str): The config of every run (absolute; in the file,
            relative to the spec).
        seeds (list[int]): Seeds of every variant.
        variants (dict[str, dict]): Name -> dotted overrides, in order.
        cfg_options (dict): Overrides shared by every run.
        sample_data (dict, optional): Keyword arguments of
            :func:`~tdmi_mmpose.synthetic.make_sample_posetrack`, generated
            into ``<work_dir>/data`` (every run's ``data_root``).
        pretrain (dict, optional): One run before all others: ``name``,
            ``config`` (absolute), ``seed``, ``sample_data`` (into
            ``<work_dir>/pretrain_data``) and ``cfg_options``.
        probe_variants (list[str]): Variants whose final models are probed
            (:mod:`~tdmi_mmpose.analysis.disentanglement_probe`).
    """
    path: str
    base_config: str
    seeds: List[int]
    variants: Dict[str, Dict]
    cfg_options: Dict = field(default_factory=dict)
    sample_data: Optional[Dict] = None
    pretrain: Optional[Dict] = None
    probe_variants: List[str] = field(default_factory=list)


def _plain(obj):
    """A config value (ConfigDict, tuples) as plain JSON types."""
    return json.loads(json.dumps(obj))


def _require(ok: bool, path: str, message: str) -> None:
    """An InputError naming the spec file unless ``ok``."""
    if not ok:
        raise InputError(f'{path}: {message}')


def _config_path(spec_path: str, relative: str, what: str) -> str:
    path = osp.normpath(osp.join(osp.dirname(spec_path), relative))
    if not osp.isfile(path):
        raise FileNotFoundError(f'{spec_path}: {what} {relative!r} not found '
                                f'(looked at {path})')
    return path


def _pretrain_section(path: str, pretrain) -> Optional[Dict]:
    if pretrain is None:
        return None
    pretrain = _plain(pretrain)
    missing = [k for k in ('name', 'config', 'seed', 'sample_data')
               if k not in pretrain]
    _require(not missing and isinstance(pretrain['seed'], int), path,
             '`pretrain` needs name, config, an integer seed and '
             f'sample_data; missing {missing}')
    return dict(pretrain, config=_config_path(path, pretrain['config'],
                                              'pretrain config'),
                cfg_options=pretrain.get('cfg_options', {}))


def load_study_spec(path: str) -> StudySpec:
    """Read and check a study spec file.

    Args:
        path (str): The spec file (an mmengine config).

    Returns:
        StudySpec: The spec, config paths made absolute.

    Raises:
        FileNotFoundError: The spec or a config it names does not exist.
        InputError: A field is missing or malformed (the message names it).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'study spec not found: {path}')
    path = osp.abspath(path)
    cfg = read_config_file(path)
    for key in ('base_config', 'seeds', 'variants'):
        _require(key in cfg, path, f'the study spec needs `{key}`')
    seeds = list(cfg.seeds)
    _require(len(seeds) > 0 and all(isinstance(s, int) for s in seeds)
             and len(set(seeds)) == len(seeds), path,
             f'`seeds` must be distinct integers, got {seeds}')
    variants = _plain(cfg.variants)
    _require(len(variants) > 0, path, '`variants` is empty')
    for name, options in variants.items():
        _require(isinstance(options, dict), path, f'variant {name!r} must '
                 f'be a dict of dotted overrides, got {options!r}')
    probe_variants = list(cfg.get('probe_variants', []))
    unknown = [v for v in probe_variants if v not in variants]
    _require(not unknown, path,
             f'probe_variants {unknown} are not variants')
    return StudySpec(
        path=path,
        base_config=_config_path(path, cfg.base_config, 'base_config'),
        seeds=seeds, variants=variants,
        cfg_options=_plain(cfg.get('cfg_options', {})),
        sample_data=_plain(cfg.get('sample_data')),
        pretrain=_pretrain_section(path, cfg.get('pretrain')),
        probe_variants=probe_variants)


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
        raise InputError(f'unknown variants {unknown}; the study has '
                         f'{list(spec.variants)}')
    seeds = spec.seeds if seeds is None else list(seeds)
    return [(name, seed) for name in names for seed in seeds]


def fill_placeholders(options: Dict, values: Dict[str, str]) -> Dict:
    """``options`` with every ``{name}`` of :data:`PLACEHOLDERS` in its
    string values (at any depth) replaced by ``values[name]``; a
    placeholder the study does not have is an InputError."""
    def fill(value):
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        if not isinstance(value, str):
            return value
        for name in PLACEHOLDERS:
            token = '{' + name + '}'
            if token in value:
                if name not in values:
                    raise InputError(f'option value {value!r} uses {token}, '
                                     'which this study does not define')
                value = value.replace(token, values[name])
        return value

    return fill(options)
