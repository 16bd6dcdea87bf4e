"""Settings put to work: the record bars, capture defaults, hotkeys and measurement levels."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.core.analysis.compare import Levels

if TYPE_CHECKING:
    from desktop.app.settings import AppSettings


def measurement_levels(settings: AppSettings) -> Levels:
    """The levels the next analysis calls a pair asymmetric at, from Settings."""
    return Levels(
        area_ratio=settings.area_ratio_threshold,
        visual_weight_ratio=settings.weight_ratio_threshold,
    )


def apply_to_bar(bar: Any, settings: AppSettings) -> None:
    """Show the saved capture target, delay and interval in one record bar."""
    bar.set_capture_defaults(
        settings.capture_target, settings.delay_seconds, settings.interval_seconds
    )


def apply_settings(controller: Any, settings: AppSettings, *, hotkeys: bool = True) -> None:
    """Make settings the controller's own: at start and each time Settings are saved."""
    controller.settings = settings
    controller.levels = measurement_levels(settings)
    for bar in controller.bars():
        apply_to_bar(bar, settings)
    if hotkeys:
        controller.start_hotkeys()  # new keys take effect at once
