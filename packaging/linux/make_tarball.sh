#!/usr/bin/env bash
# dist/evidence-recorder/ -> dist/evidence-recorder-<version>-linux-<arch>.tar.gz
#
#   python -m PyInstaller --noconfirm --clean build.spec
#   packaging/linux/make_tarball.sh
#
# The archive unpacks to one folder with both programs, the .desktop file, the icons and an
# install.sh that links them into ~/.local (per user, no root). Symbolic links inside
# _internal/ are kept (tar preserves them).
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION="$(python3 -c 'import desktop; print(desktop.__version__)')"
NAME="evidence-recorder-${VERSION}-linux-$(uname -m)"
[ -x dist/evidence-recorder/evidence-recorder-cli ] || {
    echo "no dist/evidence-recorder: run PyInstaller with build.spec first" >&2; exit 2; }
[ -f build/icons/evidence-recorder-256.png ] || python3 tools/build_icons.py build/icons

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -a dist/evidence-recorder "$STAGE/$NAME"
mkdir -p "$STAGE/$NAME/share/icons"
cp packaging/linux/evidence-recorder.desktop "$STAGE/$NAME/share/"
cp resources/icons/evidence-recorder.svg "$STAGE/$NAME/share/icons/"
for size in 16 24 32 48 64 128 256 512; do
    cp "build/icons/evidence-recorder-$size.png" "$STAGE/$NAME/share/icons/"
done
cp packaging/linux/install.sh "$STAGE/$NAME/"
# Owner and times fixed so two builds of the same folder give the same archive listing.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@${SOURCE_DATE_EPOCH:-0}" \
    -C "$STAGE" -czf "dist/$NAME.tar.gz" "$NAME"
echo "dist/$NAME.tar.gz ($(du -h "dist/$NAME.tar.gz" | cut -f1))"
