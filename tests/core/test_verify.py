"""verify names every change: a byte in an original or a log line, a removed or moved line."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.ingest.images import import_files
from desktop.core.proof.verify import verify_case
from desktop.core.store.case import CaseWriter, create_case
from desktop.core.store.log import LOG_NAME
from tests.conftest import image_bytes


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pristine")
    writer = create_case(root / "case", title="tamper test")
    inbox = root / "inbox"
    inbox.mkdir()
    files = []
    for index, fmt in enumerate(["PNG", "JPEG", "PNG"]):
        path = inbox / f"shot{index}.{fmt.lower()}"
        path.write_bytes(image_bytes(fmt, seed=index))
        files.append(path)
    writer.start_journey("upgrade")
    result = import_files(writer, files)
    writer.add_note("note on the first capture 第一张", capture=result.events[0].seq)
    writer.add_note("a later note", journey="downgrade")
    assert verify_case(writer.folder).ok
    return writer.folder


def copy_case(pristine: Path, target: Path) -> Path:
    if target.exists():
        for path in target.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        shutil.rmtree(target)
    shutil.copytree(pristine, target)
    return target


def flip_byte(path: Path, position: int, new: int) -> None:
    """Change one byte and put the file's mode back, as a careful forger would."""
    mode = path.stat().st_mode
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[position] = new
    path.write_bytes(bytes(data))
    os.chmod(path, mode)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_changed_byte_of_any_log_line_is_named(
    pristine: Path, tmp_path: Path, data: st.DataObject
) -> None:
    case = copy_case(pristine, tmp_path / "case")
    log = case / LOG_NAME
    raw = log.read_bytes()
    line_starts = [0, *[i + 1 for i, b in enumerate(raw) if b == 0x0A][:-1]]
    position = data.draw(st.integers(0, len(raw) - 1), label="position")
    new = data.draw(st.integers(0, 255).filter(lambda b: b != raw[position]), label="byte")
    flip_byte(log, position, new)
    line = max(n for n, start in enumerate(line_starts, 1) if start <= position)
    report = verify_case(case)
    assert not report.ok
    named = " ".join(problem.where for problem in report.problems)
    assert f"log line {line}" in named or f"log line {line + 1}" in named, report.problems


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_changed_byte_of_any_original_is_named(
    pristine: Path, tmp_path: Path, data: st.DataObject
) -> None:
    case = copy_case(pristine, tmp_path / "case")
    originals = sorted((case / "originals").iterdir())
    target = data.draw(st.sampled_from(originals), label="file")
    raw = target.read_bytes()
    position = data.draw(st.integers(0, len(raw) - 1), label="position")
    new = data.draw(st.integers(0, 255).filter(lambda b: b != raw[position]), label="byte")
    flip_byte(target, position, new)
    report = verify_case(case)
    assert [(p.kind, p.where) for p in report.problems] == [
        ("file_changed", f"originals/{target.name}")
    ]


def test_changed_case_json_is_named(pristine: Path, tmp_path: Path) -> None:
    case = copy_case(pristine, tmp_path / "case")
    flip_byte(case / "case.json", 10, ord("X"))
    assert [p.where for p in verify_case(case).problems] == ["case.json"]


def test_removed_line_is_detected(pristine: Path, tmp_path: Path) -> None:
    case = copy_case(pristine, tmp_path / "case")
    log = case / LOG_NAME
    lines = log.read_bytes().splitlines(keepends=True)
    del lines[3]
    log.write_bytes(b"".join(lines))
    report = verify_case(case)
    kinds = {p.kind for p in report.problems}
    assert {"broken_link", "sequence_gap"} <= kinds
    assert any("log line 4" in p.where for p in report.problems)


def test_reordered_lines_are_detected(pristine: Path, tmp_path: Path) -> None:
    case = copy_case(pristine, tmp_path / "case")
    log = case / LOG_NAME
    lines = log.read_bytes().splitlines(keepends=True)
    lines[4], lines[5] = lines[5], lines[4]
    log.write_bytes(b"".join(lines))
    report = verify_case(case)
    assert not report.ok
    assert {"broken_link", "sequence_gap"} <= {p.kind for p in report.problems}


def test_dropped_last_line_is_not_detectable_alone_but_removed_file_is(
    pristine: Path, tmp_path: Path
) -> None:
    """Cutting the last lines keeps a valid chain: that is why reports and bundles print the
    last hash. A removed original is always named."""
    case = copy_case(pristine, tmp_path / "case")
    (case / "originals" / sorted(os.listdir(case / "originals"))[0]).unlink()
    report = verify_case(case)
    assert [p.kind for p in report.problems] == ["missing_file"]


def test_file_added_to_originals_is_named(pristine: Path, tmp_path: Path) -> None:
    case = copy_case(pristine, tmp_path / "case")
    (case / "originals" / "planted.png").write_bytes(image_bytes())
    os.chmod(case / "originals" / "planted.png", 0o444)
    report = verify_case(case)
    assert [(p.kind, p.where) for p in report.problems] == [
        ("unreferenced_file", "originals/planted.png")
    ]


def test_verify_changes_nothing(pristine: Path, tmp_path: Path) -> None:
    case = copy_case(pristine, tmp_path / "case")
    before = {p: p.read_bytes() for p in case.rglob("*") if p.is_file()}
    verify_case(case)
    assert before == {p: p.read_bytes() for p in case.rglob("*") if p.is_file()}


def test_edited_note_text_is_detected_even_when_json_stays_valid(
    pristine: Path, tmp_path: Path
) -> None:
    case = copy_case(pristine, tmp_path / "case")
    log = case / LOG_NAME
    lines = log.read_bytes().splitlines()
    for index, raw in enumerate(lines):
        record = json.loads(raw)
        if record["type"] == "note":
            record["data"]["text"] = "a kinder note"
            lines[index] = json.dumps(
                record, sort_keys=True, ensure_ascii=False, separators=(",", ":")
            ).encode()
            break
    log.write_bytes(b"\n".join(lines) + b"\n")
    report = verify_case(case)
    assert [p.kind for p in report.problems] == ["hash_mismatch"]


def test_reopening_the_case_does_not_launder_a_changed_original(
    pristine: Path, tmp_path: Path
) -> None:
    case = copy_case(pristine, tmp_path / "case")
    target = sorted((case / "originals").iterdir())[0]
    os.chmod(target, 0o644)
    target.write_bytes(image_bytes("PNG", seed=99))
    assert not verify_case(case).ok
    # Opening the case for writing does not launder the change.
    CaseWriter(case)
    assert "file_changed" in {p.kind for p in verify_case(case).problems}
