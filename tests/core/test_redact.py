"""Redaction removes pixels from every exported image and PDF; originals never change."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop.core.analysis.measure import ControlSpec
from desktop.core.analysis.record import analyze_capture
from desktop.core.capture.frame import Rect
from desktop.core.edit.redact import Edit, edit_capture, withheld_files
from desktop.core.errors import UsageError
from desktop.core.export.bundle import SCRIPT_END, SCRIPT_START, export_bundle, verify_bundle
from desktop.core.export.pdf import build_report
from desktop.core.ingest.images import import_files
from desktop.core.proof.verify import verify_case
from desktop.core.store.case import CaseWriter, named_files
from desktop.core.store.log import scan_log

# A secret painted in a colour nothing else in the picture has: (11, 200, 77).
SECRET = (11, 200, 77)
SECRET_BOX = (40, 30, 120, 50)  # x, y, w, h


def secret_screen(path: Path) -> Path:
    pixels = np.full((240, 400, 3), 250, np.uint8)
    x, y, w, h = SECRET_BOX
    pixels[y : y + h, x : x + w] = SECRET
    pixels[150:200, 60:340] = (255, 90, 30)  # a bright button to measure
    pixels[215:230, 160:240] = (160, 160, 160)  # a grey link
    Image.fromarray(pixels).save(path)
    return path


def secret_fraction(image: Image.Image) -> float:
    """Share of pixels close to the secret colour (JPEG moves colours a little)."""
    rgb = np.asarray(image.convert("RGB")).astype(int)
    close = np.abs(rgb - np.array(SECRET)).sum(axis=2) < 60
    return float(close.mean())


@pytest.fixture
def redacted_case(case: CaseWriter, tmp_path: Path) -> tuple[CaseWriter, int]:
    source = secret_screen(tmp_path / "phone.png")
    result = import_files(case, [source])
    seq = result.events[0].seq
    specs = [
        ControlSpec("Upgrade", "promoted", Rect(60, 150, 280, 50)),
        ControlSpec("Cancel", "suppressed", Rect(160, 215, 80, 15)),
    ]
    analyze_capture(case, seq, specs, scale=1.0)
    x, y, w, h = SECRET_BOX
    edit_capture(case, seq, [Edit("redact", x - 2, y - 2, w + 4, h + 4)], "phone number")
    return case, seq


def test_redaction_makes_a_derived_copy_without_the_pixels_and_keeps_the_original(
    redacted_case: tuple[CaseWriter, int],
) -> None:
    case, seq = redacted_case
    events = scan_log(case.log.path).events
    redaction = events[-1]
    assert redaction.type == "redaction" and redaction.data["reason"] == "phone number"
    derived = case.folder / named_files(redaction)[0].path
    with Image.open(derived) as image:
        assert secret_fraction(image) == 0.0
    original = case.folder / named_files(events[[e.seq for e in events].index(seq)])[0].path
    with Image.open(original) as image:
        assert secret_fraction(image) > 0.05  # the original never changes
    assert verify_case(case.folder).ok


def test_annotation_after_a_redaction_keeps_the_redaction(
    redacted_case: tuple[CaseWriter, int],
) -> None:
    case, seq = redacted_case
    event = edit_capture(
        case,
        seq,
        [
            Edit("box", 50, 140, 300, 70),
            Edit("arrow", 10, 10, 40, 120),
            Edit("text", 200, 20, 0, 0, "升级"),
        ],
        "show the button",
    )
    assert event.type == "annotation"
    with Image.open(case.folder / named_files(event)[0].path) as image:
        assert secret_fraction(image) == 0.0
        assert image.getpixel((50, 170)) != (250, 250, 250)  # the box was drawn


def test_bad_edits_are_refused_with_a_reason(redacted_case: tuple[CaseWriter, int]) -> None:
    case, seq = redacted_case
    with pytest.raises(UsageError, match="reason"):
        edit_capture(case, seq, [Edit("redact", 0, 0, 10, 10)], "  ")
    with pytest.raises(UsageError, match="cover part of the image"):
        edit_capture(case, seq, [Edit("redact", 5000, 5000, 10, 10)], "outside")


@pytest.mark.slow
def test_the_report_shows_no_redacted_pixel(
    redacted_case: tuple[CaseWriter, int], tmp_path: Path
) -> None:
    if shutil.which("pdfimages") is None:
        if os.environ.get("CI"):
            pytest.fail("pdfimages (poppler-utils) is not installed")
        pytest.skip("pdfimages is not installed")
    case, _seq = redacted_case
    pdf = build_report(case.folder, tmp_path / "report.pdf").path
    out = tmp_path / "images"
    out.mkdir()
    subprocess.run(["pdfimages", "-all", str(pdf), str(out / "img")], check=True)
    images = sorted(out.iterdir())
    assert len(images) >= 2  # the original's copy and the overlay
    for path in images:
        with Image.open(path) as image:
            assert secret_fraction(image) < 0.001, path.name
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "phone number" in text and "Redacted" in text


def test_the_bundle_withholds_redacted_pixels_and_still_verifies(
    redacted_case: tuple[CaseWriter, int], tmp_path: Path
) -> None:
    case, _seq = redacted_case
    events = scan_log(case.log.path).events
    withheld = withheld_files(events)
    # The original and the overlay (drawn on the original) are left out; the redacted copy ships.
    kinds = {e.type for e in events for f in named_files(e) if f.path in withheld}
    assert kinds == {"import", "analysis"}
    result = export_bundle(case, tmp_path / "bundle.zip")
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
        assert not any(name.split("/", 1)[1] in withheld for name in names)
        for name in names:
            if name.endswith(".png"):
                with archive.open(name) as handle, Image.open(handle) as image:
                    assert secret_fraction(image) == 0.0, name
        archive.extractall(tmp_path / "unzipped")
    report = verify_bundle(result.path)
    assert report.ok, report.problems
    assert sorted(report.withheld) == sorted(withheld)
    folder = next((tmp_path / "unzipped").iterdir())
    if shutil.which("sha256sum"):
        done = subprocess.run(["sha256sum", "-c", "manifest-sha256.txt"], cwd=folder, check=False)
        assert done.returncode == 0
    text = (folder / "VERIFY.txt").read_text("utf-8")
    assert "withheld-sha256.txt" in text
    script = text.split(SCRIPT_START)[1].split(SCRIPT_END)[0]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=folder, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_a_withheld_list_cannot_hide_a_deleted_file(case: CaseWriter, tmp_path: Path) -> None:
    """Only files the log's own redaction events justify may be absent."""
    source = secret_screen(tmp_path / "phone.png")
    event = import_files(case, [source]).events[0]
    named = named_files(event)[0]
    path = case.folder / named.path
    os.chmod(path, 0o644)
    path.unlink()
    report = verify_case(case.folder, {named.path: named.sha256})
    assert not report.ok and report.problems[0].kind == "missing_file"
    assert hashlib.sha256(b"").hexdigest() not in str(report.withheld)
