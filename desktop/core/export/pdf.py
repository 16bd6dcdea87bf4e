"""The PDF exhibit: cover, findings, timeline, one section per capture, methods, evidence list."""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import stat
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import desktop
from desktop.core.errors import EvidenceError
from desktop.core.export.fonts import SANS, register_fonts, rich
from desktop.core.export.model import CaptureEntry, ReportModel, build_model, check_numbering
from desktop.core.i18n import tr, use_language
from desktop.core.proof.safepath import (
    UnsafePathError,
    read_inside,
    refuse_links_to,
    resolve_inside,
)
from desktop.core.store.cachekey import cache_name
from desktop.core.store.case import OUTSIDE_CASE
from desktop.core.store.durable import fsync_dir, fsync_fd, os_error_to_evidence
from desktop.core.store.log import DATA_ERRORS, Event
from desktop.vocab import CAPTURE_MISSES, EventType, Role

log = logging.getLogger(__name__)

JPEG_LONG_SIDE = 1600
JPEG_QUALITY = 85
TIMELINE_TEXT = 240  # characters of a note in the timeline; the full text is in Notes
CACHE = ("derived", "cache", "jpeg")


class ReportCancelledError(EvidenceError):
    """The person cancelled the report."""


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    sha256: str
    last_hash: str


def jpeg_copy(
    folder: Path,
    relative: str,
    name: str,
    cache: Path,
    redactions: tuple[tuple[int, int, int, int], ...] = (),
    panel: dict[str, Any] | None = None,
) -> Path:
    """A JPEG copy of the case's image `relative` for the page (the PNG stays the original).

    Made once and kept in `cache` as `name`. Redacted rectangles are filled before scaling, so
    their pixels never reach the PDF. With `panel` (an analysis document as it may be shown),
    the image is a measurement overlay whose side panel is drawn again from it, so labels read
    inside a redaction are not shown either. The image is read only from inside the case, never
    through a link (UnsafePathError otherwise), and a cached copy counts only as a plain file.
    """
    from desktop.core.edit.redact import fill_rects, redaction_key

    suffix = f"-r{redaction_key(redactions)}" if redactions else ""
    if panel is not None:
        from desktop.core.store.log import canonical_json

        suffix += f"-p{hashlib.sha256(canonical_json(panel)).hexdigest()[:12]}"
    target = cache / f"{cache_name('jpeg', name, str(JPEG_LONG_SIDE), suffix)}.jpg"
    with contextlib.suppress(OSError):
        if stat.S_ISREG(os.lstat(target).st_mode):
            return target
    from PIL import Image

    data = read_inside(folder, relative)
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        rgb = fill_rects(image.convert("RGB"), redactions)
        if panel is not None:
            from desktop.core.analysis.overlay import redraw_panel

            rgb = redraw_panel(rgb, panel)
        rgb.thumbnail((JPEG_LONG_SIDE, JPEG_LONG_SIDE))
    temp = target.with_suffix(f".{os.getpid()}.tmp")
    rgb.save(temp, format="JPEG", quality=JPEG_QUALITY, optimize=False)
    os.replace(temp, target)
    return target


def qr_modules(value: str, cache: Path | None = None) -> tuple[list[tuple[int, int, int]], int]:
    """The dark runs (row, first column, length) of a QR code of value, and its module count.

    Encoding is pure Python (about 15 ms a code), so the runs of a hash are kept in the cache.
    """
    # A keyed name: never the value itself (a doctored log's "hash" could hold "../"), and
    # no one handing over a case can plant runs for another value under it.
    target = cache / f"{cache_name('qr', value)}.qr" if cache is not None else None
    if target is not None and target.is_file() and not target.is_symlink():
        try:
            lines = target.read_text("ascii").split()
            count = int(lines[0])
            runs = [(int(r), int(c), int(n)) for r, c, n in (x.split(",") for x in lines[1:])]
            return runs, count
        except (OSError, ValueError):
            pass  # a damaged cache entry is made again
    from reportlab.graphics.barcode import qrencoder

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(value)
    # Any mask pattern gives a valid code; scoring all eight costs 5x more per code.
    code.version = code.calculate_version()
    code.makeImpl(False, 0)
    count = code.getModuleCount()
    runs = []
    for row in range(count):
        col = 0
        while col < count:
            if code.isDark(row, col):
                start = col
                while col < count and code.isDark(row, col):
                    col += 1
                runs.append((row, start, col - start))
            col += 1
    if target is not None:
        text = "\n".join([str(count)] + [f"{r},{c},{n}" for r, c, n in runs]) + "\n"
        temp = target.with_suffix(f".{os.getpid()}.tmp")
        try:
            temp.write_text(text, "ascii")
            os.replace(temp, target)
        except OSError:
            temp.unlink(missing_ok=True)
    return runs, count


def _cache_dir(folder: Path) -> Path:
    try:
        cache = resolve_inside(folder, "/".join(CACHE))  # never a cache through a link
        cache.mkdir(parents=True, exist_ok=True)
        # O_EXCL: a new file of our own, never a planted `.probe -> ~/.bashrc` truncated.
        probe = cache / f".probe-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        probe.unlink()
        return cache
    except (OSError, UnsafePathError):  # a read-only case: copies in the user's temp folder
        return _private_temp_cache()


