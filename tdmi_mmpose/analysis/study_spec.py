# Copyright (c) tdmi_mmpose contributors.
"""The spec of a seeded ablation study (an mmengine config file)::

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
    # optional: one run before all others, e.g. a pose-pretrained backbone
    pretrain = dict(
        name='pretrained_single_frame',       # its row in the report
        config='../tdmi_tiny_single_frame_pretrain.py',
        seed=0,
        sample_data=dict(seed=1, ...),        # into <work_dir>/pretrain_data
        cfg_options={'val_data_root': '{data_root}'})
    # optional: variants whose final models are probed
    # (tdmi_mmpose.analysis.disentanglement_probe)
    probe_variants = ['full']

In every option value, the strings ``{data_root}`` (the study's data),
``{pretrain_data_root}`` and ``{pretrained_checkpoint}`` (the pretraining
run's final checkpoint) are replaced by their paths; ``data_root`` itself is
set for every run (the pretraining's data for the pretraining run).

See ``configs/ablation_studies/`` and ``docs/ablation.md``.
"""
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ..io.config import read_config_file

#: The placeholders of option values (see the module docstring).
PLACEHOLDERS = ('data_root', 'pretrain_data_root', 'pretrained_checkpoint')


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
        pretrain (dict, optional): The pretraining run: ``name``, ``config``
            (absolute), ``seed``, ``sample_data``, ``cfg_options``.
        probe_variants (list[str]): Variants whose models are probed.
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
    """ConfigDict / tuple -> plain JSON-able dict / list."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


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
    if missing or not isinstance(pretrain['seed'], int):
        raise ValueError(f'{path}: `pretrain` needs name, config, an integer '
                         f'seed and sample_data; missing {missing}')
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
        ValueError: A field is missing or malformed (the message names it).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'study spec not found: {path}')
    path = osp.abspath(path)
    cfg = read_config_file(path)
    for key in ('base_config', 'seeds', 'variants'):
        if key not in cfg:
            raise ValueError(f'{path}: the study spec needs `{key}`')
    seeds = list(cfg.seeds)
    if not seeds or not all(isinstance(s, int) for s in seeds) or \
            len(set(seeds)) != len(seeds):
        raise ValueError(f'{path}: `seeds` must be distinct integers, got '
                         f'{seeds}')
    variants = {str(name): _plain(options)
                for name, options in cfg.variants.items()}
    if not variants:
        raise ValueError(f'{path}: `variants` is empty')
    bad = [n for n, o in variants.items() if not isinstance(o, dict)]
    if bad:
        raise ValueError(f'{path}: variant {bad[0]!r} must be a dict of '
                         f'dotted overrides, got {variants[bad[0]]!r}')
    probe_variants = list(cfg.get('probe_variants', []))
    unknown = [v for v in probe_variants if v not in variants]
    if unknown:
        raise ValueError(f'{path}: probe_variants {unknown} are not variants')
    sample_data = cfg.get('sample_data', None)
    return StudySpec(
        path=path,
        base_config=_config_path(path, cfg.base_config, 'base_config'),
        seeds=seeds,
        variants=variants,
        cfg_options=_plain(cfg.get('cfg_options', {})),
        sample_data=_plain(sample_data) if sample_data is not None else None,
        pretrain=_pretrain_section(path, cfg.get('pretrain', None)),
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
        raise ValueError(f'unknown variants {unknown}; the study has '
                         f'{list(spec.variants)}')
    seeds = spec.seeds if seeds is None else list(seeds)
    return [(name, seed) for name in names for seed in seeds]


def fill_placeholders(options: Dict, values: Dict[str, str]) -> Dict:
    """``options`` with every ``{name}`` of :data:`PLACEHOLDERS` in its
    string values (at any depth) replaced by ``values[name]``.

    Raises:
        ValueError: A value uses a placeholder the study does not have
            (e.g. ``{pretrained_checkpoint}`` without ``pretrain``).
    """
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
                    raise ValueError(f'option value {value!r} uses {token}, '
                                     'which this study does not define')
                value = value.replace(token, values[name])
        return value

    return fill(options)
