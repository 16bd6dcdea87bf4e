"""Build the accuracy ground truth: pages, renders and truth.json from one definition.

Every test page is defined below as Python data (boxes, colours, fonts, labels, roles).
From that data this script

1. writes the HTML pages to tools/accuracy/pages/<page>.html,
2. renders each page with headless Chromium at device scale factors 1, 1.25, 2 and 3 into
   tests/data/accuracy/<page>@<scale>x.png (re-saved losslessly with Pillow),
3. checks each PNG: size, not blank, exact colours and pixel-snapped edges at probe points
   derived from the same data (a check of Chromium, never a source of truth),
4. writes JPEG quality-80 (4:2:0) copies to tests/data/accuracy/jpeg/<page>@<scale>x.jpg,
5. writes tests/data/accuracy/truth.json from the data alone (CSS values, WCAG formula,
   the verified pixel-snapping rule and, for text, a font-metric estimate of the ink box).

Usage:  python tools/accuracy/render.py [--chromium PATH] [--only PAGE ...] [--truth-only]

Needs Python 3.11, Pillow (with FreeType; raqm gives the same shaping as Chromium) and, for
rendering, Chromium and the Noto Sans CJK fonts (Debian: chromium, fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
PAGES_DIR = REPO_ROOT / "tools" / "accuracy" / "pages"
OUT_DIR = REPO_ROOT / "tests" / "data" / "accuracy"
TRUTH_VERSION = 1

VIEWPORT = (480, 360)  # CSS px
SCALES = (1.0, 1.25, 2.0, 3.0)
JPEG_QUALITY = 80
JPEG_SUBSAMPLING = 2  # Pillow: 0 = 4:4:4, 1 = 4:2:2, 2 = 4:2:0 (its default)
TIMEOUT_S = 90
FONT_FAMILY = '"Noto Sans CJK SC", sans-serif'
RING_CSS = 8  # the local-background ring of MEASUREMENT.md is 4 to 8 CSS px wide
# Largest edge error of the font-metric text ink estimate, in device px. Observed on the
# renders (Chromium 156): 1.3, 2.1, 1.6 and 1.7 px at scales 1, 1.25, 2 and 3; render.py
# fails if a render exceeds it, so the estimate stays honest when Chromium changes.
TEXT_EST_TOLERANCE_PX = 2.5

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    # Guard: with no display profile headless Chromium already writes CSS hex values
    # unchanged (verified: identical pixels with and without this flag); keep it so a
    # machine with a colour-managed setup cannot change the truth colours.
    "--force-color-profile=srgb",
]

# Lexicon of MEASUREMENT.md ("Locating a control"), used only to say in truth.json whether
# automatic location can be expected to classify a label.
PROMOTING_WORDS = (
    "upgrade",
    "subscribe",
    "continue",
    "keep",
    "accept",
    "升级",
    "开通",
    "续费",
    "订阅",
    "立即",
    "同意",
)
SUPPRESSING_WORDS = (
    "downgrade",
    "cancel",
    "unsubscribe",
    "no thanks",
    "later",
    "skip",
    "降级",
    "取消",
    "退订",
    "暂不",
    "以后再说",
    "关闭自动续费",
)


class RenderError(RuntimeError):
    """A page could not be rendered or failed its checks."""


# --------------------------------------------------------------------------------------
# Page definitions (the single source of truth)
# --------------------------------------------------------------------------------------

Box = tuple[int, int, int, int]  # x, y, w, h in CSS px


@dataclass(frozen=True)
class Control:
    """A promoted or suppressed control.

    kind: "filled" (background fill), "outlined" (transparent fill, border), "text"
    (text only; box is the CSS line box: element box with line-height = h, text centred).
    """

    role: str  # "promoted" | "suppressed"
    label: str
    kind: str
    box: Box
    text: str  # text colour hex
    font_size: int  # CSS px
    font_weight: int = 400
    fill: str | None = None
    border: str | None = None
    border_width: int = 0
    radius: int = 0


@dataclass(frozen=True)
class Rect:
    """A plain filled rectangle of page or dialog furniture (a surface)."""

    box: Box
    colour: str
    radius: int = 0
    layer: int = 0  # 0 = page (under the overlay), 2 = dialog (over the overlay)


@dataclass(frozen=True)
class Text:
    """Decorative text (headings). Kept clear of the controls' background rings."""

    box: Box  # element box, line-height = h, left aligned
    text: str
    colour: str
    font_size: int
    font_weight: int = 400
    layer: int = 0


@dataclass(frozen=True)
class Page:
    name: str
    description: str
    background: str
    controls: tuple[Control, Control]  # (promoted, suppressed)
    decor: tuple[Rect | Text, ...] = ()
    overlay_alpha: float | None = None  # black overlay between layer 0 and layer 2
    lang: str = "en"
    expected_asymmetric: bool = True
    boundary: float | None = None  # WCAG threshold this page sits on (4.5 or 3)
    notes: tuple[str, ...] = field(default=())


WHITE = "#FFFFFF"
INK = "#202124"
SUBTLE = "#5F6368"


def heading(
    title: str,
    sub: str,
    colour: str = INK,
    sub_colour: str = SUBTLE,
    layer: int = 0,
    x: int = 32,
    y: int = 32,
    w: int = 416,
) -> tuple[Text, Text]:
    return (
        Text((x, y, w, 28), title, colour, 20, 700, layer),
        Text((x, y + 34, w, 20), sub, sub_colour, 14, 400, layer),
    )


