"""The portable evidence bundle: a deterministic ZIP of a case that checks itself, and its check."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

import desktop
from desktop.core.errors import EvidenceError, UsageError
from desktop.core.i18n import tr
from desktop.core.ingest.images import safe_file_name
from desktop.core.proof.safepath import is_safe_relative, refuse_links_to, resolve_inside
from desktop.core.proof.tsa_trust import TrustRoots
from desktop.core.proof.verify import Finding, VerifyReport, links_and_special_files, verify_case
from desktop.core.store.case import (
    CASE_JSON,
    EXPORTS,
    ORIGINALS,
    OUTSIDE_CASE,
    CaseInfo,
    CaseWriter,
    NamedFile,
    named_files,
)
from desktop.core.store.durable import fsync_dir, fsync_fd, os_error_to_evidence, write_new_file
from desktop.core.store.log import LOG_NAME, Event, LogScan, scan_bytes, scan_log
from desktop.core.store.strictjson import strict_loads
from desktop.vocab import EventType

MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
BAG_INFO = "bag-info.txt"
VERIFY_TXT = "VERIFY.txt"
WITHHELD = "withheld-sha256.txt"  # files left out because they show redacted pixels
TAG_FILES = (BAG_INFO, MANIFEST, VERIFY_TXT)  # what tagmanifest-sha256.txt lists (+ WITHHELD)
# Members a bundle holds besides the files its log names.
TAG_NAMES = frozenset({*TAG_FILES, TAG_MANIFEST, WITHHELD, CASE_JSON, LOG_NAME})
ZIP_COMMENT = b"Evidence Recorder evidence bundle. See VERIFY.txt inside."
# Formats that are compressed already: deflating them only costs time.
STORED_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".mp4", ".m4v", ".mov", ".webm", ".mkv", ".webp", ".heic", ".heif"}
    | {".gif", ".avif", ".pdf", ".zip"}
)
FILE_ATTR = 0o100644 << 16  # a regular file, rw-r--r--, whatever the umask or the source's mode
UNIX = 3  # ZIP "version made by" host: the same bytes on every OS
EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can hold
CHUNK = 1 << 20
# Limits when unpacking a bundle to check it: far above any real case, far below a ZIP bomb.
MAX_MEMBERS = 1_000_000
MAX_UNPACKED_BYTES = 256 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed size of one member ...
RATIO_FLOOR = 16 * 1024**2  # ... counted only for members bigger than this
# The files a bundle holds besides those its log names, and the most each may unpack to: far
# above any real case, and read into memory only within these limits.
TAG_LIMITS = {
    CASE_JSON: 1024**2,
    LOG_NAME: 1024**3,
    MANIFEST: 256 * 1024**2,
    WITHHELD: 256 * 1024**2,
    TAG_MANIFEST: 1024**2,
    BAG_INFO: 1024**2,
    VERIFY_TXT: 1024**2,
}
# Text full of SHA-256 hashes never compresses this well; a ZIP bomb does at once.
TAG_RATIO = 100
TAG_RATIO_FLOOR = 1024**2
SPACE_MARGIN = 16 * 1024**2
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_LOG_KINDS = frozenset(
    {
        "hash_mismatch",
        "broken_link",
        "sequence_gap",
        "unreadable_line",
        "not_canonical",
        "torn_tail",
        "no_case_opened",
    }
)
_FILE_KINDS = frozenset({"file_changed", "missing_file", "interrupted_import", "unreferenced_file"})


class BundleError(EvidenceError):
    """A bundle cannot be made or opened; the message says why and what to do."""


@dataclass(frozen=True)
class BundleResult:
    """A bundle written: where, its hash and size, how many files, the log it covers."""

    path: Path
    sha256: str
    size: int
    files: int
    last_hash: str
    lines: int
    event: Event | None
    withheld: dict[str, str] = field(default_factory=dict)  # path -> why it was left out


@dataclass(frozen=True)
class _Member:
    """One file in the bundle, named relative to its top folder."""

    name: str
    sha256: str
    size: int
    data: bytes | None = None  # held in memory (small files) ...
    source: Path | None = None  # ... or read from the case while writing


# -- export ------------------------------------------------------------------------------------


def export_bundle(
    writer: CaseWriter,
    out: Path,
    *,
    report_pdf: Path | None = None,
    overwrite: bool = False,
) -> BundleResult:
    """Write the bundle of the case as it is now, then log an `export` event naming it.

    A report given as `report_pdf` is first recorded in the log with its SHA-256 (copied into
    exports/ when it lies elsewhere: attach_report), so the bundle holds only files its own log
    names. The bundle holds the log up to the line before its export event, so it is exactly
    the bundle write_bundle() gives for the same case state. If logging fails, the bundle is
    removed.
    """
    _check_destination(writer.folder, out, overwrite)
    report = None if report_pdf is None else attach_report(writer, report_pdf)
    result = write_bundle(writer, out, overwrite=overwrite)
    folder = writer.folder.resolve()
    placed = result.path.resolve()
    inside = placed.is_relative_to(folder)
    data: dict[str, Any] = {
        "kind": "bundle",
        "path": placed.relative_to(folder).as_posix() if inside else placed.name,
        "sha256": result.sha256,
        "size": result.size,
        "members": result.files,
        "covers_lines": result.lines,
        "covers_seq": result.lines - 1,
        "covers_hash": result.last_hash,
        "report": report,
    }
    if not inside:
        data["location"] = OUTSIDE_CASE  # the name only: no path of the person's machine
    try:
        with writer.transaction() as tx:
            event = tx.add(EventType.EXPORT, data, writer.state.active_journey)
    except BaseException:
        with contextlib.suppress(OSError):
            result.path.unlink()
        raise
    return replace(result, event=event)


def attach_report(writer: CaseWriter, report: Path) -> str:
    """Make the log name the PDF report with its SHA-256; its path inside the case.

    A report the log names already (same bytes) is left as it is. A report in exports/ that
    no event names is logged where it is; one anywhere else is copied into exports/ first. The
    event ("export", kind "report") keeps the report's file name but no path of the person's
    machine, and the line the report covers when the log recorded the same PDF before (so a
    report made before a redaction stays known as such).
    """
    data = _read_report(report)
    digest = _sha256(data)
    folder = writer.folder
    case = folder.resolve()
    resolved = report.resolve()
    in_exports = resolved.is_relative_to(case / EXPORTS)
    name = (
        resolved.relative_to(case).as_posix()
        if in_exports
        else f"{EXPORTS}/{safe_file_name(report.name)}"
    )
    copied: Path | None = None
    try:
        with writer.transaction() as tx:
            events = scan_log(folder / LOG_NAME, check=False).events
            logged = {entry.path: entry for event in events for entry in _named(event)}
            known = logged.get(name)
            if known is not None and known.sha256 == digest:
                return name
            if known is not None and in_exports:
                raise _case_does_not_verify(folder)  # the logged report itself was changed
            same = [entry.path for entry in logged.values() if entry.sha256 == digest]
            if known is None and not in_exports and same:
                return same[0]  # the log names these very bytes already, under another name
            target = resolve_inside(folder, name)
            if known is not None or (
                not in_exports and target.exists() and _hash_file(target)[0] != digest
            ):
                raise UsageError(
                    tr(
                        "A different file named {name} is already in the case. Rename the "
                        "report and try again.",
                        name=name,
                    )
                )
            if not in_exports and not target.exists():
                try:
                    target.parent.mkdir(exist_ok=True)
                    write_new_file(target, data)
                except OSError as error:
                    raise os_error_to_evidence(error, target.parent) from error
                copied = target
            record = _report_event(name, digest, data, report, case, events)
            tx.add(EventType.EXPORT, record, writer.state.active_journey)
    except BaseException:
        if copied is not None:
            _remove_read_only(copied)  # the log does not name it: no stray is left behind
        raise
    return name


def _report_event(
    name: str, digest: str, data: bytes, report: Path, case: Path, events: list[Event]
) -> dict[str, Any]:
    """The data of the event that names a report added to the case for a bundle."""
    entry = {"path": name, "sha256": digest, "size": len(data), "kind": "report"}
    record: dict[str, Any] = {
        "kind": "report",
        "path": name,
        "sha256": digest,
        "size": len(data),
        "files": [entry],
        "added_for": "bundle",
    }
    if not report.resolve().is_relative_to(case):
        record["copied_from"] = report.name
        record["location"] = OUTSIDE_CASE
    # The same PDF logged before (by `report --out` elsewhere): what it covers stays known.
    earlier = next(
        (
            event
            for event in events
            if event.type == EventType.EXPORT
            and event.data.get("kind") == "report"
            and event.data.get("sha256") == digest
        ),
        None,
    )
    if earlier is not None:
        record["made_at_seq"] = earlier.seq
        for label in ("covers_hash", "language", "pages"):
            if label in earlier.data:
                record[label] = earlier.data[label]
    return record


def _remove_read_only(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.chmod(path, 0o644)
        path.unlink()


def _named(event: Event) -> list[NamedFile]:
    """named_files(), or nothing for an event whose file entries cannot be read."""
    try:
        return named_files(event)
    except (ValueError, TypeError, OverflowError):
        return []


def write_bundle(writer: CaseWriter, out: Path, *, overwrite: bool = False) -> BundleResult:
    """Write the bundle without logging it; the same case state always gives the same bytes.

    It holds the files the log names, except those that show redacted pixels (withheld).
    """
    folder = writer.folder
    _check_destination(folder, out, overwrite)
    log_bytes, case_bytes, scan, strays = _snapshot(writer)
    _refuse_links(folder)
    events = scan.events
    if scan.problems or scan.torn is not None or not events or strays:
        raise _case_does_not_verify(folder)
    first, last = events[0], events[-1]
    if first.type != EventType.CASE_OPENED or first.data.get("case_json_sha256") != _sha256(
        case_bytes
    ):
        raise _case_does_not_verify(folder)
    members = {
        CASE_JSON: _Member(CASE_JSON, _sha256(case_bytes), len(case_bytes), data=case_bytes),
        LOG_NAME: _Member(LOG_NAME, _sha256(log_bytes), len(log_bytes), data=log_bytes),
    }
    out_resolved = out.resolve()
    from desktop.core.edit.redact import withheld_files

    to_withhold = withheld_files(events)
    withheld: dict[str, tuple[str, str]] = {}
    for event in events:
        for named in named_files(event):
            if not is_safe_relative(named.path) or named.path in TAG_NAMES:
                raise _case_does_not_verify(folder)
            if named.path in to_withhold:
                withheld[named.path] = (named.sha256, to_withhold[named.path])
                continue
            source = resolve_inside(folder, named.path)  # no link: checked just above
            if source.resolve() == out_resolved:
                raise UsageError(
                    tr(
                        "{path} is one of the case's evidence files; a bundle cannot replace it. "
                        "Choose another file name.",
                        path=out,
                    )
                )
            known = members.get(named.path)
            if known is not None and known.sha256 != named.sha256:
                raise _case_does_not_verify(folder)
            members[named.path] = _Member(named.path, named.sha256, named.size, source=source)
    info = CaseInfo.from_json(strict_loads(case_bytes))
    top = safe_file_name(folder.resolve().name or "case")
    payload = sorted(members.values(), key=lambda member: member.name)
    tags = _tag_files(payload, info, events, withheld)
    everything = sorted([*payload, *tags], key=lambda member: member.name)
    when = _zip_time(last)

    temp = out.with_name(f".{out.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with temp.open("xb") as handle:
            with zipfile.ZipFile(handle, "w", allowZip64=True) as archive:
                archive.comment = ZIP_COMMENT
                for member in everything:
                    _write_member(archive, f"{top}/{member.name}", member, when, folder)
            handle.flush()
            fsync_fd(handle.fileno())
        digest, size = _hash_file(temp)
        _place(temp, out, overwrite)
        fsync_dir(out.parent)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise os_error_to_evidence(error, out.parent) from error
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    withheld_reasons = {name: reason for name, (_digest, reason) in withheld.items()}
    return BundleResult(
        out, digest, size, len(everything), last.hash, len(events), None, withheld_reasons
    )


def _check_destination(folder: Path, out: Path, overwrite: bool) -> None:
    if out.is_dir():
        raise UsageError(
            tr(
                "{path} is a folder. Give a file name for the bundle, such as {example}.",
                path=out,
                example=out / "evidence.zip",
            )
        )
    if not out.parent.is_dir():
        raise UsageError(
            tr(
                "The folder {folder} does not exist. Create it or choose another place "
                "for the bundle.",
                folder=out.parent,
            )
        )
    if out.exists() and not overwrite:
        raise BundleError(
            tr(
                "{path} already exists. Choose another file name; a file is replaced only "
                "when you ask for it (--overwrite).",
                path=out,
            )
        )
    refuse_links_to(folder, out)  # a linked exports/ must not take the bundle elsewhere
    case = folder.resolve()
    target = out.resolve()
    if target.is_relative_to(case) and not target.is_relative_to(case / EXPORTS):
        raise UsageError(
            tr(
                "Put the bundle in the case's exports/ folder or outside the case; {path} "
                "would sit among the evidence.",
                path=out,
            )
        )


def _snapshot(writer: CaseWriter) -> tuple[bytes, bytes, LogScan, list[str]]:
    """The log, case.json and the files in originals/ the log does not name, read under the lock.

    Inside the lock every logged original has been moved into place, so a file the log does
    not name is a stray (verify reports it), not an import still under way.
    """
    folder = writer.folder
    with writer.transaction():
        log_bytes = _read(folder / LOG_NAME)
        case_bytes = _read(folder / CASE_JSON)
        originals = folder / ORIGINALS
        present = [
            path.relative_to(folder).as_posix()
            for path in sorted(originals.rglob("*") if originals.is_dir() else [])
            if path.is_file() and not path.is_symlink()
        ]
    scan = scan_bytes(log_bytes)
    named = {entry.path for event in scan.events for entry in named_files(event)}
    return log_bytes, case_bytes, scan, [path for path in present if path not in named]


def _refuse_links(folder: Path) -> None:
    """Stop the export when the case holds a link, FIFO or device: nothing is taken from it."""
    found = links_and_special_files(folder)
    if found:
        raise BundleError(
            tr(
                "The case folder holds {path}, which is a link or not a regular file; "
                "Evidence Recorder never makes one, so it was put there by hand. No bundle was "
                "made and nothing was followed. See every problem with: evidence-recorder "
                "verify {folder}",
                path=found[0].where,
                folder=folder,
            )
        )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise _read_error(path, error) from error


def _read_error(path: Path, error: OSError) -> EvidenceError:
    return EvidenceError(
        tr(
            "Cannot read {path}: {reason}. No bundle was made.",
            path=path,
            reason=error.strerror or str(error),
        )
    )


def _case_does_not_verify(folder: Path) -> BundleError:
    problems = verify_case(folder).problems
    first = problems[0] if problems else None
    return BundleError(
        tr(
            "The case does not verify ({count} problems; the first: {where}: {message}). "
            "No bundle was made. See every problem with: evidence-recorder verify {folder}",
            count=max(len(problems), 1),
            where=first.where if first else LOG_NAME,
            message=first.message if first else tr("it changed while the bundle was being made"),
            folder=folder,
        )
    )


def _read_report(report: Path) -> bytes:
    """The bytes of the PDF report to add to a bundle, or a clear error."""
    if not report.is_file():
        raise UsageError(
            tr(
                "The report {path} is not a file. Give the PDF made by evidence-recorder report.",
                path=report,
            )
        )
    data = _read(report)
    if not data.startswith(b"%PDF-"):
        raise UsageError(tr("The report {path} is not a PDF file.", path=report))
    return data


def _zip_time(event: Event) -> tuple[int, int, int, int, int, int]:
    """The local wall-clock time of the last event the bundle covers, as a ZIP entry time.

    Taken from the log, not from the moment of export, so the same case gives the same bytes.
    """
    try:
        moment = datetime.fromisoformat(event.local)
    except ValueError:
        return EPOCH
    if not 1980 <= moment.year <= 2107:
        return EPOCH
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _write_member(
    archive: zipfile.ZipFile,
    arcname: str,
    member: _Member,
    when: tuple[int, int, int, int, int, int],
    folder: Path,
) -> None:
    info = zipfile.ZipInfo(arcname, date_time=when)
    info.create_system = UNIX
    info.external_attr = FILE_ATTR
    stored = PurePosixPath(member.name).suffix.lower() in STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    if member.data is not None:
        archive.writestr(info, member.data)
        return
    assert member.source is not None
    info.file_size = member.size  # lets zipfile choose ZIP64 headers from the start if needed
    digest = hashlib.sha256()
    size = 0
    try:  # never through a link put in after the check: O_NOFOLLOW
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        source = os.fdopen(os.open(member.source, flags | getattr(os, "O_NONBLOCK", 0)), "rb")
    except FileNotFoundError:
        raise _case_does_not_verify(folder) from None
    except OSError as error:
        raise _read_error(member.source, error) from error
    with source, archive.open(info, "w") as sink:
        while True:
            try:
                chunk = source.read(CHUNK)
            except OSError as error:
                raise _read_error(member.source, error) from error
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
            if size > member.size:
                break
            sink.write(chunk)
    if size != member.size or digest.hexdigest() != member.sha256:
        raise _case_does_not_verify(folder)


def _place(temp: Path, out: Path, overwrite: bool) -> None:
    """Move the finished temp file to `out`; without `overwrite`, never replace a file."""
    if overwrite:
        os.replace(temp, out)
        return
    try:
        if os.name == "nt":
            os.rename(temp, out)  # refuses an existing target on Windows
            return
        try:
            os.link(temp, out)  # refuses an existing target, atomically
        except OSError as error:
            if isinstance(error, FileExistsError) or error.errno not in (
                errno.EPERM,
                errno.EOPNOTSUPP,
                errno.ENOTSUP,
                errno.EXDEV,
                errno.EMLINK,
            ):
                raise
            # FAT and exFAT (USB sticks) and some network shares have no hard links: claim
            # the name with an exclusive create, then replace that empty file.
            os.close(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            os.replace(temp, out)
            return
        os.unlink(temp)
    except FileExistsError:
        raise BundleError(
            tr(
                "{path} already exists. Choose another file name; a file is replaced only "
                "when you ask for it (--overwrite).",
                path=out,
            )
        ) from None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_file(path: Path) -> tuple[str, int]:
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return digest, path.stat().st_size


# -- the tag files: manifests, bag-info.txt, VERIFY.txt ----------------------------------------


def _manifest_line(digest: str, name: str) -> str:
    """A line in the format sha256sum writes and checks (with its escapes for odd names)."""
    if "\\" in name or "\n" in name or "\r" in name:
        escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{digest}  {escaped}\n"
    return f"{digest}  {name}\n"


def _manifest(members: Iterable[_Member]) -> bytes:
    return "".join(_manifest_line(m.sha256, m.name) for m in members).encode("utf-8")


def _withheld_list(withheld: dict[str, tuple[str, str]]) -> bytes:
    """withheld-sha256.txt: each file left out as a sha256sum line, after a # line saying why.

    sha256sum skips lines that start with #; the files themselves are absent on purpose, so
    `sha256sum -c` is not meant to pass on this list (VERIFY.txt says so).
    """
    return "".join(
        f"# {reason}\n{_manifest_line(digest, name)}"
        for name, (digest, reason) in sorted(withheld.items())
    ).encode("utf-8")


def _tag_files(
    payload: list[_Member],
    info: CaseInfo,
    events: list[Event],
    withheld: dict[str, tuple[str, str]],
) -> list[_Member]:
    last = events[-1]
    oxum = f"{sum(member.size for member in payload)}.{len(payload)}"
    title = " ".join(info.title.split())
    agent = f"{desktop.APP_NAME} {desktop.__version__} ({desktop.APP_ID})"
    bag_info = "".join(
        f"{label}: {value}\n"
        for label, value in (
            ("Bag-Software-Agent", agent),
            ("Bagging-Date", last.local[:10]),
            ("Payload-Oxum", oxum),
            ("External-Identifier", info.id),
            ("Case-Id", info.id),
            ("Case-Title", title),
            ("Log-Lines", str(len(events))),
            ("Log-Last-Seq", str(last.seq)),
            ("Log-Last-Hash", last.hash),
            ("Log-Last-Time", last.local),
            ("Tool-Version", desktop.__version__),
        )
    ).encode("utf-8")
    verify_txt = verify_text(
        title=title,
        case_id=info.id,
        lines=len(events),
        last=last,
        files=len(payload),
        withheld=len(withheld),
    ).encode("utf-8")
    manifest = _manifest(payload)
    tags = {
        BAG_INFO: bag_info,
        MANIFEST: manifest,
        VERIFY_TXT: verify_txt,
    }
    if withheld:
        tags[WITHHELD] = _withheld_list(withheld)
    members = [_Member(name, _sha256(data), len(data), data=data) for name, data in tags.items()]
    tag_manifest = _manifest(sorted(members, key=lambda member: member.name))
    members.append(
        _Member(TAG_MANIFEST, _sha256(tag_manifest), len(tag_manifest), data=tag_manifest)
    )
    return members


CHECK_SCRIPT = """\
import hashlib, json, pathlib
case = pathlib.Path("."); prev = "0" * 64; n = 0; w = case / "withheld-sha256.txt"
left_out = w.read_text("utf-8").splitlines() if w.exists() else []
skip = {l.split("  ", 1)[1] for l in left_out if l[:1] != "#"}  # "#" lines say why
for n, line in enumerate((case / "log.jsonl").read_bytes().splitlines(), 1):
    rec = json.loads(line); body = {k: v for k, v in rec.items() if k != "hash"}
    canon = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert rec["prev"] == prev, f"line {n}: prev does not link to the line before"
    assert hashlib.sha256(canon.encode()).hexdigest() == rec["hash"], f"line {n}: changed"
    if n == 1:
        own = hashlib.sha256((case / "case.json").read_bytes()).hexdigest()
        assert own == rec["data"]["case_json_sha256"], "case.json changed"
    d = rec["data"]; files = d.get("files") if isinstance(d.get("files"), list) else []
    for f in files + ([d["file"]] if isinstance(d.get("file"), dict) else []):
        if isinstance(f, dict) and "sha256" in f and f["path"] not in skip:
            p = str(f["path"]); q = case / p  # never a file outside the case, nor via a link
            bad = p[:1] in "/\\\\" or ":" in p or ".." in p.split("/")
            assert not bad, f"{p}: outside the case"
            assert not any(x.is_symlink() for x in (q, *q.parents)), f"{p}: a link"
            got = hashlib.sha256(q.read_bytes()).hexdigest()
            assert got == f["sha256"], f"{p} changed"
    prev = rec["hash"]
