"""A doctored case folder never makes the program touch anything outside it."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop.core.ingest.images import import_files
from desktop.core.proof.safepath import UnsafePathError
from desktop.core.proof.timestamp import TOKEN_KIND
from desktop.core.proof.verify import verify_case
from desktop.core.store.case import CaseWriter, create_case
from desktop.core.store.log import GENESIS, LOG_NAME, canonical_json, record_hash, scan_log
from tests.conftest import image_bytes

Record = dict[str, Any]


def rechain(folder: Path, edit: Callable[[list[Record]], list[Record]]) -> None:
    """Rewrite the log through `edit` and re-chain it: every seq, prev and hash made right again.

    This is what a forger with the folder alone can do; verify cannot tell from the log.
    """
    log = folder / LOG_NAME
    records = [json.loads(line) for line in log.read_bytes().splitlines()]
    records = edit(records)
    prev = GENESIS
    lines = []
    for seq, record in enumerate(records):
        record["seq"], record["prev"] = seq, prev
        record.pop("hash", None)
        record["hash"] = prev = record_hash(record)
        lines.append(canonical_json(record) + b"\n")
    os.chmod(log, 0o644)
    log.write_bytes(b"".join(lines))


def forged(records: list[Record], event_type: str, data: dict[str, Any]) -> Record:
    """A new record like the last one, of another type and data."""
    return {**records[-1], "type": event_type, "data": data}


def add_forged(folder: Path, event_type: str, data: dict[str, Any]) -> None:
    rechain(folder, lambda records: [*records, forged(records, event_type, data)])


def file_entry(path: str, payload: bytes) -> dict[str, Any]:
    return {"path": path, "sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)}


def events_of(folder: Path, kind: str) -> list[Any]:
    return [e for e in scan_log(folder / LOG_NAME).events if e.type == kind]


@pytest.fixture
def closed_case(tmp_path: Path) -> Path:
    """A case two folders down (so "../../x" lands in tmp_path), with one import, closed."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "shot.png").write_bytes(image_bytes())
    with create_case(tmp_path / "cases" / "case", title="hostile") as writer:
        import_files(writer, [inbox / "shot.png"])
    return writer.folder


# -- recovery ----------------------------------------------------------------------------------

EVIL = b"[Desktop Entry]\nExec=sh -c 'echo owned'\n"


def plant_staged(folder: Path, named_path: str, payload: bytes = EVIL) -> Path:
    """A logged (re-chained) import naming `named_path`, and its bytes waiting in .staging/."""
    add_forged(folder, "import", {"file": file_entry(named_path, payload), "source": {}})
    staged = folder / ".staging" / "0123456789abcdef" / "evil.desktop"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(payload)
    return staged


@pytest.mark.parametrize(
    "where",
    ["absolute", "climbing", "missing_folder", "linked_folder", "not_originals", "failed_move"],
)
def test_recovery_never_moves_a_staged_file_outside_the_case(
    closed_case: Path, tmp_path: Path, where: str
) -> None:
    autostart = tmp_path / "home" / ".config" / "autostart"
    autostart.mkdir(parents=True)
    named, landed = {
        "absolute": (str(autostart / "evil.desktop"), autostart / "evil.desktop"),
        "climbing": ("../../evil.desktop", tmp_path / "evil.desktop"),
        "missing_folder": ("originals/gone/evil.desktop", None),
        "linked_folder": ("originals/autostart/evil.desktop", autostart / "evil.desktop"),
        "not_originals": ("derived/evil.desktop", closed_case / "derived" / "evil.desktop"),
        "failed_move": ("originals/000099-evil.desktop", None),
    }[where]
    if where == "failed_move":  # originals/ is a plain file now: the move itself fails
        os.chmod(closed_case / "originals", 0o755)
        for child in (closed_case / "originals").iterdir():
            child.rename(tmp_path / child.name)
        (closed_case / "originals").rmdir()
        (closed_case / "originals").write_bytes(b"")
    if where == "linked_folder":
        os.chmod(closed_case / "originals", 0o755)
        (closed_case / "originals" / "autostart").symlink_to(autostart)
    staged = plant_staged(closed_case, named)

    with CaseWriter(closed_case) as writer:  # any open recovers: a note, a journey
        writer.add_note("after the doctored log")
        writer.start_journey("downgrade")

    assert landed is None or not landed.exists()
    assert not any(autostart.iterdir())
    assert not staged.exists()  # discarded, not left to be tried again
    (refused,) = events_of(closed_case, "staging_refused")
    assert refused.data["sha256"] == hashlib.sha256(EVIL).hexdigest()
    assert "outside" in refused.data["reason"] or "could not" in refused.data["reason"]
    assert str(tmp_path) not in json.dumps(refused.data)  # no path of this machine
    # The writer keeps working: later opens and notes succeed, and recover nothing again.
    with CaseWriter(closed_case) as writer:
        writer.add_note("and later")
    assert len(events_of(closed_case, "note")) == 2
    assert len(events_of(closed_case, "staging_refused")) == 1


