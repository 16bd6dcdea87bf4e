"""The hash-chained event log: canonical lines, reading with chain checks, durable appends."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from desktop.core.i18n import tr
from desktop.core.store.clock import Clock, clock_check, take_stamp
from desktop.core.store.durable import CaseLock, fsync_fd, os_error_to_evidence
from desktop.core.store.strictjson import strict_loads

LOG_NAME = "log.jsonl"
GENESIS = "0" * 64
REQUIRED_FIELDS: dict[str, type | tuple[type, ...]] = {
    "seq": int,
    "type": str,
    "utc": str,
    "local": str,
    "zone": str,
    "mono_ns": int,
    "session": str,
    "journey": (str, type(None)),
    "data": dict,
    "prev": str,
    "hash": str,
}
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# What reading a doctored event's data of an unexpected shape raises (a number where a list
# was, a list where a number was): readers that show events catch these, say so and go on.
DATA_ERRORS = (AttributeError, KeyError, TypeError, ValueError, IndexError)


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def is_file_entry(entry: object) -> bool:
    """Whether a value is a file entry an event can vouch for: path, 64-hex sha256, size."""
    if not isinstance(entry, dict):
        return False
    path, digest, size = entry.get("path"), entry.get("sha256"), entry.get("size")
    return (
        isinstance(path, str)
        and bool(path)
        and isinstance(digest, str)
        and SHA256_HEX.fullmatch(digest) is not None
        and isinstance(size, int)
        and not isinstance(size, bool)
        and size >= 0
    )


def data_problem(data: Mapping[str, Any]) -> str | None:
    """What is wrong with the fields every reader relies on in an event's data, if anything."""
    if "file" in data and not is_file_entry(data["file"]):
        return tr(
            'its "file" is not a file entry (a path, a 64-digit hex SHA-256 and a size of '
            "0 or more bytes)"
        )
    files = data.get("files", [])
    if not isinstance(files, list) or not all(is_file_entry(entry) for entry in files):
        return tr(
            'its "files" is not a list of file entries (each a path, a 64-digit hex SHA-256 '
            "and a size of 0 or more bytes)"
        )
    return None


