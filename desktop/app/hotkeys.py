"""Global hotkeys without a keyboard hook: X11 key grabs, Windows RegisterHotKey.

Only the chosen key combinations reach the program; no other keystroke is ever seen. macOS
has no such interface without the Accessibility permission (an event tap is a keyboard
hook), and Wayland lets only the desktop bind keys: there the person binds the CLI command
this module suggests in their desktop's keyboard settings.
"""

from __future__ import annotations

import ctypes
import logging
import select
import shlex
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractNativeEventFilter, QCoreApplication, QObject, Signal

from desktop.core.i18n import tr

log = logging.getLogger(__name__)

ACTIONS = ("capture", "note", "pause")


@dataclass(frozen=True)
class KeyCombo:
    """A key and its modifiers, from Qt's portable text such as "Ctrl+Shift+F9"."""

    modifiers: frozenset[str]
    key: str

    @classmethod
    def parse(cls, text: str) -> KeyCombo | None:
        parts = [p.strip() for p in text.replace(" ", "").split("+") if p.strip()]
        if not parts:
            return None
        names = {"ctrl": "ctrl", "control": "ctrl", "shift": "shift", "alt": "alt", "meta": "meta"}
        modifiers = {names[p.lower()] for p in parts[:-1] if p.lower() in names}
        if len(modifiers) != len(parts) - 1:
            return None
        return cls(frozenset(modifiers), parts[-1])


@dataclass
class HotkeyStatus:
    """What the desktop allowed: a platform word, the active combos, and what failed why."""

    platform: str
    active: dict[str, str] = field(default_factory=dict)  # action -> combo text
    failed: dict[str, str] = field(default_factory=dict)  # combo text -> reason


def cli_command(case: Path | None, action: str) -> str:
    """The command a person can bind to a key in their desktop settings."""
    program = "evidence-recorder"
    folder = shlex.quote(str(case)) if case is not None else "CASE_FOLDER"
    if action == "note":
        return f'{program} note {folder} "…"'
    return f"{program} capture {folder}"


class GlobalHotkeys(QObject):
    """Emits `triggered(action)` on the GUI thread when a bound combination is pressed."""

    triggered = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._x11: _X11Grabber | None = None
        self._windows: _WindowsHotkeys | None = None

    def start(self, bindings: dict[str, str]) -> HotkeyStatus:
        """Bind {action: "Ctrl+Shift+F9", ...}; returns what is active and what is not."""
        self.stop()
        combos = {a: KeyCombo.parse(t) for a, t in bindings.items() if t}
        status = HotkeyStatus(_platform_word())
        for action, combo in combos.items():
            if combo is None:
                status.failed[bindings[action]] = tr("not a key combination")
        usable = {a: c for a, c in combos.items() if c is not None}
        if status.platform == "x11":
            self._x11 = _X11Grabber(self.triggered.emit)
            self._x11.bind(usable, bindings, status)
        elif status.platform == "windows":
            self._windows = _WindowsHotkeys(self.triggered.emit)
            self._windows.bind(usable, bindings, status)
        else:
            for action in usable:
                status.failed[bindings[action]] = status.platform
        return status

    def stop(self) -> None:
        if self._x11 is not None:
            self._x11.stop()
            self._x11 = None
        if self._windows is not None:
            self._windows.unbind()
            self._windows = None


def _platform_word() -> str:
    from desktop.core.capture.backends import session_type

    kind = session_type()
    return "none" if kind == "unknown" else kind


# -- X11: XGrabKey on the root window, read on a thread of its own ----------------------------

_SHIFT, _LOCK, _CONTROL, _MOD1, _MOD2, _MOD4 = 1, 2, 4, 8, 16, 64
_X_MODIFIERS = {"shift": _SHIFT, "ctrl": _CONTROL, "alt": _MOD1, "meta": _MOD4}
_KEY_PRESS = 2


