"""Fonts for reports: an embedded CJK TrueType font, with fallbacks for scripts and emoji."""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape

from resources import resource_path

SANS = "ER-Sans"
FALLBACK = "ER-Fallback"
EMOJI = "ER-Emoji"
_FILES = (
    (SANS, ("fonts", "wqy-microhei.ttc"), 0),
    (FALLBACK, ("fonts", "DejaVuSans.ttf"), None),
    (EMOJI, ("fonts", "Symbola.ttf"), None),
)


@cache
def register_fonts() -> dict[str, frozenset[int]]:
    """Register the three fonts with ReportLab once; returns each font's code points."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    coverage = {}
    for name, parts, index in _FILES:
        path = str(resource_path(*parts))
        font = TTFont(name, path, subfontIndex=index) if index is not None else TTFont(name, path)
        pdfmetrics.registerFont(font)
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(name, bold, italic, name)  # no bold face: <b> keeps the same font
        coverage[name] = frozenset(font.face.charToGlyph)
    return coverage


def rich(text: str) -> str:
    """Paragraph markup for any Unicode text: escaped, with runs the main font lacks set in a
    fallback font (scripts in DejaVu Sans, emoji in Symbola) instead of empty boxes."""
    coverage = register_fonts()
    main, fallback, emoji = coverage[SANS], coverage[FALLBACK], coverage[EMOJI]
    parts: list[str] = []
    run: list[str] = []
    run_font: str | None = None

    def flush() -> None:
        if not run:
            return
        chunk = escape("".join(run)).replace("\n", "<br/>")
        parts.append(chunk if run_font is None else f'<font name="{run_font}">{chunk}</font>')
        run.clear()

    for char in text:
        code = ord(char)
        if char == "\n" or code in main or char in " \t":
            font = None
        elif code < 32 or 0xD800 <= code <= 0xDFFF:
            continue  # control characters and lone surrogates cannot be drawn
        elif code in fallback:
            font = FALLBACK
        elif code in emoji:
            font = EMOJI
        else:
            font = None  # no font has it: the main font's missing-glyph box, said in Methods
        if font != run_font:
            flush()
            run_font = font
        run.append(char)
    flush()
    return "".join(parts)
