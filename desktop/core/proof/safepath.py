"""The one way a path named by a case's log, manifest or ZIP entry becomes a file on disk.

A case folder or bundle may come from someone else. A path it names is refused when it is
absolute, climbs out with "..", is empty, holds a NUL or a backslash (a separator on Windows),
starts with a drive letter, or passes through a symbolic link (or a Windows junction) anywhere
below the case root. Nothing from the case is followed out of it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from desktop.core.errors import EvidenceError
from desktop.core.i18n import tr

_DRIVE = re.compile(r"^[A-Za-z]:")
_RESERVED = frozenset({"", ".", ".."})


class UnsafePathError(EvidenceError):
    """A path from the case points outside it or through a link; it is never used."""

    def __init__(self, message: str, relative: str) -> None:
        super().__init__(message)
        self.relative = relative


def is_safe_relative(name: str) -> bool:
    """A relative POSIX path with no way out of its folder, on any OS (the name alone)."""
    if not isinstance(name, str) or not name:
        return False
    if "\x00" in name or "\\" in name or name.startswith("/") or _DRIVE.match(name):
        return False
    return all(part not in _RESERVED for part in name.split("/"))


def _is_link(path: Path) -> bool:
    """True for a symbolic link or a Windows junction (both lead elsewhere)."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):  # not there (a file is on the way)
        return False
    if stat.S_ISLNK(info.st_mode):
        return True
    is_junction = getattr(os.path, "isjunction", None)
    return bool(is_junction and is_junction(path))


def resolve_inside(root: Path, relative: str) -> Path:
    """`root` joined with `relative`, refused unless it stays inside `root` without a link.

    Every component that exists is checked with lstat, so a link anywhere on the way (a linked
    `originals/`, `derived/etc -> /etc`, a file replaced by a link) is refused; components that
    do not exist yet are allowed (a file about to be written). `root` itself is trusted: it is
    the folder the person chose.
    """
    if not is_safe_relative(relative):
        raise UnsafePathError(
            tr(
                "The case names the path {path}, which leads outside the case folder; it was "
                "not used. A case made by Evidence Recorder never does this: treat the folder "
                "as tampered with and run evidence-recorder verify on it.",
                path=ascii(relative),
            ),
            str(relative),
        )
    path = root
    for part in relative.split("/"):
        path = path / part
        if _is_link(path):
            raise UnsafePathError(
                tr(
                    "{path} in the case is a link to somewhere else; it was not followed. "
                    "Evidence Recorder never makes links: treat the folder as tampered with and "
                    "run evidence-recorder verify on it.",
                    path=relative,
                ),
                relative,
            )
    return path


def refuse_links_to(root: Path, destination: Path) -> None:
    """Raise UnsafePathError when `destination` lies in the case but a link is on its way.

    For files the program writes into the case at a place a person chose or it suggested (a
    report in exports/): a linked exports/ must not carry the file out of the case. A
    destination outside the case is the person's choice and is not checked.
    """
    base = os.path.abspath(root)
    target = os.path.abspath(destination)
    if os.path.commonpath([base, target]) != base or target == base:
        return
    resolve_inside(root, Path(os.path.relpath(target, base)).as_posix())


def inside_or_none(root: Path, relative: str) -> Path | None:
    """resolve_inside(), or None when the path is refused."""
    try:
        return resolve_inside(root, relative)
    except UnsafePathError:
        return None


def regular_inside_or_none(root: Path, relative: str) -> Path | None:
    """resolve_inside(), only for a regular file that exists now (lstat: a FIFO is None)."""
    path = inside_or_none(root, relative)
    try:
        return path if path is not None and stat.S_ISREG(os.lstat(path).st_mode) else None
    except OSError:
        return None


def _open_regular(root: Path, relative: str, limit: int | None) -> tuple[int, int]:
    """An open descriptor and the size of a regular file inside the case (see read_inside)."""
    path = resolve_inside(root, relative)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the open
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePathError(
                tr("{path} in the case is not a regular file; it was not read.", path=relative),
                relative,
            )
        if limit is not None and info.st_size > limit:
            raise UnsafePathError(
                tr(
                    "{path} in the case is {size} bytes, more than the {limit} bytes such a "
                    "file may have; it was not read.",
                    path=relative,
                    size=f"{info.st_size:,}",
                    limit=f"{limit:,}",
                ),
                relative,
            )
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def read_inside(root: Path, relative: str, *, limit: int | None = None) -> bytes:
    """The bytes of a regular file inside the case, opened without following a last-moment link.

    Raises UnsafePathError for a refused path or anything but a regular file (a FIFO would
    block, a device would never end), and OSError when it cannot be read. With `limit`, a file
    larger than that many bytes is refused rather than read.
    """
    fd, _size = _open_regular(root, relative, limit)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def sha256_inside(root: Path, relative: str) -> tuple[str, int]:
    """SHA-256 (hex) and size of a regular file inside the case, read as read_inside() does.

    Streams the file, so an original of any size is hashed in constant memory.
    """
    fd, _size = _open_regular(root, relative, None)
    digest = hashlib.sha256()
    size = 0
    try:
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return digest.hexdigest(), size
