"""Benchmark the window's responsiveness: event-loop stalls under load, and opening a big case.

    python benchmarks/ui_lag_bench.py          # 1920x1080 Xvfb, 200-capture report, 5,000 captures
    python benchmarks/ui_lag_bench.py --quick    # 40-capture report, 1,000 captures

1. A timer probe (every 5 ms) on the GUI thread records the longest gap between its ticks:
   first with the window idle (the bare baseline, same length, same run), then while interval
   capture runs at 1 per second on the 1920 x 1080 screen and a report of the open
   200-capture case builds at the same time. Target: no stall over 50 ms.
2. Opening a case of 5,000 captures until its timeline shows every row and has painted,
   against the bare work of reading and checking the same log (scan_log). Target: 1 second.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

STALL_TARGET_MS = 50.0
OPEN_TARGET_S = 1.0
PROBE_MS = 5


def big_case(folder: Path, captures: int) -> Path:
    """A case of `captures` small imported screenshots (made once, reused)."""
    from desktop.core.ingest.images import import_files
    from desktop.core.store.case import create_case

    done = folder / ".complete"
    if done.is_file() and done.read_text() == str(captures):
        return folder
    import shutil

    import numpy as np
    from PIL import Image

    if folder.exists():
        shutil.rmtree(folder)
    inbox = folder.parent / f"inbox-{captures}"
    inbox.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    paths = []
    for index in range(captures):
        path = inbox / f"shot-{index:05d}.png"
        if not path.is_file():
            pixels = np.full((108, 192, 3), 240, np.uint8)
            pixels[30:60, 20:170] = rng.integers(0, 255, 3)
            Image.fromarray(pixels).save(path, compress_level=1)
        paths.append(path)
    with create_case(folder, title=f"{captures} captures") as writer:
        writer.start_journey("upgrade")
        for start in range(0, captures, 500):
            import_files(writer, paths[start : start + 500])
    done.write_text(str(captures))
    return folder


class Probe:
    """A QTimer that notes how late each tick came."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000 - PROBE_MS)
        if self.gaps[-1] > 50:
            self.late_at.append(round(now - self.started, 3))
        self._last = now

    def start(self) -> None:
        self.late_at: list[float] = []
        self.started = time.perf_counter()
        self.gaps.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        gaps = sorted(self.gaps) or [0.0]
        return {
            "ticks": len(gaps),
            "max_ms": gaps[-1],
            "p99_ms": gaps[int(len(gaps) * 0.99) - 1] if len(gaps) > 100 else gaps[-1],
            "median_ms": statistics.median(gaps),
            "over_50": sum(g > STALL_TARGET_MS for g in gaps),
            "late_at": self.late_at,
        }


def spin(app: Any, seconds: float, until: Any = None) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (until is not None and until()):
        app.processEvents()
        time.sleep(0.001)


