"""Draw the measurement: extents by role, colour swatches with hex values, numbers, scale bar."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from desktop.core.analysis.color import hex_colour
from desktop.core.analysis.engine import AnalysisResult
from desktop.core.analysis.extent import RGB
from desktop.core.i18n import tr
from desktop.vocab import Role
from resources import resource_path

FONT_FILE = ("fonts", "wqy-microhei.ttc")
ROLE_COLOURS: dict[str, tuple[int, int, int]] = {
    Role.PROMOTED: (230, 57, 70),
    Role.SUPPRESSED: (29, 112, 214),
    Role.OTHER: (110, 110, 110),
}
PANEL_WIDTH_CSS = 300


@cache
def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(str(resource_path(*FONT_FILE)), size)


def _role_word(role: str) -> str:
    words: dict[str, str] = {
        Role.PROMOTED: tr("promoted"),
        Role.SUPPRESSED: tr("suppressed"),
        Role.OTHER: tr("other"),
    }
    return words.get(role, role)


@dataclass(frozen=True)
class _PanelControl:
    id: str
    role: str
    label: str
    colours: tuple[RGB | None, RGB | None, RGB | None]  # text, fill, background
    width_css: float
    height_css: float
    contrast: float | None
    weight: float


def _draw_panel(
    canvas: Any,
    width: int,
    scale: float,
    rows: list[_PanelControl],
    pairs: list[tuple[str, str, float, float]],
) -> None:
    """The side panel right of the image: each control's words and numbers, the ratios, a bar."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(canvas)
    unit = max(1.0, scale)
    small, normal = _font(round(11 * unit)), _font(round(13 * unit))
    line = max(2, round(2 * unit))
    x0 = width + round(12 * unit)
    y = round(12 * unit)
    draw.text((x0, y), tr("Measurements (derived image)"), fill="black", font=normal)
    y += round(22 * unit)
    swatch = round(14 * unit)
    for control in rows:
        colour = ROLE_COLOURS.get(control.role, ROLE_COLOURS[Role.OTHER])
        label = control.label if len(control.label) <= 18 else control.label[:17] + "…"
        draw.text(
            (x0, y),
            f"{control.id} · {_role_word(control.role)} · {label}",
            fill=colour,
            font=small,
        )
        y += round(17 * unit)
        for name, value in zip(("t", "f", "b"), control.colours, strict=True):
            if value is None:
                continue
            draw.rectangle((x0, y, x0 + swatch, y + swatch), fill=value, outline=(120, 120, 120))
            draw.text(
                (x0 + swatch + round(6 * unit), y),
                f"{name} {hex_colour(value)}",
                fill="black",
                font=small,
            )
            y += swatch + round(4 * unit)
        contrast = "—" if control.contrast is None else f"{control.contrast:.2f}:1"
        for text in (
            tr(
                "size {width:g} x {height:g} CSS px",
                width=control.width_css,
                height=control.height_css,
            ),
            tr("text contrast {contrast}", contrast=contrast),
            tr("visual weight {weight:,.0f}", weight=control.weight),
        ):
            draw.text((x0, y), text, fill="black", font=small)
            y += round(15 * unit)
        y += round(8 * unit)
    for promoted, suppressed, area, weight in pairs:
        draw.text(
            (x0, y),
            tr(
                "{p} / {s}: area x{area:.1f}, weight x{weight:.1f}",
                p=promoted,
                s=suppressed,
                area=area,
                weight=weight,
            ),
            fill="black",
            font=small,
        )
        y += round(15 * unit)
    bar_css = 50
    bar = round(bar_css * scale)
    by = canvas.height - round(20 * unit)
    draw.line((x0, by, x0 + bar, by), fill="black", width=line)
    for end in (x0, x0 + bar):
        draw.line((end, by - round(4 * unit), end, by + round(4 * unit)), fill="black", width=line)
    draw.text(
        (x0 + bar + round(6 * unit), by - round(8 * unit)),
        tr("{length} CSS px (scale {scale:g})", length=bar_css, scale=scale),
        fill="black",
        font=small,
    )


def _rgb(value: object) -> RGB | None:
    if not isinstance(value, str) or len(value) != 7 or not value.startswith("#"):
        return None
    try:
        return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))
    except ValueError:
        return None


