"""What a report shows, gathered from the case folder alone: captures, notes, journeys, findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop.core.errors import UsageError
from desktop.core.i18n import tr
from desktop.core.proof.safepath import UnsafePathError, inside_or_none, resolve_inside
from desktop.core.proof.tsa_trust import TrustRoots
from desktop.core.proof.verify import VerifyReport, verify_case
from desktop.core.store.case import ORIGINALS, CaseInfo, named_files, read_case_info
from desktop.core.store.log import LOG_NAME, Event, scan_log
from desktop.core.textsafe import has_unsafe
from desktop.vocab import CAPTURES, EventType

CAPTURE_TYPES = CAPTURES
_HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_EXHIBIT_PREFIX = 40
MAX_BATES_START = 10**9


def check_numbering(exhibit_prefix: str, bates_start: int | None = None) -> None:
    """Refuse an exhibit label or first Bates number that cannot be printed on every page."""
    if not exhibit_prefix.strip() or len(exhibit_prefix) > MAX_EXHIBIT_PREFIX:
        raise UsageError(
            tr(
                "The exhibit prefix must have 1 to {limit} characters, such as A or PX.",
                limit=MAX_EXHIBIT_PREFIX,
            )
        )
    if has_unsafe(exhibit_prefix):
        raise UsageError(
            tr("The exhibit prefix holds control characters; use letters, digits or dashes.")
        )
    if bates_start is not None and not 0 <= bates_start <= MAX_BATES_START:
        raise UsageError(
            tr(
                "The first Bates number must be between 0 and {limit}.",
                limit=f"{MAX_BATES_START:,}",
            )
        )


@dataclass(frozen=True)
class NoteEntry:
    """A note as it stands: its latest text, with amendments and withdrawal said."""

    event: Event
    text: str
    amended_by: tuple[int, ...] = ()
    withdrawn: str | None = None

    @property
    def dead_end(self) -> bool:
        return bool(self.event.data.get("dead_end"))


@dataclass(frozen=True)
class CaptureEntry:
    """One screen in the report, with everything said about it."""

    event: Event
    exhibit: str
    path: Path
    sha256: str
    notes: tuple[NoteEntry, ...] = ()
    analysis: Event | None = None
    overlay: Path | None = None
    withdrawn: str | None = None
    # Rectangles whose pixels were redacted: filled in every image the report shows.
    redactions: tuple[tuple[int, int, int, int], ...] = ()
    redaction_reasons: tuple[str, ...] = ()
    # What each redaction of a keyframe covers, in words (every keyframe or this one only).
    redaction_scopes: tuple[str, ...] = ()
    # The analysis as it may be shown: logged numbers, recognised text from its text file,
    # none of the text read inside a redacted rectangle (see desktop.core.analysis.text).
    result: dict[str, Any] = field(default_factory=dict)
    text: str = "logged"  # "logged", "file" or "unavailable"
    # Why the image is not shown: the log names it outside the case or through a link.
    refused: str | None = None

    @property
    def seq(self) -> int:
        return self.event.seq

    @property
    def is_video(self) -> bool:
        return "video" in self.event.data

    def source_kind(self) -> str:
        if self.event.type == EventType.CAPTURE:
            return str(self.event.data.get("capture", {}).get("target", {}).get("kind", "screen"))
        if self.event.type == EventType.VIDEO_FRAME:
            return "video_frame"
        return "video" if self.is_video else "import"


@dataclass(frozen=True)
class JourneySummary:
    name: str
    screens: int
    notes: int
    dead_ends: int
    first: Event | None
    last: Event | None

    @property
    def duration_s(self) -> float | None:
        if self.first is None or self.last is None:
            return None
        start = datetime.fromisoformat(self.first.utc.replace("Z", "+00:00"))
        end = datetime.fromisoformat(self.last.utc.replace("Z", "+00:00"))
        return (end - start).total_seconds()


@dataclass(frozen=True)
class ReportModel:
    folder: Path
    info: CaseInfo
    events: list[Event]
    captures: list[CaptureEntry]
    notes: list[NoteEntry]
    journeys: list[JourneySummary]
    verification: VerifyReport
    environment: dict[str, Any] = field(default_factory=dict)
    timestamps: list[Event] = field(default_factory=list)

    @property
    def last_event(self) -> Event:
        return self.events[-1]

    @property
    def last_hash(self) -> str:
        return self.events[-1].hash

    @property
    def analyses(self) -> list[CaptureEntry]:
        return [c for c in self.captures if c.analysis is not None]


def _image_inside(folder: Path, relative: str, digest: str) -> tuple[Path, str | None]:
    """Where a capture's file is, and why it is not shown when it may not be read."""
    try:
        path = resolve_inside(folder, relative)
    except UnsafePathError as error:
        return folder / ORIGINALS, str(error)
    if not _HEX64.fullmatch(digest):
        return path, tr("the log gives no SHA-256 for this file, so it is not shown.")
    return path, None


