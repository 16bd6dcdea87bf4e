"""Top-level windows by title or id, with bounds and owning process, on X11, Windows and macOS."""

from __future__ import annotations

import ctypes
import difflib
import os
import re
import socket
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from desktop.core.capture.errors import (
    CapturePermissionError,
    CaptureUnavailableError,
    WindowNotFoundError,
)
from desktop.core.capture.frame import Rect
from desktop.core.i18n import tr

LIST_COMMAND = "evidence-recorder windows"
_SUGGESTIONS = 5


@dataclass(frozen=True)
class WindowInfo:
    """One top-level window as the desktop reports it.

    `rect` is the outer visible bounds (frame included, invisible shadows excluded) in physical
    pixels of the virtual screen on X11 and Windows; on macOS it is in points of the global
    display space (multiply by the display's backing scale for pixels). `pid` and `process` are
    None where the platform does not tell (or, on X11, when the window's client runs on another
    machine).
    """

    id: int
    title: str
    rect: Rect
    pid: int | None
    process: str | None

    def as_data(self) -> dict[str, Any]:
        """The window as the log records it."""
        return {
            "id": self.id,
            "title": self.title,
            "rect": self.rect.as_list(),
            "pid": self.pid,
            "process": self.process,
        }


def list_windows() -> list[WindowInfo]:
    """Visible top-level windows that have a title, frontmost first where the platform tells.

    Minimised, hidden, cloaked and off-workspace windows are left out. Raises
    CaptureUnavailableError when there is no way to list windows here (no display, Wayland
    without X, a missing system library) and CapturePermissionError when macOS withholds
    window titles for lack of Screen Recording permission.
    """
    if sys.platform == "win32":
        return _win32_windows()
    elif sys.platform == "darwin":
        return _mac_windows()
    else:
        return _x11_windows()


def find_window(query: str) -> WindowInfo:
    """The window whose id is `query` ("0x3a00007" or decimal) or whose title contains it.

    Title matching ignores case. When several windows match, an exact title wins, then the
    frontmost. Raises WindowNotFoundError naming similar titles when nothing matches.
    """
    return choose_window(list_windows(), query)


def choose_window(windows: Sequence[WindowInfo], query: str) -> WindowInfo:
    """The best match for `query` among `windows` (given frontmost first); see find_window."""
    wanted = query.strip()
    if not wanted:
        raise WindowNotFoundError(
            tr(
                "Give a window title or id to look for. To see every window, run: {command}",
                command=LIST_COMMAND,
            )
        )
    window_id = parse_window_id(wanted)
    if window_id is not None:
        for window in windows:
            if window.id == window_id:
                return window
    folded = wanted.casefold()
    ranked = [
        (0 if w.title == wanted else 1 if w.title.strip().casefold() == folded else 2, i, w)
        for i, w in enumerate(windows)
        if folded in w.title.casefold()
    ]
    if ranked:
        return min(ranked, key=lambda item: item[:2])[2]
    raise WindowNotFoundError(_not_found_message(wanted, [w.title for w in windows]))


def parse_window_id(text: str) -> int | None:
    """The window id written in `text` as hex ("0x3a00007") or decimal, else None."""
    text = text.strip().lower()
    if re.fullmatch(r"0x[0-9a-f]+", text):
        return int(text, 16)
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    return None


def similar_titles(query: str, titles: Sequence[str], limit: int = _SUGGESTIONS) -> list[str]:
    """Up to `limit` titles that look like `query` (a typo, a word of it), best first."""
    folded = query.casefold()
    query_words = [word for word in folded.split() if len(word) >= 3]  # "a", "of" match anything
    scored: list[tuple[float, int, str]] = []
    for index, title in enumerate(dict.fromkeys(titles)):
        candidate = title.casefold()
        score = max(
            [difflib.SequenceMatcher(None, folded, candidate).ratio()]
            + [
                difflib.SequenceMatcher(None, q, t).ratio()
                for q in query_words
                for t in candidate.split()
            ]
        )
        if score >= 0.6:
            scored.append((-score, index, title))
    return [title for _, _, title in sorted(scored)[:limit]]


