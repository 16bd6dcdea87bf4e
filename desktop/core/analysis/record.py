"""Measure a capture inside a case: log the marks and the analysis, keep the overlay."""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from desktop.core.analysis.compare import Levels
from desktop.core.analysis.engine import AnalysisResult, analyze
from desktop.core.analysis.image import AnalysisInputError, load_image
from desktop.core.analysis.measure import ControlSpec
from desktop.core.analysis.overlay import render_overlay
from desktop.core.i18n import tr
from desktop.core.proof.safepath import UnsafePathError, resolve_inside, sha256_inside
from desktop.core.store.case import DERIVED, CaseWriter, named_files
from desktop.core.store.durable import write_new_file
from desktop.core.store.log import LOG_NAME, Event, scan_log
from desktop.vocab import CAPTURES, EventType

MEASURABLE = CAPTURES


@dataclass(frozen=True)
class RecordedAnalysis:
    result: AnalysisResult
    event: Event
    overlay_path: Path


def find_original(folder: Path, seq: int) -> tuple[Event, Path, str]:
    """The event with that sequence number, its image file and the logged hash, checked."""
    # Only the events are needed here: the file's hash is checked below, `verify` checks lines.
    events = {event.seq: event for event in scan_log(folder / LOG_NAME, check=False).events}
    event = events.get(seq)
    if event is None or event.type not in MEASURABLE or not named_files(event):
        raise AnalysisInputError(
            tr(
                "Event #{seq} is not a capture in this case. See the sequence numbers with: "
                "evidence-recorder log DIR",
                seq=seq,
            )
        )
    named = named_files(event)[0]
    if event.type == EventType.IMPORT and "video" in event.data:
        raise AnalysisInputError(
            tr("Event #{seq} is a screen recording; measure one of its keyframes instead.", seq=seq)
        )
    try:
        path = resolve_inside(folder, named.path)
        digest = sha256_inside(folder, named.path)[0]
    except UnsafePathError as error:
        raise AnalysisInputError(str(error)) from error
    except OSError:
        digest = None
    if digest != named.sha256:
        raise AnalysisInputError(
            tr(
                "The file of #{seq} does not match its logged hash, so it is not measured. Run "
                "evidence-recorder verify to see what changed.",
                seq=seq,
            )
        )
    return event, path, named.sha256


@dataclass(frozen=True)
class PreparedAnalysis:
    """A measurement of one capture, made but not yet logged (the slow half, off any lock)."""

    seq: int
    event: Event
    digest: str
    result: AnalysisResult
    overlay: bytes


def measure_capture(
    folder: Path,
    seq: int,
    specs: list[ControlSpec] | None,
    *,
    scale: float | None = None,
    levels: Levels | None = None,
) -> PreparedAnalysis:
    """Measure capture `seq` and draw its overlay; nothing is written.

    The scale is the one recorded with the capture unless `scale` overrides it; imports have
    none, so 1.0 is assumed and said.
    """
    event, path, digest = find_original(folder, seq)
    recorded = (
        event.data.get("capture", {}).get("scale") if event.type == EventType.CAPTURE else None
    )
    if scale is not None:
        image = load_image(path, scale=scale, scale_source="user")
    elif recorded:
        image = load_image(path, scale=float(recorded), scale_source="case")
    else:
        image = load_image(path)
    result = analyze(image, specs, levels)
    return PreparedAnalysis(seq, event, digest, result, render_overlay(result))


def log_analysis(writer: CaseWriter, prepared: PreparedAnalysis) -> RecordedAnalysis:
    """Keep the overlay and the recognised text; log a mark per given control and the analysis.

    Recognised text goes into its own derived file, never into the log. When the capture is
    already redacted, text read inside a redacted rectangle is neither kept nor drawn, and the
    result handed back shows it no more than a reader of the case would.
    """
    from desktop.core.analysis.text import TEXT_KIND, hide_redacted, logged_document, text_document
    from desktop.core.edit.redact import redactions_by_capture
    from desktop.core.store.log import canonical_json

    seq, result, overlay = prepared.seq, prepared.result, prepared.overlay
    events = scan_log(writer.log.path, check=False).events
    shown, hidden = hide_redacted(result, redactions_by_capture(events).get(seq, []))
    if hidden:
        overlay = render_overlay(shown)
    token = uuid.uuid4().hex[:8]
    relative = f"{DERIVED}/{seq:06d}-analysis-{token}.png"
    target = resolve_inside(writer.folder, relative)
    files = [
        {
            "path": relative,
            "sha256": hashlib.sha256(overlay).hexdigest(),
            "size": len(overlay),
            "kind": "overlay",
        }
    ]
    text = text_document(shown, hidden)
    text_bytes = b"" if text is None else canonical_json(text)
    text_relative = f"{DERIVED}/{seq:06d}-ocr-{token}.json"
    if text is not None:
        files.append(
            {
                "path": text_relative,
                "sha256": hashlib.sha256(text_bytes).hexdigest(),
                "size": len(text_bytes),
                "kind": TEXT_KIND,
            }
        )
    document = logged_document(result)
    document["image"]["path"] = named_files(prepared.event)[0].path
    written = [target]
    write_new_file(target, overlay)
    try:
        if text is not None:
            text_target = resolve_inside(writer.folder, text_relative)
            write_new_file(text_target, text_bytes)
            written.append(text_target)
        with writer.transaction() as tx:
            for control in result.controls:
                if control.spec.source == "user":
                    tx.add(
                        EventType.MARK,
                        {
                            "capture": seq,
                            "control": control.id,
                            "label": control.spec.label,
                            "role": control.spec.role,
                            "rect": control.spec.hint.as_list(),
                        },
                        writer.state.active_journey,
                    )
            logged = tx.add(
                EventType.ANALYSIS,
                {
                    "capture": seq,
                    "original_sha256": prepared.digest,
                    "files": files,
                    "result": document,
                },
                writer.state.active_journey,
            )
    except BaseException:
        # Nothing was logged: files no event vouches for would only confuse verify.
        for path in written:
            with contextlib.suppress(OSError):
                os.chmod(path, 0o644)
                path.unlink()
        raise
    return RecordedAnalysis(shown, logged, target)


def analyze_capture(
    writer: CaseWriter,
    seq: int,
    specs: list[ControlSpec] | None,
    *,
    scale: float | None = None,
    levels: Levels | None = None,
) -> RecordedAnalysis:
    """Measure capture `seq`; log a mark per given control and one analysis event."""
    prepared = measure_capture(writer.folder, seq, specs, scale=scale, levels=levels)
    return log_analysis(writer, prepared)
