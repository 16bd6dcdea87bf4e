"""The open case as the window sees it: one writer, its events, and the work done on it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.app.tasks import Failure, Task, TaskContext, run_in_background
from desktop.core.capture.checks import hint_text, reason_text
from desktop.core.capture.frame import CaptureBackend
from desktop.core.capture.grab import (
    DEFAULT_CHANGE_THRESHOLD,
    CaptureOutcome,
    CaptureTarget,
    IntervalReport,
    capture_once,
    run_interval,
)
from desktop.core.i18n import current_language, tr
from desktop.core.proof.safepath import regular_inside_or_none
from desktop.core.store.case import CaseWriter, named_files
from desktop.core.store.log import DATA_ERRORS, LOG_NAME, Event, scan_bytes
from desktop.vocab import CAPTURE_MISSES, CAPTURES, EDITS, EventType, Role
from widgets.values import TimelineItem

log = logging.getLogger(__name__)


def describe_event(event: Event) -> str:
    """A short line about an event for the timeline (notes show their text)."""
    try:
        return _describe(event)
    except DATA_ERRORS:  # a doctored line: the timeline still shows every other event
        return tr("(data of an unexpected form; see log --json)")


def _describe(event: Event) -> str:
    data = event.data
    if event.type == EventType.NOTE:
        return str(data.get("text", ""))
    if event.type == EventType.JOURNEY:
        return str(data.get("name", ""))
    if event.type == EventType.CAPTURE:
        capture = data.get("capture", {})
        target = capture.get("target", {}).get("kind", "")
        title = capture.get("window", {}).get("title") if isinstance(capture, dict) else None
        rect = capture.get("rect", [])
        size = f"{rect[2]}×{rect[3]}" if len(rect) == 4 else ""
        return " · ".join(part for part in (target, title or "", size) if part)
    if event.type == EventType.IMPORT:
        return str(data.get("source", {}).get("name", ""))
    if event.type == EventType.VIDEO_FRAME:
        return tr("frame at {time:.1f} s", time=float(data.get("time_s", 0.0) or 0.0))
    if event.type == EventType.CAPTURE_UNCHANGED:
        return tr("unchanged since #{seq}", seq=data.get("same_as"))
    if event.type in CAPTURE_MISSES:
        return str(data.get("reason", ""))
    if event.type == EventType.MARK:
        roles: dict[str, str] = {
            Role.PROMOTED: tr("promoted"),
            Role.SUPPRESSED: tr("suppressed"),
            Role.OTHER: tr("other"),
        }
        role = roles.get(str(data.get("role")), str(data.get("role", "")))
        return f"{data.get('label', '')} ({role}) #{data.get('capture')}"
    if event.type == EventType.ANALYSIS:
        comparisons = data.get("result", {}).get("comparisons", [])
        if comparisons:
            key = "statements_zh" if current_language() == "zh" else "statements"
            sentences = comparisons[0].get(key) or comparisons[0].get("statements") or [""]
            return str(sentences[0])
        return tr("measured #{seq}", seq=data.get("capture"))
    if event.type == EventType.EXPORT:
        return str(data.get("path", ""))
    if event.type == EventType.WITHDRAW:
        return tr("#{seq} withdrawn: {reason}", seq=data.get("target"), reason=data.get("reason"))
    if event.type in EDITS:
        from desktop.core.edit.redact import keyframe_scope_text

        scope = keyframe_scope_text(data)
        reason = str(data.get("reason", ""))
        return f"{reason} · {scope}" if scope else reason
    return ""


def timeline_items(
    events: list[Event], folder: Path, withdrawn: set[int], measured: set[int]
) -> list[TimelineItem]:
    """Timeline rows for events; `withdrawn` and `measured` name seqs later events changed."""
    items = []
    for event in events:
        image_path = None
        suspect = None
        if event.type in CAPTURES:
            files = named_files(event)
            if files and "video" not in event.data:
                # Only a plain file inside the case: never a link out of it, never a FIFO.
                found = regular_inside_or_none(folder, files[0].path)
                image_path = None if found is None else str(found)
            check = event.data.get("check")
            if isinstance(check, dict) and check.get("suspect"):
                suspect = reason_text(check.get("reason"), check.get("colour"))
        attached = event.data.get("attached_to") if event.type == EventType.NOTE else None
        items.append(
            TimelineItem(
                seq=event.seq,
                kind=event.type,
                local_time=event.local,
                journey=event.journey,
                text=describe_event(event),
                image_path=image_path,
                suspect=suspect,
                withdrawn=event.seq in withdrawn,
                measured=event.seq in measured,
                attached_to=attached if isinstance(attached, int) else None,
            )
        )
    return items


@dataclass(frozen=True)
class CaptureResult:
    """What the window shows after a capture."""

    seq: int
    local_time: str
    suspect: str | None


class LogFollower:
    """Reads the lines appended to a case's log since the last look (from any process)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOG_NAME
        self.offset = 0
        self.lines = 0
        self.prev = "0" * 64
        self.next_seq = 0

    def start_after(self, events: list[Event], offset: int, lines: int) -> None:
        """Continue after events already read (by the writer, when it opened the case)."""
        self.offset, self.lines = offset, lines
        if events:
            self.prev, self.next_seq = events[-1].hash, events[-1].seq + 1

    def read_new(self) -> list[Event]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            return []
        scan = scan_bytes(
            data,
            start_offset=self.offset,
            start_line=self.lines + 1,
            prev_hash=self.prev,
            next_seq=self.next_seq,
            check=False,  # showing events; `verify` is the check
        )
        events, offset, lines = scan.events, scan.good_size, scan.lines
        if scan.unterminated_at is not None:
            # The writer ends that line with its newline first: read it again then.
            events, offset, lines = events[:-1], scan.unterminated_at, lines - 1
        if events:
            self.prev = events[-1].hash
            self.next_seq = events[-1].seq + 1
        self.offset = offset
        self.lines += lines
        return events


