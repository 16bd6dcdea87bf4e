"""The window after a redaction: the measurement panel shows no text read inside it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QTableWidget, QWidget

from desktop.app.controller import Controller
from desktop.app.settings import AppSettings
from desktop.app.translations import install_translations
from desktop.core.analysis.record import analyze_capture
from desktop.core.ingest.images import import_files
from desktop.core.store.case import create_case
from desktop.core.store.log import scan_log
from tests.core.test_redact_text import DIGITS, SECRET, SECRET_REDACTION, cancel_screen
from widgets.values import Box

pytestmark = pytest.mark.gui


@pytest.fixture
def controller(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Controller]:
    monkeypatch.setenv("EVIDENCE_RECORDER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("EVIDENCE_RECORDER_NO_OPEN", "1")
    install_translations("en")
    made = Controller(AppSettings(data_folder=str(tmp_path / "data")))
    yield made
    made.shutdown()


def wait(qtbot: object, condition: object, timeout: int = 20000) -> None:
    qtbot.waitUntil(condition, timeout=timeout)  # type: ignore[attr-defined]


def panel_texts(panel: QWidget) -> str:
    texts = []
    for widget in panel.findChildren(QWidget):
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        texts.append(widget.toolTip())
        if isinstance(widget, QTableWidget):
            for row in range(widget.rowCount()):
                for column in range(widget.columnCount()):
                    item = widget.item(row, column)
                    if item is not None:
                        texts += [item.text(), item.toolTip()]
    return "\n".join(texts)


def test_the_panel_drops_redacted_text_once_the_window_saves_a_redaction(
    qtbot: object, controller: Controller, tmp_path: Path
) -> None:
    folder = tmp_path / "case"
    with create_case(folder, title="plan") as writer:
        seq = import_files(writer, [cancel_screen(tmp_path / "plan.png")]).events[0].seq
        analyze_capture(writer, seq, None)
    controller.open_case(folder)
    wait(qtbot, lambda: controller.session is not None and seq in controller.results)
    controller.show_capture(seq)
    panel = controller.window.panel
    assert SECRET in panel_texts(panel)  # the text is read from its file and shown
    controller.region_drawn("redact", Box(*SECRET_REDACTION))
    controller.save_edits(reason="account number")
    session = controller.session
    assert session is not None
    wait(qtbot, lambda: any(e.type == "redaction" for e in session.events))
    wait(qtbot, lambda: DIGITS not in panel_texts(panel))
    shown = panel_texts(panel)
    assert "Keep Premium" in shown and "[redacted]" in shown
    assert all(DIGITS not in m.label for m in controller.marks[seq])
    events = scan_log(folder / "log.jsonl").events
    assert events[-1].type == "redaction" and "keyframes" not in events[-1].data


def test_the_window_asks_whether_a_keyframe_redaction_covers_the_recording(
    qtbot: object, controller: Controller, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QCheckBox

    from tests.core.test_redact_text import recording

    folder = tmp_path / "case"
    with create_case(folder, title="video") as writer:
        keyframes = recording(writer, tmp_path)
    controller.open_case(folder)
    wait(
        qtbot,
        lambda: controller.session is not None and controller._event(keyframes[1]) is not None,
    )
    controller.show_capture(keyframes[1])
    controller.region_drawn("redact", Box(*SECRET_REDACTION))
    box = controller.window.edits_bar.findChild(QCheckBox)
    assert box is not None and not box.isHidden() and box.isChecked()
    box.click()  # this keyframe only
    controller.save_edits(reason="account number")
    session = controller.session
    assert session is not None
    wait(qtbot, lambda: any(e.type == "redaction" for e in session.events))
    redaction = [e for e in scan_log(folder / "log.jsonl").events if e.type == "redaction"][-1]
    assert redaction.data["keyframes"]["scope"] == "frame"
    assert redaction.data["keyframes"]["frames"] == [keyframes[1]]
    wait(qtbot, lambda: "keyframe only" in controller.window.statusBar().currentMessage())
