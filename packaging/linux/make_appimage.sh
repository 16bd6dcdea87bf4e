#!/usr/bin/env bash
# dist/evidence-recorder/ -> dist/Evidence_Recorder-<version>-<arch>.AppImage
#
#   python -m PyInstaller --noconfirm --clean build.spec
#   APPIMAGETOOL=/path/to/appimagetool-x86_64.AppImage packaging/linux/make_appimage.sh
#
# appimagetool comes from https://github.com/AppImage/appimagetool/releases (not from a package
# registry); without it the script stops after building the AppDir, which can be checked with
# `dist/EvidenceRecorder.AppDir/AppRun --self-test`. Build on the oldest distribution you
# support: the bundle carries its libraries but uses the system's glibc.
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION="$(python3 -c 'import desktop; print(desktop.__version__)')"
ARCH="$(uname -m)"
APPDIR="dist/EvidenceRecorder.AppDir"
[ -x dist/evidence-recorder/evidence-recorder-cli ] || {
    echo "no dist/evidence-recorder: run PyInstaller with build.spec first" >&2; exit 2; }
[ -f build/icons/evidence-recorder-256.png ] || python3 tools/build_icons.py build/icons

rm -rf "$APPDIR"
mkdir -p "$APPDIR/usr/lib" "$APPDIR/usr/share/applications" \
    "$APPDIR/usr/share/icons/hicolor/scalable/apps"
cp -a dist/evidence-recorder "$APPDIR/usr/lib/evidence-recorder"
install -m 755 packaging/linux/AppRun "$APPDIR/AppRun"
cp packaging/linux/evidence-recorder.desktop "$APPDIR/evidence-recorder.desktop"
cp packaging/linux/evidence-recorder.desktop "$APPDIR/usr/share/applications/"
cp build/icons/evidence-recorder-256.png "$APPDIR/evidence-recorder.png"
ln -sf evidence-recorder.png "$APPDIR/.DirIcon"
cp resources/icons/evidence-recorder.svg "$APPDIR/usr/share/icons/hicolor/scalable/apps/"
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$APPDIR/usr/share/icons/hicolor/${size}x${size}/apps"
    cp "build/icons/evidence-recorder-$size.png" \
        "$APPDIR/usr/share/icons/hicolor/${size}x${size}/apps/evidence-recorder.png"
done

if [ -z "${APPIMAGETOOL:-}" ]; then
    echo "AppDir ready: $APPDIR (set APPIMAGETOOL to make the .AppImage)"
    exit 0
fi
ARCH="$ARCH" "$APPIMAGETOOL" --no-appstream "$APPDIR" \
    "dist/Evidence_Recorder-${VERSION}-${ARCH}.AppImage"
echo "dist/Evidence_Recorder-${VERSION}-${ARCH}.AppImage"
