"""Appending to a long log reads only its end: a private checkpoint, used only while it holds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.core.errors import NoteError
from desktop.core.proof.verify import verify_case
from desktop.core.store import checkpoint
from desktop.core.store.case import CaseWriter, create_case
from desktop.core.store.log import LOG_NAME, find_event, scan_log


@pytest.fixture
def noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CaseWriter:
    monkeypatch.setattr(checkpoint, "MIN_LINES", 0)
    writer = create_case(tmp_path / "case", title="long case")
    writer.start_journey("downgrade")
    with writer.transaction() as tx:
        for number in range(300):
            tx.add("note", {"text": f"n{number}", "attached_to": None, "amends": None}, "downgrade")
    return writer


def _resumed(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Open a writer, recording whether it started from a checkpoint."""
    used: list[bool] = []
    real = checkpoint.load

    def spy(*args: object) -> checkpoint.Checkpoint | None:
        found = real(*args)  # type: ignore[arg-type]
        used.append(found is not None)
        return found

    monkeypatch.setattr(checkpoint, "load", spy)
    return used


def test_a_new_writer_starts_from_the_checkpoint_and_keeps_the_state(
    noted: CaseWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = noted.folder
    first_note = next(e for e in scan_log(folder / LOG_NAME).events if e.type == "note")
    noted.withdraw(first_note.seq + 1, "typed twice")
    used = _resumed(folder, monkeypatch)
    writer = CaseWriter(folder)
    assert used == [True]
    assert writer.state.active_journey == "downgrade"
    # An early note is found by bisection of the log, not from a table of every event.
    assert writer.state.types == {} or first_note.seq not in writer.state.types
    amended = writer.add_note("corrected", amends=first_note.seq)
    assert amended.journey == "downgrade"
    with pytest.raises(NoteError, match="withdrawn"):
        writer.add_note("again", amends=first_note.seq + 1)
    with pytest.raises(NoteError, match="not a note"):
        writer.add_note("no such", amends=10_000)
    assert verify_case(folder).ok
    # Nothing of the checkpoint is written into the case (a case from elsewhere cannot forge it).
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [".lock", ".staging", "case.json", "derived", "exports", "log.jsonl", "originals"]
    )


def test_a_checkpoint_that_no_longer_matches_the_log_is_ignored(
    noted: CaseWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = noted.folder
    log = folder / LOG_NAME
    noted.add_note("last before the copy")
    saved = log.read_bytes()
    noted.start_journey("upgrade")  # the checkpoint now ends with this journey line
    # The log goes back to an older copy (restored from a backup): the note's end is gone.
    os.chmod(log, 0o644)
    log.write_bytes(saved)
    used = _resumed(folder, monkeypatch)
    writer = CaseWriter(folder)
    assert used == [False]
    assert writer.state.active_journey == "downgrade"  # read from the log itself
    assert writer.add_note("after restore").prev == scan_log(log).events[-2].hash
    assert verify_case(folder).ok


def test_lines_appended_by_another_writer_after_the_checkpoint_are_read(
    noted: CaseWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = noted.folder
    noted.add_note("checkpoint here")
    monkeypatch.setattr(checkpoint, "save", lambda *args: None)
    noted.start_journey("upgrade")  # appended, but no new checkpoint
    used = _resumed(folder, monkeypatch)
    writer = CaseWriter(folder)
    assert used == [True]
    assert writer.state.active_journey == "upgrade"
    assert writer.add_note("next").prev == scan_log(folder / LOG_NAME).events[-2].hash


def test_find_event_finds_every_line_by_bisection(noted: CaseWriter) -> None:
    log = noted.folder / LOG_NAME
    events = scan_log(log).events
    size = log.stat().st_size
    for event in events:
        assert find_event(log, event.seq, size) == event
    assert find_event(log, len(events) + 5, size) is None
    assert find_event(log, -1, size) is None
