"""`--self-test`: show the window, optionally build a case's report, close; 0 when it worked."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def self_test(app: Any, controller: Any, case: Path | None) -> int:
    """Show the main window, let it paint, close it: 0 when all of that worked.

    With a case folder, also build its report the way the Report dialog does (in the report
    process) and log it: installers check that a frozen build can start that process.
    """
    import time
    from dataclasses import replace

    from PySide6.QtCore import QTimer

    window = controller.window
    ok = True
    if case is not None:
        deadline = time.monotonic() + 180
        while controller.session is None and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
        dialog = controller.show_report_dialog() if controller.session is not None else None
        if dialog is None:
            print(f"self-test failed: could not open {case}: {controller.last_error}")
            return 1
        out = case / "exports" / f"self-test-{time.time_ns()}.pdf"
        options = replace(dialog.options(), pdf_path=str(out), bundle_path=None)
        task = controller.build_report(replace(options, open_when_done=False))
        while not task.done and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
        for _ in range(50):  # let the report's callbacks run
            app.processEvents()
            time.sleep(0.01)
        ok = out.is_file() and out.stat().st_size > 1000
        print(f"self-test report {'ok' if ok else 'failed'}: {out}")
        dialog.close()
    QTimer.singleShot(300, window.close)
    QTimer.singleShot(600, app.quit)
    app.exec()
    title = window.windowTitle()
    ok = ok and ("Evidence Recorder" in title or "证据记录器" in title)
    controller.shutdown()
    print("self-test ok" if ok else "self-test failed: the window did not come up")
    return 0 if ok else 1
