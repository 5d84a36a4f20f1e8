#!/usr/bin/env bash
# Set up and run the whole test suite (the command CI runs). Qt runs offscreen;
# tests that need a real X server start under xvfb-run when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
.venv/bin/ruff check .
.venv/bin/mypy          # [tool.mypy] in pyproject.toml: the package, with real stubs
.venv/bin/lint-imports  # [tool.importlinter]: core/child/gui/cli layers
if command -v xvfb-run >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python -m pytest "$@"
fi
exec .venv/bin/python -m pytest "$@"