def test_recovery_does_not_look_outside_for_missing_files(
    closed_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deciding which logged files are missing stats only paths inside the case."""
    outside = tmp_path / "probe-me"
    plant_staged(closed_case, str(outside))
    looked: list[str] = []
    real_stat = os.stat

    def spy(path: Any, *args: Any, **kwargs: Any) -> Any:
        looked.append(os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", spy)
    monkeypatch.setattr(os, "lstat", lambda p, *a, **k: spy(p, *a, follow_symlinks=False, **k))
    CaseWriter(closed_case).close()
    assert not [p for p in looked if p.startswith(str(outside))]


def test_a_linked_staging_folder_is_not_emptied(closed_case: Path, tmp_path: Path) -> None:
    """`.staging -> ~/Documents` must not make recovery delete the files it finds there."""
    documents = tmp_path / "Documents"
    (documents / "letters").mkdir(parents=True)
    (documents / "letters" / "will.txt").write_text("precious")
    staging = closed_case / ".staging"
    for child in staging.iterdir():
        child.rmdir()
    staging.rmdir()
    staging.symlink_to(documents, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="link"), CaseWriter(closed_case) as writer:
        writer.add_note("x")
    assert (documents / "letters" / "will.txt").read_text() == "precious"


@pytest.mark.parametrize("name", [".lock", LOG_NAME])
def test_a_linked_lock_or_log_is_never_written_through(
    closed_case: Path, tmp_path: Path, name: str
) -> None:
    target = tmp_path / "home" / ".bashrc"
    target.parent.mkdir()
    planted = closed_case / name
    if name == LOG_NAME:
        target.write_bytes(planted.read_bytes())  # the log, moved out and linked back
    before = target.read_bytes() if target.exists() else None
    planted.unlink()
    planted.symlink_to(target)
    with pytest.raises(UnsafePathError, match="link"), CaseWriter(closed_case) as writer:
        writer.add_note("appended where?")
    assert (target.read_bytes() if target.exists() else None) == before


# -- verify walks the folder without following anything ---------------------------------------


def without_hanging(call: Callable[[], Any], folder: Path, timeout: float = 30) -> Any:
    """call() in a thread; if it hangs (on a FIFO), unblock it and fail the test."""
    from concurrent.futures import ThreadPoolExecutor
    from concurrent.futures import TimeoutError as Timeout

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(call)
        try:
            return future.result(timeout=timeout)
        except Timeout:
            for path in folder.rglob("*"):
                if path.is_fifo():  # a writer that closes at once gives the reader its EOF
                    with contextlib.suppress(OSError):
                        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            pytest.fail("it hung reading a FIFO")


def kinds(folder: Path) -> set[tuple[str, str]]:
    """(kind, where) of every finding, from verify run in a thread that must not hang."""
    report = without_hanging(lambda: verify_case(folder), folder)
    return {(problem.kind, problem.where) for problem in report.problems}


def original_of(folder: Path) -> Path:
    (path,) = (folder / "originals").iterdir()
    return path


def move_out_and_link(path: Path, outside: Path) -> None:
    """Replace `path` by a link to an identical copy elsewhere: every hash still matches."""
    outside.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o755)
    path.rename(outside)
    path.symlink_to(outside, target_is_directory=outside.is_dir())


@pytest.mark.parametrize(
    "planted",
    ["originals/ONE", "originals", "case.json", "log.jsonl", ".staging", "derived/etc"],
)
def test_verify_names_every_link_and_follows_none(
    closed_case: Path, tmp_path: Path, planted: str
) -> None:
    assert kinds(closed_case) == set()
    outside = tmp_path / "elsewhere" / "target"
    if planted == "derived/etc":
        outside.mkdir(parents=True)
        (outside / "passwd").write_text("root:x:0:0")
        (closed_case / "derived" / "etc").symlink_to(outside, target_is_directory=True)
    else:
        name = original_of(closed_case).relative_to(closed_case).as_posix()
        move_out_and_link(closed_case / planted.replace("originals/ONE", name), outside)
        planted = planted.replace("originals/ONE", name)
    if planted == "case.json":  # the copy it leads to says something else: it is not read
        outside.write_bytes(outside.read_bytes().replace(b'"hostile"', b'"forged title"'))
    report = without_hanging(lambda: verify_case(closed_case), closed_case)
    found = {(problem.kind, problem.where) for problem in report.problems}
    assert ("symlink", planted) in found
    assert "forged" not in report.title
    if planted.startswith("originals"):
        # The logged original is not taken from wherever the link leads, although it matches.
        assert any(kind == "bad_path" for kind, _ in found)


def test_verify_names_fifos_and_never_hangs_on_them(closed_case: Path) -> None:
    name = original_of(closed_case).relative_to(closed_case).as_posix()
    os.chmod(closed_case / "originals", 0o755)
    (closed_case / name).unlink()
    os.mkfifo(closed_case / name)  # a logged original replaced by a FIFO
    os.mkfifo(closed_case / "derived" / "pipe")
    session = closed_case / ".staging" / "0123456789abcdef"
    session.mkdir(parents=True)
    os.mkfifo(session / "staged.png")
    import socket

    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(closed_case / "exports" / "s"))  # a socket: never opened either
        found = kinds(closed_case)
    assert {
        ("special_file", name),
        ("special_file", "derived/pipe"),
        ("special_file", ".staging/0123456789abcdef/staged.png"),
        ("special_file", "exports/s"),
        ("missing_file", name),
    } <= found


def test_verify_names_a_writable_original(closed_case: Path) -> None:
    path = original_of(closed_case)
    os.chmod(path, 0o644)
    assert kinds(closed_case) == {("writable_original", path.relative_to(closed_case).as_posix())}


def test_verify_names_files_no_event_names_outside_originals(closed_case: Path) -> None:
    for relative in ("notes.txt", "derived/000099-analysis-x.png", "exports/report-en.pdf"):
        (closed_case / relative).write_bytes(b"not evidence")
    # Caches the program makes again, and the lock, are not evidence and not findings ...
    (closed_case / "derived" / "cache" / "thumbs").mkdir(parents=True)
    (closed_case / "derived" / "cache" / "thumbs" / "x-192.jpg").write_bytes(b"jpeg")
    (closed_case / "exports" / ".DS_Store").write_bytes(b"finder")
    # ... but a link inside a cache is.
    (closed_case / "derived" / "cache" / "thumbs" / "y-192.jpg").symlink_to("/etc/hostname")
    assert kinds(closed_case) == {
        ("unreferenced_file", "notes.txt"),
        ("unreferenced_file", "derived/000099-analysis-x.png"),
        ("unreferenced_file", "exports/report-en.pdf"),
        ("symlink", "derived/cache/thumbs/y-192.jpg"),
    }


# -- the report embeds nothing from outside the case ------------------------------------------

MAGENTA = (255, 0, 255)


def secret_png() -> bytes:
    """An image no case holds: solid magenta, easy to find in any page."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), MAGENTA).save(buffer, format="PNG")
    return buffer.getvalue()


def magenta_images(pdf: Path, work: Path) -> int:
    """How many images embedded in the PDF are mostly magenta (pdfimages, read back)."""
    import subprocess

    import numpy as np
    from PIL import Image

    subprocess.run(["pdfimages", "-png", str(pdf), str(work / "img")], check=True)
    count = 0
    for path in work.glob("img-*.png"):
        with Image.open(path) as image:
            pixels = np.asarray(image.convert("RGB").resize((16, 16)), dtype=int)
        distance = np.abs(pixels - np.array(MAGENTA)).sum(axis=2)
        count += int((distance < 60).mean() > 0.5)
    return count


@pytest.mark.parametrize("how", ["climbing", "absolute", "linked", "linked_overlay"])
def test_the_report_never_embeds_a_file_from_outside_the_case(
    closed_case: Path, tmp_path: Path, how: str
) -> None:
    from desktop.core.export.pdf import build_report

    secret = tmp_path / "cases" / "secret.png"
    secret.write_bytes(secret_png())
    payload = secret.read_bytes()
    linked = "originals/000099-linked.png"
    named = {
        "climbing": "../secret.png",
        "absolute": str(secret),
        "linked": linked,
        "linked_overlay": "derived/000099-analysis-x.png",
    }[how]
    if how.startswith("linked"):
        os.chmod(closed_case / "originals", 0o755)
        (closed_case / named).symlink_to(secret)
    if how == "linked_overlay":
        (import_event,) = events_of(closed_case, "import")
        add_forged(
            closed_case,
            "analysis",
            {"capture": import_event.seq, "files": [file_entry(named, payload)], "result": {}},
        )
    else:
        add_forged(
            closed_case, "import", {"file": file_entry(named, payload), "source": {"name": "x"}}
        )
    work = tmp_path / "work"
    work.mkdir()
    result = build_report(closed_case, work / "report.pdf")
    assert magenta_images(result.path, work) == 0
    import subprocess

    text = subprocess.run(["pdftotext", str(result.path), "-"], capture_output=True, text=True)
    if how != "linked_overlay":
        assert "The image is not shown" in text.stdout


def test_the_report_neither_hangs_on_a_fifo_nor_writes_through_a_linked_cache(
    closed_case: Path, tmp_path: Path
) -> None:
    from desktop.core.export.pdf import build_report

    original = original_of(closed_case)
    os.chmod(closed_case / "originals", 0o755)
    original.unlink()
    os.mkfifo(original)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (closed_case / "derived" / "cache").symlink_to(elsewhere, target_is_directory=True)
    work = tmp_path / "work"
    work.mkdir()
    result = without_hanging(lambda: build_report(closed_case, work / "r.pdf"), closed_case)
    assert result.pages > 0
    assert list(elsewhere.iterdir()) == []


# -- every other reader of a logged path -------------------------------------------------------


def forge_outside_capture(folder: Path, how: str) -> int:
    """A re-chained import naming an image beside the case (climbing out or via a link)."""
    secret = folder.parent / "secret.png"
    secret.write_bytes(secret_png())
    named = "../secret.png"
    if how == "linked":
        named = "originals/000099-linked.png"
        os.chmod(folder / "originals", 0o755)
        (folder / named).symlink_to(secret)
    add_forged(folder, "import", {"file": file_entry(named, secret.read_bytes()), "source": {}})
    return scan_log(folder / LOG_NAME).events[-1].seq


@pytest.mark.parametrize("how", ["climbing", "linked"])
def test_measuring_and_redacting_never_read_a_file_outside_the_case(
    closed_case: Path, tmp_path: Path, how: str
) -> None:
    from desktop.core.analysis.image import AnalysisInputError
    from desktop.core.analysis.record import analyze_capture
    from desktop.core.edit.redact import Edit, edit_capture

    seq = forge_outside_capture(closed_case, how)
    before = sorted((closed_case / "derived").iterdir())
    with CaseWriter(closed_case) as writer:
        with pytest.raises(AnalysisInputError, match=r"outside|link"):
            analyze_capture(writer, seq, None)
        with pytest.raises(AnalysisInputError, match=r"outside|link"):
            edit_capture(writer, seq, [Edit("redact", 0, 0, 10, 10)], "phone number")
    assert sorted((closed_case / "derived").iterdir()) == before


def test_a_timestamp_token_that_is_a_fifo_or_a_link_is_not_read(
    closed_case: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "token.tsr"
    outside.write_bytes(b"0\x03\x02\x01\x00")
    (closed_case / "derived" / "linked.tsr").symlink_to(outside)
    os.mkfifo(closed_case / "derived" / "fifo.tsr")
    last = scan_log(closed_case / LOG_NAME).events[-1]
    for name in ("linked.tsr", "fifo.tsr"):
        entry = {**file_entry(f"derived/{name}", outside.read_bytes()), "kind": TOKEN_KIND}
        add_forged(
            closed_case,
            "timestamp",
            {"files": [entry], "covers_seq": last.seq, "covers_hash": last.hash},
        )
    found = kinds(closed_case)
    invalid = [where for kind, where in found if kind == "timestamp_invalid"]
    assert len(invalid) == 2
    report = without_hanging(lambda: verify_case(closed_case), closed_case)
    messages = [p.message for p in report.problems if p.kind == "timestamp_invalid"]
    assert all("missing or differs" in message for message in messages)


def test_export_stops_at_a_link_in_the_case(closed_case: Path, tmp_path: Path) -> None:
    from desktop.core.export.bundle import BundleError, export_bundle

    original = original_of(closed_case)
    move_out_and_link(original, tmp_path / "elsewhere" / original.name)  # the hash still matches
    with CaseWriter(closed_case) as writer, pytest.raises(BundleError, match="link"):
        export_bundle(writer, tmp_path / "bundle.zip")
    assert not (tmp_path / "bundle.zip").exists()


@pytest.mark.parametrize("step", ["analysis", "redaction"])
def test_no_derived_file_stays_when_logging_it_fails(
    closed_case: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    from desktop.core.analysis.record import analyze_capture
    from desktop.core.edit.redact import Edit, edit_capture
    from desktop.core.errors import DiskFullError

    (import_event,) = events_of(closed_case, "import")
    before = sorted((closed_case / "derived").iterdir())
    with CaseWriter(closed_case) as writer:

        def disk_full(*_args: Any) -> None:
            raise DiskFullError("The disk is full.")

        monkeypatch.setattr(writer.log, "_write", disk_full)
        with pytest.raises(DiskFullError):
            if step == "analysis":
                analyze_capture(writer, import_event.seq, None)
            else:
                edit = Edit("redact", 0, 0, 10, 10)
                edit_capture(writer, import_event.seq, [edit], "phone number")
    assert sorted((closed_case / "derived").iterdir()) == before
    assert kinds(closed_case) == set()


@pytest.mark.parametrize("how", ["climbing", "linked", "fifo"])
def test_the_window_never_shows_or_thumbnails_a_file_outside_the_case(
    closed_case: Path, tmp_path: Path, how: str
) -> None:
    pytest.importorskip("PySide6")
    from desktop.app.controller import _viewable
    from desktop.app.session import timeline_items
    from desktop.app.thumbnails import make_thumbnail

    if how == "fifo":
        original = original_of(closed_case)
        os.chmod(closed_case / "originals", 0o755)
        original.unlink()
        os.mkfifo(original)
        (event,) = events_of(closed_case, "import")
    else:
        forge_outside_capture(closed_case, how)
        event = scan_log(closed_case / LOG_NAME).events[-1]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (closed_case / "derived" / "cache").symlink_to(elsewhere, target_is_directory=True)
    named = event.data["file"]["path"]

    (item,) = timeline_items([event], closed_case, set(), set())
    assert item.image_path is None
    assert _viewable(closed_case, named) is None
    thumbnail = without_hanging(
        lambda: make_thumbnail(closed_case / named, closed_case), closed_case, timeout=10
    )
    assert thumbnail is None
    assert list(elsewhere.iterdir()) == []


def test_a_planted_owner_link_neither_writes_outside_nor_stops_the_case(
    closed_case: Path, tmp_path: Path
) -> None:
    target = tmp_path / "home" / ".config" / "autostart" / "owned.desktop"
    target.parent.mkdir(parents=True)
    session = closed_case / ".staging" / "0123456789abcdef"
    session.mkdir(parents=True)
    (session / ".owner").symlink_to(target)
    with CaseWriter(closed_case) as writer:
        writer.add_note("still works")
    assert not target.exists()
    assert len(events_of(closed_case, "note")) == 1


def test_a_linked_exports_folder_does_not_take_reports_or_bundles_out(
    closed_case: Path, tmp_path: Path
) -> None:
    from desktop.core.export.bundle import export_bundle
    from desktop.core.export.pdf import build_report

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    exports = closed_case / "exports"
    exports.rmdir()
    exports.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="link"):
        build_report(closed_case)  # the default place: exports/
    with CaseWriter(closed_case) as writer, pytest.raises(UnsafePathError, match="link"):
        export_bundle(writer, exports / "bundle.zip")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("how", ["climbing", "linked"])
def test_the_script_in_verify_txt_reads_nothing_outside_the_bundle(
    closed_case: Path, tmp_path: Path, how: str
) -> None:
    import subprocess
    import sys
    import zipfile

    from desktop.core.export.bundle import SCRIPT_END, SCRIPT_START, export_bundle

    with CaseWriter(closed_case) as writer:
        export_bundle(writer, tmp_path / "bundle.zip")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(tmp_path / "bundle.zip") as archive:
        archive.extractall(unpacked)
    (folder,) = unpacked.iterdir()
    forge_outside_capture(folder, how)  # its hash matches the file outside
    text = (folder / "VERIFY.txt").read_text(encoding="utf-8")
    script = text.split(SCRIPT_START)[1].split(SCRIPT_END)[0]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "outside" in done.stderr or "a link" in done.stderr


def test_a_copy_planted_in_the_report_cache_is_not_shown_as_the_original(
    closed_case: Path, tmp_path: Path
) -> None:
    """derived/cache/ is not evidence, so verify passes it; the report must not trust it either."""
    import io

    from PIL import Image

    from desktop.core.export.pdf import build_report

    (import_event,) = events_of(closed_case, "import")
    digest = import_event.data["file"]["sha256"]
    cache = closed_case / "derived" / "cache" / "jpeg"
    cache.mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), MAGENTA).save(buffer, format="JPEG")
    (cache / f"{digest}-1600.jpg").write_bytes(buffer.getvalue())  # the name a copy had
    assert kinds(closed_case) == set()
    work = tmp_path / "work"
    work.mkdir()
    result = build_report(closed_case, work / "r.pdf")
    assert magenta_images(result.path, work) == 0