def child(report_case: Path, big: Path, seconds: float) -> None:
    """Runs in the window's process on the Xvfb display; prints one JSON line."""
    from desktop.app.main import Running, run
    from desktop.core.capture.grab import CaptureTarget
    from desktop.core.store.log import LOG_NAME, scan_log

    running = run(["--lang", "en"], exec_loop=False)
    assert isinstance(running, Running)
    app, controller = running.app, running.controller
    probe = Probe()
    results: dict[str, Any] = {}

    # Opening the big case: until every row is in the timeline and it has painted once.
    started = time.perf_counter()
    scan_log(big / LOG_NAME)
    results["bare_scan_s"] = time.perf_counter() - started
    events = len(scan_log(big / LOG_NAME).events)
    started = time.perf_counter()
    controller.open_case(big)
    timeline = controller.window.timeline
    spin(app, 30, lambda: timeline.model().rowCount() >= events)
    timeline.list_view().viewport().repaint()
    results["open_s"] = time.perf_counter() - started
    results["open_rows"] = timeline.model().rowCount()
    spin(app, 2)  # let the first thumbnails arrive

    # The baseline: the window idle with the report case open.
    controller.open_case(report_case)
    spin(
        app, 30, lambda: controller.session is not None and controller.session.folder == report_case
    )
    spin(app, 3)
    probe.start()
    spin(app, seconds)
    results["idle"] = probe.stop()

    # Under load: interval capture of the screen and the report, at once.
    session = controller.session
    assert session is not None
    dialog = controller.show_report_dialog()
    assert dialog is not None
    options = dialog.options()
    probe.start()
    only = os.environ.get("UI_BENCH_ONLY", "")  # "interval" or "report": one load alone
    if only != "report":
        session.start_interval(CaptureTarget("screen"), 1.0)
    started = time.perf_counter()
    t0 = time.perf_counter()
    task = controller.build_report(options) if only != "interval" else None
    results["build_call_ms"] = (time.perf_counter() - t0) * 1000
    spin(app, 600, lambda: task is None or task.done)
    results["report_s"] = time.perf_counter() - started
    spin(app, max(0.0, seconds - results["report_s"]))
    session.stop_interval()
    spin(app, 3, lambda: not session.interval_active)
    results["loaded"] = probe.stop()
    results["interval_captures"] = sum(e.type == "capture" for e in session.events)
    results["report_ok"] = Path(options.pdf_path).is_file()
    controller.window.close()
    controller.shutdown()
    print("RESULT " + json.dumps(results), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/evidence-ui-bench"))
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--child", nargs=3, metavar=("REPORT_CASE", "BIG_CASE", "SECONDS"))
    args = parser.parse_args(argv)
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), float(args.child[2]))
        return 0
    from capture_bench import xvfb
    from report_bench import ensure_cases

    report_size, big_size = (40, 1000) if args.quick else (200, 5000)
    args.workdir.mkdir(parents=True, exist_ok=True)
    report_case = ensure_cases(args.workdir, [report_size])[report_size]
    big = big_case(args.workdir / f"big-{big_size}", big_size)
    with xvfb(1920, 1080) as display, tempfile.TemporaryDirectory() as config:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "XDG_SESSION_TYPE": "x11",
            "EVIDENCE_RECORDER_CONFIG_DIR": config,
            "EVIDENCE_RECORDER_NO_OPEN": "1",
            "EVIDENCE_RECORDER_NO_CRASH_DIALOG": "1",
            "PYTHONPATH": str(HERE.parent),
        }
        env.pop("WAYLAND_DISPLAY", None)
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(report_case), str(big), str(args.seconds)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        print(done.stdout[-3000:], done.stderr[-3000:])
        return 1
    r = json.loads(line[len("RESULT ") :])
    idle, loaded = r["idle"], r["loaded"]
    print(
        f"event loop, probe every {PROBE_MS} ms ({args.seconds:.0f} s each; gaps beyond the period)"
    )
    print(f"{'':28}{'ticks':>8}{'median':>9}{'p99':>9}{'max':>9}{'>50 ms':>8}")
    for name, row in (("idle window (baseline)", idle), ("interval 1/s + report", loaded)):
        print(
            f"{name:28}{row['ticks']:>8}{row['median_ms']:>8.1f}m{row['p99_ms']:>8.1f}m"
            f"{row['max_ms']:>8.1f}m{row['over_50']:>8}"
        )
    print(
        f"report of {report_size} captures built in {r['report_s']:.1f} s while "
        f"{r['interval_captures']} screens were captured; PDF written: {r['report_ok']}"
    )
    print(f"stalls over 50 ms at {loaded['late_at']} s into the loaded run")
    ratio = loaded["max_ms"] / max(idle["max_ms"], 1.0)
    print(f"RATIO worst stall loaded/idle = {ratio:.2f}")
    print(f"MAX STALL {loaded['max_ms']:.1f} ms (target <= {STALL_TARGET_MS:.0f} ms)")
    print(
        f"OPEN {big_size} captures: timeline with {r['open_rows']} rows in {r['open_s']:.2f} s "
        f"(target <= {OPEN_TARGET_S:.0f} s); bare scan_log {r['bare_scan_s']:.2f} s; "
        f"RATIO open/scan = {r['open_s'] / max(r['bare_scan_s'], 1e-6):.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