print("ok:", n, "lines, last hash", prev)
"""
# One line for PowerShell (Windows): OK or FAILED for each line of the manifest.
POWERSHELL_CHECK = (
    "Get-Content -Encoding UTF8 manifest-sha256.txt | ForEach-Object { "
    "$h, $p = $_ -split '  ', 2; "
    "if ((Get-FileHash -Algorithm SHA256 -LiteralPath $p).Hash -eq $h) "
    '{ "OK: $p" } else { "FAILED: $p" } }'
)
SCRIPT_START = "----- check_log.py -----"
SCRIPT_END = "----- end of check_log.py -----"


def _withheld_text(count: int) -> str:
    if not count:
        return ""
    return f"""
未随附的文件 / Files left out:    {count}（见 withheld-sha256.txt / see withheld-sha256.txt）
  这些文件含有被涂抹遮盖（删除像素）的内容，因此没有放进证据包；它们的 SHA-256 仍记录在
  日志中，原件保存在案件文件夹里。
  These files show areas that were redacted (pixels removed), so the bundle leaves them
  out; their SHA-256 stays in the log, and the originals stay in the case folder.
  withheld-sha256.txt 每个文件占两行：以 # 开头的一行说明原因，下一行是 SHA-256 和路径
  （sha256sum 的格式）。这些文件本来就不在证据包里，所以不要对它运行 sha256sum -c。
  In withheld-sha256.txt each file takes two lines: one starting with # says why, the next
  gives its SHA-256 and path (the sha256sum format). The files are absent on purpose, so do
  not run sha256sum -c on that list.
