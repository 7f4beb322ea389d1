# Copyright (c) tdmi_mmpose contributors.
"""Loading configs: ``--cfg-options``, ``data_root`` retargeting and the
clip's one declaration (shared by ``tools/train.py``, ``tools/test.py``, the
inferencer, the benchmarks and the study tool)."""
import argparse
import ast
import inspect
import os.path as osp
from typing import Any, Dict, List, Optional, Tuple

from mmengine.config import Config, DictAction
from mmengine.registry import Registry
from mmpose.registry import DATASETS, MODELS, TRANSFORMS

from .clip import check_frame_offsets
from ..utils.errors import InputError
from .fields import check_value, positive_integer, positive_number

DATA_ROOT_KEY = 'data_root'
#: The top-level config key that declares a video model's clip.
CLIP_KEY = 'frame_offsets'
_CLIP_REGISTRIES: Tuple[Registry, ...] = (MODELS, DATASETS, TRANSFORMS)
#: Top-level variables that other values are derived from (``data_root +
#: 'annotations/'``): overriding one rewrites its derived copies too.
PATH_VARIABLE_SUFFIXES = ('_root', '_file', '_dir', 'checkpoint', '_path')
DATALOADER_KEYS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
#: Config values checked where present (a batch size of 0 or a NaN learning
#: rate fails deep inside torch; 0 epochs train nothing and exit 0).
CONFIG_VALUE_RULES = {
    **{f'{key}.batch_size': positive_integer for key in DATALOADER_KEYS},
    'train_cfg.max_epochs': positive_integer,
    'train_cfg.max_iters': positive_integer,
    'train_cfg.val_interval': positive_integer,
    'optim_wrapper.optimizer.lr': positive_number,
}
#: The form of ``--cfg-options``, as errors show it.
CFG_OPTIONS_FORM = ('key=value pairs, e.g. train_dataloader.batch_size=8 '
                    'or model.test_cfg.flip_test=False, a list as [1,2]')


class CfgOptionsAction(DictAction):
    """mmengine's ``DictAction`` for ``--cfg-options``, a bad item an
    argparse usage error naming the expected ``key=value`` form."""

    def __call__(self, parser, namespace, values, option_string=None):
        for item in values or []:
            key, sep, value = item.partition('=')
            problem = None if sep and key else 'is not a key=value pair'
            if problem is None:
                try:
                    self._parse_iterable(value)
                except AssertionError:  # mmengine's check of brackets
                    problem = 'has unbalanced brackets in its value'
            if problem:
                raise argparse.ArgumentError(
                    self, f'{item!r} {problem}; expected {CFG_OPTIONS_FORM}')
        super().__call__(parser, namespace, values, option_string)


def is_path_variable(key: str) -> bool:
    """Whether a top-level config key names a path variable."""
    return '.' not in key and key.endswith(PATH_VARIABLE_SUFFIXES)


def _normalise_root(old: str, new: str) -> str:
    """Give ``new`` the same trailing-separator convention as ``old``."""
    if old.endswith('/') and not new.endswith('/'):
        return new + '/'
    if not old.endswith('/') and new.endswith('/') and len(new) > 1:
        return new.rstrip('/')
    return new


def retarget_data_root(cfg: Config,
                       new_root: str,
                       key: str = DATA_ROOT_KEY) -> List[Tuple[str, str, str]]:
    """Point top-level path variable ``key`` of ``cfg``, and every string
    value that starts with it, at ``new_root``, in place (mmengine expands
    ``data_root + '...'`` when it parses the file).

    Returns:
        list[tuple[str, str, str]]: ``(key path, old value, new value)`` of
        every rewritten entry.
    """
    if key not in cfg:
        raise KeyError(
            f'the config {cfg.filename!r} has no top-level `{key}`, so '
            f'`{key}=...` cannot retarget it')
    old_root = cfg[key]
    if not isinstance(old_root, str) or not old_root:
        raise ValueError(
            f'`{key}` of {cfg.filename!r} must be a non-empty string, '
            f'got {old_root!r}')
    new_root = _normalise_root(old_root, str(new_root))
    changes = []

    def visit(node: Any, path: str) -> Any:
        if isinstance(node, str) and node.startswith(old_root):
            new = new_root + node[len(old_root):]
            changes.append((path, node, new))
            return new
        if isinstance(node, dict):
            for key in list(node.keys()):
                node[key] = visit(node[key], f'{path}.{key}' if path else key)
        elif isinstance(node, (list, tuple)):
            return type(node)(
                visit(v, f'{path}[{i}]') for i, v in enumerate(node))
        return node

    for other in list(cfg.keys()):
        if other != key:
            cfg[other] = visit(cfg[other], other)
    cfg[key] = new_root
    changes.insert(0, (key, old_root, new_root))
    return changes


