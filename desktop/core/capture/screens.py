"""The screen layout: monitors in virtual-screen pixels, their scale, and target arithmetic."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

from desktop.core.capture.errors import TargetError
from desktop.core.capture.frame import Rect
from desktop.core.i18n import tr


@dataclass(frozen=True)
class Monitor:
    """One monitor: its place on the virtual screen and its device pixel ratio."""

    index: int  # 1-based, as a person counts them (mss numbering)
    rect: Rect
    scale: float | None
    scale_source: str  # "qt", "os", "env" or "assumed"
    primary: bool = False

    def as_data(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "rect": self.rect.as_list(),
            "scale": self.scale,
            "scale_source": self.scale_source,
            "primary": self.primary,
        }


@dataclass(frozen=True)
class ScreenLayout:
    """Every monitor; the virtual screen is their bounding box (it may start below zero)."""

    monitors: tuple[Monitor, ...]

    @property
    def bounds(self) -> Rect:
        left = min(m.rect.x for m in self.monitors)
        top = min(m.rect.y for m in self.monitors)
        right = max(m.rect.right for m in self.monitors)
        bottom = max(m.rect.bottom for m in self.monitors)
        return Rect(left, top, right - left, bottom - top)

    def monitor(self, index: int) -> Monitor:
        for monitor in self.monitors:
            if monitor.index == index:
                return monitor
        raise TargetError(
            tr(
                "There is no monitor {index}; this screen has monitors 1 to {count}.",
                index=index,
                count=len(self.monitors),
            )
        )

    def clip(self, rect: Rect) -> Rect:
        """The part of `rect` that lies on some monitor's bounding box, or a clear error."""
        if rect.width <= 0 or rect.height <= 0:
            raise TargetError(tr("A region needs a positive width and height."))
        clipped = rect.intersect(self.bounds)
        if clipped is None:
            bounds = self.bounds
            raise TargetError(
                tr(
                    "The region {region} is outside the screen, which spans {bounds}. "
                    "Coordinates are physical pixels of the virtual screen.",
                    region=",".join(map(str, rect.as_list())),
                    bounds=",".join(map(str, bounds.as_list())),
                )
            )
        return clipped

    def scale_for(self, rect: Rect) -> tuple[float | None, str, list[int]]:
        """Scale factor of a rectangle: that of the monitor holding most of it.

        Returns (scale, source, indexes of every monitor it touches). A rectangle across
        monitors of different scales takes the dominant one; the caller records all touched.
        """
        best: Monitor | None = None
        best_area = 0
        touched: list[int] = []
        for monitor in self.monitors:
            overlap = rect.intersect(monitor.rect)
            if overlap is None:
                continue
            touched.append(monitor.index)
            area = overlap.width * overlap.height
            if area > best_area:
                best, best_area = monitor, area
        if best is None:
            return None, "assumed", touched
        return best.scale, best.scale_source, touched


def parse_region(text: str) -> Rect:
    """X,Y,W,H (X and Y may be negative) into a Rect, or a clear error."""
    parts = [part.strip() for part in text.split(",")]
    try:
        x, y, width, height = (int(part) for part in parts)
    except ValueError:
        raise TargetError(
            tr(
                'A region is four whole numbers X,Y,W,H, such as 100,200,800,600 (got "{text}").',
                text=text,
            )
        ) from None
    return Rect(x, y, width, height)


def environment_scale() -> tuple[float | None, str]:
    """A scale factor the desktop announces to programs without a GUI toolkit, if any."""
    for variable in ("QT_SCALE_FACTOR", "GDK_SCALE"):
        value = os.environ.get(variable)
        if value:
            try:
                return float(value), "env"
            except ValueError:
                continue
    if sys.platform == "win32":
        return None, "os"
    return None, "assumed"


def layout_from_mss(
    monitors: list[dict[str, int]], scales: list[float] | None = None
) -> ScreenLayout:
    """A layout from mss's monitor list (index 0 is the union; 1.. are the monitors)."""
    env_scale, env_source = environment_scale()
    result = []
    for index, entry in enumerate(monitors[1:], start=1):
        rect = Rect(entry["left"], entry["top"], entry["width"], entry["height"])
        scale: float | None = env_scale
        source = env_source
        if scales is not None and index - 1 < len(scales):
            scale, source = scales[index - 1], "os"
        result.append(Monitor(index, rect, scale, source, primary=rect.x == 0 and rect.y == 0))
    return ScreenLayout(tuple(result))