PAGES: tuple[Page, ...] = (
    Page(
        name="filled-vs-link",
        description="Orange filled button vs small grey text link on white.",
        background=WHITE,
        decor=heading("Your plan: Basic", "Get more storage and priority support."),
        controls=(
            Control(
                "promoted",
                "Upgrade now",
                "filled",
                (140, 180, 200, 48),
                "#FFFFFF",
                18,
                700,
                fill="#FF4D1A",
                radius=6,
            ),
            Control("suppressed", "Downgrade to Free", "text", (140, 252, 200, 20), "#9AA0A6", 12),
        ),
    ),
    Page(
        name="filled-vs-ghost",
        description="Filled blue button vs outlined (1px light grey border) button of the "
        "same size with light grey text.",
        background=WHITE,
        decor=heading("Change your plan", "Your current plan renews on 1 July."),
        controls=(
            Control(
                "promoted",
                "Upgrade",
                "filled",
                (56, 200, 176, 44),
                "#FFFFFF",
                16,
                700,
                fill="#1A73E8",
                radius=4,
            ),
            Control(
                "suppressed",
                "Downgrade",
                "outlined",
                (248, 200, 176, 44),
                "#BDC1C6",
                16,
                400,
                border="#DADCE0",
                border_width=1,
                radius=4,
            ),
        ),
    ),
    Page(
        name="dark-mode",
        description="Dark page (#121212): bright filled pill button vs dim text link.",
        background="#121212",
        decor=heading(
            "Your plan: Basic",
            "Get more storage and priority support.",
            colour="#E8EAED",
            sub_colour="#9AA0A6",
        ),
        controls=(
            Control(
                "promoted",
                "Upgrade to Pro",
                "filled",
                (120, 190, 240, 48),
                "#202124",
                18,
                700,
                fill="#8AB4F8",
                radius=24,
            ),
            Control("suppressed", "Maybe later", "text", (190, 262, 100, 20), "#5F6368", 14),
        ),
    ),
    Page(
        name="dialog-dimmed",
        description="Page dimmed by an rgba(0,0,0,0.5) overlay; a white dialog on top holds "
        "both controls, so their background is the dialog's white.",
        background="#F1F3F4",
        overlay_alpha=0.5,
        decor=(
            Rect((0, 0, 480, 56), "#1A73E8"),
            Text((24, 14, 200, 28), "Account", "#FFFFFF", 18, 700),
            Rect((24, 80, 432, 116), WHITE, radius=8),
            Rect((24, 212, 432, 124), WHITE, radius=8),
            Text((40, 96, 380, 20), "Premium membership", INK, 14, 700),
            Text((40, 124, 380, 20), "Renews automatically every month.", SUBTLE, 14),
            Rect((90, 60, 300, 240), WHITE, radius=12, layer=2),
            *heading(
                "Leaving Premium?", "You will lose offline downloads.", layer=2, x=114, y=80, w=252
            ),
        ),
        controls=(
            Control(
                "promoted",
                "Keep Premium",
                "filled",
                (114, 180, 252, 44),
                "#FFFFFF",
                16,
                700,
                fill="#1A73E8",
                radius=6,
            ),
            Control(
                "suppressed", "Cancel subscription", "text", (114, 244, 252, 20), "#9AA0A6", 13
            ),
        ),
        notes=(
            "The dimmed page is not the controls' background: the ring around each "
            "control lies on the dialog (#FFFFFF).",
        ),
    ),
    Page(
        name="chinese-labels",
        description="立即升级 (filled red pill) vs 暂不 (small grey link).",
        background=WHITE,
        lang="zh-CN",
        decor=heading("会员中心", "当前方案：基础版，每月 20 GB 存储空间"),
        controls=(
            Control(
                "promoted",
                "立即升级",
                "filled",
                (140, 180, 200, 48),
                "#FFFFFF",
                18,
                700,
                fill="#E53935",
                radius=24,
            ),
            Control("suppressed", "暂不", "text", (200, 252, 80, 20), "#9AA0A6", 13),
        ),
    ),
    Page(
        name="chinese-downgrade",
        description="续费会员 (gold button, dark text) vs 降级套餐 (small light grey link).",
        background=WHITE,
        lang="zh-CN",
        decor=heading("会员中心", "你的会员还有 12 天到期"),
        controls=(
            Control(
                "promoted",
                "续费会员",
                "filled",
                (140, 180, 200, 48),
                "#3E2723",
                18,
                700,
                fill="#FFB300",
                radius=8,
            ),
            Control("suppressed", "降级套餐", "text", (190, 252, 100, 20), "#BDBDBD", 12),
        ),
    ),
    Page(
        name="grey-4.5-pass",
        description="16px normal link text #767676 on white (4.54:1, passes 4.5:1) next to a "
        "neutral filled button.",
        background=WHITE,
        boundary=4.5,
        decor=heading("Before you go", "Plan changes take effect next month."),
        controls=(
            Control(
                "promoted",
                "Continue",
                "filled",
                (56, 200, 176, 44),
                "#FFFFFF",
                16,
                700,
                fill="#3C4043",
                radius=4,
            ),
            Control("suppressed", "Cancel plan", "text", (248, 210, 176, 24), "#767676", 16),
        ),
    ),
    Page(
        name="grey-4.5-fail",
        description="16px normal link text #777777 on white (4.48:1, fails 4.5:1) next to a "
        "neutral filled button.",
        background=WHITE,
        boundary=4.5,
        decor=heading("Before you go", "Plan changes take effect next month."),
        controls=(
            Control(
                "promoted",
                "Continue",
                "filled",
                (56, 200, 176, 44),
                "#FFFFFF",
                16,
                700,
                fill="#3C4043",
                radius=4,
            ),
            Control("suppressed", "Cancel plan", "text", (248, 210, 176, 24), "#777777", 16),
        ),
    ),
    Page(
        name="grey-3-pass",
        description="24px (large) normal link text #949494 on white (3.03:1, passes 3:1) next "
        "to a neutral filled button.",
        background=WHITE,
        boundary=3.0,
        decor=heading("Before you go", "Plan changes take effect next month."),
        controls=(
            Control(
                "promoted",
                "Continue",
                "filled",
                (56, 200, 176, 44),
                "#FFFFFF",
                16,
                700,
                fill="#3C4043",
                radius=4,
            ),
            Control("suppressed", "No thanks", "text", (248, 204, 176, 36), "#949494", 24),
        ),
    ),
    Page(
        name="grey-3-fail",
        description="24px (large) normal link text #959595 on white (2.995:1, fails 3:1) next "
        "to a neutral filled button.",
        background=WHITE,
        boundary=3.0,
        decor=heading("Before you go", "Plan changes take effect next month."),
        controls=(
            Control(
                "promoted",
                "Continue",
                "filled",
                (56, 200, 176, 44),
                "#FFFFFF",
                16,
                700,
                fill="#3C4043",
                radius=4,
            ),
            Control("suppressed", "No thanks", "text", (248, 204, 176, 36), "#959595", 24),
        ),
    ),
    Page(
        name="fair-pair",
        description="Two identical filled buttons (same box size, fill, text colour and "
        "font); only the labels differ.",
        background=WHITE,
        expected_asymmetric=False,
        decor=heading("Choose your plan", "Both options cost the same this month."),
        controls=(
            Control(
                "promoted",
                "Upgrade",
                "filled",
                (56, 200, 176, 44),
                "#FFFFFF",
                16,
                700,
                fill="#1A73E8",
                radius=4,
            ),
            Control(
                "suppressed",
                "Downgrade",
                "filled",
                (248, 200, 176, 44),
                "#FFFFFF",
                16,
                700,
                fill="#1A73E8",
                radius=4,
            ),
        ),
        notes=(
            "Box, fill and font are identical; the labels differ in length, so ink-based "
            "numbers (text width, visual weight) differ slightly while the extents do not.",
        ),
    ),
    Page(
        name="small-target",
        description="A 16 x 16 CSS px round close control (×) vs a big filled button.",
        background=WHITE,
        decor=heading("Try Premium free for 7 days", "Ad-free music and offline listening."),
        controls=(
            Control(
                "promoted",
                "Subscribe",
                "filled",
                (140, 200, 200, 52),
                "#FFFFFF",
                18,
                700,
                fill="#1A73E8",
                radius=8,
            ),
            Control(
                "suppressed",
                "×",
                "filled",
                (432, 32, 16, 16),
                "#5F6368",
                14,
                700,
                fill="#E8EAED",
                radius=8,
            ),
        ),
        notes=(
            "The close control has no word from the lexicon: automatic location cannot "
            "classify it; tests should give it as a user hint.",
            "Its visible extent (16 x 16 CSS px) is below the WCAG 2.5.8 24 x 24 minimum.",
        ),
    ),
)


