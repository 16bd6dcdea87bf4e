#!/usr/bin/env bash
# Evidence Recorder.app -> a signed, notarised, stapled .dmg (run on macOS 13+, Xcode 15+).
#
#   export EVIDENCE_RECORDER_CODESIGN_IDENTITY="Developer ID Application: NAME (TEAMID)"
#   python -m PyInstaller --noconfirm --clean build.spec     # signs with --options runtime
#   export NOTARY_PROFILE=evidence-recorder   # once: xcrun notarytool store-credentials
#   packaging/macos/make_dmg.sh
#
# Without EVIDENCE_RECORDER_CODESIGN_IDENTITY it makes an unsigned .dmg for testing (Gatekeeper
# will refuse it on other Macs: right-click > Open, or xattr -dr com.apple.quarantine).
set -euo pipefail
cd "$(dirname "$0")/../.."

APP="dist/Evidence Recorder.app"
VERSION="$(python3 -c 'import desktop; print(desktop.__version__)')"
DMG="dist/evidence-recorder-${VERSION}-macos-$(uname -m).dmg"
IDENTITY="${EVIDENCE_RECORDER_CODESIGN_IDENTITY:-}"

[ -d "$APP" ] || { echo "no $APP: run PyInstaller with build.spec first" >&2; exit 2; }
plutil -lint "$APP/Contents/Info.plist"
plutil -lint "$APP/Contents/Resources/zh_Hans.lproj/InfoPlist.strings"

if [ -n "$IDENTITY" ]; then
    # PyInstaller signed each binary inside-out; check it, do not re-sign with --deep.
    codesign --verify --deep --strict --verbose=2 "$APP"
    codesign --display --verbose=2 "$APP" 2>&1 | grep -E "flags=.*runtime" \
        || { echo "the app is not signed with the hardened runtime" >&2; exit 1; }
fi

# A read-only, compressed image with the app and a link to /Applications to drag it onto.
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "Evidence Recorder" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"

if [ -n "$IDENTITY" ]; then
    codesign --sign "$IDENTITY" --timestamp "$DMG"
    # Apple checks the signatures and scans the contents (minutes); --wait prints the verdict.
    xcrun notarytool submit "$DMG" --keychain-profile "${NOTARY_PROFILE:?set NOTARY_PROFILE}" --wait
    # Attach the ticket so Gatekeeper accepts the image offline, then check as a user's Mac would.
    xcrun stapler staple "$DMG"
    xcrun stapler validate "$DMG"
    spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
fi
echo "$DMG"
