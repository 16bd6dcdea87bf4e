"""The evidence bundle: checked by itself and by sha256sum; same case, same bytes; changes named."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from desktop.core.errors import DiskFullError, ReadOnlyCaseError, UsageError
from desktop.core.export import bundle
from desktop.core.export.bundle import (
    SCRIPT_END,
    SCRIPT_START,
    BundleError,
    export_bundle,
    verify_bundle,
    write_bundle,
)
from desktop.core.ingest.images import import_files
from desktop.core.store.case import CaseWriter, create_case
from desktop.core.store.durable import write_new_file
from desktop.core.store.log import LOG_NAME, scan_log
from tests.conftest import image_bytes

TOP = "投诉案例"  # the case folder's name, and the bundle's top folder
FAKE_PDF = b"%PDF-1.4\n% a stand-in for the report\n%%EOF\n"


def need(program: str) -> None:
    if shutil.which(program) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is not installed")
        pytest.skip(f"{program} is not installed")


def add_named_file(writer: CaseWriter, relative: str, data: bytes, event_type: str) -> None:
    """A derived image or a report the log names, as the analysis and report code make them."""
    write_new_file(writer.folder / relative, data)
    entry = {"path": relative, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    payload: dict[str, Any] = (
        {"files": [{**entry, "kind": "report"}], "kind": "report"}
        if event_type == "export"
        else {"file": entry, "of": 2}
    )
    with writer.transaction() as tx:
        tx.add(event_type, payload, writer.state.active_journey)


def build_case(root: Path) -> CaseWriter:
    writer = create_case(root / TOP, title="降级手机套餐 Downgrading my plan", service="示例移动")
    inbox = root / "inbox"
    inbox.mkdir()
    shots = []
    for index in range(3):
        path = inbox / f"屏幕截图 2024-11-05 10111{index}.png"
        path.write_bytes(image_bytes(seed=index))
        shots.append(path)
    writer.start_journey("upgrade")
    result = import_files(writer, shots[:2])
    assert not result.failures
    writer.add_note("升级只要两步。", capture=result.events[0].seq)
    writer.start_journey("downgrade")
    assert not import_files(writer, shots[2:]).failures
    writer.add_note("客服说要 48 小时。", dead_end=True)
    add_named_file(writer, "derived/000002-analysis-标注.png", image_bytes(seed=9), "annotation")
    add_named_file(writer, "exports/report-zh-000008.pdf", FAKE_PDF + b"zh", "export")
    # A cache no event names: it stays out of the bundle.
    cache = writer.folder / "derived" / "cache" / "jpeg"
    cache.mkdir(parents=True)
    (cache / "abc-1600.jpg").write_bytes(image_bytes("JPEG"))
    return writer


@pytest.fixture
def writer(tmp_path: Path) -> CaseWriter:
    return build_case(tmp_path)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CaseWriter]:
    """One exported bundle (with a report from outside the case) to tamper with."""
    root = tmp_path_factory.mktemp("made")
    writer = build_case(root)
    report = root / "complaint report.pdf"
    report.write_bytes(FAKE_PDF)
    result = export_bundle(writer, root / "bundle.zip", report_pdf=report)
    return result.path, writer


def names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [info.filename for info in archive.infolist()]


def rewrite(
    source: Path,
    target: Path,
    *,
    change: str | None = None,
    drop: str | None = None,
    add: dict[str, bytes] | None = None,
    edit: dict[str, bytes] | None = None,
) -> Path:
    """A copy of a bundle with one byte of one member flipped, a member dropped or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename == drop:
                continue
            data = old.read(info)
            if info.filename == change:
                middle = len(data) // 2
                data = data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
            if edit and info.filename in edit:
                data = edit[info.filename]
            new.writestr(info, data)
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def wheres(report: Any) -> list[str]:
    return [problem.where for problem in report.problems]


# -- what a bundle holds -----------------------------------------------------------------------


