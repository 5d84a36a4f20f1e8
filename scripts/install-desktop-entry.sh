#!/usr/bin/env bash
# Add Concurrency Explorer to the desktop's application menu (Linux, freedesktop.org):
# the icon in every size, and the .desktop entry. Per user; no root needed.
#
#   scripts/install-desktop-entry.sh                 # the pip-installed app (concurrency-explorer-gui on PATH)
#   scripts/install-desktop-entry.sh --frozen DIR    # the built app, e.g. dist/ConcurrencyExplorer
#   scripts/install-desktop-entry.sh --uninstall
#
# PREFIX (default ~/.local) decides where: $PREFIX/share/applications and
# $PREFIX/share/icons/hicolor. With --frozen, DIR stays where it is: move it to its
# final place first (e.g. ~/.local/opt/ConcurrencyExplorer), then run this.
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX="${PREFIX:-$HOME/.local}"
NAME=concurrency-explorer
APPS="$PREFIX/share/applications"
ICONS="$PREFIX/share/icons/hicolor"
exec_cmd="concurrency-explorer-gui"
uninstall=""

while [ $# -gt 0 ]; do
  case "$1" in
    --frozen)
      [ $# -ge 2 ] || { echo "install-desktop-entry: --frozen needs the app directory" >&2; exit 2; }
      binary="$(cd "$2" && pwd)/ConcurrencyExplorer"
      [ -x "$binary" ] || { echo "install-desktop-entry: no executable $binary" >&2; exit 2; }
      exec_cmd="$binary"
      shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    *) echo "install-desktop-entry: unknown argument $1" >&2; exit 2 ;;
  esac
done

if [ -n "$uninstall" ]; then
  rm -f "$APPS/$NAME.desktop" "$ICONS"/*/apps/"$NAME".png "$ICONS/scalable/apps/$NAME.svg"
  echo "removed the $NAME desktop entry and icons from $PREFIX"
else
  for png in resources/icons/$NAME-*.png; do
    size="${png##*-}"; size="${size%.png}"
    install -D -m 644 "$png" "$ICONS/${size}x${size}/apps/$NAME.png"
  done
  install -D -m 644 "resources/icons/$NAME.svg" "$ICONS/scalable/apps/$NAME.svg"
  mkdir -p "$APPS"
  # Exec and TryExec get the command; a path with spaces is quoted as the spec asks.
  quoted="$exec_cmd"
  case "$exec_cmd" in *" "*) quoted="\"$exec_cmd\"" ;; esac
  sed -e "s|^Exec=.*|Exec=$quoted|" -e "s|^TryExec=.*|TryExec=$exec_cmd|" \
    "resources/linux/$NAME.desktop" > "$APPS/$NAME.desktop"
  chmod 644 "$APPS/$NAME.desktop"
  echo "installed $APPS/$NAME.desktop (Exec=$quoted) and icons under $ICONS"
fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$ICONS" || true
