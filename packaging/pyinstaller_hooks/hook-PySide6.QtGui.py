"""PyInstaller hook: PySide6.QtGui as PyInstaller collects it, minus plugins never loaded here.

Dropping a plugin here (not after the analysis) keeps its own dependencies out too: the GTK 3
theme plugin alone would pull in the build machine's GTK, GDK, Cairo, Pango and ATK.
"""

from fnmatch import fnmatch

from PyInstaller.utils.hooks.qt import get_qt_library_info

UNUSED_PLUGINS = [
    "platformthemes/*qgtk3*",  # Fusion style and the XDG portal theme remain
    # Display plugins for kiosks and embedded boards; kept: xcb (X11), wayland, offscreen (the
    # CI smoke test), cocoa (macOS), windows.
    "platforms/*qeglfs*",
    "platforms/*qlinuxfb*",
    "platforms/*qminimal*",
    "platforms/*qvnc*",
    "platforms/*qvkkhrdisplay*",
    "egldeviceintegrations/*",
    "generic/*",  # evdev and TUIO input for the embedded platforms above
]


def _used(source: str) -> bool:
    path = source.replace("\\", "/")
    return not any(fnmatch(path, f"*/plugins/{pattern}") for pattern in UNUSED_PLUGINS)


hiddenimports, binaries, datas = get_qt_library_info("PySide6").collect_module("PySide6.QtGui")
binaries = [(source, dest) for source, dest in binaries if _used(source)]
