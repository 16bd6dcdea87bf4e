"""Capture into a case: resolve the target, grab, check, encode, stage, log; interval capture."""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from desktop.core.capture.checks import FrameCheck, changed_fraction, check_frame
from desktop.core.capture.errors import CaptureUnavailableError, TargetError
from desktop.core.capture.frame import CaptureBackend, Frame, Pixels, Rect
from desktop.core.capture.screens import ScreenLayout
from desktop.core.errors import EvidenceError
from desktop.core.i18n import tr
from desktop.core.store.case import CaseWriter, StagedOriginal
from desktop.core.store.durable import write_durable
from desktop.core.store.log import Event
from desktop.vocab import EventType, TargetKind

log = logging.getLogger(__name__)

PNG_COMPRESSION = 3  # zlib level: 60 ms for a 1080p screen; 6 is 50 % slower for 10 % less
DEFAULT_CHANGE_THRESHOLD = 0.0005  # fraction of pixels; a 1080p screen: about 32 x 32 px
MIN_INTERVAL_S = 0.5


@dataclass(frozen=True)
class CaptureTarget:
    """What to capture: the whole virtual screen, one monitor, a rectangle or a window."""

    kind: str = "screen"  # "screen" | "monitor" | "region" | "window"
    monitor: int | None = None
    region: Rect | None = None
    window: str | None = None

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.monitor is not None:
            data["monitor"] = self.monitor
        if self.region is not None:
            data["region"] = self.region.as_list()
        if self.window is not None:
            data["window_query"] = self.window
        return data


@dataclass(frozen=True)
class CaptureOutcome:
    """A logged capture and its honesty check."""

    event: Event
    check: FrameCheck
    pixels: Pixels = field(repr=False, compare=False)


def resolve_target(
    backend: CaptureBackend, target: CaptureTarget
) -> tuple[Rect | None, dict[str, Any]]:
    """The rectangle to grab (None: everything) and what the log should say about it."""
    layout: ScreenLayout | None = getattr(backend, "layout", None)
    if target.kind == TargetKind.SCREEN:
        return None, {}
    if target.kind == TargetKind.REGION:
        assert target.region is not None
        if layout is None:
            return target.region, {}
        clipped = layout.clip(target.region)
        return clipped, {"clipped": clipped != target.region}
    if layout is None:
        raise TargetError(
            tr(
                "This desktop's screenshot service captures the whole screen only. Capture "
                "the screen or a region instead."
            )
        )
    if target.kind == TargetKind.MONITOR:
        assert target.monitor is not None
        return layout.monitor(target.monitor).rect, {}
    if target.kind == TargetKind.WINDOW:
        from desktop.core.capture.windows import find_window

        assert target.window is not None
        window = find_window(target.window)
        return layout.clip(window.rect), {"window": window.as_data()}
    raise TargetError(tr("Unknown capture target {kind}.", kind=target.kind))


def encode_png(pixels: Pixels) -> bytes:
    """Lossless PNG of the frame's colour channels (cv2.cvtColor is 4 to 5x faster than slicing)."""
    import cv2

    colour: Any = pixels
    if pixels.ndim == 3 and pixels.shape[2] == 4:
        colour = cv2.cvtColor(pixels, cv2.COLOR_BGRA2BGR)
    ok, encoded = cv2.imencode(".png", colour, [cv2.IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION])
    if not ok:
        raise EvidenceError(tr("The capture could not be encoded as PNG. Try again."))
    return encoded.tobytes()


