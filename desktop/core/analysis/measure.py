"""Measure one control: size, text and fill colours, contrasts, chroma and visual weight."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from desktop.core.analysis.color import (
    chroma,
    contrast_ratio,
    delta_e2000,
    hex_colour,
    luminance_array,
)
from desktop.core.analysis.extent import RGB, Extent, Mask, differs, find_extent, modal_colour
from desktop.core.analysis.image import LoadedImage
from desktop.core.capture.frame import Rect

TOP_INK_FRACTION = 0.15  # text colour: median of the 15 % of ink pixels most unlike the fill
LOSSY_INK_FRACTION = 0.2  # lossy input, thin text: a wider share, past the ringing overshoot
LOSSY_PLATEAU_PX = 24  # lossy input, text this tall in pixels: strokes have a flat core
FILL_SOLIDITY = 0.12  # erosion radius, as a share of the extent height, that text cannot survive
WCAG_TARGET_CSS = 24  # WCAG 2.5.8 minimum target size, CSS px
LARGE_TEXT_CSS = 24.0
LARGE_BOLD_TEXT_CSS = 18.66
# Ink height of a line of text as a share of its font size, from ascender to descender where
# the text has them (Noto Sans CJK measured on rendered pages: CJK 0.92 to 0.96 em, Latin with
# descenders 1.02 to 1.05, without 0.81 to 0.82; common UI fonts run a little lower).
INK_PER_EM = {"cjk": 0.93, "descender": 1.0, "latin": 0.78, "unknown": 0.9}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class ControlSpec:
    """A control to measure: a hint rectangle, with who gave it and what it is."""

    label: str
    role: str  # "promoted" | "suppressed" | "other"
    hint: Rect
    source: str = "user"  # "user" | "auto"
    ocr_text: str | None = None
    ocr_confidence: float | None = None
    matched_term: str | None = None  # the word-list term that gave an automatic control its role


@dataclass(frozen=True)
class ControlMeasurement:
    """Every number of one control, with the pixels it came from."""

    id: str
    spec: ControlSpec
    kind: str  # "filled" or "text"
    extent: Rect
    scale: float
    area_px: int
    area_px_range: tuple[int, int]
    text_color: RGB | None
    text_color_rendered: RGB | None
    fill_color: RGB
    background_color: RGB
    text_contrast: float | None
    text_contrast_rendered: float | None
    surface_contrast: float
    text_height_px: int
    font_size_estimate_css: float | None
    chroma: float
    delta_e_background: float
    visual_weight: float
    visual_weight_range: tuple[float, float]
    trace: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def area_css(self) -> float:
        return self.area_px / self.scale**2

    @property
    def extent_css(self) -> list[float]:
        return [round(v / self.scale, 2) for v in self.extent.as_list()]

    @property
    def text_height_css(self) -> float:
        return self.text_height_px / self.scale

    @property
    def large_text(self) -> bool:
        return (self.font_size_estimate_css or 0) >= LARGE_TEXT_CSS

    @property
    def text_threshold(self) -> float:
        return 3.0 if self.large_text else 4.5

    @property
    def target_below_minimum(self) -> bool:
        width, height = self.extent_css[2:]
        return width < WCAG_TARGET_CSS or height < WCAG_TARGET_CSS

    @property
    def dominant_color(self) -> RGB:
        if self.kind == "filled" or self.text_color is None:
            return self.fill_color
        return self.text_color

    def as_data(self) -> dict[str, Any]:
        """The JSON form of the CLI contract (hex colours, CSS sizes), plus traceability."""

        def hexed(colour: RGB | None) -> str | None:
            return None if colour is None else hex_colour(colour)

        return {
            "id": self.id,
            "label": self.spec.label,
            "role": self.spec.role,
            "source": self.spec.source,
            "kind": self.kind,
            "hint": self.spec.hint.as_list(),
            "extent": self.extent.as_list(),
            "extent_css": self.extent_css,
            "area_px": self.area_px,
            "area_px_range": list(self.area_px_range),
            "area_css": round(self.area_css, 2),
            "text_color": hexed(self.text_color),
            "text_color_rendered": hexed(self.text_color_rendered),
            "fill_color": hex_colour(self.fill_color),
            "background_color": hex_colour(self.background_color),
            "text_contrast": self.text_contrast,
            "text_contrast_rendered": self.text_contrast_rendered,
            "text_contrast_threshold": self.text_threshold,
            "surface_contrast": self.surface_contrast,
            "text_height_css": round(self.text_height_css, 2),
            "font_size_estimate_css": None
            if self.font_size_estimate_css is None
            else round(self.font_size_estimate_css, 1),
            "large_text_estimate": self.large_text,
            "chroma": round(self.chroma, 2),
            "delta_e_background": round(self.delta_e_background, 2),
            "visual_weight": round(self.visual_weight, 1),
            "visual_weight_range": [round(v, 1) for v in self.visual_weight_range],
            "target_below_minimum": self.target_below_minimum,
            "ocr_text": self.spec.ocr_text,
            "ocr_confidence": self.spec.ocr_confidence,
            "trace": self.trace,
            "notes": list(self.notes),
        }


def _lightness(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    luminance = luminance_array(pixels)
    epsilon, kappa = 216 / 24389, 24389 / 27
    lightness: npt.NDArray[np.float64] = np.where(
        luminance > epsilon, 116 * np.cbrt(luminance) - 16, kappa * luminance
    )
    return lightness


def _weights(
    pixels: npt.NDArray[np.uint8], masks: tuple[Mask, Mask, Mask], background: RGB, scale: float
) -> tuple[float, float, float]:
    """Visual weight sum |L*(p) - L*(b)| in CSS px^2 over nested masks (shrunk, mask, grown),
    computing L* only where the largest mask is."""
    shrunk, mask, grown = masks
    base = float(_lightness(np.array([background], dtype=np.uint8))[0])
    values = np.abs(_lightness(pixels[grown]) - base)
    per_px = 1 / scale**2  # CSS px squared per physical pixel
    return (
        float(values[shrunk[grown]].sum()) * per_px,
        float(values[mask[grown]].sum()) * per_px,
        float(values.sum()) * per_px,
    )


def _kernel() -> npt.NDArray[np.uint8]:
    return np.ones((3, 3), np.uint8)


def _moved_edges(mask: Mask, filled: bool, bbox: Rect, window: Rect) -> tuple[Mask, Mask]:
    """The extent with every edge moved 1 physical px in, and 1 px out.

    A filled shape's outline moves (erosion, dilation). A text-only extent is the ink inside
    its bounding box, so its box edges move: in, the outermost rows and columns of ink go;
    out, a 1 px ring of (background) pixels joins the area.
    """
    import cv2

    if filled:
        grown = cv2.dilate(mask.astype(np.uint8), _kernel()).astype(bool)
        shrunk = cv2.erode(mask.astype(np.uint8), _kernel()).astype(bool)
        return shrunk, grown
    left, top = bbox.x - window.x, bbox.y - window.y
    inner = np.zeros_like(mask)
    inner[top + 1 : top + bbox.height - 1, left + 1 : left + bbox.width - 1] = True
    outer = np.zeros_like(mask)
    outer[max(0, top - 1) : top + bbox.height + 1, max(0, left - 1) : left + bbox.width + 1] = True
    box = np.zeros_like(mask)
    box[top : top + bbox.height, left : left + bbox.width] = True
    return mask & inner, mask | (outer & ~box)


def _is_filled(
    pixels: npt.NDArray[np.uint8], mask: Mask, colour: RGB, tolerance: int, height: int
) -> bool:
    """A fill is a solid area of one colour that survives erosion; text strokes do not."""
    import cv2

    same = (mask & ~differs(pixels, colour, tolerance)).astype(np.uint8)
    radius = max(1, round(FILL_SOLIDITY * height))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    solid = cv2.erode(same, kernel)
    if int(solid.sum()) >= 0.05 * max(1, int(mask.sum())):
        return True
    # A small icon button is mostly glyph: its fill still lines every side of the extent.
    ys, xs = np.nonzero(mask)
    top, bottom, left, right = ys.min(), ys.max(), xs.min(), xs.max()
    inset = max(2, (bottom - top) // 10)
    probes = []
    for share in (0.25, 0.5, 0.75):
        x = int(left + share * (right - left))
        y = int(top + share * (bottom - top))
        probes += [(top + inset, x), (bottom - inset, x), (y, left + inset), (y, right - inset)]
    inside = sum(bool(same[row, col]) for row, col in probes)
    return inside >= len(probes) - 1


def _without_frame(ink: Mask, bbox_width: int, bbox_height: int) -> tuple[Mask, bool]:
    """Drop an outline (a component spanning the whole extent) from the ink, if any."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    frames = [
        label
        for label in range(1, count)
        if stats[label][2] >= 0.9 * bbox_width and stats[label][3] >= 0.9 * bbox_height
    ]
    if not frames or len(frames) == count - 1:
        return ink, False
    result: Mask = ink & ~np.isin(labels, frames)
    return result, True