# --------------------------------------------------------------------------------------
# Colour maths (WCAG 2.x, CIELAB) and Chromium's verified pixel rules
# --------------------------------------------------------------------------------------


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"expected #RRGGBB, got {value!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def rgb_to_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _linear(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def relative_luminance(value: str) -> float:
    r, g, b = (_linear(c) for c in hex_to_rgb(value))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def lab(value: str) -> tuple[float, float, float]:
    """CIELAB (D65, sRGB) of a hex colour."""
    r, g, b = (_linear(c) for c in hex_to_rgb(value))
    x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b
    xn, yn, zn = 0.95047, 1.0, 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x / xn), f(y / yn), f(z / zn)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def colour_info(value: str) -> dict:
    lab_l, lab_a, lab_b = lab(value)
    return {
        "hex": value,
        "rgb": list(hex_to_rgb(value)),
        "luminance": relative_luminance(value),
        "lab": [round(lab_l, 4), round(lab_a, 4), round(lab_b, 4)],
        "chroma": round(math.hypot(lab_a, lab_b), 4),
    }


def composite_black(value: str, alpha: float) -> str:
    """Chromium's 8-bit source-over of black at `alpha` on `value` (verified for 0.5).

    Alpha is quantised to round(alpha * 255) = 128 and blended in 8 bits:
    out = round(c * (255 - 128) / 255), which for alpha 0.5 equals floor(c / 2) for every
    c in 0..255 (checked against a render of all 256 values). Note that round(c * 0.5)
    would be wrong for odd c: #FFFFFF dims to #7F7F7F, not #808080.
    """
    a8 = round(alpha * 255)
    return rgb_to_hex(tuple(round(c * (255 - a8) / 255) for c in hex_to_rgb(value)))


def snap(v: float) -> int:
    """Chromium's pixel snapping of a box edge at device pixels: round half up.

    Verified on the renders: each edge of a box lands on floor(edge_css * scale + 0.5)
    independently (1.25: 12.5 -> 13, 51.25 -> 51, 38.75 -> 39; 1.5: 46.5 -> 47), with
    fully opaque edge pixels (no anti-aliasing of straight edges).
    """
    return math.floor(v + 0.5)


def px_box(box: tuple[float, float, float, float], scale: float) -> list[int]:
    """[x0, y0, x1, y1) in device px: the snapped edges of a CSS box (x, y, w, h)."""
    x, y, w, h = box
    return [snap(x * scale), snap(y * scale), snap((x + w) * scale), snap((y + h) * scale)]


def border_px(width_css: int, scale: float) -> int:
    """Chromium floors border widths to whole device px (at least 1): 1px is 1 at 1.25."""
    return 0 if width_css == 0 else max(1, math.floor(width_css * scale))


def rounded_area(w: float, h: float, r: float) -> float:
    r = min(r, w / 2, h / 2)
    return w * h - (4 - math.pi) * r * r


# --------------------------------------------------------------------------------------
# Font-metric estimate of text ink (FreeType + HarfBuzz via Pillow; not the screenshot)
# --------------------------------------------------------------------------------------

