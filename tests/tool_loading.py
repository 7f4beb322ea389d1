"""Loading a script of ``tools/`` as a module, so that tests call its
``main`` / ``parse_args`` in-process (the tools are thin command lines over
the package; tests of the library import the package instead)."""
import importlib.util
import os.path as osp

#: The repository root.
REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def load_tool(rel_path: str):
    """A fresh module of the tool at ``rel_path`` (relative to the
    repository root, e.g. ``'tools/video_demo.py'``)."""
    name = 'tdmi_tool_' + osp.splitext(rel_path)[0].replace('/', '_')
    spec = importlib.util.spec_from_file_location(
        name, osp.join(REPO_ROOT, rel_path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
