"""The one place the program's names are spelled: event types, groups, roles, targets, journeys."""

from enum import StrEnum


class EventType(StrEnum):
    """Every type of line the case log holds; the value is what the log spells."""

    CASE_OPENED = "case_opened"
    ENVIRONMENT = "environment"
    JOURNEY = "journey"
    CAPTURE = "capture"
    IMPORT = "import"
    VIDEO_FRAME = "video_frame"
    VIDEO_SUMMARY = "video_summary"
    CAPTURE_FAILED = "capture_failed"
    CAPTURE_SKIPPED = "capture_skipped"
    CAPTURE_UNCHANGED = "capture_unchanged"
    NOTE = "note"
    WITHDRAW = "withdraw"
    MARK = "mark"
    ANALYSIS = "analysis"
    REDACTION = "redaction"
    ANNOTATION = "annotation"
    EXPORT = "export"
    TIMESTAMP = "timestamp"
    RECOVERED = "recovered"
    STAGING_DISCARDED = "staging_discarded"
    STAGING_REFUSED = "staging_refused"
    LOG_REPAIRED = "log_repaired"


# Events that carry a screen image of their own (shown as a thumbnail, measurable).
CAPTURES = frozenset({EventType.CAPTURE, EventType.IMPORT, EventType.VIDEO_FRAME})
# Events whose subject is a captured or imported original (a note may be attached to them).
ORIGINAL_EVENTS = frozenset({EventType.CAPTURE, EventType.IMPORT})
# Events that may be withdrawn, with a reason, by a later event.
WITHDRAWABLE = frozenset({EventType.CAPTURE, EventType.IMPORT, EventType.NOTE})
# Events that write a derived (redacted or annotated) image of a capture.
EDITS = frozenset({EventType.REDACTION, EventType.ANNOTATION})
# Events that record a capture attempt without an image.
CAPTURE_MISSES = frozenset({EventType.CAPTURE_FAILED, EventType.CAPTURE_SKIPPED})


class Role(StrEnum):
    """What a marked control does to the user's choice."""

    PROMOTED = "promoted"
    SUPPRESSED = "suppressed"
    OTHER = "other"


class TargetKind(StrEnum):
    """What a capture takes a picture of."""

    SCREEN = "screen"
    MONITOR = "monitor"
    WINDOW = "window"
    REGION = "region"


class Journey(StrEnum):
    """The standard journeys a new case starts with."""

    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"


STANDARD_JOURNEYS = (Journey.UPGRADE, Journey.DOWNGRADE)
