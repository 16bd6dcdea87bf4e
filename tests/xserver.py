"""A real X server (Xvfb) for capture tests, and a Qt window that shows known pixels."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

PATTERN_WINDOW = Path(__file__).with_name("pattern_window.py")


def require(program: str) -> None:
    """Skip without the program, except in CI, where a missing install step must fail."""
    if shutil.which(program) is None:
        message = f"{program} is not installed (Debian: apt-get install xvfb)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def xvfb(width: int = 1280, height: int = 800) -> Iterator[str]:
    """Start Xvfb on a free display; yields the DISPLAY value."""
    require("Xvfb")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_end),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as numbers:
            number = numbers.readline().strip()
        if not number:
            pytest.fail("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def pattern(width: int, height: int, seed: int) -> np.ndarray:
    """The RGB pattern the window shows for a seed."""
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


class PatternWindow:
    """A frameless Qt window in its own process, showing pattern(w, h, seed) at (x, y)."""

    def __init__(self, display: str, x: int, y: int, width: int, height: int, title: str) -> None:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        self.process = subprocess.Popen(
            [sys.executable, str(PATTERN_WINDOW), str(x), str(y), str(width), str(height), title],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.seed = 0
        self._expect("shown 0")

    def _expect(self, line: str) -> None:
        assert self.process.stdout is not None
        got = self.process.stdout.readline().strip()
        if got != line:
            self.close()
            pytest.fail(f"pattern window said {got!r}, expected {line!r}")

    def next(self) -> None:
        """Show the pattern of the next seed and wait until it is on the screen."""
        assert self.process.stdin is not None
        self.seed += 1
        self.process.stdin.write("next\n")
        self.process.stdin.flush()
        self._expect(f"shown {self.seed}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def display(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with xvfb() as name:
        monkeypatch.setenv("DISPLAY", name)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
        yield name
