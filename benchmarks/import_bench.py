"""Benchmark importing screenshots against a bare cp + sha256sum of the same files."""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing import Pool
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from desktop.core.ingest.images import import_files  # noqa: E402
from desktop.core.proof.verify import verify_case  # noqa: E402
from desktop.core.store.case import create_case  # noqa: E402
from desktop.core.store.log import LOG_NAME, scan_log  # noqa: E402

WIDTH, HEIGHT = 1920, 1080
TARGET_RATIO = 1.5
# Bump when the drawing changes, so a workdir holding older images is regenerated.
GENERATOR_VERSION = 1
MANIFEST = "manifest.json"
# Bytes of file names per cp / sha256sum / sync call, well below any ARG_MAX.
ARGUMENT_BUDGET = 96 * 1024
PNG_COMPRESSION = 6  # zlib level most screenshot tools use

WORDS = (
    "account",
    "plan",
    "upgrade",
    "premium",
    "cancel",
    "subscription",
    "monthly",
    "billing",
    "settings",
    "profile",
    "storage",
    "backup",
    "family",
    "share",
    "devices",
    "security",
    "privacy",
    "notifications",
    "payment",
    "method",
    "renew",
    "trial",
    "offer",
    "keep",
    "continue",
    "later",
    "skip",
    "confirm",
    "details",
    "support",
    "help",
    "overview",
    "usage",
    "data",
    "minutes",
    "roaming",
    "invoice",
    "history",
    "download",
    "export",
    "manage",
    "remove",
    "add",
)
FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX)
ACCENTS = (
    (212, 120, 0),
    (60, 160, 40),
    (40, 40, 220),
    (180, 60, 160),
    (0, 140, 255),
    (150, 110, 20),
    (90, 90, 90),
)  # BGR

Color = tuple[int, int, int]


# -- screenshots -------------------------------------------------------------------------------


def _sentence(rng: np.random.Generator, words: int) -> str:
    return " ".join(str(word) for word in rng.choice(WORDS, size=words))


def _text(
    image: np.ndarray,
    text: str,
    origin: tuple[int, int],
    scale: float,
    color: Color,
    font: int = cv2.FONT_HERSHEY_SIMPLEX,
    thickness: int = 1,
    width: int = WIDTH,
) -> None:
    """Anti-aliased text, cut back word by word until it fits in width pixels."""
    words = text.split()
    while len(words) > 1 and cv2.getTextSize(" ".join(words), font, scale, thickness)[0][0] > width:
        words.pop()
    cv2.putText(image, " ".join(words), origin, font, scale, color, thickness, cv2.LINE_AA)


