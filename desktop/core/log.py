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

from desktop.core.clock import Clock, clock_check, take_stamp
from desktop.core.fsutil import CaseLock, fsync_fd, os_error_to_evidence
from desktop.core.i18n import tr
from desktop.core.strictjson import strict_loads

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
    """What reading (part of) a log found."""

    events: list[Event] = field(default_factory=list)
    problems: list[LogProblem] = field(default_factory=list)
    torn: TornTail | None = None
    good_size: int = 0
    lines: int = 0
    # The last line that links the chain, even one left out of `events` for a bad field:
    # the next line written must follow it.
    tip: Event | None = None


def scan_bytes(
    data: bytes,
    *,
    start_offset: int = 0,
    start_line: int = 1,
    prev_hash: str = GENESIS,
    next_seq: int = 0,
    check: bool = True,
) -> LogScan:
    """Parse log bytes and check every line's form, hash, link and sequence number.

    After a bad line, checking goes on from the hash that line claims, so one edited line is
    reported once rather than breaking every line after it.
    """
    scan = LogScan(good_size=start_offset)
    pieces = data.split(b"\n")
    tail = pieces.pop()
    offset = start_offset
    expected_prev = prev_hash
    expected_seq = next_seq
    for index, raw in enumerate(pieces):
        line_no = start_line + index
        offset += len(raw) + 1
        scan.lines += 1
        problems_before = len(scan.problems)
        record = _parse_line(raw, line_no, scan.problems, check)
        if record is None:
            expected_seq += 1
            continue
        seq = record["seq"]
        canonical = len(scan.problems) == problems_before
        if check and _line_hash(raw, record, canonical) != record["hash"]:
            scan.problems.append(
                LogProblem(
                    "hash_mismatch", line_no, seq, "the line was changed after it was written"
                )
            )
        if record["prev"] != expected_prev:
            scan.problems.append(
                LogProblem(
                    "broken_link",
                    line_no,
                    seq,
                    "it does not name the previous line's hash (a line was removed, "
                    "inserted or reordered before it)",
                )
            )
        if seq != expected_seq:
            scan.problems.append(
                LogProblem("sequence_gap", line_no, seq, f"sequence number {expected_seq} expected")
            )
        scan.tip = Event.from_record(record)
        wrong = data_problem(record["data"])
        if wrong is not None:
            # The line links the chain, but no reader may take in an event it cannot use.
            scan.problems.append(LogProblem("bad_field", line_no, seq, wrong))
        else:
            scan.events.append(scan.tip)
        expected_prev = record["hash"]
        expected_seq = seq + 1
    scan.good_size = offset
    if tail:
        scan.torn = TornTail(
            offset=offset,
            length=len(tail),
            sha256=hashlib.sha256(tail).hexdigest(),
            text=tail.decode("utf-8", errors="replace"),
        )
    return scan


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
    return scan_bytes(path.read_bytes(), check=check)


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
        with self.path.open("rb") as handle:
            handle.seek(self._size)
            data = handle.read(size - self._size)
        scan = scan_bytes(
            data,
            start_offset=self._size,
            start_line=self._lines + 1,
            prev_hash=GENESIS if self.last is None else self.last.hash,
            next_seq=0 if self.last is None else self.last.seq + 1,
            # Appending needs the tail, not a verdict: `verify` re-hashes every line, and
            # skipping it here halves the time to open a case of thousands of captures.
            check=False,
        )
        if self.seen is not None:
            self.seen.extend(scan.events)
            self.seen_size, self.seen_lines = scan.good_size, self._lines + scan.lines
        for event in scan.events:
            self.observer.apply(event)
        if scan.tip is not None:
            self.last = scan.tip
        self._lines += scan.lines
        self._size = scan.good_size
        if scan.torn is not None:
            self._truncate_torn_tail(scan.torn)
            self.observer.torn_tail_found(transaction, scan.torn)

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
