"""Recognised text kept apart from the log: stored by hash, read back, hidden where redacted.

OCR reads what is on the screen, and that can be what a person later redacts ("Cancel plan
4242-9999"). The log is append-only and every bundle ships it, so recognised text never goes
into it: an analysis logs boxes, numbers, roles and ids, and names a derived text file (kind
"ocr_text") with its SHA-256. A redaction can then withhold that file, and every reader shows
only the text outside the redacted rectangles. Labels the person typed stay in the log.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desktop.core.analysis.compare import compare
from desktop.core.analysis.engine import AnalysisResult
from desktop.core.i18n import tr
from desktop.core.store.log import Event

TEXT_KIND = "ocr_text"
TEXT_VERSION = 1
TEXT_FILE_LIMIT = 16 * 1024 * 1024  # a real text file is a few KB; a larger one is not read

Rect4 = tuple[int, int, int, int]


def meets(box: object, rects: Iterable[Rect4]) -> bool:
    """True when the box [x, y, w, h] overlaps any of the rectangles (a malformed box does)."""
    try:
        x, y, width, height = (int(v) for v in box)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return True  # a box that cannot be read cannot be shown to be clear of a redaction
    for rx, ry, rw, rh in rects:
        if min(x + width, rx + rw) > max(x, rx) and min(y + height, ry + rh) > max(y, ry):
            return True
    return False


def recognised_ids(result: AnalysisResult) -> frozenset[str]:
    """The controls whose label came from OCR (everything but what the person typed)."""
    return frozenset(c.id for c in result.controls if c.spec.source != "user")


def without_text(result: AnalysisResult, ids: Iterable[str]) -> AnalysisResult:
    """The result with the recognised text of these controls taken out.

    Their labels are empty, so sentences name them by id ("c2"); the comparisons they are in
    are stated again (the numbers do not change). OCR lines are kept: say which with
    hide_redacted().
    """
    ids = frozenset(ids)
    if not ids:
        return result
    controls = [
        replace(c, spec=replace(c.spec, label="", ocr_text=None, matched_term=None))
        if c.id in ids
        else c
        for c in result.controls
    ]
    by_id = {c.id: c for c in controls}
    comparisons = [
        compare(by_id[c.promoted.id], by_id[c.suppressed.id], result.levels)
        if ids & {c.promoted.id, c.suppressed.id}
        else c
        for c in result.comparisons
    ]
    return replace(result, controls=controls, comparisons=comparisons)


def hide_redacted(
    result: AnalysisResult, rects: Sequence[Rect4]
) -> tuple[AnalysisResult, frozenset[str]]:
    """The result as it may be shown once these rectangles are redacted, and the ids hidden.

    A recognised label whose text box meets a redacted rectangle is removed, and so is every
    OCR line that does.
    """
    if not rects:
        return result, frozenset()
    hidden = frozenset(
        c.id
        for c in result.controls
        if c.spec.source != "user" and meets(c.spec.hint.as_list(), rects)
    )
    lines = tuple(line for line in result.ocr_lines if not meets(line.box, rects))
    return replace(without_text(result, hidden), ocr_lines=lines), hidden


def logged_document(result: AnalysisResult) -> dict[str, Any]:
    """The analysis document for the log: as_data() with no recognised text in it."""
    return without_text(result, recognised_ids(result)).as_data()


def text_document(result: AnalysisResult, hidden: Iterable[str] = ()) -> dict[str, Any] | None:
    """What OCR read, for the derived text file; None when OCR did not run (hand marks)."""
    if result.ocr is None:
        return None
    hidden = frozenset(hidden)
    recognised = recognised_ids(result) - hidden
    return {
        "kind": TEXT_KIND,
        "version": TEXT_VERSION,
        "controls": [
            {
                "id": c.id,
                "label": c.spec.label,
                "ocr_text": c.spec.ocr_text,
                "matched_term": c.spec.matched_term,
                "box": c.spec.hint.as_list(),
                "extent": c.extent.as_list(),
            }
            for c in result.controls
            if c.id in recognised
        ],
        "comparisons": [
            {
                "promoted": c.promoted.id,
                "suppressed": c.suppressed.id,
                "statements": c.statements.get("en", []),
                "statements_zh": c.statements.get("zh", []),
            }
            for c in result.comparisons
            if not hidden & {c.promoted.id, c.suppressed.id}
        ],
        "lines": [
            {"text": line.text, "confidence": round(line.confidence, 4), "box": list(line.box)}
            for line in result.ocr_lines
        ],
    }


def text_entry(event: Event) -> dict[str, Any] | None:
    """The analysis event's entry for its text file, or None (an old case, or hand marks)."""
    files = event.data.get("files")
    for entry in files if isinstance(files, list) else []:
        if isinstance(entry, dict) and entry.get("kind") == TEXT_KIND:
            return entry
    return None


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def load_text(folder: Path, entry: dict[str, Any]) -> dict[str, Any] | None:
    """The text document the entry names, if it is inside the case and has its logged hash."""
    from desktop.core.proof.safepath import UnsafePathError, read_inside

    try:
        data = read_inside(folder, str(entry.get("path", "")), limit=TEXT_FILE_LIMIT)
    except (UnsafePathError, OSError):
        return None
    if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        return None
    try:
        document = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("kind") != TEXT_KIND:
        return None
    return document


