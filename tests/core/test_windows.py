"""Finding windows by title or id: matching rules, and the X11 layer against a real Xvfb."""

from __future__ import annotations

import ctypes
import json
import os
import selectors
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.core.capture import windows
from desktop.core.capture.errors import CaptureUnavailableError, WindowNotFoundError
from desktop.core.capture.frame import Rect
from desktop.core.capture.windows import (
    WindowInfo,
    choose_window,
    find_window,
    list_windows,
    parse_window_id,
    similar_titles,
)

TITLE = "Evidence test 证据 window"
QT_TITLE = "Evidence test 证据 Qt window"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 layer")


def info(window_id: int, title: str) -> WindowInfo:
    return WindowInfo(window_id, title, Rect(0, 0, 10, 10), None, None)


# --- matching, without a display ---------------------------------------------------------------


def test_exact_title_beats_the_frontmost_substring_match() -> None:
    found = [info(1, "Notes - Editor"), info(2, "Notes"), info(3, "notes")]
    assert choose_window(found, "Notes").id == 2
    assert choose_window(found, "NOTES").id == 2  # case-insensitive exact: the frontmost
    assert choose_window([found[0], found[2]], "NOTES").id == 3  # exact before a substring
    assert choose_window(found, "note").id == 1  # otherwise the frontmost (first) match


def test_an_id_wins_and_a_number_that_is_no_id_is_a_title() -> None:
    found = [info(0x3A00007, "Browser"), info(5, "2048 game")]
    assert choose_window(found, "0x3a00007").title == "Browser"
    assert choose_window(found, " 0X3A00007 ").title == "Browser"
    assert choose_window(found, str(0x3A00007)).title == "Browser"
    assert choose_window(found, "2048").title == "2048 game"
    assert parse_window_id("0x1f") == 31 and parse_window_id("31") == 31
    assert parse_window_id("window 3") is None and parse_window_id("0x") is None


def test_not_found_names_similar_titles_and_how_to_list_windows() -> None:
    found = [info(i, f"Unrelated {i}") for i in range(8)] + [info(9, "Mobile plan – Settings")]
    with pytest.raises(WindowNotFoundError) as caught:
        choose_window(found, "mobil plan")
    message = str(caught.value)
    assert '"Mobile plan – Settings"' in message and "Unrelated" not in message
    assert windows.LIST_COMMAND in message

    with pytest.raises(WindowNotFoundError) as caught:
        choose_window(found, "zzzz")
    message = str(caught.value)
    assert "Open windows include" in message and message.count('"Unrelated') == 5

    with pytest.raises(WindowNotFoundError, match="no window with a title is open"):
        choose_window([], "anything")
    with pytest.raises(WindowNotFoundError, match="Give a window title or id"):
        choose_window(found, "   ")


def test_similar_titles_ignores_short_words_and_ranks_typos_first() -> None:
    titles = ["A new tab", "Evidence Recorder", "Evidence Recorder – case", "of the plan"]
    assert similar_titles("a of", titles) == []
    assert similar_titles("Evidnce", titles)[:2] == [
        "Evidence Recorder",
        "Evidence Recorder – case",
    ]


def test_as_data_is_what_the_log_records() -> None:
    window = WindowInfo(7, "Plan", Rect(-5, 10, 300, 200), 42, "python3")
    data = window.as_data()
    assert data == {
        "id": 7,
        "title": "Plan",
        "rect": [-5, 10, 300, 200],
        "pid": 42,
        "process": "python3",
    }
    assert json.loads(json.dumps(data)) == data


# --- the X11 layer without a usable display ----------------------------------------------------


@linux_only
def test_no_display_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(CaptureUnavailableError, match="DISPLAY is empty"):
        list_windows()
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    with pytest.raises(CaptureUnavailableError, match="not possible on Wayland"):
        find_window("anything")


