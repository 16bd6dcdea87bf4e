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
from desktop.core.errors import UsageError
from desktop.core.i18n import tr
from desktop.core.proof.safepath import resolve_inside
from desktop.core.store.case import DERIVED, CaseWriter, named_files
from desktop.core.store.durable import write_new_file
from desktop.core.store.log import Event
from desktop.vocab import CAPTURES, EDITS, EventType
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


def keyframes_of(events: Iterable[Event]) -> dict[int, list[int]]:
    """The keyframes of every screen recording: the recording's seq -> its keyframes' seqs."""
    frames: dict[int, list[int]] = {}
    for event in events:
        if event.type == EventType.VIDEO_FRAME and isinstance(event.data.get("video_seq"), int):
            frames.setdefault(int(event.data["video_seq"]), []).append(event.seq)
    return frames


def redaction_events_by_capture(events: Iterable[Event]) -> dict[int, list[Event]]:
    """Every redaction event that applies to a capture, per capture sequence number, in order.

    A redaction of a keyframe whose scope is the recording applies to every keyframe of that
    recording, also those logged after it.
    """
    events = list(events)
    frames = keyframes_of(events)
    found: dict[int, list[Event]] = {}
    for event in events:
        seq = _edited_capture(event)
        if event.type != EventType.REDACTION or seq is None:
            continue
        targets = [seq]
        scope = event.data.get("keyframes")
        if isinstance(scope, dict) and scope.get("scope") == "recording":
            video = scope.get("video_seq")
            if isinstance(video, int):
                targets += [frame for frame in frames.get(video, []) if frame != seq]
        for target in targets:
            found.setdefault(target, []).append(event)
    return found


def redactions_by_capture(events: Iterable[Event]) -> dict[int, list[Rect4]]:
    """Every redacted rectangle, per capture sequence number, from the log."""
    found: dict[int, list[Rect4]] = {}
    for seq, redactions in redaction_events_by_capture(events).items():
        for event in redactions:
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


def _keyframe_scope(
    events: Sequence[Event], event: Event, all_keyframes: bool
) -> dict[str, Any] | None:
    """What a redaction of a keyframe covers, and why, for the log (None for other captures)."""
    video = event.data.get("video_seq")
    if event.type != EventType.VIDEO_FRAME or not isinstance(video, int):
        return None
    if not all_keyframes:
        return {
            "scope": "frame",
            "video_seq": video,
            "frames": [event.seq],
            "why": "the person chose to redact this keyframe only",
        }
    return {
        "scope": "recording",
        "video_seq": video,
        "frames": keyframes_of(events).get(video, [event.seq]),
        "why": "a keyframe shows what the frames of its recording around it show, so the same "
        "region is redacted in every keyframe of the recording, also keyframes logged later",
    }


def edit_capture(
    writer: CaseWriter,
    seq: int,
    edits: Sequence[Edit],
    reason: str,
    *,
    all_keyframes: bool = True,
) -> Event:
    """Make a redacted or annotated copy of capture `seq` and log it with the reason.

    Redactions of earlier events for the same capture stay applied, so no later copy brings
    removed pixels back. The event is "redaction" when it removes pixels, else "annotation".
    A redaction of a keyframe of a screen recording applies to the same region of every
    keyframe of that recording unless `all_keyframes` is False; the event says which and why.
    """
    if not reason.strip():
        raise UsageError(tr("Say why: a redaction or annotation needs a reason."))
    if not edits:
        raise UsageError(tr("Draw at least one box, arrow, text or redaction first."))
    event, path, digest = find_original(writer.folder, seq)
    from desktop.core.store.log import scan_log

    width = int(event.data.get("image", {}).get("width") or event.data.get("width") or 0)
    height = int(event.data.get("image", {}).get("height") or event.data.get("height") or 0)
    if not width or not height:
        from PIL import Image

        with Image.open(path) as opened:
            width, height = opened.size
    edits = _check(edits, width, height)
    events = scan_log(writer.log.path, check=False).events
    earlier = redactions_by_capture(events).get(seq, [])
    redactions = [*earlier, *[(e.x, e.y, e.width, e.height) for e in edits if e.kind == "redact"]]
    scale = float(event.data.get("capture", {}).get("scale") or 1.0)
    png = render_edited(path, redactions, edits, scale)
    kind = EventType.REDACTION if any(e.kind == "redact" for e in edits) else EventType.ANNOTATION
    relative = f"{DERIVED}/{seq:06d}-{kind}-{uuid.uuid4().hex[:8]}.png"
    data: dict[str, Any] = {
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
                "kind": "redacted" if kind == EventType.REDACTION else "annotated",
            }
        ],
    }
    scope = _keyframe_scope(events, event, all_keyframes) if kind == EventType.REDACTION else None
    if scope is not None:
        data["keyframes"] = scope
    target = resolve_inside(writer.folder, relative)
    write_new_file(target, png)
    with writer.transaction_for_files(target) as tx:
        return tx.add(kind, data, writer.state.active_journey)


