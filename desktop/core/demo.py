"""A sample case built from the shipped screenshots, to show every step without a phone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.core.analysis.measure import ControlSpec
from desktop.core.analysis.record import analyze_capture
from desktop.core.capture.frame import Rect
from desktop.core.errors import EvidenceError
from desktop.core.i18n import tr
from desktop.core.ingest.images import import_files
from desktop.core.store.case import create_case
from desktop.core.store.clock import Clock
from resources import resource_path

# (journey, sample file, note attached to it)
DEMO_STEPS: tuple[tuple[str, str, str], ...] = (
    ("upgrade", "zh-upgrade-1.png", "首页顶部就是醒目的「立即升级」按钮，一步即可进入升级。"),
    ("upgrade", "zh-upgrade-2.png", "点一下「确认开通」，升级立即生效，全程不到一分钟。"),
    ("upgrade", "en-upgrade-1.png", "The Upgrade to Premium button fills the width of the screen."),
    ("upgrade", "en-upgrade-2.png", "One more tap and the upgrade was confirmed."),
    (
        "downgrade",
        "zh-downgrade-1.png",
        "降级入口藏在「账户安全」页面最底部，灰色小字，旁边是大大的升级横幅。",
    ),
    (
        "downgrade",
        "zh-downgrade-2.png",
        "点「降级套餐」后弹窗称当前周期内无法降级，要求拨打客服热线，48 小时内处理。",
    ),
    (
        "downgrade",
        "en-downgrade-1.png",
        "Downgrade is small grey text under Account security, below a large upgrade banner.",
    ),
    (
        "downgrade",
        "en-downgrade-2.png",
        "The dialog refuses the downgrade in the current billing cycle; the way out is a tiny "
        "light-grey link.",
    ),
)


# The controls a person would mark on each sample, in physical px (the CSS boxes of
# resources/samples/README.md at scale 2): (label, role, x, y, w, h).
DEMO_MARKS: dict[str, tuple[tuple[str, str, int, int, int, int], ...]] = {
    "zh-upgrade-1.png": (
        ("立即升级", "promoted", 72, 808, 636, 112),
        ("暂不升级", "suppressed", 310, 940, 160, 40),
    ),
    "zh-upgrade-2.png": (
        ("确认开通", "promoted", 48, 1352, 684, 112),
        ("取消", "suppressed", 350, 1492, 80, 40),
    ),
    "zh-downgrade-1.png": (
        ("升级到 99元 畅享套餐", "promoted", 32, 1272, 716, 120),
        ("降级套餐", "suppressed", 342, 1584, 96, 32),
    ),
    "zh-downgrade-2.png": (
        ("继续使用当前套餐", "promoted", 112, 964, 556, 104),
        ("仍要降级", "suppressed", 330, 1096, 120, 36),
    ),
    "en-upgrade-1.png": (
        ("Upgrade to Premium", "promoted", 48, 1320, 684, 112),
        ("No thanks", "suppressed", 320, 1460, 140, 40),
    ),
    "en-upgrade-2.png": (
        ("Confirm upgrade", "promoted", 48, 1352, 684, 112),
        ("Cancel", "suppressed", 340, 1492, 100, 40),
    ),
    "en-downgrade-1.png": (
        ("Upgrade to Premium Family", "promoted", 32, 392, 716, 120),
        ("Downgrade plan", "suppressed", 64, 1384, 192, 32),
    ),
    "en-downgrade-2.png": (
        ("Keep Premium", "promoted", 112, 976, 556, 104),
        ("Downgrade anyway", "suppressed", 280, 1108, 220, 36),
    ),
}
SAMPLE_SCALE = 2.0


@dataclass(frozen=True)
class DemoResult:
    folder: Path
    imported: int
    notes: int
    analyses: int = 0
    asymmetric: int = 0
    report: Path | None = None
    bundle: Path | None = None


def sample_paths() -> list[Path]:
    paths = [resource_path("samples", name) for _journey, name, _note in DEMO_STEPS]
    missing = [path.name for path in paths if not path.is_file()]
    if missing:
        raise EvidenceError(
            tr(
                "The sample screenshots are missing ({names}). Reinstall Evidence Recorder.",
                names=", ".join(missing),
            )
        )
    return paths


def build_demo_case(
    folder: Path, clock: Clock | None = None, *, language: str | None = None
) -> DemoResult:
    """Create a case in `folder` with both journeys, the samples as imports, notes and
    measurements; with a `language`, end with the PDF exhibit and the portable bundle."""
    samples = sample_paths()
    with create_case(
        folder,
        title="演示：从 59 元套餐降到 8 元 / Demo: moving from a 59 to an 8 yuan plan",
        service="星河移动 · StreamNova (fictional / 虚构)",
        complainant="",
        purpose="Show that upgrading takes two taps while downgrading is hidden and refused. "
        "展示升级只需两步，而降级入口被隐藏并被拒绝。",
        clock=clock,
    ) as writer:
        imported = notes = 0
        analyses = asymmetric = 0
        for (journey, name, note), path in zip(DEMO_STEPS, samples, strict=True):
            result = import_files(writer, [path], journey=journey)
            if result.failures:
                raise EvidenceError(result.failures[0].message)
            imported += len(result.events)
            seq = result.events[0].seq
            writer.add_note(note, capture=seq)
            notes += 1
            specs = [
                ControlSpec(label, role, Rect(x, y, width, height))
                for label, role, x, y, width, height in DEMO_MARKS[name]
            ]
            measured = analyze_capture(writer, seq, specs, scale=SAMPLE_SCALE)
            analyses += 1
            asymmetric += any(c.asymmetric for c in measured.result.comparisons)
        writer.add_note(
            "客服热线称降级需要 48 小时处理，并劝我保留当前套餐。"
            " / The hotline said a downgrade takes 48 hours and tried to talk me out of it.",
            journey="downgrade",
            dead_end=True,
        )
        report = bundle = None
        if language is not None:
            from desktop.core.export.bundle import export_bundle
            from desktop.core.export.pdf import build_report, log_report

            built = build_report(folder, language=language)
            log_report(writer, built, language)
            report = built.path
            bundle = export_bundle(
                writer, folder / "exports" / f"{folder.name}-bundle.zip", report_pdf=report
            ).path
    return DemoResult(folder, imported, notes + 1, analyses, asymmetric, report, bundle)
