#!/usr/bin/env bash
# Run the test suite under Debian's own CPython 3.14, as a new user on 3.14 would meet it.
#
# A root made with debootstrap (Debian sid: python3.14, python3.14-venv, Qt's system
# libraries) is cached outside the repository, keyed by what it installs; the
# project goes into a venv inside that root (pip install -e '.[test,dask]', the repo
# bind-mounted at /src), keyed by pyproject.toml and setup.py. The suite then runs there
# with the real-subinterpreter tests switched on (CONCURRENCY_EXPLORER_INTERP_PYTHON).
#
#   bash scripts/test-py314.sh [PYTEST ARGS...]
#
# Needs root (debootstrap, chroot, mounts). The apt mirror, pip configuration and DNS
# are this machine's. Everything mounted lives in a private mount namespace and is
# unmounted on exit (trap); a killed run leaves nothing mounted either.
# Environment: CE_PY314_CACHE (default /var/cache/concurrency-explorer),
# CE_PY314_SUITE (default sid).
set -euo pipefail
{ # parsed whole before it runs: editing this file cannot change a run under way

REPO="$(cd "$(dirname "$0")/.." && pwd)"
SELF="$REPO/scripts/$(basename "$0")"

# Mounts made below vanish with this namespace, whatever ends the script.
if [ -z "${_CE_PY314_NS:-}" ]; then
  exec unshare --mount --propagation private --fork env _CE_PY314_NS=1 bash "$SELF" "$@"
fi

CACHE="${CE_PY314_CACHE:-/var/cache/concurrency-explorer}"
SUITE="${CE_PY314_SUITE:-sid}"
# Bump when the way the root is made changes (a new key means a new root).
ROOT_FORMAT=1
PACKAGES=(
  python3.14 python3.14-venv ca-certificates
  # Qt 6 (the PySide6 wheels) on a bare Debian. No Xvfb: the suite runs Qt offscreen
  # (tests/conftest.py), and an X server in here could not see the host's display
  # numbers (its lock files are in the host's /tmp) and would collide with them.
  libglib2.0-0t64 libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
)

log() { printf 'py314: %s\n' "$*" >&2; }

# --- this machine's apt mirror: the first Debian archive (not -security) it names ---
debian_mirror() {
  local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
  local f uri
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    uri="$(awk '
      /^[[:space:]]*#/ { next }
      /^URIs:/ { for (i = 2; i <= NF; i++) print $i }
      /^deb[[:space:]]/ { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; break } }
    ' "$f" | grep -v -- '-security' | grep -m1 '/debian/\?$' || true)"
    if [ -n "$uri" ]; then
      echo "${uri%/}"
      return
    fi
  done
  echo "http://deb.debian.org/debian"
}
MIRROR="$(debian_mirror)"

KEY="$(printf '%s\n' "$ROOT_FORMAT" "$SUITE" "$MIRROR" "${PACKAGES[@]}" | sha256sum | cut -c1-12)"
ROOT="$CACHE/py314-$SUITE-$KEY"
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"

MOUNTS=()
cleanup() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount -l "${MOUNTS[$i]}" 2>/dev/null || true
  done
  MOUNTS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mount_in() {  # mount_in TARGET MOUNT-ARGS...
  local target="$1"
  shift
  mkdir -p "$target"
  mount "$@" "$target"
  MOUNTS+=("$target")
}

# --- the root, made once per key ---
make_root() {
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq debootstrap >/dev/null
  fi
  local tmp="$ROOT.tmp"
  rm -rf "$tmp"
  log "making a $SUITE root with ${PACKAGES[*]} from $MIRROR (once; cached in $ROOT)"
  local include
  include="$(IFS=,; echo "${PACKAGES[*]}")"
  if ! debootstrap --variant=minbase --include="$include" "$SUITE" "$tmp" "$MIRROR" \
    >"$CACHE/debootstrap.log" 2>&1; then
    tail -n 30 "$CACHE/debootstrap.log" >&2
    log "debootstrap failed (whole log: $CACHE/debootstrap.log)"
    exit 1
  fi
  # apt inside the root uses the same mirror (for whoever repairs the root by hand)
  printf 'deb %s %s main\n' "$MIRROR" "$SUITE" >"$tmp/etc/apt/sources.list"
  rm -rf "$tmp/var/cache/apt/archives/"*.deb
  mv "$tmp" "$ROOT"
}
flock 9
[ -x "$ROOT/usr/bin/python3.14" ] || make_root
flock -u 9