class CaseSession(QObject):
    """The open case: every write goes through `writer` on the one writer thread.

    Signals carry plain values to the GUI thread. Capture happens on the writer thread with
    a backend that lives there; interval capture runs on a thread of its own with its own
    backend, writing through the same (thread-safe) writer.
    """

    events_added = Signal(list)  # list[Event], in log order
    failed = Signal(str)  # a message a person can act on
    crashed = Signal(object)  # Failure: an unexpected error, for the crash dialog
    interval_running = Signal(bool)
    capture_done = Signal(object)  # CaptureResult

    def __init__(
        self,
        writer: CaseWriter,
        backend_factory: Any,
    ) -> None:
        super().__init__()
        self.writer = writer
        self.folder = writer.folder
        self.info = writer.info
        self.events: list[Event] = []
        self.by_seq: dict[int, Event] = {}
        self.withdrawn: set[int] = set()  # seqs a withdraw event names
        self.measured: set[int] = set()  # captures an analysis event names
        self._follower = LogFollower(self.folder)
        self._backend_factory = backend_factory
        self._backend: CaptureBackend | None = None  # lives on the writer thread
        self._interval_stop: threading.Event | None = None
        self._interval_task: Task | None = None
        self.paused = False

    # -- plumbing ---------------------------------------------------------------------------
    def _write(
        self,
        fn: Any,
        on_done: Any = None,
        name: str = "write",
        settled: Callable[[], None] | None = None,
    ) -> Task:
        """Run fn(context) on the writer thread, then publish the new events.

        `settled` runs on the GUI thread afterwards, whether the write worked or failed.
        """

        def job(context: TaskContext) -> tuple[Any, list[Event]]:
            result = fn(context)
            return result, self._follower.read_new()

        def done(value: tuple[Any, list[Event]]) -> None:
            result, events = value
            self._publish(events)
            if on_done is not None:
                on_done(result)
            if settled is not None:
                settled()

        def failed(failure: Failure) -> None:
            self._on_error(failure)
            if settled is not None:
                settled()

        return run_in_background(job, done, failed, name=name, pool="writer")

    def _publish(self, events: list[Event]) -> None:
        if events:
            self.events.extend(events)
            for event in events:
                self.by_seq[event.seq] = event
                if event.type == EventType.WITHDRAW and isinstance(event.data.get("target"), int):
                    self.withdrawn.add(event.data["target"])
                elif event.type == EventType.ANALYSIS and isinstance(
                    event.data.get("capture"), int
                ):
                    self.measured.add(event.data["capture"])
            self.events_added.emit(events)

    def _on_error(self, failure: Failure) -> None:
        from desktop.core.errors import EvidenceError

        # Whatever failed, events logged before the failure (a capture_failed) still show.
        self.refresh()
        if isinstance(failure.error, EvidenceError):
            self.failed.emit(str(failure.error))
        else:
            self.crashed.emit(failure)

    def load(self) -> Task:
        """Publish the whole log (on the writer thread), reusing what the writer read at open."""

        def adopt(_context: TaskContext) -> list[Event]:
            log = self.writer.log
            if log.seen is None or self._follower.offset:
                return []
            seen, log.seen = log.seen, None
            self._follower.start_after(seen, log.seen_size, log.seen_lines)
            return seen

        def job(context: TaskContext) -> tuple[None, list[Event]]:
            return None, adopt(context) + self._follower.read_new()

        def done(value: tuple[None, list[Event]]) -> None:
            self._publish(value[1])

        return run_in_background(job, done, self._on_error, name="load", pool="writer")

    def refresh(self) -> Task:
        """Publish lines another process (a CLI capture bound to a hotkey) appended."""
        return self._write(lambda _c: None, name="refresh")

    # -- writing ----------------------------------------------------------------------------
    def _backend_here(self) -> CaptureBackend:
        if self._backend is None:
            self._backend = self._backend_factory()
        return self._backend

    def capture(
        self,
        target: CaptureTarget,
        trigger: str = "button",
        settled: Callable[[], None] | None = None,
    ) -> Task:
        def grab_and_log(_context: TaskContext) -> CaptureResult:
            outcome: CaptureOutcome = capture_once(
                self.writer, self._backend_here(), target, trigger=trigger
            )
            check = outcome.check
            suspect = None
            if check.suspect:  # why, and what the person can do about it
                hints = [hint_text(code) for code in check.hints]
                suspect = "\n".join([reason_text(check.reason, check.colour), *hints])
            return CaptureResult(outcome.event.seq, outcome.event.local, suspect)

        return self._write(grab_and_log, self.capture_done.emit, "capture", settled)

    def note(self, text: str, *, dead_end: bool = False, capture: int | None = None) -> Task:
        return self._write(
            lambda _c: self.writer.add_note(text, dead_end=dead_end, capture=capture), name="note"
        )

    def journey(self, name: str) -> Task:
        return self._write(lambda _c: self.writer.start_journey(name), name="journey")

    def call_writer(self, fn: Any, on_done: Any = None, name: str = "write") -> Task:
        """Any other write: fn(writer) on the writer thread."""
        return self._write(lambda _c: fn(self.writer), on_done, name=name)

    # -- interval capture -------------------------------------------------------------------
    def start_interval(
        self,
        target: CaptureTarget,
        every: float,
        change_threshold: float = DEFAULT_CHANGE_THRESHOLD,
    ) -> None:
        if self._interval_task is not None and not self._interval_task.done:
            return
        stop = threading.Event()
        self._interval_stop = stop

        def ticks(context: TaskContext) -> IntervalReport:
            backend = self._backend_factory()
            try:
                return run_interval(
                    self.writer,
                    backend,
                    target,
                    every=every,
                    change_threshold=change_threshold,
                    stop=stop,
                    on_tick=lambda _kind, _event: context.progress(0, 0, "tick"),
                )
            finally:
                backend.close()

        def ticked(_done: int, _total: int, _stage: str) -> None:
            self.refresh()

        def ended(_report: IntervalReport) -> None:
            self.interval_running.emit(False)
            self.refresh()

        def failed(failure: Failure) -> None:
            self.interval_running.emit(False)
            self._on_error(failure)

        self._interval_task = run_in_background(
            ticks,
            ended,
            failed,
            ticked,
            name="interval",
            pool="interval",
        )
        self.interval_running.emit(True)

    def stop_interval(self) -> None:
        if self._interval_stop is not None:
            self._interval_stop.set()

    @property
    def interval_active(self) -> bool:
        return self._interval_task is not None and not self._interval_task.done

    def close(self) -> None:
        """Stop interval capture and let go of the backend and the writer (on its thread)."""
        self.stop_interval()
        if self._interval_task is not None:
            self._interval_task.wait(10)

        def release(_context: TaskContext) -> None:
            if self._backend is not None:
                self._backend.close()
                self._backend = None
            self.writer.close()

        task = run_in_background(release, name="close", pool="writer")
        task.wait(10)
