"""A private note, per user, of where a case's log ends and what it says: appends skip reading it.

The note lives in the user's own cache folder, never in the case (a case may come from
someone else, a cache there would be one more thing to forge). It is only a shortcut: it is
used when the log still holds, at the noted offset, exactly the noted last line (whose hash
covers every line before it), and otherwise ignored. `verify` never uses it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.store.log import Event, canonical_json, record_hash

log = logging.getLogger(__name__)

FORMAT = 1
MAX_BYTES = 16 * 1024**2  # a note is small; anything larger is not ours
MAX_LAST_LINE = 64 * 1024**2
# Below this many lines reading the whole log is as quick as reading a note.
MIN_LINES = 500


def cache_dir() -> Path:
    """Where the notes are kept: EVIDENCE_RECORDER_CACHE_DIR, else the user's cache folder."""
    override = os.environ.get("EVIDENCE_RECORDER_CACHE_DIR")
    if override:
        return Path(override) / "log-checkpoints"
    import platformdirs

    return Path(platformdirs.user_cache_dir("evidence-recorder", appauthor=False)) / (
        "log-checkpoints"
    )


def _note_path(folder: Path, case_id: str) -> Path:
    key = hashlib.sha256(f"{case_id}\0{folder.resolve()}".encode(errors="replace")).hexdigest()
    return cache_dir() / f"{key[:32]}.json"


@dataclass(frozen=True)
class Checkpoint:
    """The log up to `size` bytes and `lines` lines ends with `last`; `state` is what it says."""

    size: int
    lines: int
    last: Event
    state: dict[str, Any]


def save(folder: Path, case_id: str, checkpoint: Checkpoint) -> None:
    """Keep the note (best effort: a cache that cannot be written only costs time later)."""
    body = {
        "format": FORMAT,
        "case_id": case_id,
        "size": checkpoint.size,
        "lines": checkpoint.lines,
        "last": checkpoint.last.to_record(),
        "state": checkpoint.state,
    }
    path = _note_path(folder, case_id)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(canonical_json(body))
        os.replace(temp, path)
    except (OSError, ValueError) as error:
        log.debug("log checkpoint not saved: %s", error)
        with contextlib.suppress(OSError):
            temp.unlink()


def load(folder: Path, case_id: str, log_path: Path) -> Checkpoint | None:
    """The note for this case, or None unless the log still ends its noted part as noted."""
    path = _note_path(folder, case_id)
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        body = json.loads(path.read_bytes())
        checkpoint = _from_body(body, case_id)
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
    if checkpoint is None or not _log_matches(log_path, checkpoint):
        return None
    return checkpoint


def _from_body(body: Any, case_id: str) -> Checkpoint | None:
    if not isinstance(body, dict) or body.get("format") != FORMAT or body.get("case_id") != case_id:
        return None
    size, lines, state = body["size"], body["lines"], body["state"]
    if not (isinstance(size, int) and isinstance(lines, int) and isinstance(state, dict)):
        return None
    last = Event.from_record(body["last"])
    if record_hash(last.to_record()) != last.hash:
        return None
    return Checkpoint(size, lines, last, state)


def _log_matches(log_path: Path, checkpoint: Checkpoint) -> bool:
    """True when the log's bytes just before the noted end are the noted last line."""
    line = canonical_json(checkpoint.last.to_record()) + b"\n"
    start = checkpoint.size - len(line)
    if start < 0 or len(line) > MAX_LAST_LINE:
        return False
    try:
        with log_path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size < checkpoint.size:
                return False
            handle.seek(start)
            return handle.read(len(line)) == line
    except OSError:
        return False
