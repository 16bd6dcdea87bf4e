"""Import phone screenshots: prove each file is an image, copy its bytes unchanged, log it."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import stat
import unicodedata
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core.errors import EvidenceError, ImportRejectedError
from desktop.core.i18n import tr
from desktop.core.ingest.pngcheck import check_png_pixels
from desktop.core.store.case import CaseWriter, StagedOriginal
from desktop.core.store.durable import write_durable
from desktop.core.store.log import Event
from desktop.core.textsafe import BIDI_CONTROLS
from desktop.vocab import EventType

if TYPE_CHECKING:
    from desktop.core.ingest.video import VideoImportResult

# A phone screenshot is a few megapixels and a long scrolling capture a few tens; a stitched
# multi-monitor 8K desktop is about 100. Beyond this, decoding could exhaust memory.
MAX_PIXELS = 150_000_000
MAX_FILE_BYTES = 512 * 1024 * 1024
ACCEPTED_FORMATS = {"PNG", "JPEG", "MPO", "WEBP", "HEIF", "HEIC"}
BATCH_SIZE = 32
WORKERS = max(2, min(4, os.cpu_count() or 2))

_EXIF_IFD = 0x8769
_EXIF_DATETIME = 0x0132
_EXIF_DATETIME_ORIGINAL = 0x9003
_EXIF_OFFSET_TIME_ORIGINAL = 0x9011
# Screenshot_20241105-101112.png, IMG_20241105_101112.jpg, 屏幕截图 2024-11-05 101112.png ...
_NAME_TIME = re.compile(
    r"(20\d\d)[-_.]?([01]\d)[-_.]?([0-3]\d)[-_ T.]{0,3}([0-2]\d)[-_.:]?([0-5]\d)[-_.:]?([0-5]\d)"
)
_UNSAFE_NAME = re.compile(r'[\x00-\x1f<>:"/\\|?*\x7f-\x9f\u2028\u2029\ud800-\udfff]')
# Removed, not replaced: an override can make "invoice\u202egnp.exe" read "invoiceexe.png".
_BIDI_NAME = re.compile(f"[{BIDI_CONTROLS}]")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class ImageFacts:
    """What decoding an image file established."""

    format: str
    width: int
    height: int
    mode: str
    lossy: bool
    icc_profile: bool
    check: str
    exif: dict[str, str]

    def as_data(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "mode": self.mode,
            "lossy": self.lossy,
            "icc_profile": self.icc_profile,
            "check": self.check,
        }


@dataclass(frozen=True)
class ImportFailure:
    """A file that was not imported, and why."""

    path: Path
    message: str


@dataclass
class ImportResult:
    events: list[Event] = field(default_factory=list)
    failures: list[ImportFailure] = field(default_factory=list)
    # One per imported screen recording (its "import" event is also in events).
    videos: list[VideoImportResult] = field(default_factory=list)


def safe_file_name(name: str) -> str:
    """The file's own name, made safe on every OS (no separators, no reserved names).

    Bidi controls are removed; controls, separators and bytes that were not UTF-8 become "_".
    """
    name = unicodedata.normalize("NFC", _BIDI_NAME.sub("", name))
    name = _UNSAFE_NAME.sub("_", name).strip(" .") or "file"
    if _WINDOWS_RESERVED.match(name):
        name = "_" + name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    while len(name.encode("utf-8")) > 150:
        stem = stem[:-1]
        name = f"{stem}.{suffix}" if suffix else stem
    return name


def source_name(path: Path) -> str:
    """The name a file was imported under, as text the log can hold.

    Bytes that are not UTF-8 (which Python hands over as lone surrogates) are written as
    backslash escapes such as \\xff, so the original name can still be read from the event.
    """
    name = path.name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def _heif_support() -> None:
    with contextlib.suppress(ImportError):
        from pillow_heif import register_heif_opener

        register_heif_opener()


def inspect_image(data: bytes, name: str) -> ImageFacts:
    """Decode enough of the file to prove it is a whole image; refuse anything else."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ImportRejectedError(
            tr("{name} is empty (0 bytes). Copy the screenshot from the phone again.", name=name)
        )
    if data[4:8] == b"ftyp":
        _heif_support()
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        if isinstance(error, Image.DecompressionBombError):
            raise _too_big(name) from error
        raise ImportRejectedError(
            tr(
                "{name} is not an image this program can read (PNG, JPEG, WebP or HEIC). "
                "Screen recordings are imported from .mp4, .mov, .m4v, .webm or .mkv files; "
                "otherwise export it from the phone as a screenshot.",
                name=name,
            )
        ) from error
    with image:
        fmt = (image.format or "").upper()
        if fmt not in ACCEPTED_FORMATS:
            raise ImportRejectedError(
                tr(
                    "{name} is a {format} image; import PNG, JPEG, WebP or HEIC files. Convert it "
                    "to PNG first.",
                    name=name,
                    format=fmt or "?",
                )
            )
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _too_big(name, width, height)
        exif = _exif_times(image, fmt)
        facts = ImageFacts(
            format="JPEG" if fmt == "MPO" else fmt,
            width=width,
            height=height,
            mode=image.mode,
            lossy=_is_lossy(fmt, data),
            icc_profile=bool(image.info.get("icc_profile")),
            check="png-chunks-crc+inflated" if fmt == "PNG" else "decoded",
            exif=exif,
        )
        try:
            if fmt == "PNG":
                # Every chunk's CRC and the end marker, then the pixel data inflated to exactly
                # the rows the header announces: a whole image at about twice the cost of
                # hashing it (a full decode through Pillow costs 20 to 40 ms a screen).
                # verify() must come straight after open, so it gets a fresh handle.
                with Image.open(io.BytesIO(data)) as fresh:
                    fresh.verify()
                check_png_pixels(data)
            else:
                image.load()
        except (
            OSError,
            SyntaxError,
            ValueError,
            RuntimeError,
            Image.DecompressionBombError,
        ) as error:
            raise ImportRejectedError(
                tr(
                    "{name} is damaged or incomplete ({reason}). Copy the file from the phone "
                    "again.",
                    name=name,
                    reason=str(error) or type(error).__name__,
                )
            ) from error
    return facts


