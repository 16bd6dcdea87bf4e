"""Build a PDF report in a child process, so pure-Python layout never holds the window's lock.

ReportLab lays out pages in Python; on a worker thread it competes with the GUI thread for
the interpreter lock and made the window stall for 100 ms and more. A spawned process has
its own interpreter: the window only reads progress messages from a queue.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.core.errors import EvidenceError
from desktop.core.i18n import tr

log = logging.getLogger(__name__)


def _child(arguments: dict[str, Any], messages: Any) -> None:
    """Runs in the child: build the report, send progress, then the result or the error."""
    from desktop.core.export.pdf import build_report
    from desktop.core.i18n import set_language

    set_language(arguments.pop("messages_language"))
    if hasattr(os, "nice"):  # yield the CPU to the window and to captures (2-core laptops)
        with contextlib.suppress(OSError):
            os.nice(10)
    try:
        result = build_report(
            progress=lambda done, total: messages.put(("progress", done, total)), **arguments
        )
    except EvidenceError as error:
        messages.put(("failed", str(error)))
        return
    except Exception as error:  # noqa: BLE001 - an unexpected error reaches the window's crash dialog
        import traceback

        messages.put(("crashed", f"{type(error).__name__}: {error}", traceback.format_exc()))
        return
    messages.put(("done", result))


class ReportProcessError(EvidenceError):
    """The report process failed in a way the person did not cause (details in the log)."""


def build_report_in_process(
    folder: Path,
    out: Path,
    *,
    language: str,
    exhibit_prefix: str,
    bates_start: int | None,
    journeys: list[str] | None,
    progress: Callable[[int, int], None],
    cancelled: Callable[[], bool],
    tsa_roots: list[Path] | None = None,
) -> Any:
    """desktop.core.export.pdf.build_report, run in a spawned process; returns its result."""
    from desktop.core.export.pdf import ReportCancelledError, partial_path
    from desktop.core.i18n import current_language

    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    arguments = {
        "folder": folder,
        "out": out,
        "language": language,
        "exhibit_prefix": exhibit_prefix,
        "bates_start": bates_start,
        "journeys": journeys,
        "tsa_roots": list(tsa_roots or []),
        "messages_language": current_language(),
    }
    process = context.Process(target=_child, args=(arguments, messages), daemon=True)
    process.start()
    try:
        while True:
            try:
                message = messages.get(timeout=0.2)
            except queue.Empty:
                if cancelled():
                    process.terminate()
                    process.join(10)
                    if process.pid is not None:  # what the child wrote so far goes too
                        with contextlib.suppress(OSError):
                            partial_path(out, process.pid).unlink()
                    raise ReportCancelledError(
                        tr("The report was cancelled; nothing was written.")
                    ) from None
                if not process.is_alive() and messages.empty():
                    raise ReportProcessError(
                        tr(
                            "The report process stopped unexpectedly (exit code {code}). Try "
                            "again; if it happens again, see the log file.",
                            code=process.exitcode,
                        )
                    ) from None
                continue
            kind = message[0]
            if kind == "progress":
                progress(message[1], message[2])
            elif kind == "done":
                return message[1]
            elif kind == "failed":
                raise EvidenceError(message[1])
            else:
                log.error("the report process failed:\n%s", message[2])
                raise ReportProcessError(message[1])
    finally:
        process.join(30)
        messages.close()
