#!/usr/bin/env bash
# Build the double-click app: dist/ConcurrencyExplorer/ConcurrencyExplorer (onedir).
#   bash scripts/build-app.sh               # onedir
#   bash scripts/build-app.sh --onefile     # dist/ConcurrencyExplorer-onefile
# Sets up .venv first (scripts/setup.sh), adds the build extra (PyInstaller) and,
# on Debian/Ubuntu, binutils (PyInstaller reads and strips binaries with objdump/strip).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh

if ! command -v objdump >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ -z "${SKIP_APT:-}" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "build-app: installing binutils"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends binutils >/dev/null \
    || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends binutils >/dev/null; }
fi
.venv/bin/python -m pip install -q -e ".[build]"

spec_args=()
[ "${1:-}" = "--onefile" ] && spec_args=(-- --onefile)
start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --log-level WARN build.spec "${spec_args[@]}"
if [ "${#spec_args[@]}" -gt 0 ]; then
  target=dist/ConcurrencyExplorer-onefile
else
  target=dist/ConcurrencyExplorer
fi
echo "build-app: built $target ($(du -sh "$target" | cut -f1)) in $(( $(date +%s) - start )) s"