def _not_found_message(query: str, titles: Sequence[str]) -> str:
    if not titles:
        message = tr(
            'No window matches "{query}": no window with a title is open on this screen.',
            query=query,
        )
    else:
        similar = similar_titles(query, titles)
        if similar:
            message = tr(
                'No window matches "{query}" by id or title. Similar titles: {titles}. '
                "To see every window, run: {command}",
                query=query,
                titles=_quoted(similar),
                command=LIST_COMMAND,
            )
        else:
            message = tr(
                'No window matches "{query}" by id or title. Open windows include: {titles}. '
                "To see every window, run: {command}",
                query=query,
                titles=_quoted(list(dict.fromkeys(titles))[:_SUGGESTIONS]),
                command=LIST_COMMAND,
            )
    if sys.platform.startswith("linux") and _wayland_session():
        message += " " + tr(
            "On Wayland only windows of X11 programs (XWayland) can be found by title."
        )
    return message


def _quoted(titles: Sequence[str]) -> str:
    return ", ".join(f'"{t if len(t) <= 60 else t[:59] + "…"}"' for t in titles)


def _wayland_session() -> bool:
    return bool(os.environ.get("WAYLAND_DISPLAY")) or (
        os.environ.get("XDG_SESSION_TYPE", "").lower() == "wayland"
    )


# --- X11 ---------------------------------------------------------------------------------------
#
# A private Xlib connection per scan. Property data of format 32 comes back as C longs. Requests
# on a window that vanished mid-scan fail with BadWindow; Xlib's default handler would print and
# exit the process, so a handler that ignores every error on our own connection (and passes the
# rest to whatever handler was there before) is installed for the length of the scan.

_IS_VIEWABLE = 2
_ANY_PROPERTY_TYPE = 0
_SUCCESS = 0


class _XErrorEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("resourceid", ctypes.c_ulong),
        ("serial", ctypes.c_ulong),
        ("error_code", ctypes.c_ubyte),
        ("request_code", ctypes.c_ubyte),
        ("minor_code", ctypes.c_ubyte),
    ]


class _XWindowAttributes(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int),
        ("y", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("border_width", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("visual", ctypes.c_void_p),
        ("root", ctypes.c_ulong),
        ("class_", ctypes.c_int),
        ("bit_gravity", ctypes.c_int),
        ("win_gravity", ctypes.c_int),
        ("backing_store", ctypes.c_int),
        ("backing_planes", ctypes.c_ulong),
        ("backing_pixel", ctypes.c_ulong),
        ("save_under", ctypes.c_int),
        ("colormap", ctypes.c_ulong),
        ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int),
        ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long),
        ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int),
        ("screen", ctypes.c_void_p),
    ]


_XErrorHandler = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(_XErrorEvent))
_x_lock = threading.Lock()  # one scan at a time: the error handler is process-wide
_x_scan_displays: set[int] = set()
_x_previous_handler: Any = None


def _on_x_error(display: int | None, event: Any) -> int:
    if display in _x_scan_displays:
        return 0  # a window vanished (or similar) mid-scan: the failed call reports it
    previous = _x_previous_handler
    return int(previous(display, event)) if previous is not None else 0


_x_error_handler = _XErrorHandler(_on_x_error)


@cache
def _xlib() -> ctypes.CDLL:
    c_ulong_p = ctypes.POINTER(ctypes.c_ulong)
    c_int_p = ctypes.POINTER(ctypes.c_int)
    c_uint_p = ctypes.POINTER(ctypes.c_uint)
    c_void_pp = ctypes.POINTER(ctypes.c_void_p)
    lib = ctypes.CDLL("libX11.so.6")
    signatures: dict[str, tuple[list[Any], Any]] = {
        "XOpenDisplay": ([ctypes.c_char_p], ctypes.c_void_p),
        "XCloseDisplay": ([ctypes.c_void_p], ctypes.c_int),
        "XDefaultRootWindow": ([ctypes.c_void_p], ctypes.c_ulong),
        "XSetErrorHandler": ([ctypes.c_void_p], ctypes.c_void_p),
        "XInternAtom": ([ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int], ctypes.c_ulong),
        "XGetWindowProperty": (
            [
                ctypes.c_void_p,
                ctypes.c_ulong,
                ctypes.c_ulong,
                ctypes.c_long,
                ctypes.c_long,
                ctypes.c_int,
                ctypes.c_ulong,
                c_ulong_p,
                c_int_p,
                c_ulong_p,
                c_ulong_p,
                c_void_pp,
            ],
            ctypes.c_int,
        ),
        "XFetchName": ([ctypes.c_void_p, ctypes.c_ulong, c_void_pp], ctypes.c_int),
        "XGetWindowAttributes": (
            [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_XWindowAttributes)],
            ctypes.c_int,
        ),
        "XTranslateCoordinates": (
            [
                ctypes.c_void_p,
                ctypes.c_ulong,
                ctypes.c_ulong,
                ctypes.c_int,
                ctypes.c_int,
                c_int_p,
                c_int_p,
                c_ulong_p,
            ],
            ctypes.c_int,
        ),
        "XQueryTree": (
            [ctypes.c_void_p, ctypes.c_ulong, c_ulong_p, c_ulong_p, c_void_pp, c_uint_p],
            ctypes.c_int,
        ),
        "XFree": ([ctypes.c_void_p], ctypes.c_int),
    }
    for name, (argtypes, restype) in signatures.items():
        function = getattr(lib, name)
        function.argtypes = argtypes
        function.restype = restype
    return lib