@linux_only
def test_missing_libx11_or_server_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_library() -> ctypes.CDLL:
        raise OSError("libX11.so.6: cannot open shared object file")

    free = next(n for n in range(4242, 4342) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    monkeypatch.setenv("DISPLAY", f":{free}")
    with monkeypatch.context() as patch:
        patch.setattr(windows, "_xlib", no_library)
        with pytest.raises(CaptureUnavailableError, match="apt install libx11-6"):
            list_windows()
    if not _has_libx11():
        pytest.skip("libX11.so.6 is not installed")
    with pytest.raises(CaptureUnavailableError, match=f"Cannot connect to the X display :{free}"):
        list_windows()


# --- a real X server ----------------------------------------------------------------------------


def _has_libx11() -> bool:
    try:
        ctypes.CDLL("libX11.so.6")
    except OSError:
        return False
    return True


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run these tests)")
    pytest.skip(reason)


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    """One line of the child's stdout, or "" when it exits or says nothing in time."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return ""
    return process.stdout.readline().strip()


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def xvfb() -> Iterator[str]:
    """A private Xvfb (no window manager); yields its DISPLAY."""
    if not sys.platform.startswith("linux"):
        pytest.skip("X11 layer")
    if shutil.which("Xvfb") is None:
        _skip_or_fail("Xvfb is not installed (Debian package xvfb)")
    if not _has_libx11():
        _skip_or_fail("libX11.so.6 is not installed (Debian package libx11-6)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(write_end)
    try:
        number = b""
        with selectors.DefaultSelector() as selector:  # Xvfb picks a free number and writes it
            selector.register(read_end, selectors.EVENT_READ)
            while not number.endswith(b"\n") and selector.select(10):
                chunk = os.read(read_end, 16)
                if not chunk:
                    break
                number += chunk
        socket_path = Path(f"/tmp/.X11-unix/X{number.decode().strip()}")
        deadline = time.monotonic() + 10
        while number.strip() and not socket_path.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not number.strip() or not socket_path.exists():
            server.kill()
            errors = server.communicate()[1].decode(errors="replace")
            pytest.fail(f"Xvfb did not start: {errors[-2000:]}")
        yield f":{number.decode().strip()}"
    finally:
        os.close(read_end)
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(5)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.fixture
def display(xvfb: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DISPLAY", xvfb)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    return xvfb


# A client that makes plain Xlib windows the way toolkits do, and obeys commands on stdin:
# "wm" / "unwm" fake a window manager's client list and frames; "destroy" removes one window.
MAKER = r"""
import ctypes, json, os, socket, sys

X = ctypes.CDLL("libX11.so.6")
P, L, I, U = ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_uint
for name, args, result in [
    ("XOpenDisplay", [ctypes.c_char_p], P), ("XDefaultRootWindow", [P], L),
    ("XCreateSimpleWindow", [P, L, I, I, U, U, U, L, L], L),
    ("XInternAtom", [P, ctypes.c_char_p, I], L), ("XChangeProperty", [P, L, L, L, I, I, P, I], I),
    ("XDeleteProperty", [P, L, L], I), ("XStoreName", [P, L, ctypes.c_char_p], I),
    ("XMapWindow", [P, L], I), ("XDestroyWindow", [P, L], I), ("XSync", [P, I], I),
]:
    getattr(X, name).argtypes, getattr(X, name).restype = args, result

d = X.XOpenDisplay(None)
root = X.XDefaultRootWindow(d)
def atom(name):
    return X.XInternAtom(d, name.encode(), 0)
def prop8(win, name, kind, data):
    X.XChangeProperty(d, win, atom(name), atom(kind), 8, 0, data, len(data))
def prop32(win, name, kind, values):
    X.XChangeProperty(d, win, atom(name), atom(kind), 32, 0, (ctypes.c_long * len(values))(*values),
                      len(values))
def window(parent, x, y, w, h, border=0, name=None, utf8=None, pid=None, host=None, mapped=True):
    win = X.XCreateSimpleWindow(d, parent, x, y, w, h, border, 0, 0xFFFFFF)
    if name: X.XStoreName(d, win, name.encode("latin-1"))
    if utf8: prop8(win, "_NET_WM_NAME", "UTF8_STRING", utf8.encode())
    if pid: prop32(win, "_NET_WM_PID", "CARDINAL", [pid])
    if host: prop8(win, "WM_CLIENT_MACHINE", "STRING", host.encode())
    if mapped: X.XMapWindow(d, win)
    return win

me, host = os.getpid(), socket.gethostname()
ids = {}
ids["main"] = window(root, 100, 120, 300, 200, 0, "Evidence test window",
                     "Evidence test \u8bc1\u636e window", me, host)
