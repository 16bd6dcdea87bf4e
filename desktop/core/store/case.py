"""The case folder: create and open it, keep the log's state, commit write-once originals."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import desktop
from desktop.core.errors import (
    CaseExistsError,
    CaseNotFoundError,
    EvidenceError,
    NoteError,
    UsageError,
)
from desktop.core.i18n import tr
from desktop.core.proof.safepath import inside_or_none, read_inside, resolve_inside
from desktop.core.store import checkpoint
from desktop.core.store.clock import Clock, SystemClock, take_stamp
from desktop.core.store.durable import (
    READ_ONLY_FILE,
    CaseLock,
    fsync_dir,
    os_error_to_evidence,
    write_new_file,
)
from desktop.core.store.environment import collect_environment
from desktop.core.store.log import (
    LOG_NAME,
    Event,
    EventLog,
    TornTail,
    Transaction,
    canonical_json,
    find_event,
    is_file_entry,
)
from desktop.core.store.strictjson import strict_loads
from desktop.vocab import ORIGINAL_EVENTS, WITHDRAWABLE, EventType

CASE_JSON = "case.json"
ORIGINALS = "originals"
DERIVED = "derived"
EXPORTS = "exports"
# The "location" logged for a report or bundle written elsewhere: only its file name is logged,
# so no path of the person's machine goes into the evidence.
OUTSIDE_CASE = "outside the case"
STAGING = ".staging"
# Held (OS lock) by a live writer inside its own .staging/<session>/ folder, so that recovery
# never takes files another running writer is still importing.
STAGING_OWNER = ".owner"
LOCK_NAME = ".lock"
CASE_FORMAT = 1
MAX_NOTE_CHARS = 100_000
MAX_JOURNEY_CHARS = 100


@dataclass(frozen=True)
class CaseInfo:
    """The contents of case.json."""

    id: str
    title: str
    service: str
    complainant: str
    purpose: str
    created: dict[str, str]
    tool: dict[str, str]
    format: int

    @classmethod
    def from_json(cls, data: Any) -> CaseInfo:
        """The fields of case.json; a ValueError names the first one missing or mistyped."""
        if not isinstance(data, dict):
            raise ValueError(tr("it is not a JSON object"))
        texts = {"id": None, "title": None, "service": "", "complainant": "", "purpose": ""}
        for name, default in texts.items():
            if not isinstance(data.get(name, default), str):
                raise ValueError(tr('its field "{name}" is missing or not text', name=name))
        for name in ("created", "tool"):
            value = data.get(name)
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ValueError(tr('its field "{name}" is missing or not an object', name=name))
        version = data.get("format", CASE_FORMAT)
        if not isinstance(version, int) or isinstance(version, bool):
            raise ValueError(tr('its field "{name}" is not a whole number', name="format"))
        return cls(
            id=data["id"],
            title=data["title"],
            service=data.get("service", ""),
            complainant=data.get("complainant", ""),
            purpose=data.get("purpose", ""),
            created=dict(data["created"]),
            tool=dict(data["tool"]),
            format=version,
        )


@dataclass(frozen=True)
class NamedFile:
    """A file an event vouches for: its path inside the case, hash and size."""

    path: str
    sha256: str
    size: int


def named_files(event: Event) -> list[NamedFile]:
    """Files an event records in data["file"] or data["files"]."""
    entries: list[Any] = []
    if isinstance(event.data.get("file"), dict):
        entries.append(event.data["file"])
    if isinstance(event.data.get("files"), list):
        entries.extend(event.data["files"])
    return [
        NamedFile(entry["path"], entry["sha256"], entry["size"])
        for entry in entries
        if is_file_entry(entry)
    ]


def read_case_info(folder: Path) -> CaseInfo:
    """case.json of a case folder, or a clear error if the folder is not a case."""
    path = folder / CASE_JSON
    if not folder.is_dir():
        raise CaseNotFoundError(
            tr(
                "{folder} is not a folder. Give the path of a case folder "
                "(make one with: evidence-recorder case new DIR --title TEXT).",
                folder=folder,
            )
        )
    resolve_inside(folder, CASE_JSON)  # a linked case.json is not read (UnsafePathError)
    if not path.is_file() or not (folder / LOG_NAME).is_file():
        raise CaseNotFoundError(
            tr(
                "{folder} is not a case folder (no case.json or log.jsonl). Make one with: "
                "evidence-recorder case new DIR --title TEXT",
                folder=folder,
            )
        )
    return _load_case_json(path)


MAX_CASE_JSON = 1 << 20  # a few hundred bytes in practice


def _load_case_json(path: Path) -> CaseInfo:
    try:
        # No link, no FIFO, nothing huge: case.json may come from someone else.
        data = read_inside(path.parent, path.name, limit=MAX_CASE_JSON)
        return CaseInfo.from_json(strict_loads(data))
    except ValueError as error:
        raise EvidenceError(
            tr(
                "{path} is damaged ({reason}). Run evidence-recorder verify on the folder "
                "to see what changed.",
                path=path,
                reason=error,
            )
        ) from error


@dataclass
class CaseState:
    """What the log says so far; kept up to date as events are read or written."""

    active_journey: str | None = None
    journeys: list[str] = field(default_factory=list)
    types: dict[int, str] = field(default_factory=dict)
    withdrawn: set[int] = field(default_factory=set)
    files: dict[str, NamedFile] = field(default_factory=dict)
    environment_digest: str | None = None
    pending_torn: TornTail | None = None
    # Set when the state was resumed from a checkpoint: finds the type of an event that was
    # not read in this process (types and files then hold only the events read since).
    lookup: Callable[[int], Event | None] | None = None

    def type_of(self, seq: int) -> str | None:
        """The type of event `seq`, or None when the log has no such event."""
        kind = self.types.get(seq)
        if kind is None and self.lookup is not None:
            found = self.lookup(seq)
            if found is not None and found.seq == seq:
                kind = self.types[seq] = found.type
        return kind

    def summary(self) -> dict[str, Any]:
        """What a checkpoint keeps: everything here but the per-event maps."""
        return {
            "active_journey": self.active_journey,
            "journeys": list(self.journeys),
            "withdrawn": sorted(self.withdrawn),
            "environment_digest": self.environment_digest,
        }

    def resume(self, summary: dict[str, Any], lookup: Callable[[int], Event | None]) -> None:
        """Take the state a checkpoint kept (types of earlier events come from `lookup`)."""
        journey = summary.get("active_journey")
        journeys = summary.get("journeys")
        withdrawn = summary.get("withdrawn")
        digest = summary.get("environment_digest")
        if not (
            isinstance(journey, str | type(None))
            and isinstance(journeys, list)
            and all(isinstance(name, str) for name in journeys)
            and isinstance(withdrawn, list)
            and all(isinstance(seq, int) for seq in withdrawn)
            and isinstance(digest, str | type(None))
        ):
            raise ValueError("checkpoint state has the wrong form")
        self.active_journey = journey
        self.journeys = list(journeys)
        self.withdrawn = set(withdrawn)
        self.environment_digest = digest
        self.lookup = lookup

    def apply(self, event: Event) -> None:
        self.types[event.seq] = event.type
        if event.type == EventType.JOURNEY:
            name = event.data.get("name")
            if isinstance(name, str):
                self.active_journey = name
                if name not in self.journeys:
                    self.journeys.append(name)
        elif event.type == EventType.WITHDRAW and isinstance(event.data.get("target"), int):
            self.withdrawn.add(event.data["target"])
        elif event.type == EventType.ENVIRONMENT:
            self.environment_digest = event.data.get("digest")
        for named in named_files(event):
            self.files[named.path] = named

    def reset(self) -> None:
        fresh = CaseState()
        self.__dict__.update(fresh.__dict__)

    def torn_tail_found(self, transaction: Transaction, torn: TornTail) -> None:
        transaction.add(
            EventType.LOG_REPAIRED,
            {
                "reason": "the last line was incomplete (the program was stopped or the power "
                "failed while writing it); it was cut off and its bytes are kept here",
                "torn_offset": torn.offset,
                "torn_bytes": torn.length,
                "torn_sha256": torn.sha256,
                "torn_text": torn.text,
            },
            self.active_journey,
        )


@dataclass(frozen=True)
class StagedOriginal:
    """A file written and fsynced into .staging/, waiting to be logged and moved into place."""

    staging_path: Path
    name: str
    sha256: str
    size: int
    data: dict[str, Any]


def create_case(
    folder: Path,
    *,
    title: str,
    service: str = "",
    complainant: str = "",
    purpose: str = "",
    clock: Clock | None = None,
) -> CaseWriter:
    """Make a new case folder (empty or not yet there) and open it for writing."""
    clock = clock or SystemClock()
    title = title.strip()
    if not title:
        raise UsageError(tr("A case needs a title: give --title TEXT."))
    for what, text in ((tr("title"), title), (tr("service"), service)):
        _require_text(text, what)
    for what, text in ((tr("complainant"), complainant), (tr("purpose"), purpose)):
        _require_text(text, what)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CaseExistsError(
            tr(
                "{folder} already exists and is not empty. Choose a new folder for the case.",
                folder=folder,
            )
        )
    made = _first_missing(folder)
    try:
        return _make_case(folder, title, service, complainant, purpose, clock)
    except BaseException:
        _remove_new_case(folder, made)  # nothing half-made stays behind
        raise


def _first_missing(folder: Path) -> Path | None:
    """The outermost folder on the way to `folder` that does not exist yet (None: it exists)."""
    missing = None
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing = path
    return missing


def _remove_new_case(folder: Path, made: Path | None) -> None:
    """Undo a case creation that failed: the folders it made, or what it put in an empty one."""
    if made is not None:
        _remove_tree(made)
        return
    with contextlib.suppress(OSError):
        for child in folder.iterdir():  # the folder was empty when the creation began
            if child.is_dir() and not child.is_symlink():
                _remove_tree(child)
            else:
                with contextlib.suppress(OSError):
                    child.unlink()


def _remove_tree(top: Path) -> None:
    """Remove a folder this process just made, read-only files (case.json) included."""
    for root, dirs, files in os.walk(top, topdown=False):
        for name in (*files, *dirs):
            path = os.path.join(root, name)
            with contextlib.suppress(OSError):
                if os.path.islink(path):
                    os.unlink(path)  # never chmod through a link
                elif os.path.isdir(path):
                    os.rmdir(path)
                else:
                    os.chmod(path, 0o600)  # Windows will not unlink a read-only file
                    os.unlink(path)
    with contextlib.suppress(OSError):
        os.rmdir(top)


def _make_case(
    folder: Path, title: str, service: str, complainant: str, purpose: str, clock: Clock
) -> CaseWriter:
    try:
        for sub in ("", ORIGINALS, DERIVED, EXPORTS, STAGING):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise os_error_to_evidence(error, folder) from error
    stamp = take_stamp(clock)
    info = {
        "id": str(uuid.uuid4()),
        "title": title,
        "service": service.strip(),
        "complainant": complainant.strip(),
        "purpose": purpose.strip(),
        "created": {"utc": stamp.utc, "local": stamp.local, "zone": stamp.zone},
        "tool": {"name": desktop.APP_ID, "version": desktop.__version__},
        "format": CASE_FORMAT,
    }
    payload = json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n"
    write_new_file(folder / CASE_JSON, payload)
    writer = CaseWriter(folder, clock=clock, _creating=True)
    with writer.transaction() as tx:
        tx.add(
            EventType.CASE_OPENED,
            {
                "case_id": info["id"],
                "title": title,
                "case_json_sha256": hashlib.sha256(payload).hexdigest(),
            },
            None,
        )
        writer._add_environment(tx)
    return writer


class CaseWriter:
    """Writes to one case: every change is an event appended under the lock."""

    def __init__(
        self,
        folder: Path,
        *,
        clock: Clock | None = None,
        lock_timeout: float = 5.0,
        screens: list[dict[str, Any]] | None = None,
        keep_events: bool = False,
        _creating: bool = False,
    ) -> None:
        self.folder = folder
        for name in (CASE_JSON, LOG_NAME, LOCK_NAME):
            resolve_inside(folder, name)  # a linked log or lock would be written through
        self.info = _load_case_json(folder / CASE_JSON) if _creating else read_case_info(folder)
        self.clock = clock or SystemClock()
        self.screens = screens
        self.session = uuid.uuid4().hex[:16]
        self.state = CaseState()
        self.log = EventLog(
            folder / LOG_NAME,
            clock=self.clock,
            session=self.session,
            lock=CaseLock(folder / LOCK_NAME, timeout=lock_timeout),
            observer=self.state,
        )
        self._staging_owner: CaseLock | None = None
        if keep_events:
            self.log.seen = []  # the events read at open: see opened_events()
        elif not _creating and not self._others_staging():
            self._resume_from_checkpoint()
        if not _creating:
            with self.transaction() as tx:
                self._recover_staging(tx)
                self._add_environment(tx)

    def __enter__(self) -> CaseWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _others_staging(self) -> bool:
        """True when .staging/ holds another writer's folder: recovery needs the whole log."""
        root = self.folder / STAGING
        try:
            return any(entry.is_dir() for entry in os.scandir(root))
        except OSError:
            return False

    def _resume_from_checkpoint(self) -> None:
        """Start from the noted end of the log, if the note still holds, instead of line one."""
        log_path = self.folder / LOG_NAME
        found = checkpoint.load(self.folder, self.info.id, log_path)
        if found is None:
            return
        end = found.size
        try:
            self.state.resume(found.state, lambda seq: find_event(log_path, seq, end))
        except ValueError:
            self.state.reset()
            return
        self.log.resume(found.size, found.lines, found.last)

    def save_checkpoint(self) -> None:
        """Note where the log ends, so the next writer need not read it all (best effort)."""
        last = self.log.last
        if last is not None and self.log.size > 0:
            summary = self.state.summary()
            checkpoint.save(
                self.folder,
                self.info.id,
                checkpoint.Checkpoint(self.log.size, self.log.lines, last, summary),
            )

    def close(self) -> None:
        """Let go of this writer's staging folder (the case needs no other closing)."""
        if self._staging_owner is not None:
            self._staging_owner.release()
            self._staging_owner = None
            folder = self.folder / STAGING / self.session
            with contextlib.suppress(OSError):
                (folder / STAGING_OWNER).unlink()
                folder.rmdir()

    @property
    def staging_dir(self) -> Path:
        """This writer's own staging folder, made and locked on first use."""
        folder = self.folder / STAGING / self.session
        if self._staging_owner is None:
            resolve_inside(self.folder, f"{STAGING}/{self.session}")  # never stage elsewhere
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise os_error_to_evidence(error, self.folder) from error
            owner = CaseLock(folder / STAGING_OWNER, timeout=0)
            owner.acquire()
            self._staging_owner = owner
        return folder

    # -- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self.log.transaction() as tx:
            yield tx
            if self.log.lines + len(tx.pending) >= checkpoint.MIN_LINES:
                tx.after_commit(self.save_checkpoint)

    @contextlib.contextmanager
    def transaction_for_files(self, *written: Path) -> Iterator[Transaction]:
        """A transaction that logs files written just before it; unless it commits, they go.

        So no derived file is left that no event names (verify would report it as added later).
        """
        committed = False

        def mark_committed() -> None:
            nonlocal committed
            committed = True

        try:
            with self.transaction() as tx:
                tx.after_commit(mark_committed)  # first: runs as soon as the lines are durable
                yield tx
        except BaseException:
            if not committed:
                for path in written:
                    with contextlib.suppress(OSError):
                        os.chmod(path, 0o644)
                        path.unlink()
            raise

    def _add_environment(self, tx: Transaction) -> None:
        environment = collect_environment(self.clock, self.screens)
        digest = hashlib.sha256(canonical_json(environment)).hexdigest()
        if digest != self.state.environment_digest:
            tx.add(
                EventType.ENVIRONMENT, {**environment, "digest": digest}, self.state.active_journey
            )

    def switch_journey(self, tx: Transaction, journey: str | None) -> None:
        if journey is None:
            return
        name = journey.strip()
        _require_text(name, tr("journey name"))
        if not name or len(name) > MAX_JOURNEY_CHARS:
            raise UsageError(
                tr(
                    "A journey name must have 1 to {limit} characters, such as upgrade or "
                    "downgrade.",
                    limit=MAX_JOURNEY_CHARS,
                )
            )
        if name != self.state.active_journey:
            tx.add(EventType.JOURNEY, {"name": name}, name)

    def start_journey(self, name: str) -> Event | None:
        """Make `name` the active journey; returns the event, or None if it already was."""
        with self.transaction() as tx:
            before = tx.next_seq
            self.switch_journey(tx, name)
            switched = tx.next_seq != before
        return self.last_event if switched else None

    @property
    def last_event(self) -> Event | None:
        return self.log.last

    def add_note(
        self,
        text: str,
        *,
        capture: int | None = None,
        amends: int | None = None,
        journey: str | None = None,
        dead_end: bool = False,
    ) -> Event:
        """A timestamped note, optionally attached to a capture or amending an earlier note.

        `dead_end` marks a step that led nowhere (a refusal, a hotline, a missing option); the
        report counts them per journey.
        """
        _check_note_text(text)
        with self.transaction() as tx:
            self.switch_journey(tx, journey)
            if capture is not None:
                self._require(capture, ORIGINAL_EVENTS, tr("capture"))
            if amends is not None:
                self._require(amends, frozenset({EventType.NOTE}), tr("note"))
            data: dict[str, Any] = {"text": text, "attached_to": capture, "amends": amends}
            if dead_end:
                data["dead_end"] = True
            event = tx.add(EventType.NOTE, data, self.state.active_journey)
        return event

    def withdraw(self, target: int, reason: str) -> Event:
        """Withdraw a capture, import or note with a reason; the original stays in the case."""
        if not reason.strip():
            raise UsageError(tr("Say why the event is withdrawn: give --reason TEXT."))
        _check_note_text(reason)
        with self.transaction() as tx:
            self._require(target, WITHDRAWABLE, tr("capture, import or note"))
            event = tx.add(
                EventType.WITHDRAW,
                {"target": target, "target_type": self.state.type_of(target), "reason": reason},
                self.state.active_journey,
            )
        return event

    def _require(self, seq: int, allowed: frozenset[str], what: str) -> None:
        kind = self.state.type_of(seq)
        if kind not in allowed:
            raise NoteError(
                tr(
                    "Event #{seq} is not a {what} in this case. See the sequence numbers with: "
                    "evidence-recorder log DIR",
                    seq=seq,
                    what=what,
                )
            )
        if seq in self.state.withdrawn:
            raise NoteError(tr("Event #{seq} was withdrawn; it cannot be referred to.", seq=seq))

    def commit_originals(
        self, event_type: str, staged: list[StagedOriginal], journey: str | None = None
    ) -> list[Event]:
        """Log staged files, then move them into originals/ as read-only files.

        The log line is the commit point: after a crash a logged file still in .staging/ is
        moved into place on the next open, and an unlogged one is discarded (and that logged).
        If this call fails before the log line is durable, the staged files are removed here;
        after it, they stay for recovery. Callers never remove staged files themselves.
        """
        if not staged:
            return []
        originals = self.folder / ORIGINALS
        events: list[Event] = []
        logged = False
        try:
            fsync_dir(self.staging_dir)
            with self.transaction() as tx:
                self.switch_journey(tx, journey)
                moves: list[tuple[Path, Path]] = []
                for item in staged:
                    final = f"{ORIGINALS}/{tx.next_seq:06d}-{item.name}"
                    data = {
                        "file": {"path": final, "sha256": item.sha256, "size": item.size},
                        **item.data,
                    }
                    events.append(tx.add(event_type, data, self.state.active_journey))
                    moves.append((item.staging_path, resolve_inside(self.folder, final)))

                def move_into_place() -> None:
                    nonlocal logged
                    logged = True  # runs only once the log lines are durable
                    try:
                        for source, target in moves:
                            os.chmod(source, READ_ONLY_FILE)
                            os.rename(source, target)
                        fsync_dir(originals)
                    except OSError as error:
                        raise os_error_to_evidence(error, originals) from error

                tx.after_commit(move_into_place)
        except BaseException:
            if not logged:
                for item in staged:
                    with contextlib.suppress(OSError):
                        item.staging_path.unlink()
            raise
        return events

    def _recover_staging(self, tx: Transaction) -> None:
        """Finish moves a crash interrupted and discard files that were never logged.

        Only folders whose owner lock is free are touched: their writer has exited. Nothing is
        followed out of the case: a linked .staging/ is refused, links inside it are left for
        `verify` to name, and a logged path outside originals/ is never moved to.
        """
        root = resolve_inside(self.folder, STAGING)
        if not root.is_dir():
            return
        with os.scandir(root) as entries:
            others = sorted(
                Path(entry.path)
                for entry in entries
                if entry.is_dir(follow_symlinks=False) and entry.name != self.session
            )
        if not others:
            return  # nothing to recover: no need to look at every original
        missing: dict[str, NamedFile] = {}
        refused: dict[str, NamedFile] = {}
        for named in self.state.files.values():
            target = _recovery_target(self.folder, named.path)
            if target is None:
                refused[named.sha256] = named
            elif not os.path.lexists(target):
                missing[named.sha256] = named
        for session_dir in others:
            owner = CaseLock(session_dir / STAGING_OWNER, timeout=0)
            try:
                if not owner.try_acquire():
                    continue
            except EvidenceError:
                continue  # an owner file that is a link (never opened): verify names it
            try:
                with os.scandir(session_dir) as entries:
                    staged = sorted(
                        Path(entry.path)
                        for entry in entries
                        if entry.is_file(follow_symlinks=False) and entry.name != STAGING_OWNER
                    )
                for path in staged:
                    self._recover_file(tx, path, missing, refused)
            finally:
                owner.release()
            with contextlib.suppress(OSError):
                (session_dir / STAGING_OWNER).unlink()
                session_dir.rmdir()
        fsync_dir(root)

    def _recover_file(
        self,
        tx: Transaction,
        path: Path,
        missing: dict[str, NamedFile],
        refused: dict[str, NamedFile],
    ) -> None:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(path, flags | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        facts: dict[str, Any] = {"name": path.name, "size": size, "sha256": digest}
        named = missing.get(digest)
        if named is not None and named.size == size:
            del missing[digest]
            target = self.folder / named.path
            try:
                os.chmod(path, READ_ONLY_FILE)
                os.rename(path, target)
                fsync_dir(target.parent)
            except OSError as error:
                reason = (
                    "the log names this file, but it could not be moved into place "
                    f"({error.strerror or type(error).__name__}); it was discarded, so verify "
                    "reports the logged file as missing"
                )
                self._discard(tx, path, {**facts, "reason": reason}, EventType.STAGING_REFUSED)
                return
            data: dict[str, Any] = {
                "path": named.path,
                "sha256": digest,
                "action": "moved into place after an interrupted write",
            }
            tx.add(EventType.RECOVERED, data, self.state.active_journey)
            return
        if digest in refused and refused[digest].size == size:
            reason = (
                "a log line names this file at a path outside originals/ or outside the case "
                "folder (the log was doctored); it was not moved there and was discarded"
            )
            self._discard(tx, path, {**facts, "reason": reason}, EventType.STAGING_REFUSED)
            return
        reason = (
            "an import or capture stopped before it was logged; "
            "the file was never part of the evidence"
        )
        self._discard(tx, path, {**facts, "reason": reason}, EventType.STAGING_DISCARDED)

    def _discard(self, tx: Transaction, path: Path, data: dict[str, Any], kind: str) -> None:
        """Remove a staged file and log why (a file that cannot be removed is still logged)."""
        with contextlib.suppress(OSError):
            path.unlink()
        tx.add(kind, data, self.state.active_journey)


def _recovery_target(folder: Path, relative: str) -> Path | None:
    """Where recovery may move a logged original: directly in originals/, no link on the way."""
    parts = relative.split("/") if isinstance(relative, str) else []
    if len(parts) != 2 or parts[0] != ORIGINALS:
        return None
    return inside_or_none(folder, relative)


def _require_text(text: str, what: str) -> None:
    """Refuse text the log cannot hold: bytes that were not UTF-8 (lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise UsageError(
            tr(
                "The {what} holds bytes that are not UTF-8 text. Type it again, or set the "
                "terminal to UTF-8.",
                what=what,
            )
        ) from error


def _check_note_text(text: str) -> None:
    if not text.strip():
        raise NoteError(tr("The note is empty. Type the text of the note."))
    if len(text) > MAX_NOTE_CHARS:
        raise NoteError(
            tr(
                "The note has {count} characters; the limit is {limit}. Split it into "
                "several notes.",
                count=len(text),
                limit=MAX_NOTE_CHARS,
            )
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise NoteError(
            tr("The note holds bytes that are not valid text. Save it as UTF-8 and try again.")
        ) from error


def file_time_utc(path: Path) -> str:
    return (
        datetime.fromtimestamp(path.stat().st_mtime, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )
