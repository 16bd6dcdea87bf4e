"""A full disk, a read-only folder, a busy case: clear messages, nothing saved is lost."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.errors import DiskFullError, ReadOnlyCaseError
from desktop.core.ingest.images import import_files
from desktop.core.proof.verify import verify_case
from desktop.core.store.case import CaseWriter, create_case
from desktop.core.store.durable import CaseLock
from desktop.core.store.log import LOG_NAME
from tests.conftest import image_bytes


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != ".lock"
    }


def _mount(*args: str) -> bool:
    if os.name != "posix" or os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", *args], capture_output=True, check=False)
    return done.returncode == 0


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[bool]:
    """A real tiny filesystem when this process may mount one; False otherwise."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(folder: Path) -> None:
    """Use up every free byte of the filesystem holding `folder`."""
    with (folder.parent / "filler").open("wb", buffering=0) as handle:
        chunk = b"\0" * 65536
        with contextlib.suppress(OSError):
            while True:
                handle.write(chunk)
        with contextlib.suppress(OSError):
            while True:
                handle.write(b"\0")


def test_full_disk_during_import_and_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "shot.png"
    source.write_bytes(image_bytes(seed=3))
    with tmpfs(tmp_path / "disk", "3m") as real:
        writer = create_case(tmp_path / "disk" / "case", title="disk full")
        first = tmp_path / "first.png"
        first.write_bytes(image_bytes(seed=1))
        assert not import_files(writer, [first]).failures
        writer.add_note("saved before the disk filled")
        before = snapshot(writer.folder)
        if real:
            _fill(writer.folder)
        else:  # no mount here: make every write report ENOSPC, as a full disk does
            real_write = os.write

            def full_write(fd: int, data: bytes | memoryview) -> int:
                if fd > 2:
                    raise OSError(errno.ENOSPC, "No space left on device")
                return real_write(fd, data)

            monkeypatch.setattr(os, "write", full_write)
        result = import_files(writer, [source])
        assert result.events == []
        assert "disk holding" in result.failures[0].message
        assert "is full" in result.failures[0].message
        with pytest.raises(DiskFullError, match="Free some space"):
            # Longer than a page: a short line could still fit in the log's last block.
            writer.add_note("this note cannot be saved. " * 400)
        monkeypatch.undo()
        assert snapshot(writer.folder) == before
        assert verify_case(writer.folder).ok
        if real:
            (writer.folder.parent / "filler").unlink()
        # Once space is back, the same writer carries on and the chain stays whole.
        writer.add_note("after freeing space")
        assert not import_files(writer, [source]).failures
        assert verify_case(writer.folder).ok


def test_full_disk_mid_line_leaves_no_torn_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = create_case(tmp_path / "case", title="short write")
    log = writer.folder / LOG_NAME
    before = log.read_bytes()
    real_write = os.write
    calls = {"n": 0}

    def short_then_full(fd: int, data: bytes | memoryview) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data)[:10])  # half a line reaches the disk
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", short_then_full)
    with pytest.raises(DiskFullError):
        writer.add_note("x" * 200)
    monkeypatch.undo()
    assert log.read_bytes() == before
    assert verify_case(writer.folder).ok
    writer.add_note("next")
    assert verify_case(writer.folder).ok


def test_read_only_case_folder(tmp_path: Path, png_file: Path) -> None:
    with tmpfs(tmp_path / "ro", "4m") as real:
        folder = tmp_path / "ro" / "case"
        writer = create_case(folder, title="read only")
        import_files(writer, [png_file])
        writer.close()  # a writer holds its staging folder open; a busy mount cannot go ro
        before = snapshot(folder)
        if real:
            assert _mount("-o", "remount,ro", str(tmp_path / "ro"))
        elif os.geteuid() != 0:
            for path in [folder, *folder.rglob("*")]:
                os.chmod(path, 0o555 if path.is_dir() else 0o444)
        else:
            pytest.skip("root without mount: no way to make a folder read-only")
        try:
            with pytest.raises(ReadOnlyCaseError, match="read-only"):
                CaseWriter(folder).add_note("cannot be written")
            with pytest.raises(ReadOnlyCaseError):
                writer.add_note("nor by an open writer")
            assert snapshot(folder) == before
            assert verify_case(folder).ok, "verify works on a read-only folder"
        finally:
            if real:
                _mount("-o", "remount,rw", str(tmp_path / "ro"))
            else:
                for path in [folder, *folder.rglob("*")]:
                    os.chmod(path, 0o755)


def test_busy_case_waits_briefly_then_fails_clearly(case: CaseWriter) -> None:
    holder = CaseLock(case.folder / ".lock")
    holder.acquire()
    try:
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; "
                "from desktop.core.store.case import CaseWriter;"
                "from desktop.core.errors import CaseBusyError\n"
                "try:\n CaseWriter(Path(sys.argv[1]), lock_timeout=0.3).add_note('x')\n"
                "except CaseBusyError as e:\n print(e); sys.exit(3)",
                str(case.folder),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    finally:
        holder.release()
    assert other.returncode == 3, other.stderr
    assert "Another Evidence Recorder process is writing" in other.stdout
    assert verify_case(case.folder).ok


WRITER_SCRIPT = """
import sys
from pathlib import Path
from desktop.core.store.case import CaseWriter
writer = CaseWriter(Path(sys.argv[1]), lock_timeout=30)
for index in range(int(sys.argv[3])):
    writer.add_note(f"{sys.argv[2]} {index}")
"""


def test_two_processes_writing_never_break_the_chain(case: CaseWriter) -> None:
    processes = [
        subprocess.Popen([sys.executable, "-c", WRITER_SCRIPT, str(case.folder), name, "60"])
        for name in ("window", "cli")
    ]
    for _ in range(30):
        case.add_note("this process")
    assert all(p.wait(timeout=120) == 0 for p in processes)
    report = verify_case(case.folder)
    assert report.ok, report.problems
    texts = (case.folder / LOG_NAME).read_text(encoding="utf-8")
    assert texts.count('"window ') == 60 and texts.count('"cli ') == 60
    assert texts.count('"this process"') == 30
