"""Benchmark screen capture on Xvfb: capture_once against a bare loop, interval CPU and memory."""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import itertools
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import cv2
import mss
import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from desktop.core.capture.checks import changed_fraction  # noqa: E402
from desktop.core.capture.frame import Pixels  # noqa: E402
from desktop.core.capture.grab import (  # noqa: E402
    CaptureTarget,
    IntervalReport,
    capture_once,
    run_interval,
)
from desktop.core.capture.mss_backend import MssBackend  # noqa: E402
from desktop.core.proof.verify import verify_case  # noqa: E402
from desktop.core.store.case import CaseWriter, create_case  # noqa: E402
from desktop.core.store.log import LOG_NAME, scan_log  # noqa: E402

CONTENT_HELPER = HERE / "_screen_content.py"
CONTENT_IMAGES = 6  # distinct full-screen images the helper cycles through
CONTENT_EVERY = 10  # seconds between content changes during interval capture
RATIO_TARGET = 1.25  # median capture_once / median bare loop
CPU_TARGET = 25.0  # % of one core during interval capture
RSS_TARGET = 30.0  # MB of RSS growth during interval capture
RSS_START_AFTER = 10.0  # seconds into the interval run: the RSS growth is measured from here
INTERVAL_EVERY = 1.0
BARE_PNG_COMPRESSION = 3
STAGES = ("grab", "BGRA->BGR", "PNG encode", "sha256", "write + fsync")
MB = 1_000_000
T = TypeVar("T")


# -- the screen --------------------------------------------------------------------------------


@contextmanager
def xvfb(width: int, height: int) -> Iterator[str]:
    """Start Xvfb on a free display (-displayfd); yields the DISPLAY value."""
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is not installed (Debian: apt-get install xvfb)")
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
            raise SystemExit(f"Xvfb did not start at {width}x{height}")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def on_display(display: str) -> Iterator[None]:
    """Point this process (mss, the environment probe) at an X display, then restore."""
    names = ("DISPLAY", "XDG_SESSION_TYPE", "WAYLAND_DISPLAY")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({"DISPLAY": display, "XDG_SESSION_TYPE": "x11"})
    os.environ.pop("WAYLAND_DISPLAY", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class ScreenContent:
    """The helper process showing screenshot-like images full screen; next() shows another."""

    def __init__(self, display: str, width: int, height: int) -> None:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        self.process = subprocess.Popen(
            [sys.executable, str(CONTENT_HELPER), str(width), str(height), str(CONTENT_IMAGES)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.shown = 0
        self._expect("shown 0")

    def _expect(self, line: str) -> None:
        assert self.process.stdout is not None
        got = self.process.stdout.readline().strip()
        if got != line:
            self.close()
            raise SystemExit(f"the content helper said {got!r}, expected {line!r}")

    def next(self) -> None:
        """Show the next image and wait until it is on the X server."""
        assert self.process.stdin is not None
        self.shown += 1
        self.process.stdin.write("next\n")
        self.process.stdin.flush()
        self._expect(f"shown {self.shown}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


# -- trigger to logged capture -----------------------------------------------------------------


@dataclass
class Shots:
    """Seconds per capture_once call and per bare-loop shot (with its stages)."""

    capture: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    capture_cpu: list[float] = field(default_factory=list)  # process CPU seconds, same shots
    bare_cpu: list[float] = field(default_factory=list)
    stages: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STAGES})
    png_bytes: list[int] = field(default_factory=list)
    suspect: int = 0


def bare_shot(grabber: Any, region: dict[str, int], path: Path) -> tuple[list[float], Pixels]:
    """The minimum a logged capture needs: grab, drop alpha, PNG, sha256, durable file."""
    marks = [time.perf_counter()]
    shot = grabber.grab(region)
    pixels: Pixels = np.frombuffer(shot.raw, dtype=np.uint8).reshape(shot.height, shot.width, 4)
    marks.append(time.perf_counter())
    colour = cv2.cvtColor(pixels, cv2.COLOR_BGRA2BGR)
    marks.append(time.perf_counter())
    ok, encoded = cv2.imencode(".png", colour, [cv2.IMWRITE_PNG_COMPRESSION, BARE_PNG_COMPRESSION])
    if not ok:
        raise SystemExit("PNG encoding failed in the bare loop")
    png = encoded.tobytes()
    marks.append(time.perf_counter())
    hashlib.sha256(png).hexdigest()
    marks.append(time.perf_counter())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(png)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    marks.append(time.perf_counter())
    return [after - before for before, after in itertools.pairwise(marks)], pixels


def measure_shots(writer: CaseWriter, content: ScreenContent, shots: int, bare_dir: Path) -> Shots:
    """Interleaved capture_once and bare shots, each of freshly changed content."""
    target = CaptureTarget("screen")
    backend = MssBackend()
    grabber = mss.MSS()
    bounds = backend.layout.bounds
    region = {"left": bounds.x, "top": bounds.y, "width": bounds.width, "height": bounds.height}
    bare_dir.mkdir(parents=True)
    measured = Shots()
    try:
        content.next()  # warm-up (loaded code, first-use allocations), not timed
        capture_once(writer, backend, target, trigger="bench")
        content.next()
        bare_shot(grabber, region, bare_dir / "warm-up.png")
        previous: Pixels | None = None
        for index in range(shots):
            order = ("capture", "bare") if index % 2 == 0 else ("bare", "capture")
            for kind in order:
                content.next()
                os.sync()  # start each shot without anyone's dirty pages waiting
                cpu_start = time.process_time()
                if kind == "capture":
                    start = time.perf_counter()
                    outcome = capture_once(writer, backend, target, trigger="bench")
                    measured.capture.append(time.perf_counter() - start)
                    measured.capture_cpu.append(time.process_time() - cpu_start)
                    measured.png_bytes.append(int(outcome.event.data["file"]["size"]))
                    measured.suspect += outcome.check.suspect
                    pixels = outcome.pixels
                else:
                    stages, pixels = bare_shot(grabber, region, bare_dir / f"{index:04d}.png")
                    measured.bare_cpu.append(time.process_time() - cpu_start)
                    measured.bare.append(sum(stages))
                    for name, seconds in zip(STAGES, stages, strict=True):
                        measured.stages[name].append(seconds)
                if previous is not None and changed_fraction(previous, pixels) == 0.0:
                    raise SystemExit("the screen did not change between two shots")
                previous = pixels
    finally:
        grabber.close()
        backend.close()
    return measured


def profile_captures(writer: CaseWriter, content: ScreenContent, shots: int, top: int = 18) -> None:
    """Print where capture_once spends its time over a few shots (cProfile, calling thread)."""
    target = CaptureTarget("screen")
    backend = MssBackend()
    profiler = cProfile.Profile()
    try:
        for _ in range(shots):
            content.next()
            os.sync()
            profiler.enable()
            capture_once(writer, backend, target, trigger="bench")
            profiler.disable()
    finally:
        backend.close()
    print(f"  profile of {shots} capture_once calls (tottime):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


# -- interval capture --------------------------------------------------------------------------


def rss_mb() -> float:
    """This process's resident memory (VmRSS), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024 / MB
    raise SystemExit("no VmRSS in /proc/self/status")


@dataclass
class Run(Generic[T]):
    """A background run: its result, wall and process-CPU seconds, RSS samples (s, MB)."""

    result: T
    wall: float
    cpu: float
    rss: list[tuple[float, float]]

    @property
    def cpu_percent(self) -> float:
        return 100.0 * self.cpu / self.wall

    def rss_growth(self, duration: float) -> tuple[float, float, float]:
        """RSS after the first seconds, the max during the second half, and the difference."""
        start = next(mb for t, mb in self.rss if t >= RSS_START_AFTER)
        peak = max(mb for t, mb in self.rss if t >= duration / 2)
        return start, peak, peak - start


def run_measured(work: Callable[[], T], content: ScreenContent) -> Run[T]:
    """Run work on a thread; meanwhile sample RSS every second and change the content every
    CONTENT_EVERY seconds. CPU is time.process_time: all threads of this process only."""
    results: list[T] = []
    errors: list[BaseException] = []

    def body() -> None:
        try:
            results.append(work())
        except BaseException as error:  # noqa: BLE001 - re-raised on the main thread
            errors.append(error)

    thread = threading.Thread(target=body, name="bench-capture")
    samples: list[tuple[float, float]] = []
    gc.collect()
    wall_start, cpu_start = time.monotonic(), time.process_time()
    thread.start()
    second = 0
    while thread.is_alive():
        second += 1
        thread.join(max(0.0, wall_start + second - time.monotonic()))
        if not thread.is_alive():
            break
        samples.append((time.monotonic() - wall_start, rss_mb()))
        if second % CONTENT_EVERY == 0:
            content.next()
    wall, cpu = time.monotonic() - wall_start, time.process_time() - cpu_start
    if errors:
        raise errors[0]
    return Run(results[0], wall, cpu, samples)


def interval_capture(writer: CaseWriter, duration: float) -> IntervalReport:
    backend = MssBackend()  # made, used and closed on the capture thread
    try:
        return run_interval(
            writer, backend, CaptureTarget("screen"), every=INTERVAL_EVERY, duration=duration
        )
    finally:
        backend.close()


def grab_loop(duration: float) -> int:
    """The CPU floor: one mss grab of the whole screen per interval, nothing else."""
    grabber = mss.MSS()
    try:
        region = dict(grabber.monitors[0])
        start, ticks = time.monotonic(), 0
        while ticks * INTERVAL_EVERY <= duration:
            delay = start + ticks * INTERVAL_EVERY - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            grabber.grab(region)
            ticks += 1
        return ticks
    finally:
        grabber.close()


# -- one size ----------------------------------------------------------------------------------


@dataclass
class SizeResult:
    name: str
    shots: Shots
    interval: Run[IntervalReport]
    interval_seconds: float
    baseline: Run[int]
    baseline_seconds: float
    cases: list[tuple[Path, int]]  # case folder, capture events expected

    @property
    def ratio(self) -> float:
        return statistics.median(self.shots.capture) / statistics.median(self.shots.bare)

    @property
    def rss(self) -> tuple[float, float, float]:
        return self.interval.rss_growth(self.interval_seconds)

    def missed(self) -> list[str]:
        report = self.interval.result
        misses = []
        if self.ratio > RATIO_TARGET:
            misses.append("ratio")
        if report.skipped:
            misses.append("skipped")
        if self.interval.cpu_percent > CPU_TARGET:
            misses.append("CPU")
        if self.rss[2] > RSS_TARGET:
            misses.append("RSS")
        return misses


def bench_size(width: int, height: int, args: argparse.Namespace, workdir: Path) -> SizeResult:
    name = f"{width}x{height}"
    folder = workdir / name
    interval_seconds = args.interval_minutes * 60
    baseline_seconds = args.baseline_minutes * 60
    with xvfb(width, height) as display, on_display(display):
        content = ScreenContent(display, width, height)
        try:
            print(f"[{name}] Xvfb {display}; {args.shots} interleaved shots ...", flush=True)
            shots_case = create_case(folder / "shots", title=f"capture benchmark {name}: shots")
            shots = measure_shots(shots_case, content, args.shots, folder / "bare")
            shots_case.close()
            print(f"[{name}] interval capture for {interval_seconds:g} s ...", flush=True)
            interval_case = create_case(folder / "interval", title=f"capture benchmark {name}")
            interval = run_measured(
                lambda: interval_capture(interval_case, interval_seconds), content
            )
            interval_case.close()
            print(f"[{name}] bare grab loop for {baseline_seconds:g} s ...", flush=True)
            baseline = run_measured(lambda: grab_loop(baseline_seconds), content)
            if args.profile:
                profile_case = create_case(folder / "profile", title=f"capture profile {name}")
                profile_captures(profile_case, content, args.shots)
                profile_case.close()
        finally:
            content.close()
    cases = [
        (folder / "shots", args.shots + 1),  # + the warm-up capture
        (folder / "interval", len(interval.result.stored)),
    ]
    return SizeResult(name, shots, interval, interval_seconds, baseline, baseline_seconds, cases)


# -- report ------------------------------------------------------------------------------------


def p90(values: Sequence[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def print_size(result: SizeResult) -> None:
    shots = result.shots
    print(f"\n== {result.name} ==")
    print(f"trigger to logged capture, {len(shots.capture)} shots each, interleaved")
    print(f"  {'ms':28}{'median':>9}{'p90':>9}{'min':>9}{'max':>9}")
    rows: list[tuple[str, list[float]]] = [
        ("capture_once", shots.capture),
        ("bare loop", shots.bare),
        *((f"  {name}", shots.stages[name]) for name in STAGES),
    ]
    for label, seconds in rows:
        ms = [value * 1000 for value in seconds]
        print(f"  {label:28}{statistics.median(ms):9.1f}{p90(ms):9.1f}{min(ms):9.1f}{max(ms):9.1f}")
    print(
        f"  PNG {statistics.mean(shots.png_bytes) / 1024:.0f} KiB mean; "
        f"suspect frames {shots.suspect}; "
        f"capture_once - bare (medians) = "
        f"{(statistics.median(shots.capture) - statistics.median(shots.bare)) * 1000:.1f} ms"
    )
    print(f"  ratio median capture_once / median bare = {result.ratio:.2f}")
    cpu_ratio = statistics.median(shots.capture_cpu) / statistics.median(shots.bare_cpu)
    print(
        f"  CPU per shot (median): capture_once {statistics.median(shots.capture_cpu) * 1000:.1f}"
        f" ms, bare {statistics.median(shots.bare_cpu) * 1000:.1f} ms, ratio {cpu_ratio:.2f} "
        "(less noisy on a busy machine; fsync waits are not CPU)"
    )
    report, interval, baseline = result.interval.result, result.interval, result.baseline
    print(
        f"interval capture every {INTERVAL_EVERY:g} s for {result.interval_seconds:g} s, "
        f"content changing every {CONTENT_EVERY} s"
    )
    print(
        f"  ticks {report.ticks}, stored {len(report.stored)}, unchanged {report.unchanged}, "
        f"skipped {report.skipped}, failed {report.failed}, suspect {report.suspect}"
    )
    print(
        f"  CPU run_interval   {interval.cpu_percent:5.1f} % of a core "
        f"({interval.cpu:.1f} s CPU in {interval.wall:.1f} s)"
    )
    print(
        f"  CPU bare grab loop {baseline.cpu_percent:5.1f} % of a core "
        f"({baseline.cpu:.1f} s CPU in {baseline.wall:.1f} s, {baseline.result} grabs, "
        f"{result.baseline_seconds:g} s run)"
    )
    start, peak, growth = result.rss
    print(
        f"  RSS at {RSS_START_AFTER:g} s {start:.1f} MB, max in the second half {peak:.1f} MB, "
        f"growth {growth:+.1f} MB"
    )


def verify(cases: Sequence[tuple[Path, int]]) -> bool:
    """Every case verifies and holds the expected number of capture events."""
    good = True
    for folder, expected in cases:
        report = verify_case(folder)
        captures = sum(1 for e in scan_log(folder / LOG_NAME).events if e.type == "capture")
        if not report.ok or captures != expected:
            kinds = sorted({problem.kind for problem in report.problems})
            print(f"verify {folder}: ok={report.ok} {kinds}, {captures}/{expected} captures")
            good = False
    if good:
        print(f"verify: {len(cases)} cases ok ({sum(n for _, n in cases)} capture events)")
    return good


def parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.strip().lower().partition("x")
    return int(width), int(height)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes", default="1920x1080,3840x2160", help="screens, comma separated (both)"
    )
    parser.add_argument("--shots", type=int, help="timed shots of each kind (30; --quick 10)")
    parser.add_argument(
        "--interval-minutes", type=float, help="interval capture duration (5; --quick 1)"
    )
    parser.add_argument(
        "--baseline-minutes", type=float, help="bare grab loop duration (as the interval)"
    )
    parser.add_argument("--quick", action="store_true", help="10 shots, 1-minute interval")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile capture_once over the shots"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "evidence-capture-bench",
        help="where the case folders go",
    )
    parser.add_argument("--keep", action="store_true", help="keep the case folders")
    args = parser.parse_args(argv)
    try:
        args.size_list = [parse_size(size) for size in args.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error("--sizes takes WIDTHxHEIGHT,... like 1920x1080,3840x2160")
    if args.shots is None:
        args.shots = 10 if args.quick else 30
    if args.interval_minutes is None:
        args.interval_minutes = 1.0 if args.quick else 5.0
    if args.baseline_minutes is None:
        args.baseline_minutes = args.interval_minutes
    if args.shots < 2 or args.interval_minutes * 60 < 2 * RSS_START_AFTER:
        parser.error(f"--shots must be at least 2, the interval at least {2 * RSS_START_AFTER} s")
    if not args.size_list or args.baseline_minutes <= 0:
        parser.error("give at least one size and a positive --baseline-minutes")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    workdir: Path = args.workdir.resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    print(
        f"{os.cpu_count()} CPUs; cases in {workdir}; bare PNG level {BARE_PNG_COMPRESSION}; "
        f"content: {CONTENT_IMAGES} screenshot-like images per size (1920x1080 tiles)"
    )
    results = [bench_size(width, height, args, workdir) for width, height in args.size_list]
    for result in results:
        print_size(result)
    print()
    verified = verify([case for result in results for case in result.cases])
    if not args.keep:
        shutil.rmtree(workdir)
    for result in results:
        print(f"RATIO capture/bare {result.name} = {result.ratio:.2f} (target <= {RATIO_TARGET})")
    for result in results:
        report, interval = result.interval.result, result.interval
        print(
            f"INTERVAL {result.name}: {report.ticks} ticks, {report.skipped} skipped, "
            f"CPU {interval.cpu_percent:.1f} % of a core (target <= {CPU_TARGET:g} %), "
            f"RSS {result.rss[2]:+.1f} MB (target <= {RSS_TARGET:g} MB)"
        )
    missed = [f"{result.name} {miss}" for result in results for miss in result.missed()]
    if missed:
        print(f"MISSED: {', '.join(missed)}")
    if not verified:
        return 1
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