"""


def verify_text(
    *, title: str, case_id: str, lines: int, last: Event, files: int, withheld: int = 0
) -> str:
    """VERIFY.txt: how anyone can check the bundle, in Simplified Chinese and English."""
    version = desktop.__version__
    text = f"""\
证据包核对说明 / How to check this evidence bundle
(本文件为 UTF-8 文本 / this file is UTF-8 text)
======================================================================

案件 / Case:                      {title}
案件编号 / Case ID:               {case_id}
日志行数 / Log lines:             {lines}（事件 #0 至 #{last.seq} / events #0 to #{last.seq}）
最后一个事件 / Last event:        {last.local}
日志最后一行的哈希 / Last log hash:
    {last.hash}
文件数 / Files:                   {files}（见 manifest-sha256.txt / see manifest-sha256.txt）
制作工具 / Made with:             {desktop.APP_NAME_ZH} {desktop.APP_NAME} {version}
{_withheld_text(withheld)}

======================================================================
中文
======================================================================

这是什么
--------
这是用"证据记录器"制作的证据包。解压后，这个文件夹里有：

  case.json              案件信息：标题、服务、投诉人、创建时间
  log.jsonl              事件日志：每一次截图、导入、备注、测量都按时间顺序记一行
  originals/             原件：截图和导入的文件，字节与保存时完全相同
  derived/               由原件生成的图片（测量标注图、视频关键帧等）和时间戳凭证
  exports/               报告（PDF），如果有的话
  manifest-sha256.txt    上面每个文件的 SHA-256 指纹
  tagmanifest-sha256.txt 本说明、bag-info.txt 和 manifest-sha256.txt 的指纹
  bag-info.txt           证据包概要：文件数、总字节数、案件编号、日志最后一行的哈希
  VERIFY.txt             本说明

