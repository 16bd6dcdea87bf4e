"""Wall and monotonic time for events: UTC, local time with offset, IANA zone, jumps."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

# A wall clock may drift or be corrected by a second or so; more than this is a jump.
JUMP_TOLERANCE_MS = 2_000


class Clock(Protocol):
    def now(self) -> datetime:
        """The wall clock, timezone-aware."""

    def monotonic_ns(self) -> int:
        """A clock that never goes back within one boot (includes suspend where possible)."""

    def zone(self) -> str:
        """The IANA name of the local time zone, or "unknown"."""


class SystemClock:
    """The machine's clocks."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic_ns(self) -> int:
        boottime = getattr(time, "CLOCK_BOOTTIME", None)
        if boottime is not None:
            return time.clock_gettime_ns(boottime)
        return time.monotonic_ns()

    def zone(self) -> str:
        try:
            from tzlocal import get_localzone_name

            name = get_localzone_name()
        except Exception:  # noqa: BLE001 - any failure of zone detection means "unknown"
            return "unknown"
        return name or "unknown"


@dataclass(frozen=True)
class Stamp:
    """One reading of every clock, formatted for the log."""

    utc: str
    local: str
    zone: str
    mono_ns: int
    utc_ms: int


def take_stamp(clock: Clock) -> Stamp:
    now = clock.now()
    utc = now.astimezone(UTC)
    local = now.astimezone()
    return Stamp(
        utc=utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z",
        local=local.isoformat(timespec="milliseconds"),
        zone=clock.zone(),
        mono_ns=clock.monotonic_ns(),
        utc_ms=int(utc.timestamp() * 1000),
    )


def parse_utc_ms(utc: str) -> int:
    """Milliseconds since the epoch of a log UTC string ("...Z")."""
    return int(datetime.fromisoformat(utc.replace("Z", "+00:00")).timestamp() * 1000)


def clock_check(
    stamp: Stamp,
    previous_utc: str | None,
    previous_mono_ns: int | None,
    same_session: bool,
) -> dict[str, int] | None:
    """What the event must say about the clock, or None when nothing is odd.

    Within one session the monotonic clock is a reference: a wall clock that moved back (or
    jumped ahead) against it is recorded. Across sessions only a wall clock earlier than the
    previous event can be seen.
    """
    if previous_utc is None:
        return None
    wall_delta = stamp.utc_ms - parse_utc_ms(previous_utc)
    found: dict[str, int] = {}
    if wall_delta < 0:
        found["earlier_than_previous_ms"] = -wall_delta
    if same_session and previous_mono_ns is not None:
        mono_delta = (stamp.mono_ns - previous_mono_ns) // 1_000_000
        drift = wall_delta - mono_delta
        if drift < -JUMP_TOLERANCE_MS:
            found["wall_moved_back_ms"] = -drift
        elif drift > JUMP_TOLERANCE_MS:
            found["wall_jumped_ahead_ms"] = drift
    return found or None