_FONT_CACHE: dict[tuple[int, int], object] = {}
_EST_SIZE_FACTOR = 16  # shape at 16x the CSS size, then divide: sub-pixel precise outlines


def _font_file(weight: int) -> tuple[str, int]:
    pattern = "Noto Sans CJK SC:bold" if weight >= 600 else "Noto Sans CJK SC"
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}", pattern],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
        path, index = out.splitlines()[:2]
        if "NotoSansCJK" in path:
            return path, int(index)
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    name = "NotoSansCJK-Bold.ttc" if weight >= 600 else "NotoSansCJK-Regular.ttc"
    return f"/usr/share/fonts/opentype/noto/{name}", 2


def _font(size_css: int, weight: int):
    from PIL import ImageFont

    key = (size_css, 700 if weight >= 600 else 400)
    if key not in _FONT_CACHE:
        path, index = _font_file(key[1])
        layout = ImageFont.Layout.RAQM if ImageFont.core.HAVE_RAQM else ImageFont.Layout.BASIC
        font = ImageFont.truetype(
            path, size_css * _EST_SIZE_FACTOR, index=index, layout_engine=layout
        )
        family, style = font.getname()
        if family != "Noto Sans CJK SC":
            raise RenderError(f"{path}:{index} is {family} {style}, not Noto Sans CJK SC")
        _FONT_CACHE[key] = font
    return _FONT_CACHE[key]


def _outline_bbox(font, text: str) -> tuple[int, int, int, int]:
    """Ink bbox of `text` relative to its origin on the baseline, from the rasterised
    outlines (Pillow's getbbox() starts at the pen origin and so misses side bearings)."""
    from PIL import Image, ImageDraw

    left, top, right, bottom = font.getbbox(text, anchor="ls")
    pad = font.size
    w, h = int(right - left) + 2 * pad, int(bottom - top) + 2 * pad
    img = Image.new("L", (w, h), 0)
    ox, oy = pad - int(left), pad - int(top)
    ImageDraw.Draw(img).text((ox, oy), text, font=font, fill=255, anchor="ls")
    ink = img.point(lambda v: 255 if v >= 128 else 0).getbbox()
    if ink is None:
        raise RenderError(f"no ink for {text!r}")
    return ink[0] - ox, ink[1] - oy, ink[2] - ox, ink[3] - oy


def text_estimate(
    text: str, size: int, weight: int, box: Box, border: int = 0, align: str = "center"
) -> dict:
    """Ink box of `text` in the element `box` (centred or left aligned), line-height = its
    content height.

    Horizontal: start = content left + (content width - advance) / 2. Vertical: baseline =
    content top + (line-height - (ascent + descent)) / 2 + ascent, with the font's ascent
    and descent (hhea, as FreeType and Skia read them). Chromium additionally rounds font
    metrics and glyph positions to device pixels, so expect about 1 device px of error.
    """
    font = _font(size, weight)
    k = _EST_SIZE_FACTOR
    ascent, descent = (v / k for v in font.getmetrics())
    advance = font.getlength(text) / k
    left, top, right, bottom = (v / k for v in _outline_bbox(font, text))
    x, y, w, h = box
    cx, cy, cw, ch = x + border, y + border, w - 2 * border, h - 2 * border
    origin_x = cx + (cw - advance) / 2 if align == "center" else cx
    baseline = cy + (ch - (ascent + descent)) / 2 + ascent
    ink = (origin_x + left, baseline + top, right - left, bottom - top)
    return {
        "advance_css": round(advance, 3),
        "baseline_y_css": round(baseline, 3),
        "ascent_css": round(ascent, 3),
        "descent_css": round(descent, 3),
        "ink_box_css": [round(v, 3) for v in ink],
        "ink_height_css": round(bottom - top, 3),
    }


# --------------------------------------------------------------------------------------
# HTML generation
# --------------------------------------------------------------------------------------


def _pos(box: Box) -> str:
    x, y, w, h = box
    return f"left:{x}px;top:{y}px;width:{w}px;height:{h}px"


def _z(layer: int) -> int:
    return {0: 0, 1: 1, 2: 2, 3: 3}[layer]


def control_layer(page: Page) -> int:
    return 3 if page.overlay_alpha is not None else 1


