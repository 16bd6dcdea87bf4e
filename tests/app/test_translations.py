"""The window's Chinese translation covers every string in widgets/ and compiles."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import qt_translations  # noqa: E402


def _messages(ts: Path) -> set[tuple[str, str]]:
    found = set()
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            found.add((name, message.findtext("source", "")))
    return found


def test_every_widget_string_has_a_finished_chinese_translation(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "widgets").glob("*.py"))
    subprocess.run(
        [qt_translations._tool("lupdate"), "-locations", "none", *sources, "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    missing = _messages(fresh) - _messages(qt_translations.TS)
    assert not missing, f"run tools/qt_translations.py update and translate: {sorted(missing)}"
    assert qt_translations.unfinished() == []


def test_the_translation_compiles_and_loads(tmp_path: Path) -> None:
    from desktop.app.translations import compiled_translation

    if (
        shutil.which(qt_translations._tool("lrelease")) is None
        and not Path(qt_translations._tool("lrelease")).is_file()
    ):
        pytest.fail("lrelease is missing from PySide6")
    qm = compiled_translation()
    assert qm is not None and qm.stat().st_size > 1000