@dataclass(frozen=True)
class ShownAnalysis:
    """An analysis as readers show it: the logged numbers with the text that may be shown."""

    document: dict[str, Any]
    # "logged": the text is in the log itself (a case made before text files, or hand marks);
    # "file": read from its text file; "unavailable": the text file is missing or changed.
    text: str
    hidden: frozenset[str] = frozenset()

    @property
    def lines(self) -> list[dict[str, Any]]:
        """The OCR lines that may be shown (none when the text file could not be read)."""
        lines = self.document.get("ocr_lines")
        return lines if isinstance(lines, list) else []


def redacted_label() -> str:
    return tr("[redacted]")


def unavailable_label() -> str:
    return tr("[text unavailable]")


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _hide_inline(document: dict[str, Any], hidden: frozenset[str]) -> None:
    """Take redacted labels out of a document that holds its text inline (older cases)."""
    names: dict[str, str] = {}
    for control in _dicts(document.get("controls")):
        ident = str(control.get("id", ""))
        if ident in hidden:
            label = control.get("label")
            if isinstance(label, str) and label:
                names[label] = ident
            control["label"] = redacted_label()
            control["ocr_text"] = None
    if not names:
        return

    def scrub(text: object) -> object:
        if not isinstance(text, str):
            return text
        for label, ident in names.items():
            for left, right in (('"', '"'), ("\u201c", "\u201d")):
                text = text.replace(f"{left}{label}{right}", f"{left}{ident}{right}")
        return text

    for comparison in _dicts(document.get("comparisons")):
        for key in ("statements", "statements_zh"):
            if isinstance(comparison.get(key), list):
                comparison[key] = [scrub(s) for s in comparison[key]]
    if isinstance(document.get("notes"), list):
        document["notes"] = [scrub(n) for n in document["notes"]]


def shown_analysis(folder: Path, event: Event, rects: Sequence[Rect4] = ()) -> ShownAnalysis:
    """The analysis event's document with its recognised text put back where it may be shown.

    Text read inside a redacted rectangle is left out; a missing or changed text file leaves
    every recognised label as "[text unavailable]", never an error.
    """
    logged = event.data.get("result")
    document: dict[str, Any] = copy.deepcopy(logged) if isinstance(logged, dict) else {}
    controls = _dicts(document.get("controls"))
    recognised = [c for c in controls if c.get("source") != "user"]
    hidden = frozenset(str(c.get("id", "")) for c in recognised if meets(c.get("hint"), rects))
    entry = text_entry(event)
    if entry is None:
        _hide_inline(document, hidden)
        return ShownAnalysis(document, "logged", hidden)
    text = load_text(folder, entry)
    if text is None:
        for control in recognised:
            control["label"] = unavailable_label()
            control["ocr_text"] = None
        return ShownAnalysis(document, "unavailable", hidden)
    read = {str(c.get("id", "")): c for c in _dicts(text.get("controls"))}
    hidden |= {ident for ident, c in read.items() if meets(c.get("box"), rects)}
    for control in recognised:
        ident = str(control.get("id", ""))
        found = read.get(ident)
        if ident in hidden:
            control["label"] = redacted_label()
        elif found is not None:
            control["label"] = str(found.get("label") or "")
            control["ocr_text"] = found.get("ocr_text")
    stated = {
        (str(c.get("promoted")), str(c.get("suppressed"))): c
        for c in _dicts(text.get("comparisons"))
    }
    for comparison in _dicts(document.get("comparisons")):
        pair = (str(comparison.get("promoted")), str(comparison.get("suppressed")))
        found = stated.get(pair)
        if found is not None and not hidden & set(pair):
            for key in ("statements", "statements_zh"):
                if isinstance(found.get(key), list):
                    comparison[key] = [str(s) for s in found[key]]
    document["ocr_lines"] = [
        line for line in _dicts(text.get("lines")) if not meets(line.get("box"), rects)
    ]
    return ShownAnalysis(document, "file", frozenset(hidden))
