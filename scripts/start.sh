#!/usr/bin/env bash
# Set up (first time only) and start the Concurrency Explorer window.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/concurrency-explorer ] || bash scripts/setup.sh
exec .venv/bin/concurrency-explorer "$@"
