"""The window's settings and recent cases: a small JSON file in the user's config folder.

Not QSettings, so the CLI never needs Qt to read them. EVIDENCE_RECORDER_CONFIG_DIR moves the
folder (tests, portable installs).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from desktop.core.analysis.compare import Levels
from desktop.core.capture.grab import DEFAULT_CHANGE_THRESHOLD
from desktop.core.store.durable import write_durable
from desktop.core.store.strictjson import strict_loads
from widgets.values import SettingsValues

log = logging.getLogger(__name__)

RECENT_LIMIT = 12
# The saved file's format: 1 added this key; a file without it is the first format (same keys).
SETTINGS_VERSION = 1
VERSION_KEY = "settings_version"


def config_dir() -> Path:
    override = os.environ.get("EVIDENCE_RECORDER_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("evidence-recorder", appauthor=False))


def default_data_folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_documents_dir()) / "Evidence Recorder"


@dataclass(frozen=True)
class AppSettings(SettingsValues):
    """What the Settings dialog edits (SettingsValues), and the recent cases, as saved.

    The defaults that core owns come from core, so the dialog's "Restore defaults", a new
    user's file and the CLI measure with the same numbers.
    """

    interval_seconds: float = 2.0  # a new user's default: one screen every 2 s
    change_threshold: float = DEFAULT_CHANGE_THRESHOLD
    area_ratio_threshold: float = Levels.area_ratio
    weight_ratio_threshold: float = Levels.visual_weight_ratio
    recent: tuple[str, ...] = field(default=())

    def with_recent(self, folder: Path) -> AppSettings:
        path = str(folder.resolve())
        recent = (path, *[p for p in self.recent if p != path])[:RECENT_LIMIT]
        return replace(self, recent=recent)

    def without_recent(self, folder: str) -> AppSettings:
        return replace(self, recent=tuple(p for p in self.recent if p != folder))

    def data_path(self) -> Path:
        return Path(self.data_folder) if self.data_folder else default_data_folder()


def load_settings(path: Path | None = None) -> AppSettings:
    """The saved settings; unknown keys are ignored and a damaged file gives the defaults.

    A file without a version is the first format; one from a newer program is read for the
    keys this one knows.
    """
    path = path or config_dir() / "settings.json"
    try:
        raw = strict_loads(path.read_bytes())
    except FileNotFoundError:
        return AppSettings()
    except (OSError, ValueError) as error:
        log.warning("settings %s unreadable (%s); using defaults", path, error)
        return AppSettings()
    version = raw.get(VERSION_KEY) if isinstance(raw, dict) else None
    if isinstance(version, int) and version > SETTINGS_VERSION:
        log.info(
            "settings %s are format %d; reading the keys of format %d",
            path,
            version,
            SETTINGS_VERSION,
        )
    known = {f.name: f for f in fields(AppSettings)}
    values: dict[str, Any] = {}
    defaults = AppSettings()
    for name, value in raw.items() if isinstance(raw, dict) else ():
        if name not in known:
            continue
        default = getattr(defaults, name)
        if isinstance(default, tuple):  # the recent cases, the trusted root files
            if isinstance(value, list):
                values[name] = tuple(str(v) for v in value if isinstance(v, str))
        elif isinstance(default, bool):
            if isinstance(value, bool):  # "yes" or 1 is not a choice the person made
                values[name] = value
        elif type(value) is type(default):
            values[name] = value
        elif isinstance(default, float) and isinstance(value, int):
            values[name] = float(value)
    return AppSettings(**values)


def save_settings(settings: AppSettings, path: Path | None = None) -> None:
    """Write the settings with their format version; a failure is logged, never raised."""
    path = path or config_dir() / "settings.json"
    data: dict[str, Any] = {VERSION_KEY: SETTINGS_VERSION, **asdict(settings)}
    data["recent"] = list(settings.recent)
    data["tsa_roots"] = list(settings.tsa_roots)
    payload = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".tmp")
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()  # left by a killed process
        write_durable(temp, payload, error_folder=path.parent)
        os.replace(temp, path)
    except Exception as error:  # noqa: BLE001 - settings must never stop the window
        log.warning("could not save settings to %s: %s", path, error)
        with contextlib.suppress(OSError):
            path.with_suffix(".tmp").unlink()