def _utc(seconds: float) -> str:
    return (
        datetime.fromtimestamp(seconds, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


@dataclass(frozen=True)
class Grab:
    """A frame with the moment it was taken and the target it answers."""

    frame: Frame
    target: CaptureTarget
    target_data: dict[str, Any]
    wall: float
    mono_ns: int


def grab(backend: CaptureBackend, target: CaptureTarget) -> Grab:
    rect, target_data = resolve_target(backend, target)
    wall, mono = time.time(), time.monotonic_ns()
    frame = backend.grab(rect)
    return Grab(frame, target, target_data, wall, mono)


def commit_grab(
    writer: CaseWriter, taken: Grab, *, trigger: str, journey: str | None = None
) -> CaptureOutcome:
    """Check, encode, stage and log one grabbed frame (runs off the triggering thread)."""
    frame = taken.frame
    check = check_frame(frame.pixels)
    png = frame.png if frame.png is not None else encode_png(frame.pixels)
    staging = writer.staging_dir / f"{uuid.uuid4().hex}.part"
    write_durable(staging, png, error_folder=writer.folder)
    height, width = frame.pixels.shape[:2]
    name = f"{taken.target.kind}.png"
    data: dict[str, Any] = {
        "capture": {
            "target": taken.target.as_data(),
            **taken.target_data,
            "rect": frame.rect.as_list(),
            "scale": frame.scale,
            "backend": frame.backend,
            "trigger": trigger,
            "grabbed_utc": _utc(taken.wall),
            "grabbed_mono_ns": taken.mono_ns,
            **frame.details,
        },
        "image": {"format": "PNG", "width": width, "height": height, "mode": "RGB", "lossy": False},
        "check": check.as_data(),
    }
    staged = StagedOriginal(
        staging_path=staging,
        name=name,
        sha256=hashlib.sha256(png).hexdigest(),
        size=len(png),
        data=data,
    )
    event = writer.commit_originals(EventType.CAPTURE, [staged], journey)[0]
    return CaptureOutcome(event, check, frame.pixels)


def capture_once(
    writer: CaseWriter,
    backend: CaptureBackend,
    target: CaptureTarget,
    *,
    trigger: str = "cli",
    journey: str | None = None,
) -> CaptureOutcome:
    """Grab and log one capture; a failed grab is logged as capture_failed and re-raised."""
    try:
        taken = grab(backend, target)
    except CaptureUnavailableError as error:
        log_capture_failed(writer, target, str(error), journey)
        raise
    return commit_grab(writer, taken, trigger=trigger, journey=journey)


def log_capture_failed(
    writer: CaseWriter, target: CaptureTarget, reason: str, journey: str | None
) -> Event:
    with writer.transaction() as tx:
        writer.switch_journey(tx, journey)
        return tx.add(
            EventType.CAPTURE_FAILED,
            {"target": target.as_data(), "reason": reason},
            writer.state.active_journey,
        )


@dataclass
class IntervalReport:
    """What an interval capture did, tick by tick."""

    ticks: int = 0
    stored: list[Event] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    suspect: int = 0


def run_interval(
    writer: CaseWriter,
    backend: CaptureBackend,
    target: CaptureTarget,
    *,
    every: float,
    count: int | None = None,
    duration: float | None = None,
    change_threshold: float = DEFAULT_CHANGE_THRESHOLD,
    journey: str | None = None,
    stop: threading.Event | None = None,
    on_tick: Callable[[str, Event | None], None] | None = None,
) -> IntervalReport:
    """Capture every `every` seconds until stopped, for `count` ticks or `duration` seconds.

    Runs on the thread that owns `backend`; encoding and logging of changed frames happen on
    one encoder thread. A frame that differs from the last stored one by less than the
    threshold is logged as capture_unchanged; a tick that comes while the previous capture is
    still being written is logged as capture_skipped, never queued.
    """
    if not math.isfinite(every) or every < MIN_INTERVAL_S:  # NaN compares False to anything
        raise TargetError(
            tr("The interval must be at least {minimum:g} s.", minimum=MIN_INTERVAL_S)
        )
    if duration is not None and not math.isfinite(duration):
        raise TargetError(tr("Give the duration as a number of seconds, or no duration."))
    stop = stop or threading.Event()
    report = IntervalReport()
    start = time.monotonic()
    last_pixels: Pixels | None = None
    last_seq: int | None = None
    pending: Future[CaptureOutcome] | None = None
    if journey is not None:
        writer.start_journey(journey)

    def note(kind: str, event: Event | None) -> None:
        if on_tick is not None:
            on_tick(kind, event)

    def append(event_type: str, data: dict[str, Any]) -> Event:
        with writer.transaction() as tx:
            return tx.add(event_type, data, writer.state.active_journey)

    def settle() -> None:
        nonlocal pending, last_seq
        if pending is None:
            return
        outcome = pending.result()
        pending = None
        last_seq = outcome.event.seq
        report.stored.append(outcome.event)
        report.suspect += outcome.check.suspect
        note("stored", outcome.event)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture-encode") as encoder:
        tick = 0
        while not stop.is_set():
            if count is not None and tick >= count:
                break
            due = start + tick * every
            if duration is not None and due - start > duration:
                break
            delay = due - time.monotonic()
            if delay > 0 and stop.wait(delay):
                break
            report.ticks += 1
            tick += 1
            if pending is not None and pending.done():
                settle()
            lateness = time.monotonic() - due
            if lateness > every:  # this tick started after the next one was due
                missed = int(lateness // every)
                report.skipped += missed
                note(
                    "skipped",
                    append(
                        EventType.CAPTURE_SKIPPED,
                        {
                            "tick": tick,
                            "target": target.as_data(),
                            "missed_ticks": missed,
                            "reason": "the capture loop fell behind the interval",
                        },
                    ),
                )
                tick += missed
            try:
                taken = grab(backend, target)
            except CaptureUnavailableError as error:
                report.failed += 1
                note("failed", log_capture_failed(writer, target, str(error), None))
                continue
            fraction = 1.0
            if last_pixels is not None:
                same = np.array_equal(last_pixels, taken.frame.pixels)  # the usual case: cheap
                fraction = 0.0 if same else changed_fraction(last_pixels, taken.frame.pixels)
            if pending is not None:
                if fraction >= change_threshold:
                    # Changed while the previous frame is still being written: skipped, never
                    # queued, so a slow disk cannot build up a backlog.
                    report.skipped += 1
                    note(
                        "skipped",
                        append(
                            EventType.CAPTURE_SKIPPED,
                            {
                                "tick": tick,
                                "target": target.as_data(),
                                "reason": "the previous capture was still being written",
                                "grabbed_utc": _utc(taken.wall),
                            },
                        ),
                    )
                    continue
                settle()  # unchanged: wait for its seq, then say so
            if last_pixels is not None and last_seq is not None and fraction < change_threshold:
                report.unchanged += 1
                note(
                    "unchanged",
                    append(
                        EventType.CAPTURE_UNCHANGED,
                        {
                            "same_as": last_seq,
                            "changed_fraction": round(fraction, 8),
                            "threshold": change_threshold,
                            "target": target.as_data(),
                            "grabbed_utc": _utc(taken.wall),
                        },
                    ),
                )
                continue
            last_pixels = taken.frame.pixels.copy()
            pending = encoder.submit(commit_grab, writer, taken, trigger="interval")
            if last_seq is None:
                settle()  # the first stored frame anchors every "unchanged" that follows
        if pending is not None:
            settle()
    return report
