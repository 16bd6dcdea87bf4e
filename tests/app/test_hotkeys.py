"""Global hotkeys under a real X server: a grabbed combination fires, a taken one is reported."""

from __future__ import annotations

import ctypes
import time
from pathlib import Path

import pytest

from desktop.app.hotkeys import GlobalHotkeys, KeyCombo, cli_command, windows_virtual_key
from tests.xserver import display

__all__ = ["display"]  # the fixture


def press(combo: str) -> None:
    """Type a combination on the X server with the XTEST extension, as a keyboard would."""
    x11 = ctypes.CDLL("libX11.so.6")
    try:
        xtst = ctypes.CDLL("libXtst.so.6")
    except OSError:
        pytest.fail("libXtst.so.6 is missing (Debian: apt-get install libxtst6)")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XStringToKeysym.restype = ctypes.c_ulong
    x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XKeysymToKeycode.restype = ctypes.c_ubyte
    xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x11.XOpenDisplay(None)
    names = {"Ctrl": "Control_L", "Shift": "Shift_L", "Alt": "Alt_L"}
    keys = [names.get(part, part) for part in combo.split("+")]
    codes = [x11.XKeysymToKeycode(dpy, x11.XStringToKeysym(k.encode())) for k in keys]
    for code in codes:
        xtst.XTestFakeKeyEvent(dpy, code, 1, 0)
    for code in reversed(codes):
        xtst.XTestFakeKeyEvent(dpy, code, 0, 0)
    x11.XFlush(dpy)
    x11.XCloseDisplay(dpy)


@pytest.mark.gui
def test_a_grabbed_combination_fires_and_a_taken_one_is_reported(
    qtbot: object, display: str
) -> None:
    first, second = GlobalHotkeys(), GlobalHotkeys()
    try:
        status = first.start({"capture": "Ctrl+Shift+F9", "note": "Ctrl+Shift+F10", "pause": ""})
        assert status.platform == "x11"
        assert status.active == {"capture": "Ctrl+Shift+F9", "note": "Ctrl+Shift+F10"}
        with qtbot.waitSignal(first.triggered, timeout=5000) as fired:  # type: ignore[attr-defined]
            press("Ctrl+Shift+F9")
        assert fired.args == ["capture"]
        with qtbot.waitSignal(first.triggered, timeout=5000) as fired:  # type: ignore[attr-defined]
            press("Ctrl+Shift+F10")
        assert fired.args == ["note"]
        # Another program (here: a second connection) cannot take the same combination.
        taken = second.start({"capture": "Ctrl+Shift+F9"})
        assert taken.active == {} and "Ctrl+Shift+F9" in taken.failed
        # Other keys are never seen: an unbound combination fires nothing.
        seen: list[str] = []
        first.triggered.connect(seen.append)
        press("Ctrl+Shift+F8")
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            qtbot.wait(50)  # type: ignore[attr-defined]
        assert seen == []
    finally:
        first.stop()
        second.stop()


def test_key_names_and_wayland_commands() -> None:
    assert KeyCombo.parse("Ctrl+Shift+F9") == KeyCombo(frozenset({"ctrl", "shift"}), "F9")
    assert KeyCombo.parse("Hyper+F9") is None and KeyCombo.parse("") is None
    assert windows_virtual_key("F9") == 0x78 and windows_virtual_key("a") == ord("A")
    assert windows_virtual_key("F25") is None
    command = cli_command(Path("/home/li/我的 案件"), "capture")
    assert command == "evidence-recorder capture '/home/li/我的 案件'"
