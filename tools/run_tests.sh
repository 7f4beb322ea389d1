#!/usr/bin/env bash
# The project's test suite (README command 2; CI runs exactly this).
# Sets up the environment first if needed (see tools/env.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
exec "$PYTHON" -m pytest tests "$@"