class _XKeyEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("root", ctypes.c_ulong),
        ("subwindow", ctypes.c_ulong),
        ("time", ctypes.c_ulong),
        ("x", ctypes.c_int),
        ("y", ctypes.c_int),
        ("x_root", ctypes.c_int),
        ("y_root", ctypes.c_int),
        ("state", ctypes.c_uint),
        ("keycode", ctypes.c_uint),
        ("same_screen", ctypes.c_int),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("key", _XKeyEvent), ("pad", ctypes.c_long * 24)]


_x_errors: list[int] = []
_X_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


def _record_x_error(_display: int | None, event: int | None) -> int:
    # XErrorEvent: type, display, resourceid, serial, error_code (uchar) ...
    if event:
        code = ctypes.cast(event, ctypes.POINTER(ctypes.c_ubyte * 40)).contents[32]
        _x_errors.append(int(code))
    return 0


_x_error_callback = _X_ERROR_HANDLER(_record_x_error)


def _libx11() -> ctypes.CDLL:
    lib = ctypes.CDLL("libX11.so.6")
    lib.XOpenDisplay.argtypes, lib.XOpenDisplay.restype = [ctypes.c_char_p], ctypes.c_void_p
    lib.XDefaultRootWindow.argtypes, lib.XDefaultRootWindow.restype = (
        [ctypes.c_void_p],
        ctypes.c_ulong,
    )
    lib.XStringToKeysym.argtypes, lib.XStringToKeysym.restype = [ctypes.c_char_p], ctypes.c_ulong
    lib.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    lib.XKeysymToKeycode.restype = ctypes.c_ubyte
    lib.XGrabKey.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_ulong,
                             ctypes.c_int, ctypes.c_int, ctypes.c_int]  # fmt: skip
    lib.XUngrabKey.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_ulong]
    lib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.XPending.argtypes = [ctypes.c_void_p]
    lib.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_XEvent)]
    lib.XConnectionNumber.argtypes = [ctypes.c_void_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    lib.XSetErrorHandler.argtypes, lib.XSetErrorHandler.restype = [ctypes.c_void_p], ctypes.c_void_p
    return lib


class _X11Grabber:
    """Grabs each combination (with and without Caps Lock and Num Lock) on its own connection."""

    def __init__(self, emit: Any) -> None:
        self._emit = emit
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lib: ctypes.CDLL | None = None
        self._display: int | None = None
        self._grabs: dict[tuple[int, int], str] = {}  # (keycode, modifiers) -> action

    def bind(
        self, combos: dict[str, KeyCombo], texts: dict[str, str], status: HotkeyStatus
    ) -> None:
        try:
            lib = _libx11()
        except OSError as error:
            for action in combos:
                status.failed[texts[action]] = f"libX11: {error}"
            return
        display = lib.XOpenDisplay(None)
        if not display:
            for action in combos:
                status.failed[texts[action]] = tr("no X display")
            return
        self._lib, self._display = lib, display
        lib.XSetErrorHandler(ctypes.cast(_x_error_callback, ctypes.c_void_p))
        root = lib.XDefaultRootWindow(display)
        for action, combo in combos.items():
            keysym = lib.XStringToKeysym(combo.key.encode())
            if not keysym and len(combo.key) == 1:
                keysym = lib.XStringToKeysym(combo.key.lower().encode())
            keycode = lib.XKeysymToKeycode(display, keysym) if keysym else 0
            if not keycode:
                status.failed[texts[action]] = tr("unknown key")
                continue
            mask = 0
            for name in combo.modifiers:
                mask |= _X_MODIFIERS[name]
            _x_errors.clear()
            for extra in (0, _LOCK, _MOD2, _LOCK | _MOD2):  # Caps Lock and Num Lock variants
                lib.XGrabKey(display, keycode, mask | extra, root, 1, 1, 1)
            lib.XSync(display, 0)
            if _x_errors:
                status.failed[texts[action]] = tr("another program already uses it")
                continue
            self._grabs[(int(keycode), mask)] = action
            status.active[action] = texts[action]
        if self._grabs:
            self._thread = threading.Thread(target=self._loop, name="er-hotkeys", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        lib, display = self._lib, self._display
        assert lib is not None and display is not None
        fd = lib.XConnectionNumber(display)
        event = _XEvent()
        ignored = _LOCK | _MOD2
        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            while lib.XPending(display):
                lib.XNextEvent(display, ctypes.byref(event))
                if event.type != _KEY_PRESS:
                    continue
                key = (int(event.key.keycode), int(event.key.state) & ~ignored & 0xFF)
                action = self._grabs.get(key)
                if action is not None:
                    log.info("global hotkey: %s", action)
                    self._emit(action)  # a queued signal to the GUI thread

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        lib, display = self._lib, self._display
        if lib is not None and display is not None:
            root = lib.XDefaultRootWindow(display)
            for keycode, mask in self._grabs:
                for extra in (0, _LOCK, _MOD2, _LOCK | _MOD2):
                    lib.XUngrabKey(display, keycode, mask | extra, root)
            lib.XCloseDisplay(display)
        self._display = None


# -- Windows: RegisterHotKey, WM_HOTKEY read by a native event filter -------------------------

_WM_HOTKEY = 0x0312
_MOD_ALT, _MOD_CONTROL, _MOD_SHIFT, _MOD_WIN, _MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
_WIN_MODIFIERS = {"alt": _MOD_ALT, "ctrl": _MOD_CONTROL, "shift": _MOD_SHIFT, "meta": _MOD_WIN}


def windows_virtual_key(key: str) -> int | None:
    """The Windows virtual-key code of a Qt key name: F1-F24, A-Z, 0-9."""
    upper = key.upper()
    if upper.startswith("F") and upper[1:].isdigit() and 1 <= int(upper[1:]) <= 24:
        return 0x70 + int(upper[1:]) - 1
    if len(upper) == 1 and (upper.isascii() and upper.isalnum()):
        return ord(upper)
    return None


class _WindowsHotkeys(QAbstractNativeEventFilter):
    """RegisterHotKey on the GUI thread; WM_HOTKEY arrives in its message queue."""

    def __init__(self, emit: Any) -> None:
        super().__init__()
        self._emit = emit
        self._ids: dict[int, str] = {}

    def bind(
        self, combos: dict[str, KeyCombo], texts: dict[str, str], status: HotkeyStatus
    ) -> None:
        user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        for number, (action, combo) in enumerate(combos.items(), start=0xB000):
            code = windows_virtual_key(combo.key)
            if code is None:
                status.failed[texts[action]] = tr("unknown key")
                continue
            mask = _MOD_NOREPEAT
            for name in combo.modifiers:
                mask |= _WIN_MODIFIERS[name]
            if user32.RegisterHotKey(None, number, mask, code):
                self._ids[number] = action
                status.active[action] = texts[action]
            else:
                status.failed[texts[action]] = tr("another program already uses it")
        app = QCoreApplication.instance()
        if self._ids and app is not None:
            app.installNativeEventFilter(self)

    def nativeEventFilter(self, event_type: Any, message: Any) -> Any:
        if bytes(event_type) != b"windows_generic_MSG":
            return False, 0
        from ctypes import wintypes

        msg = wintypes.MSG.from_address(int(message))
        if msg.message == _WM_HOTKEY and msg.wParam in self._ids:
            self._emit(self._ids[msg.wParam])
            return True, 0
        return False, 0

    def unbind(self) -> None:
        user32 = ctypes.WinDLL("user32")  # type: ignore[attr-defined]
        for number in self._ids:
            user32.UnregisterHotKey(None, number)
        app = QCoreApplication.instance()
        if app is not None:
            app.removeNativeEventFilter(self)
        self._ids.clear()