def _too_big(name: str, width: int = 0, height: int = 0) -> ImportRejectedError:
    size = f"{width} x {height}" if width else "?"
    return ImportRejectedError(
        tr(
            "{name} is too large to be a screenshot ({size} pixels; the limit is {limit} "
            "megapixels). Crop or split it, then import the parts.",
            name=name,
            size=size,
            limit=MAX_PIXELS // 1_000_000,
        )
    )


def _is_lossy(fmt: str, data: bytes) -> bool:
    if fmt == "PNG":
        return False
    if fmt == "WEBP":
        # Lossless WebP holds a VP8L bitstream; lossy holds VP8.
        return b"VP8L" not in data[12:4096]
    return True


def _exif_times(image: Any, fmt: str) -> dict[str, str]:
    from PIL import Image

    found: dict[str, str] = {}
    try:
        if fmt == "PNG":
            # PngImageFile.getexif() decodes the whole image to look for a late eXIf chunk
            # (20 to 40 ms a screen); the eXIf chunk read on open is all a screenshot has.
            exif = Image.Exif()
            raw = image.info.get("exif")
            if raw:
                exif.load(raw)
        else:
            exif = image.getexif()
        sub = exif.get_ifd(_EXIF_IFD)
    except Exception:  # noqa: BLE001 - damaged EXIF only means no claimed time
        return found
    for key, tag, source in (
        ("exif_datetime_original", _EXIF_DATETIME_ORIGINAL, sub),
        ("exif_offset_time_original", _EXIF_OFFSET_TIME_ORIGINAL, sub),
        ("exif_datetime", _EXIF_DATETIME, exif),
    ):
        value = source.get(tag)
        if isinstance(value, bytes):
            value = value.decode("ascii", errors="replace")
        if isinstance(value, str) and value.strip("\x00 "):
            found[key] = value.strip("\x00 ")
    return found


