"""Find promoted and suppressed controls automatically: OCR lines classified by the word list."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from desktop.core.analysis.lexicon import Lexicon, Role, load_lexicon, normalize
from desktop.core.analysis.ocr import Box, TextLine, Word

MIN_CONFIDENCE = 0.5  # OCR lines read with less confidence are not used
SPLIT_GAP = 1.2  # a gap wider than this many text heights inside one OCR line separates labels
MERGE_GAP = 1.0  # neighbouring OCR lines closer than this many text heights may be one label
SAME_ROW = 0.5  # vertical overlap (of the shorter box) for two boxes to be on one line
SAME_SIZE = 1.6  # at most this ratio between the heights of two boxes on one line
LABEL_UNITS = 5.0  # labels up to this length score fully (a Latin word = 1, a CJK character = 0.5)

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile("[0-9a-z\u00c0-\u024f]+")
# Sentence punctuation: any Chinese full stop, comma or colon; Latin ones before a space or the end.
_SENTENCE = re.compile(r"[。！？；，：]|[.!?;:](?:\s|$)")


@dataclass(frozen=True)
class Candidate:
    """A text that names a promoted or a suppressed control, and where it is."""

    label: str  # the text of the control as read (pieces of one label joined)
    role: Role
    hint: Box  # x, y, w, h of the text in physical px: the extent finder grows it to the control
    ocr_text: str  # what OCR read, line by line ("Downgrade | anyway" when two lines were joined)
    ocr_confidence: float  # the lowest confidence of the OCR lines used
    matched_term: str  # the word-list term that decided the role
    score: float = 0.0  # 0..1, how much the text looks like a control label; for ordering only


@dataclass(frozen=True)
class _Piece:
    text: str
    box: Box
    confidence: float
    sources: tuple[str, ...]


def find_candidates(
    image_rgb: npt.NDArray[np.uint8] | None,
    lines: Sequence[TextLine] | None = None,
    *,
    lexicon: Lexicon | None = None,
    min_confidence: float = MIN_CONFIDENCE,
) -> list[Candidate]:
    """Controls whose text promotes or suppresses, best label first.

    OCR runs on the image unless its lines are given. Lines below min_confidence are dropped; an
    OCR line is cut where its words are far apart (two labels read as one), and neighbouring
    pieces on one line are joined when together they name a role better (a label read as two).
    """
    if lines is None:
        if image_rgb is None:
            raise ValueError("find_candidates() needs an image or OCR lines")
        from desktop.core.analysis.ocr import recognize

        lines = recognize(image_rgb)
    lexicon = lexicon or load_lexicon()
    pieces = [
        piece for line in lines if line.confidence >= min_confidence for piece in _split(line)
    ]
    candidates: list[Candidate] = []
    for piece in _join_neighbours(pieces, lexicon):
        role, term = lexicon.classify(piece.text)
        if role is None or term is None:
            continue
        candidates.append(
            Candidate(
                label=piece.text,
                role=role,
                hint=piece.box,
                ocr_text=" | ".join(piece.sources),
                ocr_confidence=piece.confidence,
                matched_term=term,
                score=round(_score(piece, role, lexicon), 4),
            )
        )
    candidates.sort(key=lambda c: (-c.score, c.hint[1], c.hint[0]))
    return candidates


def location_info(
    lexicon: Lexicon | None = None, min_confidence: float = MIN_CONFIDENCE
) -> dict[str, Any]:
    """The word list and settings automatic location used, for the record."""
    return {
        "lexicon": (lexicon or load_lexicon()).info(),
        "min_confidence": min_confidence,
        "split_gap_text_heights": SPLIT_GAP,
        "merge_gap_text_heights": MERGE_GAP,
    }


def _union(boxes: Sequence[Box]) -> Box:
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return x0, y0, x1 - x0, y1 - y0


def _join_text(left: str, right: str) -> str:
    """Two pieces of one line as one text: no space between Chinese characters."""
    if not left or not right:
        return left + right
    if _CJK.match(left[-1]) and _CJK.match(right[0]):
        return left + right
    return f"{left} {right}"


def _split(line: TextLine) -> list[_Piece]:
    """One OCR line, cut where its words are further apart than SPLIT_GAP text heights."""
    whole = [_Piece(line.text, line.box, line.confidence, (line.text,))]
    words = sorted(line.words, key=lambda w: w.box[0])
    if len(words) < 2:
        return whole
    height = statistics.median(w.box[3] for w in words)
    groups: list[list[Word]] = [[words[0]]]
    for word in words[1:]:
        previous = groups[-1][-1]
        if word.box[0] - (previous.box[0] + previous.box[2]) > SPLIT_GAP * height:
            groups.append([word])
        else:
            groups[-1].append(word)
    if len(groups) == 1:
        return whole
    pieces = []
    for group in groups:
        text = ""
        for word in group:
            text = _join_text(text, word.text)
        pieces.append(_Piece(text, _union([w.box for w in group]), line.confidence, (line.text,)))
    return pieces


def _same_row(a: Box, b: Box) -> bool:
    overlap = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    low, high = sorted((a[3], b[3]))
    return overlap >= SAME_ROW * low and high <= SAME_SIZE * max(low, 1)


def _joins_better(left: _Piece, right: _Piece, lexicon: Lexicon) -> bool:
    """Whether two neighbouring pieces read better as one label than as two."""
    joined_role, joined_term = lexicon.classify(_join_text(left.text, right.text))
    if joined_role is None or joined_term is None:
        return False
    left_role, left_term = lexicon.classify(left.text)
    right_role, right_term = lexicon.classify(right.text)
    if left_role is None or right_role is None:
        return True  # a fragment completes a label: "No" + "thanks", "Downgrade" + "anyway"
    if left_role == right_role:
        return True  # one label read as two pieces
    # Two labels of opposite roles stay apart, unless a term spans the cut ("关闭自动" + "续费").
    return _length(joined_term) > max(_length(left_term), _length(right_term))


def _length(term: str | None) -> int:
    return len((term or "").rstrip("*"))


def _join_neighbours(pieces: list[_Piece], lexicon: Lexicon) -> list[_Piece]:
    """Join pieces that stand side by side on one line when they read better together."""
    rows: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: p.box[1] + p.box[3] / 2):
        for row in rows:
            if _same_row(row[-1].box, piece.box):
                row.append(piece)
                break
        else:
            rows.append([piece])
    result: list[_Piece] = []
    for row in rows:
        row.sort(key=lambda p: p.box[0])
        current = row[0]
        for piece in row[1:]:
            gap = piece.box[0] - (current.box[0] + current.box[2])
            height = max(current.box[3], piece.box[3])
            if (
                -0.5 * height <= gap <= MERGE_GAP * height
                and _same_row(current.box, piece.box)
                and _joins_better(current, piece, lexicon)
            ):
                current = _Piece(
                    _join_text(current.text, piece.text),
                    _union([current.box, piece.box]),
                    min(current.confidence, piece.confidence),
                    current.sources + piece.sources,
                )
            else:
                result.append(current)
                current = piece
        result.append(current)
    return result


def _units(text: str) -> float:
    """Length of a label: a Latin word counts 1, a Chinese character 0.5."""
    normal = normalize(text)
    return len(_LATIN_WORD.findall(normal)) + 0.5 * len(_CJK.findall(normal))


def _score(piece: _Piece, role: Role, lexicon: Lexicon) -> float:
    """How much a text looks like a control label: short, no sentence, mostly the matched words."""
    normal = normalize(piece.text)
    letters = len(normal.replace(" ", "")) or 1
    covered = sum(m.end - m.start for m in lexicon.matches(piece.text) if m.role == role)
    coverage = min(1.0, covered / letters)
    units = max(_units(piece.text), 1.0)
    brevity = min(1.0, LABEL_UNITS / units)
    sentence = 0.5 if _SENTENCE.search(piece.text.strip()) else 1.0
    return piece.confidence * brevity * sentence * (0.5 + 0.5 * coverage)
