"""Draw the measurement: extents by role, colour swatches with hex values, numbers, scale bar."""

from __future__ import annotations

import io
from functools import cache
from typing import Any

from desktop.core.analysis.color import hex_colour
from desktop.core.analysis.engine import AnalysisResult
from desktop.core.i18n import tr
from resources import resource_path

FONT_FILE = ("fonts", "wqy-microhei.ttc")
ROLE_COLOURS = {"promoted": (230, 57, 70), "suppressed": (29, 112, 214), "other": (110, 110, 110)}
PANEL_WIDTH_CSS = 300


@cache
def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(str(resource_path(*FONT_FILE)), size)


def _role_word(role: str) -> str:
    words = {"promoted": tr("promoted"), "suppressed": tr("suppressed"), "other": tr("other")}
    return words.get(role, role)


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
    small, normal = _font(round(11 * unit)), _font(round(13 * unit))
    line = max(2, round(2 * unit))
    for control in result.controls:
        colour = ROLE_COLOURS.get(control.spec.role, ROLE_COLOURS["other"])
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
    x0 = image.width + round(12 * unit)
    y = round(12 * unit)
    draw.text((x0, y), tr("Measurements (derived image)"), fill="black", font=normal)
    y += round(22 * unit)
    swatch = round(14 * unit)
    for control in result.controls:
        colour = ROLE_COLOURS.get(control.spec.role, ROLE_COLOURS["other"])
        label = (
            control.spec.label if len(control.spec.label) <= 18 else control.spec.label[:17] + "…"
        )
        draw.text(
            (x0, y),
            f"{control.id} · {_role_word(control.spec.role)} · {label}",
            fill=colour,
            font=small,
        )
        y += round(17 * unit)
        for name, value in (
            ("t", control.text_color),
            ("f", control.fill_color),
            ("b", control.background_color),
        ):
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
        width, height = control.extent_css[2:]
        contrast = "—" if control.text_contrast is None else f"{control.text_contrast:.2f}:1"
        for text in (
            tr("size {width:g} x {height:g} CSS px", width=width, height=height),
            tr("text contrast {contrast}", contrast=contrast),
            tr("visual weight {weight:,.0f}", weight=control.visual_weight),
        ):
            draw.text((x0, y), text, fill="black", font=small)
            y += round(15 * unit)
        y += round(8 * unit)
    for comparison in result.comparisons:
        draw.text(
            (x0, y),
            tr(
                "{p} / {s}: area x{area:.1f}, weight x{weight:.1f}",
                p=comparison.promoted.id,
                s=comparison.suppressed.id,
                area=comparison.area_ratio,
                weight=comparison.visual_weight_ratio,
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
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()
