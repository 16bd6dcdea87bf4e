"""Boot the window in a fixed order: logging, crash handler, Qt application, language, window."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.app.crash import install_crash_handler
from desktop.app.selftest import self_test

log = logging.getLogger(__name__)


@dataclass
class Running:
    """The booted application, for tests and for main()."""

    app: Any  # QApplication
    controller: Any  # desktop.app.controller.Controller


def log_folder() -> Path:
    override = os.environ.get("EVIDENCE_RECORDER_CONFIG_DIR")
    if override:
        return Path(override) / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir("evidence-recorder", appauthor=False))


def _setup_logging(debug: bool) -> Path | None:
    """Log to a rotating file (and stderr with --debug); Qt's messages go there too."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    path: Path | None = None
    try:
        folder = log_folder()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "evidence-recorder.log"
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
        )
        root.addHandler(handler)
    except OSError as error:  # a read-only home must not stop the window
        print(f"evidence-recorder: cannot write the log file: {error}", file=sys.stderr)
    if debug:
        root.addHandler(logging.StreamHandler())
    return path


def _route_qt_messages() -> None:
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def run(argv: list[str], exec_loop: bool = True) -> Running | int:
    """Boot the whole app; with exec_loop=False return it running (for tests) instead."""
    import argparse

    parser = argparse.ArgumentParser(prog="evidence-recorder", add_help=False)
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--debug", action="store_true")
    parser.add_argument("--lang", choices=("en", "zh"))
    parser.add_argument("case", nargs="?")
    args, qt_args = parser.parse_known_args(argv)

    # 1. logging, 2. crash handler
    _setup_logging(args.debug)
    install_crash_handler()
    # Hand the interpreter lock to the GUI thread more often (1 ms, not 5 ms): reports and
    # measurements run pure Python on workers, and the window must keep answering.
    sys.setswitchinterval(0.001)
    # 3. the Qt application, before any capture backend (Windows sets DPI awareness here)
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication.instance() or QApplication(["evidence-recorder", *qt_args])
    assert isinstance(app, QApplication)
    _route_qt_messages()
    app.setApplicationName("Evidence Recorder")
    app.setOrganizationName("Evidence Recorder")
    app.setDesktopFileName("evidence-recorder")
    from resources import resource_path

    icon = resource_path("icons", "evidence-recorder.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    # 4. settings and language
    from desktop.app.settings import load_settings
    from desktop.app.translations import choose_language, install_translations

    settings = load_settings()
    language = install_translations(args.lang or choose_language(settings.language))
    # 5. the window
    from desktop.app.controller import Controller

    controller = Controller(settings, language=language)
    controller.show()
    if args.case:
        controller.open_case(Path(args.case))
    if args.self_test:
        return self_test(app, controller, Path(args.case) if args.case else None)
    if not exec_loop:
        return Running(app, controller)
    code = app.exec()
    controller.shutdown()
    return int(code)


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # a frozen build starts report processes through here
    result = run(list(sys.argv[1:] if argv is None else argv))
    assert isinstance(result, int)
    return result