def page_html(page: Page) -> str:
    esc = html.escape
    lines = [
        "<!DOCTYPE html>",
        "<!--",
        f'  Evidence Recorder accuracy page "{page.name}": {page.description}',
        "  GENERATED by tools/accuracy/render.py from its PAGES data: edit that, not this file.",
        f"  Viewport {VIEWPORT[0]}x{VIEWPORT[1]} CSS px; box = left,top,width,height in CSS px.",
    ]
    for c in page.controls:
        extra = f" fill {c.fill}" if c.fill else ""
        if c.border:
            extra += f" border {c.border_width}px {c.border}"
        lines.append(
            f"    {c.role:<10} {c.label!r:<22} {c.kind:<8} box {','.join(map(str, c.box))}"
            f"  text {c.text}{extra}  font {c.font_size}px/{c.font_weight}"
            f"  radius {c.radius}px"
        )
    lines += [
        "-->",
        f'<html lang="{page.lang}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{esc(page.name)}</title>",
        "<style>",
        "  * { box-sizing: border-box; margin: 0; padding: 0; }",
        f"  html, body {{ width: {VIEWPORT[0]}px; height: {VIEWPORT[1]}px; overflow: hidden; }}",
        f"  body {{ position: relative; background: {page.background}; "
        f"font-family: {FONT_FAMILY}; }}",
        "  .a { position: absolute; white-space: nowrap; overflow: visible; }",
        "</style>",
        "</head>",
        "<body>",
    ]
    for d in page.decor:
        if isinstance(d, Rect):
            radius = f"border-radius:{d.radius}px;" if d.radius else ""
            lines.append(
                f'<div class="a" style="{_pos(d.box)};background:{d.colour};{radius}'
                f'z-index:{_z(d.layer)}"></div>'
            )
    for d in page.decor:
        if isinstance(d, Text):
            lines.append(
                f'<div class="a" style="{_pos(d.box)};line-height:{d.box[3]}px;'
                f"color:{d.colour};font-size:{d.font_size}px;font-weight:{d.font_weight};"
                f'z-index:{_z(d.layer)}">{esc(d.text)}</div>'
            )
    if page.overlay_alpha is not None:
        lines.append(
            f'<div class="a" style="left:0;top:0;width:{VIEWPORT[0]}px;'
            f"height:{VIEWPORT[1]}px;background:rgba(0,0,0,{page.overlay_alpha});"
            f'z-index:1"></div>'
        )
    layer = control_layer(page)
    for c in page.controls:
        inner = c.box[3] - 2 * c.border_width
        style = [
            _pos(c.box),
            f"line-height:{inner}px",
            "text-align:center",
            f"color:{c.text}",
            f"font-size:{c.font_size}px",
            f"font-weight:{c.font_weight}",
        ]
        if c.fill:
            style.append(f"background:{c.fill}")
        if c.border:
            style.append(f"border:{c.border_width}px solid {c.border}")
        if c.radius:
            style.append(f"border-radius:{c.radius}px")
        style.append(f"z-index:{layer}")
        tag = "a" if c.kind == "text" else "button"
        lines.append(
            f'<div class="a" role="{"link" if tag == "a" else "button"}" '
            f'data-role="{c.role}" style="{";".join(style)}">{esc(c.label)}</div>'
        )
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Truth
# --------------------------------------------------------------------------------------


def _inflate(box: tuple[float, ...], by: float) -> tuple[float, float, float, float]:
    x, y, w, h = box
    return x - by, y - by, w + 2 * by, h + 2 * by