ids["legacy"] = window(root, 500, 100, 200, 150, 3, "Legacy caf\xe9 window")
ids["wrapper"] = window(root, 50, 500, 400, 200)
ids["wrapped"] = window(ids["wrapper"], 10, 20, 380, 160, 0, None, "Wrapped toolkit window", me,
                        host)
ids["hidden"] = window(root, 0, 0, 50, 50, 0, None, "Hidden window", me, host, mapped=False)
ids["remote"] = window(root, 700, 400, 120, 90, 0, None, "Remote client window", 1,
                       "elsewhere.example")
ids["doomed"] = window(root, 900, 500, 100, 100, 0, None, "Doomed window", me, host)
ids["stale"] = window(root, 0, 0, 10, 10, mapped=False)
X.XDestroyWindow(d, ids["stale"])
X.XSync(d, 0)
print("ready", json.dumps(ids), flush=True)

lists = ("_NET_CLIENT_LIST", "_NET_CLIENT_LIST_STACKING")
for line in sys.stdin:
    command = line.strip()
    if command == "wm":
        prop32(root, lists[0], "WINDOW", [ids[k] for k in ("main", "legacy", "stale", "hidden")])
        prop32(root, lists[1], "WINDOW", [ids[k] for k in ("legacy", "stale", "hidden", "main")])
        prop32(ids["main"], "_NET_FRAME_EXTENTS", "CARDINAL", [2, 2, 30, 2])
        prop32(ids["legacy"], "_GTK_FRAME_EXTENTS", "CARDINAL", [10, 10, 10, 10])
    elif command == "unwm":
        for name in lists:
            X.XDeleteProperty(d, root, atom(name))
        X.XDeleteProperty(d, ids["main"], atom("_NET_FRAME_EXTENTS"))
        X.XDeleteProperty(d, ids["legacy"], atom("_GTK_FRAME_EXTENTS"))
    elif command == "destroy":
        X.XDestroyWindow(d, ids["doomed"])
    X.XSync(d, 0)
    print("ok", flush=True)