def test_the_report_cache_probe_never_truncates_a_file_outside(
    closed_case: Path, tmp_path: Path
) -> None:
    from desktop.core.export.pdf import build_report

    bashrc = tmp_path / "home" / ".bashrc"
    bashrc.parent.mkdir()
    bashrc.write_text("export PATH=$HOME/bin:$PATH\n")
    cache = closed_case / "derived" / "cache" / "jpeg"
    cache.mkdir(parents=True)
    (cache / ".probe").symlink_to(bashrc)
    work = tmp_path / "work"
    work.mkdir()
    build_report(closed_case, work / "r.pdf")
    assert bashrc.read_text() == "export PATH=$HOME/bin:$PATH\n"


def test_a_link_planted_as_the_reports_partial_file_is_not_written_through(
    closed_case: Path, tmp_path: Path
) -> None:
    from desktop.core.export.pdf import build_report, partial_path

    victim = tmp_path / "home" / "thesis.odt"
    victim.parent.mkdir()
    victim.write_bytes(b"years of work")
    out = closed_case / "exports" / "report.pdf"
    partial_path(out, os.getpid()).symlink_to(victim)
    build_report(closed_case, out)
    assert victim.read_bytes() == b"years of work"
    assert out.read_bytes().startswith(b"%PDF")