def _x11_windows() -> list[WindowInfo]:
    display_name = os.environ.get("DISPLAY", "")
    if not display_name:
        if _wayland_session():
            raise CaptureUnavailableError(
                tr(
                    "Finding a window by its title is not possible on Wayland. Choose the window "
                    "in the screenshot dialog of your desktop instead, or capture a region."
                )
            )
        raise CaptureUnavailableError(
            tr(
                "No X display is set (DISPLAY is empty), so windows cannot be listed. Run the "
                "program inside your desktop session, or capture a screen or region instead."
            )
        )
    try:
        lib = _xlib()
    except OSError:
        raise CaptureUnavailableError(
            tr(
                "The X11 library libX11.so.6 is missing, so windows cannot be listed. Install it "
                "(on Debian or Ubuntu: sudo apt install libx11-6), or capture a screen or region "
                "instead."
            )
        ) from None
    with _x_lock, _x_connection(lib, display_name) as display:
        return _X11Scan(lib, display).windows()


@contextmanager
def _x_connection(lib: ctypes.CDLL, display_name: str) -> Iterator[int]:
    global _x_previous_handler
    display = lib.XOpenDisplay(display_name.encode())
    if not display:
        raise CaptureUnavailableError(
            tr(
                "Cannot connect to the X display {display}. Check that the desktop session is "
                "running and DISPLAY is right, or capture a screen or region instead.",
                display=display_name,
            )
        )
    ours = ctypes.cast(_x_error_handler, ctypes.c_void_p).value
    _x_scan_displays.add(display)
    previous = lib.XSetErrorHandler(_x_error_handler)
    _x_previous_handler = _XErrorHandler(previous) if previous and previous != ours else None
    try:
        yield int(display)
    finally:
        lib.XCloseDisplay(display)  # syncs, so late errors still reach our handler
        current = lib.XSetErrorHandler(previous)
        if current != ours:  # someone replaced our handler mid-scan: keep theirs
            lib.XSetErrorHandler(current)
        _x_previous_handler = None
        _x_scan_displays.discard(display)


