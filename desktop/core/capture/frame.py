"""A grabbed frame and the backend protocol every capture backend implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Pixels = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Rect:
    """A rectangle in physical pixels of the virtual screen (x, y may be negative)."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def intersect(self, other: Rect) -> Rect | None:
        left, top = max(self.x, other.x), max(self.y, other.y)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        if right <= left or bottom <= top:
            return None
        return Rect(left, top, right - left, bottom - top)

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.width, self.height]


@dataclass(frozen=True)
class Frame:
    """Pixels as grabbed, where they came from, and (for portal captures) the file's own bytes.

    `pixels` is H x W x 3 (BGR) or H x W x 4 (BGRA) uint8. `png` holds the encoded bytes when the
    backend received a finished file (the Wayland portal) that must be kept unchanged.
    """

    pixels: Pixels
    rect: Rect
    scale: float | None
    backend: str
    details: dict[str, Any] = field(default_factory=dict)
    png: bytes | None = None


class CaptureBackend(Protocol):
    """Grabs pixels; owned by one capture thread and used only from it."""

    name: str

    def grab(self, rect: Rect | None) -> Frame:
        """The given rectangle of the virtual screen, or everything when rect is None."""

    def close(self) -> None:
        """Release the display connection."""