def record_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical form of a log record without its own "hash" field."""
    body = {key: value for key, value in record.items() if key != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


@dataclass(frozen=True)
class Event:
    """One line of the log."""

    seq: int
    type: str
    utc: str
    local: str
    zone: str
    mono_ns: int
    session: str
    journey: str | None
    data: dict[str, Any]
    prev: str
    hash: str
    clock: dict[str, int] | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Event:
        return cls(
            seq=record["seq"],
            type=record["type"],
            utc=record["utc"],
            local=record["local"],
            zone=record["zone"],
            mono_ns=record["mono_ns"],
            session=record["session"],
            journey=record["journey"],
            data=record["data"],
            prev=record["prev"],
            hash=record["hash"],
            clock=record.get("clock"),
        )

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "seq": self.seq,
            "type": self.type,
            "utc": self.utc,
            "local": self.local,
            "zone": self.zone,
            "mono_ns": self.mono_ns,
            "session": self.session,
            "journey": self.journey,
            "data": self.data,
            "prev": self.prev,
            "hash": self.hash,
        }
        if self.clock:
            record["clock"] = self.clock
        return record


@dataclass(frozen=True)
class LogProblem:
    """A line that does not verify, named by its line number (1-based) and sequence number."""

    kind: str
    line: int
    seq: int | None
    detail: str


@dataclass(frozen=True)
class TornTail:
    """Bytes after the last complete line: a write cut short by a crash or power loss."""

    offset: int
    length: int
    sha256: str
    text: str


@dataclass
class LogScan:
    """What reading (part of) a log found.

    `events` holds every event, or with a `keep` filter (scan_file) only those it kept; `count`,
    `first` and `last` always describe all of them.
    """

    events: list[Event] = field(default_factory=list)
    problems: list[LogProblem] = field(default_factory=list)
    torn: TornTail | None = None
    good_size: int = 0
    lines: int = 0
    count: int = 0
    first: Event | None = None
    last: Event | None = None
    # Where the last line starts when it is complete and verifies but its newline was never
    # written (an editor that strips it, a copy cut at the last byte): it counts as a line.
    unterminated_at: int | None = None

    @property
    def missing_newline(self) -> bool:
        return self.unterminated_at is not None

    @property
    def tip(self) -> Event | None:
        """The last line that links the chain, even one left out of `events` for a bad field:
        the next line written must follow it."""
        return self.last


class LogScanner:
    """Checks log lines one at a time (form, hash, link, sequence number), keeping little.

    After a bad line, checking goes on from the hash that line claims, so one edited line is
    reported once rather than breaking every line after it.
    """

    def __init__(
        self,
        *,
        start_offset: int = 0,
        start_line: int = 1,
        prev_hash: str = GENESIS,
        next_seq: int = 0,
        check: bool = True,
        keep: Callable[[Event], bool] | None = None,
    ) -> None:
        self.scan = LogScan(good_size=start_offset)
        self._line_no = start_line
        self._expected_prev = prev_hash
        self._expected_seq = next_seq
        self._check = check
        self._keep = keep

    def feed(self, raw: bytes) -> None:
        """Take in one complete line (without its newline)."""
        scan = self.scan
        line_no = self._line_no
        self._line_no += 1
        scan.lines += 1
        scan.good_size += len(raw) + 1
        problems_before = len(scan.problems)
        record = _parse_line(raw, line_no, scan.problems, self._check)
        if record is None:
            self._expected_seq += 1
            return
        canonical = len(scan.problems) == problems_before
        if self._check and _line_hash(raw, record, canonical) != record["hash"]:
            scan.problems.append(
                LogProblem(
                    "hash_mismatch",
                    line_no,
                    record["seq"],
                    "the line was changed after it was written",
                )
            )
        self._take(record, line_no)

    def _take(self, record: dict[str, Any], line_no: int) -> None:
        scan = self.scan
        seq = record["seq"]
        if record["prev"] != self._expected_prev:
            scan.problems.append(
                LogProblem(
                    "broken_link",
                    line_no,
                    seq,
                    "it does not name the previous line's hash (a line was removed, "
                    "inserted or reordered before it)",
                )
            )
        if seq != self._expected_seq:
            scan.problems.append(
                LogProblem(
                    "sequence_gap", line_no, seq, f"sequence number {self._expected_seq} expected"
                )
            )
        event = Event.from_record(record)
        scan.count += 1
        if scan.first is None:
            scan.first = event
        scan.last = event
        wrong = data_problem(record["data"])
        if wrong is not None:
            # The line links the chain, but no reader may take in an event it cannot use.
            scan.problems.append(LogProblem("bad_field", line_no, seq, wrong))
        elif self._keep is None or self._keep(event):
            scan.events.append(event)
        self._expected_prev = record["hash"]
        self._expected_seq = seq + 1

    def finish(self, tail: bytes) -> LogScan:
        """Take in the bytes after the last newline: a complete last line, or a torn one."""
        scan = self.scan
        if tail and self._complete_line(tail):
            scan.unterminated_at = scan.good_size
            scan.lines += 1
            scan.good_size += len(tail)
            self._line_no += 1
        elif tail:
            scan.torn = TornTail(
                offset=scan.good_size,
                length=len(tail),
                sha256=hashlib.sha256(tail).hexdigest(),
                text=tail.decode("utf-8", errors="replace"),
            )
        return scan

    def _complete_line(self, raw: bytes) -> bool:
        """True (and the line taken in) when `raw` is a whole, valid next line of the chain."""
        problems: list[LogProblem] = []
        record = _parse_line(raw, self._line_no, problems, True)
        if (
            record is None
            or problems
            or _line_hash(raw, record, True) != record["hash"]
            or record["prev"] != self._expected_prev
            or record["seq"] != self._expected_seq
        ):
            return False
        self._take(record, self._line_no)
        return True


def scan_bytes(
    data: bytes,
    *,
    start_offset: int = 0,
    start_line: int = 1,
    prev_hash: str = GENESIS,
    next_seq: int = 0,
    check: bool = True,
) -> LogScan:
    """Parse log bytes and check every line's form, hash, link and sequence number."""
    scanner = LogScanner(
        start_offset=start_offset,
        start_line=start_line,
        prev_hash=prev_hash,
        next_seq=next_seq,
        check=check,
    )
    pieces = data.split(b"\n")
    tail = pieces.pop()
    for raw in pieces:
        scanner.feed(raw)
    return scanner.finish(tail)


