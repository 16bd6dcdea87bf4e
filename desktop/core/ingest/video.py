"""Import phone screen recordings: keep the video's exact bytes, extract keyframes as PNGs."""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import stat
import struct
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from desktop.core.errors import EvidenceError, ImportRejectedError, UsageError
from desktop.core.i18n import tr
from desktop.core.ingest.images import file_claims, safe_file_name, source_name, stat_source
from desktop.core.proof.safepath import resolve_inside
from desktop.core.store.case import DERIVED, CaseWriter, StagedOriginal
from desktop.core.store.durable import fsync_fd, os_error_to_evidence, write_new_file
from desktop.core.store.log import Event
from desktop.vocab import EventType

if TYPE_CHECKING:
    from numpy.typing import NDArray

    # Decoded BGR frames and their grey signatures (uint8 arrays from OpenCV).
    Frame = NDArray[Any]

# File names the import command routes here rather than to the image import.
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".webm", ".mkv"})
# A long phone screen recording (30 min at 1080p) is about 1 to 2 GiB.
MAX_VIDEO_BYTES = 4 * 1024**3
# 8K UHD is 33 megapixels; bigger frames are not screen recordings and could exhaust memory.
MAX_FRAME_PIXELS = 40_000_000
COPY_CHUNK = 1024 * 1024
FRAME_BATCH = 16
PNG_COMPRESSION = 3

# The scene-change measure ("changed_block_fraction"). Each frame is turned to grey and
# averaged down (INTER_AREA) so that its short side has GRID_SHORT cells; a cell has changed
# when its mean grey level moved by more than CELL_DELTA (of 255). Cells are grouped into
# BLOCK x BLOCK blocks (12 across the short side, about 300 on a phone screen); a block has
# changed when at least BLOCK_MIN_CELLS of its cells did, or when its mean grey level moved by
# more than BLOCK_MEAN_DELTA (a new background colour, a dimmed screen behind a dialog). The
# measure is the fraction of blocks that changed.
# Averaging removes compression grain; counting blocks rather than pixels makes new text in
# every row of a list (a new screen on the same background) weigh as much as its area on
# screen, while a status-bar clock, a battery icon or a spinner stays within 1 to 4 blocks
# (about 1 %). SCENE_THRESHOLD = 0.05 (5 % of the screen) sits between the two: on the test
# clip, clock ticks plus a moving dot measure at most 0.013 (also after recompressing every
# frame as a JPEG of quality 8 to 16), and a new list page on the same background and under
# the same title 0.15.
ALGORITHM = "keyframes-blocks-v1"
MEASURE = "changed_block_fraction"
SCENE_THRESHOLD = 0.05
GRID_SHORT = 96
GRID_LONG_MAX = 512
BLOCK = 8
CELL_DELTA = 16
BLOCK_MIN_CELLS = 2
BLOCK_MEAN_DELTA = 8

_MP4_EPOCH = datetime(1904, 1, 1, tzinfo=UTC)
# ISO BMFF brands of still images (HEIC, AVIF), which are not recordings.
_IMAGE_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif"})
_QUICKTIME_BOXES = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip"})

T = TypeVar("T")


class ImportCancelledError(EvidenceError):
    """The person cancelled an import before the file was saved in the case."""


@dataclass(frozen=True)
class VideoImportResult:
    """What importing one recording added to the case."""

    import_event: Event
    frame_events: tuple[Event, ...]
    summary_event: Event
    frames_read: int
    frames_kept: int
    cancelled: bool


@dataclass(frozen=True)
class Pick(Generic[T]):
    """A frame chosen as a keyframe, and why."""

    payload: T
    index: int
    time_s: float
    reason: str
    difference: float | None


def is_video_path(path: Path) -> bool:
    """True for the file names the import command treats as screen recordings."""
    return path.suffix.lower() in VIDEO_SUFFIXES


