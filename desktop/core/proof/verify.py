"""Verify a case folder: every original's hash, every log line's hash and link, stray files."""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.i18n import tr
from desktop.core.proof.safepath import (
    UnsafePathError,
    inside_or_none,
    is_safe_relative,
    regular_inside_or_none,
    resolve_inside,
    sha256_inside,
)
from desktop.core.proof.tsa_trust import TrustRoots
from desktop.core.store.case import (
    CASE_JSON,
    DERIVED,
    LOCK_NAME,
    ORIGINALS,
    STAGING,
    STAGING_OWNER,
    NamedFile,
    named_files,
    read_case_info,
)
from desktop.core.store.log import LOG_NAME, Event, LogProblem, LogScan, scan_file
from desktop.vocab import EventType


@dataclass(frozen=True)
class Finding:
    """One problem: a machine-readable kind, where it is, and a sentence for a person."""

    kind: str
    where: str
    message: str


@dataclass
class VerifyReport:
    case: str
    title: str
    events: int = 0
    files_checked: int = 0
    last_hash: str | None = None
    problems: list[Finding] = field(default_factory=list)
    # What each valid RFC 3161 token proves (desktop.core.proof.timestamp.describe_timestamp): its
    # "trusted" is true only when the authority chains to a root the person trusts; its
    # "warnings" name a clock that disagrees with the authority's time (not a failure).
    timestamps: list[dict[str, Any]] = field(default_factory=list)
    # Files a bundle left out because they show redacted pixels (their hashes are logged).
    withheld: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "title": self.title,
            "ok": self.ok,
            "events": self.events,
            "files_checked": self.files_checked,
            "last_hash": self.last_hash,
            "problems": [asdict(problem) for problem in self.problems],
            "timestamps": self.timestamps,
            "withheld": self.withheld,
        }


def _log_message(kind: str) -> str:
    messages = {
        "hash_mismatch": tr("the line was changed after it was written"),
        "broken_link": tr(
            "the line does not name the previous line's hash: a line before it "
            "was removed, inserted or reordered"
        ),
        "sequence_gap": tr(
            "the sequence number is not the next one: a line is missing or out of order"
        ),
        "not_canonical": tr(
            "the line is not in the exact form the program writes: it was edited or re-saved"
        ),
    }
    return messages[kind]


def _log_finding(problem: LogProblem) -> Finding:
    where = (
        tr("log line {line} (seq {seq})", line=problem.line, seq=problem.seq)
        if problem.seq is not None
        else tr("log line {line}", line=problem.line)
    )
    if problem.kind == "unreadable_line":
        message = tr("the line cannot be read as a log event: {detail}", detail=problem.detail)
    elif problem.kind == "bad_field":
        message = tr(
            "the line names a file in a form no reader can use: {detail}", detail=problem.detail
        )
    else:
        message = _log_message(problem.kind)
    return Finding(problem.kind, where, message)


# Events verify looks at beyond those naming files; notes, journeys, marks and environment
# lines are checked as lines and then let go, so memory stays flat in the log's length.
_VERIFY_TYPES = frozenset(
    {
        EventType.CASE_OPENED,
        EventType.REDACTION,
        EventType.ANNOTATION,
        EventType.TIMESTAMP,
        EventType.VIDEO_FRAME,
        EventType.EXPORT,
        EventType.WITHDRAW,
    }
)


def _needed_by_verify(event: Event) -> bool:
    return event.type in _VERIFY_TYPES or bool(named_files(event))


def _with_covered_events(path: Path, kept: list[Event]) -> list[Event]:
    """`kept` plus the events the timestamps cover (read again: only a log with timestamps)."""
    covered = {
        event.data.get("covers_seq")
        for event in kept
        if event.type == EventType.TIMESTAMP and isinstance(event.data.get("covers_seq"), int)
    }
    covered -= {event.seq for event in kept}
    if not covered:
        return kept
    extra = scan_file(path, keep=lambda event: event.seq in covered, check=False).events
    return sorted([*kept, *extra], key=lambda event: event.seq)