def _rounded_rect(
    image: np.ndarray,
    top_left: tuple[int, int],
    bottom_right: tuple[int, int],
    radius: int,
    color: Color,
    thickness: int = -1,
) -> None:
    (x0, y0), (x1, y1) = top_left, bottom_right
    radius = max(1, min(radius, (x1 - x0) // 2, (y1 - y0) // 2))
    if thickness < 0:
        cv2.rectangle(image, (x0 + radius, y0), (x1 - radius, y1), color, -1)
        cv2.rectangle(image, (x0, y0 + radius), (x1, y1 - radius), color, -1)
        for cx, cy in (
            (x0 + radius, y0 + radius),
            (x1 - radius, y0 + radius),
            (x0 + radius, y1 - radius),
            (x1 - radius, y1 - radius),
        ):
            cv2.circle(image, (cx, cy), radius, color, -1, cv2.LINE_AA)
        return
    edges = (
        ((x0 + radius, y0), (x1 - radius, y0)),
        ((x0 + radius, y1), (x1 - radius, y1)),
        ((x0, y0 + radius), (x0, y1 - radius)),
        ((x1, y0 + radius), (x1, y1 - radius)),
    )
    for start, end in edges:
        cv2.line(image, start, end, color, thickness, cv2.LINE_AA)
    for (cx, cy), angle in (
        ((x0 + radius, y0 + radius), 180),
        ((x1 - radius, y0 + radius), 270),
        ((x1 - radius, y1 - radius), 0),
        ((x0 + radius, y1 - radius), 90),
    ):
        cv2.ellipse(image, (cx, cy), (radius, radius), angle, 0, 90, color, thickness, cv2.LINE_AA)


def _photo(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A photo-like patch: a colour gradient, soft blobs and sensor-like grain."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    start, end = rng.uniform(30, 230, size=(2, 3)).astype(np.float32)
    mix = (xs / width * 0.6 + ys / height * 0.4)[..., None]
    patch = start * (1 - mix) + end * mix
    blobs = rng.normal(0, 40, size=(height // 40 + 2, width // 40 + 2, 3)).astype(np.float32)
    patch += cv2.resize(blobs, (width, height), interpolation=cv2.INTER_CUBIC)
    patch += rng.normal(0, 6, size=patch.shape).astype(np.float32)
    pixels: np.ndarray = np.clip(patch, 0, 255).astype(np.uint8)
    return pixels


def _card(
    image: np.ndarray,
    rng: np.random.Generator,
    box: tuple[int, int, int, int],
    surface: Color,
    ink: Color,
    muted: Color,
    accent: Color,
) -> None:
    x0, y0, x1, y1 = box
    shadow = image[y0 - 6 : y1 + 10, x0 - 8 : x1 + 8]
    darker = shadow.copy()
    _rounded_rect(darker, (8, 8), (x1 - x0 + 8, y1 - y0 + 12), 14, (0, 0, 0))
    shadow[:] = cv2.addWeighted(cv2.GaussianBlur(darker, (0, 0), 4), 0.12, shadow, 0.88, 0)
    _rounded_rect(image, (x0, y0), (x1, y1), 12, surface)
    font = FONTS[int(rng.integers(0, len(FONTS)))]
    inner = x1 - x0 - 48
    _text(image, _sentence(rng, 2).title(), (x0 + 24, y0 + 44), 0.9, ink, font, 2, inner)
    line_y = y0 + 84
    for _ in range(int(rng.integers(2, 5))):
        if line_y > y1 - 80:
            break
        _text(
            image,
            _sentence(rng, int(rng.integers(4, 8))),
            (x0 + 24, line_y),
            0.55,
            muted,
            width=inner,
        )
        line_y += 28
    base = y1 - 80
    if rng.random() < 0.4 and base - line_y >= 40:
        bars = int(rng.integers(6, 14))
        step = inner // bars
        for bar in range(bars):
            top = base - int(rng.integers(10, base - line_y + 8))
            cv2.rectangle(
                image,
                (x0 + 24 + bar * step, top),
                (x0 + 24 + bar * step + step - 8, base),
                accent,
                -1,
            )
    button_y = y1 - 60
    _rounded_rect(image, (x0 + 24, button_y), (x0 + 184, button_y + 40), 20, accent)
    _text(
        image,
        str(rng.choice(WORDS)).title(),
        (x0 + 48, button_y + 27),
        0.6,
        (255, 255, 255),
        cv2.FONT_HERSHEY_DUPLEX,
    )
    if inner >= 320:
        _rounded_rect(image, (x0 + 200, button_y), (x0 + 340, button_y + 40), 20, muted, 1)
        _text(image, str(rng.choice(WORDS)), (x0 + 222, button_y + 26), 0.5, muted)


def render_screenshot(index: int) -> np.ndarray:
    """One 1920 x 1080 desktop-app screenshot, different for every index."""
    rng = np.random.default_rng(index)
    dark = index % 3 == 0
    background: Color = (32, 30, 28) if dark else (246, 244, 242)
    surface: Color = (52, 48, 46) if dark else (255, 255, 255)
    ink: Color = (235, 235, 235) if dark else (34, 34, 34)
    muted: Color = (150, 150, 150) if dark else (110, 110, 110)
    accent = ACCENTS[int(rng.integers(0, len(ACCENTS)))]
    image = np.full((HEIGHT, WIDTH, 3), background, np.uint8)

    # Title bar with window controls and tabs.
    cv2.rectangle(image, (0, 0), (WIDTH, 44), surface, -1)
    for slot, color in enumerate(((90, 95, 255), (60, 190, 255), (80, 200, 40))):
        cv2.circle(image, (24 + slot * 24, 22), 7, color, -1, cv2.LINE_AA)
    for tab in range(int(rng.integers(2, 6))):
        _text(image, _sentence(rng, 2), (120 + tab * 200, 29), 0.5, muted)
    _text(image, f"{index:05d}", (WIDTH - 90, 29), 0.5, muted)

    # Sidebar with a highlighted entry.
    sidebar = 280
    cv2.rectangle(image, (0, 44), (sidebar, HEIGHT), surface, -1)
    chosen = int(rng.integers(0, 12))
    for item in range(12):
        top = 80 + item * 52
        if item == chosen:
            _rounded_rect(image, (12, top - 28), (sidebar - 12, top + 14), 8, accent)
        cv2.circle(image, (40, top - 7), 9, ink if item == chosen else muted, 1, cv2.LINE_AA)
        _text(
            image,
            str(rng.choice(WORDS)).title(),
            (64, top),
            0.6,
            (255, 255, 255) if item == chosen else ink,
        )

    # Heading, then a photo banner and a grid of cards.
    left = sidebar + 40
    _text(image, _sentence(rng, 3).title(), (left, 100), 1.3, ink, cv2.FONT_HERSHEY_DUPLEX, 2)
    _text(image, _sentence(rng, 10), (left, 136), 0.6, muted)
    photo_w, photo_h = int(rng.integers(360, 520)), int(rng.integers(220, 300))
    image[170 : 170 + photo_h, left : left + photo_w] = _photo(rng, photo_w, photo_h)
    columns = int(rng.integers(2, 4))
    card_left = left + photo_w + 32
    gap = 28
    card_w = (WIDTH - 40 - card_left - gap * (columns - 1)) // columns
    for column in range(columns):
        x0 = card_left + column * (card_w + gap)
        _card(image, rng, (x0, 170, x0 + card_w, 170 + photo_h), surface, ink, muted, accent)
    grid_top = 170 + photo_h + 40
    columns = int(rng.integers(3, 5))
    rows = 2
    card_w = (WIDTH - 40 - left - gap * (columns - 1)) // columns
    card_h = (HEIGHT - 30 - grid_top - gap * (rows - 1)) // rows
    for row in range(rows):
        for column in range(columns):
            x0 = left + column * (card_w + gap)
            y0 = grid_top + row * (card_h + gap)
            _card(image, rng, (x0, y0, x0 + card_w, y0 + card_h), surface, ink, muted, accent)
    return image


def screenshot_name(index: int) -> str:
    """A name like the ones screenshot tools give (and that the import reads a time from)."""
    taken = datetime(2024, 11, 5, 9, 0, 0) + timedelta(seconds=47 * index)
    return f"Screenshot_{taken:%Y%m%d-%H%M%S}.png"


def _write_screenshot(job: tuple[int, str]) -> int:
    index, path = job
    ok, encoded = cv2.imencode(
        ".png", render_screenshot(index), [cv2.IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION]
    )
    if not ok:
        raise RuntimeError(f"PNG encoding failed for screenshot {index}")
    Path(path).write_bytes(encoded.tobytes())
    return len(encoded)


def ensure_screenshots(folder: Path, count: int) -> list[Path]:
    """The count screenshots in folder, generated unless an identical set is already there."""
    names = [screenshot_name(index) for index in range(count)]
    paths = [folder / name for name in names]
    manifest_path = folder / MANIFEST
    wanted = {"count": count, "version": GENERATOR_VERSION, "size": [WIDTH, HEIGHT]}
    try:
        manifest = json.loads(manifest_path.read_text())
        sizes = manifest.pop("bytes")
        if manifest == wanted and all(
            path.stat().st_size == size for path, size in zip(paths, sizes, strict=True)
        ):
            return paths
    except (OSError, ValueError, KeyError):
        pass
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    with Pool(os.cpu_count() or 2) as pool:
        sizes = pool.map(_write_screenshot, [(i, str(p)) for i, p in enumerate(paths)], chunksize=8)
    manifest_path.write_text(json.dumps({**wanted, "bytes": sizes}))
    return paths


# -- measuring ---------------------------------------------------------------------------------


def argument_batches(paths: Sequence[Path]) -> Iterator[list[str]]:
    """Split paths into argument lists that each fit comfortably on one command line."""
    batch: list[str] = []
    used = 0
    for path in paths:
        text = str(path)
        if batch and used + len(text) + 1 > ARGUMENT_BUDGET:
            yield batch
            batch, used = [], 0
        batch.append(text)
        used += len(text) + 1
    if batch:
        yield batch


def run_over(command: Sequence[str], paths: Sequence[Path]) -> None:
    """Run command with the paths appended, in as few calls as the command line allows."""
    for batch in argument_batches(paths):
        subprocess.run([*command, *batch], check=True, stdout=subprocess.DEVNULL)


def warm_up(paths: Sequence[Path], scratch: Path) -> None:
    """Read every source once (hot page cache) and load the import's code with a small import."""
    for path in paths:
        path.read_bytes()
    writer = create_case(scratch / "warm-up", title="warm-up")
    import_files(writer, paths[:4])
    shutil.rmtree(scratch / "warm-up")


def settle() -> None:
    """Write back what the previous run left dirty, so it does not slow the next one."""
    os.sync()


def time_copy_and_hash(paths: Sequence[Path], destination: Path, *, durable: bool) -> float:
    """Seconds for cp of all files into a fresh folder (then sync, if durable) and sha256sum."""
    copies = [destination / path.name for path in paths]
    settle()
    start = time.perf_counter()
    destination.mkdir()
    run_over(["cp", "-t", str(destination), "--"], paths)
    if durable:
        run_over(["sync", "--"], copies)
    run_over(["sha256sum", "--"], copies)
    return time.perf_counter() - start


@dataclass(frozen=True)
class ImportRun:
    create_seconds: float
    import_seconds: float
    imported: int
    failures: int


def time_import(paths: Sequence[Path], case_folder: Path) -> ImportRun:
    """Seconds for create_case and for one import_files call over all paths."""
    settle()
    start = time.perf_counter()
    writer = create_case(case_folder, title="import benchmark")
    created = time.perf_counter()
    result = import_files(writer, paths)
    done = time.perf_counter()
    return ImportRun(created - start, done - created, len(result.events), len(result.failures))


def check_case(folder: Path, count: int) -> None:
    """Fail loudly unless the case verifies and holds exactly count import events."""
    report = verify_case(folder)
    if not report.ok:
        kinds = sorted({problem.kind for problem in report.problems})
        raise SystemExit(f"{folder}: verify found {len(report.problems)} problems: {kinds}")
    imports = sum(1 for event in scan_log(folder / LOG_NAME).events if event.type == "import")
    if imports != count or report.files_checked != count:
        raise SystemExit(
            f"{folder}: {imports} import events and {report.files_checked} files "
            f"checked, expected {count}"
        )


def profile_import(paths: Sequence[Path], case_folder: Path, top: int = 20) -> None:
    """Print where one import spends its time: cProfile of the caller and every worker thread."""
    writer = create_case(case_folder, title="import profile")
    profilers: list[cProfile.Profile] = []

    def profile_thread(*_: object) -> None:
        # Runs as the first profile event of each new thread; hands over to a cProfile.
        profiler = cProfile.Profile()
        profilers.append(profiler)
        profiler.enable()

    settle()
    threading.setprofile(profile_thread)
    caller = cProfile.Profile()
    caller.enable()
    try:
        import_files(writer, paths)
    finally:
        caller.disable()
        threading.setprofile(None)
    stats = pstats.Stats(caller)
    for profiler in profilers:
        stats.add(profiler)
    print(
        f"profile of one import of {len(paths)} files, {len(profilers)} worker threads "
        "(times add up over threads):"
    )
    stats.sort_stats("tottime").print_stats(top)


# -- report ------------------------------------------------------------------------------------


@dataclass
class Measurements:
    copy_hash: list[float] = field(default_factory=list)
    copy_sync_hash: list[float] = field(default_factory=list)
    create: list[float] = field(default_factory=list)
    imports: list[float] = field(default_factory=list)


def print_table(measured: Measurements, count: int, total_bytes: int) -> float:
    """Print per-round seconds, medians and both ratios; return import / (cp + sha256sum)."""
    rows = (
        ("cp + sha256sum", measured.copy_hash, True),
        ("cp + sync + sha256sum", measured.copy_sync_hash, True),
        ("create_case", measured.create, False),
        ("import_files", measured.imports, True),
    )
    rounds = len(measured.imports)
    header = f"{'':24}" + "".join(f"{f'round {r + 1}':>10}" for r in range(rounds))
    print(header + f"{'median':>10}{'files/s':>10}{'MB/s':>8}")
    for label, seconds, per_file in rows:
        median = statistics.median(seconds)
        cells = "".join(f"{value:10.3f}" for value in seconds)
        rate = f"{count / median:10.0f}{total_bytes / median / 1e6:8.0f}" if per_file else ""
        print(f"{label:24}{cells}{median:10.3f}{rate}")
    imported = statistics.median(measured.imports)
    ratio = imported / statistics.median(measured.copy_hash)
    strict = imported / statistics.median(measured.copy_sync_hash)
    print(f"ratio import / (cp + sha256sum)        = {ratio:.2f}")
    print(f"ratio import / (cp + sync + sha256sum) = {strict:.2f}")
    return ratio


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000, help="screenshots to import (1000)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of each (3)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "evidence-import-bench",
        help="where the screenshots and case folders go",
    )
    parser.add_argument("--keep", action="store_true", help="keep the copies and case folders")
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"exit 1 if import / (cp + sha256sum) is above {TARGET_RATIO}",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also run one import under cProfile and print the top functions",
    )
    args = parser.parse_args(argv)
    if args.count < 4 or args.rounds < 1:
        parser.error("--count must be at least 4 and --rounds at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    workdir: Path = args.workdir.resolve()
    started = time.perf_counter()
    paths = ensure_screenshots(workdir / f"screenshots-{args.count}", args.count)
    sizes = [path.stat().st_size for path in paths]
    total = sum(sizes)
    print(
        f"{len(paths)} PNGs {WIDTH}x{HEIGHT}: mean {statistics.mean(sizes) / 1024:.0f} KiB "
        f"(min {min(sizes) / 1024:.0f}, max {max(sizes) / 1024:.0f}), total {total / 1e6:.0f} MB "
        f"(ready in {time.perf_counter() - started:.1f} s)"
    )

    runs = workdir / "runs"
    if runs.exists():
        shutil.rmtree(runs)
    runs.mkdir(parents=True)
    warm_up(paths, runs)

    measured = Measurements()
    cases: list[Path] = []
    for round_no in range(1, args.rounds + 1):
        for durable, series in ((False, measured.copy_hash), (True, measured.copy_sync_hash)):
            copy = runs / f"copy-{'sync-' if durable else ''}{round_no}"
            series.append(time_copy_and_hash(paths, copy, durable=durable))
            if not args.keep:
                shutil.rmtree(copy)
        case = runs / f"case-{round_no}"
        run = time_import(paths, case)
        if run.imported != args.count or run.failures:
            raise SystemExit(f"{case}: {run.imported} imported, {run.failures} failed")
        measured.create.append(run.create_seconds)
        measured.imports.append(run.import_seconds)
        cases.append(case)

    ratio = print_table(measured, args.count, total)
    for case in cases:
        check_case(case, args.count)
    print(f"verify: {len(cases)} cases ok, {args.count} import events each")
    if args.profile:
        profile_import(paths, runs / "case-profile")
    if not args.keep:
        shutil.rmtree(runs)
    print(f"RATIO import/baseline = {ratio:.2f} (target <= {TARGET_RATIO})")
    return 1 if args.check and ratio > TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
