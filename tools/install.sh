#!/usr/bin/env bash
# Install tdmi_mmpose and its pinned OpenMMLab stack into the active Python.
#
#   bash tools/install.sh            # regular install (what mim needs)
#   TDMI_EDITABLE=1 bash tools/install.sh   # editable install of tdmi_mmpose
#
# Environment variables (see docs/installation.md):
#   PYTHON                  interpreter to install into (default: python3 on PATH)
#   TDMI_WHEEL_DIR          where prebuilt mmcv wheels are looked up and stored
#                           (default: ${XDG_CACHE_HOME:-$HOME/.cache}/tdmi_mmpose/wheels)
#   TDMI_TORCH              "pinned" (default): torch==$TDMI_TORCH_VERSION and
#                           torchvision==$TDMI_TORCHVISION_VERSION;
#                           "keep": use the torch/torchvision already installed
#   TDMI_TORCH_VERSION      default 2.14.1
#   TDMI_TORCHVISION_VERSION default 0.29.1
#   TDMI_MMCV_JOBS          parallel compile jobs for a source build (default: nproc)
set -euo pipefail

PY=${PYTHON:-python3}
# An absolute interpreter path: later steps run from other directories.
PY=$("$PY" -c 'import sys; print(sys.executable)') \
  || { echo "*** tdmi_mmpose install FAILED: cannot run the interpreter '${PYTHON:-python3}'" >&2; exit 1; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WHEEL_DIR=${TDMI_WHEEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tdmi_mmpose/wheels}
TORCH_MODE=${TDMI_TORCH:-pinned}
TORCH_VERSION=${TDMI_TORCH_VERSION:-2.14.1}
TORCHVISION_VERSION=${TDMI_TORCHVISION_VERSION:-0.29.1}
MMCV_VERSION=2.1.0
STEP=""

step() { STEP="$1"; printf '\n==> [tdmi_mmpose install] %s\n' "$1"; }
fail() { printf '\n*** tdmi_mmpose install FAILED at step: %s\n*** %s\n' "$STEP" "${1:-see the output above}" >&2; exit 1; }
trap 'fail "command exited with status $?: ${BASH_COMMAND}"' ERR
pipi() { "$PY" -m pip install --disable-pip-version-check "$@"; }

step "check Python"
"$PY" - <<'PYEOF' || fail "tdmi_mmpose needs CPython 3.8-3.11 (mmcv 2.1.0 / mmpose 1.3.2 support range)"
import sys
assert (3, 8) <= sys.version_info[:2] <= (3, 11), sys.version
print(sys.executable, sys.version.split()[0])
PYEOF

# setuptools: torch 2.14 needs >=77.0.3; mmcv's setup.py and mim import
# pkg_resources, which setuptools 81 removed. Every step below re-states the
# pin so that no dependency can upgrade it.
SETUPTOOLS="setuptools>=77.0.3,<81"
step "build tools (pip, $SETUPTOOLS, wheel, ninja)"
pipi -q "$SETUPTOOLS" wheel ninja "pip>=23"

step "torch / torchvision (${TORCH_MODE})"
if [ "$TORCH_MODE" = keep ]; then
  "$PY" -c "import torch, torchvision; print('keeping torch', torch.__version__, 'torchvision', torchvision.__version__)" \
    || fail "TDMI_TORCH=keep but torch/torchvision are not importable"
else
  have=$("$PY" -c "import torch, torchvision; print(torch.__version__.split('+')[0], torchvision.__version__.split('+')[0])" 2>/dev/null || true)
  if [ "$have" = "$TORCH_VERSION $TORCHVISION_VERSION" ]; then
    echo "torch $TORCH_VERSION and torchvision $TORCHVISION_VERSION already installed"
  else
    pipi "torch==$TORCH_VERSION" "torchvision==$TORCHVISION_VERSION" "$SETUPTOOLS" "numpy>=1.23,<2" \
      || fail "could not install torch==$TORCH_VERSION torchvision==$TORCHVISION_VERSION"
  fi
fi

step "numpy<2, OpenCV, mmengine and the pure-Python dependencies"
pipi -q "$SETUPTOOLS" "numpy>=1.23,<2" "opencv-python==4.11.0.86" "mmengine==0.10.7" \
  addict packaging pillow pyyaml yapf regex \
  "matplotlib<3.10" json_tricks munkres scipy "pycocotools>=2.0.7" "xtcocotools>=1.14" \
  shapely six terminaltables tqdm \
  click colorama model-index "pandas<3" requests rich tabulate \
  "motmetrics==1.4.0" pytest \
  || fail "pip could not install the pinned dependencies"

step "ONNX export and ONNX Runtime, CPU (pins that keep numpy < 2)"
pipi -q "onnx==1.23.2" "onnxscript==0.7.2" "onnxruntime==1.32.0" "ml_dtypes<0.6" \
  "numpy>=1.23,<2" || fail "pip could not install onnx/onnxruntime"

TORCH_TAG=$("$PY" -c "import torch; print(torch.__version__.replace('+', '_'))")
PY_TAG=$("$PY" -c "import sys; print(f'cp{sys.version_info[0]}{sys.version_info[1]}')")
mmcv_ok() { (cd /tmp && "$PY" -c "import mmcv, mmcv.ops; from mmcv.ops import ModulatedDeformConv2d; assert mmcv.__version__ == '$MMCV_VERSION'") >/dev/null 2>&1; }

step "mmcv $MMCV_VERSION with compiled ops (torch $TORCH_TAG, $PY_TAG)"
if mmcv_ok; then
  echo "mmcv $MMCV_VERSION with ops already installed and importable"
else
  installed=""
  # Cached wheels: a torch-specific subfolder first (written by this script), then the folder itself.
  for cand in "$WHEEL_DIR/torch-$TORCH_TAG"/mmcv-$MMCV_VERSION-$PY_TAG-*.whl "$WHEEL_DIR"/mmcv-$MMCV_VERSION-$PY_TAG-*.whl; do
    [ -f "$cand" ] || continue
    echo "trying cached wheel $cand"
    pipi -q --no-deps --force-reinstall "$cand" || continue
    if mmcv_ok; then installed="$cand"; break; fi
    echo "cached wheel $cand does not import against this torch; ignoring it"
    "$PY" -m pip uninstall -y -q mmcv || true
  done
  if [ -z "$installed" ]; then
    step "build mmcv $MMCV_VERSION from source with ops (about 25 min on 2 cores)"
    BUILD=$(mktemp -d)
    pipi -q "numpy<2" "$SETUPTOOLS"
    "$PY" -m pip download --no-deps --no-binary :all: --no-build-isolation -d "$BUILD" "mmcv==$MMCV_VERSION" \
      || fail "could not download the mmcv $MMCV_VERSION sdist"
    tar -xzf "$BUILD"/mmcv-$MMCV_VERSION.tar.gz -C "$BUILD"
    SRC="$BUILD/mmcv-$MMCV_VERSION"
    # torch >= 2.5 headers need C++20; mmcv 2.1.0 asks for C++17.
    sed -i 's/-std=c++17/-std=c++20/g' "$SRC/setup.py"
    grep -q 'c++20' "$SRC/setup.py" || fail "could not raise the C++ standard in mmcv's setup.py"
    OUT_DIR="$WHEEL_DIR/torch-$TORCH_TAG"
    mkdir -p "$OUT_DIR" 2>/dev/null && [ -w "$OUT_DIR" ] || OUT_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/tdmi_mmpose/wheels/torch-$TORCH_TAG"
    mkdir -p "$OUT_DIR"
    (cd "$SRC" && MMCV_WITH_OPS=1 MAX_JOBS=${TDMI_MMCV_JOBS:-$(nproc)} \
       "$PY" -m pip wheel --no-build-isolation --no-deps -w "$OUT_DIR" .) \
      || fail "building mmcv from source failed"
    pipi -q --no-deps --force-reinstall "$OUT_DIR"/mmcv-$MMCV_VERSION-$PY_TAG-*.whl
    mmcv_ok || fail "the freshly built mmcv does not import (import mmcv.ops)"
    echo "built and cached $(ls "$OUT_DIR"/mmcv-$MMCV_VERSION-$PY_TAG-*.whl)"
    rm -rf "$BUILD"
  fi
fi

step "mmpose 1.3.2 and mmdet 3.3.0 (without their dependency resolution: chumpy does not install)"
pipi -q --no-deps "mmpose==1.3.2" "mmdet==3.3.0" || fail "could not install mmpose/mmdet"

step "openmim 0.3.9 (without opendatalab/openxlab, which downgrade setuptools/requests/rich/tqdm)"
pipi -q --no-deps "openmim==0.3.9" || fail "could not install openmim"

step "tdmi_mmpose"
if [ "${TDMI_EDITABLE:-0}" = 1 ]; then
  pipi --no-deps --no-build-isolation -e "$ROOT"
else
  pipi --no-deps --no-build-isolation "$ROOT"
fi

step "check the installed stack"
(cd /tmp && "$PY" - <<'PYEOF') || fail "the installed stack does not import"
import torch, torchvision, numpy, mmengine, mmcv, mmcv.ops, mmpose, mmdet, mim
import mmpose.apis, tdmi_mmpose
print('torch', torch.__version__, '| torchvision', torchvision.__version__,
      '| numpy', numpy.__version__, '| mmengine', mmengine.__version__,
      '| mmcv', mmcv.__version__, '| mmpose', mmpose.__version__,
      '| mmdet', mmdet.__version__, '| tdmi_mmpose', tdmi_mmpose.__version__)
PYEOF
command -v mim >/dev/null || [ -x "$(dirname "$("$PY" -c 'import sys; print(sys.executable)')")/mim" ] \
  || fail "the mim command is not on PATH"
trap - ERR
echo "tdmi_mmpose install: OK"
