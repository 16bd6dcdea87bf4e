"""Choose a capture backend from the session type, with a setting to override it."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from desktop.core.capture.errors import CaptureUnavailableError
from desktop.core.capture.frame import CaptureBackend
from desktop.core.i18n import tr

BACKENDS = ("auto", "mss", "portal")
OVERRIDE_VARIABLE = "EVIDENCE_RECORDER_CAPTURE_BACKEND"


def session_type(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> str:
    """ "wayland", "x11", "windows", "macos" or "unknown"."""
    env = os.environ if environ is None else environ
    if platform == "win32":
        return "windows"
    if platform == "darwin":
        return "macos"
    kind = env.get("XDG_SESSION_TYPE", "").lower()
    if kind == "wayland" or (kind != "x11" and env.get("WAYLAND_DISPLAY")):
        return "wayland"
    if kind == "x11" or env.get("DISPLAY"):
        return "x11"
    return "unknown"


def choose_backend(
    requested: str = "auto", environ: Mapping[str, str] | None = None, platform: str = sys.platform
) -> str:
    """The backend name to use: the request, the override variable, then the session type.

    On Wayland mss sees nothing (XWayland returns black frames), so the portal is chosen.
    """
    env = os.environ if environ is None else environ
    name = requested if requested != "auto" else env.get(OVERRIDE_VARIABLE, "auto") or "auto"
    if name not in BACKENDS:
        raise CaptureUnavailableError(
            tr(
                'Unknown capture backend "{name}"; choose auto, mss or portal.',
                name=name,
            )
        )
    if name != "auto":
        return name
    return "portal" if session_type(env, platform) == "wayland" else "mss"


def open_backend(requested: str = "auto") -> CaptureBackend:
    """Open the chosen backend; call from the thread that will use it."""
    name = choose_backend(requested)
    if name == "portal":
        from desktop.core.capture.portal import PortalBackend

        return PortalBackend()
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        raise CaptureUnavailableError(
            tr(
                "There is no display to capture (DISPLAY is not set). Run Evidence Recorder "
                "inside your desktop session, or import screenshots instead."
            )
        )
    from desktop.core.capture.mss_backend import MssBackend

    return MssBackend()
