"""Durable file operations: fsync, write-once files, the case lock, OS errors in plain words."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from desktop.core.errors import (
    CaseBusyError,
    DiskFullError,
    EvidenceError,
    ReadOnlyCaseError,
)
from desktop.core.i18n import tr

READ_ONLY_FILE = 0o444


def fsync_fd(fd: int) -> None:
    """Flush a file to the device; on macOS fsync alone only reaches the drive's cache."""
    if sys.platform == "darwin":
        import fcntl

        try:
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except OSError:
            pass
    os.fsync(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in a folder durable (a no-op where folders cannot be opened)."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def os_error_to_evidence(error: OSError, path: Path) -> EvidenceError:
    """Turn an OSError into a message that says what to do."""
    if error.errno == errno.ENOSPC or error.errno == getattr(errno, "EDQUOT", -1):
        return DiskFullError(
            tr(
                "The disk holding {path} is full. Free some space, then try again; "
                "nothing saved before was changed.",
                path=path,
            )
        )
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ReadOnlyCaseError(
            tr(
                "Cannot write to {path}: the folder is read-only or you lack permission. "
                "Copy the case to a writable folder or fix its permissions; "
                "nothing saved before was changed.",
                path=path,
            )
        )
    return EvidenceError(
        tr(
            "Cannot write {path}: {reason}. Nothing saved before was changed.",
            path=path,
            reason=error.strerror or str(error),
        )
    )


def write_durable(path: Path, data: bytes, *, error_folder: Path) -> None:
    """Create `path` (it must not exist), write all of `data` and fsync; on failure remove it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    except OSError as error:
        raise os_error_to_evidence(error, error_folder) from error
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        fsync_fd(fd)
    except OSError as error:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise os_error_to_evidence(error, error_folder) from error
    os.close(fd)


def write_new_file(path: Path, data: bytes, *, read_only: bool = True) -> None:
    """Write a file that must not exist yet: temp file, fsync, link into place, fsync folder."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            fsync_fd(fd)
        finally:
            os.close(fd)
        if read_only:
            os.chmod(temp, READ_ONLY_FILE)
        # link() refuses to replace an existing file, unlike rename() on POSIX.
        if os.name == "nt":
            os.rename(temp, path)
        else:
            os.link(temp, path)
            os.unlink(temp)
        fsync_dir(path.parent)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(error, FileExistsError) and path.exists():
            raise
        raise os_error_to_evidence(error, path) from error


class CaseLock:
    """An OS-level lock held around each append to a case; others wait briefly, then fail."""

    def __init__(self, path: Path, timeout: float = 5.0) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None

    def _open(self) -> int:
        try:
            # Never through a link: a planted `.lock -> ~/.bashrc` must not create or open it.
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
            return os.open(self.path, flags, 0o644)
        except OSError as error:
            raise os_error_to_evidence(error, self.path.parent) from error

    def _lock_now(self, fd: int) -> bool:
        """Take the lock if it is free; False if another holder has it."""
        try:
            _lock_fd(fd)
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK):
                return False
            os.close(fd)
            raise os_error_to_evidence(error, self.path.parent) from error
        self._fd = fd
        return True

    def try_acquire(self) -> bool:
        """Take the lock only if nobody holds it."""
        fd = self._open()
        if self._lock_now(fd):
            return True
        os.close(fd)
        return False

    def acquire(self) -> None:
        """Take the lock, waiting up to the timeout, then fail with a clear message."""
        fd = self._open()
        deadline = time.monotonic() + self.timeout
        while not self._lock_now(fd):
            if time.monotonic() >= deadline:
                os.close(fd)
                raise CaseBusyError(
                    tr(
                        "Another Evidence Recorder process is writing to {case} and did not "
                        "finish within {seconds:g} s. Wait for it (or close the other window), "
                        "then try again.",
                        case=self.path.parent,
                        seconds=self.timeout,
                    )
                )
            time.sleep(0.01)

    def release(self) -> None:
        if self._fd is not None:
            try:
                _unlock_fd(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()


if sys.platform == "win32":
    import msvcrt

    def _lock_fd(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock_fd(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
