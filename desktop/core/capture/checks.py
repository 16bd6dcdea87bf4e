"""Honest captures: flag black, single-colour and permission-less frames; measure change."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from desktop.core.capture.frame import Pixels
from desktop.core.i18n import tr

# Channel spread (max - min) at or below which a frame counts as one colour.
UNIFORM_SPREAD = 2
# A uniform frame this dark is reported as black.
BLACK_LEVEL = 16
CHECK_VERSION = 1


@dataclass(frozen=True)
class FrameCheck:
    """Whether a frame is suspect, why (a code), and what the person can do (a code too)."""

    suspect: bool
    reason: str | None = None
    colour: str | None = None
    hints: tuple[str, ...] = ()

    def as_data(self) -> dict[str, Any]:
        return {
            "suspect": self.suspect,
            "reason": self.reason,
            "colour": self.colour,
            "hints": list(self.hints),
            "version": CHECK_VERSION,
        }


def _bgr(pixels: Pixels) -> Pixels:
    return pixels[:, :, :3] if pixels.ndim == 3 and pixels.shape[2] == 4 else pixels


def check_frame(pixels: Pixels, *, platform: str = sys.platform) -> FrameCheck:
    """Flag a frame that cannot be what the person saw.

    Black: DRM-protected video, a minimised window, a screen saver, XWayland on Wayland.
    One colour: a blank page or a failed grab. On macOS, a missing Screen Recording permission
    yields the wallpaper without any window: that is asked of the OS, not guessed from pixels.
    """
    import cv2

    # A sparse sample that varies settles it cheaply; only a uniform-looking one is read whole.
    sample = _bgr(pixels)[::7, ::7]
    if int(sample.max()) - int(sample.min()) > UNIFORM_SPREAD and _spread(sample) > UNIFORM_SPREAD:
        return _permission_check(platform)
    bgr = np.ascontiguousarray(_bgr(pixels))
    spread = 0
    lows = []
    for channel in cv2.split(bgr):
        low, high, _, _ = cv2.minMaxLoc(channel)
        spread = max(spread, int(high - low))
        lows.append(int(low))
    if spread <= UNIFORM_SPREAD:
        blue, green, red = lows
        colour = f"#{red:02x}{green:02x}{blue:02x}"
        if max(lows) <= BLACK_LEVEL:
            return FrameCheck(True, "black", colour, ("drm_video", "minimised", "permission"))
        return FrameCheck(True, "uniform", colour, ("blank_screen", "permission"))
    return _permission_check(platform)


def _spread(bgr: Pixels) -> int:
    flat = bgr.reshape(-1, bgr.shape[-1])
    return int((flat.max(axis=0).astype(int) - flat.min(axis=0)).max())


def _permission_check(platform: str) -> FrameCheck:
    if platform == "darwin" and not screen_recording_permitted():
        return FrameCheck(True, "no_permission", None, ("macos_screen_recording",))
    return FrameCheck(False)


def screen_recording_permitted() -> bool:
    """macOS 10.15+: whether this process may record the screen (True elsewhere or unknown)."""
    if sys.platform == "darwin":
        import ctypes
        import ctypes.util

        path = ctypes.util.find_library("CoreGraphics")
        preflight = getattr(ctypes.cdll.LoadLibrary(path), "CGPreflightScreenCaptureAccess", None)
        if path and preflight is not None:
            preflight.restype = ctypes.c_bool
            return bool(preflight())
    return True


def changed_fraction(previous: Pixels, current: Pixels) -> float:
    """The fraction of pixels whose colour differs at all (1.0 when the sizes differ)."""
    import cv2

    if previous.shape != current.shape:
        return 1.0
    difference = cv2.absdiff(previous, current)
    if difference.ndim == 3:
        # Sum the colour channels (saturating): non-zero wherever any of them differs.
        weights = np.ones((1, difference.shape[2]))
        if difference.shape[2] == 4:
            weights[0, 3] = 0  # alpha is not part of what was seen
        difference = cv2.transform(difference, weights)
    changed = cv2.countNonZero(difference)
    return float(changed) / float(current.shape[0] * current.shape[1])


def reason_text(reason: str | None, colour: str | None) -> str:
    """Why a frame is suspect, in words."""
    if reason == "black":
        return tr("The capture is entirely black ({colour}).", colour=colour)
    if reason == "uniform":
        return tr("The capture is a single colour ({colour}).", colour=colour)
    if reason == "no_permission":
        return tr("macOS did not allow this program to record the screen.")
    return tr("The capture looks normal.")


def hint_text(code: str) -> str:
    """What the person can do about a suspect frame."""
    hints = {
        "drm_video": tr(
            "Protected (DRM) video shows as black in screenshots; note in words what was playing."
        ),
        "minimised": tr(
            "A minimised or hidden window shows nothing; bring it to the front and capture again."
        ),
        "permission": tr(
            "The system may be blocking screen capture: on macOS allow Screen "
            "Recording for Evidence Recorder; on Wayland use the portal backend."
        ),
        "blank_screen": tr(
            "The screen may really be blank, or a screen saver or lock screen was showing."
        ),
        "macos_screen_recording": tr(
            "Open System Settings > Privacy & Security > Screen "
            "Recording, allow Evidence Recorder, then restart it."
        ),
    }
    return hints.get(code, code)
