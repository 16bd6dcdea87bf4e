"""Benchmark the PDF report against a bare ReportLab loop over the same JPEG copies."""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE.parent, HERE):  # desktop/ and import_bench.py
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from desktop.core.export.pdf import CACHE, JPEG_LONG_SIDE, build_report  # noqa: E402
from desktop.core.ingest.images import import_files  # noqa: E402
from desktop.core.store.case import create_case, named_files  # noqa: E402
from desktop.core.store.log import LOG_NAME, scan_log  # noqa: E402

TIME_TARGET = 1.5  # build_report / bare loop, warm JPEG cache
SIZE_TARGET = 1.2  # report PDF bytes / bare PDF bytes
MEMORY_TARGET = 1.2  # report peak-RSS growth per capture / bare loop's
# Bump when the case contents change, so a workdir holding older cases is rebuilt.
CASE_VERSION = 1
JOURNEYS = ("upgrade", "cancel")
MB = 1_000_000


# -- the case ----------------------------------------------------------------------------------


def _fill_case(folder: Path, screenshots: Sequence[Path]) -> str:
    """Import the screenshots over two journeys with a few notes; returns the last log hash."""
    writer = create_case(
        folder,
        title="Report benchmark: Example Cloud subscription",
        service="Example Cloud",
        complainant="A. Tester",
        purpose="Show how upgrading takes two taps and cancelling takes many screens.",
    )
    with writer:
        half = len(screenshots) // 2
        for journey, part in zip(JOURNEYS, (screenshots[:half], screenshots[half:]), strict=True):
            writer.start_journey(journey)
            result = import_files(writer, part, journey=journey)
            if result.failures or len(result.events) != len(part):
                raise SystemExit(f"{folder}: import failed: {result.failures[:3]}")
            first, last = result.events[0], result.events[-1]
            writer.add_note(f"Opened the {journey} page from the account menu.", capture=first.seq)
            writer.add_note(
                "The button that would do it sits below three offers, in grey on grey. " * 4,
                capture=last.seq,
                dead_end=journey == "cancel",
            )
        writer.add_note("Support chat answered after 40 minutes and closed the ticket.")
        event = writer.last_event
    assert event is not None
    return event.hash


def ensure_case(workdir: Path, screenshots: Sequence[Path]) -> Path:
    """A case holding these screenshots, built once and reused while its manifest matches."""
    count = len(screenshots)
    folder = workdir / f"case-{count}"
    manifest_path = workdir / f"case-{count}.json"
    wanted = {"version": CASE_VERSION, "captures": count}
    try:
        manifest = json.loads(manifest_path.read_text())
        last_hash = manifest.pop("last_hash")
        if manifest == wanted and scan_log(folder / LOG_NAME).events[-1].hash == last_hash:
            return folder
    except (OSError, ValueError, KeyError, IndexError):
        pass
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    last_hash = _fill_case(folder, screenshots)
    manifest_path.write_text(json.dumps({**wanted, "last_hash": last_hash}))
    print(f"built {folder.name} in {time.perf_counter() - started:.1f} s")
    return folder


def ensure_cases(workdir: Path, sizes: Sequence[int]) -> dict[int, Path]:
    """One case per size; the screenshots are drawn once and the smaller cases take a prefix."""
    from import_bench import ensure_screenshots  # draws with OpenCV: keep it out of the children

    largest = max(sizes)
    shots = ensure_screenshots(workdir / f"screenshots-{largest}", largest)
    return {size: ensure_case(workdir, shots[:size]) for size in sizes}


def jpeg_copies(case: Path) -> list[Path]:
    """The JPEG copies build_report left in the case's cache, in capture order."""
    cache = case.joinpath(*CACHE)
    paths = [
        cache / f"{named_files(event)[0].sha256}-{JPEG_LONG_SIDE}.jpg"
        for event in scan_log(case / LOG_NAME).events
        if event.type == "import"
    ]
    missing = [path for path in paths if not path.is_file()]
    if missing:
        raise SystemExit(f"{case}: {len(missing)} JPEG copies missing, e.g. {missing[0]}")
    return paths


# -- the two builds ----------------------------------------------------------------------------