def _private_temp_cache() -> Path:
    """This user's own cache folder in the temp folder (another user's is never used)."""
    import tempfile

    fallback = (
        Path(tempfile.gettempdir()) / f"evidence-recorder-jpeg-{getattr(os, 'getuid', int)()}"
    )
    with contextlib.suppress(FileExistsError):
        os.mkdir(fallback, 0o700)
    info = os.lstat(fallback)
    owner = getattr(os, "getuid", None)
    if not stat.S_ISDIR(info.st_mode) or (owner is not None and info.st_uid != owner()):
        return Path(tempfile.mkdtemp(prefix="evidence-recorder-jpeg-"))
    return fallback


def _word(kind: str) -> str:
    """A source kind or role in the report's language."""
    words = {
        "screen": tr("screen"),
        "monitor": tr("monitor"),
        "region": tr("region"),
        "window": tr("window"),
        "import": tr("import"),
        "video": tr("video"),
        "video_frame": tr("video_frame"),
        Role.PROMOTED: tr("promoted"),
        Role.SUPPRESSED: tr("suppressed"),
        Role.OTHER: tr("other"),
    }
    return words.get(kind, kind)


def _when(event: Event) -> str:
    return event.local.replace("T", " ")


_CJK_OR_LONG_TOKEN = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|\S{28}")


def _wrap_style(text: str, style: str) -> str:
    """The style's name, or its faster Latin-wrapping twin when the text needs no CJK wrapping.

    CJK wrapping measures every character (about 10 times slower than breaking at spaces); it
    is needed for CJK text and for long unbroken tokens such as hashes.
    """
    return style if _CJK_OR_LONG_TOKEN.search(text) else style + "/latin"


def _styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle(
        "base", fontName=SANS, bulletFontName=SANS, fontSize=9.5, leading=13.5, wordWrap="CJK"
    )
    styles = {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=10),
        "mono": ParagraphStyle(
            "mono", parent=base, fontSize=7.5, leading=10, textColor=colors.HexColor("#333333")
        ),
        "title": ParagraphStyle("title", parent=base, fontSize=22, leading=28, spaceAfter=6),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontSize=12,
            leading=16,
            textColor=colors.HexColor("#555555"),
            spaceAfter=14,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontSize=15,
            leading=20,
            spaceBefore=4,
            spaceAfter=8,
            textColor=colors.HexColor("#1d3557"),
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
            textColor=colors.HexColor("#1d3557"),
        ),
        "statement": ParagraphStyle(
            "statement", parent=base, leftIndent=10, bulletIndent=0, spaceAfter=3
        ),
    }
    for name, style in list(styles.items()):
        styles[name + "/latin"] = ParagraphStyle(name + "/latin", parent=style, wordWrap=None)
    return styles


def _table(rows: list[list[Any]], widths: list[float], header: bool = True) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), SANS),  # cells set their font even around paragraphs
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#bbbbbb")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")))
    table.setStyle(TableStyle(style))
    return table