def file_claims(path: Path, mtime: float) -> dict[str, str]:
    """What a file's modification time and name claim about when it was made; never trusted."""
    claimed = {
        "file_modified_utc": datetime.fromtimestamp(mtime, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    }
    match = _NAME_TIME.search(path.name)
    if match:
        year, month, day, hour, minute, second = match.groups()
        with contextlib.suppress(ValueError):
            datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
            claimed["file_name_time"] = f"{year}-{month}-{day} {hour}:{minute}:{second}"
    return claimed


def claimed_times(path: Path, facts: ImageFacts, mtime: float) -> dict[str, str]:
    """Times the image claims (EXIF, name, modification); recorded apart from the import time."""
    return {**facts.exif, **file_claims(path, mtime)}


def stat_source(source: Path) -> os.stat_result:
    """The file's status, or a clear error if it is missing or cannot be read."""
    try:
        return source.stat()
    except FileNotFoundError as error:
        raise ImportRejectedError(
            tr("{path} does not exist. Check the path and try again.", path=source)
        ) from error
    except OSError as error:
        raise ImportRejectedError(
            tr("Cannot read {path}: {reason}.", path=source, reason=error.strerror)
        ) from error


def stage_image(staging_dir: Path, source: Path) -> StagedOriginal:
    """Read, check and hash one file, then write its exact bytes into .staging/ and fsync."""
    name = source.name
    info = stat_source(source)
    if not stat.S_ISREG(info.st_mode):
        raise ImportRejectedError(
            tr("{path} is not a file. Give image files to import.", path=source)
        )
    if info.st_size > MAX_FILE_BYTES:
        raise _too_big(name)
    try:
        data = source.read_bytes()
    except OSError as error:
        raise ImportRejectedError(
            tr("Cannot read {path}: {reason}.", path=source, reason=error.strerror)
        ) from error
    facts = inspect_image(data, name)
    digest = hashlib.sha256(data).hexdigest()
    staging = staging_dir / f"{uuid.uuid4().hex}.part"
    write_durable(staging, data, error_folder=staging_dir.parent.parent)
    return StagedOriginal(
        staging_path=staging,
        name=safe_file_name(name),
        sha256=digest,
        size=len(data),
        data={
            "source": {
                "name": source_name(source),
                "claimed": claimed_times(source, facts, info.st_mtime),
            },
            "image": facts.as_data(),
        },
    )


def import_files(
    writer: CaseWriter,
    paths: Iterable[Path],
    *,
    journey: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Import files in order; a bad file is reported and skipped, the others go in.

    Reading, checking, hashing and the staging fsync run on worker threads; the log appends
    go in batches (one write and one fsync each), in the order the files were given.
    """
    from desktop.core.ingest.video import is_video_path

    given = list(paths)
    sources = [path for path in given if not is_video_path(path)]
    videos = [path for path in given if is_video_path(path)]
    result = ImportResult()
    batch: list[StagedOriginal] = []

    def flush() -> None:
        try:  # commit_originals removes the staged files itself if it fails before logging
            result.events.extend(writer.commit_originals(EventType.IMPORT, batch, journey))
        finally:
            batch.clear()

    done = 0
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="import") as pool:
        window: deque[tuple[Path, Future[StagedOriginal]]] = deque()
        pending = iter(sources)
        try:
            for source, future in _bounded(pool, writer.staging_dir, pending, window, cancelled):
                try:
                    batch.append(future.result())
                except EvidenceError as error:
                    result.failures.append(ImportFailure(source, str(error)))
                done += 1
                if len(batch) >= BATCH_SIZE:
                    flush()
                if progress:
                    progress(done, len(given))
            flush()
        finally:
            # On an error or cancel, remove what workers staged but nobody logged.
            for _source, future in window:
                with contextlib.suppress(BaseException):
                    future.result().staging_path.unlink()
            for item in batch:
                with contextlib.suppress(OSError):
                    item.staging_path.unlink()
    _import_videos(writer, videos, result, journey, cancelled, progress, done, len(given))
    return result


def _import_videos(
    writer: CaseWriter,
    videos: list[Path],
    result: ImportResult,
    journey: str | None,
    cancelled: Callable[[], bool] | None,
    progress: Callable[[int, int], None] | None,
    done: int,
    total: int,
) -> None:
    """Screen recordings, one at a time, after the images: each one's keyframes are logged."""
    from desktop.core.ingest.video import ImportCancelledError, import_video

    for source in videos:
        if cancelled and cancelled():
            return
        try:
            video = import_video(writer, source, journey=journey, cancelled=cancelled)
        except ImportCancelledError:
            return
        except EvidenceError as error:
            result.failures.append(ImportFailure(source, str(error)))
        else:
            result.events.append(video.import_event)
            result.videos.append(video)
        done += 1
        if progress:
            progress(done, total)


def _bounded(
    pool: ThreadPoolExecutor,
    staging_dir: Path,
    sources: Iterator[Path],
    window: deque[tuple[Path, Future[StagedOriginal]]],
    cancelled: Callable[[], bool] | None,
) -> Iterator[tuple[Path, Future[StagedOriginal]]]:
    """Yield futures in input order, keeping a few files in flight and memory bounded."""
    for source in sources:
        window.append((source, pool.submit(stage_image, staging_dir, source)))
        if len(window) >= WORKERS * 2:
            if cancelled and cancelled():
                return
            yield window.popleft()
    while window:
        if cancelled and cancelled():
            return
        yield window.popleft()