def _number(value: object, default: float = 0.0) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
    )


def redraw_panel(overlay: Any, document: dict[str, Any]) -> Any:
    """The overlay (a Pillow image) with its side panel drawn again from a logged document.

    Used where the panel must not show what it once showed: the labels of redacted controls
    are whatever the document now says ("[redacted]"), everything else is as logged.
    """
    from PIL import ImageDraw

    logged_image = document.get("image")
    image: dict[str, Any] = logged_image if isinstance(logged_image, dict) else {}
    width = int(_number(image.get("width"), overlay.width))
    scale = _number(image.get("scale"), 1.0) or 1.0
    result = overlay.convert("RGB") if overlay.mode != "RGB" else overlay.copy()
    ImageDraw.Draw(result).rectangle((width, 0, result.width, result.height), fill="white")
    rows = []
    for control in (
        document.get("controls", []) if isinstance(document.get("controls"), list) else []
    ):
        if not isinstance(control, dict):
            continue
        extent = control.get("extent_css")
        w, h = (extent[2], extent[3]) if isinstance(extent, list) and len(extent) == 4 else (0, 0)
        contrast = control.get("text_contrast")
        rows.append(
            _PanelControl(
                str(control.get("id", "")),
                str(control.get("role", "other")),
                str(control.get("label") or ""),
                (
                    _rgb(control.get("text_color")),
                    _rgb(control.get("fill_color")),
                    _rgb(control.get("background_color")),
                ),
                _number(w),
                _number(h),
                None if contrast is None else _number(contrast),
                _number(control.get("visual_weight")),
            )
        )
    pairs = (
        [
            (
                str(c.get("promoted", "")),
                str(c.get("suppressed", "")),
                _number(c.get("area_ratio"), math.inf),  # null in the log stands for infinite
                _number(c.get("visual_weight_ratio"), math.inf),
            )
            for c in document.get("comparisons", [])
            if isinstance(c, dict)
        ]
        if isinstance(document.get("comparisons"), list)
        else []
    )
    _draw_panel(result, width, scale, rows, pairs)
    return result


def render_overlay(result: AnalysisResult) -> bytes:
    """A PNG: the image with each extent outlined and labelled, and a side panel of numbers.

    Text is drawn with Pillow and the bundled CJK font (OpenCV cannot draw Chinese). The
    original is never changed; this is a derived image.
    """
    from PIL import Image, ImageDraw

    image = result.image
    scale = image.scale
    unit = max(1.0, scale)  # drawing sizes follow the image's own scale
    panel = round(PANEL_WIDTH_CSS * unit)
    canvas = Image.new("RGB", (image.width + panel, max(image.height, round(260 * unit))), "white")
    canvas.paste(Image.fromarray(image.rgb), (0, 0))
    draw = ImageDraw.Draw(canvas)
    small = _font(round(11 * unit))
    line = max(2, round(2 * unit))
    for control in result.controls:
        colour = ROLE_COLOURS.get(control.spec.role, ROLE_COLOURS[Role.OTHER])
        box = control.extent
        pad = line
        draw.rectangle(
            (box.x - pad, box.y - pad, box.right + pad - 1, box.bottom + pad - 1),
            outline=colour,
            width=line,
        )
        tag = f"{control.id} {_role_word(control.spec.role)}"
        left, top, right, bottom = draw.textbbox((0, 0), tag, font=small)
        ty = box.y - pad - (bottom - top) - 2 * line
        if ty < 0:
            ty = box.bottom + pad + line
        draw.rectangle(
            (box.x - pad, ty, box.x - pad + right - left + 2 * line, ty + bottom - top + 2 * line),
            fill=colour,
        )
        draw.text((box.x - pad + line, ty + line - top), tag, fill="white", font=small)
    rows = [
        _PanelControl(
            control.id,
            control.spec.role,
            control.spec.label,
            (control.text_color, control.fill_color, control.background_color),
            control.extent_css[2],
            control.extent_css[3],
            control.text_contrast,
            control.visual_weight,
        )
        for control in result.controls
    ]
    pairs = [
        (c.promoted.id, c.suppressed.id, c.area_ratio, c.visual_weight_ratio)
        for c in result.comparisons
    ]
    _draw_panel(canvas, image.width, scale, rows, pairs)
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()
