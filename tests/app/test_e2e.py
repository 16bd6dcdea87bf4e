"""The whole job through the real window under Xvfb, with real mss capture, in its own process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from desktop.core.proof.verify import verify_case
from desktop.core.store.log import scan_log
from resources import resource_path
from tests.xserver import xvfb

DRIVER = Path(__file__).with_name("e2e_driver.py")
PAGE_WINDOW = Path(__file__).with_name("page_window.py")
ROOT = Path(__file__).resolve().parents[2]
PAGE_AT = (300, 200)
PAGE_SIZE = (640, 400)


def subscription_page(path: Path) -> Path:
    """A page with a big orange Upgrade button and a small grey Cancel link."""
    image = Image.new("RGB", PAGE_SIZE, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(resource_path("fonts", "wqy-microhei.ttc")), 32)
    small = ImageFont.truetype(str(resource_path("fonts", "wqy-microhei.ttc")), 13)
    draw.rectangle((20, 20, 219, 49), fill=(30, 30, 30))  # an "account number" to redact
    draw.rounded_rectangle((100, 100, 499, 179), radius=12, fill=(255, 87, 34))
    draw.text((200, 118), "Upgrade 升级", font=font, fill="white")
    draw.text((445, 333), "Cancel", font=small, fill=(170, 170, 170))
    image.save(path)
    return path


@pytest.mark.gui
@pytest.mark.slow
def test_the_window_records_measures_reports_and_verifies(tmp_path: Path) -> None:
    for program in ("pdftotext",):
        if shutil.which(program) is None:
            if os.environ.get("CI"):
                pytest.fail(f"{program} is not installed")
            pytest.skip(f"{program} is not installed")
    page = subscription_page(tmp_path / "page.png")
    case = tmp_path / "案件 case"
    with xvfb(1280, 800) as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "XDG_SESSION_TYPE": "x11",
            "EVIDENCE_RECORDER_CONFIG_DIR": str(tmp_path / "config"),
            "EVIDENCE_RECORDER_NO_CRASH_DIALOG": "1",
            "EVIDENCE_RECORDER_NO_OPEN": "1",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("WAYLAND_DISPLAY", None)
        shown = subprocess.Popen(
            [sys.executable, str(PAGE_WINDOW), str(page), *map(str, PAGE_AT)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert shown.stdout is not None and shown.stdout.readline().strip() == "shown"
            done = subprocess.run(
                [sys.executable, str(DRIVER), str(case), *map(str, (*PAGE_AT, *PAGE_SIZE))],
                capture_output=True,
                text=True,
                env=env,
                timeout=600,
                cwd=ROOT,
            )
        finally:
            shown.terminate()
            shown.wait(10)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "Evidence Recorder" in seen["title_start"]
    assert seen["title_case"].startswith("降级 Downgrade test")
    assert seen["marks"] == 2 and seen["mark_roles"] == ["promoted", "suppressed"]
    assert seen["verify_ok"] is True, seen["verify_text"]

    # The case folder: two journeys, two real captures, notes, marks, analysis, report.
    events = scan_log(case / "log.jsonl").events
    types = [e.type for e in events]
    for kind in ("journey", "capture", "note", "mark", "analysis", "redaction", "export"):
        assert kind in types, (kind, types)
    captures = [e for e in events if e.type == "capture"]
    assert [c.journey for c in captures] == ["upgrade", "downgrade"]
    assert all(c.data["capture"]["backend"] == "mss" for c in captures)
    notes = [e for e in events if e.type == "note"]
    assert notes[0].data["text"] == "Upgrade is one tap 升级只需一步" and notes[1].data["dead_end"]
    # The region capture holds the page's pixels exactly where the page window was.
    region = case / captures[1].data["file"]["path"]
    with Image.open(region) as image:
        got = np.asarray(image.convert("RGB"))
    with Image.open(page) as image:
        want = np.asarray(image.convert("RGB"))
    assert got.shape == want.shape and np.array_equal(got, want)
    # The whole-screen capture shows the page and nothing of the recorder (it hides itself):
    # everything outside the page is the empty (black) X root window.
    with Image.open(case / captures[0].data["file"]["path"]) as image:
        screen = np.asarray(image.convert("RGB")).copy()
    x, y = PAGE_AT
    assert np.array_equal(screen[y : y + PAGE_SIZE[1], x : x + PAGE_SIZE[0]], want)
    screen[y : y + PAGE_SIZE[1], x : x + PAGE_SIZE[0]] = 0
    assert not screen.any(), "the recorder's window appears in its own capture"
    analysis = next(e for e in events if e.type == "analysis").data
    comparison = analysis["result"]["comparisons"][0]
    assert comparison["asymmetric"] is True and comparison["area_ratio"] > 10
    assert verify_case(case).ok
    pdf = Path(seen["pdf"])
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert captures[1].data["file"]["sha256"] in text.replace("\n", "")
    assert "升级只需一步" in text and "account number" in text
