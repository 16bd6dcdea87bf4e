"""Compare a promoted and a suppressed control: ratios with ranges, an asymmetry call, words."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from desktop.core.analysis.measure import WCAG_TARGET_CSS, ControlMeasurement
from desktop.core.i18n import tr, use_language


@dataclass(frozen=True)
class Levels:
    """The levels at which a pair is called asymmetric: settings, printed with every report.

    These defaults are this project's choices, not thresholds taken from a study: research on
    "false hierarchy" (Gray et al. 2018; Mathur et al. 2019) defines the pattern as visual
    prominence of one option over another without numeric limits. A ratio of 2 means one
    control is twice as large or as heavy as the other, beyond the +/-1 px uncertainty.
    """

    area_ratio: float = 2.0
    visual_weight_ratio: float = 2.0
    contrast_gap: bool = True  # the suppressed text fails its WCAG minimum, the promoted passes

    def as_data(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "source": "project defaults (see the methods section); WCAG 2.2 levels 4.5:1 and 3:1 "
            "(1.4.3), 3:1 (1.4.11), 24 x 24 CSS px (2.5.8)",
        }


@dataclass(frozen=True)
class Comparison:
    promoted: ControlMeasurement
    suppressed: ControlMeasurement
    area_ratio: float
    area_ratio_range: tuple[float, float]
    height_ratio: float
    text_height_ratio: float | None
    visual_weight_ratio: float
    visual_weight_ratio_range: tuple[float, float]
    surface_contrast_ratio: float
    chroma_difference: float
    asymmetric: bool
    reasons: tuple[str, ...]
    statements: dict[str, list[str]] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        # A suppressed control with no weight (a bare grey link) makes a ratio infinite; JSON
        # has no infinity, so such a ratio is null and the statements say it in words.
        return {
            "promoted": self.promoted.id,
            "suppressed": self.suppressed.id,
            "area_ratio": _finite(self.area_ratio),
            "area_ratio_range": [_finite(v) for v in self.area_ratio_range],
            "height_ratio": _finite(self.height_ratio),
            "text_height_ratio": None
            if self.text_height_ratio is None
            else round(self.text_height_ratio, 3),
            "visual_weight_ratio": _finite(self.visual_weight_ratio),
            "visual_weight_ratio_range": [_finite(v) for v in self.visual_weight_ratio_range],
            "text_contrast": [self.promoted.text_contrast, self.suppressed.text_contrast],
            "surface_contrast": [self.promoted.surface_contrast, self.suppressed.surface_contrast],
            "surface_contrast_ratio": _finite(self.surface_contrast_ratio),
            "chroma_difference": round(self.chroma_difference, 2),
            "asymmetric": self.asymmetric,
            "reasons": list(self.reasons),
            "statements": self.statements.get("en", []),
            "statements_zh": self.statements.get("zh", []),
        }


def _finite(value: float) -> float | None:
    return round(value, 3) if math.isfinite(value) else None


def logged_ratio(value: object) -> float:
    """A ratio as the log holds it; null stands for infinite (the suppressed side weighs 0)."""
    return float("inf") if value is None else float(value)  # type: ignore[arg-type]


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("inf")


def compare(
    promoted: ControlMeasurement, suppressed: ControlMeasurement, levels: Levels
) -> Comparison:
    """Ratios promoted / suppressed, each with its +/-1 px range, and the asymmetry call."""
    p_lo, p_hi = promoted.area_px_range
    s_lo, s_hi = suppressed.area_px_range
    area = _ratio(promoted.area_px, suppressed.area_px)
    area_range = (_ratio(p_lo, s_hi), _ratio(p_hi, s_lo))
    w_lo, w_hi = promoted.visual_weight_range
    v_lo, v_hi = suppressed.visual_weight_range
    weight = _ratio(promoted.visual_weight, suppressed.visual_weight)
    weight_range = (_ratio(w_lo, v_hi), _ratio(w_hi, v_lo))
    text_heights = None
    if promoted.text_height_px and suppressed.text_height_px:
        text_heights = promoted.text_height_px / suppressed.text_height_px
    reasons = []
    if area_range[0] >= levels.area_ratio:
        reasons.append("area")
    if weight_range[0] >= levels.visual_weight_ratio:
        reasons.append("visual_weight")
    if (
        levels.contrast_gap
        and suppressed.text_contrast is not None
        and promoted.text_contrast is not None
        and suppressed.text_contrast < suppressed.text_threshold
        and promoted.text_contrast >= promoted.text_threshold
    ):
        reasons.append("text_contrast")
    comparison = Comparison(
        promoted=promoted,
        suppressed=suppressed,
        area_ratio=area,
        area_ratio_range=area_range,
        height_ratio=_ratio(promoted.extent.height, suppressed.extent.height),
        text_height_ratio=text_heights,
        visual_weight_ratio=weight,
        visual_weight_ratio_range=weight_range,
        surface_contrast_ratio=_ratio(promoted.surface_contrast, suppressed.surface_contrast),
        chroma_difference=promoted.chroma - suppressed.chroma,
        asymmetric=bool(reasons),
        reasons=tuple(reasons),
    )
    statements = {}
    for language in ("en", "zh"):
        with use_language(language):
            statements[language] = _statements(comparison, levels)
    return Comparison(**{**comparison.__dict__, "statements": statements})


def _name(control: ControlMeasurement) -> str:
    return control.spec.label or control.id


def _text_sentence(control: ControlMeasurement) -> str | None:
    if control.text_contrast is None:
        return None
    values = {
        "label": _name(control),
        "contrast": f"{control.text_contrast:.2f}",
        "rendered": f"{control.text_contrast_rendered or 0:.2f}",
        "level": f"{control.text_threshold:g}",
    }
    if control.text_contrast < control.text_threshold:
        return tr(
            'The "{label}" text has a contrast of {contrast}:1 (as rendered {rendered}:1), below '
            "the {level}:1 minimum of WCAG 1.4.3.",
            **values,
        )
    return tr(
        'The "{label}" text has a contrast of {contrast}:1 (as rendered {rendered}:1), meeting '
        "the {level}:1 minimum of WCAG 1.4.3.",
        **values,
    )


def _weight_sentence(comparison: Comparison) -> str:
    p, s = comparison.promoted, comparison.suppressed
    lo, hi = comparison.visual_weight_ratio_range
    if not math.isfinite(comparison.visual_weight_ratio):
        return tr(
            'The "{s}" control has no visual weight of its own (nothing that stands out from '
            'the page around it), while "{p}" has a weight of {weight:.0f}.',
            p=_name(p),
            s=_name(s),
            weight=p.visual_weight,
        )
    if not math.isfinite(hi):
        return tr(
            'The "{p}" control carries {ratio:.1f} times the visual weight of the "{s}" control '
            "(at least {lo:.1f} times).",
            p=_name(p),
            s=_name(s),
            ratio=comparison.visual_weight_ratio,
            lo=lo,
        )
    return tr(
        'The "{p}" control carries {ratio:.1f} times the visual weight of the "{s}" control '
        "(range {lo:.1f} to {hi:.1f}).",
        p=_name(p),
        s=_name(s),
        ratio=comparison.visual_weight_ratio,
        lo=lo,
        hi=hi,
    )


def _statements(comparison: Comparison, levels: Levels) -> list[str]:
    p, s = comparison.promoted, comparison.suppressed
    lo, hi = comparison.area_ratio_range
    sentences = [
        tr(
            'The "{p}" control covers {ratio:.1f} times the area of the "{s}" control (range '
            "{lo:.1f} to {hi:.1f}, from moving every edge by 1 pixel).",
            p=_name(p),
            s=_name(s),
            ratio=comparison.area_ratio,
            lo=lo,
            hi=hi,
        ),
        _weight_sentence(comparison),
    ]
    if not math.isfinite(hi):
        sentences[0] = tr(
            'The "{p}" control covers {ratio:.1f} times the area of the "{s}" control (at '
            "least {lo:.1f} times, from moving every edge by 1 pixel).",
            p=_name(p),
            s=_name(s),
            ratio=comparison.area_ratio,
            lo=lo,
        )
    sentences += [text for text in (_text_sentence(p), _text_sentence(s)) if text]
    sentences.append(
        tr(
            'Against its background, "{p}" has a contrast of {a:.2f}:1 and "{s}" {b:.2f}:1 '
            "(WCAG 1.4.11 asks 3:1 of controls; compared here as an asymmetry, not a violation).",
            p=_name(p),
            s=_name(s),
            a=p.surface_contrast,
            b=s.surface_contrast,
        )
    )
    for control in (p, s):
        if control.target_below_minimum:
            width, height = control.extent_css[2:]
            sentences.append(
                tr(
                    'The visible extent of "{label}" is {width:g} x {height:g} CSS px, below '
                    "the {minimum} x {minimum} CSS px minimum target size of WCAG 2.5.8 (the "
                    "hit area itself cannot be seen in pixels).",
                    label=_name(control),
                    width=width,
                    height=height,
                    minimum=WCAG_TARGET_CSS,
                )
            )
    verdict = (
        tr(
            "At the levels set (area or visual-weight ratio of at least {area:g} at the "
            "conservative end of its range, or text below its WCAG minimum for the suppressed "
            "control only), this pair is asymmetric.",
            area=levels.area_ratio,
        )
        if comparison.asymmetric
        else tr(
            "At the levels set (area or visual-weight ratio of at least {area:g} at the "
            "conservative end of its range, or text below its WCAG minimum for the suppressed "
            "control only), this pair is not asymmetric.",
            area=levels.area_ratio,
        )
    )
    sentences.append(verdict)
    return sentences
