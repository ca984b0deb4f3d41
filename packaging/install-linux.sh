#!/bin/sh
# Add claude-beacon to the current user's application menu, with its icon at every size.
# Run from a clone after installing the package (pipx install . / pip install .).
#   sh packaging/install-linux.sh            # install
#   sh packaging/install-linux.sh --remove   # undo
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}

if [ "${1:-}" = "--remove" ]; then
  rm -f "$data/applications/claude-beacon.desktop"
  find "$data/icons/hicolor" -path '*/apps/claude-beacon.png' -delete 2>/dev/null || true
else
  for icon in "$here"/../assets/hicolor/*/apps/claude-beacon.png; do
    size=$(basename "$(dirname "$(dirname "$icon")")")
    install -D -m 644 "$icon" "$data/icons/hicolor/$size/apps/claude-beacon.png"
  done
  install -D -m 644 "$here/claude-beacon.desktop" "$data/applications/claude-beacon.desktop"
fi
# Refresh the menu and icon caches where the tools exist; desktops also notice on their own.
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
