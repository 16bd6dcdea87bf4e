#!/bin/sh
# Install Evidence Recorder for this user from the unpacked tarball (no root): commands in
# ~/.local/bin, the menu entry and icons in ~/.local/share. Run it again after moving the
# folder; remove with: ./install.sh --uninstall
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="${XDG_BIN_HOME:-$HOME/.local/bin}"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
ICONS="$DATA/icons/hicolor"

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$BIN/evidence-recorder" "$BIN/evidence-recorder-cli" \
        "$DATA/applications/evidence-recorder.desktop" "$ICONS/scalable/apps/evidence-recorder.svg"
    for size in 16 24 32 48 64 128 256 512; do
        rm -f "$ICONS/${size}x${size}/apps/evidence-recorder.png"
    done
    echo "Removed the links and the menu entry; $HERE and your cases are untouched."
    exit 0
fi

mkdir -p "$BIN" "$DATA/applications" "$ICONS/scalable/apps"
ln -sf "$HERE/evidence-recorder" "$BIN/evidence-recorder"
ln -sf "$HERE/evidence-recorder-cli" "$BIN/evidence-recorder-cli"
sed "s|^Exec=evidence-recorder|Exec=$HERE/evidence-recorder|" "$HERE/share/evidence-recorder.desktop" \
    > "$DATA/applications/evidence-recorder.desktop"
cp "$HERE/share/icons/evidence-recorder.svg" "$ICONS/scalable/apps/"
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$ICONS/${size}x${size}/apps"
    cp "$HERE/share/icons/evidence-recorder-$size.png" "$ICONS/${size}x${size}/apps/evidence-recorder.png"
done
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$ICONS" || true
echo "Installed: evidence-recorder (window), evidence-recorder-cli (commands) in $BIN"
