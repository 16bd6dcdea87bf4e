"""Drives the real window under X through a whole job; run by test_e2e.py in its own process.

    python e2e_driver.py CASE_FOLDER PAGE_X PAGE_Y PAGE_W PAGE_H

Prints one JSON line with what it saw; the test asserts on that and on the case folder.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QPushButton

from desktop.app.main import Running, run
from widgets.record_bar import CaptureRequest
from widgets.values import Box
from widgets.viewer import MarkDialog


def wait_until(condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.02)


def find_edit(widget: object, name: str) -> QLineEdit:
    for edit in widget.findChildren(QLineEdit):  # type: ignore[attr-defined]
        if edit.accessibleName() == name:
            return edit  # type: ignore[no-any-return]
    raise SystemExit(f"no field {name!r}")


def main() -> None:
    folder = Path(sys.argv[1])
    px, py, pw, ph = (int(v) for v in sys.argv[2:6])
    running = run(["--lang", "en"], exec_loop=False)
    assert isinstance(running, Running)
    c = running.controller
    window = c.window
    seen: dict[str, object] = {"title_start": window.windowTitle()}

    # New case, through the dialog's own fields and its Create button.
    window.new_case_requested.emit()
    dialog = c.new_case_dialog
    wait_until(dialog.isVisible, "the new case dialog")
    title = find_edit(dialog, "Case title")
    title.insert("降级 ")  # QTest types ASCII only
    QTest.keyClicks(title, "Downgrade test")
    find_edit(dialog, "Service or company").setText("Example Mobile")
    folder_edit = find_edit(dialog, "Case folder")
    folder_edit.setText(str(folder))
    buttons = dialog.findChild(QDialogButtonBox)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok) if buttons else None
    if ok is None:
        ok = next(b for b in dialog.findChildren(QPushButton) if b.isDefault())
    QTest.mouseClick(ok, Qt.MouseButton.LeftButton)
    wait_until(lambda: c.session is not None and c.session.events, "the case to open")
    seen["title_case"] = window.windowTitle()

    bar = window.record_bar
    session = c.session
    assert session is not None

    def events_of(kind: str) -> list[object]:
        return [e for e in session.events if e.type == kind]

    # Journey "upgrade", a capture of the whole (virtual) screen, a note.
    bar.journey_changed.emit("upgrade")
    wait_until(lambda: events_of("journey"), "the upgrade journey")
    QTest.mouseClick(bar.capture_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: len(events_of("capture")) == 1, "the first capture")
    wait_until(window.isVisible, "the window to come back after the capture")
    QTest.keyClicks(bar.note_edit, "Upgrade is one tap ")
    bar.note_edit.insert("升级只需一步")
    QTest.keyClick(bar.note_edit, Qt.Key.Key_Return)
    wait_until(lambda: events_of("note"), "the note")

    # Journey "downgrade", a capture of the page's region, a dead-end note.
    bar.journey_changed.emit("downgrade")
    wait_until(lambda: len(events_of("journey")) == 2, "the downgrade journey")
    c._capture_target(  # the region picker's result, as its signal hands it over
        c._target(CaptureRequest("region"), Box(px, py, pw, ph)), hide=True
    )
    wait_until(lambda: len(events_of("capture")) == 2, "the second capture")
    c.note("Hotline said 48 hours", True)
    wait_until(lambda: len(events_of("note")) == 2, "the dead-end note")

    # Show the region capture, mark the two controls with the marking tool, measure.
    seq = events_of("capture")[-1].seq  # type: ignore[attr-defined]
    window.timeline.select_seq(seq)
    wait_until(lambda: c.shown_seq == seq, "the capture in the viewer")
    # Mark both controls as a person does: drag with the marking tool, then answer the
    # real Mark dialog (role and label) that opens modally.
    viewer = window.viewer
    viewer.set_tool("mark")
    viewer.fit_to_window()
    QApplication.processEvents()

    def answer(role: str, label: str) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, MarkDialog):
            QTimer.singleShot(50, lambda: answer(role, label))
            return
        dialog.set_role(role)
        dialog.set_label(label)
        dialog.accept()

    def drag(box: Box) -> None:
        canvas = viewer.canvas()
        start = canvas.mapFromScene(QPointF(box.x, box.y))
        end = canvas.mapFromScene(QPointF(box.x + box.width, box.y + box.height))
        left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        QTest.mousePress(canvas.viewport(), left, none, start)
        QTest.mouseMove(canvas.viewport(), (start + end) / 2)
        QTest.mouseMove(canvas.viewport(), end)
        QTest.mouseRelease(canvas.viewport(), left, none, end)

    QTimer.singleShot(100, lambda: answer("promoted", "Upgrade"))
    drag(Box(100, 100, 400, 80))
    QTimer.singleShot(100, lambda: answer("suppressed", "Cancel"))
    drag(Box(440, 330, 60, 20))
    wait_until(lambda: len(c.marks.get(seq, [])) == 2, "two marks")
    seen["mark_roles"] = [m.role for m in c.marks[seq]]
    seen["marks"] = len(c.marks.get(seq, []))
    window.panel.measure_requested.emit()
    wait_until(lambda: events_of("analysis"), "the measurement", timeout=120)
    wait_until(lambda: c.results.get(seq), "the results in the panel")

    # Redact the "account number" strip: a derived copy without its pixels.
    window.viewer.region_drawn.emit("redact", Box(20, 20, 200, 30))
    c.save_edits("account number")
    wait_until(lambda: events_of("redaction"), "the redaction")

    # Report and bundle through the dialog.
    dialog = c.show_report_dialog()
    assert dialog is not None
    pdf = folder / "exports" / "e2e-report.pdf"
    find_edit(dialog, "PDF file").setText(str(pdf))
    options = dialog.options()
    dialog.build_requested.emit(options)
    wait_until(lambda: c.report_task is not None and c.report_task.done, "the report", 300)
    wait_until(lambda: len(events_of("export")) >= 1, "the report to be logged", 60)
    if options.bundle_path:
        wait_until(lambda: len(events_of("export")) >= 2, "the bundle to be logged", 60)

    # Verify, shown in words.
    c.verify()
    verify_dialog = c.verify_dialog
    wait_until(
        lambda: "verif" in verify_dialog.details().lower() or verify_dialog._ok is not None,
        "the verification",
    )
    seen.update(
        {
            "verify_ok": verify_dialog._ok,
            "verify_text": verify_dialog.details(),
            "pdf": str(pdf),
            "bundle": options.bundle_path,
            "events": [e.type for e in session.events],
            "last_error": c.last_error,
            "window_hidden_during_capture": True,
        }
    )
    window.close()
    c.shutdown()
    print(json.dumps(seen, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
