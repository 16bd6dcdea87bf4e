"""Everything in a bundle is bound to its log: reports, redactions, and the sizes it unpacks to."""

from __future__ import annotations

import bz2
import contextlib
import errno
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.core.demo import build_demo_case
from desktop.core.edit.redact import Edit, edit_capture
from desktop.core.errors import DiskFullError
from desktop.core.export import bundle
from desktop.core.export.bundle import (
    SCRIPT_END,
    SCRIPT_START,
    BundleError,
    export_bundle,
    verify_bundle,
    write_bundle,
)
from desktop.core.proof.verify import verify_case
from desktop.core.store.case import CaseWriter
from desktop.core.store.durable import write_new_file
from desktop.core.store.log import LOG_NAME, scan_log
from tests.core.test_bundle import FAKE_PDF, TOP, build_case

TAGS = {"VERIFY.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"}
MIB = 1024**2


def run(*args: str | Path | int) -> subprocess.CompletedProcess[str]:
    """The command line in a process of its own, as a person runs it."""
    return subprocess.run(
        [sys.executable, "-m", "desktop", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        env={**os.environ, "EVIDENCE_RECORDER_LANG": "en"},
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def read_members(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rebag(files: dict[str, bytes]) -> dict[str, bytes]:
    """What a careful forger does: recompute both manifests and bag-info.txt to match."""
    payload = sorted(
        name.split("/", 1)[1]
        for name in files
        if name.split("/", 1)[1] not in TAGS and not name.endswith("withheld-sha256.txt")
    )

    def manifest(listed: list[str]) -> bytes:
        return "".join(
            f"{hashlib.sha256(files[f'{TOP}/{name}']).hexdigest()}  {name}\n" for name in listed
        ).encode()

    files = dict(files)
    files[f"{TOP}/manifest-sha256.txt"] = manifest(payload)
    oxum = f"{sum(len(files[f'{TOP}/{name}']) for name in payload)}.{len(payload)}"
    bag = files[f"{TOP}/bag-info.txt"].decode().splitlines(keepends=True)
    bag = [f"Payload-Oxum: {oxum}\n" if line.startswith("Payload-Oxum:") else line for line in bag]
    files[f"{TOP}/bag-info.txt"] = "".join(bag).encode()
    files[f"{TOP}/tagmanifest-sha256.txt"] = manifest(["VERIFY.txt", "bag-info.txt"])
    files[f"{TOP}/tagmanifest-sha256.txt"] += manifest(["manifest-sha256.txt"])
    return files


def zip_files(files: dict[str, bytes], target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, CaseWriter, Path]:
    """A case, a report written outside it, and the bundle `export --report` made of both."""
    writer = build_case(tmp_path)
    report = tmp_path / "elsewhere" / "complaint report.pdf"
    report.parent.mkdir()
    report.write_bytes(FAKE_PDF)
    result = export_bundle(writer, tmp_path / "bundle.zip", report_pdf=report)
    return result.path, writer, report


# -- a report added from outside the case is named by the log ----------------------------------


def test_a_swapped_report_fails_even_with_every_manifest_recomputed(
    exported: tuple[Path, CaseWriter, Path], tmp_path: Path
) -> None:
    bundle, _writer, _report = exported
    assert verify_bundle(bundle).ok
    name = f"{TOP}/exports/complaint report.pdf"
    files = read_members(bundle)
    swapped = bytearray(files[name])
    swapped[10] ^= 0x01  # another PDF of the same size: "accepted the offer" for "refused"
    files[name] = bytes(swapped)
    tampered = zip_files(rebag(files), tmp_path / "swapped.zip")
    # The manifests agree with the swapped file, so only the log can tell.
    unzipped = tmp_path / "unzipped"
    with zipfile.ZipFile(tampered) as archive:
        archive.extractall(unzipped)
    if shutil.which("sha256sum"):
        for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
            summed = subprocess.run(["sha256sum", "-c", manifest], cwd=unzipped / TOP, check=False)
            assert summed.returncode == 0
    report = verify_bundle(tampered)
    assert [(p.kind, p.where) for p in report.problems] == [("file_changed", name)]
    done = run("verify", tampered)
    assert done.returncode == 1 and "exports/complaint report.pdf" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_member_no_event_names_fails_even_with_every_manifest_recomputed(
    exported: tuple[Path, CaseWriter, Path], tmp_path: Path
) -> None:
    bundle, _writer, _report = exported
    files = read_members(bundle)
    files[f"{TOP}/exports/settlement offer.pdf"] = FAKE_PDF + b"planted"
    files[f"{TOP}/derived/extra.png"] = b"\x89PNG planted"
    report = verify_bundle(zip_files(rebag(files), tmp_path / "planted.zip"))
    assert {(p.kind, p.where) for p in report.problems} == {
        ("unreferenced_file", f"{TOP}/exports/settlement offer.pdf"),
        ("unreferenced_file", f"{TOP}/derived/extra.png"),
    }


def test_export_report_logs_the_pdf_with_its_sha256_before_the_bundle(
    exported: tuple[Path, CaseWriter, Path], tmp_path: Path
) -> None:
    bundle, writer, report = exported
    events = scan_log(writer.folder / LOG_NAME).events
    attached, made = events[-2], events[-1]
    digest = hashlib.sha256(FAKE_PDF).hexdigest()
    assert attached.type == "export" and attached.data["kind"] == "report"
    assert attached.data["files"] == [
        {"path": "exports/complaint report.pdf", "sha256": digest, "size": len(FAKE_PDF)}
        | {"kind": "report"}
    ]
    assert attached.data["copied_from"] == "complaint report.pdf"
    assert attached.data["location"] == "outside the case"
    assert made.data["kind"] == "bundle" and made.data["report"] == "exports/complaint report.pdf"
    # The bundle holds the log up to the line before its own export event: the report's is in.
    bundled_log = read_members(bundle)[f"{TOP}/{LOG_NAME}"]
    assert json.loads(bundled_log.splitlines()[-1])["hash"] == attached.hash
    assert bundled_log.count(b"\n") == made.seq == attached.seq + 1
    # The case keeps the copy it handed out, and still verifies.
    assert (writer.folder / "exports" / "complaint report.pdf").read_bytes() == FAKE_PDF
    assert verify_case(writer.folder).ok
    # No path of the person's machine went into the evidence.
    log_text = (writer.folder / LOG_NAME).read_text("utf-8")
    assert str(report.parent) not in log_text and str(tmp_path) not in log_text
    # The same report again adds no second event; the same case state gives the same bytes.
    again = export_bundle(writer, tmp_path / "again.zip", report_pdf=report)
    assert again.event is not None and again.event.seq == made.seq + 1
    first = write_bundle(writer, tmp_path / "one.zip")
    second = write_bundle(writer, tmp_path / "two.zip")
    assert first.sha256 == second.sha256


def test_a_full_disk_while_logging_the_report_leaves_no_copy_and_no_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = build_case(tmp_path)
    report = tmp_path / "complaint report.pdf"
    report.write_bytes(FAKE_PDF)
    log_before = (writer.folder / LOG_NAME).read_bytes()
    real_write = os.write
    copied: list[Path] = []

    def new_file(path: Path, data: bytes, **options: Any) -> None:
        write_new_file(path, data, **options)
        copied.append(path)  # the copy is on disk; now the disk is full

    def write(fd: int, data: Any) -> int:
        if copied and fd > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(bundle, "write_new_file", new_file)
    monkeypatch.setattr(os, "write", write)
    with pytest.raises(DiskFullError):
        export_bundle(writer, tmp_path / "bundle.zip", report_pdf=report)
    monkeypatch.undo()
    assert copied and not copied[0].exists(), "a copy no event names would be a stray"
    assert (writer.folder / LOG_NAME).read_bytes() == log_before
    assert not (tmp_path / "bundle.zip").exists()
    assert verify_case(writer.folder).ok


def test_report_and_export_from_the_terminal_log_no_absolute_path(tmp_path: Path) -> None:
    case = tmp_path / "case"
    assert run("case", "new", case, "--title", "t", "--service", "s").returncode == 0
    outside = tmp_path / "private folder of the complainant"
    outside.mkdir()
    done = run("report", case, "--out", outside / "report.pdf", "--lang", "en")
    assert done.returncode == 0, done.stderr
    done = run("export", case, "--out", outside / "bundle.zip", "--report", outside / "report.pdf")
    assert done.returncode == 0, done.stderr
    log_text = (case / LOG_NAME).read_text("utf-8")
    assert str(outside) not in log_text and "private folder" not in log_text
    events = [json.loads(line) for line in log_text.splitlines()]
    made = [e["data"] for e in events if e["type"] == "export"]
    assert [(d["kind"], d["path"], d.get("location")) for d in made] == [
        ("report", "report.pdf", "outside the case"),
        ("report", "exports/report.pdf", "outside the case"),
        ("bundle", "bundle.zip", "outside the case"),
    ]
    assert made[0]["sha256"] == made[1]["sha256"] == made[1]["files"][0]["sha256"]
    assert run("verify", outside / "bundle.zip").returncode == 0
    assert run("verify", case).returncode == 0


def test_a_changed_bundle_in_exports_is_named_by_verify(tmp_path: Path) -> None:
    """The log names each bundle it wrote with its SHA-256; one in the case is checked too."""
    writer = build_case(tmp_path)
    inside = writer.folder / "exports" / "bundle.zip"
    export_bundle(writer, inside)
    export_bundle(writer, inside, overwrite=True)  # written again: its last event counts
    assert verify_case(writer.folder).ok
    data = inside.read_bytes()
    inside.write_bytes(data[:-1] + bytes([data[-1] ^ 0x01]))
    report = verify_case(writer.folder)
    assert [(p.kind, p.where) for p in report.problems] == [("file_changed", "exports/bundle.zip")]
    done = run("verify", writer.folder)
    assert done.returncode == 1 and "exports/bundle.zip" in done.stdout
    inside.unlink()  # handed over and deleted: no problem
    assert verify_case(writer.folder).ok


# -- a report made before a redaction is withheld ---------------------------------------------


def test_a_report_made_before_a_redaction_is_withheld_from_the_bundle(tmp_path: Path) -> None:
    case = tmp_path / "demo"
    build_demo_case(case)
    old = tmp_path / "old.pdf"
    assert run("report", case, "--out", old, "--lang", "en").returncode == 0
    events = scan_log(case / LOG_NAME).events
    seq = next(e.seq for e in events if e.type == "import")
    done = run("redact", case, "--capture", seq, "--rect", "0,0,200,120", "--reason", "phone")
    assert done.returncode == 0, done.stderr
    bundle = tmp_path / "bundle.zip"
    done = run("export", case, "--out", bundle, "--report", old)
    assert done.returncode == 0, done.stderr

    old_bytes = old.read_bytes()
    digest = hashlib.sha256(old_bytes).hexdigest()
    files = read_members(bundle)
    assert "demo/exports/old.pdf" not in files
    assert not any(data == old_bytes for data in files.values()), "the old PDF is nowhere"
    assert "Left out of the bundle because it shows redacted pixels: exports/old.pdf" in done.stdout
    withheld = files["demo/withheld-sha256.txt"].decode("utf-8").splitlines()
    at = withheld.index(f"{digest}  exports/old.pdf")
    assert (
        withheld[at - 1].startswith("# ") and "before the redaction at event #" in withheld[at - 1]
    )
    checked = run("verify", bundle)
    assert checked.returncode == 0, checked.stdout
    assert "Left out on purpose" in checked.stdout and "exports/old.pdf" in checked.stdout
    assert "exports/old.pdf" in json.loads(run("verify", bundle, "--json").stdout)["withheld"]

    # The checks a third party runs without the program still work on the unzipped bundle.
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "unzipped")
    folder = tmp_path / "unzipped" / "demo"
    if shutil.which("sha256sum"):
        for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
            summed = subprocess.run(["sha256sum", "-c", "--strict", manifest], cwd=folder)
            assert summed.returncode == 0
    text = (folder / "VERIFY.txt").read_text("utf-8")
    assert "withheld-sha256.txt" in text and "starting with #" in text
    script = text.split(SCRIPT_START)[1].split(SCRIPT_END)[0]
    script_run = subprocess.run([sys.executable, "-c", script], cwd=folder, capture_output=True)
    assert script_run.returncode == 0, script_run.stderr

    # A report made after the redaction ships.
    new = case / "exports" / "new.pdf"
    assert run("report", case, "--out", new, "--lang", "en").returncode == 0
    done = run("export", case, "--out", tmp_path / "later.zip", "--report", new)
    assert done.returncode == 0, done.stderr
    later = read_members(tmp_path / "later.zip")
    assert later["demo/exports/new.pdf"] == new.read_bytes()
    assert "demo/exports/old.pdf" not in later
    assert run("verify", tmp_path / "later.zip").returncode == 0


def test_a_report_the_log_never_recorded_is_withheld_once_the_case_has_a_redaction(
    tmp_path: Path,
) -> None:
    """Nothing says which redactions a PDF of unknown making applies: it is left out."""
    writer = build_case(tmp_path)
    seq = next(e.seq for e in scan_log(writer.folder / LOG_NAME).events if e.type == "import")
    edit_capture(writer, seq, [Edit("redact", 0, 0, 20, 20)], "phone number")
    stranger = tmp_path / "made elsewhere.pdf"
    stranger.write_bytes(FAKE_PDF + b"of unknown making")
    result = export_bundle(writer, tmp_path / "bundle.zip", report_pdf=stranger)
    assert "before the redaction" in result.withheld["exports/made elsewhere.pdf"]
    files = read_members(result.path)
    assert f"{TOP}/exports/made elsewhere.pdf" not in files
    assert stranger.read_bytes() not in files.values()
    report = verify_bundle(result.path)
    assert report.ok, report.problems
    assert "exports/made elsewhere.pdf" in report.withheld


# -- ZIP bombs are refused cheaply ------------------------------------------------------------


def raw_zip(target: Path, entries: list[tuple[str, int, bytes, int, int]]) -> Path:
    """A ZIP written by hand: (name, method, compressed bytes, CRC-32, size the header claims)."""
    body = bytearray()
    central = bytearray()
    for name, method, data, crc, size in entries:
        encoded = name.encode("utf-8")
        offset = len(body)
        fixed = (46 if method == zipfile.ZIP_BZIP2 else 20, 0x800, method, 0, 0x21)
        body += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, *fixed, crc, len(data), size, len(encoded), 0
        )
        body += encoded + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            0x0314,
            *fixed,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0o100644 << 16,
            offset,
        )
        central += encoded
    count = len(entries)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(body), 0)
    target.write_bytes(bytes(body + central + end))
    return target


