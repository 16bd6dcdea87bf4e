"""The import command routes screen recordings to the video import."""

from __future__ import annotations

from pathlib import Path

from desktop.core.ingest.images import import_files
from desktop.core.proof.verify import verify_case
from desktop.core.store.case import create_case
from tests.cli.test_cli import run
from tests.conftest import image_bytes
from tests.core.test_video import app_frame, write_clip


def test_import_command_takes_screenshots_and_recordings(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    assert run("case", "new", folder, "--title", "t").returncode == 0
    shot = tmp_path / "shot.png"
    shot.write_bytes(image_bytes())
    clip = write_clip(tmp_path / "rec.MP4", app_frame, 40)
    bad = tmp_path / "bad.webm"
    bad.write_text("not a video")
    done = run("import", folder, clip, shot, bad, "--journey", "downgrade")
    assert done.returncode == 1, done.stderr
    assert "imported shot.png" in done.stdout and "imported rec.MP4" in done.stdout
    assert "rec.MP4: kept 2 keyframes of 40 frames in derived/" in done.stdout
    assert "bad.webm is not a screen recording" in done.stderr
    assert verify_case(folder).ok


def test_import_files_routes_by_suffix(tmp_path: Path) -> None:
    writer = create_case(tmp_path / "case", title="t")
    shot = tmp_path / "shot.png"
    shot.write_bytes(image_bytes())
    clip = write_clip(tmp_path / "rec.mov", app_frame, 40)
    seen: list[tuple[int, int]] = []
    result = import_files(writer, [clip, shot], progress=lambda d, t: seen.append((d, t)))
    assert [e.data["source"]["name"] for e in result.events] == ["shot.png", "rec.mov"]
    assert len(result.videos) == 1 and result.videos[0].frames_kept == 2
    assert seen[-1] == (2, 2) and not result.failures
