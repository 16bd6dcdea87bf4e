"""Accuracy against pages rendered in Chromium with known CSS (tests/data/accuracy/truth.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop.core.analysis.color import parse_hex
from desktop.core.analysis.engine import analyze
from desktop.core.analysis.image import load_image
from desktop.core.analysis.measure import ControlSpec
from desktop.core.capture.frame import Rect

DATA = Path(__file__).resolve().parent.parent / "data" / "accuracy"
TRUTH = json.loads((DATA / "truth.json").read_text(encoding="utf-8"))
PAGES = TRUTH["pages"]
SCALES = ["1", "1.25", "2", "3"]


def _file(page: str, scale: str, jpeg: bool) -> Path:
    label = f"{float(scale):g}"
    return DATA / "jpeg" / f"{page}@{label}x.jpg" if jpeg else DATA / f"{page}@{label}x.png"


def _hint(control: dict[str, Any], scale: str) -> Rect:
    """What a person would draw: the control's box, or the text, with a little margin."""
    truth = control["scales"][scale]
    x0, y0, x1, y1 = truth["box_px"] if control["extent_exact"] else truth["text_ink_px_est"]
    margin = round(2 * float(scale)) if control["extent_exact"] else round(3 * float(scale))
    return Rect(x0 - margin, y0 - margin, x1 - x0 + 2 * margin, y1 - y0 + 2 * margin)


def measure(page: str, scale: str, jpeg: bool) -> Any:
    controls = PAGES[page]["controls"]
    image = load_image(_file(page, scale, jpeg), scale=float(scale))
    specs = [ControlSpec(c["label"], role, _hint(c, scale)) for role, c in controls.items()]
    return analyze(image, specs)


# JPEG copies where this engine misses twice the PNG bounds, kept visible rather than hidden:
# thin light text blurred by the DCT never reaches its colour (the outlined button's label, a
# 14 px "x" icon), and 4:2:0 chroma subsampling tints white text with its red fill. Each case
# is strict: if the engine improves, the test says so.
JPEG_LIMITS = {
    ("filled-vs-ghost", "1"): "thin light label: contrast under-read after JPEG blur",
    ("filled-vs-ghost", "1.25"): "thin light label: contrast under-read after JPEG blur",
    ("chinese-labels", "1.25"): "white text tinted by its red fill (4:2:0 chroma)",
    **{
        ("small-target", s): "14 px icon glyph: JPEG ringing dominates its few pixels"
        for s in SCALES
    },
}
CASES = [
    pytest.param(
        page,
        scale,
        jpeg,
        marks=[pytest.mark.xfail(strict=True, reason=JPEG_LIMITS[(page, scale)])]
        if jpeg and (page, scale) in JPEG_LIMITS
        else [],
        id=f"{page}-{scale}-{'jpeg80' if jpeg else 'png'}",
    )
    for page in PAGES
    for scale in SCALES
    for jpeg in (False, True)
]


@pytest.mark.parametrize(("page", "scale", "jpeg"), CASES)
def test_measurements_within_the_specified_bounds(page: str, scale: str, jpeg: bool) -> None:
    factor = 2 if jpeg else 1  # lossy copies: twice the bounds
    result = measure(page, scale, jpeg)
    truth = PAGES[page]["controls"]
    measured = {c.spec.role: c for c in result.controls}
    s = float(scale)
    for role, control in truth.items():
        got = measured[role]
        x0, y0, x1, y1 = (
            control["scales"][scale]["box_px"]
            if control["extent_exact"]
            else control["scales"][scale]["text_ink_px_est"]
        )
        tolerance_css = (
            1.0
            if control["extent_exact"]
            else control["scales"][scale]["text_ink_tolerance_css"] + 1.0
        )
        edges = [
            got.extent.x - x0,
            got.extent.y - y0,
            got.extent.right - x1,
            got.extent.bottom - y1,
        ]
        assert max(abs(e) for e in edges) <= factor * tolerance_css * s + 0.5, (role, edges)
        background = parse_hex(control["background"])
        assert max(abs(a - b) for a, b in zip(got.background_color, background, strict=True)) <= (
            12 if jpeg else 0
        ), (role, got.background_color)
        if control["font_size_css"] >= 11 and got.text_contrast is not None:
            bound = (0.03 if s >= 1.25 else 0.10) * factor
            error = abs(got.text_contrast - control["text_contrast"]) / control["text_contrast"]
            assert error <= bound, (role, got.text_contrast, control["text_contrast"])
    promoted, suppressed = truth["promoted"], truth["suppressed"]
    if promoted["extent_exact"] and suppressed["extent_exact"]:
        ratio = promoted["extent_area_css"] / suppressed["extent_area_css"]
        (comparison,) = result.comparisons
        assert abs(comparison.area_ratio - ratio) / ratio <= 0.05 * factor
    (comparison,) = result.comparisons
    assert comparison.asymmetric is PAGES[page]["expected_asymmetric"], comparison.reasons


@pytest.mark.parametrize("page", ["grey-4.5-pass", "grey-4.5-fail", "grey-3-pass", "grey-3-fail"])
def test_boundary_pairs_are_classified_correctly_at_scale_2(page: str) -> None:
    result = measure(page, "2", jpeg=False)
    suppressed = next(c for c in result.controls if c.spec.role == "suppressed")
    truth = PAGES[page]["controls"]["suppressed"]
    assert suppressed.large_text is truth["large_text"]
    assert suppressed.text_contrast is not None
    passes = suppressed.text_contrast >= suppressed.text_threshold
    assert passes is truth["text_passes_threshold"], suppressed.text_contrast


def _iou(a: Rect, b: Rect) -> float:
    overlap = a.intersect(b)
    if overlap is None:
        return 0.0
    inter = overlap.width * overlap.height
    return inter / (a.width * a.height + b.width * b.height - inter)


@pytest.mark.parametrize(
    "page", [p for p in PAGES if PAGES[p]["controls"]["suppressed"].get("lexicon_role")]
)
def test_automatic_location_finds_both_controls_with_their_roles(page: str) -> None:
    """OCR, the lexicon and growth to the control, on the pages at scale 2 (IoU >= 0.5)."""
    image = load_image(_file(page, "2", False), scale=2.0)
    result = analyze(image)
    for role, control in PAGES[page]["controls"].items():
        x0, y0, x1, y1 = (
            control["scales"]["2"]["box_px"]
            if control["extent_exact"]
            else control["scales"]["2"]["text_ink_px_est"]
        )
        truth = Rect(x0, y0, x1 - x0, y1 - y0)
        found = [c for c in result.controls if c.spec.role == role and c.spec.source == "auto"]
        best = max((_iou(c.extent, truth) for c in found), default=0.0)
        assert best >= 0.5, (role, [(c.spec.label, c.extent) for c in found])