# -- the scene-change measure ---------------------------------------------------------------
def frame_signature(frame: Frame) -> Frame:
    """The frame in grey, averaged down to GRID_SHORT cells across its short side."""
    import cv2

    if frame.ndim == 2:
        grey = frame
    elif frame.shape[2] == 4:
        grey = cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    else:
        grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    height, width = grey.shape[:2]
    short, long = sorted((width, height))
    cells = max(BLOCK, min(GRID_LONG_MAX, round(GRID_SHORT * long / short / BLOCK) * BLOCK))
    size = (GRID_SHORT, cells) if width <= height else (cells, GRID_SHORT)
    factor = short // GRID_SHORT
    if factor >= 2:
        # Averaging by a whole factor first is 7 times faster than one fractional step
        # (1 ms rather than 7 for a 1080 x 2400 frame); it drops at most factor - 1 pixels
        # at the right and bottom edges.
        whole = grey[: height - height % factor, : width - width % factor]
        grey = cv2.resize(
            whole,
            (whole.shape[1] // factor, whole.shape[0] // factor),
            interpolation=cv2.INTER_AREA,
        )
    small: Frame = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    return small


def frame_difference(a: Frame, b: Frame) -> float:
    """The fraction (0 to 1) of blocks whose picture changed between two signatures."""
    import cv2
    import numpy as np

    if a.shape != b.shape:
        return 1.0
    height, width = a.shape
    blocks = (width // BLOCK, height // BLOCK)
    changed = (cv2.absdiff(a, b) > CELL_DELTA).astype(np.float32)
    # A block's mean times its cell count is the number of changed cells in it.
    counts = cv2.resize(changed, blocks, interpolation=cv2.INTER_AREA) * (BLOCK * BLOCK)
    mean_a = cv2.resize(a.astype(np.float32), blocks, interpolation=cv2.INTER_AREA)
    mean_b = cv2.resize(b.astype(np.float32), blocks, interpolation=cv2.INTER_AREA)
    hit = (counts >= BLOCK_MIN_CELLS - 0.5) | (cv2.absdiff(mean_a, mean_b) > BLOCK_MEAN_DELTA)
    return round(float(np.count_nonzero(hit)) / float(hit.size), 4)


class KeyframeSelector(Generic[T]):
    """Chooses keyframes from a stream of frames, deciding each one when the next arrives.

    Kept: the first frame; a frame that differs from the last keyframe by at least the
    threshold once the picture has settled (it differs from the next frame by less than the
    threshold, so a slide or fade between screens yields its end, not its middle); and a frame
    whenever not keeping it would leave more than min_interval_s without a keyframe.
    Only the last keyframe's signature and one frame are held.
    """

    def __init__(self, threshold: float, min_interval_s: float) -> None:
        self.threshold = threshold
        self.min_interval_s = min_interval_s
        self._key: tuple[float, Frame] | None = None
        self._held: tuple[int, float, Frame, T] | None = None

    def push(self, index: int, time_s: float, signature: Frame, payload: T) -> Pick[T] | None:
        """Take the next frame; returns the previous frame if it is a keyframe."""
        if self._key is None:
            self._key = (time_s, signature)
            return Pick(payload, index, time_s, "first", None)
        pick = self._decide((time_s, signature)) if self._held is not None else None
        self._held = (index, time_s, signature, payload)
        return pick

    def finish(self) -> Pick[T] | None:
        """The stream ended: decide about the frame still held."""
        pick = self._decide(None) if self._held is not None else None
        self._held = None
        return pick

    def _decide(self, following: tuple[float, Frame] | None) -> Pick[T] | None:
        assert self._held is not None and self._key is not None
        index, time_s, signature, payload = self._held
        key_time, key_signature = self._key
        interval, slack = self.min_interval_s, 1e-6
        difference = frame_difference(key_signature, signature)
        settled = following is None or frame_difference(signature, following[1]) < self.threshold
        # The next frame would come too late after the last keyframe, and keeping this one
        # closes the gap. (Phones may write no frames at all while the screen is still; then
        # the frame after the pause is kept once the interval has passed.)
        next_too_late = (
            following is not None
            and following[0] - key_time > interval + slack
            and following[0] - time_s <= interval + slack
        )
        if difference >= self.threshold and settled:
            reason = "scene_change"
        elif next_too_late or time_s - key_time >= interval - slack:
            reason = "interval"
        else:
            return None
        self._key = (time_s, signature)
        return Pick(payload, index, time_s, reason, difference)


# -- checking and staging the file ----------------------------------------------------------
def _not_a_recording(name: str) -> ImportRejectedError:
    return ImportRejectedError(
        tr(
            "{name} is not a screen recording this program can read (MP4, MOV, WebM or MKV). "
            "Save or export the recording on the phone as an MP4 file and import that.",
            name=name,
        )
    )


def _too_big(name: str, size: int) -> ImportRejectedError:
    return ImportRejectedError(
        tr(
            "{name} is {size:.1f} GiB; a screen recording can be at most {limit} GiB. "
            "Trim it or split it into parts on the phone, then import the parts.",
            name=name,
            size=size / 1024**3,
            limit=MAX_VIDEO_BYTES // 1024**3,
        )
    )


def _too_many_pixels(name: str, width: int, height: int) -> ImportRejectedError:
    return ImportRejectedError(
        tr(
            "{name} has frames of {width} x {height} pixels; the limit is {limit} "
            "megapixels. Record the screen at a lower resolution, or convert the "
            "video, then import it again.",
            name=name,
            width=width,
            height=height,
            limit=MAX_FRAME_PIXELS // 1_000_000,
        )
    )


def _undecodable(name: str) -> ImportRejectedError:
    return ImportRejectedError(
        tr(
            "{name} cannot be played: the file is damaged or incomplete (for example, the copy "
            "from the phone stopped early), or it uses a codec this program cannot decode. Copy "
            "the recording from the phone again, or convert it to MP4 (H.264).",
            name=name,
        )
    )


def sniff_container(head: bytes) -> str | None:
    """The container named by a file's first bytes, or None if it is not a video container."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return None
        return "mov" if brand == b"qt  " else "mp4"
    if head[4:8] in _QUICKTIME_BOXES:
        return "mov"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm" if b"webm" in head[:64] else "matroska"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    return None


def mp4_creation_time(path: Path) -> str | None:
    """The creation time in an MP4/MOV movie header (mvhd), as UTC text; None if absent.

    Phones write the time the recording was made there (in UTC); it is recorded as a claim.
    """
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            moov = _find_box(handle, b"moov", 0, size)
            if moov is None:
                return None
            mvhd = _find_box(handle, b"mvhd", *moov)
            if mvhd is None:
                return None
            handle.seek(mvhd[0])
            body = handle.read(12)
    except OSError:
        return None
    if len(body) < 8:
        return None
    if body[0] == 1 and len(body) >= 12:
        seconds = struct.unpack(">Q", body[4:12])[0]
    else:
        seconds = struct.unpack(">I", body[4:8])[0]
    if seconds <= 0:
        return None
    try:
        moment = _MP4_EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        return None
    if not 2000 <= moment.year <= 2200:
        return None
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _find_box(handle: Any, kind: bytes, start: int, end: int) -> tuple[int, int] | None:
    """(body start, body end) of the first box of a type among the boxes in [start, end)."""
    offset = start
    for _ in range(10_000):
        if offset + 8 > end:
            return None
        handle.seek(offset)
        header = handle.read(16)
        if len(header) < 8:
            return None
        length, box = struct.unpack(">I4s", header[:8])
        body = offset + 8
        if length == 1 and len(header) == 16:
            length = struct.unpack(">Q", header[8:16])[0]
            body = offset + 16
        elif length == 0:
            length = end - offset
        if length < body - offset or offset + length > end:
            return None
        if box == kind:
            return body, offset + length
        offset += length
    return None


def claimed_times(source: Path, mtime: float, creation: str | None) -> dict[str, str]:
    """Times the file claims: recorded apart from the import time, never trusted."""
    claimed = file_claims(source, mtime)
    if creation is not None:
        claimed["container_created_utc"] = creation
    return claimed


def _finite(value: float, digits: int = 3) -> float | None:
    return round(value, digits) if math.isfinite(value) else None


def _fourcc(code: float) -> str | None:
    if not math.isfinite(code) or code <= 0:
        return None
    raw = int(code).to_bytes(4, "little", signed=False)
    text = raw.decode("ascii", errors="replace")
    return text if text.isprintable() and text.strip() else None


def _open_capture(path: Path) -> Any:
    import cv2

    # FFmpeg on every platform: the same decoder whatever the OS, and it reads UTF-8 paths.
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not capture.isOpened():
        capture.release()
        return None
    return capture


def probe_video(path: Path, name: str, container: str) -> dict[str, Any]:
    """Open the video and decode its first frame; what it is, or ImportRejectedError."""
    import cv2

    capture = _open_capture(path)
    if capture is None:
        raise _undecodable(name)
    try:
        claimed_pixels = capture.get(cv2.CAP_PROP_FRAME_WIDTH) * capture.get(
            cv2.CAP_PROP_FRAME_HEIGHT
        )
        if math.isfinite(claimed_pixels) and claimed_pixels > MAX_FRAME_PIXELS:
            raise _too_many_pixels(
                name,
                int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
                int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            )
        try:
            ok, frame = capture.read()
        except cv2.error as error:
            raise _undecodable(name) from error
        if not ok or frame is None or frame.size == 0:
            raise _undecodable(name)
        height, width = frame.shape[:2]
        if width * height > MAX_FRAME_PIXELS:
            raise _too_many_pixels(name, width, height)
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        count = float(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        frame_count = int(count) if math.isfinite(count) and count > 0 else None
        rate = _finite(fps) if fps > 0 else None
        duration = None
        if frame_count is not None and rate:
            duration = round(frame_count / fps, 3)
        return {
            "container": container,
            "codec": _fourcc(float(capture.get(cv2.CAP_PROP_FOURCC))),
            "width": int(width),
            "height": int(height),
            "fps": rate,
            "frame_count": frame_count,
            "duration_s": duration,
        }
    finally:
        capture.release()


def stage_video(
    staging_dir: Path, source: Path, cancelled: Callable[[], bool] | None = None
) -> StagedOriginal:
    """Copy a recording's exact bytes into .staging/ (hashing as it goes), fsync, check it."""
    name = source.name
    info = stat_source(source)
    if not stat.S_ISREG(info.st_mode):
        raise ImportRejectedError(
            tr("{path} is not a file. Give a screen recording file to import.", path=source)
        )
    if info.st_size == 0:
        raise ImportRejectedError(
            tr(
                "{name} is empty (0 bytes). Copy the screen recording from the phone again.",
                name=name,
            )
        )
    if info.st_size > MAX_VIDEO_BYTES:
        raise _too_big(name, info.st_size)
    try:
        with source.open("rb") as handle:
            container = sniff_container(handle.read(64))
    except OSError as error:
        raise ImportRejectedError(
            tr("Cannot read {path}: {reason}.", path=source, reason=error.strerror)
        ) from error
    if container is None:
        raise _not_a_recording(name)

    staging = staging_dir / f"{uuid.uuid4().hex}.part"
    try:
        digest, size = _copy_to_staging(source, staging, name, cancelled)
        creation = mp4_creation_time(staging) if container in ("mp4", "mov") else None
        # The decoder reads the copy, so what is checked is exactly what is hashed and kept.
        facts = probe_video(staging, name, container)
    except BaseException:
        with contextlib.suppress(OSError):
            staging.unlink()
        raise
    return StagedOriginal(
        staging_path=staging,
        name=safe_file_name(name),
        sha256=digest,
        size=size,
        data={
            "source": {
                "name": source_name(source),
                "claimed": claimed_times(source, info.st_mtime, creation),
            },
            "video": facts,
        },
    )


def _copy_to_staging(
    source: Path, staging: Path, name: str, cancelled: Callable[[], bool] | None
) -> tuple[str, int]:
    case_folder = staging.parent.parent.parent
    hasher = hashlib.sha256()
    size = 0
    try:
        reader = source.open("rb")
    except OSError as error:
        raise ImportRejectedError(
            tr("Cannot read {path}: {reason}.", path=source, reason=error.strerror)
        ) from error
    with reader:
        try:
            fd = os.open(
                staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644
            )
        except OSError as error:
            raise os_error_to_evidence(error, case_folder) from error
        try:
            while True:
                if cancelled is not None and cancelled():
                    raise ImportCancelledError(
                        tr(
                            "The import of {name} was cancelled before it was saved; nothing "
                            "was added to the case.",
                            name=name,
                        )
                    )
                try:
                    chunk = reader.read(COPY_CHUNK)
                except OSError as error:
                    raise ImportRejectedError(
                        tr("Cannot read {path}: {reason}.", path=source, reason=error.strerror)
                    ) from error
                if not chunk:
                    break
                hasher.update(chunk)
                size += len(chunk)
                if size > MAX_VIDEO_BYTES:  # the file grew while it was being copied
                    raise _too_big(name, size)
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view) :]
            fsync_fd(fd)
        except OSError as error:
            raise os_error_to_evidence(error, case_folder) from error
        finally:
            os.close(fd)
    return hasher.hexdigest(), size


