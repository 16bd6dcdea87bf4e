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
