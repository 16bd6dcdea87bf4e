"""Measurement: colour formulas against published vectors, extents, pairs, and bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop.core.analysis.color import contrast_ratio, delta_e2000, lab, parse_hex
from desktop.core.analysis.compare import Levels
from desktop.core.analysis.engine import analyze, parse_region
from desktop.core.analysis.image import AnalysisInputError, load_image
from desktop.core.analysis.measure import ControlSpec
from desktop.core.analysis.overlay import render_overlay
from desktop.core.capture.frame import Rect
from resources import resource_path


@pytest.mark.parametrize(
    ("text", "background", "expected", "passes"),
    [
        ("#767676", "#ffffff", 4.54, True),
        ("#777777", "#ffffff", 4.48, False),
        ("#949494", "#ffffff", 3.03, True),
        ("#959595", "#ffffff", 2.995, False),
    ],
)
def test_wcag_vectors(text: str, background: str, expected: float, passes: bool) -> None:
    ratio = contrast_ratio(parse_hex(text), parse_hex(background))
    assert ratio == pytest.approx(expected, abs=0.005)
    threshold = 4.5 if expected > 4 else 3.0
    assert (ratio >= threshold) is passes  # never rounded before the comparison


def test_ciede2000_against_sharma_vectors() -> None:
    from desktop.core.analysis.color import delta_e2000_lab

    # Sharma, Wu and Dalal (2005), table 1, pairs 1, 7, 17 and 25.
    pairs = [
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ]
    for first, second, expected in pairs:
        value = float(delta_e2000_lab(np.array(first), np.array(second)))
        assert value == pytest.approx(expected, abs=1e-4)
    assert delta_e2000((255, 0, 0), (255, 0, 0)) == 0
    assert lab((255, 255, 255))[0] == pytest.approx(100, abs=0.01)


def sample(name: str) -> Path:
    return resource_path("samples", name)


def test_filled_button_and_grey_link_on_a_sample() -> None:
    image = load_image(sample("zh-upgrade-1.png"), scale=2)
    specs = [
        ControlSpec("立即升级", "promoted", Rect(300, 830, 180, 60)),  # the text, inside the fill
        ControlSpec("暂不升级", "suppressed", Rect(330, 945, 120, 30)),
    ]
    result = analyze(image, specs)
    button, link = result.controls
    # Truth from the page's CSS (resources/samples/README.md): 36,404,318,56 CSS px at 2x.
    assert button.extent == Rect(72, 808, 636, 112)
    assert button.kind == "filled" and button.fill_color == (0xFF, 0x4D, 0x1A)
    assert button.text_color == (255, 255, 255)
    assert button.text_contrast == pytest.approx(3.32, abs=0.01)
    assert link.kind == "text" and link.text_color == (0xBB, 0xBF, 0xC4)
    assert link.text_contrast == pytest.approx(1.85, abs=0.01)
    assert link.target_below_minimum
    (comparison,) = result.comparisons
    assert comparison.asymmetric and "area" in comparison.reasons
    lo, hi = comparison.area_ratio_range
    assert lo <= comparison.area_ratio <= hi
    assert any("WCAG 1.4.3" in s for s in comparison.statements["en"])
    assert any("WCAG 1.4.3" in s for s in comparison.statements["zh"])


def test_hint_cutting_through_a_button_yields_the_whole_button() -> None:
    image = load_image(sample("zh-upgrade-1.png"), scale=2)
    for hint in (Rect(72, 808, 300, 112), Rect(60, 790, 700, 140), Rect(380, 850, 40, 30)):
        (control,) = analyze(image, [ControlSpec("b", "promoted", hint)]).controls
        assert control.extent == Rect(72, 808, 636, 112), hint


def test_fair_pair_is_not_asymmetric() -> None:
    pixels = np.full((200, 400, 3), 255, np.uint8)
    import cv2

    for left in (40, 220):
        pixels[80:120, left : left + 140] = (40, 90, 200)
        cv2.putText(
            pixels,
            "Plan",
            (left + 45, 106),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.6,
            (255, 255, 255),
            1,
            cv2.LINE_AA,
        )
    image = load_image(_png(pixels), scale=1)
    result = analyze(
        image,
        [
            parse_region("Upgrade:promoted=40,80,140,40"),
            parse_region("Downgrade:suppressed=220,80,140,40"),
        ],
    )
    (comparison,) = result.comparisons
    assert comparison.area_ratio == pytest.approx(1.0)
    assert not comparison.asymmetric
    assert "not asymmetric" in comparison.statements["en"][-1]


def test_same_input_gives_the_same_numbers() -> None:
    image = load_image(sample("en-downgrade-2.png"), scale=2)
    specs = [
        parse_region("Keep Premium:promoted=112,976,556,104"),
        parse_region("Downgrade anyway:suppressed=280,1108,220,36"),
    ]
    first = json.dumps(analyze(image, specs).as_data(), sort_keys=True)
    second = json.dumps(analyze(image, specs).as_data(), sort_keys=True)
    assert first == second


def test_overlay_is_a_png_with_chinese_labels() -> None:
    image = load_image(sample("zh-downgrade-2.png"), scale=2)
    result = analyze(
        image,
        [
            parse_region("继续使用当前套餐:promoted=150,980,400,60"),
            parse_region("仍要降级:suppressed=320,1090,140,40"),
        ],
    )
    png = render_overlay(result)
    overlay = Image.open(io.BytesIO(png))
    assert overlay.width > image.width and overlay.height >= image.height
    # The original part of the overlay is untouched outside the drawn outlines.
    left = np.asarray(overlay.convert("RGB"))[:600, :600]
    assert np.array_equal(left, image.rgb[:600, :600])


def _png(pixels: np.ndarray, mode: str | None = None, **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode).save(buffer, format="PNG", **save)
    return buffer.getvalue()


def _encoded(image: Image.Image, fmt: str, **save: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save)
    return buffer.getvalue()


def _scene() -> Image.Image:
    import cv2

    pixels = np.full((120, 200, 3), 250, np.uint8)
    pixels[40:80, 30:110] = (220, 60, 40)
    cv2.putText(
        pixels, "Buy", (48, 67), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 255), 1, cv2.LINE_AA
    )
    return Image.fromarray(pixels)


@pytest.mark.parametrize(
    ("name", "payload", "caveat"),
    [
        (
            "16-bit",
            lambda: _encoded(
                Image.fromarray(np.asarray(_scene().convert("L"), np.uint16) * 257), "PNG"
            ),
            "16-bit",
        ),
        ("palette", lambda: _encoded(_scene().convert("P"), "PNG"), "palette"),
        ("alpha", lambda: _encoded(_scene().convert("RGBA"), "PNG"), "sRGB assumed"),
        (
            "half transparent",
            lambda: _encoded(
                Image.merge("RGBA", [*_scene().split(), Image.new("L", (200, 120), 128)]), "PNG"
            ),
            "flattened",
        ),
        ("grey jpeg", lambda: _encoded(_scene().convert("L"), "JPEG", quality=90), "greyscale"),
        ("cmyk jpeg", lambda: _encoded(_scene().convert("CMYK"), "JPEG", quality=90), "CMYK"),
    ],
)
def test_unusual_images_are_measured_with_a_stated_caveat(
    name: str, payload: object, caveat: str
) -> None:
    image = load_image(payload(), scale=1)  # type: ignore[operator]
    assert any(caveat in text for text in image.caveats), image.caveats
    result = analyze(image, [parse_region("b:promoted=35,45,70,30")])
    assert result.controls[0].extent.width >= 60


def test_bad_input_ends_in_a_clear_message() -> None:
    with pytest.raises(AnalysisInputError, match="at least 8 x 8"):
        load_image(_png(np.zeros((4, 4, 3), np.uint8)))
    with pytest.raises(AnalysisInputError, match="not an image"):
        load_image(b"not an image at all")
    image = load_image(_scene().tobytes() and _encoded(_scene(), "PNG"))
    with pytest.raises(AnalysisInputError, match="outside the image"):
        analyze(image, [parse_region("x:promoted=500,500,10,10")])
    with pytest.raises(AnalysisInputError, match="empty or outside"):
        analyze(image, [parse_region("x:promoted=10,10,0,10")])
    with pytest.raises(AnalysisInputError, match="LABEL:ROLE"):
        parse_region("10,10,20,20")
    with pytest.raises(AnalysisInputError, match="LABEL:ROLE"):
        parse_region("x:loud=10,10,20,20")


def test_single_colour_region_is_reported_with_a_caveat() -> None:
    flat = load_image(_png(np.full((100, 100, 3), 200, np.uint8)), scale=1)
    (control,) = analyze(flat, [parse_region("nothing:suppressed=10,10,30,20")]).controls
    assert control.extent == Rect(10, 10, 30, 20)
    assert any("nothing in the region differs" in note for note in control.notes)
    assert control.text_contrast is None


def test_levels_are_settings_printed_with_their_source() -> None:
    data = Levels(area_ratio=3.0).as_data()
    assert data["area_ratio"] == 3.0 and "source" in data