def _intersects(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def _contains(outer: tuple[float, ...], inner: tuple[float, ...], radius: float = 0) -> bool:
    ox, oy, ow, oh = outer
    ix, iy, iw, ih = inner
    return (
        ox + radius <= ix
        and oy + radius <= iy
        and ix + iw <= ox + ow - radius
        and iy + ih <= oy + oh - radius
    )


def lexicon_role(label: str) -> str | None:
    low = label.lower()
    sup = any(w in low for w in SUPPRESSING_WORDS)
    pro = any(w in low for w in PROMOTING_WORDS)
    if sup and not pro:
        return "suppressed"
    if pro and not sup:
        return "promoted"
    return None


def extent_css(c: Control) -> tuple[list[float], bool]:
    """(visual extent [x, y, w, h] in CSS px, exact?) of a control."""
    if c.kind == "text":
        est = text_estimate(c.label, c.font_size, c.font_weight, c.box)
        return est["ink_box_css"], False
    return list(c.box), True


def surface_of(page: Page, c: Control) -> str:
    """The colour of the surface under the ring around the control, checked from geometry."""
    box, _ = extent_css(c)
    ring = _inflate(box, RING_CSS)
    layer = control_layer(page)
    surfaces = [d for d in page.decor if isinstance(d, Rect) and d.layer < layer]
    # topmost surface that holds the whole ring
    for d in reversed(surfaces):
        if _intersects(d.box, ring):
            if not _contains(d.box, ring, d.radius):
                raise RenderError(f"{page.name}/{c.label}: ring straddles a surface edge")
            colour = d.colour
            break
    else:
        colour = page.background
        d = None
    if page.overlay_alpha is not None and (d is None or d.layer == 0):
        colour = composite_black(colour, page.overlay_alpha)
    # nothing else may be drawn inside the ring
    for other in page.decor:
        if isinstance(other, Text):
            other_box = text_estimate(
                other.text, other.font_size, other.font_weight, other.box, align="left"
            )["ink_box_css"]
            if _intersects(other_box, ring):
                raise RenderError(f"{page.name}/{c.label}: text {other.text!r} inside its ring")
    for other in page.controls:
        if other is not c and _intersects(extent_css(other)[0], ring):
            raise RenderError(f"{page.name}/{c.label}: the other control is inside its ring")
    return colour


def _rounded(value: float) -> float:
    return round(value, 6)


def control_truth(page: Page, c: Control) -> dict:
    background = surface_of(page, c)
    fill = c.fill if c.kind == "filled" else None
    surface_under_text = fill or background
    text_contrast = contrast_ratio(c.text, surface_under_text)
    large = c.font_size >= 24 or (c.font_size >= 18.66 and c.font_weight >= 700)
    if c.kind == "filled":
        dominant, dominant_is = c.fill, "fill"
    elif c.kind == "outlined":
        dominant, dominant_is = c.border, "border"
    else:
        dominant, dominant_is = c.text, "text"
    ext, exact = extent_css(c)
    est = text_estimate(c.label, c.font_size, c.font_weight, c.box, c.border_width)
    area = rounded_area(ext[2], ext[3], c.radius) if exact else None
    truth = {
        "role": c.role,
        "label": c.label,
        "lexicon_role": lexicon_role(c.label),
        "kind": c.kind,
        "box_css": list(c.box),
        "box_is": "border box"
        if c.kind != "text"
        else "CSS line box of the text element (text centred in it); NOT the ink",
        "extent_css": [round(v, 3) for v in ext],
        "extent_exact": exact,
        "extent_area_css": None if area is None else _rounded(area),
        "border_radius_css": c.radius,
        "fill": fill,
        "fill_css": c.fill,
        "fill_effective": surface_under_text,
        "border": c.border,
        "border_width_css": c.border_width,
        "text": c.text,
        "background": background,
        "font_size_css": c.font_size,
        "font_weight": c.font_weight,
        "large_text": large,
        "text_contrast": _rounded(text_contrast),
        "text_contrast_against": surface_under_text,
        "text_threshold": 3.0 if large else 4.5,
        "text_passes_threshold": text_contrast >= (3.0 if large else 4.5),
        "text_passes_4_5": text_contrast >= 4.5,
        "text_passes_3": text_contrast >= 3.0,
        "dominant": dominant,
        "dominant_is": dominant_is,
        "surface_contrast": _rounded(contrast_ratio(dominant, background)),
        "surface_passes_3": contrast_ratio(dominant, background) >= 3.0,
        "fill_vs_background_contrast": None
        if fill is None
        else _rounded(contrast_ratio(fill, background)),
        "target_below_24": (c.box[2] < 24 or c.box[3] < 24) if exact else None,
        "colours": {
            k: colour_info(v)
            for k, v in (
                ("text", c.text),
                ("fill", fill),
                ("border", c.border),
                ("background", background),
            )
            if v
        },
        "text_estimate": {
            **est,
            "source": "font outlines and hhea metrics of Noto Sans CJK SC via Pillow "
            "(FreeType, HarfBuzz/raqm), text centred as in the CSS; not measured "
            "from the screenshot",
            "tolerance_px": TEXT_EST_TOLERANCE_PX,
        },
        "scales": {},
    }
    for s in SCALES:
        entry = {"extent_px": px_box(ext, s), "box_px": px_box(c.box, s)}
        if c.border_width:
            entry["border_width_px"] = border_px(c.border_width, s)
        entry["text_ink_px_est"] = px_box(est["ink_box_css"], s)
        entry["text_ink_tolerance_css"] = round(TEXT_EST_TOLERANCE_PX / s, 3)
        truth["scales"][scale_key(s)] = entry
    return truth


def scale_key(s: float) -> str:
    return f"{s:g}"


def file_stem(page: Page, s: float) -> str:
    return f"{page.name}@{s:g}x"


def page_truth(page: Page) -> dict:
    promoted, suppressed = page.controls
    if (promoted.role, suppressed.role) != ("promoted", "suppressed"):
        raise RenderError(f"{page.name}: controls must be (promoted, suppressed)")
    ct = [control_truth(page, c) for c in page.controls]
    out = {
        "description": page.description,
        "lang": page.lang,
        "html": f"tools/accuracy/pages/{page.name}.html",
        "viewport_css": list(VIEWPORT),
        "page_background": page.background,
        "expected_asymmetric": page.expected_asymmetric,
        "controls": {"promoted": ct[0], "suppressed": ct[1]},
        "pair": {
            "extent_area_ratio": None
            if not (ct[0]["extent_exact"] and ct[1]["extent_exact"])
            else _rounded(ct[0]["extent_area_css"] / ct[1]["extent_area_css"]),
            "box_area_ratio": _rounded(
                (promoted.box[2] * promoted.box[3]) / (suppressed.box[2] * suppressed.box[3])
            ),
            "height_ratio": _rounded(ct[0]["extent_css"][3] / ct[1]["extent_css"][3]),
            "height_ratio_exact": ct[0]["extent_exact"] and ct[1]["extent_exact"],
            "text_contrast": [ct[0]["text_contrast"], ct[1]["text_contrast"]],
            "surface_contrast": [ct[0]["surface_contrast"], ct[1]["surface_contrast"]],
        },
        "files": {
            scale_key(s): {
                "png": f"{file_stem(page, s)}.png",
                "jpeg": f"jpeg/{file_stem(page, s)}.jpg",
                "size_px": [expected_size(s)[0], expected_size(s)[1]],
                "scale": s,
            }
            for s in SCALES
        },
        "notes": list(page.notes),
    }
    if page.boundary is not None:
        s = ct[1]
        out["boundary"] = {
            "threshold": page.boundary,
            "control": "suppressed",
            "text_contrast": s["text_contrast"],
            "passes": s["text_contrast"] >= page.boundary,
            "large_text": s["large_text"],
        }
    if page.overlay_alpha is not None:
        out["overlay"] = {
            "css": f"rgba(0,0,0,{page.overlay_alpha})",
            "rule": "8-bit source-over as Chromium renders it: out = round(c * 127 / 255), "
            "which equals floor(c / 2) (NOT round(c * 0.5): 255 -> 127)",
            "dimmed": {
                d_hex: composite_black(d_hex, page.overlay_alpha)
                for d_hex in sorted(
                    {page.background}
                    | {d.colour for d in page.decor if isinstance(d, Rect) and d.layer == 0}
                    | {d.colour for d in page.decor if isinstance(d, Text) and d.layer == 0}
                )
            },
            "dimmed_page_background": composite_black(page.background, page.overlay_alpha),
        }
    return out


def expected_size(s: float) -> tuple[int, int]:
    """PNG size at scale s: Chromium's viewport in device px (verified: 1.25 -> 600 x 450)."""
    return snap(VIEWPORT[0] * s), snap(VIEWPORT[1] * s)


def build_truth(pages: tuple[Page, ...]) -> dict:
    for fg, ratio in (("#767676", 4.54), ("#777777", 4.48), ("#949494", 3.03), ("#959595", 2.995)):
        got = contrast_ratio(fg, "#FFFFFF")
        if abs(got - ratio) > 0.006:
            raise RenderError(f"WCAG test vector {fg}: {got:.4f}, expected {ratio}")
    for page in pages:
        for d in page.decor:
            words = PROMOTING_WORDS + SUPPRESSING_WORDS
            if isinstance(d, Text) and any(w in d.text.lower() for w in words):
                raise RenderError(f"{page.name}: decorative text {d.text!r} uses a lexicon word")
    return {
        "version": TRUTH_VERSION,
        "source": (
            "All truth derives from the CSS page definitions in tools/accuracy/render.py "
            "(PAGES), the WCAG 2.x formula and Chromium's pixel rules verified on the "
            "renders; no value is measured from the screenshots. Text ink boxes are "
            "estimates from the font's outlines and metrics (see text_estimate)."
        ),
        "generator": "tools/accuracy/render.py",
        "viewport_css": list(VIEWPORT),
        "scales": list(SCALES),
        "font_family": FONT_FAMILY,
        "jpeg": {"quality": JPEG_QUALITY, "subsampling": "4:2:0", "encoder": "Pillow"},
        "rules": {
            "wcag": "L = 0.2126 R + 0.7152 G + 0.0722 B, channel c/255 linearised as c/12.92 "
            "if <= 0.04045 else ((c+0.055)/1.055)^2.4; ratio (L1+0.05)/(L2+0.05); "
            "values stored unrounded (6 decimals)",
            "large_text": "font_size_css >= 24, or >= 18.66 with font_weight >= 700",
            "edge_snapping": "each box edge lands on floor(edge_css * scale + 0.5) device px "
            "(round half up), edges fully opaque; boxes are [x0, y0, x1, y1) "
            "with x1, y1 exclusive",
            "border_width": "device px = max(1, floor(width_css * scale))",
            "image_size": "480*scale x 360*scale device px (600 x 450 at 1.25)",
            "colours": "CSS hex values appear unchanged in the PNGs (no colour management)",
            "rounded_corners": "extent_area_css = w*h - (4 - pi) * r^2 for border-radius r; "
            "corner pixels are anti-aliased",
            "surface_contrast": "dominant colour vs background: fill for filled, border for "
            "outlined, text for text-only controls",
            "text_contrast": "text vs fill (filled) or vs background (outlined and text-only, "
            "whose fill is transparent)",
        },
        "lexicon": {"promoting": list(PROMOTING_WORDS), "suppressing": list(SUPPRESSING_WORDS)},
        "pages": {p.name: page_truth(p) for p in pages},
    }


# --------------------------------------------------------------------------------------
# Rendering and checks
# --------------------------------------------------------------------------------------


def find_chromium(requested: str | None) -> str:
    name = requested or os.environ.get("CHROMIUM") or "chromium"
    path = shutil.which(name)
    if path is None:
        raise RenderError(
            f"Chromium executable {name!r} not found; pass --chromium or set CHROMIUM"
        )
    return path


def render(chromium: str, html_path: Path, png: Path, scale: float) -> None:
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="render-accuracy-") as profile:
        cmd = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--force-device-scale-factor={scale:g}",
            f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            html_path.resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"{png.name}: Chromium timed out after {TIMEOUT_S}s") from exc
    if proc.returncode != 0 or not png.is_file():
        tail = "\n".join(proc.stderr.strip().splitlines()[-10:])
        raise RenderError(f"{png.name}: Chromium exited with {proc.returncode}; stderr:\n{tail}")


