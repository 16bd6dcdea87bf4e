"""Hostile JSON in a case, a bundle or a settings file: refused in words, never a crash."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from desktop.core.errors import EvidenceError
from desktop.core.proof.verify import verify_case
from desktop.core.store.case import CASE_JSON, CaseWriter, named_files, read_case_info
from desktop.core.store.log import LOG_NAME, Event, record_hash, scan_log
from desktop.core.store.strictjson import MAX_DEPTH, StrictJSONError, strict_loads

DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (b'{"a": NaN}', "NaN"),
        (b'{"a": Infinity}', "Infinity"),
        (b'{"a": -Infinity}', "-Infinity"),
        (b'{"a": 1e400}', "1e400"),
        (b'{"a": -1e400}', "-1e400"),
        (b'{"a": 1' + b"0" * 400 + b"}", "401 digits"),
        (b'{"a": 1' + b"0" * 400 + b".5}", "too large"),
        (DEEP, "deeper than 64"),
        (b'{"a": "\\ud800"}', "surrogate"),
        (b'{"a": "\xff"}', "not UTF-8"),
        (b'{"a": ', "not valid JSON"),
    ],
)
def test_hostile_json_is_refused_with_a_reason(text: bytes, said: str) -> None:
    with pytest.raises(StrictJSONError, match=said):
        strict_loads(text)


def test_ordinary_json_reads_as_before() -> None:
    text = b'{"a": [1, -2.5e3, "[[[[' + b"[" * 200 + b'", {"b": null}], "c": "\\ud83d\\ude00"}'
    assert strict_loads(text) == json.loads(text)
    nested = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert strict_loads(nested) == json.loads(nested)
    assert strict_loads(b"9" * 19) == int("9" * 19)  # a nanosecond clock reading


# -- the log -------------------------------------------------------------------------------


def forged_line(case: CaseWriter, data: dict[str, Any], event_type: str = "note") -> bytes:
    """A line chained after the last one and hashed as the program would hash it."""
    last = case.log.last
    assert last is not None
    record: dict[str, Any] = {
        **{k: v for k, v in last.to_record().items() if k not in ("hash", "clock")},
        "seq": last.seq + 1,
        "type": event_type,
        "data": data,
        "prev": last.hash,
    }
    record["hash"] = record_hash(record)
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def append_raw(case: CaseWriter, line: bytes) -> None:
    with (case.folder / LOG_NAME).open("ab") as handle:
        handle.write(line + b"\n")


def note_with(case: CaseWriter, value: bytes) -> bytes:
    """A whole, chained note line whose "attached_to" holds the raw JSON `value`."""
    line = forged_line(case, {"text": "x", "attached_to": "@@", "amends": None})
    return line.replace(b'"@@"', value)


@pytest.mark.parametrize(
    "value", [b"NaN", b"Infinity", b"-Infinity", b"1e400", DEEP], ids=lambda v: repr(v[:9])
)
def test_a_log_line_with_hostile_numbers_or_nesting_is_an_unreadable_line(
    case: CaseWriter, value: bytes
) -> None:
    append_raw(case, note_with(case, value))
    scan = scan_log(case.folder / LOG_NAME)
    assert [p.kind for p in scan.problems] == ["unreadable_line"]
    report = verify_case(case.folder)
    assert not report.ok
    assert any(p.kind == "unreadable_line" for p in report.problems)


def test_a_rechained_line_with_a_huge_integer_is_refused(case: CaseWriter) -> None:
    append_raw(case, forged_line(case, {"text": "x", "attached_to": 10**400, "amends": None}))
    problems = scan_log(case.folder / LOG_NAME).problems
    assert [(p.kind, "401 digits" in p.detail) for p in problems] == [("unreadable_line", True)]


@pytest.mark.parametrize(
    "entry",
    [
        {"path": "originals/000009-x.png", "sha256": "a" * 64, "size": "big"},
        {"path": "originals/000009-x.png", "sha256": "a" * 64, "size": -1},
        {"path": "originals/000009-x.png", "sha256": "a" * 64, "size": True},
        {"path": "originals/000009-x.png", "sha256": "not hex", "size": 3},
        {"path": "originals/000009-x.png", "sha256": "A" * 64, "size": 3},
        {"path": 7, "sha256": "a" * 64, "size": 3},
        {"path": ["originals"], "sha256": "a" * 64, "size": 3},
        "originals/000009-x.png",
    ],
)
def test_a_file_entry_of_the_wrong_type_is_a_problem_not_a_crash(
    case: CaseWriter, entry: object
) -> None:
    append_raw(case, forged_line(case, {"file": entry}, "import"))
    scan = scan_log(case.folder / LOG_NAME)
    assert [p.kind for p in scan.problems] == ["bad_field"]
    assert all(named_files(event) == [] or event.type != "import" for event in scan.events)
    report = verify_case(case.folder)  # the whole verify runs through it
    assert [p.kind for p in report.problems] == ["bad_field"]
    assert "file entry" in report.problems[0].message
    CaseWriter(case.folder).close()  # the writer opens the case and goes on


def test_a_line_after_a_bad_field_still_links(case: CaseWriter) -> None:
    append_raw(case, forged_line(case, {"files": [{"path": "x", "sha256": 5, "size": 1}]}))
    CaseWriter(case.folder).add_note("after the doctored line")
    assert [p.kind for p in scan_log(case.folder / LOG_NAME).problems] == ["bad_field"]


def test_named_files_skips_entries_it_cannot_use() -> None:
    good = {"path": "originals/a.png", "sha256": "b" * 64, "size": 0}
    event = Event(1, "import", "", "", "", 0, "", None, {"files": [good, {"size": "big"}]}, "", "")
    assert [f.path for f in named_files(event)] == ["originals/a.png"]


# -- case.json ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("format", "1e400"),
        ("format", '"big"'),
        ("format", "NaN"),
        ("title", "5"),
        ("title", '["a"]'),
        ("created", '"yesterday"'),
        ("service", "Infinity"),
    ],
)
def test_a_doctored_case_json_is_a_clear_error(case: CaseWriter, field: str, value: str) -> None:
    path = case.folder / CASE_JSON
    os.chmod(path, 0o644)
    info = json.loads(path.read_bytes())
    info[field] = "@@"
    path.write_text(json.dumps(info).replace('"@@"', value), encoding="utf-8")
    with pytest.raises(EvidenceError, match=r"case\.json is damaged"):
        read_case_info(case.folder)


def test_a_case_json_nested_too_deep_is_a_clear_error(case: CaseWriter) -> None:
    path = case.folder / CASE_JSON
    os.chmod(path, 0o644)
    path.write_bytes(DEEP)
    with pytest.raises(EvidenceError, match="deeper than 64"):
        read_case_info(case.folder)


# -- settings and word lists ----------------------------------------------------------------


def test_settings_with_nan_or_infinity_fall_back_to_the_defaults(tmp_path: Path) -> None:
    from desktop.app.settings import AppSettings, load_settings

    path = tmp_path / "settings.json"
    for value in ("NaN", "Infinity", "1e400"):
        path.write_text('{"interval_seconds": ' + value + "}", encoding="utf-8")
        assert load_settings(path).interval_seconds == AppSettings().interval_seconds
    path.write_bytes(b'{"recent": ' + b"[" * 5000 + b"]" * 5000 + b"}")
    assert load_settings(path).recent == ()


def test_a_word_list_with_nan_is_refused_in_words() -> None:
    from desktop.core.analysis.lexicon import parse_lexicon

    with pytest.raises(EvidenceError, match="NaN"):
        parse_lexicon(b'{"format": NaN}', "lexicon.json")


def test_the_window_timeline_shows_events_of_an_unexpected_shape(tmp_path: Path) -> None:
    from desktop.app.session import timeline_items

    def event(seq: int, kind: str, data: dict[str, Any]) -> Event:
        return Event(seq, kind, "", "2026-11-25T09:00:00", "", 0, "", None, data, "", "")

    doctored = [
        event(1, "capture", {"capture": 5, "check": "suspect"}),
        event(2, "import", {"source": "x"}),
        event(3, "note", {"text": "t", "attached_to": "x"}),
        event(4, "analysis", {"result": 5}),
        event(5, "video_frame", {"time_s": "x"}),
        event(6, "mark", {"role": [], "label": {}}),
    ]
    items = timeline_items(doctored, tmp_path, set(), set())
    assert [item.seq for item in items] == [1, 2, 3, 4, 5, 6]
    assert items[2].attached_to is None
    assert "unexpected form" in items[0].text and "unexpected form" in items[4].text