def keyframe_scope_text(data: dict[str, Any]) -> str:
    """What a redaction of a keyframe covers, in words ("" for other captures)."""
    scope = data.get("keyframes")
    if not isinstance(scope, dict):
        return ""
    if scope.get("scope") == "recording":
        frames = scope.get("frames")
        return tr(
            "The same areas are redacted in every keyframe of recording #{video} ({count} "
            "keyframes), as a keyframe shows what the frames around it show.",
            video=scope.get("video_seq"),
            count=len(frames) if isinstance(frames, list) else "?",
        )
    return tr(
        "Redacted in this keyframe only of recording #{video}, as chosen; its other keyframes "
        "are unchanged.",
        video=scope.get("video_seq"),
    )


def text_left_in_log(events: Sequence[Event], redaction: Event) -> list[int]:
    """Captures this redaction covers whose recognised text sits in the log itself.

    Cases measured before recognised text had its own file logged it inline; the log is
    append-only, so a redaction cannot take that text out of it (readers still hide it).
    """
    from desktop.core.analysis.text import text_entry

    covered = {
        seq
        for seq, found in redaction_events_by_capture(events).items()
        if any(e.seq == redaction.seq for e in found)
    }
    left = set()
    for event in events:
        capture = event.data.get("capture")
        if (
            event.type != EventType.ANALYSIS
            or capture not in covered
            or text_entry(event) is not None
        ):
            continue
        result = event.data.get("result")
        controls = result.get("controls") if isinstance(result, dict) else None
        for control in controls if isinstance(controls, list) else []:
            recognised = isinstance(control, dict) and control.get("source") != "user"
            if recognised and (control.get("label") or control.get("ocr_text")):
                left.add(int(capture))
    return sorted(left)


def inline_text_warning(captures: list[int]) -> str:
    """Say that text recognised in an older case stays in its log, and what to do."""
    return tr(
        "warning: #{captures} were measured before recognised text had its own file, so that "
        "text is written in the log itself. The log cannot be changed: reports and the window "
        "leave it out, but the log in a bundle still holds it. If it must not be handed over, "
        "start a new case and import the redacted copies.",
        captures=", #".join(map(str, captures)),
    )


def _shows_capture(seq: int) -> str:
    # Fixed text in both languages: it goes into withheld-sha256.txt, which must be the same
    # bytes whatever the language of the person exporting.
    return f"含有第 {seq} 号截图中被涂抹遮盖的像素 / shows pixels redacted from capture #{seq}"


def _report_before(seq: int) -> str:
    return (
        f"在第 {seq} 号事件涂抹遮盖之前制作的报告 / "
        f"a report made before the redaction at event #{seq}"
    )


def withheld_files(events: Sequence[Event]) -> dict[str, str]:
    """Files a bundle must not carry because they show what was redacted: path -> why.

    For each redacted capture (every keyframe of a recording a redaction covers): its original
    (and the screen recording a redacted keyframe came from), every measurement overlay (drawn
    on the original), the text OCR read in it before its last redaction, and redacted or
    annotated copies made before its last redaction. Copies and text made at or after the last
    redaction keep all redactions (the text read inside them is left out) and are shipped. A
    report ("export" of kind "report") is withheld when a redaction was logged after the last
    line it covers, or when the line it covers is not known and the case has any redaction: its
    pages may show what was removed.
    """
    from desktop.core.analysis.text import TEXT_KIND

    applied = redaction_events_by_capture(events)
    if not applied:
        return {}
    last_redaction = {seq: found[-1].seq for seq, found in applied.items()}
    redaction_seqs = sorted({event.seq for found in applied.values() for event in found})
    videos = {
        event.data["video_seq"]
        for event in events
        if event.type == EventType.VIDEO_FRAME
        and event.seq in applied
        and isinstance(event.data.get("video_seq"), int)
    }
    seq_of_hash = {event.hash: event.seq for event in events}
    withheld: dict[str, str] = {}
    for event in events:
        if event.type == EventType.EXPORT and event.data.get("kind") == "report":
            covered = seq_of_hash.get(str(event.data.get("covers_hash")), -1)
            later = [seq for seq in redaction_seqs if seq > covered]
            if later:
                for named in named_files(event):
                    withheld[named.path] = _report_before(later[0])
            continue
        entries = event.data.get("files")
        kinds = {
            str(entry.get("path")): entry.get("kind")
            for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, dict)
        }
        capture = event.data.get("capture")
        for named in named_files(event):
            why = None
            if event.type in CAPTURES and event.seq in applied:
                why = _shows_capture(event.seq)
            elif event.type in CAPTURES and event.seq in videos:
                why = (
                    f"第 {event.seq} 号录屏的关键帧有涂抹遮盖 / "
                    f"a screen recording (#{event.seq}) with redacted keyframes"
                )
            elif not isinstance(capture, int) or capture not in applied:
                continue
            elif event.type == EventType.ANALYSIS and kinds.get(named.path) == TEXT_KIND:
                if event.seq < last_redaction[capture]:
                    why = (
                        f"第 {capture} 号截图在涂抹遮盖之前识别出的文字 / "
                        f"text recognised in capture #{capture} before its redaction"
                    )
            elif event.type == EventType.ANALYSIS or (
                event.type in EDITS and event.seq < last_redaction[capture]
            ):
                why = _shows_capture(capture)  # an overlay, or a copy older than the last redaction
            if why is not None:
                withheld[named.path] = why
    return withheld
