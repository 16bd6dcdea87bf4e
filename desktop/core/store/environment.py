"""What made the evidence: OS, screens, zone, locale, versions and a hash of the program."""

from __future__ import annotations

import hashlib
import locale
import os
import platform
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import desktop
from desktop.core.store.clock import Clock

# Distributions whose versions a reader may need to reproduce a measurement or a report.
LIBRARIES = (
    "evidence-recorder",
    "PySide6-Essentials",
    "mss",
    "opencv-python-headless",
    "pillow",
    "pillow-heif",
    "reportlab",
    "numpy",
    "platformdirs",
    "tzlocal",
)


def library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _program_roots() -> list[Path]:
    """The folders of the program's packages, found without importing them (no Qt here)."""
    from importlib.util import find_spec

    roots = []
    for name in ("desktop", "widgets", "resources"):
        spec = find_spec(name)
        if spec is not None and spec.origin:
            roots.append(Path(spec.origin).resolve().parent)
    return roots


@cache
def program_fingerprint() -> dict[str, Any]:
    """SHA-256 over the program's own files (path and content hash of each, sorted).

    From source or a wheel these are the desktop, widgets and resources packages; in a frozen
    build, the executable (which holds the compiled code) and the bundled resources.
    """
    frozen = bool(getattr(sys, "frozen", False))
    files: list[tuple[str, Path]] = []
    if frozen:
        executable = Path(sys.executable).resolve()
        files.append((executable.name, executable))
        bundle = Path(getattr(sys, "_MEIPASS", executable.parent)) / "resources"
        roots = [bundle] if bundle.is_dir() else []
    else:
        roots = _program_roots()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.append((f"{root.name}/{path.relative_to(root).as_posix()}", path))
    manifest = hashlib.sha256()
    for name, path in sorted(files):
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        manifest.update(f"{digest}  {name}\n".encode())
    return {
        "sha256": manifest.hexdigest(),
        "files": len(files),
        "frozen": frozen,
        "method": "sha256 of lines '<sha256>  <path>' for each program file, sorted by path",
    }


def probe_screens() -> list[dict[str, Any]] | None:
    """Monitor geometry from mss, where a display can be reached without side effects.

    The scale factor is not known without a GUI toolkit; the window passes its own screens.
    """
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        return None
    try:
        import mss

        with mss.MSS() as grabber:
            return [
                {
                    "x": m["left"],
                    "y": m["top"],
                    "width": m["width"],
                    "height": m["height"],
                    "scale": None,
                }
                for m in grabber.monitors[1:]
            ]
    except Exception:  # noqa: BLE001 - no display or no permission: screens are unknown
        return None


def collect_environment(
    clock: Clock, screens: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The environment record; `screens` comes from the caller when it knows them."""
    try:
        current_locale = ".".join(part for part in locale.getlocale() if part) or None
    except ValueError:
        current_locale = None
    return {
        "os": {
            "system": platform.system(),
            "release": platform.release(),
            "version": platform.version(),
            "platform": platform.platform(),
            "machine": platform.machine(),
            "session_type": os.environ.get("XDG_SESSION_TYPE") or None,
        },
        "screens": screens if screens is not None else probe_screens(),
        "time_zone": clock.zone(),
        "utc_offset": clock.now().astimezone().strftime("%z"),
        "locale": current_locale,
        "language_env": os.environ.get("LANG") or None,
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
        },
        "libraries": library_versions(),
        "tool": {"name": desktop.APP_ID, "version": desktop.__version__},
        "program": program_fingerprint(),
    }
