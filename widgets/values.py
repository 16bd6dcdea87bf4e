"""Plain values the app hands to widgets and widgets hand back (no Qt, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.vocab import Role

ROLES = tuple(Role)
# The shortest interval capture period; the capture core refuses less (a test keeps them equal).
MIN_INTERVAL_S = 0.5


@dataclass(frozen=True)
class Box:
    """A rectangle in physical pixels of an image: x, y, width, height."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Mark:
    """A control marked on a capture: what it is and where."""

    label: str
    role: str  # one of ROLES
    box: Box
    source: str = "user"  # "user" | "auto"


@dataclass(frozen=True)
class Annotation:
    """A drawn box, arrow or text, or a redaction, in image pixels.

    For "arrow" the line runs from (box.x, box.y) to (box.x + box.width, box.y + box.height);
    width and height may then be negative.
    """

    kind: str  # "box" | "arrow" | "text" | "redact"
    box: Box
    text: str = ""


@dataclass(frozen=True)
class ControlRow:
    """One measured control, as the measurement table shows it."""

    id: str
    label: str
    role: str
    box: Box
    area_css: float
    text_color: str  # "#rrggbb"
    fill_color: str
    background_color: str
    text_contrast: float | None
    surface_contrast: float | None
    visual_weight: float | None


@dataclass(frozen=True)
class ComparisonRow:
    """A promoted control against a suppressed one, with the sentences that say it."""

    promoted: str
    suppressed: str
    area_ratio: float
    area_ratio_range: tuple[float, float]
    visual_weight_ratio: float
    asymmetric: bool
    statements: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimelineItem:
    """One event of a case as the timeline lists it."""

    seq: int
    kind: str  # the event type: "capture", "import", "video_frame", "note", "journey", ...
    local_time: str  # local time with offset, as logged
    journey: str | None
    text: str = ""  # a note's text, or a short description of the event
    image_path: str | None = None  # the original (or keyframe) a thumbnail is made from
    suspect: str | None = None  # why a capture looks wrong, if it does
    withdrawn: bool = False
    measured: bool = False
    attached_to: int | None = None  # a note attached to capture #attached_to
    extra: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class SettingsValues:
    """The program's settings. `change_threshold` is a fraction of pixels (0.0005 = 0.05 %)."""

    capture_target: str = "screen"  # one of CAPTURE_TARGETS
    interval_seconds: float = 5.0
    delay_seconds: int = 0
    change_threshold: float = 0.0005
    hotkey_capture: str = "Ctrl+Shift+F9"  # QKeySequence portable text; "" = none
    hotkey_note: str = "Ctrl+Shift+F10"
    hotkey_pause: str = "Ctrl+Shift+F11"
    area_ratio_threshold: float = 2.0
    weight_ratio_threshold: float = 2.0
    tsa_url: str = ""
    # Root certificate files (PEM or DER) trusted for timestamp authorities, besides the system's.
    tsa_roots: tuple[str, ...] = ()
    # Ask tsa_url for a timestamp when an interval capture stops and when a case is closed.
    timestamp_after_session: bool = False
    language: str = "system"  # one of LANGUAGES
    data_folder: str = ""