def _median_colour(pixels: npt.NDArray[np.uint8]) -> RGB:
    colour = np.median(pixels, axis=0).round().astype(int)
    return int(colour[0]), int(colour[1]), int(colour[2])


def _ink_factor(label: str) -> tuple[float, str]:
    if _CJK.search(label):
        return INK_PER_EM["cjk"], "cjk"
    if not label.strip():
        return INK_PER_EM["unknown"], "unknown"
    if re.search(r"[gjpqy,;]", label):
        return INK_PER_EM["descender"], "descender"
    return INK_PER_EM["latin"], "latin"


def measure_control(image: LoadedImage, spec: ControlSpec, control_id: str) -> ControlMeasurement:
    """Locate the control's extent from its hint, then compute every metric of the spec."""
    import cv2

    extent: Extent = find_extent(image, spec.hint)
    window = extent.window
    pixels = image.rgb[window.y : window.bottom, window.x : window.right]
    mask = extent.mask
    notes = list(extent.notes)
    background = extent.background
    tolerance = extent.tolerance
    mode, mode_count = modal_colour(pixels[mask], image.lossy)
    filled = differs(np.array([[mode]], np.uint8), background, tolerance)[0, 0] and _is_filled(
        pixels, mask, mode, tolerance, extent.bbox.height
    )
    fill = mode if filled else background
    if filled:
        # Leave out the anti-aliased rim where the fill meets the background.
        rim = max(1, round(image.scale))
        inner = cv2.erode(mask.astype(np.uint8), _kernel(), iterations=rim).astype(bool)
        ink = inner & differs(pixels, fill, tolerance)
    else:
        ink = mask & differs(pixels, background, tolerance)
    text_ink, had_frame = _without_frame(ink, extent.bbox.width, extent.bbox.height)
    if had_frame:
        notes.append("an outline around the control is part of its extent, not of its text")
    ink_pixels = pixels[text_ink]
    text_color = rendered = None
    text_contrast = rendered_contrast = None
    text_height = 0
    top_count = 0
    if ink_pixels.shape[0]:
        fill_luminance = float(luminance_array(np.array([fill], np.uint8))[0])
        luminance = luminance_array(ink_pixels)
        ratio = (np.maximum(luminance, fill_luminance) + 0.05) / (
            np.minimum(luminance, fill_luminance) + 0.05
        )
        order = np.argsort(ratio)
        rows = np.nonzero(text_ink.any(axis=1))[0]
        text_height = int(rows.max() - rows.min()) + 1
        if image.lossy:
            # JPEG rings around strokes, so the extreme pixels overshoot the nominal colour:
            # a wider share of the ink is taken. Thick strokes also have a flat core, the
            # densest colour of the high-contrast half; the two estimates are averaged.
            top_count = max(1, round(LOSSY_INK_FRACTION * len(ratio)))
            text_color = _median_colour(ink_pixels[order[-top_count:]])
            if text_height >= LOSSY_PLATEAU_PX:
                half = max(1, round(0.5 * len(ratio)))
                core, _ = modal_colour(ink_pixels[order[-half:]], lossy=True)
                blend = (np.array(text_color) + np.array(core)) / 2
                text_color = _median_colour(blend.reshape(1, 3))
        else:
            top_count = max(1, round(TOP_INK_FRACTION * len(ratio)))
            text_color = _median_colour(ink_pixels[order[-top_count:]])
        rendered = _median_colour(ink_pixels)
        text_contrast = contrast_ratio(text_color, fill)
        rendered_contrast = contrast_ratio(rendered, fill)
    else:
        notes.append("no text or icon pixels were found inside the control")
    factor, script = _ink_factor(spec.label or (spec.ocr_text or ""))
    font_size = text_height / image.scale / factor if text_height else None

    shrunk, grown = _moved_edges(mask, filled, extent.bbox, window)
    low, weight, high = _weights(pixels, (shrunk, mask, grown), background, image.scale)
    weight_range = (low, high)
    dominant = fill if filled or text_color is None else text_color
    fill_count = int((mask & ~differs(pixels, fill, tolerance)).sum()) if filled else 0
    trace = {
        "algorithm": "extent-v1",
        "background": {
            "hex": hex_colour(background),
            "pixels": extent.background_pixels,
            "sample_xy": list(extent.background_sample),
        },
        "fill": {"hex": hex_colour(fill), "pixels": fill_count if filled else mode_count},
        "text": None
        if text_color is None
        else {
            "hex": hex_colour(text_color),
            "pixels": top_count,
            "rendered_hex": hex_colour(rendered) if rendered else None,
            "ink_pixels": int(ink_pixels.shape[0]),
        },
        "tolerance": tolerance,
        "text_height_script": script,
        "ink_per_em": factor,
    }
    return ControlMeasurement(
        id=control_id,
        spec=spec,
        kind="filled" if filled else "text",
        extent=extent.bbox,
        scale=image.scale,
        area_px=extent.area_px,
        area_px_range=(int(shrunk.sum()), int(grown.sum())),
        text_color=text_color,
        text_color_rendered=rendered,
        fill_color=fill,
        background_color=background,
        text_contrast=text_contrast,
        text_contrast_rendered=rendered_contrast,
        surface_contrast=contrast_ratio(dominant, background),
        text_height_px=text_height,
        font_size_estimate_css=font_size,
        chroma=chroma(dominant),
        delta_e_background=delta_e2000(dominant, background),
        visual_weight=weight,
        visual_weight_range=weight_range,
        trace=trace,
        notes=tuple(notes),
    )
