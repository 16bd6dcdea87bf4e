"""Errors of screen capture that a person can act on."""

from __future__ import annotations

from desktop.core.errors import EvidenceError


class CaptureUnavailableError(EvidenceError):
    """No display, no backend for this desktop, or the backend failed to start."""


class CapturePermissionError(EvidenceError):
    """The OS or desktop refused the capture (macOS Screen Recording, a portal denial)."""


class WindowNotFoundError(EvidenceError):
    """No window matches the title or id that was asked for."""


class TargetError(EvidenceError):
    """A monitor number or region that does not exist on this screen layout."""
