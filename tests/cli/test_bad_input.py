"""Bad input ends in one clear line, exit non-zero, no traceback, and nothing half-made."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from desktop.core.store.log import LOG_NAME, record_hash
from tests.conftest import image_bytes

ESC_NOTE = "\x1b[2J\x1b[31mFAKE"


def run(*args: str | bytes | Path) -> subprocess.CompletedProcess[str]:
    """The real program in a subprocess, as a person runs it (bytes arguments stay bytes)."""
    env = {**os.environ, "EVIDENCE_RECORDER_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *(a if isinstance(a, bytes) else str(a) for a in args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        check=False,
        env=env,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line_error(done: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert done.returncode == code, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    done = run("case", "new", folder, "--title", "Bad input")
    assert done.returncode == 0, done.stderr
    return folder


def log_bytes(folder: Path) -> bytes:
    return (folder / LOG_NAME).read_bytes()


def events(folder: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log_bytes(folder).splitlines()]


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack_from(">I", data, at)
        chunks.append((data[at + 4 : at + 8], data[at + 8 : at + 8 + length]))
        at += 12 + length
    return chunks


def png_from_chunks(chunks: list[tuple[bytes, bytes]]) -> bytes:
    out = b"\x89PNG\r\n\x1a\n"
    for kind, body in chunks:
        out += struct.pack(">I", len(body)) + kind + body
        out += struct.pack(">I", zlib.crc32(kind + body))
    return out


# -- 1. imports decode the pixel data -------------------------------------------------------


def test_images_whose_pixel_data_is_broken_are_refused_at_import(
    case_dir: Path, tmp_path: Path
) -> None:
    good = image_bytes("PNG", seed=3, compress_level=0)  # several IDAT chunks
    chunks = png_chunks(good)
    garbage = png_from_chunks(
        [
            (k, bytes((b * 31 + 7) & 0xFF for b in body) if k == b"IDAT" else body)
            for k, body in chunks
        ]
    )
    idats = [i for i, (k, _) in enumerate(chunks) if k == b"IDAT"]
    body = chunks[idats[-1]][1]
    truncated = png_from_chunks(
        [*chunks[: idats[-1]], (b"IDAT", body[: len(body) // 2]), chunks[-1]]
    )
    jpeg = image_bytes("JPEG", seed=4)
    files = {
        "garbage-idat.png": garbage,
        "half-idat.png": truncated,
        "cut.jpg": jpeg[: len(jpeg) // 2],
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    before = log_bytes(case_dir)
    done = run("import", case_dir, *paths)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    refused = [line for line in done.stderr.splitlines() if line.startswith("not imported:")]
    assert len(refused) == 3
    for name, line in zip(files, refused, strict=True):
        assert name in line and "damaged or incomplete" in line, line
    assert "0 imported, 3 not imported." in done.stderr
    assert log_bytes(case_dir) == before  # nothing logged
    assert list((case_dir / "originals").iterdir()) == []
    assert [p for p in (case_dir / ".staging").rglob("*") if p.is_file()] == []


def forged(folder: Path, data: dict[str, object], event_type: str = "import") -> bytes:
    """A line chained after the last one and hashed as the program would hash it."""
    last = events(folder)[-1]
    record = {
        **{k: v for k, v in last.items() if k not in ("hash", "clock")},
        "seq": int(str(last["seq"])) + 1,
        "type": event_type,
        "data": data,
        "prev": last["hash"],
    }
    record["hash"] = record_hash(record)
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


# -- 2. one unreadable image never stops a report ------------------------------------------


def test_a_report_names_an_unreadable_image_and_goes_on(case_dir: Path, tmp_path: Path) -> None:
    shots = []
    for seed in (1, 2):
        shots.append(tmp_path / f"shot-{seed}.png")
        shots[-1].write_bytes(image_bytes("PNG", seed=seed))
    assert run("import", case_dir, *shots).returncode == 0
    broken = sorted((case_dir / "originals").iterdir())[0]
    os.chmod(broken, 0o644)
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not an image any more" * 50)
    out = tmp_path / "report.pdf"
    done = run("report", case_dir, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "1 images could not be read" in flat
    assert f"originals/{broken.name} could not be read" in flat.replace("- ", "-")
    assert "shot-2.png" in flat  # the other capture is still there
    verified = run("verify", case_dir)
    assert verified.returncode == 1 and broken.name in verified.stdout


def test_a_report_goes_on_past_event_data_of_the_wrong_shape(
    case_dir: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "shot.png"
    shot.write_bytes(image_bytes("PNG", seed=8))
    assert run("import", case_dir, shot).returncode == 0
    imported = events(case_dir)[-1]["data"]
    assert isinstance(imported, dict)
    doctored = {**imported, "source": {"name": "shot.png", "claimed": 5}}
    with (case_dir / LOG_NAME).open("ab") as handle:
        handle.write(forged(case_dir, doctored) + b"\n")
    note = {"text": "on a capture", "attached_to": "x", "amends": None}
    with (case_dir / LOG_NAME).open("ab") as handle:
        handle.write(forged(case_dir, note, "note") + b"\n")
    redaction = {"capture": "x", "edits": 5, "reason": "doctored"}
    with (case_dir / LOG_NAME).open("ab") as handle:
        handle.write(forged(case_dir, redaction, "redaction") + b"\n")
    out = tmp_path / "report.pdf"
    done = run("report", case_dir, "--out", out)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "has an unexpected form" in " ".join(text.split())


# -- 3. hostile JSON in the log --------------------------------------------------------------


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400", "[" * 50_000])
def test_a_log_line_with_nan_infinity_or_deep_nesting_is_named_by_verify(
    case_dir: Path, value: str
) -> None:
    line = forged(case_dir, {"size": "@@"}).replace(b'"@@"', value.encode())
    with (case_dir / LOG_NAME).open("ab") as handle:
        handle.write(line + b"\n")
    verified = run("verify", case_dir)
    assert verified.returncode == 1 and "Traceback" not in verified.stderr
    problems = [line for line in verified.stdout.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 1 and "cannot be read" in problems[0], verified.stdout
    listed = run("log", case_dir)
    assert listed.returncode == 0 and "The log has problems" in listed.stdout
    assert run("verify", case_dir, "--json").returncode == 1


def test_a_file_entry_with_a_wrong_type_is_named_and_writing_goes_on(case_dir: Path) -> None:
    entry = {"path": "originals/000009-x.png", "sha256": "a" * 64, "size": "big"}
    with (case_dir / LOG_NAME).open("ab") as handle:
        handle.write(forged(case_dir, {"file": entry}) + b"\n")
    verified = run("verify", case_dir)
    assert verified.returncode == 1 and "Traceback" not in verified.stderr
    assert "not a file entry" in verified.stdout
    noted = run("note", case_dir, "after the doctored line")
    assert noted.returncode == 0, noted.stderr
    assert run("log", case_dir).returncode == 0


# -- 4. command-line values: finite numbers, bounded labels, UTF-8 text ---------------------


@pytest.mark.parametrize(
    "args",
    [
        ["capture", "{case}", "--every", "inf"],
        ["capture", "{case}", "--every", "nan"],
        ["capture", "{case}", "--every", "-1"],
        ["capture", "{case}", "--every", "1", "--for", "nan"],
        ["capture", "{case}", "--every", "1", "--for", "inf"],
        ["capture", "{case}", "--delay", "nan"],
        ["capture", "{case}", "--delay", "1e308"],
        ["capture", "{case}", "--every", "1", "--count", "0"],
        ["report", "{case}", "--exhibit-prefix", "A" * 5000],
        ["report", "{case}", "--exhibit-prefix", "A\x1b[2J"],
        ["report", "{case}", "--bates-start", "-1"],
        ["analyze", "{case}", "--capture", "1", "--scale", "nan"],
        ["timestamp", "{case}", "--tsa", "http://127.0.0.1:9", "--timeout", "inf"],
    ],
    ids=lambda args: " ".join(a[:12] for a in args[2:]),
)
def test_numbers_and_labels_out_of_range_are_usage_errors_before_anything_is_made(
    case_dir: Path, args: list[str]
) -> None:
    before = log_bytes(case_dir)
    exports = list((case_dir / "exports").iterdir())
    done = run(*(str(case_dir) if a == "{case}" else a for a in args))
    assert_one_line_error(done, 2, args[-2], "--help")
    assert "\x1b" not in done.stderr
    assert log_bytes(case_dir) == before
    assert list((case_dir / "exports").iterdir()) == exports


@pytest.mark.skipif(sys.platform == "win32", reason="Windows command lines are UTF-16")
@pytest.mark.parametrize(
    "args",
    [
        [b"journey", b"{case}", b"up\xffgrade"],
        [b"note", b"{case}", b"caf\xe9 au lait"],
        [b"note", b"{case}", b"ok", b"--journey", b"\xc3"],
        [b"withdraw", b"{case}", b"0", b"--reason", b"\xff\xfe"],
        [b"import", b"{case}", b"x.png", b"--journey", b"\xe4\xb8"],
    ],
    ids=["journey", "note", "note-journey", "reason", "import-journey"],
)
def test_text_that_is_not_utf8_is_refused_in_one_line(case_dir: Path, args: list[bytes]) -> None:
    before = log_bytes(case_dir)
    done = run(*(os.fsencode(case_dir) if a == b"{case}" else a for a in args))
    assert_one_line_error(done, 2, "not UTF-8")
    assert log_bytes(case_dir) == before


@pytest.mark.skipif(sys.platform == "win32", reason="Windows command lines are UTF-16")
def test_case_new_with_a_title_that_is_not_utf8_leaves_no_folder(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "case"
    done = run("case", "new", folder, "--title", b"Refund \xff\xfe")
    assert_one_line_error(done, 2, "--title", "not UTF-8")
    assert not (tmp_path / "new").exists()


def test_case_new_that_fails_half_way_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from desktop.core.errors import EvidenceError
    from desktop.core.store import case as case_module

    def disk_full(*_args: object) -> dict[str, object]:
        raise case_module.os_error_to_evidence(
            OSError(errno.ENOSPC, "No space left on device"), tmp_path
        )

    monkeypatch.setattr(case_module, "collect_environment", disk_full)
    with pytest.raises(EvidenceError):
        case_module.create_case(tmp_path / "a" / "b", title="Full disk")
    assert list(tmp_path.iterdir()) == []
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EvidenceError):
        case_module.create_case(empty, title="Full disk")
    assert empty.is_dir() and list(empty.iterdir()) == []


def test_case_new_under_a_file_is_one_line_and_makes_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"x")
    done = run("case", "new", blocker / "case", "--title", "x")
    assert_one_line_error(done, 1)
    assert sorted(tmp_path.iterdir()) == [blocker] and blocker.read_bytes() == b"x"


def test_case_new_in_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    os.chmod(parent, 0o555)
    try:
        if os.access(parent, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        done = run("case", "new", parent / "case", "--title", "x")
        assert_one_line_error(done, 1)
        assert list(parent.iterdir()) == []
    finally:
        os.chmod(parent, 0o755)


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux file names may be any bytes")
def test_a_file_name_that_is_not_utf8_imports_with_a_safe_name(
    case_dir: Path, tmp_path: Path
) -> None:
    source = Path(os.fsdecode(os.fsencode(tmp_path) + b"/shot\xff\xfe.png"))
    source.write_bytes(image_bytes("PNG", seed=5))
    done = run("import", case_dir, source)
    assert done.returncode == 0, done.stderr
    event = events(case_dir)[-1]
    data = event["data"]
    assert isinstance(data, dict)
    assert data["file"]["path"].endswith("-shot__.png")
    assert data["source"]["name"] == "shot\\xff\\xfe.png"  # the original, escaped
    assert run("verify", case_dir).returncode == 0


# -- 5. terminal control characters are shown escaped --------------------------------------


def test_a_note_with_terminal_controls_is_listed_escaped(case_dir: Path) -> None:
    assert run("note", case_dir, ESC_NOTE + " \u202eevil\u2066").returncode == 0
    listed = run("log", case_dir)
    assert listed.returncode == 0
    assert "\x1b" not in listed.stdout and "\u202e" not in listed.stdout
    assert "\\x1b[2J\\x1b[31mFAKE \\u202eevil\\u2066" in listed.stdout
    as_json = run("log", case_dir, "--json")
    assert "\u202e" not in as_json.stdout and "\x1b" not in as_json.stdout
    assert json.loads(as_json.stdout)["events"][-1]["data"]["text"].startswith(ESC_NOTE)


def test_a_file_name_with_terminal_controls_is_shown_escaped(
    case_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "shot\x1b[2J\x9b31m.png"
    source.write_bytes(image_bytes("PNG", seed=6))
    done = run("import", case_dir, source)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x9b" not in done.stdout
    assert "shot\\x1b[2J\\x9b31m.png" in done.stdout
    listed = run("log", case_dir)
    assert "\x1b" not in listed.stdout and "\x9b" not in listed.stdout


def test_a_zip_entry_name_with_terminal_controls_is_escaped_by_verify(
    case_dir: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "case.zip"
    assert run("export", case_dir, "--out", bundle).returncode == 0
    with zipfile.ZipFile(bundle, "a") as archive:
        archive.writestr("case/evil\x1b[2J\x1b]0;owned\x07.txt", b"x")
    done = run("verify", bundle)
    assert done.returncode == 1
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout
    assert "evil\\x1b[2J\\x1b]0;owned\\x07.txt" in done.stdout


# -- 6. bidi controls leave imported file names ---------------------------------------------


def test_a_right_to_left_override_is_removed_from_the_stored_name(
    case_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "invoice\u202egnp.exe"
    source.write_bytes(image_bytes("PNG", seed=7))
    done = run("import", case_dir, source)
    assert done.returncode == 0, done.stderr
    data = events(case_dir)[-1]["data"]
    assert isinstance(data, dict)
    stored = data["file"]["path"]
    assert stored.endswith("-invoicegnp.exe") and "\u202e" not in stored
    assert (case_dir / stored).is_file()
    assert data["source"]["name"] == "invoice\u202egnp.exe"  # the original stays in the event
    assert "\u202e" not in done.stdout and "invoice\\u202egnp.exe" in done.stdout


def test_every_bidi_control_is_removed() -> None:
    from desktop.core.ingest.images import safe_file_name

    for control in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
        assert safe_file_name(f"a{control}b.png") == "ab.png"


def test_a_bundle_whose_log_holds_nan_is_named_by_verify(case_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "case.zip"
    assert run("export", case_dir, "--out", bundle).returncode == 0
    doctored = tmp_path / "doctored.zip"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(doctored, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("/" + LOG_NAME):
                line = forged(case_dir, {"size": "@@"}).replace(b'"@@"', b"NaN")
                data += line + b"\n"
            target.writestr(info, data)
    done = run("verify", doctored)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "holds NaN" in done.stdout