def build_model(
    folder: Path,
    *,
    exhibit_prefix: str = "A",
    journeys: list[str] | None = None,
    tsa_roots: TrustRoots | None = None,
) -> ReportModel:
    """Read the case (without changing it) and arrange it for the report.

    A timestamp is called trusted only when its authority chains to one of `tsa_roots`
    (by default the system's roots).
    """
    info = read_case_info(folder)
    scan = scan_log(folder / LOG_NAME, check=False)  # verify_case below does the checking
    events = scan.events
    verification = verify_case(folder, tsa_roots=tsa_roots)
    withdrawn = {
        int(e.data["target"]): str(e.data.get("reason", ""))
        for e in events
        if e.type == EventType.WITHDRAW and isinstance(e.data.get("target"), int)
    }
    amendments: dict[int, list[Event]] = {}
    for event in events:
        if event.type == EventType.NOTE and isinstance(event.data.get("amends"), int):
            amendments.setdefault(int(event.data["amends"]), []).append(event)

    def note_entry(event: Event) -> NoteEntry:
        later = amendments.get(event.seq, [])
        text = str(later[-1].data.get("text", "")) if later else str(event.data.get("text", ""))
        return NoteEntry(event, text, tuple(e.seq for e in later), withdrawn.get(event.seq))

    wanted = set(journeys) if journeys else None
    notes = [
        note_entry(e)
        for e in events
        if e.type == EventType.NOTE
        and e.data.get("amends") is None
        and (wanted is None or e.journey in wanted)
    ]
    latest_analysis: dict[int, Event] = {}
    for event in events:
        if event.type == EventType.ANALYSIS and isinstance(event.data.get("capture"), int):
            latest_analysis[int(event.data["capture"])] = event
    from desktop.core.analysis.text import shown_analysis
    from desktop.core.edit.redact import (
        keyframe_scope_text,
        redaction_events_by_capture,
        redactions_by_capture,
    )

    redacted = redactions_by_capture(events)
    applied = redaction_events_by_capture(events)
    reasons = {
        seq: [str(event.data.get("reason", "")) for event in found]
        for seq, found in applied.items()
    }
    scopes = {
        seq: list(dict.fromkeys(filter(None, (keyframe_scope_text(e.data) for e in found))))
        for seq, found in applied.items()
    }
    captures: list[CaptureEntry] = []
    for event in events:
        if event.type not in CAPTURE_TYPES or not named_files(event):
            continue
        if wanted is not None and event.journey not in wanted:
            continue
        named = named_files(event)[0]
        path, refused = _image_inside(folder, named.path, named.sha256)
        analysis = latest_analysis.get(event.seq)
        overlay = None
        shown = None
        if analysis is not None:
            files = named_files(analysis)
            overlay = inside_or_none(folder, files[0].path) if files else None
            shown = shown_analysis(folder, analysis, redacted.get(event.seq, ()))
        attached = tuple(n for n in notes if n.event.data.get("attached_to") == event.seq)
        captures.append(
            CaptureEntry(
                event=event,
                exhibit=f"{exhibit_prefix}-{len(captures) + 1}",
                path=path,
                sha256=named.sha256,
                notes=attached,
                analysis=analysis,
                overlay=overlay,
                withdrawn=withdrawn.get(event.seq),
                redactions=tuple(redacted.get(event.seq, ())),
                redaction_reasons=tuple(reasons.get(event.seq, ())),
                redaction_scopes=tuple(scopes.get(event.seq, ())),
                result=shown.document if shown is not None else {},
                text=shown.text if shown is not None else "logged",
                refused=refused,
            )
        )
    names = [] if wanted is None else [n for n in journeys or [] if n]
    for event in events:
        if (
            event.journey
            and event.journey not in names
            and (wanted is None or event.journey in wanted)
        ):
            names.append(event.journey)
    summaries = []
    for name in names:
        screens = [c for c in captures if c.event.journey == name and not c.withdrawn]
        journey_notes = [n for n in notes if n.event.journey == name and not n.withdrawn]
        summaries.append(
            JourneySummary(
                name=name,
                screens=len(screens),
                notes=len(journey_notes),
                dead_ends=sum(n.dead_end for n in journey_notes),
                first=screens[0].event if screens else None,
                last=screens[-1].event if screens else None,
            )
        )
    environments = [e for e in events if e.type == EventType.ENVIRONMENT]
    return ReportModel(
        folder=folder,
        info=info,
        events=events,
        captures=captures,
        notes=notes,
        journeys=summaries,
        verification=verification,
        environment=environments[-1].data if environments else {},
        timestamps=[e for e in events if e.type == EventType.TIMESTAMP],
    )