class _X11Scan:
    def __init__(self, lib: ctypes.CDLL, display: int) -> None:
        self.lib = lib
        self.display = display
        self.root = int(lib.XDefaultRootWindow(display))
        self.atoms: dict[str, int] = {}
        self.hostname = socket.gethostname().split(".")[0].casefold()

    def windows(self) -> list[WindowInfo]:
        for list_name in ("_NET_CLIENT_LIST_STACKING", "_NET_CLIENT_LIST"):
            clients = self.cardinals(self.root, list_name)
            if clients is not None:  # a window manager keeps the list (bottom to top)
                found = (self.describe(wid, wid) for wid in reversed(clients))
                return [window for window in found if window is not None]
        return self.tree_windows()

    def tree_windows(self) -> list[WindowInfo]:
        """No window manager list: the root's mapped children, named or with a named child."""
        found: list[WindowInfo] = []
        for top in reversed(self.children(self.root)):  # bottom to top
            attributes = self.attributes(top)
            if attributes is None or attributes.override_redirect:
                continue
            named = top if self.title(top) else None
            if named is None:
                named = next(
                    (c for c in reversed(self.children(top)) if self.title(c) and self.viewable(c)),
                    None,
                )
            window = self.describe(named, top) if named is not None else None
            if window is not None:
                found.append(window)
        return found

    def describe(self, client: int, outer: int) -> WindowInfo | None:
        """The window `client` (title, pid) drawn within `outer` (its frame, or itself)."""
        attributes = self.attributes(outer)
        title = self.title(client)
        if attributes is None or attributes.map_state != _IS_VIEWABLE or not title:
            return None
        x, y, child = ctypes.c_int(), ctypes.c_int(), ctypes.c_ulong()
        if not self.lib.XTranslateCoordinates(
            self.display,
            outer,
            self.root,
            0,
            0,
            ctypes.byref(x),
            ctypes.byref(y),
            ctypes.byref(child),
        ):
            return None
        border = attributes.border_width
        left, top = x.value - border, y.value - border
        right, bottom = left + attributes.width + 2 * border, top + attributes.height + 2 * border
        frame = self.cardinals(client, "_NET_FRAME_EXTENTS") or []
        if outer == client and len(frame) == 4:  # a reparenting WM's frame around the client
            left, right, top, bottom = (
                left - frame[0],
                right + frame[1],
                top - frame[2],
                bottom + frame[3],
            )
        shadow = self.cardinals(client, "_GTK_FRAME_EXTENTS") or []
        if (
            len(shadow) == 4
            and right - left > shadow[0] + shadow[1]
            and bottom - top > shadow[2] + shadow[3]
        ):
            left, right, top, bottom = (
                left + shadow[0],
                right - shadow[1],
                top + shadow[2],
                bottom - shadow[3],
            )
        pid, process = self.owner(client)
        return WindowInfo(client, title, Rect(left, top, right - left, bottom - top), pid, process)

    def owner(self, window: int) -> tuple[int | None, str | None]:
        pids = self.cardinals(window, "_NET_WM_PID") or []
        if not pids or pids[0] <= 0:
            return None, None
        machine = self.text(window, "WM_CLIENT_MACHINE", _ANY_PROPERTY_TYPE)
        if machine and machine.decode("latin-1").split(".")[0].casefold() != self.hostname:
            return None, None  # the pid belongs to another machine's process table
        try:
            comm = Path(f"/proc/{pids[0]}/comm").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return pids[0], None
        return pids[0], comm.strip() or None

    def title(self, window: int) -> str:
        utf8 = self.text(window, "_NET_WM_NAME", self.atom("UTF8_STRING"))
        if utf8:
            return utf8.decode("utf-8", errors="replace").strip()
        name = ctypes.c_void_p()
        if not self.lib.XFetchName(self.display, window, ctypes.byref(name)) or not name.value:
            return ""
        try:
            raw = ctypes.string_at(name.value)
        finally:
            self.lib.XFree(name)
        try:
            return raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            return raw.decode("latin-1").strip()

    def attributes(self, window: int) -> _XWindowAttributes | None:
        attributes = _XWindowAttributes()
        ok = self.lib.XGetWindowAttributes(self.display, window, ctypes.byref(attributes))
        return attributes if ok else None

    def viewable(self, window: int) -> bool:
        attributes = self.attributes(window)
        return attributes is not None and attributes.map_state == _IS_VIEWABLE

    def children(self, window: int) -> list[int]:
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children, count = ctypes.c_void_p(), ctypes.c_uint()
        ok = self.lib.XQueryTree(
            self.display,
            window,
            ctypes.byref(root),
            ctypes.byref(parent),
            ctypes.byref(children),
            ctypes.byref(count),
        )
        if not ok or not children.value:
            return []
        try:
            array = ctypes.cast(children, ctypes.POINTER(ctypes.c_ulong))
            return [int(array[i]) for i in range(count.value)]
        finally:
            self.lib.XFree(children)

    def atom(self, name: str) -> int:
        if name not in self.atoms:
            self.atoms[name] = int(self.lib.XInternAtom(self.display, name.encode(), 1))
        return self.atoms[name]

    def cardinals(self, window: int, name: str) -> list[int] | None:
        """A format-32 property as numbers, or None when the window does not have it."""
        found = self.property(window, name, _ANY_PROPERTY_TYPE, 32)
        return found if isinstance(found, list) else None

    def text(self, window: int, name: str, kind: int) -> bytes | None:
        found = self.property(window, name, kind, 8)
        return found if isinstance(found, bytes) else None

    def property(self, window: int, name: str, kind: int, fmt: int) -> list[int] | bytes | None:
        atom = self.atom(name)
        if not atom:
            return None
        actual_type, actual_format = ctypes.c_ulong(), ctypes.c_int()
        count, remaining, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = self.lib.XGetWindowProperty(
            self.display,
            window,
            atom,
            0,
            1 << 16,
            0,
            kind,
            ctypes.byref(actual_type),
            ctypes.byref(actual_format),
            ctypes.byref(count),
            ctypes.byref(remaining),
            ctypes.byref(data),
        )
        if status != _SUCCESS:
            return None
        try:
            if not actual_type.value or actual_format.value != fmt or not data.value:
                return None
            if fmt == 8:
                return ctypes.string_at(data.value, count.value)
            array = ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))  # format 32: C longs
            return [int(array[i]) & 0xFFFFFFFF for i in range(count.value)]
        finally:
            if data.value:
                self.lib.XFree(data)