def test_bundle_holds_the_case_and_verifies(made: tuple[Path, CaseWriter]) -> None:
    path, writer = made
    members = names(path)
    assert members == sorted(members)
    assert set(members) == {
        f"{TOP}/{name}"
        for name in [
            "VERIFY.txt",
            "bag-info.txt",
            "case.json",
            "derived/000002-analysis-标注.png",
            "exports/complaint report.pdf",
            "exports/report-zh-000008.pdf",
            "log.jsonl",
            "manifest-sha256.txt",
            "originals/000003-屏幕截图 2024-11-05 101110.png",
            "originals/000004-屏幕截图 2024-11-05 101111.png",
            "originals/000007-屏幕截图 2024-11-05 101112.png",
            "tagmanifest-sha256.txt",
        ]
    }, "named files only: no cache, no .staging, no .lock"
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            assert info.create_system == 3 and info.external_attr == 0o100644 << 16
            assert info.flag_bits & 0x800, "names are marked UTF-8"
            stored = info.filename.endswith((".png", ".pdf"))
            assert info.compress_type == (zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        log = archive.read(f"{TOP}/log.jsonl")
        verify_txt = archive.read(f"{TOP}/VERIFY.txt").decode("utf-8")
        bag_info = archive.read(f"{TOP}/bag-info.txt").decode("utf-8")
    report = verify_bundle(path)
    assert report.ok, report.problems
    assert report.title == "降级手机套餐 Downgrading my plan"
    assert report.files_checked == len(members) - 1  # all but the tag manifest itself

    events = scan_log(writer.folder / LOG_NAME).events
    export = next(e for e in reversed(events) if e.type == "export" and e.data["kind"] == "bundle")
    covered = events[export.seq - 1]
    assert log == (writer.folder / LOG_NAME).read_bytes()[: len(log)]
    assert log.count(b"\n") == export.seq, "the bundle's log ends just before its export event"
    assert report.last_hash == covered.hash == export.data["covers_hash"]
    assert export.data["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert export.data["size"] == path.stat().st_size
    assert export.data["members"] == len(members)
    # No path of the person's machine goes into the evidence: the name only.
    assert export.data["path"] == "bundle.zip" and export.data["location"] == "outside the case"
    assert str(path.parent) not in (writer.folder / LOG_NAME).read_text("utf-8")
    assert not verify_txt.startswith("\ufeff")
    assert f"holds the log up to line {export.seq}" in verify_txt
    assert f"包含日志第 1 行到第 {export.seq} 行" in verify_txt
    assert covered.hash in verify_txt and "sha256sum -c manifest-sha256.txt" in verify_txt
    assert "Get-FileHash" in verify_txt and "certutil -hashfile" in verify_txt
    assert f"Log-Last-Hash: {covered.hash}\n" in bag_info
    assert f"Case-Id: {writer.info.id}\n" in bag_info
    assert "Source-Organization" not in bag_info
    with zipfile.ZipFile(path) as archive:
        tags = {*bundle.TAG_FILES, bundle.TAG_MANIFEST}
        payload = [i for i in archive.infolist() if i.filename.split("/", 1)[1] not in tags]
    oxum = f"{sum(i.file_size for i in payload)}.{len(payload)}"
    assert f"Payload-Oxum: {oxum}\n" in bag_info


def test_sha256sum_and_the_script_in_verify_txt_check_the_unzipped_bundle(
    made: tuple[Path, CaseWriter], tmp_path: Path
) -> None:
    need("sha256sum")
    path, _ = made
    if shutil.which("unzip"):
        subprocess.run(["unzip", "-q", str(path), "-d", str(tmp_path)], check=True)
    else:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(tmp_path)
    folder = tmp_path / TOP
    for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        checked = subprocess.run(
            ["sha256sum", "-c", manifest],
            cwd=folder,
            capture_output=True,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        lines = checked.stdout.decode("utf-8").splitlines()
        listed = (folder / manifest).read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(listed) and all(line.endswith(": OK") for line in lines)
    text = (folder / "VERIFY.txt").read_text(encoding="utf-8")
    script = text.split(SCRIPT_START)[1].split(SCRIPT_END)[0]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.startswith("ok:"), done.stderr
    # The same script catches a changed original (it recomputes what the log recorded).
    original = next((folder / "originals").iterdir())
    os.chmod(original, 0o644)
    original.write_bytes(original.read_bytes() + b"x")
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0 and original.name in done.stderr


# -- the same case state gives the same bytes ------------------------------------------------


def test_same_case_state_gives_byte_identical_bundles(
    writer: CaseWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write_bundle(writer, tmp_path / "first.zip")
    # Another moment, time zone, umask and file times: none of them reach the bundle.
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 3 * 86400 + 7)
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    old_umask = os.umask(0o077)
    try:
        for path in writer.folder.rglob("*"):
            os.utime(path, (1_000_000_000, 1_000_000_000))
        second = write_bundle(writer, tmp_path / "second.zip")
    finally:
        os.umask(old_umask)
        monkeypatch.undo()
        time.tzset()
    assert (tmp_path / "first.zip").read_bytes() == (tmp_path / "second.zip").read_bytes()
    assert first.sha256 == second.sha256 and second.event is None

    # export_bundle writes the very same bytes, then logs the export after them ...
    exported = export_bundle(writer, tmp_path / "exported.zip")
    assert exported.sha256 == first.sha256
    assert exported.event is not None and exported.event.data["sha256"] == first.sha256
    # ... so the next bundle covers one more line (that export event) and differs.
    after = write_bundle(writer, tmp_path / "after.zip")
    assert after.sha256 != first.sha256
    assert after.lines == first.lines + 1 and after.last_hash == exported.event.hash


# -- every change is named ---------------------------------------------------------------------

CHANGED = [
    "originals/000003-屏幕截图 2024-11-05 101110.png",
    "derived/000002-analysis-标注.png",
    "exports/complaint report.pdf",
    "log.jsonl",
    "case.json",
    "manifest-sha256.txt",
    "bag-info.txt",
    "VERIFY.txt",
]


@pytest.mark.parametrize("member", CHANGED)
def test_a_changed_byte_in_any_member_is_named(
    made: tuple[Path, CaseWriter], tmp_path: Path, member: str
) -> None:
    path, _ = made
    tampered = rewrite(path, tmp_path / "tampered.zip", change=f"{TOP}/{member}")
    report = verify_bundle(tampered)
    assert not report.ok
    assert any(
        where == f"{TOP}/{member}" or where.startswith(f"{TOP}/{member}:")
        for where in wheres(report)
    ), report.problems
    assert "file_changed" in {problem.kind for problem in report.problems}


def test_a_changed_tag_manifest_is_named(made: tuple[Path, CaseWriter], tmp_path: Path) -> None:
    path, _ = made
    tampered = rewrite(path, tmp_path / "t.zip", change=f"{TOP}/tagmanifest-sha256.txt")
    report = verify_bundle(tampered)
    assert not report.ok
    assert all(where.startswith(f"{TOP}/") for where in wheres(report))


def test_a_change_hidden_in_the_manifests_is_still_named_by_the_log(
    made: tuple[Path, CaseWriter], tmp_path: Path
) -> None:
    """Changing an original and rewriting both manifests to match: the log still knows."""
    path, _ = made
    name = "originals/000004-屏幕截图 2024-11-05 101111.png"
    with zipfile.ZipFile(path) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    files[f"{TOP}/{name}"] = image_bytes(seed=42)

    def manifest(listed: list[str]) -> bytes:
        lines = [f"{hashlib.sha256(files[f'{TOP}/{n}']).hexdigest()}  {n}\n" for n in listed]
        return "".join(lines).encode()

    payload = [
        line.split("  ", 1)[1] for line in files[f"{TOP}/manifest-sha256.txt"].decode().splitlines()
    ]
    files[f"{TOP}/manifest-sha256.txt"] = manifest(payload)
    files[f"{TOP}/tagmanifest-sha256.txt"] = manifest(
        ["VERIFY.txt", "bag-info.txt", "manifest-sha256.txt"]
    )
    tampered = rewrite(path, tmp_path / "t.zip", edit=files)
    report = verify_bundle(tampered)
    found = [(p.kind, p.where) for p in report.problems]
    # The new image is larger than the log records: it is not unpacked past that size.
    assert found == [("file_changed", f"{TOP}/{name}")]
    assert "20,623 bytes the log records" in report.problems[0].message


def test_a_log_cut_short_with_matching_manifests_is_named(
    made: tuple[Path, CaseWriter], tmp_path: Path
) -> None:
    """Dropping the last log lines keeps a valid chain; bag-info.txt and VERIFY.txt name it."""
    path, _ = made
    with zipfile.ZipFile(path) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    log = files[f"{TOP}/log.jsonl"]
    files[f"{TOP}/log.jsonl"] = b"".join(log.splitlines(keepends=True)[:-2])

    def manifest(listed: list[str]) -> bytes:
        lines = [f"{hashlib.sha256(files[f'{TOP}/{n}']).hexdigest()}  {n}\n" for n in listed]
        return "".join(lines).encode()

    payload = [
        line.split("  ", 1)[1] for line in files[f"{TOP}/manifest-sha256.txt"].decode().splitlines()
    ]
    files[f"{TOP}/manifest-sha256.txt"] = manifest(payload)
    files[f"{TOP}/tagmanifest-sha256.txt"] = manifest(
        ["VERIFY.txt", "bag-info.txt", "manifest-sha256.txt"]
    )
    report = verify_bundle(rewrite(path, tmp_path / "t.zip", edit=files))
    # The two lines cut were the events naming the reports: now no event names them.
    assert {(p.kind, p.where) for p in report.problems} == {
        ("bag_info_mismatch", f"{TOP}/bag-info.txt"),
        ("verify_txt_mismatch", f"{TOP}/VERIFY.txt"),
        ("unreferenced_file", f"{TOP}/exports/complaint report.pdf"),
        ("unreferenced_file", f"{TOP}/exports/report-zh-000008.pdf"),
    }
    messages = " ".join(p.message for p in report.problems)
    assert "Log-Last-Hash" in messages and "Log-Lines" in messages


def test_damaged_zip_bytes_are_named(made: tuple[Path, CaseWriter], tmp_path: Path) -> None:
    path, _ = made
    name = f"{TOP}/originals/000007-屏幕截图 2024-11-05 101112.png"
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = bytearray(path.read_bytes())
    header = 30 + len(name.encode()) + len(info.extra)
    data[info.header_offset + header + 1000] ^= 0x40
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    report = verify_bundle(damaged)
    assert ("damaged_member", name) in {(p.kind, p.where) for p in report.problems}
    assert "missing_file" in {p.kind for p in report.problems if p.where == name}


def test_a_removed_member_is_named(made: tuple[Path, CaseWriter], tmp_path: Path) -> None:
    path, _ = made
    name = f"{TOP}/originals/000003-屏幕截图 2024-11-05 101110.png"
    report = verify_bundle(rewrite(path, tmp_path / "r.zip", drop=name))
    assert {(p.kind, p.where) for p in report.problems} == {("missing_file", name)}
    assert len(report.problems) == 2  # by the manifest and by the log

    report = verify_bundle(rewrite(path, tmp_path / "m.zip", drop=f"{TOP}/manifest-sha256.txt"))
    assert ("missing_file", f"{TOP}/manifest-sha256.txt") in {
        (p.kind, p.where) for p in report.problems
    }


def test_an_extra_member_is_named(made: tuple[Path, CaseWriter], tmp_path: Path) -> None:
    path, _ = made
    planted = f"{TOP}/originals/000099-planted.png"
    extra = {planted: image_bytes(seed=7), "readme.txt": b"hello", f"{TOP}/notes.txt": b"x"}
    report = verify_bundle(rewrite(path, tmp_path / "e.zip", add=extra))
    found = {(p.kind, p.where) for p in report.problems}
    assert {
        ("extra_file", planted),
        ("unreferenced_file", planted),
        ("extra_file", "readme.txt"),
        ("extra_file", f"{TOP}/notes.txt"),
        ("unreferenced_file", f"{TOP}/notes.txt"),
    } == found


def test_a_duplicate_member_is_named(made: tuple[Path, CaseWriter], tmp_path: Path) -> None:
    path, _ = made
    name = f"{TOP}/case.json"
    with pytest.warns(UserWarning, match="Duplicate name"):
        tampered = rewrite(path, tmp_path / "d.zip", add={name: b"{}"})
    report = verify_bundle(tampered)
    assert ("duplicate_member", name) in {(p.kind, p.where) for p in report.problems}


# -- what verify refuses to open -------------------------------------------------------------


def test_not_a_zip_and_not_a_bundle_give_clear_errors(tmp_path: Path) -> None:
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    with pytest.raises(BundleError, match="is not a ZIP file"):
        verify_bundle(text)
    with pytest.raises(UsageError, match="does not exist"):
        verify_bundle(tmp_path / "missing.zip")
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("holiday/photo.jpg", b"jpeg")
    with pytest.raises(BundleError, match="not one evidence bundle"):
        verify_bundle(other)


@pytest.mark.parametrize(
    "evil", ["../../evil.txt", f"{TOP}/../../evil.txt", "/tmp/evil.txt", "C:/evil.txt", "a\\..\\e"]
)
def test_zip_slip_member_is_refused_before_anything_is_unpacked(
    made: tuple[Path, CaseWriter], tmp_path: Path, evil: str
) -> None:
    path, _ = made
    work = tmp_path / "work" / "deep"
    work.mkdir(parents=True)
    tampered = rewrite(path, tmp_path / "slip.zip", add={evil: b"owned"})
    with pytest.raises(BundleError, match="outside the folder"):
        verify_bundle(tampered, work_dir=work)
    assert not list(work.iterdir())
    assert not list(tmp_path.rglob("evil.txt"))


def test_absurd_sizes_are_refused(
    made: tuple[Path, CaseWriter], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = made
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{TOP}/log.jsonl", b"\0" * 4_000_000)
    monkeypatch.setattr(bundle, "RATIO_FLOOR", 1_000_000)
    with pytest.raises(BundleError, match="ZIP bomb"):
        verify_bundle(bomb)
    monkeypatch.setattr(bundle, "MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(BundleError, match="more than this program will unpack"):
        verify_bundle(path)


# -- where a bundle may be written -------------------------------------------------------------


def test_an_existing_file_is_not_overwritten_unless_asked(
    writer: CaseWriter, tmp_path: Path
) -> None:
    out = tmp_path / "bundle.zip"
    out.write_bytes(b"someone else's file")
    log_before = (writer.folder / LOG_NAME).read_bytes()
    with pytest.raises(BundleError, match="already exists"):
        export_bundle(writer, out)
    assert out.read_bytes() == b"someone else's file"
    assert (writer.folder / LOG_NAME).read_bytes() == log_before, "nothing logged"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.zip", "inbox", TOP]
    result = export_bundle(writer, out, overwrite=True)
    assert verify_bundle(out).ok and result.size == out.stat().st_size


def test_destination_inside_the_case_and_bad_paths(writer: CaseWriter, tmp_path: Path) -> None:
    inside = writer.folder / "exports" / "bundle.zip"
    result = export_bundle(writer, inside)
    assert result.event is not None and result.event.data["path"] == "exports/bundle.zip"
    assert verify_bundle(inside).ok
    # A bundle in exports/ is not evidence itself: the next bundle does not hold it.
    later = export_bundle(writer, tmp_path / "later.zip")
    assert f"{TOP}/exports/bundle.zip" not in names(later.path)
    with pytest.raises(UsageError, match="exports/ folder or outside the case"):
        export_bundle(writer, writer.folder / "originals" / "x.zip")
    with pytest.raises(UsageError, match="exports/ folder or outside the case"):
        export_bundle(writer, writer.folder / "log.jsonl", overwrite=True)
    with pytest.raises(UsageError, match="is one of the case's evidence files"):
        export_bundle(writer, writer.folder / "exports" / "report-zh-000008.pdf", overwrite=True)
    with pytest.raises(UsageError, match="is a folder"):
        export_bundle(writer, tmp_path)
    with pytest.raises(UsageError, match="does not exist"):
        export_bundle(writer, tmp_path / "no such folder" / "b.zip")


def test_report_pdf_checks(writer: CaseWriter, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a file"):
        export_bundle(writer, tmp_path / "a.zip", report_pdf=tmp_path / "none.pdf")
    text = tmp_path / "report.pdf"
    text.write_text("plain text")
    with pytest.raises(UsageError, match="is not a PDF file"):
        export_bundle(writer, tmp_path / "a.zip", report_pdf=text)
    # A report the log already names goes in once, at its own path.
    logged = writer.folder / "exports" / "report-zh-000008.pdf"
    result = export_bundle(writer, tmp_path / "a.zip", report_pdf=logged)
    assert names(result.path).count(f"{TOP}/exports/report-zh-000008.pdf") == 1
    clash = tmp_path / "report-zh-000008.pdf"
    clash.write_bytes(FAKE_PDF + b"another")
    bundle_name = writer.folder / "exports" / "clash.zip"
    lines = (writer.folder / LOG_NAME).read_bytes()
    with pytest.raises(UsageError, match="different file named"):
        export_bundle(writer, bundle_name, report_pdf=clash)
    assert not bundle_name.exists()
    assert (writer.folder / LOG_NAME).read_bytes() == lines, "nothing was logged"


def test_a_case_that_does_not_verify_is_not_exported(writer: CaseWriter, tmp_path: Path) -> None:
    original = next((writer.folder / "originals").iterdir())
    planted = writer.folder / "originals" / "planted.png"
    planted.write_bytes(image_bytes(seed=5))
    with pytest.raises(BundleError, match=r"does not verify.*planted\.png"):
        export_bundle(writer, tmp_path / "a.zip")
    planted.unlink()
    os.chmod(original, 0o644)
    data = bytearray(original.read_bytes())
    data[100] ^= 0xFF
    original.write_bytes(bytes(data))
    with pytest.raises(BundleError, match=r"does not verify.*evidence-recorder verify"):
        export_bundle(writer, tmp_path / "a.zip")
    assert not (tmp_path / "a.zip").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_full_disk_removes_the_partial_bundle_and_logs_nothing(
    writer: CaseWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_before = (writer.folder / LOG_NAME).read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    (tmp_path / "out").mkdir()
    monkeypatch.setattr(bundle, "fsync_fd", full)
    with pytest.raises(DiskFullError, match="is full"):
        export_bundle(writer, tmp_path / "out" / "a.zip")
    assert list((tmp_path / "out").iterdir()) == []
    assert (writer.folder / LOG_NAME).read_bytes() == log_before
    monkeypatch.undo()

    # The bundle is made, then the disk fills before the export event is logged: the bundle
    # is removed, so every bundle that exists is one the case's log knows about.
    real_write = os.write

    def full_write(fd: int, data: Any) -> int:
        if fd > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_write)
    with pytest.raises(DiskFullError):
        export_bundle(writer, tmp_path / "out" / "b.zip")
    monkeypatch.undo()
    assert list((tmp_path / "out").iterdir()) == []
    assert (writer.folder / LOG_NAME).read_bytes() == log_before


def test_read_only_destination_gives_a_clear_error(
    writer: CaseWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "locked"
    target.mkdir()
    if os.geteuid() != 0:
        os.chmod(target, 0o555)
    else:  # root writes anywhere: make creating the temp file fail as a read-only disk does
        real_open = Path.open

        def read_only_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if self.parent == target and "x" in mode:
                raise OSError(errno.EROFS, "Read-only file system")
            return real_open(self, mode, *args, **kwargs)

        monkeypatch.setattr(Path, "open", read_only_open)
    try:
        with pytest.raises(ReadOnlyCaseError, match="read-only"):
            export_bundle(writer, target / "a.zip")
    finally:
        os.chmod(target, 0o755)
    assert list(target.iterdir()) == []


def test_bundle_module_is_qt_free_and_light() -> None:
    code = (
        "import sys, desktop.core.export.bundle; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'widgets', 'cv2', 'reportlab', 'PIL')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
