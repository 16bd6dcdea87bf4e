"""The one resolver of paths a case names: nothing outside the case, no link followed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.core.proof.safepath import (
    UnsafePathError,
    inside_or_none,
    is_safe_relative,
    read_inside,
    resolve_inside,
)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "/etc/passwd",
        "/home/x/.config/autostart/evil.desktop",
        "../../x",
        "originals/../../x",
        "originals/./a.png",
        "originals//a.png",
        "originals\\..\\x",
        "C:/Windows/x",
        "c:x",
        "a\x00b",
        "originals/",
    ],
)
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    assert not is_safe_relative(name)
    with pytest.raises(UnsafePathError):
        resolve_inside(tmp_path, name)
    assert inside_or_none(tmp_path, name) is None


def test_plain_names_resolve_inside(tmp_path: Path) -> None:
    assert resolve_inside(tmp_path, "originals/000003-a.png") == tmp_path / "originals" / (
        "000003-a.png"
    )
    # A file that does not exist yet (about to be written) is fine.
    assert resolve_inside(tmp_path, "derived/new.png") == tmp_path / "derived" / "new.png"


def test_a_link_anywhere_on_the_way_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text("secret")
    case = tmp_path / "case"
    (case / "derived").mkdir(parents=True)
    (case / "derived" / "etc").symlink_to(outside)
    with pytest.raises(UnsafePathError):
        resolve_inside(case, "derived/etc/passwd")
    (case / "originals").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePathError):
        resolve_inside(case, "originals/passwd")
    (case / "shot.png").symlink_to(outside / "passwd")
    with pytest.raises(UnsafePathError):
        read_inside(case, "shot.png")
    # A dangling link is a link too.
    (case / "dangling.png").symlink_to(tmp_path / "nowhere")
    with pytest.raises(UnsafePathError):
        resolve_inside(case, "dangling.png")


def test_read_inside_refuses_fifos_and_oversized_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.png")
    with pytest.raises(UnsafePathError):
        read_inside(tmp_path, "pipe.png")  # must not block
    (tmp_path / "big.bin").write_bytes(b"x" * 100)
    with pytest.raises(UnsafePathError):
        read_inside(tmp_path, "big.bin", limit=99)
    assert read_inside(tmp_path, "big.bin", limit=100) == b"x" * 100


def test_a_file_where_a_folder_should_be_is_not_an_error(tmp_path: Path) -> None:
    """`originals` replaced by a plain file: its names resolve (and are simply missing)."""
    (tmp_path / "originals").write_bytes(b"")
    assert resolve_inside(tmp_path, "originals/000002-a.png") == tmp_path / "originals" / (
        "000002-a.png"
    )
    assert inside_or_none(tmp_path, "originals/a/b.png") is not None