# --- Windows -----------------------------------------------------------------------------------

if sys.platform == "win32":
    from ctypes import wintypes

    _DWMWA_EXTENDED_FRAME_BOUNDS = 9
    _DWMWA_CLOAKED = 14
    _PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
    _PER_MONITOR_AWARE_V2 = ctypes.c_void_p(-4)
    _WNDENUMPROC = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)

    @cache
    def _win32_libs() -> tuple[ctypes.WinDLL, ctypes.WinDLL, ctypes.WinDLL]:
        user32 = ctypes.WinDLL("user32", use_last_error=True)
        dwmapi = ctypes.WinDLL("dwmapi")
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        hwnd = wintypes.HWND
        signatures: list[tuple[ctypes.WinDLL, str, list[Any], Any]] = [
            (user32, "EnumWindows", [_WNDENUMPROC, wintypes.LPARAM], wintypes.BOOL),
            (user32, "IsWindowVisible", [hwnd], wintypes.BOOL),
            (user32, "IsIconic", [hwnd], wintypes.BOOL),
            (user32, "GetWindowTextLengthW", [hwnd], ctypes.c_int),
            (user32, "GetWindowTextW", [hwnd, wintypes.LPWSTR, ctypes.c_int], ctypes.c_int),
            (user32, "GetWindowRect", [hwnd, ctypes.POINTER(wintypes.RECT)], wintypes.BOOL),
            (user32, "GetWindowThreadProcessId", [hwnd, wintypes.LPDWORD], wintypes.DWORD),
            # HRESULT as a plain long: ctypes.HRESULT would raise instead of letting us fall back
            (
                dwmapi,
                "DwmGetWindowAttribute",
                [hwnd, wintypes.DWORD, ctypes.c_void_p, wintypes.DWORD],
                ctypes.c_long,
            ),
            (
                kernel32,
                "OpenProcess",
                [wintypes.DWORD, wintypes.BOOL, wintypes.DWORD],
                wintypes.HANDLE,
            ),
            (
                kernel32,
                "QueryFullProcessImageNameW",
                [wintypes.HANDLE, wintypes.DWORD, wintypes.LPWSTR, wintypes.LPDWORD],
                wintypes.BOOL,
            ),
            (kernel32, "CloseHandle", [wintypes.HANDLE], wintypes.BOOL),
        ]
        for lib, name, argtypes, restype in signatures:
            function = getattr(lib, name)
            function.argtypes = argtypes
            function.restype = restype
        return user32, dwmapi, kernel32

    def _win32_windows() -> list[WindowInfo]:
        user32, _, _ = _win32_libs()
        handles: list[int] = []

        def collect(hwnd: int | None, _: int) -> bool:
            if hwnd:
                handles.append(hwnd)
            return True

        # Physical pixels for GetWindowRect too (Windows 10 1607+; the DWM bounds always are).
        set_awareness = getattr(user32, "SetThreadDpiAwarenessContext", None)
        if set_awareness is not None:
            set_awareness.argtypes = [ctypes.c_void_p]
            set_awareness.restype = ctypes.c_void_p
        previous = set_awareness(_PER_MONITOR_AWARE_V2) if set_awareness is not None else None
        try:
            user32.EnumWindows(_WNDENUMPROC(collect), 0)  # top of the Z order first
            found = (_win32_describe(hwnd) for hwnd in handles)
            return [window for window in found if window is not None]
        finally:
            if set_awareness is not None and previous:
                set_awareness(previous)

    def _win32_describe(hwnd: int) -> WindowInfo | None:
        user32, dwmapi, _ = _win32_libs()
        if not user32.IsWindowVisible(hwnd) or user32.IsIconic(hwnd):
            return None
        cloaked = wintypes.DWORD()
        if (
            dwmapi.DwmGetWindowAttribute(
                hwnd, _DWMWA_CLOAKED, ctypes.byref(cloaked), ctypes.sizeof(cloaked)
            )
            == 0
            and cloaked.value
        ):
            return None  # on another virtual desktop, or a suspended store app
        length = user32.GetWindowTextLengthW(hwnd)
        if length <= 0:
            return None
        buffer = ctypes.create_unicode_buffer(length + 1)
        user32.GetWindowTextW(hwnd, buffer, length + 1)
        title = buffer.value.strip()
        if not title:
            return None
        bounds = wintypes.RECT()
        if dwmapi.DwmGetWindowAttribute(
            hwnd, _DWMWA_EXTENDED_FRAME_BOUNDS, ctypes.byref(bounds), ctypes.sizeof(bounds)
        ) != 0 and not user32.GetWindowRect(hwnd, ctypes.byref(bounds)):
            return None
        width, height = bounds.right - bounds.left, bounds.bottom - bounds.top
        if width <= 0 or height <= 0:
            return None
        pid = wintypes.DWORD()
        user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        rect = Rect(bounds.left, bounds.top, width, height)
        return WindowInfo(hwnd, title, rect, pid.value or None, _win32_process(pid.value))

    def _win32_process(pid: int) -> str | None:
        if not pid:
            return None
        _, _, kernel32 = _win32_libs()
        handle = kernel32.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:
            return None  # a protected or elevated process
        try:
            size = wintypes.DWORD(32768)
            buffer = ctypes.create_unicode_buffer(size.value)
            if not kernel32.QueryFullProcessImageNameW(handle, 0, buffer, ctypes.byref(size)):
                return None
            return buffer.value.replace("/", "\\").rsplit("\\", 1)[-1] or None
        finally:
            kernel32.CloseHandle(handle)