# --- what the run needs from this machine: DNS, pip's configuration and its files ---
for f in /etc/resolv.conf /etc/hosts; do
  [ -f "$f" ] && cp -L "$f" "$ROOT$f"
done
rm -rf "$ROOT/etc/xdg/pip" "$ROOT/root/.config/pip" "$ROOT/etc/pip.conf"
[ -f /etc/pip.conf ] && cp -L /etc/pip.conf "$ROOT/etc/pip.conf"
if [ -d /etc/xdg/pip ]; then
  mkdir -p "$ROOT/etc/xdg" && cp -rL /etc/xdg/pip "$ROOT/etc/xdg/pip"
fi
HOST_PIP_USER="${XDG_CONFIG_HOME:-$HOME/.config}/pip"
if [ -d "$HOST_PIP_USER" ]; then
  mkdir -p "$ROOT/root/.config" && cp -rL "$HOST_PIP_USER" "$ROOT/root/.config/pip"
fi
# Local paths pip's configuration names (find-links, file:// indexes, cert,
# constraints): the same path inside the root, read-only.
pip_paths() {
  {
    cat /etc/pip.conf /etc/xdg/pip/*.conf "$HOST_PIP_USER"/*.conf 2>/dev/null || true
    env | grep '^PIP_' || true
  } | grep -o '\(file://\)\?/[^[:space:]"]*' | sed 's|^file://||' | sort -u
}
for p in $(pip_paths); do
  case "$p" in /etc/xdg/pip/* | /etc/pip.conf) continue ;; esac
  # a file:// index names .../simple, whose pages link to files beside it
  case "$p" in */simple | */simple/) p="$(dirname "$p")" ;; esac
  while [ -n "$p" ] && [ "$p" != / ] && [ ! -e "$p" ]; do p="$(dirname "$p")"; done
  [ -n "$p" ] && [ "$p" != / ] || continue
  if [ -d "$p" ]; then
    mount_in "$ROOT$p" --bind -o ro "$p"
  elif [ -f "$p" ]; then
    mkdir -p "$(dirname "$ROOT$p")" && cp -L "$p" "$ROOT$p"
  fi
done

mount_in "$ROOT/proc" -t proc proc
mount_in "$ROOT/sys" --rbind -o ro /sys
mount_in "$ROOT/dev" --bind /dev
mount_in "$ROOT/dev/pts" --bind /dev/pts
mount_in "$ROOT/dev/shm" -t tmpfs -o mode=1777 shm  # multiprocessing's semaphores
mount_in "$ROOT/tmp" -t tmpfs -o mode=1777 tmp      # each run starts clean
mount_in "$ROOT/src" --bind "$REPO"

in_root() {
  local passed=()
  local name
  for name in $(compgen -e); do
    case "$name" in
      PIP_* | CI | TZ | http_proxy | https_proxy | no_proxy | HTTP_PROXY | HTTPS_PROXY | NO_PROXY | OPENBLAS_*)
        passed+=("$name=${!name}") ;;
    esac
  done
  chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TMPDIR=/tmp \
    PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" "${passed[@]}" "$@"
}

# --- the project in a venv, made once per pyproject.toml/setup.py ---
DEPS_KEY="$(cat "$REPO/pyproject.toml" "$REPO/setup.py" | sha256sum | cut -c1-12)"
VENV="/opt/venv-$DEPS_KEY"
flock 9
if [ ! -f "$ROOT$VENV/.complete" ]; then
  log "installing the project into $VENV (pip install -e '.[test,dask]')"
  rm -rf "${ROOT:?}$VENV"
  in_root python3.14 -m venv "$VENV"
  {
    in_root python -m pip install -q --upgrade pip
    in_root python -m pip install -q -e '/src[test,dask]'
  } 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
  touch "$ROOT$VENV/.complete"
fi
touch "$ROOT$VENV/.complete"  # last used: venvs of other pyproject.toml versions
find "$ROOT/opt" -maxdepth 2 -name .complete -path '*/venv-*' -mtime +2 -printf '%h\n' |
  xargs -r rm -rf  # unused for two days go
flock -u 9
# The editable install finds the code at /src; this run's repo is mounted there.

log "$(in_root python -c 'import sys, PySide6; print("Python", sys.version.split()[0], "PySide6", PySide6.__version__)')"
export VENV
in_root sh -c 'cd /src && exec env QT_QPA_PLATFORM=offscreen \
  CONCURRENCY_EXPLORER_INTERP_PYTHON="$0" python -X faulthandler -m pytest "$@"' \
  "$VENV/bin/python" "$@"
exit
}
