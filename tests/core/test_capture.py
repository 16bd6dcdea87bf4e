"""Real capture on a virtual X screen: exact pixels, targets, honest frames, interval capture."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from desktop.core.capture import grab as capture_module
from desktop.core.capture.checks import changed_fraction, check_frame
from desktop.core.capture.errors import CaptureUnavailableError, TargetError
from desktop.core.capture.frame import Frame, Rect
from desktop.core.capture.grab import CaptureTarget, capture_once, resolve_target, run_interval
from desktop.core.capture.mss_backend import MssBackend
from desktop.core.capture.screens import Monitor, ScreenLayout, parse_region
from desktop.core.proof.verify import verify_case
from desktop.core.store.case import CaseWriter
from desktop.core.store.log import LOG_NAME, scan_log
from tests.xserver import PatternWindow, display, pattern

__all__ = ["display"]  # the fixture, imported for use here


def stored_pixels(case: CaseWriter, event: Any) -> np.ndarray:
    data = (case.folder / event.data["file"]["path"]).read_bytes()
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)


@pytest.fixture
def window(display: str) -> Any:
    shown = PatternWindow(display, 50, 60, 160, 100, "Pattern 证据 window")
    yield shown
    shown.close()


@pytest.fixture
def backend(display: str) -> Any:
    opened = MssBackend()
    yield opened
    opened.close()


def test_region_capture_is_pixel_identical_to_the_window(
    case: CaseWriter, window: PatternWindow, backend: MssBackend
) -> None:
    target = CaptureTarget("region", region=Rect(50, 60, 160, 100))
    outcome = capture_once(case, backend, target, journey="upgrade")
    stored = stored_pixels(case, outcome.event)
    assert stored.shape == (100, 160, 3)
    assert np.array_equal(stored[:, :, ::-1], pattern(160, 100, 0))
    capture = outcome.event.data["capture"]
    assert capture["rect"] == [50, 60, 160, 100]
    assert capture["backend"] == "mss" and capture["trigger"] == "cli"
    assert capture["grabbed_utc"].endswith("Z")
    assert outcome.event.journey == "upgrade"
    assert outcome.check.suspect is False
    assert verify_case(case.folder).ok


def test_screen_monitor_and_clipped_region(case: CaseWriter, backend: MssBackend) -> None:
    screen = capture_once(case, backend, CaptureTarget("screen"))
    assert screen.event.data["image"]["width"] == 1280
    assert screen.event.data["image"]["height"] == 800
    monitor = capture_once(case, backend, CaptureTarget("monitor", monitor=1))
    assert monitor.event.data["capture"]["rect"] == [0, 0, 1280, 800]
    edge = capture_once(case, backend, CaptureTarget("region", region=Rect(1200, 700, 200, 200)))
    assert edge.event.data["capture"]["rect"] == [1200, 700, 80, 100]
    assert edge.event.data["capture"]["clipped"] is True
    with pytest.raises(TargetError, match="no monitor 2"):
        capture_once(case, backend, CaptureTarget("monitor", monitor=2))
    with pytest.raises(TargetError, match="outside the screen"):
        capture_once(case, backend, CaptureTarget("region", region=Rect(5000, 0, 10, 10)))


def test_window_target_captures_the_window(
    case: CaseWriter, window: PatternWindow, backend: MssBackend
) -> None:
    outcome = capture_once(case, backend, CaptureTarget("window", window="pattern 证据"))
    info = outcome.event.data["capture"]["window"]
    assert info["title"] == "Pattern 证据 window"
    assert info["pid"] == window.process.pid
    assert outcome.event.data["capture"]["rect"] == [50, 60, 160, 100]
    assert np.array_equal(stored_pixels(case, outcome.event)[:, :, ::-1], pattern(160, 100, 0))


def test_black_screen_is_kept_but_flagged(case: CaseWriter, backend: MssBackend) -> None:
    outcome = capture_once(case, backend, CaptureTarget("screen"))  # bare Xvfb: all black
    assert outcome.check.suspect and outcome.check.reason == "black"
    check = outcome.event.data["check"]
    assert check == {**check, "suspect": True, "reason": "black", "colour": "#000000"}
    assert "drm_video" in check["hints"]
    assert (case.folder / outcome.event.data["file"]["path"]).exists()


def test_still_screen_stores_one_original_and_five_unchanged(
    case: CaseWriter, window: PatternWindow, backend: MssBackend
) -> None:
    target = CaptureTarget("region", region=Rect(50, 60, 160, 100))
    report = run_interval(case, backend, target, every=0.5, count=6, journey="downgrade")
    assert (report.ticks, len(report.stored), report.unchanged, report.skipped) == (6, 1, 5, 0)
    events = scan_log(case.folder / LOG_NAME).events
    unchanged = [e for e in events if e.type == "capture_unchanged"]
    assert len(unchanged) == 5
    assert {e.data["same_as"] for e in unchanged} == {report.stored[0].seq}
    assert all(e.journey == "downgrade" for e in unchanged)
    assert len(list((case.folder / "originals").iterdir())) == 1
    assert verify_case(case.folder).ok


def test_changing_screen_stores_each_change(
    case: CaseWriter, window: PatternWindow, backend: MssBackend
) -> None:
    def change_after_each_store(kind: str, event: Any) -> None:
        if kind == "stored":
            window.next()

    target = CaptureTarget("region", region=Rect(50, 60, 160, 100))
    report = run_interval(
        case, backend, target, every=0.5, count=4, on_tick=change_after_each_store
    )
    assert (len(report.stored), report.unchanged, report.skipped) == (4, 0, 0)
    for seed, event in enumerate(report.stored):
        assert np.array_equal(stored_pixels(case, event)[:, :, ::-1], pattern(160, 100, seed))


class FakeBackend:
    """Pixels of any layout Xvfb cannot make: negative origins, mixed scales."""

    name = "fake"

    def __init__(self, layout: ScreenLayout, delay: float = 0.0) -> None:
        self.layout = layout
        self.delay = delay
        self.grabs: list[Rect | None] = []

    def grab(self, rect: Rect | None) -> Frame:
        self.grabs.append(rect)
        target = rect or self.layout.bounds
        scale, _source, touched = self.layout.scale_for(target)
        seed = len(self.grabs)
        pixels = np.random.default_rng(seed).integers(
            0, 256, (target.height, target.width, 4), dtype=np.uint8
        )
        return Frame(pixels, target, scale, self.name, {"monitors": touched})

    def close(self) -> None:
        pass


MIXED = ScreenLayout(
    (
        Monitor(1, Rect(0, 0, 2560, 1440), 1.5, "qt", primary=True),
        Monitor(2, Rect(-1920, 200, 1920, 1080), 1.0, "qt"),
        Monitor(3, Rect(2560, -600, 1080, 1920), 1.25, "qt"),
    )
)


def test_negative_and_mixed_scale_layout_arithmetic() -> None:
    assert MIXED.bounds == Rect(-1920, -600, 2560 + 1920 + 1080, 1440 + 600)
    fake = FakeBackend(MIXED)
    rect, _ = resolve_target(fake, CaptureTarget("monitor", monitor=2))
    assert rect == Rect(-1920, 200, 1920, 1080)
    # A region across the left and the primary monitor takes the scale of the larger part.
    across = Rect(-300, 300, 1000, 400)
    assert MIXED.scale_for(across) == (1.5, "qt", [1, 2])
    assert MIXED.scale_for(Rect(-1000, 300, 800, 400)) == (1.0, "qt", [2])
    assert MIXED.scale_for(Rect(2600, -500, 100, 100)) == (1.25, "qt", [3])
    # Above the primary monitor but left of the tall one: outside every monitor.
    assert MIXED.scale_for(Rect(100, -500, 50, 50)) == (None, "assumed", [])
    assert MIXED.clip(Rect(-2500, -1000, 1000, 1500)) == Rect(-1920, -600, 420, 1100)
    assert parse_region("-1920,-600,10,20") == Rect(-1920, -600, 10, 20)
    with pytest.raises(TargetError, match="four whole numbers"):
        parse_region("1,2,3")


def test_fake_layout_capture_records_scale_and_monitors(case: CaseWriter) -> None:
    fake = FakeBackend(MIXED)
    outcome = capture_once(case, fake, CaptureTarget("region", region=Rect(-300, 300, 1000, 400)))
    capture = outcome.event.data["capture"]
    assert capture["scale"] == 1.5 and capture["monitors"] == [1, 2]
    assert capture["rect"] == [-300, 300, 1000, 400]


def test_a_tick_during_a_slow_write_is_skipped_and_logged(
    case: CaseWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_encode = capture_module.encode_png

    def slow_encode(pixels: Any) -> bytes:
        time.sleep(0.8)
        return real_encode(pixels)

    monkeypatch.setattr(capture_module, "encode_png", slow_encode)
    fake = FakeBackend(ScreenLayout((Monitor(1, Rect(0, 0, 64, 48), 1.0, "qt"),)))
    report = run_interval(case, fake, CaptureTarget("screen"), every=0.5, count=5)
    assert report.skipped >= 1
    assert report.ticks == 5
    skipped = [e for e in scan_log(case.folder / LOG_NAME).events if e.type == "capture_skipped"]
    assert len(skipped) == report.skipped
    assert "still being written" in skipped[0].data["reason"]
    assert len(report.stored) + report.skipped + report.unchanged == 5


def test_frame_checks() -> None:
    grey = np.full((50, 80, 3), 200, np.uint8)
    assert check_frame(grey).reason == "uniform"
    assert check_frame(grey).colour == "#c8c8c8"
    noisy = grey.copy()
    noisy[10, 10] = (0, 0, 255)
    assert not check_frame(noisy).suspect
    assert changed_fraction(grey, noisy) == pytest.approx(1 / (50 * 80))
    assert changed_fraction(grey, grey) == 0.0


def test_no_display_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.core.capture.backends import open_backend

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    with pytest.raises(CaptureUnavailableError, match="no display"):
        open_backend()


def test_backend_choice_follows_the_session() -> None:
    from desktop.core.capture.backends import choose_backend

    assert (
        choose_backend("auto", {"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, "linux")
        == "portal"
    )
    assert choose_backend("auto", {"WAYLAND_DISPLAY": "wayland-0"}, "linux") == "portal"
    assert choose_backend("auto", {"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}, "linux") == "mss"
    assert choose_backend("auto", {}, "win32") == "mss"
    assert (
        choose_backend(
            "auto", {"EVIDENCE_RECORDER_CAPTURE_BACKEND": "mss", "WAYLAND_DISPLAY": "w"}, "linux"
        )
        == "mss"
    )
    assert choose_backend("portal", {}, "linux") == "portal"


def test_cli_capture(tmp_path: Path, display: str, window: PatternWindow) -> None:
    import subprocess
    import sys

    case = tmp_path / "case"
    subprocess.run(
        [sys.executable, "-m", "desktop", "case", "new", str(case), "--title", "t"],
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop",
            "capture",
            str(case),
            "--window",
            "Pattern",
            "--journey",
            "downgrade",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "captured window 160x100" in done.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "desktop", "capture", str(case), "--window", "no such window"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr and missing.stderr.count("\n") <= 8
    interval = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop",
            "capture",
            str(case),
            "--region",
            "50,60,160,100",
            "--every",
            "0.5",
            "--count",
            "3",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert interval.returncode == 0, interval.stderr
    assert "3 ticks: 1 stored, 2 unchanged, 0 skipped, 0 failed." in interval.stdout


@pytest.mark.parametrize(
    ("every", "duration"),
    [(math.nan, None), (math.inf, None), (-1.0, None), (1.0, math.nan), (1.0, math.inf)],
)
def test_an_interval_or_duration_that_is_not_a_finite_number_is_refused(
    case: CaseWriter, every: float, duration: float | None
) -> None:
    """NaN compares False to everything: it once slipped past the 0.5 s floor."""
    fake = FakeBackend(ScreenLayout((Monitor(1, Rect(0, 0, 64, 48), 1.0, "qt"),)))
    before = (case.folder / LOG_NAME).read_bytes()
    with pytest.raises(TargetError):
        run_interval(case, fake, CaptureTarget("screen"), every=every, duration=duration)
    assert (case.folder / LOG_NAME).read_bytes() == before
