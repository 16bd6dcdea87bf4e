"""Capture through mss (X11, Windows, macOS): one long-lived instance per capture thread."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from desktop.core.capture.errors import CaptureUnavailableError
from desktop.core.capture.frame import Frame, Rect
from desktop.core.capture.screens import ScreenLayout, layout_from_mss
from desktop.core.i18n import tr


def _full_resolution_on_macos() -> None:
    """mss asks macOS for the nominal (downscaled) resolution since 10.1; evidence needs every
    Retina pixel, so drop that flag (the module reads it at each grab)."""
    import mss.darwin

    nominal = getattr(mss.darwin, "kCGWindowImageNominalResolution", 1 << 4)
    mss.darwin.IMAGE_OPTIONS = mss.darwin.IMAGE_OPTIONS & ~nominal


def _windows_monitor_scales(monitors: list[dict[str, int]]) -> list[float] | None:
    """Per-monitor scale from GetDpiForMonitor (the process is per-monitor DPI aware)."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        scales = []
        for entry in monitors[1:]:
            point = wintypes.POINT(
                entry["left"] + entry["width"] // 2, entry["top"] + entry["height"] // 2
            )
            handle = ctypes.windll.user32.MonitorFromPoint(point, 2)  # MONITOR_DEFAULTTONEAREST
            dpi_x, dpi_y = wintypes.UINT(), wintypes.UINT()
            status = ctypes.windll.shcore.GetDpiForMonitor(
                handle, 0, ctypes.byref(dpi_x), ctypes.byref(dpi_y)
            )
            if status != 0:
                return None
            scales.append(dpi_x.value / 96.0)
        return scales
    return None


class MssBackend:
    """Screen pixels through mss. Create, use and close it on one thread."""

    name = "mss"

    def __init__(self) -> None:
        import mss
        import mss.exception

        if sys.platform == "darwin":
            _full_resolution_on_macos()
        try:
            self._mss = mss.MSS()
            monitors = [dict(m) for m in self._mss.monitors]
        except mss.exception.ScreenShotError as error:
            raise CaptureUnavailableError(
                tr(
                    "Cannot reach the screen ({reason}). Run Evidence Recorder inside your "
                    "desktop session (on Linux, DISPLAY must be set), or import screenshots "
                    "instead.",
                    reason=str(error).split("\n")[0],
                )
            ) from error
        self.layout: ScreenLayout = layout_from_mss(monitors, _windows_monitor_scales(monitors))

    def grab(self, rect: Rect | None) -> Frame:
        import mss.exception

        target = rect or self.layout.bounds
        region = {"left": target.x, "top": target.y, "width": target.width, "height": target.height}
        try:
            shot = self._mss.grab(region)
        except mss.exception.ScreenShotError as error:
            raise CaptureUnavailableError(
                tr("The screen could not be read ({reason}).", reason=str(error).split("\n")[0])
            ) from error
        width, height = shot.size
        pixels = np.frombuffer(shot.raw, dtype=np.uint8).reshape(height, width, 4)
        scale, source, touched = self.layout.scale_for(target)
        details: dict[str, Any] = {"monitors": touched, "scale_source": source}
        if width != target.width:  # macOS: points in, Retina pixels out
            scale, details["scale_source"] = width / target.width, "os"
        return Frame(pixels=pixels, rect=target, scale=scale, backend=self.name, details=details)

    def close(self) -> None:
        self._mss.close()
