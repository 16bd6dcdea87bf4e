"""Shipped resources (samples, fonts, translations, icons), found through resource_path()."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource, from a source checkout, an installed wheel or a frozen bundle.

    PyInstaller unpacks data next to the executable (``sys._MEIPASS``); the build keeps the
    ``resources/`` folder name there, so the same relative path works in every case.
    """
    bundle_root = getattr(sys, "_MEIPASS", None)
    base = Path(bundle_root) / "resources" if bundle_root else Path(__file__).resolve().parent
    return base.joinpath(*parts)
