# Copyright (c) tdmi_mmpose contributors.
"""Config helpers shared by ``tools/train.py``, ``tools/test.py`` and the
inference APIs."""
import os.path as osp
from typing import Any, Dict, List, Optional, Tuple

from mmengine.config import Config

DATA_ROOT_KEY = 'data_root'
# Top-level variables whose value other entries are derived from by string
# concatenation (``data_root + 'annotations/'``, ``init_cfg.checkpoint =
# backbone_checkpoint``): overriding one rewrites its derived copies too.
PATH_VARIABLE_SUFFIXES = ('_root', '_file', '_dir', 'checkpoint', '_path')


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
    """Point every path that a config derived from ``data_root`` (or another
    top-level path variable ``key``) at ``new_root``.

    mmengine evaluates ``data_root + 'annotations/val/'`` when the config file
    is parsed, so overriding ``data_root`` afterwards (``--cfg-options
    data_root=DIR``) changes nothing else. This rewrites, in place, every
    string value of the config that starts with the old ``data_root`` (dataset
    roots, annotation and detection files, the evaluator's ground truth, ...),
    as well as ``data_root`` itself.

    Args:
        cfg (Config): A parsed config with a top-level ``data_root``.
        new_root (str): The new dataset root.
        key (str): The top-level variable to retarget. Defaults to
            ``'data_root'``.

    Returns:
        list[tuple[str, str, str]]: ``(key path, old value, new value)`` of
        every rewritten entry, for logging.

    Raises:
        KeyError: If the config has no top-level ``key``.
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
        if isinstance(node, str):
            if node.startswith(old_root):
                new = new_root + node[len(old_root):]
                changes.append((path, node, new))
                return new
            return node
        if isinstance(node, dict):
            for key in list(node.keys()):
                node[key] = visit(node[key], f'{path}.{key}' if path else key)
            return node
        if isinstance(node, list):
            return [visit(v, f'{path}[{i}]') for i, v in enumerate(node)]
        if isinstance(node, tuple):
            return tuple(
                visit(v, f'{path}[{i}]') for i, v in enumerate(node))
        return node

    # ``cfg._cfg_dict`` holds the values; iterate a copy of the keys so that
    # the rewrite goes through Config's own __setitem__.
    for other in list(cfg.keys()):
        if other != key:
            cfg[other] = visit(cfg[other], other)
    cfg[key] = new_root
    changes.insert(0, (key, old_root, new_root))
    return changes


def load_config(path: str,
                cfg_options: Optional[Dict[str, Any]] = None) -> Config:
    """Parse a config file and apply ``--cfg-options`` overrides.

    An override of a top-level path variable that the config defines as a
    string (``data_root``, ``backbone_checkpoint``, any key ending in
    :data:`PATH_VARIABLE_SUFFIXES`) is applied with
    :func:`retarget_data_root`, so every value derived from it follows; the
    other overrides are merged as mmengine does.

    Args:
        path (str): Config file path.
        cfg_options (dict, optional): Overrides in mmengine's ``key.sub=value``
            form (as produced by ``DictAction``).

    Returns:
        Config: The config.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path!r}')
    cfg = Config.fromfile(path)
    options = dict(cfg_options or {})
    for key in [k for k in options if is_path_variable(k)]:
        if isinstance(cfg.get(key, None), str) and cfg[key]:
            retarget_data_root(cfg, options.pop(key), key=key)
    if options:
        cfg.merge_from_dict(options)
    return cfg