SHA-256 指纹是根据文件的每一个字节算出的 64 位编码。文件哪怕只改动一个字节，
指纹就会完全不同；而要造出指纹相同的另一个文件，在实际上是做不到的。

本证据包包含日志第 1 行到第 {lines} 行。制作本证据包这件事本身，是在证据包做好
之后才作为第 {lines + 1} 行（"export" 事件，记有本证据包的 SHA-256）写入原案件日志的，
所以不在本证据包里。

第一步：检查每个文件都没有改动
------------------------------
Linux 或 macOS：打开"终端"，进入解压出的这个文件夹，输入：

    sha256sum -c manifest-sha256.txt

  （macOS 若没有 sha256sum，请用：shasum -a 256 -c manifest-sha256.txt）
  每个文件后面都应显示 OK（中文系统可能显示"成功"）。显示 FAILED（"失败"）的
  文件在证据包做好之后被改动过。也可以用同样的方法检查说明文件本身：

    sha256sum -c tagmanifest-sha256.txt

Windows：在这个文件夹中打开 PowerShell（在文件夹空白处按住 Shift 点右键，
选"在此处打开 PowerShell 窗口"；Windows 11 上右键选"在终端中打开"），
粘贴下面一行后回车：

    {POWERSHELL_CHECK}

  每个文件都应显示 OK。只查一个文件时，也可以在"命令提示符"中输入，例如：

    certutil -hashfile originals\\文件名.png SHA256

  再把显示的指纹与 manifest-sha256.txt 中该文件那一行对比（大小写无关）。