CONFIG_EXTENSIONS = ('.py', '.json', '.yml', '.yaml')


def _is_not_python(path: str) -> bool:
    try:
        with open(path, encoding='utf-8') as f:
            ast.parse(f.read())
    except (SyntaxError, ValueError):
        return True
    return False


def read_config_file(path: str) -> Config:
    """Parse a config file as a :class:`CachedTextConfig`, errors naming
    the file (and the line of a syntax error)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path!r}')
    if not path.endswith(CONFIG_EXTENSIONS):
        raise InputError(f'{path}: not a config file (expected one of '
                         f'{", ".join(CONFIG_EXTENSIONS)}).')
    try:
        cfg = Config.fromfile(path)
    except SyntaxError as e:  # the file, or one of its ``_base_`` files
        where = path if _is_not_python(path) else \
            f'a _base_ file of {path}'
        raise InputError(f'{where}: not valid Python (line {e.lineno}: '
                         f'{e.msg}).') from None
    object.__setattr__(cfg, '__class__', CachedTextConfig)
    return cfg


def load_config(path: str,
                cfg_options: Optional[Dict[str, Any]] = None) -> Config:
    """Parse a config file as a :class:`CachedTextConfig`, apply
    ``cfg_options`` (``DictAction``'s; a path variable's with
    :func:`retarget_data_root`), check :data:`CONFIG_VALUE_RULES` and
    :func:`apply_clip`."""
    cfg = read_config_file(path)
    options = dict(cfg_options or {})
    for key in [k for k in options if is_path_variable(k)]:
        if isinstance(cfg.get(key, None), str) and cfg[key]:
            retarget_data_root(cfg, options.pop(key), key=key)
    if options:
        cfg.merge_from_dict(options)
    for key, rule in CONFIG_VALUE_RULES.items():
        parent, _, name = key.rpartition('.')
        node = cfg
        for part in parent.split('.'):
            node = node.get(part) if isinstance(node, (dict, Config)) \
                else None
        if isinstance(node, dict) and name in node:
            check_value(node[name], rule, path, key)
    apply_clip(cfg)
    return cfg


class CachedTextConfig(Config):
    """mmengine's :class:`Config` whose ``pretty_text`` (about a second of
    yapf, asked for 7 times in a short run) is formatted once per content."""

    @property
    def pretty_text(self) -> str:
        key = repr(self._cfg_dict)
        cached = self.__dict__.get('_pretty_text_cache')
        if cached is None or cached[0] != key:
            cached = (key, super().pretty_text)
            object.__setattr__(self, '_pretty_text_cache', cached)
        return cached[1]


def _init_arguments(type_name: object) -> Tuple[str, ...]:
    """The constructor arguments of a registered component type."""
    if not isinstance(type_name, str):
        return ()
    for registry in _CLIP_REGISTRIES:
        cls = registry.get(type_name)
        if cls is not None:
            return tuple(inspect.signature(cls).parameters)
    return ()


def apply_clip(cfg: Config) -> Optional[List[int]]:
    """Give every component the clip the config declares once, in its
    top-level ``frame_offsets``: each component (MODELS, DATASETS,
    TRANSFORMS) whose class takes ``frame_offsets`` gets them, each that
    takes ``num_frames`` gets T (``cfg`` is modified in place).

    Returns:
        list[int], optional: The checked offsets; ``None`` without a clip
        (an image model).
    """
    if cfg.get(CLIP_KEY) is None:
        return None
    offsets = check_frame_offsets(cfg[CLIP_KEY])
    cfg[CLIP_KEY] = offsets

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            arguments = _init_arguments(node.get('type'))
            if 'frame_offsets' in arguments:
                node['frame_offsets'] = list(offsets)
            if 'num_frames' in arguments:
                node['num_frames'] = len(offsets)
            for value in node.values():
                visit(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                visit(value)

    for key in cfg.keys():
        if key != CLIP_KEY:
            visit(cfg[key])
    return offsets


def parse_component_option(text: str, option: str) -> Dict[str, Any]:
    """A component config from option ``option``: a type name or a dict
    of literals (``dict(type='X', a=1)`` or ``{'type': 'X', 'a': 1}``)."""
    if text.isidentifier():
        return dict(type=text)
    try:
        node = ast.parse(text.strip(), mode='eval').body
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == 'dict' and not node.args:
            cfg = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords}
        else:
            cfg = ast.literal_eval(node)
    except (SyntaxError, ValueError, TypeError):
        cfg = None
    if not isinstance(cfg, dict) or not isinstance(cfg.get('type'), str):
        raise InputError(
            f'{option} {text!r}: expected a type name (e.g. OneEuroFilter) '
            "or a dict with a type, e.g. \"dict(type='OneEuroFilter', "
            "beta=0.5)\".")
    return cfg
