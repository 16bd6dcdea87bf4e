"""The settings file: trusted root files and the session timestamp survive a restart."""

from __future__ import annotations

import json
from pathlib import Path

from desktop.app.settings import AppSettings, load_settings, save_settings


def test_trust_settings_are_saved_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = AppSettings(
        tsa_url="https://tsa.example.org/tsr",
        tsa_roots=(str(tmp_path / "root.pem"), str(tmp_path / "other.der")),
        timestamp_after_session=True,
    )
    save_settings(settings, path)
    saved = json.loads(path.read_text("utf-8"))
    assert saved["tsa_roots"] == [str(tmp_path / "root.pem"), str(tmp_path / "other.der")]
    assert saved["timestamp_after_session"] is True
    assert load_settings(path) == settings


def test_a_hand_edited_file_never_turns_the_session_timestamp_on_by_mistake(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "tsa_url": "https://tsa.example.org/tsr",
                "timestamp_after_session": "yes",  # not a choice made in the dialog
                "tsa_roots": ["/etc/tsa-root.pem", 7, None],
            }
        ),
        "utf-8",
    )
    loaded = load_settings(path)
    assert loaded.timestamp_after_session is False
    assert loaded.tsa_roots == ("/etc/tsa-root.pem",)
    assert AppSettings().timestamp_after_session is False  # off by default


def test_the_file_carries_its_format_version_and_an_old_file_still_loads(tmp_path: Path) -> None:
    from desktop.app.settings import SETTINGS_VERSION, VERSION_KEY

    path = tmp_path / "settings.json"
    save_settings(AppSettings(area_ratio_threshold=3.0), path)
    assert json.loads(path.read_text("utf-8"))[VERSION_KEY] == SETTINGS_VERSION == 1
    assert load_settings(path).area_ratio_threshold == 3.0
    old = tmp_path / "old.json"  # written before the version: the same keys, no version
    old.write_text(json.dumps({"area_ratio_threshold": 2.5, "delay_seconds": 4}), "utf-8")
    loaded = load_settings(old)
    assert (loaded.area_ratio_threshold, loaded.delay_seconds) == (2.5, 4)
    newer = tmp_path / "newer.json"  # from a later program: the keys this one knows are read
    newer.write_text(json.dumps({VERSION_KEY: 9, "delay_seconds": 2, "later": 1}), "utf-8")
    assert load_settings(newer).delay_seconds == 2


def test_the_defaults_core_owns_come_from_core() -> None:
    from desktop.core.analysis.compare import Levels
    from desktop.core.capture.grab import DEFAULT_CHANGE_THRESHOLD

    defaults = AppSettings()
    assert defaults.change_threshold == DEFAULT_CHANGE_THRESHOLD
    assert defaults.area_ratio_threshold == Levels().area_ratio
    assert defaults.weight_ratio_threshold == Levels().visual_weight_ratio


def test_reading_and_writing_settings_needs_no_qt(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; "
        "from desktop.app.settings import AppSettings, load_settings, save_settings; "
        f"p = Path({str(tmp_path / 's.json')!r}); save_settings(AppSettings(delay_seconds=2), p); "
        "assert load_settings(p).delay_seconds == 2; "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