第二步：检查日志链
------------------
log.jsonl 的每一行是一个事件。每行都带有自己的 "hash"：把这一行去掉 "hash" 字段，
按固定的格式（键按字母顺序排列、没有多余空格、UTF-8 编码的 JSON）写出来，再算
SHA-256，结果必须等于 "hash"。每行的 "prev" 必须等于上一行的 "hash"（第一行是
64 个 0）。这样，改动、删除、插入或调换任何一行，链条都会在那里断开。

每个原件的 SHA-256 在它保存的那一刻就记进了日志（事件中 "file" 的 "sha256"）。
所以，即使有人同时改了某个文件和 manifest-sha256.txt，日志仍会暴露这一改动；
若要连日志一起改，就必须重算之后所有行，日志最后一行的哈希也就变了。

因此，请把本说明开头的"日志最后一行的哈希"与你从别处得到的值核对：例如报告
PDF 上印的哈希、对方在邮件或材料中告诉你的哈希，或时间戳凭证。两者相同，就说明
到那一行为止的全部记录都没有被改写。只有当时间戳凭证来自你信任其根证书的机构时，
它才能证明时间；可在案件文件夹中用 OpenSSL 检查（COVERS_HASH 为 log.jsonl 中时间戳
事件的 "covers_hash"）：

    openssl ts -verify -token_in -in derived/timestamp-N.tsr -digest COVERS_HASH -CAfile ROOT.pem

没有这样一份来自别处的副本，谁也无法把本文件夹与"整个日志和所有文件被一起改写"的
文件夹区分开。

熟悉电脑的人可以用文末的 Python 脚本做这一步检查。

最简单的方法：用本程序检查
--------------------------
安装"证据记录器"后运行：

    evidence-recorder verify 证据包.zip

它会完成以上全部检查（每个文件、日志链、每个原件的记录指纹），并指出任何一个
被改动、缺少或多出的文件或日志行。

关于时间
--------
压缩包里各文件的时间，以及 bag-info.txt 中的 Bagging-Date，取自本证据包包含的
最后一个事件（见开头的"最后一个事件"），而不是导出的时刻。这样，同一案件状态
导出的证据包逐字节相同，任何人都可以重新导出并比较。


======================================================================
English
======================================================================

What this is
------------
This is an evidence bundle made with Evidence Recorder. Once unzipped, this folder holds:

  case.json              the case: title, service, complainant, when it was created
  log.jsonl              the event log: every screenshot, import, note and measurement,
                         one line each, in the order they happened
  originals/             the originals: screenshots and imported files, byte for byte as saved
  derived/               images made from the originals (measurement overlays, video
                         keyframes) and timestamp tokens
  exports/               the report (PDF), if there is one
  manifest-sha256.txt    the SHA-256 fingerprint of each file above
  tagmanifest-sha256.txt the fingerprints of this text, bag-info.txt and manifest-sha256.txt
  bag-info.txt           a summary: number of files, total bytes, case ID, last log hash
  VERIFY.txt             this text

A SHA-256 fingerprint is a 64-character code computed from every byte of a file. Change a
single byte and the fingerprint is completely different; making another file with the same
fingerprint is not possible in practice.

This bundle holds the log up to line {lines}. Making the bundle is itself recorded in the
case's own log as line {lines + 1} (an "export" event with the bundle's SHA-256), written
after the bundle was made, so that line is not in here.

Step 1: check that no file has changed
--------------------------------------
Linux or macOS: open a terminal in this unzipped folder and type:

    sha256sum -c manifest-sha256.txt

  (On a Mac without sha256sum: shasum -a 256 -c manifest-sha256.txt)
  Every file should say OK. A file that says FAILED was changed after the bundle was made.
  Check this text and the other tag files the same way:

    sha256sum -c tagmanifest-sha256.txt

Windows: open PowerShell in this folder (Shift + right-click on an empty part of the
folder, "Open PowerShell window here"; on Windows 11, right-click, "Open in Terminal"),
paste this line and press Enter:

    {POWERSHELL_CHECK}

  Every file should say OK. For a single file you can also type, in a Command Prompt:

    certutil -hashfile originals\\name-of-the-file.png SHA256

  and compare what it prints with that file's line in manifest-sha256.txt (upper or lower
  case does not matter).

Step 2: check the log chain
---------------------------
Each line of log.jsonl is one event, and each carries its own "hash": take the line without
its "hash" field, write it in the one fixed form (JSON with the keys in alphabetical order,
no extra spaces, UTF-8), compute its SHA-256, and the result must equal "hash". Each line's
"prev" must equal the "hash" of the line before it (64 zeros for the first line). So a line
changed, removed, inserted or moved breaks the chain at that point.

Each original's SHA-256 went into the log at the moment it was saved (the "sha256" of the
event's "file"). So even if someone changed a file and manifest-sha256.txt together, the
log would still show it; to change the log too, they would have to recompute every line
after it, and the last log hash would change.

