"""Qt translations of the window (English source, Simplified Chinese .ts) and Qt's own."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop.core.i18n import set_language
from resources import resource_path

log = logging.getLogger(__name__)

TS_NAME = "evidence_recorder_zh_CN"


def choose_language(setting: str) -> str:
    """ "en" or "zh": the setting, or the system's language when it says "system"."""
    if setting in ("en", "zh"):
        return setting
    names = [QLocale.system().name(), *QLocale.system().uiLanguages()]
    return "zh" if any(name.lower().startswith("zh") for name in names) else "en"


def pyside_tool(name: str) -> str | None:
    """A Qt tool PySide6 ships in its wheel ("lrelease", "lupdate"), or one on the PATH."""
    import PySide6

    folder = Path(PySide6.__file__).parent
    for candidate in (folder / name, folder / f"{name}.exe", folder / "Qt" / "bin" / name):
        if candidate.is_file():
            return str(candidate)
    return shutil.which(f"pyside6-{name}") or shutil.which(name)


def compiled_translation() -> Path | None:
    """The .qm file: shipped by the build, or compiled from the .ts on first use."""
    shipped = resource_path("i18n", f"{TS_NAME}.qm")
    source = resource_path("i18n", f"{TS_NAME}.ts")
    if shipped.is_file() and (
        not source.is_file() or shipped.stat().st_mtime >= source.stat().st_mtime
    ):
        return shipped
    if not source.is_file():
        return None
    tool = pyside_tool("lrelease")
    if tool is None:
        log.warning("no lrelease found: the window stays in English")
        return None
    cache = Path(tempfile.gettempdir()) / f"evidence-recorder-qm-{int(source.stat().st_mtime)}"
    cache.mkdir(exist_ok=True)
    target = cache / f"{TS_NAME}.qm"
    if not target.is_file():
        result = subprocess.run(
            [tool, "-silent", str(source), "-qm", str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not target.is_file():
            log.warning("lrelease failed: %s", result.stderr.strip())
            return None
    return target


_installed: list[QTranslator] = []


def install_translations(language: str) -> str:
    """Load the window's and Qt's translations for "en" or "zh"; returns the language used."""
    app = QCoreApplication.instance()
    assert app is not None, "make the QApplication first"
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    set_language(language)  # the core's messages (errors, statements) follow the window
    if language != "zh":
        return "en"
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt = QTranslator(app)
    if qt.load("qtbase_zh_CN", qt_folder):
        app.installTranslator(qt)
        _installed.append(qt)
    else:
        log.info("Qt's own Chinese translation not found in %s", qt_folder)
    ours = QTranslator(app)
    compiled = compiled_translation()
    if compiled is not None and ours.load(str(compiled)):
        app.installTranslator(ours)
        _installed.append(ours)
    else:
        log.warning("the window's Chinese translation could not be loaded")
    return "zh"