"""


class Maker:
    """The window-making client above, running in a subprocess."""

    def __init__(self, display: str) -> None:
        env = dict(os.environ, DISPLAY=display)
        self.process = subprocess.Popen(
            [sys.executable, "-c", MAKER],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        line = _read_line(self.process, 10)
        if not line.startswith("ready "):
            _stop(self.process)
            assert self.process.stderr is not None
            pytest.fail(f"window maker failed: {self.process.stderr.read()[-2000:]}")
        self.ids: dict[str, int] = json.loads(line.split(" ", 1)[1])
        self.pid = self.process.pid

    def command(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        assert _read_line(self.process, 10) == "ok"

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        _stop(self.process)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def maker(display: str) -> Iterator[Maker]:
    made = Maker(display)
    yield made
    made.close()


def by_title(found: list[WindowInfo]) -> dict[str, WindowInfo]:
    return {window.title: window for window in found}


def test_lists_mapped_named_windows_without_a_window_manager(maker: Maker) -> None:
    found = list_windows()
    titles = [window.title for window in found]
    mine = [t for t in titles if t != QT_TITLE]
    assert mine == [  # the root's children, topmost (last mapped) first
        "Doomed window",
        "Remote client window",
        "Wrapped toolkit window",
        "Legacy café window",
        TITLE,
    ]
    windows_ = by_title(found)
    main = windows_[TITLE]
    assert main.id == maker.ids["main"]
    assert main.rect == Rect(100, 120, 300, 200)
    assert main.pid == maker.pid
    assert main.process is not None and main.process.startswith("python")
    legacy = windows_["Legacy café window"]  # WM_NAME only (Latin-1), a 3 px border
    assert legacy.rect == Rect(500, 100, 206, 156)
    assert (legacy.pid, legacy.process) == (None, None)
    wrapped = windows_["Wrapped toolkit window"]  # named child of an unnamed top-level
    assert wrapped.id == maker.ids["wrapped"]
    assert wrapped.rect == Rect(50, 500, 400, 200)
    remote = windows_["Remote client window"]  # pid of another machine: not ours to name
    assert (remote.pid, remote.process) == (None, None)
    assert "Hidden window" not in windows_


def test_finds_by_title_substring_and_by_id(maker: Maker) -> None:
    main = find_window("evidence test")
    assert main.title == TITLE and main.id == maker.ids["main"]
    assert find_window("证据 WINDOW") == main
    assert find_window(hex(maker.ids["main"])) == main
    assert find_window(str(maker.ids["main"])) == main
    assert find_window(hex(maker.ids["wrapped"])).title == "Wrapped toolkit window"


def test_missing_title_lists_what_is_open(maker: Maker) -> None:
    with pytest.raises(WindowNotFoundError) as caught:
        find_window("Evidance tset")
    message = str(caught.value)
    assert f'"{TITLE}"' in message and windows.LIST_COMMAND in message
    with pytest.raises(WindowNotFoundError, match="Open windows include") as caught:
        find_window("Spreadsheet")
    assert '"Doomed window"' in str(caught.value)
    with pytest.raises(WindowNotFoundError):
        find_window(hex(maker.ids["hidden"]))


def test_window_manager_list_frames_and_stale_entries(maker: Maker) -> None:
    maker.command("wm")
    try:
        found = list_windows()
    finally:
        maker.command("unwm")
    # _NET_CLIENT_LIST_STACKING, topmost first; the destroyed and the unmapped entry are left out
    assert [window.title for window in found] == [TITLE, "Legacy café window"]
    main, legacy = found
    assert main.rect == Rect(98, 90, 304, 232)  # the frame the window manager drew around it
    assert legacy.rect == Rect(510, 110, 186, 136)  # without its client-side shadow
    assert main.pid == maker.pid


def test_a_window_vanishing_mid_scan_or_between_calls(
    maker: Maker, monkeypatch: pytest.MonkeyPatch
) -> None:
    doomed = find_window("doomed window")
    original = windows._X11Scan.children

    def children_then_destroy(scan: Any, window: int) -> list[int]:
        found = original(scan, window)
        if window == scan.root:
            maker.command("destroy")  # gone after XQueryTree, before its name and geometry
        return found

    with monkeypatch.context() as patch:
        patch.setattr(windows._X11Scan, "children", children_then_destroy)
        titles = [window.title for window in list_windows()]
    assert "Doomed window" not in titles and TITLE in titles
    with pytest.raises(WindowNotFoundError):
        find_window(hex(doomed.id))
    assert find_window("evidence").id == maker.ids["main"]  # the connection still works


def test_the_previous_x_error_handler_is_back_after_a_scan(maker: Maker) -> None:
    lib = windows._xlib()
    before = lib.XSetErrorHandler(None)  # None puts back Xlib's default; remember what was set
    lib.XSetErrorHandler(before)
    list_windows()
    after = lib.XSetErrorHandler(before)
    assert after == before
    assert after != ctypes.cast(windows._x_error_handler, ctypes.c_void_p).value
    assert not windows._x_scan_displays


QT_WINDOW = r"""
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
window = QWidget()
window.setWindowTitle("Evidence test \u8bc1\u636e Qt window")
window.move(100, 120)
window.resize(300, 200)
window.show()
while not window.windowHandle().isExposed():
    app.processEvents()
print("ready", int(window.winId()), flush=True)
app.exec()
"""


def _qt_xcb_missing_libraries() -> list[str]:
    try:
        import PySide6
    except ImportError:
        return ["PySide6"]
    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists() or shutil.which("ldd") is None:
        return []
    lines = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True).stdout
    return sorted({line.split()[0] for line in lines.splitlines() if "not found" in line})


def test_finds_a_real_qt_window(display: str) -> None:
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
    env.pop("QT_QPA_PLATFORMTHEME", None)
    process = subprocess.Popen(
        [sys.executable, "-c", QT_WINDOW],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        line = _read_line(process, 15)
        if not line.startswith("ready"):
            _stop(process)
            missing = _qt_xcb_missing_libraries()
            assert process.stderr is not None
            errors = process.stderr.read().strip().splitlines()[:2]
            _skip_or_fail(f"Qt's xcb plugin did not start; missing: {missing or '?'}; {errors}")
        window = find_window("evidence test 证据 qt")
        assert window.title == QT_TITLE
        assert window.id == int(line.split()[1])
        expected = Rect(100, 120, 300, 200)
        assert all(
            abs(a - b) <= 3 for a, b in zip(window.rect.as_list(), expected.as_list(), strict=True)
        )
        assert window.pid == process.pid
        assert window.process is not None and window.process.startswith("python")
    finally:
        _stop(process)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