def optimise_png(png: Path) -> None:
    """Re-save losslessly as RGB with optimize=True; pixels must stay identical."""
    from PIL import Image, ImageChops

    with Image.open(png) as img:
        img.load()
        rgba = img.convert("RGBA")
    if rgba.getchannel("A").getextrema()[0] != 255:
        raise RenderError(f"{png.name}: screenshot has transparent pixels")
    tmp = png.with_name(png.stem + ".opt.png")
    try:
        rgba.convert("RGB").save(tmp, optimize=True)
        with Image.open(tmp) as saved:
            if ImageChops.difference(saved.convert("RGBA"), rgba).getbbox() is not None:
                raise RenderError(f"{png.name}: optimised PNG differs")
        tmp.replace(png)
    finally:
        tmp.unlink(missing_ok=True)


def _probe_points(page: Page, s: float) -> list[tuple[int, int, str, str]]:
    """(x, y, expected hex, what) device-px probes derived from the page data."""
    probes = []
    for c in page.controls:
        bg = surface_of(page, c)
        x0, y0, x1, y1 = px_box(c.box, s)
        bw = border_px(c.border_width, s)
        inner = c.fill if c.kind == "filled" else bg
        edge = c.border if c.border else inner
        if c.kind == "text":
            ex0, ey0, ex1, ey1 = px_box(extent_css(c)[0], s)
            ring = snap(RING_CSS * s) - 1
            probes += [
                (ex0 - ring, (ey0 + ey1) // 2, bg, "ring left"),
                (ex1 - 1 + ring, (ey0 + ey1) // 2, bg, "ring right"),
            ]
            continue
        r = snap(c.radius * s)
        my, mx = (y0 + y1) // 2, (x0 + x1) // 2
        # straight edge pixels (inside and just outside) at mid-height/mid-width of each side
        if r * 2 < (y1 - y0):
            probes += [
                (x0, my, edge, "left edge"),
                (x1 - 1, my, edge, "right edge"),
                (x0 - 1, my, bg, "outside left"),
                (x1, my, bg, "outside right"),
            ]
        if r * 2 < (x1 - x0):
            probes += [
                (mx, y0, edge, "top edge"),
                (mx, y1 - 1, edge, "bottom edge"),
                (mx, y0 - 1, bg, "outside top"),
                (mx, y1, bg, "outside bottom"),
            ]
        if bw:
            probes += [
                (mx, y0 + bw, inner, "inside top border"),
                (mx, y0 + bw - 1, edge, "top border last px"),
            ]
        # fill between the top edge and the text
        probes.append((mx, y0 + max(bw, 1) + 1, inner, "fill near top"))
    if page.overlay_alpha is not None:
        probes.append(
            (
                snap(470 * s),
                snap(350 * s),
                composite_black(page.background, page.overlay_alpha),
                "dimmed page",
            )
        )
    return probes


def check_png(page: Page, png: Path, s: float) -> dict:
    from PIL import Image

    with Image.open(png) as img:
        rgb = img.convert("RGB")
    if rgb.size != expected_size(s):
        raise RenderError(f"{png.name}: size {rgb.size}, expected {expected_size(s)}")
    colours = rgb.getcolors(maxcolors=rgb.width * rgb.height) or []
    share = max(n for n, _ in colours) / (rgb.width * rgb.height)
    if len(colours) < 16 or share > 0.97:
        raise RenderError(f"{png.name}: looks blank ({len(colours)} colours, top {share:.1%})")
    for x, y, want, what in _probe_points(page, s):
        got = rgb_to_hex(rgb.getpixel((x, y)))
        if got != want:
            raise RenderError(f"{png.name}: {what} at ({x},{y}) is {got}, expected {want}")
    ink = ink_report(page, rgb, s)
    for role, err in ink.items():
        if err is not None and err * s > TEXT_EST_TOLERANCE_PX:
            raise RenderError(
                f"{png.name}: {role} text ink is {err * s:.2f} device px from the "
                f"font-metric estimate (tolerance {TEXT_EST_TOLERANCE_PX} px)"
            )
    return {"colours": len(colours), "top_share": share, "ink": ink}


def ink_report(page: Page, rgb, s: float) -> dict:
    """Diagnostic only: rendered text ink box vs the font-metric estimate, in CSS px."""
    out = {}
    for c in page.controls:
        est = text_estimate(c.label, c.font_size, c.font_weight, c.box, c.border_width)
        bg = hex_to_rgb(c.fill if c.kind == "filled" else surface_of(page, c))
        x0, y0, x1, y1 = px_box(_inflate(est["ink_box_css"], 4), s)
        bx0, by0, bx1, by1 = px_box(c.box, s)
        if c.kind != "text" and 2 * c.radius >= min(c.box[2], c.box[3]):
            out[c.role] = None  # round icon: its anti-aliased rim would read as ink
            continue
        bw = border_px(c.border_width, s) + 1
        if c.kind != "text":  # stay inside the box, off its border
            x0, y0 = max(x0, bx0 + bw), max(y0, by0 + bw)
            x1, y1 = min(x1, bx1 - bw), min(y1, by1 - bw)
        xs, ys = [], []
        for y in range(y0, y1):
            for x in range(x0, x1):
                p = rgb.getpixel((x, y))
                if max(abs(p[i] - bg[i]) for i in range(3)) > 24:
                    xs.append(x)
                    ys.append(y)
        if not xs:
            out[c.role] = None
            continue
        got = (min(xs) / s, min(ys) / s, (max(xs) + 1) / s, (max(ys) + 1) / s)
        ex, ey, ew, eh = est["ink_box_css"]
        want = (ex, ey, ex + ew, ey + eh)
        out[c.role] = max(abs(a - b) for a, b in zip(got, want, strict=True))
    return out


def write_jpeg(png: Path, jpg: Path) -> None:
    from PIL import Image

    jpg.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(png) as img:
        img.convert("RGB").save(jpg, "JPEG", quality=JPEG_QUALITY, subsampling=JPEG_SUBSAMPLING)


_SCALAR = r"(?:-?[0-9][0-9.eE+-]*|null|true|false)"
_SCALAR_LIST = re.compile(r"\[\s*(" + _SCALAR + r"(?:,\s*" + _SCALAR + r")*)\s*\]")


def dump_json(data: dict) -> str:
    """Indented JSON with lists of numbers kept on one line."""
    text = json.dumps(data, indent=1, ensure_ascii=False)
    return (
        _SCALAR_LIST.sub(
            lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text
        )
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chromium", help="Chromium executable (default: $CHROMIUM or chromium)")
    parser.add_argument("--only", nargs="*", default=None, help="render only these pages")
    parser.add_argument(
        "--truth-only",
        action="store_true",
        help="write the HTML pages and truth.json without rendering",
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    try:
        names = [p.name for p in PAGES]
        if len(set(names)) != len(names):
            raise RenderError("duplicate page names")
        selected = PAGES
        if args.only:
            missing = set(args.only) - set(names)
            if missing:
                raise RenderError(f"unknown page(s): {', '.join(sorted(missing))}")
            selected = tuple(p for p in PAGES if p.name in args.only)
        truth = build_truth(PAGES)  # validates geometry before anything is written
        PAGES_DIR.mkdir(parents=True, exist_ok=True)
        for page in PAGES:
            (PAGES_DIR / f"{page.name}.html").write_text(page_html(page), encoding="utf-8")
        args.out.mkdir(parents=True, exist_ok=True)
        if not args.truth_only:
            chromium = find_chromium(args.chromium)
            for page in selected:
                for s in SCALES:
                    png = args.out / f"{file_stem(page, s)}.png"
                    render(chromium, PAGES_DIR / f"{page.name}.html", png, s)
                    optimise_png(png)
                    report = check_png(page, png, s)
                    jpg = args.out / "jpeg" / f"{file_stem(page, s)}.jpg"
                    write_jpeg(png, jpg)
                    ink = ", ".join(
                        f"{k} {v:.2f}" if v is not None else f"{k} -"
                        for k, v in report["ink"].items()
                    )
                    print(
                        f"{png.relative_to(args.out)}  {png.stat().st_size:>7,} B  "
                        f"jpeg {jpg.stat().st_size:>7,} B  {report['colours']} colours  "
                        f"text ink vs estimate, worst edge (CSS px): {ink}"
                    )
        path = args.out / "truth.json"
        path.write_text(dump_json(truth), encoding="utf-8")
        print(f"{path}  {path.stat().st_size:,} B")
    except RenderError as exc:
        print(f"render: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