# --- macOS -------------------------------------------------------------------------------------

if sys.platform == "darwin":

    def _mac_windows() -> list[WindowInfo]:
        try:
            import Quartz  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            raise CaptureUnavailableError(
                tr(
                    "The macOS window list needs the package pyobjc-framework-Quartz. Install it "
                    "(python3 -m pip install pyobjc-framework-Quartz), or capture a screen or "
                    "region instead."
                )
            ) from None
        options = (
            Quartz.kCGWindowListOptionOnScreenOnly | Quartz.kCGWindowListExcludeDesktopElements
        )
        entries = Quartz.CGWindowListCopyWindowInfo(options, Quartz.kCGNullWindowID) or []
        found: list[WindowInfo] = []
        others_unnamed = others = 0
        for entry in entries:  # front to back
            if int(entry.get(Quartz.kCGWindowLayer, 0)) != 0:
                continue  # menu bar, Dock, overlays
            pid = entry.get(Quartz.kCGWindowOwnerPID)
            title = str(entry.get(Quartz.kCGWindowName) or "").strip()
            if pid != os.getpid():
                others += 1
                others_unnamed += not title
            bounds = entry.get(Quartz.kCGWindowBounds)
            if not title or not bounds:
                continue
            x, y = round(float(bounds["X"])), round(float(bounds["Y"]))
            width, height = round(float(bounds["Width"])), round(float(bounds["Height"]))
            if width <= 0 or height <= 0:
                continue
            owner = entry.get(Quartz.kCGWindowOwnerName)
            found.append(
                WindowInfo(
                    int(entry[Quartz.kCGWindowNumber]),
                    title,
                    Rect(x, y, width, height),
                    int(pid) if pid is not None else None,
                    str(owner) if owner else None,
                )
            )
        if others and others_unnamed == others:  # titles of other apps' windows are withheld
            raise CapturePermissionError(
                tr(
                    "macOS hides window titles from this program. Allow it under System Settings "
                    "> Privacy & Security > Screen Recording, restart it, and try again; or "
                    "capture a screen or region instead."
                )
            )
        return found
