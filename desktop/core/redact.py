"""Redaction and annotation of a capture: derived images, logged with what was done and why.

The original never changes. Redaction replaces pixels with a solid fill in every image made
from that capture afterwards (the redacted copy, annotated copies, report pages, overlays in
reports); the bundle withholds the original instead of shipping its pixels.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.analysis.record import find_original
from desktop.core.case import DERIVED, CaseWriter
from desktop.core.errors import UsageError
from desktop.core.fsutil import write_new_file
from desktop.core.i18n import tr
from desktop.core.log import Event
from resources import resource_path

EDIT_KINDS = ("redact", "box", "arrow", "text")
REDACTION_FILL = (0, 0, 0)
ANNOTATION_COLOUR = (224, 49, 49)


@dataclass(frozen=True)
class Edit:
    """One shape in image pixels; an arrow runs from (x, y) to (x + width, y + height)."""

    kind: str
    x: int
    y: int
    width: int
    height: int
    text: str = ""

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "rect": [self.x, self.y, self.width, self.height],
        }
        if self.text:
            data["text"] = self.text
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Edit:
        x, y, width, height = (int(v) for v in data["rect"])
        return cls(str(data["kind"]), x, y, width, height, str(data.get("text", "")))


Rect4 = tuple[int, int, int, int]


def redactions_by_capture(events: Iterable[Event]) -> dict[int, list[Rect4]]:
    """Every redacted rectangle, per capture sequence number, from the log."""
    found: dict[int, list[Rect4]] = {}
    for event in events:
        seq = _edited_capture(event)
        if event.type != "redaction" or seq is None:
            continue
        edits = event.data.get("edits")
        for item in edits if isinstance(edits, list) else []:
            if (
                isinstance(item, dict)
                and item.get("kind") == "redact"
                and _is_rect(item.get("rect"))
            ):
                x, y, w, h = item["rect"]
                found.setdefault(seq, []).append((x, y, w, h))
    return found


def _edited_capture(event: Event) -> int | None:
    """The capture a redaction or annotation event edits; None when a doctored line says none."""
    seq = event.data.get("capture")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else None


def _is_rect(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    )


def redaction_key(rects: Sequence[Rect4]) -> str:
    """A short name for a set of redactions (cache file names of redacted copies)."""
    text = ";".join(",".join(map(str, rect)) for rect in sorted(rects))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def fill_rects(image: Any, rects: Sequence[Rect4]) -> Any:
    """The Pillow image with each rectangle replaced by solid fill (the pixels are gone)."""
    if not rects:
        return image
    from PIL import ImageDraw

    result = image.convert("RGB") if image.mode not in ("RGB", "L") else image.copy()
    draw = ImageDraw.Draw(result)
    fill = REDACTION_FILL if result.mode == "RGB" else 0
    for x, y, width, height in rects:
        if width > 0 and height > 0:
            draw.rectangle((x, y, x + width - 1, y + height - 1), fill=fill)
    return result


def _check(edits: Sequence[Edit], width: int, height: int) -> list[Edit]:
    kept = []
    for edit in edits:
        if edit.kind not in EDIT_KINDS:
            raise UsageError(tr("Unknown kind of edit: {kind}.", kind=edit.kind))
        if edit.kind == "redact":
            # Clip to the image; a rectangle outside it removes nothing and is refused.
            left, top = max(0, edit.x), max(0, edit.y)
            right = min(width, edit.x + edit.width)
            bottom = min(height, edit.y + edit.height)
            if right <= left or bottom <= top:
                raise UsageError(
                    tr("A redaction must cover part of the image; draw it over what to remove.")
                )
            edit = Edit("redact", left, top, right - left, bottom - top)
        kept.append(edit)
    return kept


def _draw_annotations(image: Any, edits: Sequence[Edit], scale: float) -> Any:
    from PIL import ImageDraw, ImageFont

    draw = ImageDraw.Draw(image)
    line = max(2, round(3 * scale))
    font = ImageFont.truetype(str(resource_path("fonts", "wqy-microhei.ttc")), round(18 * scale))
    for edit in edits:
        if edit.kind == "box":
            draw.rectangle(
                (edit.x, edit.y, edit.x + edit.width - 1, edit.y + edit.height - 1),
                outline=ANNOTATION_COLOUR,
                width=line,
            )
        elif edit.kind == "arrow":
            end = (edit.x + edit.width, edit.y + edit.height)
            draw.line(((edit.x, edit.y), end), fill=ANNOTATION_COLOUR, width=line)
            _arrow_head(draw, (edit.x, edit.y), end, line)
        elif edit.kind == "text" and edit.text:
            left, top, right, bottom = draw.textbbox((edit.x, edit.y), edit.text, font=font)
            pad = line
            draw.rectangle((left - pad, top - pad, right + pad, bottom + pad), fill=(255, 255, 255))
            draw.text((edit.x, edit.y), edit.text, font=font, fill=ANNOTATION_COLOUR)
    return image


def _arrow_head(draw: Any, start: tuple[int, int], end: tuple[int, int], line: int) -> None:
    import math

    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    size = 6 * line
    points = [end]
    for turn in (2.6, -2.6):
        points.append(
            (
                round(end[0] + size * math.cos(angle + turn)),
                round(end[1] + size * math.sin(angle + turn)),
            )
        )
    draw.polygon(points, fill=ANNOTATION_COLOUR)


def render_edited(
    path: Path, redactions: Sequence[Rect4], edits: Sequence[Edit], scale: float
) -> bytes:
    """PNG bytes of the image at `path` with the redactions filled and the edits drawn."""
    from PIL import Image

    with Image.open(path) as opened:
        opened.load()
        image = opened.convert("RGB")
    image = fill_rects(image, redactions)
    image = _draw_annotations(image, [e for e in edits if e.kind != "redact"], scale)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def edit_capture(writer: CaseWriter, seq: int, edits: Sequence[Edit], reason: str) -> Event:
    """Make a redacted or annotated copy of capture `seq` and log it with the reason.

    Redactions of earlier events for the same capture stay applied, so no later copy brings
    removed pixels back. The event is "redaction" when it removes pixels, else "annotation".
    """
    if not reason.strip():
        raise UsageError(tr("Say why: a redaction or annotation needs a reason."))
    if not edits:
        raise UsageError(tr("Draw at least one box, arrow, text or redaction first."))
    event, path, digest = find_original(writer.folder, seq)
    from desktop.core.log import scan_log

    width = int(event.data.get("image", {}).get("width") or event.data.get("width") or 0)
    height = int(event.data.get("image", {}).get("height") or event.data.get("height") or 0)
    if not width or not height:
        from PIL import Image

        with Image.open(path) as opened:
            width, height = opened.size
    edits = _check(edits, width, height)
    earlier = redactions_by_capture(scan_log(writer.log.path, check=False).events).get(seq, [])
    redactions = [*earlier, *[(e.x, e.y, e.width, e.height) for e in edits if e.kind == "redact"]]
    scale = float(event.data.get("capture", {}).get("scale") or 1.0)
    png = render_edited(path, redactions, edits, scale)
    kind = "redaction" if any(e.kind == "redact" for e in edits) else "annotation"
    relative = f"{DERIVED}/{seq:06d}-{kind}-{uuid.uuid4().hex[:8]}.png"
    write_new_file(writer.folder / relative, png)
    with writer.transaction() as tx:
        return tx.add(
            kind,
            {
                "capture": seq,
                "original_sha256": digest,
                "edits": [edit.as_data() for edit in edits],
                "reason": reason.strip(),
                "redactions_applied": len(redactions),
                "files": [
                    {
                        "path": relative,
                        "sha256": hashlib.sha256(png).hexdigest(),
                        "size": len(png),
                        "kind": "redacted" if kind == "redaction" else "annotated",
                    }
                ],
            },
            writer.state.active_journey,
        )


CAPTURE_EVENTS = frozenset({"capture", "import", "video_frame"})


def withheld_files(events: Sequence[Event]) -> dict[str, str]:
    """Files a bundle must not carry because they show redacted pixels: path -> why.

    For each redacted capture: its original (and the screen recording a redacted keyframe came
    from), every measurement overlay (drawn on the original), and redacted or annotated copies
    made before its last redaction. Copies made at or after the last redaction keep all
    redactions and are shipped.
    """
    from desktop.core.case import named_files

    redacted = redactions_by_capture(events)
    if not redacted:
        return {}
    last_redaction: dict[int, int] = {}
    for event in events:
        target = _edited_capture(event)
        if event.type == "redaction" and target is not None:
            last_redaction[target] = event.seq
    videos = {
        event.data["video_seq"]
        for event in events
        if event.type == "video_frame"
        and event.seq in redacted
        and isinstance(event.data.get("video_seq"), int)
    }
    withheld: dict[str, str] = {}
    for event in events:
        seq: int | None = None
        if event.type in CAPTURE_EVENTS and (event.seq in redacted or event.seq in videos):
            seq = event.seq
        elif (target := _edited_capture(event)) in redacted and (
            event.type == "analysis"
            or (event.type in ("redaction", "annotation") and event.seq < last_redaction[target])
        ):
            seq = target
        if seq is None:
            continue
        for named in named_files(event):
            withheld[named.path] = f"#{seq}"
    return withheld