So compare the "last log hash" at the top of this text with a copy you got elsewhere: the
hash printed in the PDF report, one the sender gave you in an e-mail or a filing, or a
timestamp token. If they are the same, nothing up to that line has been rewritten. A token
proves a time only if it comes from an authority whose root certificate you trust; check it
with OpenSSL in the case folder ("covers_hash" of the timestamp event in log.jsonl):

    openssl ts -verify -token_in -in derived/timestamp-N.tsr -digest COVERS_HASH -CAfile ROOT.pem

Without such an outside copy, nobody can tell this folder from one in which the whole log and
every file were rewritten together.

A technical helper can run the Python script at the end of this text for this step.

The simplest way: let the program check
---------------------------------------
With Evidence Recorder installed, run:

    evidence-recorder verify bundle.zip

It does all of the above (every file, the log chain, each original against the hash logged
when it was saved) and names any file or log line that was changed, is missing or was added.

About the times
---------------
The times of the files in the ZIP and the Bagging-Date in bag-info.txt are those of the last
event the bundle holds ("Last event" at the top), not the moment of export. That way the
same case always gives a bundle with the same bytes, and anyone can export it again and
compare.


======================================================================
附：检查日志链的 Python 脚本（在解压出的文件夹中运行 python3 check_log.py）
Appendix: a Python script that checks the log chain (save it as check_log.py in the
unzipped folder and run: python3 check_log.py)
======================================================================

