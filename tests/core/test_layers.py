"""The core and the CLI stay Qt-free: importing them must not load PySide6."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "desktop.core.store.case",
        "desktop.core.store.log",
        "desktop.core.proof.verify",
        "desktop.core.ingest.images",
        "desktop.core.demo",
        "desktop.cli",
        "desktop",
    ],
)
def test_core_and_cli_import_without_qt(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "import desktop.cli; desktop.cli.build_parser(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'widgets')]; "
        "heavy = [m for m in ('cv2', 'reportlab') if m in sys.modules]; "
        "print(bad, heavy); sys.exit(1 if bad or heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
