"""The PDF exhibit, read back: text, fonts, pages rendered, QR codes, determinism, edge cases."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.core.demo import build_demo_case
from desktop.core.errors import EvidenceError
from desktop.core.export.pdf import build_report
from desktop.core.ingest.images import import_files
from desktop.core.store.case import CaseWriter, create_case
from desktop.core.store.log import LOG_NAME, scan_log
from tests.conftest import image_bytes


def need(program: str) -> None:
    if shutil.which(program) is None:
        message = f"{program} is not installed (Debian: poppler-utils / zbar-tools)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def pdf_text(path: Path) -> list[str]:
    need("pdftotext")
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8").split("\f")[:-1]


def pdf_fonts(path: Path) -> list[str]:
    need("pdffonts")
    done = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()[2:]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "demo"
    build_demo_case(folder)
    return folder


@pytest.mark.parametrize("language", ["en", "zh"])
def test_report_reads_back(demo: Path, tmp_path: Path, language: str) -> None:
    out = tmp_path / f"report-{language}.pdf"
    result = build_report(demo, out, language=language)
    pages = pdf_text(out)
    assert len(pages) == result.pages
    text = "\n".join(pages)
    flat = re.sub(r"\s+", "", text)
    events = scan_log(demo / LOG_NAME).events
    hashes = [e.data["file"]["sha256"] for e in events if e.type == "import"]
    assert len(hashes) == 8
    for digest in hashes:
        assert digest in flat, digest
    assert "降级入口藏在「账户安全」页面最底部" in flat
    assert events[-1].hash in flat  # the last log hash, on the cover and certification page
    for number, page in enumerate(pages, start=1):
        expected = (
            f"第 {number} 页，共 {len(pages)} 页"
            if language == "zh"
            else f"page {number} of {len(pages)}"
        )
        assert expected in page, number
    if language == "zh":
        assert "证据目录" in text and "发现" in text
    else:
        assert "Evidence list" in text and "Findings" in text
    fonts = pdf_fonts(out)
    assert fonts and all(" yes yes " in line for line in fonts), fonts


def test_two_builds_are_byte_identical(demo: Path, tmp_path: Path) -> None:
    first = build_report(demo, tmp_path / "a.pdf", language="zh", bates_start=100)
    second = build_report(demo, tmp_path / "b.pdf", language="zh", bates_start=100)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert first.sha256 == second.sha256
    text = "\n".join(pdf_text(tmp_path / "a.pdf"))
    assert "A000100" in text and f"A{100 + first.pages - 1:06d}" in text


def test_every_page_renders(demo: Path, tmp_path: Path) -> None:
    need("pdftoppm")
    from PIL import Image

    result = build_report(demo, tmp_path / "r.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(tmp_path / "r.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == result.pages
    for png in pngs:
        with Image.open(png) as page:
            low, high = page.convert("L").getextrema()
            assert high - low > 100, png.name  # not blank


def test_qr_codes_hold_the_hashes(demo: Path, tmp_path: Path) -> None:
    need("pdftoppm")
    need("zbarimg")
    build_report(demo, tmp_path / "r.pdf")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "110",
            "-png",
            "-f",
            "7",
            "-l",
            "7",
            str(tmp_path / "r.pdf"),
            str(tmp_path / "qr"),
        ],
        check=True,
    )
    (page,) = tmp_path.glob("qr-*.png")
    done = subprocess.run(
        ["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True, check=False
    )
    events = scan_log(demo / LOG_NAME).events
    hashes = {e.data["file"]["sha256"] for e in events if e.type == "import"}
    assert done.stdout.strip() in hashes


def test_empty_case_one_capture_and_long_unicode_notes(tmp_path: Path) -> None:
    writer = create_case(tmp_path / "empty", title="空案件 · right-to-left שלום مرحبا")
    writer.add_note("Nothing captured yet 😀 🙂 — emoji and עברית / العربية text.")
    empty = build_report(writer.folder, tmp_path / "empty.pdf")
    text = "\n".join(pdf_text(tmp_path / "empty.pdf"))
    assert "Nothing captured yet" in text
    fonts = " ".join(pdf_fonts(tmp_path / "empty.pdf"))
    assert "DejaVu" in fonts and "Symbola" in fonts  # fallbacks were embedded, not boxes
    assert empty.pages >= 5

    one = create_case(tmp_path / "one", title="one capture")
    shot = tmp_path / "shot.png"
    shot.write_bytes(image_bytes())
    event = import_files(one, [shot]).events[0]
    long_note = ("长备注 long note " * 6250)[:100_000]
    one.add_note(long_note, capture=event.seq)
    result = build_report(one.folder, tmp_path / "one.pdf", language="zh")
    pages = pdf_text(tmp_path / "one.pdf")
    flat = re.sub(r"\s+", "", "\n".join(pages))
    assert event.data["file"]["sha256"] in flat
    assert flat.count("长备注longnote") > 3000  # the whole note, over many pages
    assert result.pages > 10


@pytest.mark.slow
def test_five_hundred_captures(tmp_path: Path) -> None:
    writer = create_case(tmp_path / "big", title="500 captures")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    paths = []
    for index in range(500):
        path = inbox / f"s{index:03d}.png"
        path.write_bytes(image_bytes(seed=index))
        paths.append(path)
    assert len(import_files(writer, paths, journey="downgrade").events) == 500
    result = build_report(writer.folder, tmp_path / "big.pdf")
    assert result.pages > 500
    text = "\n".join(pdf_text(tmp_path / "big.pdf"))
    assert "A-500" in text


def test_an_existing_different_report_is_never_overwritten(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    out.write_bytes(b"%PDF-1.4 something else")
    with pytest.raises(EvidenceError, match="never overwritten"):
        build_report(demo, out)
    assert out.read_bytes() == b"%PDF-1.4 something else"
    assert not list(tmp_path.glob(".r.pdf.*"))


def test_report_command_logs_the_export(demo: Path, tmp_path: Path) -> None:
    import sys

    case = tmp_path / "case"
    shutil.copytree(demo, case)
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "report", str(case), "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    last = scan_log(case / LOG_NAME).events[-1]
    assert last.type == "export" and last.data["kind"] == "report"
    assert (case / last.data["path"]).is_file()
    verified = subprocess.run(
        [sys.executable, "-m", "desktop", "verify", str(case)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout
    CaseWriter(case)  # still opens for writing


def test_the_methods_give_the_levels_the_analyses_used(tmp_path: Path) -> None:
    """Levels changed in Settings reach the analysis; the report must not print the defaults."""
    from desktop.core.analysis.compare import Levels
    from desktop.core.analysis.measure import ControlSpec
    from desktop.core.analysis.record import analyze_capture
    from desktop.core.capture.frame import Rect

    writer = create_case(tmp_path / "case", title="levels")
    shot = tmp_path / "shot.png"
    shot.write_bytes(image_bytes())
    seq = import_files(writer, [shot]).events[0].seq
    specs = [
        ControlSpec("Big", "promoted", Rect(80, 80, 160, 40)),
        ControlSpec("Small", "suppressed", Rect(10, 10, 40, 20)),
    ]
    analyze_capture(writer, seq, specs, levels=Levels(area_ratio=3.5, visual_weight_ratio=4.25))
    build_report(writer.folder, tmp_path / "r.pdf")
    flat = re.sub(r"\s+", " ", "\n".join(pdf_text(tmp_path / "r.pdf")))
    assert "area ratio 3.5, visual-weight ratio 4.25" in flat
    assert "They were set in Settings" in flat
    analyze_capture(writer, seq, specs)  # the defaults, this time
    build_report(writer.folder, tmp_path / "r2.pdf")
    flat = re.sub(r"\s+", " ", "\n".join(pdf_text(tmp_path / "r2.pdf")))
    assert "Not every analysis used the same levels" not in flat  # only the latest is shown
    assert "area ratio 2, visual-weight ratio 2" in flat