# -- the import -----------------------------------------------------------------------------
def _check_parameters(min_interval_s: float, scene_threshold: float) -> None:
    if not (math.isfinite(min_interval_s) and min_interval_s > 0):
        raise UsageError(
            tr("The keyframe interval must be a number of seconds greater than 0 (for example 5).")
        )
    if not (math.isfinite(scene_threshold) and 0 < scene_threshold <= 1):
        raise UsageError(
            tr(
                "The scene-change threshold must be a fraction above 0 and at most 1 (for "
                "example 0.05)."
            )
        )


def import_video(
    writer: CaseWriter,
    path: Path,
    *,
    journey: str | None = None,
    min_interval_s: float = 5.0,
    scene_threshold: float = SCENE_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> VideoImportResult:
    """Import a screen recording as an original, then log its keyframes as derived PNGs.

    The video's bytes are staged, checked and committed like an imported image ("import"
    event). Keyframes are then decoded from the committed original in one pass and logged in
    batches as "video_frame" events, closed by a "video_summary" event. progress gets
    (frames read, frames in the video; 0 when the container does not say). A cancel after the
    video is saved keeps the video and the keyframes found so far.
    """
    _check_parameters(min_interval_s, scene_threshold)
    staged = stage_video(writer.staging_dir, path, cancelled)
    (import_event,) = writer.commit_originals(EventType.IMPORT, [staged], journey)
    extractor = _Extractor(writer, import_event, min_interval_s, scene_threshold)
    return extractor.run(progress, cancelled)


class _Extractor:
    """One pass over a committed recording: choose, write and log keyframes."""

    def __init__(
        self,
        writer: CaseWriter,
        import_event: Event,
        min_interval_s: float,
        threshold: float,
    ) -> None:
        self.writer = writer
        self.import_event = import_event
        self.min_interval_s = min_interval_s
        self.threshold = threshold
        self.video_sha256 = str(import_event.data["file"]["sha256"])
        self.derived = resolve_inside(writer.folder, DERIVED)
        self.pending: list[tuple[dict[str, Any], Path]] = []
        self.events: list[Event] = []
        self.names: set[str] = set()
        self.reasons: dict[str, int] = {"first": 0, "scene_change": 0, "interval": 0}
        self.estimated_times = 0
        self.decoder: dict[str, str] = {}
        self.frames_read = 0

    def run(
        self,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> VideoImportResult:
        video: dict[str, Any] = self.import_event.data["video"]
        try:
            self.derived.mkdir(exist_ok=True)
            frames_read, was_cancelled = self._extract(progress, cancelled, video)
        except BaseException as error:
            self._finish(self.frames_read, False, video, error)
            raise
        summary = self._finish(frames_read, was_cancelled, video, None)
        assert summary is not None
        return VideoImportResult(
            import_event=self.import_event,
            frame_events=tuple(self.events),
            summary_event=summary,
            frames_read=frames_read,
            frames_kept=len(self.events),
            cancelled=was_cancelled,
        )

    def _extract(
        self,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
        video: dict[str, Any],
    ) -> tuple[int, bool]:
        import cv2

        original = resolve_inside(self.writer.folder, str(self.import_event.data["file"]["path"]))
        capture = _open_capture(original)
        if capture is None:
            raise _undecodable(str(self.import_event.data["source"]["name"]))
        self.decoder = {
            "library": "opencv",
            "version": str(cv2.__version__),
            "backend": str(capture.getBackendName()),
        }
        fps = video.get("fps") or 0.0
        total = int(video.get("frame_count") or 0)
        selector: KeyframeSelector[Frame] = KeyframeSelector(self.threshold, self.min_interval_s)
        frames_read = 0
        last_time = -1.0
        try:
            while True:
                if cancelled is not None and cancelled():
                    return frames_read, True
                if not capture.grab():
                    break
                ok, frame = capture.retrieve()
                if not ok or frame is None or frame.size == 0:
                    break
                time_s = self._frame_time(capture, frames_read, fps, last_time)
                last_time = time_s
                pick = selector.push(frames_read, time_s, frame_signature(frame), frame)
                if pick is not None:
                    self._keep(pick)
                frames_read += 1
                self.frames_read = frames_read
                if progress is not None:
                    progress(frames_read, max(total, frames_read) if total else 0)
        finally:
            capture.release()
        pick = selector.finish()
        if pick is not None:
            self._keep(pick)
        return frames_read, False

    def _frame_time(self, capture: Any, index: int, fps: float, last: float) -> float:
        """The frame's presentation time; estimated from the frame rate if the stream lacks it."""
        import cv2

        position = float(capture.get(cv2.CAP_PROP_POS_MSEC)) / 1000
        if math.isfinite(position) and position >= 0 and position > last:
            return round(position, 6)
        self.estimated_times += 1
        estimate = index / fps if fps > 0 else max(last, 0.0) + 1 / 30
        return round(max(estimate, last + 1e-6), 6)

    def _keep(self, pick: Pick[Frame]) -> None:
        import cv2

        frame = pick.payload
        encoded, buffer = cv2.imencode(
            ".png", frame, [cv2.IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION]
        )
        if not encoded:
            raise EvidenceError(
                tr(
                    "Could not save frame {index} of the recording as a PNG image.",
                    index=pick.index,
                )
            )
        data = buffer.tobytes()
        milliseconds = round(pick.time_s * 1000)
        base = f"{self.import_event.seq:06d}-frame-{milliseconds:08d}"
        name = f"{base}.png"
        if name in self.names or (self.derived / name).exists():
            name = f"{base}-{pick.index}.png"
        self.names.add(name)
        path = self.derived / name
        write_new_file(path, data)
        height, width = frame.shape[:2]
        self.pending.append(
            (
                {
                    "file": {
                        "path": f"{DERIVED}/{name}",
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "size": len(data),
                    },
                    "video_seq": self.import_event.seq,
                    "video_sha256": self.video_sha256,
                    "frame_index": pick.index,
                    "time_s": round(pick.time_s, 3),
                    "reason": pick.reason,
                    "difference": pick.difference,
                    "width": int(width),
                    "height": int(height),
                },
                path,
            )
        )
        self.reasons[pick.reason] += 1
        if len(self.pending) >= FRAME_BATCH:
            self._flush(None)

    def _flush(self, summary: dict[str, Any] | None) -> Event | None:
        """Log the pending frames (their PNGs are already durable), and the summary if given."""
        journey = self.import_event.journey
        try:
            with self.writer.transaction() as tx:
                added = [
                    tx.add(EventType.VIDEO_FRAME, data, journey) for data, _path in self.pending
                ]
                last = (
                    tx.add(EventType.VIDEO_SUMMARY, summary, journey)
                    if summary is not None
                    else None
                )
        except BaseException:
            # Nothing was logged: the PNGs would be files no event vouches for.
            for _data, path in self.pending:
                with contextlib.suppress(OSError):
                    os.chmod(path, 0o644)
                    path.unlink()
            self.pending.clear()
            raise
        self.events.extend(added)
        self.pending.clear()
        return last

    def _finish(
        self,
        frames_read: int,
        was_cancelled: bool,
        video: dict[str, Any],
        error: BaseException | None,
    ) -> Event | None:
        summary: dict[str, Any] = {
            "video_seq": self.import_event.seq,
            "video_sha256": self.video_sha256,
            "frames_read": frames_read,
            "frames_kept": len(self.events) + len(self.pending),
            "container_frame_count": video.get("frame_count"),
            "reasons": dict(self.reasons),
            "cancelled": was_cancelled,
            "estimated_times": self.estimated_times,
            "parameters": {
                "algorithm": ALGORITHM,
                "measure": MEASURE,
                "scene_threshold": self.threshold,
                "min_interval_s": self.min_interval_s,
                "grid_short_side": GRID_SHORT,
                "block_cells": BLOCK,
                "cell_delta": CELL_DELTA,
                "block_min_cells": BLOCK_MIN_CELLS,
                "block_mean_delta": BLOCK_MEAN_DELTA,
            },
            "decoder": self.decoder,
        }
        if error is not None:
            summary["stopped_by_error"] = str(error) or type(error).__name__
            # Record what was made before the failure; if even that fails, the first error
            # is the one the person needs to see.
            with contextlib.suppress(BaseException):
                self._flush(summary)
            return None
        return self._flush(summary)
