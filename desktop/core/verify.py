"""Verify a case folder: every original's hash, every log line's hash and link, stray files."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.case import (
    CASE_JSON,
    ORIGINALS,
    STAGING,
    STAGING_OWNER,
    NamedFile,
    named_files,
    read_case_info,
)
from desktop.core.i18n import tr
from desktop.core.log import LOG_NAME, LogProblem, scan_log
from desktop.core.safepath import inside_or_none


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
    # What each valid RFC 3161 token proves (desktop.core.timestamp.describe_timestamp).
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


def _sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def verify_case(folder: Path, withheld: Mapping[str, str] | None = None) -> VerifyReport:
    """Check a case folder completely; never changes anything.

    `withheld` (path -> SHA-256, from a bundle's withheld-sha256.txt) names files a bundle
    left out because they show redacted pixels; such a file may be absent when the log's own
    redaction events justify leaving it out and the hash matches the logged one.
    """
    info = read_case_info(folder)
    report = VerifyReport(case=str(folder), title=info.title)
    problems = report.problems
    scan = scan_log(folder / LOG_NAME)
    report.events = len(scan.events)
    report.last_hash = scan.events[-1].hash if scan.events else None
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

    first = scan.events[0] if scan.events else None
    case_json = folder / CASE_JSON
    if first is None or first.type != "case_opened":
        problems.append(
            Finding(
                "no_case_opened",
                tr("log line {line}", line=1),
                tr("the log does not start with the case_opened event"),
            )
        )
    elif _sha256_file(case_json) != first.data.get("case_json_sha256"):
        problems.append(
            Finding(
                "file_changed", CASE_JSON, tr("case.json differs from the version the log recorded")
            )
        )

    staged = _staging_hashes(folder)
    named: set[str] = set()
    justified: dict[str, str] = {}
    if withheld:
        from desktop.core.redact import withheld_files

        justified = withheld_files(scan.events)
    for event in scan.events:
        for entry in named_files(event):
            named.add(entry.path)
            if (
                entry.path in justified
                and withheld
                and withheld.get(entry.path) == entry.sha256
                and inside_or_none(folder, entry.path) is not None
                and not (folder / entry.path).exists()
            ):
                report.withheld.append(entry.path)
                continue
            finding = _check_named_file(folder, event.seq, entry, staged)
            if finding is None:
                report.files_checked += 1
            else:
                problems.append(finding)
                report.files_checked += finding.kind == "file_changed"

    # Trusted time: each RFC 3161 token must verify and cover the event it names (offline;
    # asn1crypto and cryptography are imported only when the log has a timestamp event).
    from desktop.core.timestamp import check_timestamps

    stamps = check_timestamps(folder, scan.events)
    problems.extend(stamps.findings)
    report.timestamps = stamps.proven

    originals = folder / ORIGINALS
    if originals.is_dir():
        for path in sorted(originals.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_file() and relative not in named:
                problems.append(
                    Finding(
                        "unreferenced_file",
                        relative,
                        tr(
                            "this file is in originals/ but no log event names "
                            "it: it was added after the fact"
                        ),
                    )
                )
    return report


def _check_named_file(
    folder: Path, seq: int, entry: NamedFile, staged: dict[str, Path]
) -> Finding | None:
    """The problem with one file an event vouches for, or None when it verifies."""
    path = inside_or_none(folder, entry.path)
    if path is None:
        message = tr("the event names a path outside the case: {path}", path=entry.path)
        return Finding("bad_path", f"seq {seq}", message)
    if not path.is_file():
        if entry.sha256 in staged:
            message = tr(
                "seq {seq}: the file is complete in .staging/ but was not moved into place "
                "(the program stopped); opening the case for writing finishes it",
                seq=seq,
            )
            return Finding("interrupted_import", entry.path, message)
        message = tr("seq {seq}: the file named by the log is missing", seq=seq)
        return Finding("missing_file", entry.path, message)
    if path.stat().st_size != entry.size or _sha256_file(path) != entry.sha256:
        message = tr(
            "seq {seq}: the file's SHA-256 differs from the one logged when it was saved", seq=seq
        )
        return Finding("file_changed", entry.path, message)
    return None


def _staging_hashes(folder: Path) -> dict[str, Path]:
    staging = folder / STAGING
    if not staging.is_dir():
        return {}
    return {
        _sha256_file(path): path
        for path in staging.rglob("*")
        if path.is_file() and path.name != STAGING_OWNER
    }