{SCRIPT_START}
{CHECK_SCRIPT}{SCRIPT_END}
"""
    return text.replace("\n", "\r\n")  # readable in every editor, Windows Notepad included


# -- verify ------------------------------------------------------------------------------------


def verify_bundle(
    path: Path, *, work_dir: Path | None = None, tsa_roots: TrustRoots | None = None
) -> VerifyReport:
    """Check a bundle: every member against the manifests, then the case it holds.

    `tsa_roots`: the roots a timestamp authority must chain to (verify_case).

    The bundle is unpacked into a temporary folder (under `work_dir` if given) that is removed
    afterwards; nothing else is written. The small tag files come first, each within a fixed
    limit; every other member is unpacked only if the log names it, and only up to the size
    the log records for it, with a running count of the bytes actually produced (a ZIP entry's
    own size is never trusted). Paths in the findings are names inside the ZIP.
    """
    archive = _open_zip(path)
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        _check_members(infos, path)
        top = _top_folder(infos, path)
        report = VerifyReport(case=str(path), title="")
        with tempfile.TemporaryDirectory(prefix="evidence-bundle-", dir=work_dir) as temp:
            root = Path(temp) / "case"
            root.mkdir()
            members = _members_of(infos, top, report.problems)
            budget = _Budget(path, Path(temp), shutil.disk_usage(temp).free - SPACE_MARGIN)
            hashes: dict[str, list[str | None]] = {}
            for name, info in members.items():
                if name in TAG_LIMITS:
                    hashes[name] = [_unpack_tag(archive, info, root, name, path, budget)]
            declared = _declared_sizes(root)
            _check_space(Path(temp), sum(declared.get(name, 0) for name in members))
            not_unpacked: set[str] = set()
            for name, info in members.items():
                if name in TAG_LIMITS:
                    continue
                if name not in declared:
                    not_unpacked.add(name)
                    report.problems.append(
                        Finding(
                            "unreferenced_file",
                            f"{top}/{name}",
                            tr(
                                "this file is in the bundle but no event in its log names it: "
                                "it was added later (it was not unpacked)"
                            ),
                        )
                    )
                    hashes[name] = [None]
                    continue
                problems = len(report.problems)
                digest = _unpack(archive, info, root, name, declared[name], budget, report)
                hashes[name] = [digest]
                if digest is None and report.problems[problems:][-1].kind == "file_changed":
                    not_unpacked.add(name)  # too big: named already, not "missing" as well
            checked = _check_manifest(hashes, top, root, report.problems)
            known = {*hashes, *(_parse_manifest(root, top, MANIFEST, []) or {}), CASE_JSON}
            withheld = _withheld(root, top, report.problems)
            _check_case(root, top, known, report, withheld, not_unpacked, tsa_roots)
            _check_tag_facts(root, top, hashes, report)
            report.files_checked = len(checked - not_unpacked)
    return report


class _Budget:
    """A running count of the bytes unpacked, refused past the free space of the temp folder."""

    def __init__(self, bundle: Path, folder: Path, free: int) -> None:
        self.bundle, self.folder, self.free, self.used = bundle, folder, free, 0

    def take(self, count: int) -> None:
        self.used += count
        if self.used > self.free:
            raise BundleError(
                tr(
                    "Checking {path} would need more than the {free} bytes free in {folder}. "
                    "Nothing was kept. Free some space, or point TMPDIR at a larger disk.",
                    path=self.bundle,
                    free=f"{max(self.free, 0):,}",
                    folder=self.folder,
                )
            )


def _members_of(
    infos: list[zipfile.ZipInfo], top: str, problems: list[Finding]
) -> dict[str, zipfile.ZipInfo]:
    """The members in the case folder of the bundle by name; others and second copies named."""
    members: dict[str, zipfile.ZipInfo] = {}
    prefix = f"{top}/"
    for info in infos:
        if not info.filename.startswith(prefix):
            problems.append(
                Finding(
                    "extra_file",
                    info.filename,
                    tr("this file is outside the case folder of the bundle: it was added later"),
                )
            )
            continue
        name = info.filename[len(prefix) :]
        if name in members:
            problems.append(
                Finding(
                    "duplicate_member",
                    info.filename,
                    tr("the ZIP holds this name more than once: a second copy was added"),
                )
            )
            continue
        members[name] = info
    return members


def _declared_sizes(root: Path) -> dict[str, int]:
    """The size the unpacked log records for each file it names (the largest, if named twice)."""
    log = root / LOG_NAME
    if not log.is_file():
        return {}
    sizes: dict[str, int] = {}
    for event in scan_log(log, check=False).events:
        for entry in _named(event):
            if is_safe_relative(entry.path) and entry.path not in TAG_NAMES:
                sizes[entry.path] = max(sizes.get(entry.path, 0), entry.size, 0)
    return sizes


def _unpack_tag(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    root: Path,
    name: str,
    bundle: Path,
    budget: _Budget,
) -> str | None:
    """Unpack one tag file within its limit; a ZIP bomb is refused at its first excess."""
    limit = min(TAG_LIMITS[name], max(TAG_RATIO_FLOOR, TAG_RATIO * info.compress_size))
    target = root / name
    try:
        digest, excess = _stream(archive, info, target, limit, budget)
    except _UNREADABLE:
        return None  # named as damaged by the manifest check (its hash is missing)
    if excess:
        raise BundleError(
            tr(
                "{name} in {path} unpacks to more than {limit} bytes, which no evidence bundle "
                "holds (a ZIP bomb). Nothing was kept: treat the bundle as tampered with.",
                name=info.filename,
                path=bundle,
                limit=f"{limit:,}",
            )
        )
    return digest


_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


def _unpack(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    root: Path,
    name: str,
    size: int,
    budget: _Budget,
    report: VerifyReport,
) -> str | None:
    """Unpack a file the log names, up to the size it records; its SHA-256, or None."""
    target = resolve_inside(root, name)  # checked by _check_members already: belt and braces
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, excess = _stream(archive, info, target, size, budget)
    except _UNREADABLE as error:
        report.problems.append(
            Finding(
                "damaged_member",
                info.filename,
                tr(
                    "this file cannot be read from the ZIP ({reason}): the bundle's bytes "
                    "were damaged or changed",
                    reason=error,
                ),
            )
        )
        return None
    except OSError as error:
        report.problems.append(
            Finding(
                "unpack_failed",
                info.filename,
                tr(
                    "this file could not be unpacked to check it: {reason}",
                    reason=error.strerror or error,
                ),
            )
        )
        return None
    if excess:
        report.problems.append(
            Finding(
                "file_changed",
                info.filename,
                tr(
                    "this file unpacks to more than the {size} bytes the log records for it, "
                    "so it is not the file the log names; it was not unpacked further",
                    size=f"{size:,}",
                ),
            )
        )
        return None
    return digest


def _stream(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limit: int, budget: _Budget
) -> tuple[str | None, bool]:
    """Copy one member to `target`, counting the bytes it really gives; (SHA-256, too big).

    The copy stops at the first byte past `limit`, and what was written is removed then, as
    it is when the member cannot be read.
    """
    digest = hashlib.sha256()
    produced = 0
    done = False
    try:
        with archive.open(info) as source, target.open("xb") as sink:
            while chunk := source.read(min(CHUNK, limit - produced + 1)):
                produced += len(chunk)
                if produced > limit:
                    return None, True
                budget.take(len(chunk))
                digest.update(chunk)
                sink.write(chunk)
        done = True
    finally:
        if not done:
            with contextlib.suppress(OSError):
                target.unlink()
    return digest.hexdigest(), False


def _open_zip(path: Path) -> zipfile.ZipFile:
    if not path.exists():
        raise UsageError(
            tr(
                "{path} does not exist. Give the path of a bundle (.zip) or of a case folder.",
                path=path,
            )
        )
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise BundleError(
            tr(
                "{path} is not a ZIP file, or it is too damaged to read ({reason}). An evidence "
                "bundle is the .zip file that evidence-recorder export makes.",
                path=path,
                reason=error,
            )
        ) from error


def _check_members(infos: list[zipfile.ZipInfo], path: Path) -> None:
    """Refuse names that would land outside the folder, and sizes no real case has."""
    for info in infos:
        if not is_safe_relative(info.filename):
            raise BundleError(
                tr(
                    "The bundle {path} holds a file named {name}, which would be written outside "
                    "the folder it is unpacked into. Nothing was unpacked. Evidence Recorder "
                    "never makes such a bundle: treat it as tampered with.",
                    path=path,
                    name=repr(info.filename),
                )
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BundleError(
                tr(
                    "The file {name} in {path} would unpack from {packed} to {size} bytes, which "
                    "no evidence file does (a ZIP bomb). Nothing was unpacked.",
                    name=info.filename,
                    path=path,
                    packed=f"{info.compress_size:,}",
                    size=f"{info.file_size:,}",
                )
            )
    total = sum(info.file_size for info in infos)
    if len(infos) > MAX_MEMBERS or total > MAX_UNPACKED_BYTES:
        raise BundleError(
            tr(
                "{path} declares {count} files and {size} bytes, more than this program will "
                "unpack ({limit} bytes, {members} files). Nothing was unpacked.",
                path=path,
                count=f"{len(infos):,}",
                size=f"{total:,}",
                limit=f"{MAX_UNPACKED_BYTES:,}",
                members=f"{MAX_MEMBERS:,}",
            )
        )


def _top_folder(infos: list[zipfile.ZipInfo], path: Path) -> str:
    """The one top folder holding the case (it is named after the case folder)."""
    tops = sorted(
        {
            info.filename.split("/", 1)[0]
            for info in infos
            if info.filename.count("/") == 1
            and info.filename.split("/", 1)[1] in (MANIFEST, CASE_JSON, LOG_NAME)
        }
    )
    if len(tops) != 1:
        raise BundleError(
            tr(
                "{path} is a ZIP file but not one evidence bundle: it should hold exactly one "
                "folder with case.json, log.jsonl and manifest-sha256.txt.",
                path=path,
            )
        )
    return tops[0]


def _check_space(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if free < needed + SPACE_MARGIN:
        raise BundleError(
            tr(
                "The temporary folder {folder} has {free} bytes free, but checking the bundle "
                "needs {size}. Free some space, or point TMPDIR at a larger disk.",
                folder=folder,
                free=f"{free:,}",
                size=f"{needed:,}",
            )
        )


def _parse_manifest(
    root: Path, top: str, name: str, problems: list[Finding]
) -> dict[str, str] | None:
    """The lines of a manifest as {path: sha256}; None when the bundle lacks it."""
    path = root / name
    if not path.is_file():
        return None
    entries: dict[str, str] = {}
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        problems.append(Finding("bad_manifest", f"{top}/{name}", tr("the file is not UTF-8 text")))
        return entries
    for number, line in enumerate(text.split("\n"), start=1):
        if not line or line.startswith("#"):  # sha256sum skips "#" lines too
            continue
        escaped = line.startswith("\\")
        body = line[1:] if escaped else line
        digest, separator, file_name = body[:64], body[64:66], body[66:]
        if not _HEX64.fullmatch(digest) or separator not in ("  ", " *") or not file_name:
            problems.append(
                Finding(
                    "bad_manifest",
                    f"{top}/{name}",
                    tr("line {line} cannot be read as a SHA-256 and a file name", line=number),
                )
            )
            continue
        if escaped:
            file_name = (
                file_name.replace("\\\\", "\0").replace("\\n", "\n").replace("\\r", "\r")
            ).replace("\0", "\\")
        entries[file_name] = digest.lower()
    return entries


def _check_manifest(
    hashes: dict[str, list[str | None]], top: str, root: Path, problems: list[Finding]
) -> set[str]:
    """Every member against manifest-sha256.txt or tagmanifest-sha256.txt; what was checked."""
    checked: set[str] = set()
    listed: set[str] = {MANIFEST, TAG_MANIFEST}
    for manifest, reason in (
        (
            MANIFEST,
            tr(
                "the file's SHA-256 differs from the one in manifest-sha256.txt: it was changed "
                "after the bundle was made"
            ),
        ),
        (
            TAG_MANIFEST,
            tr(
                "the file's SHA-256 differs from the one in tagmanifest-sha256.txt: the file or "
                "the tag manifest was changed after the bundle was made"
            ),
        ),
    ):
        entries = _parse_manifest(root, top, manifest, problems)
        if entries is None:
            if manifest not in hashes:
                problems.append(
                    Finding(
                        "missing_file",
                        f"{top}/{manifest}",
                        tr(
                            "the bundle has no {name}, so its files cannot be checked against it",
                            name=manifest,
                        ),
                    )
                )
            continue
        for name, digest in sorted(entries.items()):
            listed.add(name)
            copies = hashes.get(name)
            if not copies:
                problems.append(
                    Finding(
                        "missing_file",
                        f"{top}/{name}",
                        tr(
                            "{manifest} lists this file but the bundle does not hold it",
                            manifest=manifest,
                        ),
                    )
                )
                continue
            checked.add(name)
            for copy in copies:
                if copy is not None and copy != digest:
                    problems.append(Finding("file_changed", f"{top}/{name}", reason))
    for name in sorted(set(hashes) - listed):
        problems.append(
            Finding(
                "extra_file",
                f"{top}/{name}",
                tr("this file is in the bundle but not in its manifest: it was added later"),
            )
        )
    return checked


def _withheld(root: Path, top: str, problems: list[Finding]) -> dict[str, str]:
    """withheld-sha256.txt of an unpacked bundle: path -> SHA-256 (empty when there is none)."""
    return _parse_manifest(root, top, WITHHELD, problems) or {}


def _check_case(
    root: Path,
    top: str,
    known: set[str],
    report: VerifyReport,
    withheld: dict[str, str],
    not_unpacked: set[str],
    tsa_roots: TrustRoots | None = None,
) -> None:
    """Run the case folder check on the unpacked case and take in what it found.

    `known` holds the paths of files in the case folder of the bundle (or its manifests): a
    finding about one of them is named by its path inside the ZIP. A member in `not_unpacked`
    is named already; the case check would only call it missing.
    """
    if not (root / CASE_JSON).is_file() or not (root / LOG_NAME).is_file():
        report.problems.append(
            Finding(
                "no_case",
                f"{top}/",
                tr("the bundle holds no case.json or no log.jsonl, so the log cannot be checked"),
            )
        )
        return
    try:
        CaseInfo.from_json(strict_loads((root / CASE_JSON).read_bytes()))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        report.problems.append(
            Finding(
                "case_unreadable",
                f"{top}/{CASE_JSON}",
                tr("case.json cannot be read ({reason}), so the log was not checked", reason=error),
            )
        )
        return
    # The bundle's own tag files sit beside the case; every other member is named by the log.
    tags = (*TAG_FILES, TAG_MANIFEST, WITHHELD)
    found = verify_case(root, withheld, tsa_roots, tag_files=tags, check_modes=False)
    named_already = {problem.where for problem in report.problems}
    # Take every field verify_case fills (title, events, last hash, trusted times ...) except
    # where the case is: the bundle's path stays, and its problems are merged below.
    for item in fields(found):
        if item.name not in ("case", "problems", "files_checked"):
            setattr(report, item.name, getattr(found, item.name))
    for problem in found.problems:
        where = problem.where
        if problem.kind == "missing_file" and where in not_unpacked:
            continue
        if (
            problem.kind == "unreferenced_file"
            and not where.startswith(f"{ORIGINALS}/")
            and f"{top}/{where}" in named_already
        ):
            continue  # an extra member the manifest check named already
        if problem.kind in _LOG_KINDS:
            where = f"{top}/{LOG_NAME}: {where}"
        elif problem.kind in _FILE_KINDS or where in known:
            where = f"{top}/{where}"
        report.problems.append(Finding(problem.kind, where, problem.message))


def _check_tag_facts(
    root: Path, top: str, hashes: dict[str, list[str | None]], report: VerifyReport
) -> None:
    """bag-info.txt and VERIFY.txt must agree with what the bundle holds.

    Payload-Oxum is compared only when every file matches the manifest, and the log's fields
    only when the log itself verifies: otherwise the real change is named already, and
    blaming bag-info.txt as well would point at the wrong file.
    """
    log_verifies = report.last_hash is not None and not any(
        problem.kind in _LOG_KINDS for problem in report.problems
    )
    verify_txt = root / VERIFY_TXT
    if log_verifies and verify_txt.is_file():
        text = verify_txt.read_bytes().decode("utf-8", errors="replace")
        if str(report.last_hash) not in text:
            report.problems.append(
                Finding(
                    "verify_txt_mismatch",
                    f"{top}/{VERIFY_TXT}",
                    tr(
                        "it does not give the last hash of the log in the bundle ({hash}): "
                        "the log or this file was changed",
                        hash=report.last_hash,
                    ),
                )
            )
    path = root / BAG_INFO
    if not path.is_file():
        return  # named as missing by the tag manifest check
    fields: dict[str, str] = {}
    for line in path.read_bytes().decode("utf-8", errors="replace").splitlines():
        label, separator, value = line.partition(":")
        if separator:
            fields[label.strip()] = value.strip()
    expected: dict[str, str | None] = {}
    if log_verifies:
        # A log cut short keeps a valid chain: these two fields are what names it.
        expected["Log-Last-Hash"] = report.last_hash
        expected["Log-Lines"] = str(report.events)
    manifest = _parse_manifest(root, top, MANIFEST, [])
    if manifest and all(
        hashes.get(name) and all(copy == digest for copy in hashes[name])
        for name, digest in manifest.items()
    ):
        sizes = [root.joinpath(*name.split("/")).stat().st_size for name in manifest]
        expected["Payload-Oxum"] = f"{sum(sizes)}.{len(sizes)}"
    with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError, OSError):
        expected["Case-Id"] = CaseInfo.from_json(strict_loads((root / CASE_JSON).read_bytes())).id
    for label, actual in expected.items():
        if actual is None:
            continue
        claimed = fields.get(label)
        if claimed != actual:
            report.problems.append(
                Finding(
                    "bag_info_mismatch",
                    f"{top}/{BAG_INFO}",
                    tr(
                        "it says {label}: {claimed}, but the bundle holds {actual}",
                        label=label,
                        claimed=claimed if claimed is not None else "-",
                        actual=actual,
                    ),
                )
            )