SCAN_CHUNK = 1 << 20


def scan_file(
    path: Path,
    *,
    keep: Callable[[Event], bool] | None = None,
    check: bool = True,
    start: LogScanner | None = None,
    end: int | None = None,
) -> LogScan:
    """Check a log file reading it in pieces; memory stays flat in the log's length.

    Only the events `keep` accepts are held (all when it is None). With `start` (a scanner
    made with the offset, line, hash and sequence number to go on from) only the bytes from its
    offset up to `end` are read.
    """
    scanner = start or LogScanner(check=check, keep=keep)
    offset = scanner.scan.good_size
    pending = b""
    with path.open("rb") as handle:
        handle.seek(offset)
        left = None if end is None else end - offset
        while left is None or left > 0:
            chunk = handle.read(SCAN_CHUNK if left is None else min(SCAN_CHUNK, left))
            if not chunk:
                break
            if left is not None:
                left -= len(chunk)
            pieces = (pending + chunk).split(b"\n")
            pending = pieces.pop()
            for raw in pieces:
                scanner.feed(raw)
    return scanner.finish(pending)


def find_event(path: Path, seq: int, end: int) -> Event | None:
    """The event numbered `seq` among the lines before byte `end`, found by bisection.

    Sequence numbers rise line by line in a log, so a few reads find any line of a long one.
    None when no such line is found (or the log is not in order, which `verify` names).
    """
    lo, hi = 0, end  # the line sought starts in [lo, hi)
    try:
        with path.open("rb") as handle:
            while lo < hi:
                mid = (lo + hi) // 2
                found = _line_from(handle, mid, hi)
                if found is None:
                    hi = mid
                    continue
                _start, stop, raw = found
                record = _parse_line(raw, 0, [], check=False)
                if record is None:
                    return None
                if record["seq"] == seq:
                    return Event.from_record(record)
                if record["seq"] < seq:
                    lo = stop
                else:
                    hi = mid  # no line starts in [mid, start)
    except OSError:
        return None
    return None


def _line_from(handle: Any, position: int, limit: int) -> tuple[int, int, bytes] | None:
    """The first whole line starting at or after `position` and before `limit`."""
    start = position
    if position > 0:
        handle.seek(position - 1)
        skipped = 0
        while True:
            chunk = handle.read(1 << 16)
            if not chunk:
                return None
            at = chunk.find(b"\n")
            if at >= 0:
                start = position - 1 + skipped + at + 1
                break
            skipped += len(chunk)
    if start >= limit:
        return None
    handle.seek(start)
    pieces = []
    while True:
        chunk = handle.read(1 << 16)
        if not chunk:
            return None  # no newline: not a whole line
        at = chunk.find(b"\n")
        if at >= 0:
            pieces.append(chunk[:at])
            raw = b"".join(pieces)
            return start, start + len(raw) + 1, raw
        pieces.append(chunk)


def _line_hash(raw: bytes, record: Mapping[str, Any], canonical: bool) -> str:
    """record_hash(record), taken from the line's bytes when the line is canonical.

    A canonical line is the canonical body with `"hash":"H",` after the "data" object (keys
    are sorted; "journey" always follows). The last occurrence is that one: every key after
    it holds a plain value. This saves encoding every line again when a case is opened.
    """
    if canonical:
        marker = b'"hash":"' + str(record["hash"]).encode() + b'",'
        at = raw.rfind(marker)
        if at > 0:
            return hashlib.sha256(raw[:at] + raw[at + len(marker) :]).hexdigest()
    return record_hash(record)


