"""Promoting and suppressing words (Chinese and English) and the rule that gives a text a role."""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from desktop.core.errors import EvidenceError
from desktop.core.i18n import tr
from desktop.core.store.strictjson import strict_loads
from resources import resource_path

Role = Literal["promoted", "suppressed"]
PROMOTED: Final = "promoted"
SUPPRESSED: Final = "suppressed"
FORMAT = 1
LEXICON_FILE = "lexicon.json"

# Latin letters and digits: English terms must not touch these on either side.
_LATIN = "0-9a-z\u00c0-\u024f"
_CJK = "\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NOT_WORD = re.compile(r"[\W_]+")
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}]) | (?=[{_CJK}])")
_CACHE_LIMIT = 4096


class LexiconError(EvidenceError):
    """The word list cannot be read or is not valid."""


class BadTermError(ValueError):
    """A term that has no letters or digits, or that is in both lists."""

    def __init__(self, term: str, problem: Literal["empty", "both"]) -> None:
        super().__init__(f"{problem}: {term!r}")
        self.term = term
        self.problem = problem


@dataclass(frozen=True)
class Match:
    """One term found in a normalised text."""

    term: str  # as written in the word list
    role: Role
    start: int
    end: int


def normalize(text: str) -> str:
    """Text as matched: NFKC, case-folded, punctuation as spaces, no spaces beside CJK."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    spaced = _NOT_WORD.sub(" ", folded).strip()
    return _SPACE_BY_CJK.sub("", spaced)


def _pattern(term: str) -> str:
    """The regular expression of one term: whole words for Latin script, * for longer forms."""
    prefix = term.endswith("*")
    body = normalize(term.rstrip("*"))
    pattern = re.escape(body).replace(r"\ ", " ?")  # OCR often drops the space between words
    if re.match(f"[{_LATIN}]", body):
        pattern = f"(?<![{_LATIN}])" + pattern
    if prefix:
        pattern += f"[{_LATIN}]*"
    if re.search(f"[{_LATIN}]$", body):
        pattern += f"(?![{_LATIN}])"
    return pattern


class Lexicon:
    """Two lists of terms compiled into one left-to-right scanner."""

    def __init__(
        self,
        promoted: Sequence[str],
        suppressed: Sequence[str],
        *,
        source: str = "",
        sha256: str = "",
    ) -> None:
        self.promoted = tuple(promoted)
        self.suppressed = tuple(suppressed)
        self.source = source
        self.sha256 = sha256
        entries: list[tuple[str, Role]] = [(t, PROMOTED) for t in self.promoted]
        entries += [(t, SUPPRESSED) for t in self.suppressed]
        seen: dict[str, Role] = {}
        for term, role in entries:
            key = normalize(term.rstrip("*")) + ("*" if term.endswith("*") else "")
            if not key.rstrip("*"):
                raise BadTermError(term, "empty")
            if seen.get(key, role) != role:
                raise BadTermError(term, "both")
            seen[key] = role
        # Longest term first, so that where several start at one place the longest wins.
        ordered = sorted(entries, key=lambda entry: -len(normalize(entry[0].rstrip("*"))))
        self._entries = ordered
        self._scanner = re.compile(
            "|".join(f"(?P<t{i}>{_pattern(term)})" for i, (term, _) in enumerate(ordered))
            if ordered
            else r"(?!x)x"
        )
        self._cache: dict[str, tuple[Role | None, str | None]] = {}
        self._cache_lock = threading.Lock()

    def matches(self, text: str) -> list[Match]:
        """The terms found in the text, left to right, never overlapping."""
        found: list[Match] = []
        for hit in self._scanner.finditer(normalize(text)):
            term, role = self._entries[int((hit.lastgroup or "t0")[1:])]
            found.append(Match(term, role, hit.start(), hit.end()))
        return found

    def classify(self, text: str) -> tuple[Role | None, str | None]:
        """The role of a text and the term that decided it; (None, None) when no term is found.

        Terms of one list only: that list's role. Terms of both lists: suppressed, because a
        label that names the offer and refuses it ("暂不升级", "Continue to cancel") is the way
        out. The term reported is the longest one found of the winning role (the first on ties).
        """
        with self._cache_lock:
            cached = self._cache.get(text)
        if cached is not None:
            return cached
        found = self.matches(text)
        result: tuple[Role | None, str | None] = (None, None)
        if found:
            roles = {match.role for match in found}
            role: Role = SUPPRESSED if SUPPRESSED in roles else PROMOTED
            decisive = max(
                (m for m in found if m.role == role), key=lambda m: len(m.term.rstrip("*"))
            )
            result = (role, decisive.term)
        with self._cache_lock:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[text] = result
        return result

    def info(self) -> dict[str, Any]:
        """Which list was used, for the record."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "promoted_terms": len(self.promoted),
            "suppressed_terms": len(self.suppressed),
            "rule": "left to right, longest term at each place; both roles found -> suppressed",
        }


_loaded: dict[tuple[str, int, int], Lexicon] = {}
_load_lock = threading.Lock()


def default_path() -> Path:
    """The word list shipped with the program."""
    return resource_path(LEXICON_FILE)


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The word list at path (the shipped one by default); reloaded when the file changes."""
    path = Path(path) if path is not None else default_path()
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        with _load_lock:
            cached = _loaded.get(key)
        if cached is not None:
            return cached
        data = path.read_bytes()
    except OSError as error:
        raise LexiconError(
            tr(
                "Cannot read the word list {path}: {reason}.",
                path=path,
                reason=error.strerror or error,
            )
        ) from error
    lexicon = parse_lexicon(data, source=str(path))
    with _load_lock:
        _loaded[key] = lexicon
    return lexicon


def _invalid(path: str, problem: str) -> LexiconError:
    return LexiconError(
        tr(
            "The word list {path} is not valid: {problem} Fix the file, or use the list that "
            "comes with the program.",
            path=path,
            problem=problem,
        )
    )


def parse_lexicon(data: bytes, source: str = "") -> Lexicon:
    """A Lexicon from the bytes of a lexicon.json file (format described in its _comment)."""
    try:
        document = strict_loads(data.removeprefix(b"\xef\xbb\xbf"))
    except ValueError as error:
        raise _invalid(source, tr("it is not JSON text ({reason}).", reason=error)) from error
    lists: dict[str, list[str]] = {}
    if isinstance(document, dict):
        if document.get("format", FORMAT) != FORMAT:
            raise _invalid(
                source,
                tr(
                    "its format {format} is not known (expected {expected}).",
                    format=document.get("format"),
                    expected=FORMAT,
                ),
            )
        for key in (PROMOTED, SUPPRESSED):
            terms = document.get(key)
            if isinstance(terms, list) and all(isinstance(t, str) for t in terms):
                lists[key] = [t.strip() for t in terms if t.strip()]
    if len(lists) != 2:
        raise _invalid(source, tr('it must hold a "promoted" and a "suppressed" list of words.'))
    try:
        return Lexicon(
            lists[PROMOTED],
            lists[SUPPRESSED],
            source=source,
            sha256=hashlib.sha256(data).hexdigest(),
        )
    except BadTermError as error:
        problem = (
            tr('"{term}" is in both lists.', term=error.term)
            if error.problem == "both"
            else tr('"{term}" has no letters or digits.', term=error.term)
        )
        raise _invalid(source, problem) from error


def classify(text: str, lexicon: Lexicon | None = None) -> tuple[Role | None, str | None]:
    """The role of a text ("promoted", "suppressed" or None) and the term that decided it."""
    return (lexicon or load_lexicon()).classify(text)