def verify_case(
    folder: Path,
    withheld: Mapping[str, str] | None = None,
    tsa_roots: TrustRoots | None = None,
    *,
    tag_files: Collection[str] = (),
    check_modes: bool = True,
) -> VerifyReport:
    """Check a case folder completely; never changes anything, never follows a link.

    A timestamp is called trusted only when its authority chains to one of `tsa_roots` (by
    default the system's roots, desktop.core.proof.tsa_trust.trust_roots()).

    `withheld` (path -> SHA-256, from a bundle's withheld-sha256.txt) names files a bundle
    left out because they show redacted pixels; such a file may be absent when the log's own
    redaction events justify leaving it out and the hash matches the logged one. `tag_files`
    are files a bundle adds beside the case (its manifests); `check_modes` is False for a
    bundle unpacked to check it (ZIP entries keep no read-only mode).
    """
    # A linked case.json is not read: it is named by _scan_folder, and the title stays empty.
    linked = os.path.islink(folder / CASE_JSON) and (folder / LOG_NAME).exists()
    info = None if linked else read_case_info(folder)
    report = VerifyReport(case=str(folder), title="" if info is None else info.title)
    problems = report.problems
    # A linked or special log.jsonl is not read (it is outside the case); _scan_folder names it.
    scan = (
        scan_file(folder / LOG_NAME, keep=_needed_by_verify)
        if regular_inside_or_none(folder, LOG_NAME) is not None
        else LogScan()
    )
    report.events = scan.count
    report.last_hash = scan.last.hash if scan.last else None
    problems.extend(_log_finding(problem) for problem in scan.problems)
    if scan.torn is not None:
        problems.append(
            Finding(
                "torn_tail",
                tr("log line {line}", line=scan.lines + 1),
                tr(
                    "the last line is incomplete ({size} bytes): the program stopped or the power "
                    "failed while writing it. The {count} lines before it are checked above. "
                    "Opening the case for writing seals it with a log_repaired event.",
                    size=scan.torn.length,
                    count=scan.lines,
                ),
            )
        )

    first = scan.first
    if first is None or first.type != EventType.CASE_OPENED:
        problems.append(
            Finding(
                "no_case_opened",
                tr("log line {line}", line=1),
                tr("the log does not start with the case_opened event"),
            )
        )
    elif _sha256_inside(folder, CASE_JSON) != first.data.get("case_json_sha256"):
        problems.append(
            Finding(
                "file_changed", CASE_JSON, tr("case.json differs from the version the log recorded")
            )
        )

    staged = _staging_hashes(folder)
    named: set[str] = set()
    justified: dict[str, str] = {}
    if withheld:
        from desktop.core.edit.redact import withheld_files

        justified = withheld_files(scan.events)
    for event in scan.events:
        for entry in named_files(event):
            named.add(entry.path)
            if (
                entry.path in justified
                and withheld
                and withheld.get(entry.path) == entry.sha256
                and inside_or_none(folder, entry.path) is not None
                and not os.path.lexists(folder / entry.path)
            ):
                report.withheld.append(entry.path)
                continue
            finding = _check_named_file(folder, event.seq, entry, staged)
            if finding is None:
                report.files_checked += 1
            else:
                problems.append(finding)
                report.files_checked += finding.kind == "file_changed"

    problems.extend(_check_logged_bundles(folder, scan.events))

    # Trusted time: each RFC 3161 token must verify and cover the event it names (offline;
    # asn1crypto and cryptography are imported only when the log has a timestamp event).
    from desktop.core.proof.timestamp import check_timestamps

    created = info.created.get("utc") if info and isinstance(info.created, dict) else None
    stamps = check_timestamps(
        folder,
        _with_covered_events(folder / LOG_NAME, scan.events),
        tsa_roots,
        case_created=created,
    )
    problems.extend(stamps.findings)
    report.timestamps = stamps.proven

    named |= _other_named_paths(scan.events)
    problems.extend(_scan_folder(folder, named, tag_files=tag_files, check_modes=check_modes))
    return report