def _parse_line(
    raw: bytes, line_no: int, problems: list[LogProblem], check: bool = True
) -> dict[str, Any] | None:
    try:
        record = strict_loads(raw)
    except ValueError as error:
        problems.append(LogProblem("unreadable_line", line_no, None, str(error)))
        return None
    if not isinstance(record, dict):
        problems.append(
            LogProblem("unreadable_line", line_no, None, tr("the line is not a JSON object"))
        )
        return None
    wrong = [
        name
        for name, kind in REQUIRED_FIELDS.items()
        if name not in record
        or not isinstance(record[name], kind)
        or isinstance(record[name], bool)
    ]
    if not isinstance(record.get("clock", {}), dict):
        wrong.append("clock")
    if wrong:
        problems.append(
            LogProblem(
                "unreadable_line",
                line_no,
                None,
                tr('its field "{name}" is missing or of the wrong type', name=wrong[0]),
            )
        )
        return None
    if check and canonical_json(record) != raw:
        problems.append(
            LogProblem(
                "not_canonical",
                line_no,
                record["seq"],
                "the line is not in canonical form (it was re-saved or edited)",
            )
        )
    return record


def scan_log(path: Path, *, check: bool = True) -> LogScan:
    """Read a whole log file; with check, verify every line's form and hash too."""
    return scan_file(path, check=check)


class LogObserver(Protocol):
    """Keeps state derived from the log (active journey, known events, files)."""

    def apply(self, event: Event) -> None:
        """Take in one event, read from the file or about to be written."""

    def reset(self) -> None:
        """Forget everything: the log will be read again from its first line."""

    def torn_tail_found(self, transaction: Transaction, torn: TornTail) -> None:
        """A torn last line was cut off; record that in the transaction."""


class Transaction:
    """Events added while the case lock is held; written with one write and one fsync."""

    def __init__(self, log: EventLog) -> None:
        self._log = log
        self._pending: list[Event] = []
        self._after_commit: list[Callable[[], None]] = []

    @property
    def last(self) -> Event | None:
        return self._pending[-1] if self._pending else self._log.last

    @property
    def next_seq(self) -> int:
        last = self.last
        return 0 if last is None else last.seq + 1

    def add(self, event_type: str, data: dict[str, Any], journey: str | None) -> Event:
        """Stamp and chain an event; it is durable only when the transaction commits."""
        log = self._log
        stamp = take_stamp(log.clock)
        last = self.last
        record: dict[str, Any] = {
            "seq": self.next_seq,
            "type": event_type,
            "utc": stamp.utc,
            "local": stamp.local,
            "zone": stamp.zone,
            "mono_ns": stamp.mono_ns,
            "session": log.session,
            "journey": journey,
            "data": data,
            "prev": GENESIS if last is None else last.hash,
        }
        check = clock_check(
            stamp,
            None if last is None else last.utc,
            None if last is None else last.mono_ns,
            last is not None and last.session == log.session,
        )
        if check:
            record["clock"] = check
        canonical_json(record)  # refuse values JSON cannot hold before anything is written
        record["hash"] = record_hash(record)
        event = Event.from_record(record)
        self._pending.append(event)
        log.observer.apply(event)
        return event

    @property
    def pending(self) -> list[Event]:
        """The events added so far, not yet written."""
        return list(self._pending)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run once the events are durable, while the lock is still held."""
        self._after_commit.append(action)


class EventLog:
    """Appends to one case's log under the OS lock, keeping a cached view of its tail."""

    def __init__(
        self,
        path: Path,
        *,
        clock: Clock,
        session: str,
        lock: CaseLock,
        observer: LogObserver,
    ) -> None:
        self.path = path
        self.clock = clock
        self.session = session
        self.lock = lock
        self.observer = observer
        self._size = 0
        self._lines = 0
        self.last: Event | None = None
        # The OS lock keeps other processes out; this keeps this process's threads (the
        # window's writer, an interval capture's encoder) from sharing one lock handle.
        self._threads = threading.Lock()
        # When a list, every event read from the file (not those this process appends) is
        # kept in it, so a window opening a case need not read the log a second time.
        self.seen: list[Event] | None = None
        self.seen_size = 0  # bytes and lines of the file those events came from
        self.seen_lines = 0

    @property
    def size(self) -> int:
        """Bytes of the log this writer has read or written."""
        return self._size

    @property
    def lines(self) -> int:
        return self._lines

    def resume(self, size: int, lines: int, last: Event) -> None:
        """Go on from a known end of the log (a checkpoint) instead of reading it from the top."""
        self._size, self._lines, self.last = size, lines, last

    def _refresh(self, transaction: Transaction) -> None:
        """Take in lines other processes appended since we last looked, and seal a torn tail."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size == self._size:
            return
        if size < self._size:  # shrank under us: read it all again
            self._reload_after_failure()
        seen = self.seen
        observer = self.observer

        def take(event: Event) -> bool:
            observer.apply(event)
            if seen is not None:
                seen.append(event)
            return False  # nothing held: the observer keeps what it needs

        scanner = LogScanner(
            start_offset=self._size,
            start_line=self._lines + 1,
            prev_hash=GENESIS if self.last is None else self.last.hash,
            next_seq=0 if self.last is None else self.last.seq + 1,
            # Appending needs the tail, not a verdict: `verify` re-hashes every line, and
            # skipping it here halves the time to open a case of thousands of captures.
            check=False,
            keep=take,
        )
        scan = scan_file(self.path, start=scanner, end=size)
        if seen is not None:
            self.seen_size, self.seen_lines = scan.good_size, self._lines + scan.lines
        if scan.last is not None:
            self.last = scan.last
        self._lines += scan.lines
        self._size = scan.good_size
        if scan.missing_newline:
            self._add_newline()
        if scan.torn is not None:
            self._truncate_torn_tail(scan.torn)
            self.observer.torn_tail_found(transaction, scan.torn)

    def _add_newline(self) -> None:
        """End a complete last line that lacks its newline, so the next line starts afresh."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0))
            try:
                os.write(fd, b"\n")
                fsync_fd(fd)
            finally:
                os.close(fd)
        except OSError as error:
            raise os_error_to_evidence(error, self.path.parent) from error
        self._size += 1
        if self.seen is not None:
            self.seen_size += 1

    def _truncate_torn_tail(self, torn: TornTail) -> None:
        try:
            fd = os.open(self.path, os.O_WRONLY | getattr(os, "O_BINARY", 0))
            try:
                os.ftruncate(fd, torn.offset)
                fsync_fd(fd)
            finally:
                os.close(fd)
        except OSError as error:
            raise os_error_to_evidence(error, self.path.parent) from error

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Hold the lock, catch up with the file, collect events, then write them durably."""
        with self._threads, self.lock.held():
            transaction = Transaction(self)
            self._refresh(transaction)
            try:
                yield transaction
            except BaseException:
                # Nothing was written; forget the events the caller had stamped.
                self._reload_after_failure()
                raise
            pending = transaction._pending
            if pending:
                try:
                    self._write(pending)
                except BaseException:
                    self._reload_after_failure()
                    raise
                self.last = pending[-1]
            for action in transaction._after_commit:
                action()

    def _write(self, events: list[Event]) -> None:
        payload = b"".join(canonical_json(event.to_record()) + b"\n" for event in events)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as error:
            raise os_error_to_evidence(error, self.path.parent) from error
        try:
            try:
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view) :]
                fsync_fd(fd)
            except OSError as error:
                # A short write would leave half a line: cut back to the last whole line.
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, self._size)
                    fsync_fd(fd)
                raise os_error_to_evidence(error, self.path.parent) from error
        finally:
            os.close(fd)
        self._size += len(payload)
        self._lines += len(events)

    def _reload_after_failure(self) -> None:
        """Forget cached state so the next transaction rebuilds it from the file."""
        self._size, self._lines, self.last = 0, 0, None
        if self.seen is not None:
            self.seen.clear()
        self.observer.reset()
