"""The crash dialog: unexpected errors are logged and shown, and the window keeps running."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from types import TracebackType

log = logging.getLogger(__name__)


def install_crash_handler() -> None:
    """Unexpected errors on the GUI thread: log them and show the crash dialog, keep running."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, error, tb))
        log.critical("unexpected error:\n%s", details)
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        show_crash(details)

    sys.excepthook = hook


def show_crash(details: str) -> None:
    """Show the crash dialog over the active window (stderr without a window or when asked)."""
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None or os.environ.get("EVIDENCE_RECORDER_NO_CRASH_DIALOG"):
        print(details, file=sys.stderr)
        return
    from widgets.dialogs import CrashDialog

    dialog = CrashDialog(QApplication.activeWindow(), details)
    dialog.open()