def _check_named_file(
    folder: Path, seq: int, entry: NamedFile, staged: dict[str, Path]
) -> Finding | None:
    """The problem with one file an event vouches for, or None when it verifies."""
    if not is_safe_relative(entry.path):
        message = tr("the event names a path outside the case: {path}", path=entry.path)
        return Finding("bad_path", f"seq {seq}", message)
    try:
        resolve_inside(folder, entry.path)
    except UnsafePathError as error:  # a link on the way: named by _scan_folder as well
        return Finding("bad_path", entry.path, str(error))
    try:
        digest, size = sha256_inside(folder, entry.path)
    except (UnsafePathError, OSError):
        digest, size = None, 0
    if digest is None:
        if entry.sha256 in staged:
            message = tr(
                "seq {seq}: the file is complete in .staging/ but was not moved into place "
                "(the program stopped); opening the case for writing finishes it",
                seq=seq,
            )
            return Finding("interrupted_import", entry.path, message)
        message = tr("seq {seq}: the file named by the log is missing", seq=seq)
        return Finding("missing_file", entry.path, message)
    if size != entry.size or digest != entry.sha256:
        message = tr(
            "seq {seq}: the file's SHA-256 differs from the one logged when it was saved", seq=seq
        )
        return Finding("file_changed", entry.path, message)
    return None


def _check_logged_bundles(folder: Path, events: list[Event]) -> list[Finding]:
    """A bundle the log says it wrote inside the case must still have the logged bytes.

    Bundles are not in "files" (each bundle would nest the ones before it) and may have been
    moved away to be handed over, so a missing one is no problem; a changed one is. A path
    written again (export --overwrite) is checked against its last export event.
    """
    last: dict[str, Event] = {}
    for event in events:
        data = event.data
        if (
            event.type == EventType.EXPORT
            and data.get("kind") == "bundle"
            and "location" not in data
        ):
            last[str(data.get("path"))] = event
    found = []
    for relative, event in last.items():
        try:
            digest, size = sha256_inside(folder, relative)  # no link, no FIFO
        except (UnsafePathError, OSError):
            continue
        data = event.data
        if size != data.get("size") or digest != data.get("sha256"):
            message = tr(
                "seq {seq}: this bundle's SHA-256 differs from the one logged when it was "
                "written: it was changed or replaced",
                seq=event.seq,
            )
            found.append(Finding("file_changed", relative, message))
    return found


def _staging_hashes(folder: Path) -> dict[str, Path]:
    """SHA-256 of each regular file waiting in .staging/ (links and FIFOs are never opened)."""
    hashes: dict[str, Path] = {}
    if inside_or_none(folder, STAGING) is None:
        return hashes  # a linked .staging/ is named by _scan_folder
    for relative, info in _walk(folder, STAGING):
        if stat.S_ISREG(info.st_mode) and not relative.endswith(f"/{STAGING_OWNER}"):
            digest = _sha256_inside(folder, relative)
            if digest is not None:
                hashes[digest] = folder / relative
    return hashes


def _sha256_inside(folder: Path, relative: str) -> str | None:
    """SHA-256 of a regular file in the case, opened without following a link; None if not."""
    try:
        return sha256_inside(folder, relative)[0]
    except (UnsafePathError, OSError):
        return None


# Files the program keeps that are not evidence: the lock, and caches it can make again.
_NOT_EVIDENCE = frozenset({LOCK_NAME})
_CACHES = (f"{DERIVED}/cache/", f"{STAGING}/")
# What file managers leave in folders they show (never inside originals/).
_OS_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def _walk(folder: Path, under: str = "") -> Iterator[tuple[str, os.stat_result]]:
    """Every entry below `folder/under` as (relative path, lstat), never entering a link.

    In sorted order, depth first, with a stack rather than recursion (a folder nested 10,000
    deep must not stop verify).
    """
    pending = list(reversed(_children(folder, under)))
    while pending:
        relative, info, path = pending.pop()
        yield relative, info
        if stat.S_ISDIR(info.st_mode) and not _is_junction(path):
            pending.extend(reversed(_children(folder, relative)))