def bare_pdf(jpegs: Sequence[Path], out: Path) -> None:
    """The least a PDF of these images takes: one page each, scaled to fit, no layout."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    page_width, page_height = A4
    canvas = Canvas(str(out), pagesize=A4)
    for path in jpegs:
        canvas.drawImage(str(path), 0, 0, page_width, page_height, preserveAspectRatio=True)
        canvas.showPage()
    canvas.save()


@dataclass(frozen=True)
class Build:
    seconds: float
    cpu_seconds: float
    size: int
    pages: int


def settle() -> None:
    """Write back what the previous run left dirty, so it does not slow the next one."""
    os.sync()


def time_report(case: Path, out: Path) -> Build:
    out.unlink(missing_ok=True)
    settle()
    start, cpu = time.perf_counter(), time.process_time()
    result = build_report(case, out)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Build(seconds, cpu, out.stat().st_size, result.pages)


def time_bare(jpegs: Sequence[Path], out: Path) -> Build:
    out.unlink(missing_ok=True)
    settle()
    start, cpu = time.perf_counter(), time.process_time()
    bare_pdf(jpegs, out)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Build(seconds, cpu, out.stat().st_size, len(jpegs))


def image_filters(pdf: Path) -> str:
    """How a PDF embeds its JPEGs, such as "200 DCT, 200 of them ASCII85"."""
    data = pdf.read_bytes()
    encoded = len(re.findall(rb"/ASCII85Decode\s*/DCTDecode", data))
    return f"{data.count(b'/DCTDecode')} DCT, {encoded} of them ASCII85"


# -- peak memory, one fresh process per build --------------------------------------------------


def _status_kib(field_name: str) -> int:
    """A VmHWM / VmRSS line of /proc/self/status in KiB (ru_maxrss where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(kind: str, case: Path, out: Path) -> None:
    """Run one build in this (fresh) process and print its memory use as JSON."""
    import PIL.Image  # noqa: F401  both builds have loaded the same libraries before measuring
    import reportlab.pdfgen.canvas  # noqa: F401

    jpegs = jpeg_copies(case)
    before = _status_kib("VmRSS")
    if kind == "report":
        build_report(case, out)
    else:
        bare_pdf(jpegs, out)
    print(json.dumps({"before_kib": before, "peak_kib": _status_kib("VmHWM")}))


@dataclass(frozen=True)
class Peak:
    before_mb: float
    peak_mb: float


def measure_peak(kind: str, case: Path, out: Path) -> Peak:
    out.unlink(missing_ok=True)
    settle()
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(case), str(out)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return Peak(data["before_kib"] * 1024 / MB, data["peak_kib"] * 1024 / MB)


def slope_per_100(sizes: Sequence[int], values: Sequence[float]) -> float:
    """Least-squares growth of values per 100 captures."""
    mean_x, mean_y = statistics.mean(sizes), statistics.mean(values)
    num = sum((x - mean_x) * (y - mean_y) for x, y in zip(sizes, values, strict=True))
    den = sum((x - mean_x) ** 2 for x in sizes)
    return 100 * num / den


# -- profile -----------------------------------------------------------------------------------


def profile_report(case: Path, out: Path, top: int = 25) -> None:
    """Print where one warm build_report spends its time (the JPEG threads have nothing to do)."""
    out.unlink(missing_ok=True)
    profiler = cProfile.Profile()
    profiler.enable()
    build_report(case, out)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print("\nprofile of one warm build_report, by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)
    print("by own time:")
    stats.sort_stats("tottime").print_stats(top)


# -- report ------------------------------------------------------------------------------------


@dataclass
class Measurements:
    report: list[Build] = field(default_factory=list)
    bare: list[Build] = field(default_factory=list)


def print_times(measured: Measurements, captures: int) -> tuple[float, float]:
    """Print per-round seconds, medians, pages and sizes; return the wall-time and size ratios."""
    rounds = len(measured.report)
    header = f"{'seconds':24}" + "".join(f"{f'round {r + 1}':>9}" for r in range(rounds))
    print(header + f"{'median':>9}{'pages':>7}{'PDF MB':>9}{'KiB/capture':>13}")
    medians: dict[str, float] = {}
    for name, builds in (("report", measured.report), ("bare", measured.bare)):
        label = "build_report" if name == "report" else "bare ReportLab"
        size = builds[-1].size
        for clock in ("wall", "CPU"):
            seconds = [b.seconds if clock == "wall" else b.cpu_seconds for b in builds]
            medians[f"{name} {clock}"] = median = statistics.median(seconds)
            cells = "".join(f"{value:9.2f}" for value in seconds)
            tail = f"{builds[-1].pages:7}{size / MB:9.1f}{size / 1024 / captures:13.0f}"
            print(f"{label + ' ' + clock:24}{cells}{median:9.2f}{tail if clock == 'wall' else ''}")
    time_ratio = medians["report wall"] / medians["bare wall"]
    cpu_ratio = medians["report CPU"] / medians["bare CPU"]
    print(f"ratio report/bare: wall {time_ratio:.2f}, CPU {cpu_ratio:.2f}")
    size_ratio = measured.report[-1].size / measured.bare[-1].size
    return time_ratio, size_ratio


def print_memory(sizes: Sequence[int], peaks: dict[str, list[Peak]]) -> tuple[float, float]:
    """Print peak RSS per size and its growth; return growth per 100 captures (report, bare)."""
    print("\npeak RSS, MB (fresh process per build; 'start' = RSS after imports, before building)")
    header = f"{'':22}{'start':>8}" + "".join(f"{f'N={n}':>9}" for n in sizes)
    print(header + f"{'per 100':>10}")
    growth = {}
    for kind, label in (("report", "build_report"), ("bare", "bare ReportLab")):
        values = [peak.peak_mb for peak in peaks[kind]]
        growth[kind] = slope_per_100(sizes, values)
        cells = "".join(f"{value:9.0f}" for value in values)
        print(f"{label:22}{peaks[kind][0].before_mb:8.0f}{cells}{growth[kind]:+10.1f}")
    return growth["report"], growth["bare"]


def reportlab_setup() -> str:
    """The ReportLab settings that dominate both builds' time, for the header."""
    import reportlab
    from reportlab import rl_config
    from reportlab.lib import rl_accel

    accelerated = "asciiBase85Encode" in rl_accel._c_funcs
    return (
        f"ReportLab {reportlab.Version}, C accelerator _rl_accel "
        f"{'present' if accelerated else 'absent (pure-Python ASCII85 and number formatting)'}, "
        f"rl_config.useA85={rl_config.useA85}, pageCompression={rl_config.pageCompression}"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--captures", type=int, help="captures in the case (200; 40 with --quick)")
    parser.add_argument("--rounds", type=int, help="interleaved timing rounds (3; 2 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "evidence-report-bench",
        help="where the screenshots, cases and PDFs go",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile one warm build_report"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.captures = args.captures or (40 if args.quick else 200)
    args.rounds = args.rounds or (2 if args.quick else 3)
    if args.captures < 8 or args.rounds < 1:
        parser.error("--captures must be at least 8 and --rounds at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        kind, case, out = args.child
        child(kind, Path(case), Path(out))
        return 0
    workdir: Path = args.workdir.resolve()
    captures: int = args.captures
    sizes = sorted({captures // 4, captures // 2, captures})
    cases = ensure_cases(workdir, sizes)
    case = cases[captures]
    runs = workdir / "runs"
    shutil.rmtree(runs, ignore_errors=True)
    runs.mkdir(parents=True)

    # Load the code and fonts on the smallest case, then one cold build of the main case.
    build_report(cases[sizes[0]], runs / "warm-up.pdf")
    shutil.rmtree(case.joinpath(*CACHE), ignore_errors=True)
    cold = time_report(case, runs / "cold.pdf")
    jpegs = jpeg_copies(case)
    jpeg_bytes = sum(path.stat().st_size for path in jpegs)
    originals = sum(path.stat().st_size for path in (case / "originals").rglob("*.png"))
    print(
        f"case: {captures} captures, originals {originals / MB:.0f} MB of PNG; "
        f"JPEG copies {jpeg_bytes / MB:.1f} MB ({jpeg_bytes / 1024 / captures:.0f} KiB each)"
    )

    print(reportlab_setup())

    measured = Measurements()
    for round_no in range(1, args.rounds + 1):
        # Alternate which goes first, so neither always runs on a cooler machine.
        if round_no % 2:
            measured.report.append(time_report(case, runs / "report.pdf"))
            measured.bare.append(time_bare(jpegs, runs / "bare.pdf"))
        else:
            measured.bare.append(time_bare(jpegs, runs / "bare.pdf"))
            measured.report.append(time_report(case, runs / "report.pdf"))
    time_ratio, size_ratio = print_times(measured, captures)
    print(
        f"JPEGs embedded: report {image_filters(runs / 'report.pdf')}; "
        f"bare {image_filters(runs / 'bare.pdf')}"
    )
    warm = statistics.median(b.seconds for b in measured.report)
    making = cold.seconds - warm
    print(
        f"cold build_report (JPEG cache deleted) {cold.seconds:.2f} s: making the {captures} "
        f"JPEG copies costs about {making:.2f} s ({making / captures * 1000:.0f} ms each)"
    )

    for size, folder in cases.items():
        if size != captures:
            build_report(folder, runs / f"warm-{size}.pdf")  # fill its JPEG cache
    peaks: dict[str, list[Peak]] = {"report": [], "bare": []}
    for size in sizes:
        for kind in ("report", "bare"):
            peaks[kind].append(measure_peak(kind, cases[size], runs / f"{kind}-{size}.pdf"))
    report_growth, bare_growth = print_memory(sizes, peaks)
    if args.profile:
        profile_report(case, runs / "profile.pdf")

    growth_ratio = report_growth / bare_growth if bare_growth > 0 else float("inf")
    print(f"RATIO report/bare time = {time_ratio:.2f} (target <= {TIME_TARGET})")
    print(f"RATIO report/bare size = {size_ratio:.2f} (target <= {SIZE_TARGET})")
    print(
        f"MEMORY report {report_growth:+.0f} MB per 100 captures, "
        f"bare {bare_growth:+.0f} MB per 100 captures "
        f"(report grows {report_growth - bare_growth:+.0f} MB per 100 captures more, "
        f"{growth_ratio:.2f}x; target <= {MEMORY_TARGET}x)"
    )
    missed = time_ratio > TIME_TARGET or size_ratio > SIZE_TARGET or growth_ratio > MEMORY_TARGET
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