def _flowables(
    model: ReportModel,
    lang: str,
    images: dict[str, Path],
    prefix: str,
    cache: Path,
    unreadable: dict[str, str] | None = None,
) -> list[Any]:
    """The whole story, in the report's language; `unreadable` names images left out, and why."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    styles = _styles()
    width = 174 * mm

    def p(text: str, style: str = "base") -> Any:
        return Paragraph(rich(text), styles[_wrap_style(text, style)])

    def heading(text: str, level: int, key: str) -> Any:
        flowable = Paragraph(rich(text), styles[_wrap_style(text, "h1" if level == 0 else "h2")])
        flowable._bookmark = (key, text, level)
        return flowable

    info = model.info
    first, last = model.events[0], model.last_event
    story: list[Any] = [
        p(info.title, "title"),
        p(tr("Evidence exhibit") + " · " + tr("Evidence Recorder"), "subtitle"),
    ]
    captures_kept = [c for c in model.captures if not c.withdrawn]
    verified = (
        tr("every file and log line verified when this report was made")
        if model.verification.ok
        else tr(
            "{count} problems found when this report was made (see Methods)",
            count=len(model.verification.problems),
        )
    )
    cover = [
        [p(tr("Service or company")), p(info.service or "—")],
        [p(tr("Complainant")), p(info.complainant or "—")],
        [p(tr("Purpose")), p(info.purpose or "—")],
        [p(tr("Period covered")), p(f"{_when(first)} — {_when(last)}")],
        [p(tr("Journeys")), p(", ".join(j.name for j in model.journeys) or "—")],
        [
            p(tr("Captures and notes")),
            p(
                tr(
                    "{captures} captures, {notes} notes",
                    captures=len(captures_kept),
                    notes=len(model.notes),
                )
            ),
        ],
        [p(tr("Made with")), p(f"{desktop.APP_NAME} {desktop.__version__}")],
        [
            p(tr("Generated as of")),
            p(
                tr(
                    "{local} (UTC {utc}), the time of the last logged event",
                    local=_when(last),
                    utc=last.utc,
                )
            ),
        ],
        [
            p(tr("Last log line")),
            p(tr("#{seq}, SHA-256 {hash}", seq=last.seq, hash=last.hash), "mono"),
        ],
        [p(tr("Verification")), p(verified)],
        [p(tr("Exhibit prefix")), p(prefix)],
    ]
    if unreadable:
        cover.append(
            [
                p(tr("Images not shown")),
                p(
                    tr(
                        "{count} images could not be read and are left out; each exhibit "
                        "concerned says which and why",
                        count=len(unreadable),
                    )
                ),
            ]
        )
    story += [_table(cover, [42 * mm, width - 42 * mm], header=False), Spacer(1, 8 * mm)]
    story.append(
        p(
            tr(
                "This exhibit was generated from the case folder alone and can be generated "
                "again from it, byte for byte. Every original is identified by its SHA-256 "
                "hash, printed in full with each exhibit and on the certification page; anyone "
                "can recompute the hashes with sha256sum or with evidence-recorder verify."
            )
        )
    )
    story.append(PageBreak())

    # Findings
    story.append(heading(tr("Findings"), 0, "findings"))
    if not model.analyses:
        story.append(p(tr("No screen was measured.")))
    for entry in model.analyses:
        assert entry.analysis is not None
        story.append(
            heading(f"{entry.exhibit} · {entry.event.journey or '—'}", 1, f"finding-{entry.seq}")
        )
        finding: list[Any] = []
        try:
            result = entry.result
            comparisons = result.get("comparisons", [])
            if not comparisons:
                finding.append(p(tr("No promoted and suppressed pair to compare.")))
            for comparison in comparisons:
                key = "statements_zh" if lang == "zh" else "statements"
                for sentence in comparison.get(key, []):
                    finding.append(
                        Paragraph(
                            rich(str(sentence)),
                            styles[_wrap_style(str(sentence), "statement")],
                            bulletText="•",
                        )
                    )
        except DATA_ERRORS:
            finding = [p(_odd_data(entry.analysis))]
        story += finding
    story.append(heading(tr("Journey comparison"), 1, "journeys"))
    rows = [
        [
            p(tr("Journey")),
            p(tr("Screens captured")),
            p(tr("Steps noted")),
            p(tr("First to last capture")),
            p(tr("Dead ends noted")),
        ]
    ]
    for journey in model.journeys:
        seconds = journey.duration_s
        span = "—" if seconds is None else tr("{minutes:.1f} min", minutes=seconds / 60)
        rows.append(
            [
                p(journey.name),
                p(str(journey.screens)),
                p(str(journey.notes)),
                p(span),
                p(str(journey.dead_ends)),
            ]
        )
    story.append(_table(rows, [width * f for f in (0.28, 0.17, 0.15, 0.22, 0.18)]))
    story.append(PageBreak())

    # Timeline
    story.append(heading(tr("Timeline"), 0, "timeline"))
    rows = [
        [
            p(tr("#"), "small"),
            p(tr("Local time"), "small"),
            p(tr("UTC"), "small"),
            p(tr("Journey"), "small"),
            p(tr("Event"), "small"),
            p(tr("Details"), "small"),
        ]
    ]
    exhibits = {c.seq: c.exhibit for c in model.captures}
    for event in model.events:
        rows.append(
            [
                p(str(event.seq), "small"),
                p(_when(event), "small"),
                p(event.utc, "small"),
                p(event.journey or "—", "small"),
                p(event.type, "small"),
                p(_details_or_warning(event, exhibits), "small"),
            ]
        )
    story.append(_table(rows, [width * f for f in (0.06, 0.2, 0.19, 0.11, 0.11, 0.33)]))

    # One section per capture
    for entry in model.captures:
        story.append(PageBreak())
        try:
            section = _capture_section(
                entry, images, cache, styles, width, heading, p, unreadable or {}
            )
        except DATA_ERRORS:
            section = [heading(entry.exhibit, 0, f"exhibit-{entry.seq}"), p(_odd_data(entry.event))]
        story.extend(section)

    # Notes in full
    if model.notes:
        story.append(PageBreak())
        story.append(heading(tr("Notes"), 0, "notes"))
        for note in model.notes:
            tags = []
            attached = note.event.data.get("attached_to")
            if isinstance(attached, int) and not isinstance(attached, bool):
                tags.append(tr("on {exhibit}", exhibit=exhibits.get(attached, f"#{attached}")))
            if note.amended_by:
                tags.append(tr("amended by #{seqs}", seqs=", #".join(map(str, note.amended_by))))
            if note.withdrawn is not None:
                tags.append(tr("withdrawn: {reason}", reason=note.withdrawn))
            if note.dead_end:
                tags.append(tr("dead end"))
            header = f"#{note.event.seq} · {_when(note.event)} · {note.event.journey or '—'}"
            story.append(p(header + ("  [" + "; ".join(tags) + "]" if tags else ""), "small"))
            story.append(p(note.text))
            story.append(Spacer(1, 3 * mm))

    # Methods and limits
    story.append(PageBreak())
    story.extend(_methods(model, lang, heading, p))

    # Evidence list: page numbers are known once the captures have been laid out.
    story.append(PageBreak())
    story.append(heading(tr("Evidence list (证据目录)"), 0, "evidence-list"))
    story.append(_EvidenceList(model, width, p))
    story.append(PageBreak())
    story.extend(_certification(model, heading, p, width))
    return story


def _odd_data(event: Event) -> str:
    return tr(
        "The data of log line #{seq} has an unexpected form and is not shown here; see it "
        "with evidence-recorder log --json and check the case with evidence-recorder verify.",
        seq=event.seq,
    )


def _details_or_warning(event: Event, exhibits: dict[int, str]) -> str:
    try:
        return _details(event, exhibits)
    except DATA_ERRORS:
        return _odd_data(event)


def _details(event: Event, exhibits: dict[int, str]) -> str:
    data = event.data
    if event.type == EventType.NOTE:
        text = str(data.get("text", ""))
        short = text if len(text) <= TIMELINE_TEXT else text[: TIMELINE_TEXT - 1] + "…"
        if data.get("attached_to") is not None:
            short = (
                f"[{exhibits.get(int(data['attached_to']), '#' + str(data['attached_to']))}] "
                + short
            )
        return short
    if event.seq in exhibits:
        file = data.get("file", {})
        return (
            f"{exhibits[event.seq]} · {file.get('path', '')} · {str(file.get('sha256', ''))[:16]}…"
        )
    if event.type == EventType.JOURNEY:
        return str(data.get("name", ""))
    if event.type == EventType.WITHDRAW:
        return tr("withdraws #{seq}: {reason}", seq=data.get("target"), reason=data.get("reason"))
    if event.type == EventType.ANALYSIS:
        return tr(
            "measurement of {exhibit}", exhibit=exhibits.get(int(data.get("capture", -1)), "?")
        )
    if event.type == EventType.MARK:
        return f"{data.get('role')} “{data.get('label')}”"
    if event.type == EventType.CAPTURE_UNCHANGED:
        return tr("unchanged since #{seq}", seq=data.get("same_as"))
    if event.type in CAPTURE_MISSES:
        return str(data.get("reason", ""))
    if event.type == EventType.ENVIRONMENT:
        return str(data.get("os", {}).get("platform", ""))
    return ""


def _capture_section(
    entry: CaptureEntry,
    images: dict[str, Path],
    cache: Path,
    styles: dict[str, Any],
    width: float,
    heading: Callable[..., Any],
    p: Callable[..., Any],
    unreadable: dict[str, str],
) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, Spacer

    event = entry.event
    data = event.data
    title = f"{entry.exhibit} · {_word(entry.source_kind())} · {event.journey or '—'}"
    flow: list[Any] = [_ExhibitMarker(entry.exhibit), heading(title, 0, f"exhibit-{entry.seq}")]
    rows = [
        [
            p(tr("Logged at")),
            p(
                tr(
                    "{local} (UTC {utc}), log line #{seq}",
                    local=_when(event),
                    utc=event.utc,
                    seq=event.seq,
                )
            ),
        ],
        [p(tr("File")), p(str(data.get("file", {}).get("path", "")))],
    ]
    capture = data.get("capture")
    if isinstance(capture, dict):
        rect = ",".join(map(str, capture.get("rect", [])))
        rows.append(
            [
                p(tr("Screen capture")),
                p(
                    tr(
                        "{kind} {rect} via {backend}, scale {scale}, grabbed {grabbed}",
                        kind=capture.get("target", {}).get("kind", ""),
                        rect=rect,
                        backend=capture.get("backend", ""),
                        scale=capture.get("scale") or "?",
                        grabbed=capture.get("grabbed_utc", ""),
                    )
                ),
            ]
        )
        window = capture.get("window")
        if isinstance(window, dict):
            rows.append(
                [p(tr("Window")), p(f"{window.get('title', '')} ({window.get('process') or '?'})")]
            )
    source = data.get("source")
    if isinstance(source, dict):
        claimed = "; ".join(f"{k}: {v}" for k, v in sorted(source.get("claimed", {}).items()))
        rows.append([p(tr("Imported file")), p(str(source.get("name", "")))])
        rows.append([p(tr("Times the file claims")), p(claimed or "—")])
    if event.type == EventType.VIDEO_FRAME:
        rows.append(
            [
                p(tr("Video frame")),
                p(
                    tr(
                        "at {time:.2f} s of the recording #{seq} ({reason})",
                        time=float(data.get("time_s", 0)),
                        seq=data.get("video_seq"),
                        reason=data.get("reason", ""),
                    )
                ),
            ]
        )
    check = data.get("check")
    if isinstance(check, dict) and check.get("suspect"):
        rows.append(
            [
                p(tr("Warning")),
                p(
                    tr(
                        "marked suspect when captured: {reason} {colour}",
                        reason=check.get("reason", ""),
                        colour=check.get("colour") or "",
                    )
                ),
            ]
        )
    if entry.withdrawn is not None:
        rows.append([p(tr("Withdrawn")), p(entry.withdrawn)])
    if entry.redactions:
        rows.append(
            [
                p(tr("Redacted")),
                p(
                    tr(
                        "{count} areas were removed (filled black) in every image of this "
                        "capture in this report; the hash is of the unredacted original. "
                        "Reason: {reasons}",
                        count=len(entry.redactions),
                        reasons="; ".join(entry.redaction_reasons),
                    )
                    + " "
                    + tr("Text read by OCR inside these areas is left out of this report.")
                    + "".join(" " + scope for scope in entry.redaction_scopes)
                ),
            ]
        )
    flow.append(_table(rows, [36 * mm, width - 36 * mm], header=False))
    flow.append(Spacer(1, 3 * mm))

    def picture(key: str, max_w: float, max_h: float) -> Any:
        path = images.get(key)
        if path is None and key not in unreadable:
            return p(tr("The image is not shown: {reason}", reason=entry.refused or "—"))
        if path is None:
            return p(
                tr(
                    "The image {path} could not be read ({reason}); it is left out of this "
                    "report. Run evidence-recorder verify on the case to see whether it changed.",
                    path=str(data.get("file", {}).get("path", "")) if key == entry.sha256 else key,
                    reason=unreadable.get(key, "?"),
                ),
                "small",
            )
        from PIL import Image as PILImage

        with PILImage.open(path) as probe:
            pw, ph = probe.size
        ratio = min(max_w / pw, max_h / ph)
        return Image(str(path), width=pw * ratio, height=ph * ratio)

    if not entry.is_video:
        original = picture(entry.sha256, width if entry.overlay is None else width * 0.48, 125 * mm)
        if entry.overlay is not None and entry.overlay.name in {*images, *unreadable}:
            overlay = picture(entry.overlay.name, width * 0.5, 125 * mm)
            flow.append(
                _table(
                    [
                        [
                            p(tr("Original (scaled copy)"), "small"),
                            p(tr("Measurement overlay (derived image)"), "small"),
                        ],
                        [original, overlay],
                    ],
                    [width * 0.5, width * 0.5],
                    header=False,
                )
            )
        else:
            flow += [p(tr("Original (scaled copy)"), "small"), original]
    drawing = _QrCode(*qr_modules(entry.sha256, cache), 24 * mm)
    flow.append(Spacer(1, 3 * mm))
    flow.append(
        _table(
            [
                [
                    drawing,
                    Paragraph(
                        rich(tr("SHA-256 of the original:")) + "<br/>" + entry.sha256,
                        styles["mono"],
                    ),
                ]
            ],
            [28 * mm, width - 28 * mm],
            header=False,
        )
    )
    for note in entry.notes:
        flow.append(
            p(tr("Note #{seq} ({when}):", seq=note.event.seq, when=_when(note.event)), "small")
        )
        flow.append(p(note.text if len(note.text) <= 2000 else note.text[:2000] + "…"))
    if entry.analysis is not None:
        flow.append(heading(tr("Measurements"), 1, f"measure-{entry.seq}"))
        try:
            flow.append(_measurement_table(entry.result, p, width))
        except DATA_ERRORS:
            flow.append(p(_odd_data(entry.analysis)))
    return flow


def _measurement_table(result: dict[str, Any], p: Callable[..., Any], width: float) -> Any:
    rows = [
        [
            p(tr("Control"), "small"),
            p(tr("Role"), "small"),
            p(tr("Size (CSS px)"), "small"),
            p(tr("Text / fill / background"), "small"),
            p(tr("Text contrast"), "small"),
            p(tr("Visual weight"), "small"),
        ]
    ]
    for control in result.get("controls", []):
        extent = control.get("extent_css", [0, 0, 0, 0])
        contrast = control.get("text_contrast")
        rows.append(
            [
                p(f"{control.get('id')} {control.get('label', '')}", "small"),
                p(_word(str(control.get("role", ""))), "small"),
                p(f"{extent[2]:g} × {extent[3]:g}", "small"),
                p(
                    f"{control.get('text_color') or '—'} / {control.get('fill_color')} / "
                    f"{control.get('background_color')}",
                    "small",
                ),
                p("—" if contrast is None else f"{contrast:.2f}:1", "small"),
                p(f"{control.get('visual_weight', 0):,.0f}", "small"),
            ]
        )
    return _table(rows, [width * f for f in (0.26, 0.12, 0.14, 0.24, 0.11, 0.13)])


def _levels_used(model: ReportModel) -> list[tuple[float, float]]:
    """The (area, visual-weight) levels each shown analysis logged, in order, once each."""
    found: list[tuple[float, float]] = []
    for entry in model.analyses:
        logged = entry.result.get("parameters", {}) if isinstance(entry.result, dict) else {}
        levels = logged.get("levels") if isinstance(logged, dict) else None
        if not isinstance(levels, dict):
            continue
        area, weight = levels.get("area_ratio"), levels.get("visual_weight_ratio")
        if isinstance(area, int | float) and isinstance(weight, int | float):
            pair = (float(area), float(weight))
            if pair not in found:
                found.append(pair)
    return found


def _methods(
    model: ReportModel, lang: str, heading: Callable[..., Any], p: Callable[..., Any]
) -> list[Any]:
    from desktop.core.analysis.compare import Levels
    from desktop.core.analysis.engine import limits

    default = (Levels().area_ratio, Levels().visual_weight_ratio)
    levels = _levels_used(model) or [default]
    env = model.environment
    program = env.get("program", {})
    versions = ", ".join(f"{k} {v}" for k, v in sorted(env.get("libraries", {}).items()) if v)
    flow = [heading(tr("Methods and limits"), 0, "methods")]
    paragraphs = [
        tr(
            "Captures and imports: each original is written to a staging file, flushed to the "
            "disk, logged with its SHA-256 hash, then moved into originals/ and made read-only. "
            "Imported files keep their exact bytes; the times they claim (EXIF, file name, "
            "modification time) are recorded apart from the time of import."
        ),
        tr(
            "The log: every event is one line of canonical JSON (sorted keys, UTF-8) carrying "
            "its sequence number, UTC and local time, a monotonic clock reading, the previous "
            "line's hash and its own SHA-256. Changing, removing or reordering any line breaks "
            "the chain; a wall clock that moved is recorded in the event."
        ),
        tr(
            "What the folder alone cannot show: someone who rewrites the whole log and every "
            "file, recomputing every hash, makes a case that verifies. A rewrite is caught "
            "only by comparing with something kept elsewhere: the last log hash on the cover "
            "of an earlier report or in a bundle already handed over, or a trusted timestamp "
            "(RFC 3161) over a log hash, signed by an authority whose root you trust."
        ),
        tr(
            "Measurements: a control's visual extent is the connected region that differs from "
            "its local background (the modal colour of a ring 1 to 6 CSS px around it), with "
            "holes filled. Text colour is the median of the 15 % of ink pixels with the highest "
            "contrast to the fill; the as-rendered median is given too. Contrast follows WCAG "
            "2.x relative luminance, never rounded before comparison. Visual weight is the sum "
            "over the extent of |L*(p) - L*(b)| in CSS px². Every extent edge is moved by ±1 "
            "physical pixel and the ratios are given as ranges."
        ),
        tr(
            "Levels used to call a pair asymmetric: area ratio {area:g}, visual-weight ratio "
            "{weight:g}, at the conservative end of the range, or the suppressed text alone "
            "below its WCAG minimum. These are this project's defaults, not thresholds from a "
            "study; WCAG 2.2 gives 4.5:1 and 3:1 (1.4.3), 3:1 for controls (1.4.11) and 24 x 24 "
            "CSS px (2.5.8).",
            area=levels[0][0],
            weight=levels[0][1],
        )
        if levels == [default]
        else tr(
            "Levels used to call a pair asymmetric: area ratio {area:g}, visual-weight ratio "
            "{weight:g}, at the conservative end of the range, or the suppressed text alone "
            "below its WCAG minimum. They were set in Settings; this project's defaults are "
            "{default_area:g} and {default_weight:g}.",
            area=levels[0][0],
            weight=levels[0][1],
            default_area=default[0],
            default_weight=default[1],
        ),
    ]
    if len(levels) > 1:
        paragraphs.append(
            tr(
                "Not every analysis used the same levels; each one's levels are in its record: "
                "{levels}.",
                levels="; ".join(f"{area:g} / {weight:g}" for area, weight in levels),
            )
        )
    flow += [p(text) for text in paragraphs]
    flow.append(heading(tr("Limits"), 1, "limits"))
    flow += [p("• " + text) for text in limits()[lang]]
    flow.append(heading(tr("Environment"), 1, "environment"))
    flow.append(
        p(
            tr(
                "Operating system: {os}; Python {python}; time zone {zone}.",
                os=env.get("os", {}).get("platform", "?"),
                python=env.get("python", {}).get("version", "?"),
                zone=env.get("time_zone", "?"),
            )
        )
    )
    flow.append(p(tr("Libraries: {versions}.", versions=versions or "?")))
    flow.append(
        p(
            tr(
                "Program files: SHA-256 {hash} over {count} files.",
                hash=program.get("sha256", "?"),
                count=program.get("files", "?"),
            ),
            "mono",
        )
    )
    if not model.verification.ok:
        flow.append(heading(tr("Verification problems"), 1, "problems"))
        flow += [p(f"{f.where}: {f.message}", "small") for f in model.verification.problems]
    if model.verification.timestamps:
        from desktop.core.proof.timestamp import clock_warning_text, timestamp_statement

        flow.append(heading(tr("Timestamps"), 1, "timestamps"))
        for shown in model.verification.timestamps:
            # Worded here, in the report's language, from what verify found.
            words = f"#{shown['seq']}: {timestamp_statement(shown)}"
            if shown.get("trusted"):
                words += " " + tr("It does not show that the screen showed the truth.")
            flow.append(p(words))
            flow += [
                p("⚠ " + clock_warning_text(warning, shown["seq"]), "small")
                for warning in shown.get("warnings", [])
            ]
    flow.append(
        p(
            tr(
                "Fonts: WenQuanYi Micro Hei, DejaVu Sans and Symbola are embedded as "
                "subsets; characters none of them has appear as empty boxes."
            ),
            "small",
        )
    )
    return flow


def _certification(
    model: ReportModel, heading: Callable[..., Any], p: Callable[..., Any], width: float
) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    case_json = hashlib.sha256(read_inside(model.folder, "case.json")).hexdigest()
    flow = [
        heading(tr("Certification"), 0, "certification"),
        p(
            tr(
                "I made the captures and notes listed in this exhibit myself, at the times "
                "shown, while trying to use the service named on the cover. The files "
                "identified below are exactly those I captured or imported."
            )
        ),
    ]
    rows = [
        [p(tr("Item"), "small"), p(tr("SHA-256"), "small")],
        [p("case.json", "small"), p(case_json, "mono")],
        [
            p(tr("Last log line #{seq}", seq=model.last_event.seq), "small"),
            p(model.last_hash, "mono"),
        ],
    ]
    rows += [[p(c.exhibit, "small"), p(c.sha256, "mono")] for c in model.captures]
    flow += [_table(rows, [30 * mm, width - 30 * mm]), Spacer(1, 14 * mm)]
    flow.append(
        _table(
            [[p(tr("Name")), p("")], [p(tr("Signature")), p("")], [p(tr("Date")), p("")]],
            [30 * mm, width - 30 * mm],
            header=False,
        )
    )
    return flow


def _reportlab_classes() -> None:
    """Define the flowables that subclass ReportLab's, once ReportLab is imported."""
    global _ExhibitMarker, _EvidenceList, _QrCode
    from reportlab.platypus import Flowable

    class ExhibitMarker(Flowable):  # type: ignore[misc]
        def __init__(self, exhibit: str) -> None:
            super().__init__()
            self.exhibit = exhibit

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            self.canv._exhibit = self.exhibit
            self.canv._exhibit_pages.setdefault(self.exhibit, self.canv.getPageNumber())

    class EvidenceList(Flowable):  # type: ignore[misc]
        """A table made when it is laid out, when every exhibit's page is known."""

        def __init__(self, model: ReportModel, width: float, p: Callable[..., Any]) -> None:
            super().__init__()
            self.model, self.width, self.p = model, width, p
            self._table: Any = None

        def _make(self) -> Any:
            if self._table is None:
                pages = getattr(self.canv, "_exhibit_pages", {})
                p = self.p
                rows = [
                    [
                        p(tr("Exhibit"), "small"),
                        p(tr("Name"), "small"),
                        p(tr("Source"), "small"),
                        p(tr("What it shows"), "small"),
                        p(tr("Page"), "small"),
                    ]
                ]
                for entry in self.model.captures:
                    name = entry.event.data.get("source", {}).get("name") or entry.path.name
                    shows = entry.notes[0].text if entry.notes else ""
                    shows = shows if len(shows) <= 160 else shows[:159] + "…"
                    rows.append(
                        [
                            p(entry.exhibit, "small"),
                            p(name, "small"),
                            p(_word(entry.source_kind()), "small"),
                            p(shows or "—", "small"),
                            p(str(pages.get(entry.exhibit, "?")), "small"),
                        ]
                    )
                self._table = _table(rows, [self.width * f for f in (0.1, 0.28, 0.14, 0.38, 0.1)])
            return self._table

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            result: tuple[float, float] = self._make().wrap(available_width, available_height)
            return result

        def split(self, available_width: float, available_height: float) -> list[Any]:
            parts: list[Any] = self._make().split(available_width, available_height)
            return parts

        def draw(self) -> None:
            self._make().drawOn(self.canv, 0, 0)

    class QrCode(Flowable):  # type: ignore[misc]
        """A QR code drawn as one path of dark runs (no font, so nothing unembedded is named)."""

        def __init__(self, runs: list[tuple[int, int, int]], count: int, size: float) -> None:
            super().__init__()
            self.runs, self.count, self.size = runs, count, size

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return self.size, self.size

        def draw(self) -> None:
            cell = self.size / (self.count + 8)  # a quiet zone of 4 modules around it
            path = self.canv.beginPath()
            for row, col, length in self.runs:
                path.rect((col + 4) * cell, self.size - (row + 5) * cell, length * cell, cell)
            self.canv.setFillColorRGB(0, 0, 0)
            self.canv.drawPath(path, stroke=0, fill=1)

    _ExhibitMarker, _EvidenceList, _QrCode = ExhibitMarker, EvidenceList, QrCode


