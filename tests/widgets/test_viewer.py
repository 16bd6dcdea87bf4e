"""The image viewer, the mark dialog and the measurement panel: values in, signals out."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton, QRadioButton
from pytestqt.qtbot import QtBot

from widgets.values import Annotation, Box, ComparisonRow, ControlRow, Mark
from widgets.viewer import ImageViewer, MarkDialog, MeasurementPanel

SHOTS = Path("/tmp/gui/shots")


def write_png(path: Path, width: int = 400, height: int = 300) -> str:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#f1f3f5"))
    for y in range(height // 3, height // 2):
        for x in range(width // 4, 3 * width // 4):
            image.setPixelColor(x, y, QColor("#e8590c"))
    assert image.save(str(path))
    return str(path)


@pytest.fixture
def viewer(qtbot: QtBot, tmp_path: Path) -> ImageViewer:
    widget = ImageViewer()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_image(write_png(tmp_path / "capture.png"))
    return widget


def view_point(viewer: ImageViewer, x: float, y: float) -> QPoint:
    return viewer.canvas().mapFromScene(QPointF(x, y))


def drag(viewer: ImageViewer, start: QPoint, end: QPoint) -> None:
    viewport = viewer.canvas().viewport()
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(viewport, left, Qt.KeyboardModifier.NoModifier, start)
    middle = (start + end) / 2
    QTest.mouseMove(viewport, middle)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, left, Qt.KeyboardModifier.NoModifier, end)


def drawn(qtbot: QtBot, viewer: ImageViewer, start: QPoint, end: QPoint) -> list[object]:
    with qtbot.waitSignal(viewer.region_drawn, timeout=1000) as blocker:
        drag(viewer, start, end)
    assert blocker.args is not None
    return list(blocker.args)


def assert_box_close(actual: object, expected: Box, tolerance: int = 2) -> None:
    assert isinstance(actual, Box)
    for got, want in zip(
        (actual.x, actual.y, actual.width, actual.height),
        (expected.x, expected.y, expected.width, expected.height),
        strict=True,
    ):
        assert abs(got - want) <= tolerance, (actual, expected)


@pytest.mark.gui
def test_image_size_and_placeholder(viewer: ImageViewer, tmp_path: Path) -> None:
    assert viewer.image_size() == (400, 300)
    viewer.set_image(None)
    assert viewer.image_size() is None
    assert not viewer._fit_action.isEnabled()
    assert not viewer._overlay_action.isEnabled()
    viewer.set_image(str(tmp_path / "missing.png"))
    assert viewer.image_size() is None


@pytest.mark.gui
def test_zoom_buttons_change_zoom_and_emit(qtbot: QtBot, viewer: ImageViewer) -> None:
    viewer.actual_size()
    assert viewer.zoom() == pytest.approx(1.0)
    with qtbot.waitSignal(viewer.zoom_changed) as blocker:
        viewer.zoom_in()
    assert blocker.args == [pytest.approx(1.25)]
    assert viewer.zoom() == pytest.approx(1.25)
    with qtbot.waitSignal(viewer.zoom_changed):
        viewer.zoom_out()
        viewer.zoom_out()
    assert viewer.zoom() == pytest.approx(0.8)
    with qtbot.waitSignal(viewer.zoom_changed):
        viewer.fit_to_window()
    # The 400x300 image grows to fill the roughly 800x560 view.
    assert 1.5 < viewer.zoom() < 2.0
    assert viewer.canvas().horizontalScrollBar().maximum() == 0


@pytest.mark.gui
def test_keyboard_and_wheel_zoom(qtbot: QtBot, viewer: ImageViewer) -> None:
    viewer.actual_size()
    viewer.canvas().setFocus()
    with qtbot.waitSignal(viewer.zoom_changed):
        QTest.keyClick(viewer.canvas(), Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert viewer.zoom() == pytest.approx(1.25)
    with qtbot.waitSignal(viewer.zoom_changed):
        QTest.keyClick(viewer.canvas(), Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert viewer.zoom() == pytest.approx(1.0)
    # Ctrl+wheel keeps the image point under the pointer where it was (the image is larger
    # than the view at 2.5x, so there is room to scroll).
    viewer.set_zoom(2.5)
    canvas = viewer.canvas()
    canvas.centerOn(200, 150)
    anchor = view_point(viewer, 180, 140)
    wheel = QWheelEvent(
        QPointF(anchor),
        QPointF(canvas.viewport().mapToGlobal(anchor)),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    with qtbot.waitSignal(viewer.zoom_changed):
        QApplication.sendEvent(canvas.viewport(), wheel)
    assert viewer.zoom() == pytest.approx(2.5 * 1.25**2)
    assert (view_point(viewer, 180, 140) - anchor).manhattanLength() <= 2


@pytest.mark.gui
@pytest.mark.parametrize("zoom", [1.0, 2.5])
def test_mark_drag_gives_image_pixels(qtbot: QtBot, viewer: ImageViewer, zoom: float) -> None:
    viewer.set_tool("mark")
    viewer.set_zoom(zoom)
    viewer.canvas().centerOn(120, 90)
    qtbot.wait(20)  # scroll bars settle before points are mapped
    tool, box = drawn(qtbot, viewer, view_point(viewer, 100, 60), view_point(viewer, 150, 120))
    assert tool == "mark"
    assert_box_close(box, Box(100, 60, 50, 60))


@pytest.mark.gui
def test_drag_up_and_left_is_normalised(qtbot: QtBot, viewer: ImageViewer) -> None:
    viewer.set_tool("box")
    viewer.set_zoom(0.5)
    qtbot.wait(20)
    tool, box = drawn(qtbot, viewer, view_point(viewer, 300, 200), view_point(viewer, 100, 50))
    assert tool == "box"
    assert_box_close(box, Box(100, 50, 200, 150), tolerance=3)


@pytest.mark.gui
def test_drag_past_the_edge_is_clamped(qtbot: QtBot, viewer: ImageViewer) -> None:
    viewer.set_tool("redact")
    viewer.fit_to_window()
    viewer.set_zoom(1.0)  # the 400x300 image sits centred with grey around it
    qtbot.wait(20)
    tool, box = drawn(qtbot, viewer, view_point(viewer, 350, 250), view_point(viewer, 520, 390))
    assert tool == "redact"
    assert isinstance(box, Box)
    assert box.x + box.width == 400 and box.y + box.height == 300
    assert_box_close(box, Box(350, 250, 50, 50))


@pytest.mark.gui
def test_tiny_click_and_drag_outside_emit_nothing(qtbot: QtBot, viewer: ImageViewer) -> None:
    viewer.set_tool("mark")
    viewer.set_zoom(1.0)
    with qtbot.assertNotEmitted(viewer.region_drawn, wait=50):
        start = view_point(viewer, 200, 150)
        drag(viewer, start, start + QPoint(2, 1))
        drag(viewer, view_point(viewer, -60, -60), view_point(viewer, -10, -10))


@pytest.mark.gui
def test_arrow_dragged_leftwards_has_negative_dx(qtbot: QtBot, viewer: ImageViewer) -> None:
    viewer.set_tool("arrow")
    viewer.set_zoom(1.0)
    qtbot.wait(20)
    tool, box = drawn(qtbot, viewer, view_point(viewer, 300, 100), view_point(viewer, 120, 180))
    assert tool == "arrow"
    assert_box_close(box, Box(300, 100, -180, 80))


@pytest.mark.gui
def test_text_click_gives_a_point(qtbot: QtBot, viewer: ImageViewer) -> None:
    viewer.set_tool("text")
    viewer.set_zoom(2.0)
    viewer.canvas().centerOn(80, 40)
    qtbot.wait(20)
    point = view_point(viewer, 80, 40)
    with qtbot.waitSignal(viewer.region_drawn) as blocker:
        QTest.mouseClick(viewer.canvas().viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args is not None
    assert blocker.args[0] == "text"
    assert_box_close(blocker.args[1], Box(80, 40, 0, 0), tolerance=1)
    assert blocker.args[1].width == 0 and blocker.args[1].height == 0


@pytest.mark.gui
@pytest.mark.parametrize("button", [Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton])
def test_drag_pans_the_image(qtbot: QtBot, viewer: ImageViewer, button: Qt.MouseButton) -> None:
    viewer.set_tool("pan" if button == Qt.MouseButton.LeftButton else "box")
    viewer.set_zoom(4.0)
    viewer.canvas().centerOn(200, 150)
    qtbot.wait(20)  # the scroll bars appear (and shift the view) once events run
    hbar, vbar = viewer.canvas().horizontalScrollBar(), viewer.canvas().verticalScrollBar()
    before = (hbar.value(), vbar.value())
    viewport = viewer.canvas().viewport()
    start = QPoint(400, 300)
    with qtbot.assertNotEmitted(viewer.region_drawn, wait=20):
        QTest.mousePress(viewport, button, Qt.KeyboardModifier.NoModifier, start)
        QTest.mouseMove(viewport, start + QPoint(-50, -30))
        QTest.mouseMove(viewport, start + QPoint(-100, -60))
        QTest.mouseRelease(
            viewport, button, Qt.KeyboardModifier.NoModifier, start + QPoint(-100, -60)
        )
    assert (hbar.value() - before[0], vbar.value() - before[1]) == (100, 60)


@pytest.mark.gui
def test_tools_are_exclusive(viewer: ImageViewer) -> None:
    assert viewer.current_tool() == "pan"
    viewer.set_tool("redact")
    assert viewer.current_tool() == "redact"
    QTest.keyClick(viewer.canvas(), Qt.Key.Key_A)
    assert viewer.current_tool() == "arrow"
    with pytest.raises(ValueError):
        viewer.set_tool("lasso")


@pytest.mark.gui
def test_select_mark_and_delete(qtbot: QtBot, viewer: ImageViewer) -> None:
    viewer.set_zoom(1.0)
    marks = [
        Mark("Upgrade", "promoted", Box(100, 100, 200, 50)),
        Mark("Cancel", "suppressed", Box(20, 250, 60, 15)),
    ]
    viewer.set_marks(marks)
    viewer.set_tool("pan")
    # Delete with nothing selected asks for nothing.
    with qtbot.assertNotEmitted(viewer.mark_remove_requested, wait=20):
        QTest.keyClick(viewer.canvas(), Qt.Key.Key_Delete)
    with qtbot.waitSignal(viewer.mark_selected) as selected:
        QTest.mouseClick(
            viewer.canvas().viewport(), Qt.MouseButton.LeftButton, pos=view_point(viewer, 50, 257)
        )
    assert selected.args == [1]
    with qtbot.waitSignal(viewer.mark_remove_requested) as removed:
        QTest.keyClick(viewer.canvas(), Qt.Key.Key_Delete)
    assert removed.args == [1]
    QTest.mouseClick(
        viewer.canvas().viewport(), Qt.MouseButton.LeftButton, pos=view_point(viewer, 150, 120)
    )
    with qtbot.waitSignal(viewer.mark_remove_requested) as removed:
        QTest.keyClick(viewer.canvas(), Qt.Key.Key_Backspace)
    assert removed.args == [0]


@pytest.mark.gui
def test_overlay_toggle(viewer: ImageViewer, tmp_path: Path) -> None:
    original = viewer.image_path()
    assert original is not None
    assert not viewer._overlay_action.isEnabled()
    viewer.set_show_overlay(True)
    assert not viewer.showing_overlay()
    overlay = write_png(tmp_path / "overlay.png", 200, 150)  # half size still lines up
    viewer.set_image(original, overlay)
    assert viewer._overlay_action.isEnabled()
    viewer._overlay_action.trigger()
    assert viewer.showing_overlay()
    assert viewer.image_size() == (400, 300)
    viewer.set_image(original)
    assert not viewer._overlay_action.isEnabled()
    assert not viewer.showing_overlay()


@pytest.mark.gui
def test_large_image_keeps_its_pixels(qtbot: QtBot, tmp_path: Path) -> None:
    widget = ImageViewer()
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_image(write_png(tmp_path / "4k.png", 3840, 2160))
    assert widget.image_size() == (3840, 2160)
    assert widget.zoom() < 0.3  # fitted on load
    widget.set_tool("mark")
    _, box = drawn(qtbot, widget, view_point(widget, 1000, 500), view_point(widget, 3000, 1500))
    assert_box_close(box, Box(1000, 500, 2000, 1000), tolerance=5)


@pytest.mark.gui
def test_mark_dialog_builds_the_mark(qtbot: QtBot) -> None:
    dialog = MarkDialog(None, ["Upgrade now", "Cancel subscription"], role="promoted")
    qtbot.addWidget(dialog)
    assert dialog.role() == "promoted"
    dialog.findChildren(QRadioButton)[1].setChecked(True)
    dialog.set_label("  Cancel subscription ")
    dialog.accept()
    box = Box(10, 20, 30, 40)
    assert dialog.mark(box) == Mark("Cancel subscription", "suppressed", box, "user")


@pytest.mark.gui
def test_mark_dialog_needs_a_role_but_not_a_label(qtbot: QtBot) -> None:
    dialog = MarkDialog(None, [], role="", label="")
    qtbot.addWidget(dialog)
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.set_role("other")
    assert ok.isEnabled()
    assert dialog.mark(Box(0, 0, 5, 5)).label == ""


def sample_results() -> tuple[list[ControlRow], list[ComparisonRow], list[str]]:
    controls = [
        ControlRow(
            "c1", "Upgrade now", "promoted", Box(40, 300, 700, 120), 23_400.0,
            "#ffffff", "#e8590c", "#f8f9fa", 3.52, 3.1, 1_254_000.0,
        ),
        ControlRow(
            "c2", "Cancel subscription", "suppressed", Box(300, 900, 180, 30), 1_350.0,
            "#adb5bd", "#f8f9fa", "#f8f9fa", 2.07, None, 41_000.0,
        ),
    ]  # fmt: skip
    comparisons = [
        ComparisonRow(
            "c1", "c2", 17.3, (15.9, 18.8), 30.6, True,
            (
                "“Upgrade now” is 17.3 times the area of “Cancel subscription”.",
                "Its text contrast is 3.52:1 against 2.07:1.",
            ),
        ),
        ComparisonRow("c1", "c3", 1.1, (0.9, 1.3), 1.2, False, ("About the same size.",)),
    ]  # fmt: skip
    caveats = ["The display scale was assumed to be 2.", "The capture is a JPEG (lossy)."]
    return controls, comparisons, caveats


@pytest.mark.gui
def test_panel_shows_rows_and_statements(qtbot: QtBot) -> None:
    panel = MeasurementPanel()
    qtbot.addWidget(panel)
    panel.set_results(*sample_results())
    table = panel._table
    assert table.rowCount() == 2
    assert table.item(0, 0).text() == "Upgrade now"
    assert table.item(0, 1).text() == "Promoted"
    assert table.item(0, 2).text() == "23,400"
    assert table.item(0, 3).text() == "3.52:1"
    assert table.item(1, 4).text() == "—"
    assert table.item(0, 7).text() == "#e8590c"
    text = panel._text.toPlainText()
    assert "17.3 times the area" in text
    assert "Asymmetric" in text and "Not asymmetric" in text
    assert "lossy" in text
    panel.clear()
    assert table.rowCount() == 0
    assert "17.3" not in panel._text.toPlainText()


@pytest.mark.gui
def test_panel_row_click_emits_control_id(qtbot: QtBot) -> None:
    panel = MeasurementPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 500)
    panel.show()
    panel.set_results(*sample_results())
    table = panel._table
    rect = table.visualItemRect(table.item(1, 0))
    with qtbot.waitSignal(panel.row_selected) as blocker:
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["c2"]
    with qtbot.assertNotEmitted(panel.row_selected, wait=20):
        panel.select_control("c1")
    assert table.currentRow() == 0 or table.selectedItems()[0].row() == 0


@pytest.mark.gui
def test_panel_buttons_busy_and_cancel(qtbot: QtBot) -> None:
    panel = MeasurementPanel()
    qtbot.addWidget(panel)
    panel.show()
    buttons = {b.text().replace("&", ""): b for b in panel.findChildren(QPushButton)}
    with qtbot.waitSignal(panel.find_requested):
        QTest.mouseClick(buttons["Find controls"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.measure_requested):
        QTest.mouseClick(buttons["Measure"], Qt.MouseButton.LeftButton)
    panel.set_busy(True, "Measuring 2 controls…")
    assert not buttons["Find controls"].isEnabled()
    assert not buttons["Measure"].isEnabled()
    assert panel.is_busy()
    assert panel._busy_label.text() == "Measuring 2 controls…"
    with qtbot.assertNotEmitted(panel.measure_requested, wait=20):
        QTest.mouseClick(buttons["Measure"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.cancel_requested):
        QTest.mouseClick(buttons["Cancel"], Qt.MouseButton.LeftButton)
    panel.set_busy(False)
    assert buttons["Measure"].isEnabled() and not panel.is_busy()


@pytest.mark.gui
def test_screenshots(qtbot: QtBot, tmp_path: Path) -> None:
    """Renders the viewer with marks and the panel for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    viewer = ImageViewer()
    qtbot.addWidget(viewer)
    viewer.resize(900, 620)
    viewer.show()
    qtbot.waitExposed(viewer)
    viewer.set_image(write_png(tmp_path / "shot.png", 1200, 800))
    viewer.set_marks(
        [
            Mark("Upgrade now", "promoted", Box(300, 267, 600, 133)),
            Mark("取消订阅", "suppressed", Box(40, 700, 140, 30)),
            Mark("Banner", "other", Box(10, 10, 300, 60)),
        ]
    )
    viewer.set_annotations(
        [
            Annotation("box", Box(700, 550, 200, 100)),
            Annotation("arrow", Box(500, 650, -300, 60)),
            Annotation("text", Box(520, 620, 0, 0), "Cancel is hidden here"),
            Annotation("redact", Box(950, 40, 200, 40)),
        ]
    )
    viewer.select_mark(1)
    qtbot.wait(50)  # let the scroll bars settle after fitting
    assert viewer.grab().save(str(SHOTS / "viewer_en.png"))
    panel = MeasurementPanel()
    qtbot.addWidget(panel)
    panel.resize(640, 520)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_results(*sample_results())
    panel.set_busy(True, "Measuring 2 controls…")
    qtbot.wait(50)
    assert panel.grab().save(str(SHOTS / "panel_en.png"))
    dialog = MarkDialog(None, ["Upgrade now", "Cancel subscription"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.wait(50)
    assert dialog.grab().save(str(SHOTS / "mark_dialog_en.png"))