def _children(folder: Path, under: str) -> list[tuple[str, os.stat_result, str]]:
    """The entries of one folder, sorted by name, with their lstat and full path."""
    try:
        with os.scandir(folder / under if under else folder) as entries:
            found = sorted(entries, key=lambda entry: entry.name)
    except OSError:
        return []  # an unreadable folder: its files are named missing where logged
    children = []
    for entry in found:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        children.append((f"{under}/{entry.name}" if under else entry.name, info, entry.path))
    return children


def _is_junction(path: str) -> bool:
    is_junction = getattr(os.path, "isjunction", None)
    return bool(is_junction and is_junction(path))


def _other_named_paths(events: Sequence[Event]) -> set[str]:
    """Paths an event names outside data["files"]: a bundle made into exports/."""
    return {
        str(event.data["path"])
        for event in events
        if event.type == EventType.EXPORT and isinstance(event.data.get("path"), str)
    }


def links_and_special_files(folder: Path) -> list[Finding]:
    """Every link, FIFO, socket or device in the case folder (lstat only): what export refuses."""
    found = []
    for relative, info in _walk(folder):
        if stat.S_ISLNK(info.st_mode) or _is_junction(str(folder / relative)):
            found.append(Finding("symlink", relative, _link_message()))
        elif not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
            found.append(Finding("special_file", relative, _special_message()))
    return found


def _scan_folder(
    folder: Path,
    named: set[str],
    *,
    tag_files: Collection[str] = (),
    check_modes: bool = True,
) -> list[Finding]:
    """What the whole folder holds beyond the log's files: links, FIFOs, writable or stray files.

    Walked with lstat only: no link is followed and no file is opened, so a FIFO cannot hang
    it and nothing outside the case is looked at.
    """
    findings: list[Finding] = []
    known = {CASE_JSON, LOG_NAME, *_NOT_EVIDENCE, *tag_files}
    for relative, info in _walk(folder):
        mode = info.st_mode
        if stat.S_ISLNK(mode) or _is_junction(str(folder / relative)):
            findings.append(Finding("symlink", relative, _link_message()))
        elif stat.S_ISDIR(mode):
            continue
        elif not stat.S_ISREG(mode):
            findings.append(Finding("special_file", relative, _special_message()))
        elif relative.startswith(f"{ORIGINALS}/"):
            if check_modes and mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
                findings.append(Finding("writable_original", relative, _writable_message()))
            if relative not in named:
                findings.append(Finding("unreferenced_file", relative, _stray_original()))
        elif (
            relative in known
            or relative in named
            or relative.startswith(_CACHES)
            or relative.rsplit("/", 1)[-1] in _OS_LITTER
        ):
            continue
        else:
            findings.append(Finding("unreferenced_file", relative, _stray_message()))
    return findings


def _link_message() -> str:
    return tr(
        "this is a symbolic link (or junction) to somewhere else; Evidence Recorder never makes "
        "links, so it was put here by hand and was not followed. Replace it with the real file "
        "from a copy you trust, or treat the case as tampered with"
    )


def _special_message() -> str:
    return tr(
        "this is not a regular file (a FIFO, socket or device); Evidence Recorder never makes "
        "one and it was not opened. Remove it, or treat the case as tampered with"
    )


def _writable_message() -> str:
    return tr(
        "this original can be written to, but originals are made read-only when saved: its "
        "permissions were changed. Its hash is checked above; make it read-only again "
        "(chmod a-w) after checking it matches"
    )


def _stray_original() -> str:
    return tr("this file is in originals/ but no log event names it: it was added after the fact")


def _stray_message() -> str:
    return tr(
        "no log event names this file: it is not part of the evidence and was added after the "
        "fact. Do not rely on it; remove it or keep it apart from the case"
    )
