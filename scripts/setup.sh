#!/usr/bin/env bash
# Set up a fresh machine for Concurrency Explorer: Qt's system libraries (Debian/Ubuntu,
# when run as root or with sudo), a virtual environment in .venv, and the package with
# its test extra. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Qt 6 (PySide6 wheels) needs these on a bare Debian: GL/EGL, fonts, xkb, xcb.
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0
  libxcb-xkb1 libx11-xcb1 libxrender1 libxi6
  # a real X server for screenshots and the tests that need one
  xvfb xauth
  # python3-venv for a system Python without venv
  python3-venv
)

if command -v apt-get >/dev/null 2>&1 && [ -z "${SKIP_APT:-}" ]; then
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "setup: installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $("$PYTHON" --version)"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,dask]"
echo "setup: done (.venv ready)"
