"""Text from a case (notes, file names, titles, ZIP entry names) made safe to show in a terminal.

A hostile name could otherwise move the cursor, clear the screen, forge a line ("Everything
verifies.") or turn text around with a bidi override. Such characters are shown escaped.
"""

from __future__ import annotations

import re

# Bidi controls: embeddings and overrides, isolates, marks.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 (but tab and newline, which callers allow or not), DEL, C1, line and paragraph separators,
# bidi controls, and lone surrogates (bytes that were not UTF-8, as Python hands them over).
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029" + BIDI_CONTROLS + "\ud800-\udfff"
_UNSAFE_LINE = re.compile(f"[\t\n{_UNSAFE}]")
_UNSAFE_BLOCK = re.compile(f"[{_UNSAFE}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x09:
        return "\\t"
    if code == 0x0A:
        return "\\n"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every terminal control character written as an escape such as \\x1b."""
    pattern = _UNSAFE_BLOCK if keep_newlines else _UNSAFE_LINE
    return pattern.sub(_escape, text)


def json_printable(text: str) -> str:
    """JSON text with those characters as \\u escapes: the same JSON, safe in a terminal."""
    return _UNSAFE_BLOCK.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def has_unsafe(text: str) -> bool:
    """Whether `text` holds a control character that a terminal or a bidi renderer acts on."""
    return _UNSAFE_LINE.search(text) is not None
