# Sourced by tools/run_sample.sh and tools/run_tests.sh: pick the Python
# environment and install the stack into it if it is not there yet.
#
# The environment is the active virtualenv/conda env if there is one,
# otherwise ./.venv in the repository (created on first use). PYTHON=...
# overrides both.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -z "${PYTHON:-}" ]; then
  if [ -n "${VIRTUAL_ENV:-}" ]; then
    PYTHON="$VIRTUAL_ENV/bin/python"
  elif [ -n "${CONDA_PREFIX:-}" ]; then
    PYTHON="$CONDA_PREFIX/bin/python"
  else
    if [ ! -x "$ROOT/.venv/bin/python" ]; then
      echo "==> creating the virtual environment $ROOT/.venv"
      python3 -m venv "$ROOT/.venv"
    fi
    PYTHON="$ROOT/.venv/bin/python"
  fi
fi
export PYTHON
export PATH="$(dirname "$PYTHON"):$PATH"

# Installed and up to date? (the stack imports, and the installed
# tdmi_mmpose is this checkout's version: editable, or same setup/version)
# A script started by one that sourced this file for the same checkout and
# interpreter (the suite runs tools/run_sample.sh) trusts its check.
if [ "${TDMI_ENV_CHECKED:-}" != "$ROOT:$PYTHON" ] && \
   ! (cd /tmp && "$PYTHON" - "$ROOT" <<'PYEOF') >/dev/null 2>&1; then
import filecmp, os, sys
import torch, torchvision, mmcv, mmcv.ops, mmengine, mmpose, mmdet, mim  # noqa
import motmetrics  # noqa (PoseTrack MOTA)
import tdmi_mmpose
root = sys.argv[1]
pkg = os.path.dirname(os.path.realpath(tdmi_mmpose.__file__))
if pkg == os.path.join(root, 'tdmi_mmpose'):
    sys.exit(0)  # an editable install of this checkout


def same_tree(a, b):
    cmp = filecmp.dircmp(a, b, ignore=['__pycache__', '.mim', '.keep'])
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files,
                                           shallow=False)
    return not mismatch and not errors and all(
        same_tree(os.path.join(a, d), os.path.join(b, d))
        for d in cmp.common_dirs)


sys.exit(0 if all(
    same_tree(os.path.join(root, src), os.path.join(pkg, dst))
    for src, dst in (('tdmi_mmpose', ''), ('configs', '.mim/configs'),
                     ('tools', '.mim/tools'))) else 1)
PYEOF
  echo "==> installing or updating the environment ($PYTHON)"
  bash "$ROOT/tools/install.sh"
fi
export TDMI_ENV_CHECKED="$ROOT:$PYTHON"