_ExhibitMarker: Any = None
_EvidenceList: Any = None
_QrCode: Any = None


def _relative(folder: Path, path: Path) -> str:
    """A path the model resolved inside the case, as the case names it."""
    return path.relative_to(folder).as_posix()


def partial_path(out: Path, pid: int) -> Path:
    """Where process `pid` writes the report before renaming it to `out`."""
    return out.with_name(f".{out.name}.{pid}.tmp")


def build_report(
    folder: Path,
    out: Path | None = None,
    *,
    language: str = "en",
    exhibit_prefix: str = "A",
    bates_start: int | None = None,
    journeys: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    tsa_roots: Sequence[Path] = (),
) -> ReportResult:
    """Write the PDF exhibit of a case; the same folder and options give the same bytes.

    `tsa_roots`: root certificate files a timestamp authority may chain to, besides the
    system's roots; a timestamp is called trusted only when it chains to one of them.
    """
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as canvas_module
    from reportlab.platypus import SimpleDocTemplate

    # ASCII85 only makes binary streams text-safe, at 5/4 the size; in pure Python it was
    # two thirds of a report's time. PDF files are binary anyway.
    check_numbering(exhibit_prefix, bates_start)
    rl_config.useA85 = 0
    register_fonts()
    if _ExhibitMarker is None:
        _reportlab_classes()
    from desktop.core.proof.tsa_trust import trust_roots

    roots = trust_roots(tsa_roots) if tsa_roots else None  # None: the system's, when needed
    model = build_model(folder, exhibit_prefix=exhibit_prefix, journeys=journeys, tsa_roots=roots)
    out = out or folder / "exports" / f"report-{language}-{model.last_event.seq:06d}.pdf"
    refuse_links_to(folder, out)  # a linked exports/ must not take the report elsewhere
    cache = _cache_dir(folder)
    # key -> (image inside the case, name of its JPEG copy, redactions, overlay panel)
    Source = tuple[str, str, tuple[tuple[int, int, int, int], ...], dict[str, Any] | None]
    sources: dict[str, Source] = {
        c.sha256: (_relative(folder, c.path), c.sha256, c.redactions, None)
        for c in model.captures
        if not c.is_video and c.refused is None
    }
    sources.update(
        {
            # A redacted capture's overlay gets its panel drawn again without redacted labels.
            c.overlay.name: (
                _relative(folder, c.overlay),
                c.overlay.stem,
                c.redactions,
                (c.result or None) if c.redactions else None,
            )
            for c in model.captures
            if c.overlay is not None and c.overlay.is_file()
        }
    )
    images: dict[str, Path] = {}
    refused: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    total = len(sources) + 1
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="report-jpeg") as pool:
        futures = {
            key: pool.submit(jpeg_copy, folder, relative, name, cache, redactions, panel)
            for key, (relative, name, redactions, panel) in sources.items()
        }
        for done, (key, future) in enumerate(futures.items(), start=1):
            if cancelled and cancelled():
                raise ReportCancelledError(tr("The report was cancelled; nothing was written."))
            try:
                images[key] = future.result()
            except UnsafePathError as error:  # a FIFO or a link put in at the last moment
                refused[key] = str(error)
            except Exception as error:  # noqa: BLE001 - any decoder failure loses one image only
                log.warning("report: image %s unreadable: %s", sources[key][0], error)
                unreadable[key] = str(error) or type(error).__name__
            if progress:
                progress(done, total)
    if refused:
        captures = [
            replace(c, refused=refused[c.sha256]) if c.sha256 in refused else c
            for c in model.captures
        ]
        model = replace(model, captures=captures)
    generated = datetime.fromisoformat(model.last_event.utc.replace("Z", "+00:00"))
    page_count: list[int] = []
    title = model.info.title
    short_hash = model.last_hash[:12]

    class NumberedCanvas(canvas_module.Canvas):  # type: ignore[misc]
        """Defers each page so the footer can say "page X of Y"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Start every page in the embedded font, so no unembedded base font is referenced.
            kwargs["initialFontName"] = SANS
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self._exhibit = ""
            self._exhibit_pages: dict[str, int] = {}
            self.setDateFormatter(lambda *_: generated.strftime("D:%Y%m%d%H%M%S+00'00'"))

        def showPage(self) -> None:  # ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            page_count.append(count)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, count)
                super().showPage()
            super().save()

        def _footer(self, number: int, count: int) -> None:
            from reportlab.lib import colors

            self.saveState()
            self.setFont(SANS, 7.5)
            self.setFillColor(colors.HexColor("#666666"))
            page_width, _ = A4
            self.drawString(18 * mm, 289 * mm, title[:90])
            if bates_start is not None:
                label = f"{exhibit_prefix}{bates_start + number - 1:06d}"
            else:
                label = self._exhibit or exhibit_prefix
            self.drawString(18 * mm, 10 * mm, label)
            self.drawCentredString(
                page_width / 2, 10 * mm, tr("page {number} of {count}", number=number, count=count)
            )
            self.drawRightString(page_width - 18 * mm, 10 * mm, tr("log {hash}", hash=short_hash))
            self.restoreState()

    class Document(SimpleDocTemplate):  # type: ignore[misc]
        def afterFlowable(self, flowable: Any) -> None:  # ReportLab's name
            mark = getattr(flowable, "_bookmark", None)
            if mark is not None:
                key, text, level = mark
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)

    temp = partial_path(out, os.getpid())
    if temp.is_symlink():  # planted under the name this process would write: never follow it
        temp.unlink()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with use_language(language):
            document = Document(
                str(temp),
                pagesize=A4,
                leftMargin=18 * mm,
                rightMargin=18 * mm,
                topMargin=16 * mm,
                bottomMargin=16 * mm,
                title=title,
                subject=tr("Evidence exhibit"),
                author=model.info.complainant,
                creator=f"{desktop.APP_NAME} {desktop.__version__}",
                keywords=f"sha256:{model.last_hash}",
                invariant=1,
                lang="zh-CN" if language == "zh" else "en",
            )
            story = _flowables(model, language, images, exhibit_prefix, cache, unreadable)
            if cancelled and cancelled():
                raise ReportCancelledError(tr("The report was cancelled; nothing was written."))
            document.build(story, canvasmaker=NumberedCanvas)
        fd = os.open(temp, os.O_RDONLY)
        try:
            fsync_fd(fd)
        finally:
            os.close(fd)
        if out.exists():
            if out.read_bytes() != temp.read_bytes():
                raise EvidenceError(
                    tr(
                        "{path} already exists and holds another report. Choose another file "
                        "name; reports already made are never overwritten.",
                        path=out,
                    )
                )
            temp.unlink()
        else:
            os.replace(temp, out)
            fsync_dir(out.parent)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise os_error_to_evidence(error, out.parent) from error
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    if progress:
        progress(total, total)
    data = out.read_bytes()
    return ReportResult(out, page_count[-1], hashlib.sha256(data).hexdigest(), model.last_hash)


def log_report(writer: Any, result: ReportResult, language: str) -> Event:
    """Record in the case that a report was made (a file inside the case is also verified)."""
    path = result.path.resolve()
    folder = writer.folder.resolve()
    size = path.stat().st_size
    data: dict[str, Any] = {
        "kind": "report",
        "language": language,
        "pages": result.pages,
        "sha256": result.sha256,
        "size": size,
        "covers_hash": result.last_hash,
    }
    if path.is_relative_to(folder):
        relative = path.relative_to(folder).as_posix()
        data["files"] = [
            {"path": relative, "sha256": result.sha256, "size": size, "kind": "report"}
        ]
        data["path"] = relative
    else:
        # No path of the person's machine goes into the evidence: the name only.
        data["path"] = path.name
        data["location"] = OUTSIDE_CASE
    with writer.transaction() as tx:
        event: Event = tx.add(EventType.EXPORT, data, writer.state.active_journey)
    return event
