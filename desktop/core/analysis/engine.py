"""Analyse an image: measure the controls given or found, compare every pair."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop.core.analysis import extent as extent_module
from desktop.core.analysis import measure as measure_module
from desktop.core.analysis.compare import Comparison, Levels, compare
from desktop.core.analysis.image import AnalysisInputError, LoadedImage
from desktop.core.analysis.measure import ControlMeasurement, ControlSpec, measure_control
from desktop.core.capture.frame import Rect
from desktop.core.i18n import tr, use_language
from desktop.vocab import Role

if TYPE_CHECKING:
    from desktop.core.analysis.ocr import TextLine

ALGORITHM_VERSION = "1.0"
ROLES = tuple(Role)
DUPLICATE_IOU = 0.85  # two hints that grow to the same control are measured once
# Automatic location keeps text that looks like a control's label (short, standing alone);
# sentences that merely contain a word of the lexicon score lower and are left out.
MIN_LABEL_SCORE = 0.5


@dataclass(frozen=True)
class AnalysisResult:
    image: LoadedImage
    controls: list[ControlMeasurement]
    comparisons: list[Comparison]
    levels: Levels
    ocr: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    # Every line OCR read (automatic location only): kept in the case's text file, not the log.
    ocr_lines: tuple[TextLine, ...] = ()

    def as_data(self) -> dict[str, Any]:
        """The document of the CLI contract (`analyze --json`), also logged as an event."""
        return {
            "image": self.image.as_data(),
            "controls": [control.as_data() for control in self.controls],
            "comparisons": [comparison.as_data() for comparison in self.comparisons],
            "parameters": parameters(self.levels),
            "ocr": self.ocr,
            "notes": self.notes,
            "limits": limits(),
            "version": ALGORITHM_VERSION,
        }


def parameters(levels: Levels) -> dict[str, Any]:
    """Every setting a number depends on, so the same input always gives the same output."""
    return {
        "algorithm": f"evidence-recorder analysis {ALGORITHM_VERSION}",
        "levels": levels.as_data(),
        "tolerance_lossless": extent_module.TOLERANCE_LOSSLESS,
        "tolerance_lossy": extent_module.TOLERANCE_LOSSY,
        "background_ring_css": [extent_module.RING_INNER_CSS, extent_module.RING_OUTER_CSS],
        "text_colour_top_fraction": measure_module.TOP_INK_FRACTION,
        "fill_solidity": measure_module.FILL_SOLIDITY,
        "ink_height_per_em": dict(measure_module.INK_PER_EM),
        "large_text_css": [measure_module.LARGE_TEXT_CSS, measure_module.LARGE_BOLD_TEXT_CSS],
        "target_size_css": measure_module.WCAG_TARGET_CSS,
        "uncertainty": "every extent edge moved by +/-1 physical pixel, carried through by "
        "interval arithmetic",
        "contrast": "WCAG 2.x relative luminance; ratios unrounded when compared",
        "visual_weight": "sum over extent pixels of |L*(p) - L*(b)| times CSS px^2 per pixel",
    }


def limits() -> dict[str, list[str]]:
    """The limits printed with every report (MEASUREMENT.md), in both languages."""
    result = {}
    for language in ("en", "zh"):
        with use_language(language):
            result[language] = [
                tr(
                    "Pixels only: the hit area and whether a control was enabled come from what "
                    "the person did and noted."
                ),
                tr("Nominal colours are estimated from the pixels of anti-aliased text."),
                tr('"Large text" is judged from a measured text height; it is an estimate.'),
                tr("WCAG levels are accessibility criteria, not the law on dark patterns."),
                tr("Whether a hierarchy is unfair is for the reader to judge from the numbers."),
            ]
    return result


def parse_region(text: str) -> ControlSpec:
    """LABEL:ROLE=X,Y,W,H into a control to measure (LABEL may be empty)."""
    head, equals, coordinates = text.rpartition("=")
    label, colon, role = head.rpartition(":")
    if not equals or not colon or role.strip() not in ROLES:
        raise AnalysisInputError(
            tr(
                'A region is "LABEL:ROLE=X,Y,W,H" with ROLE promoted, suppressed or other, such '
                'as "Upgrade:promoted=40,800,640,112" (got "{text}").',
                text=text,
            )
        )
    try:
        x, y, width, height = (int(part) for part in coordinates.split(","))
    except ValueError:
        raise AnalysisInputError(
            tr('The coordinates of "{text}" must be four whole numbers X,Y,W,H.', text=text)
        ) from None
    return ControlSpec(label=label.strip(), role=role.strip(), hint=Rect(x, y, width, height))


def _iou(a: Rect, b: Rect) -> float:
    overlap = a.intersect(b)
    if overlap is None:
        return 0.0
    inter = overlap.width * overlap.height
    return inter / (a.width * a.height + b.width * b.height - inter)


def analyze(
    image: LoadedImage,
    specs: list[ControlSpec] | None = None,
    levels: Levels | None = None,
) -> AnalysisResult:
    """Measure the controls (found by OCR when none are given) and compare the pairs."""
    levels = levels or Levels()
    ocr_info = None
    ocr_lines: tuple[TextLine, ...] = ()
    notes: list[str] = []
    if specs is None:
        from desktop.core.analysis.locate import find_candidates, location_info
        from desktop.core.analysis.ocr import ocr_info as describe_ocr
        from desktop.core.analysis.ocr import recognize

        ocr_lines = tuple(recognize(image.rgb))
        found = find_candidates(None, ocr_lines)
        candidates = [c for c in found if c.score >= MIN_LABEL_SCORE]
        dropped = len(found) - len(candidates)
        if dropped:
            notes.append(
                f"{dropped} text lines with a lexicon word looked like sentences, not labels "
                f"(score below {MIN_LABEL_SCORE}); mark them by hand if they are controls"
            )
        ocr_info = {
            **describe_ocr(),
            "location": location_info(),
            "min_label_score": MIN_LABEL_SCORE,
        }
        specs = [
            ControlSpec(
                label=candidate.label,
                role=candidate.role,
                hint=Rect(*candidate.hint),
                source="auto",
                ocr_text=candidate.ocr_text,
                ocr_confidence=candidate.ocr_confidence,
                matched_term=candidate.matched_term,
            )
            for candidate in candidates
        ]
        if not specs:
            notes.append("no promoting or suppressing words were found by OCR")
    controls: list[ControlMeasurement] = []
    for spec in specs:
        measured = measure_control(image, spec, f"c{len(controls) + 1}")
        if any(_iou(measured.extent, other.extent) >= DUPLICATE_IOU for other in controls):
            # Recognised text never goes into a note: notes are logged, the text is kept apart.
            named = (
                f'"{spec.label}"'
                if spec.source == "user"
                else "the text at " + ",".join(map(str, spec.hint.as_list()))
            )
            notes.append(f"{named} grew to a control already measured; it was merged")
            continue
        controls.append(measured)
    comparisons = [
        compare(promoted, suppressed, levels)
        for promoted in controls
        if promoted.spec.role == Role.PROMOTED
        for suppressed in controls
        if suppressed.spec.role == Role.SUPPRESSED
    ]
    return AnalysisResult(image, controls, comparisons, levels, ocr_info, notes, ocr_lines)