def stored(files: dict[str, bytes]) -> list[tuple[str, int, bytes, int, int]]:
    return [(n, zipfile.ZIP_STORED, d, zlib.crc32(d), len(d)) for n, d in files.items()]


ZEROS_16M_BZ2 = bz2.compress(b"\0" * (16 * MIB))  # 45 bytes
ZEROS_16M_CRC = zlib.crc32(b"\0" * (16 * MIB))


def deflated_zeros(chunks: int) -> tuple[bytes, int]:
    """A raw deflate stream of `chunks` x 16 MiB of zeros, built in milliseconds, and its CRC."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(b"\0" * (16 * MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    block = b"\0" * (16 * MIB)
    for _ in range(chunks):
        crc = zlib.crc32(block, crc)
    return piece * chunks + b"\x03\x00", crc


@contextlib.contextmanager
def peak_bytes(folder: Path) -> Iterator[list[int]]:
    """The largest number of bytes seen in `folder` while the block runs (sampled every 5 ms)."""
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            total = 0
            for base, _dirs, names in os.walk(folder):
                for name in names:
                    with contextlib.suppress(OSError):
                        total += os.lstat(os.path.join(base, name)).st_size
            peak[0] = max(peak[0], total)
            stop.wait(0.005)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("names", ["unlogged", "logged"])
def test_a_bzip2_bomb_is_refused_within_a_few_megabytes(
    exported: tuple[Path, CaseWriter, Path], tmp_path: Path, names: str
) -> None:
    """200 members of 16 MiB of zeros: ~43 KB of bzip2 that used to write 3.2 GB to the temp folder.

    Each is under the old per-member ratio floor. Under new names, no event names them; under
    the name of an original, the first copy gives more than the log records for it.
    """
    bundle, _writer, _report = exported
    files = read_members(bundle)
    original = next(name for name in files if "/originals/" in name)
    bombs = [
        (
            f"{TOP}/exports/pad-{index:03d}.bin" if names == "unlogged" else original,
            zipfile.ZIP_BZIP2,
            ZEROS_16M_BZ2,
            ZEROS_16M_CRC,
            16 * MIB,
        )
        for index in range(200)
    ]
    if names == "logged":
        files.pop(original)
    bomb = raw_zip(tmp_path / "bomb.zip", [*bombs, *stored(files)])
    assert bomb.stat().st_size - bundle.stat().st_size < 60_000  # the bombs: tens of KB
    work = tmp_path / "work"
    work.mkdir()
    start = time.monotonic()
    with peak_bytes(work) as peak:
        report = verify_bundle(bomb, work_dir=work)
    elapsed = time.monotonic() - start
    assert peak[0] < 4 * MIB, f"{peak[0]:,} bytes written"
    assert elapsed < 20, f"{elapsed:.1f} s"
    assert not list(work.iterdir()), "what was written is removed"
    found = {(p.kind, p.where) for p in report.problems}
    if names == "unlogged":
        assert ("unreferenced_file", f"{TOP}/exports/pad-000.bin") in found
    else:
        assert ("file_changed", original) in found and ("duplicate_member", original) in found


def test_a_bomb_in_the_log_is_refused_at_its_first_excess(
    exported: tuple[Path, CaseWriter, Path], tmp_path: Path
) -> None:
    bundle, _writer, _report = exported
    files = read_members(bundle)
    files.pop(f"{TOP}/{LOG_NAME}")
    entry = (f"{TOP}/{LOG_NAME}", zipfile.ZIP_BZIP2, ZEROS_16M_BZ2, ZEROS_16M_CRC, 16 * MIB)
    bomb = raw_zip(tmp_path / "log-bomb.zip", [entry, *stored(files)])
    work = tmp_path / "work"
    work.mkdir()
    with peak_bytes(work) as peak, pytest.raises(BundleError, match="ZIP bomb"):
        verify_bundle(bomb, work_dir=work)
    assert peak[0] < 2 * MIB, f"{peak[0]:,} bytes written"
    assert not list(work.iterdir())
    done = run("verify", bomb)
    assert done.returncode != 0 and "ZIP bomb" in done.stderr and "Traceback" not in done.stderr


def test_a_member_whose_header_size_lies_is_read_no_further_than_it_claims(
    exported: tuple[Path, CaseWriter, Path], tmp_path: Path
) -> None:
    """The header says 10 bytes; the stream gives 1 GiB."""
    bundle, _writer, _report = exported
    files = read_members(bundle)
    original = next(name for name in files if "/originals/" in name)
    files.pop(original)
    data, crc = deflated_zeros(64)
    entry = (original, zipfile.ZIP_DEFLATED, data, crc, 10)
    bomb = raw_zip(tmp_path / "liar.zip", [entry, *stored(files)])
    work = tmp_path / "work"
    work.mkdir()
    start = time.monotonic()
    with peak_bytes(work) as peak:
        report = verify_bundle(bomb, work_dir=work)
    assert time.monotonic() - start < 10
    assert peak[0] < 4 * MIB
    assert original in {p.where for p in report.problems} and not report.ok
