#!/usr/bin/env bash
# The main job end to end on the bundled sample data (README command 1):
# generate the sample PoseTrack dataset, train the small TDMI config with
# `mim train`, evaluate it with `mim test` (PoseTrack AP), run the video
# inferencer on a sample video, and summarise. Sets up the environment first
# if needed (see tools/env.sh). Extra arguments go to run_sample_pipeline.py
# (e.g. --out-dir DIR, --quick).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
exec "$PYTHON" tools/run_sample_pipeline.py "$@"
