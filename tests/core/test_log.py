"""The hash-chained log: canonical lines, chain links, clocks, torn tails."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from desktop.core.proof.verify import verify_case
from desktop.core.store.case import CaseWriter, create_case
from desktop.core.store.log import GENESIS, LOG_NAME, canonical_json, scan_log
from tests.conftest import SteppingClock


def lines(case: CaseWriter) -> list[bytes]:
    return (case.folder / LOG_NAME).read_bytes().splitlines()


def test_every_line_is_canonical_and_chained(case: CaseWriter) -> None:
    case.start_journey("upgrade")
    case.add_note("第一条备注 with emoji 🙂 and a\nnewline")
    previous = GENESIS
    for number, raw in enumerate(lines(case)):
        record = json.loads(raw)
        assert canonical_json(record) == raw
        body = {key: value for key, value in record.items() if key != "hash"}
        assert record["hash"] == hashlib.sha256(canonical_json(body)).hexdigest()
        assert record["prev"] == previous
        assert record["seq"] == number
        assert record["utc"].endswith("Z") and len(record["utc"]) == len("2026-11-25T09:00:00.000Z")
        assert record["local"][-6] in "+-"
        previous = record["hash"]
    assert "🙂" in lines(case)[-1].decode("utf-8")  # stored as UTF-8, not \u escapes


def test_case_json_is_written_once_and_hashed_in_the_first_event(case: CaseWriter) -> None:
    case_json = case.folder / "case.json"
    first = json.loads(lines(case)[0])
    assert first["type"] == "case_opened"
    assert first["data"]["case_json_sha256"] == hashlib.sha256(case_json.read_bytes()).hexdigest()
    info = json.loads(case_json.read_bytes())
    assert {"id", "title", "service", "complainant", "purpose", "created", "tool"} <= info.keys()
    assert {"utc", "local", "zone"} <= info["created"].keys()
    assert case_json.stat().st_mode & 0o222 == 0


def test_environment_event_describes_the_machine_and_program(case: CaseWriter) -> None:
    env = json.loads(lines(case)[1])
    assert env["type"] == "environment"
    data = env["data"]
    assert data["os"]["system"]
    assert data["python"]["version"]
    assert data["tool"]["version"]
    assert len(data["program"]["sha256"]) == 64 and data["program"]["files"] > 5
    assert "pillow" in data["libraries"]
    assert "time_zone" in data and "locale" in data and "screens" in data


def test_reopening_with_the_same_environment_adds_no_duplicate(case: CaseWriter) -> None:
    before = len(lines(case))
    CaseWriter(case.folder)
    assert len(lines(case)) == before


def test_journeys_are_recorded_on_every_event(case: CaseWriter) -> None:
    case.start_journey("upgrade")
    up = case.add_note("upgrade note")
    down = case.add_note("downgrade note", journey="downgrade")
    assert up.journey == "upgrade"
    assert down.journey == "downgrade"
    types = [json.loads(raw)["type"] for raw in lines(case)]
    assert types.count("journey") == 2
    # The active journey survives reopening (it is derived from the log).
    assert CaseWriter(case.folder).state.active_journey == "downgrade"


def test_wall_clock_moving_back_is_recorded_not_hidden(
    tmp_path: Path, clock: SteppingClock
) -> None:
    writer = create_case(tmp_path / "c", title="clock", clock=clock)
    clock.advance(10)
    normal = writer.add_note("normal")
    assert normal.clock is None
    clock.advance(5, wall_seconds=-3600)  # the wall clock was set back an hour
    jumped = writer.add_note("after the jump")
    assert jumped.clock is not None
    assert jumped.clock["earlier_than_previous_ms"] == 3600_000
    assert jumped.clock["wall_moved_back_ms"] == 3600_000 + 5_000
    clock.advance(5, wall_seconds=7200)
    ahead = writer.add_note("after a jump ahead")
    assert ahead.clock is not None and ahead.clock["wall_jumped_ahead_ms"] == 7200_000 - 5_000
    assert verify_case(writer.folder).ok


def test_torn_tail_is_reported_then_sealed(case: CaseWriter) -> None:
    case.add_note("kept")
    log = case.folder / LOG_NAME
    good = log.read_bytes()
    with log.open("ab") as handle:
        handle.write(b'{"data":{"text":"half a li')
    report = verify_case(case.folder)
    assert [p.kind for p in report.problems] == ["torn_tail"]
    assert report.events == len(good.splitlines())
    reopened = CaseWriter(case.folder)
    assert log.read_bytes().startswith(good)
    repaired = scan_log(log).events[-1]
    assert repaired.type == "log_repaired"
    assert repaired.data["torn_text"] == '{"data":{"text":"half a li'
    assert verify_case(case.folder).ok
    assert reopened.add_note("after repair").seq == len(log.read_bytes().splitlines()) - 1


def test_hashes_taken_from_line_bytes_match_the_canonical_encoding(case: CaseWriter) -> None:
    """Opening a case hashes each line from its bytes; nested "hash" keys must not confuse it."""
    from desktop.core.store.log import _line_hash, record_hash

    with case.transaction() as tx:
        tx.add("note", {"hash": "0" * 64, "text": '"hash":"x",', "nested": {"hash": 1}}, None)
    for raw in (case.folder / LOG_NAME).read_bytes().splitlines():
        record = json.loads(raw)
        assert _line_hash(raw, record, True) == record_hash(record) == record["hash"]


def test_a_complete_last_line_without_its_newline_is_kept(case: CaseWriter) -> None:
    """Not a torn tail: cutting it would throw away a valid import and break the chain."""
    kept = case.add_note("the last line, newline stripped by an editor")
    log = case.folder / LOG_NAME
    data = log.read_bytes()
    os.chmod(log, 0o644)
    log.write_bytes(data[:-1])
    report = verify_case(case.folder)
    assert report.ok, report.problems
    assert report.events == len(data.splitlines())
    assert report.last_hash == kept.hash

    reopened = CaseWriter(case.folder)
    after = reopened.add_note("after it")
    assert after.prev == kept.hash
    assert log.read_bytes().startswith(data)  # the newline is back, nothing was cut
    events = scan_log(log).events
    assert [e.type for e in events].count("log_repaired") == 0
    assert events[-1].seq == after.seq and kept.seq in {e.seq for e in events}
    assert verify_case(case.folder).ok


def test_a_last_line_that_does_not_verify_is_still_a_torn_tail(case: CaseWriter) -> None:
    case.add_note("one")
    log = case.folder / LOG_NAME
    data = log.read_bytes()
    last = data[:-1].rsplit(b"\n", 1)[1]
    forged = last.replace(b'"one"', b'"two"')  # valid JSON, wrong hash
    log.write_bytes(data[: len(data) - len(last) - 1] + forged)
    assert [p.kind for p in verify_case(case.folder).problems] == ["torn_tail"]
