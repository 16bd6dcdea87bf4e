"""The record bar: values in, capture/journey/interval/note signals out."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from pytestqt.qtbot import QtBot

from widgets.record_bar import CaptureRequest, RecordBar, RecordBarWindow

JOURNEY_WORDS_ZH = {"Upgrade": "升级", "Downgrade": "降级"}


class _Translator(QTranslator):
    """Chinese for the two journey words, as a loaded translation would give them."""

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str:
        if context == "RecordBar":
            return JOURNEY_WORDS_ZH.get(source_text, "")
        return ""


@pytest.fixture
def bar(qtbot: QtBot) -> RecordBar:
    widget = RecordBar(capture_shortcut="Ctrl+Shift+S")
    qtbot.addWidget(widget)
    widget.set_monitors(["DP-1 2560×1440", "HDMI-1 1920×1080"])
    widget.set_journeys(["upgrade", "downgrade"], "upgrade")
    widget.show()
    return widget


@pytest.fixture
def chinese() -> Iterator[None]:
    translator = _Translator()
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def _choose_target(bar: RecordBar, text: str) -> None:
    index = bar.target_combo.findText(text)
    assert index >= 0, [bar.target_combo.itemText(i) for i in range(bar.target_combo.count())]
    bar.target_combo.setCurrentIndex(index)


@pytest.mark.gui
def test_capture_emits_the_chosen_monitor(qtbot: QtBot, bar: RecordBar) -> None:
    _choose_target(bar, "Monitor 2: HDMI-1 1920×1080")
    with qtbot.waitSignal(bar.capture_requested, timeout=1000) as blocker:
        qtbot.mouseClick(bar.capture_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [CaptureRequest(target="monitor", monitor_index=2, delay_s=0)]


@pytest.mark.gui
def test_capture_of_the_whole_screen_has_no_monitor(qtbot: QtBot, bar: RecordBar) -> None:
    _choose_target(bar, "Screen (all monitors)")
    with qtbot.waitSignal(bar.capture_requested, timeout=1000) as blocker:
        qtbot.mouseClick(bar.capture_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [CaptureRequest(target="screen")]
    assert "Ctrl+Shift+S" in bar.capture_button.toolTip()


@pytest.mark.gui
def test_new_monitor_list_keeps_the_chosen_monitor(qtbot: QtBot, bar: RecordBar) -> None:
    bar.set_target("monitor", 2)
    bar.set_monitors(["DP-1", "HDMI-1", "eDP-1"])
    assert bar.target_combo.currentText() == "Monitor 2: HDMI-1"
    assert bar.capture_request() == CaptureRequest(target="monitor", monitor_index=2)
    bar.set_monitors(["DP-1"])  # monitor 2 unplugged: back to the whole screen
    assert bar.capture_request() == CaptureRequest(target="screen")


@pytest.mark.gui
def test_window_target_shows_the_window_list_and_sends_its_id(qtbot: QtBot, bar: RecordBar) -> None:
    assert bar.window_combo.isHidden()
    with qtbot.waitSignal(bar.windows_wanted, timeout=1000):
        _choose_target(bar, "Window…")
    bar.set_windows([("0x1a", "Video plan – Browser"), ("0x2b", "Phone app")])
    assert bar.window_combo.isVisible()
    bar.window_combo.setCurrentIndex(bar.window_combo.findText("Phone app"))
    # A refreshed list keeps the choice.
    bar.set_windows([("0x3c", "Terminal"), ("0x2b", "Phone app")])
    with qtbot.waitSignal(bar.capture_requested, timeout=1000) as blocker:
        qtbot.mouseClick(bar.capture_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [CaptureRequest(target="window", window_id="0x2b")]


@pytest.mark.gui
def test_delayed_capture_fires_only_after_the_countdown(qtbot: QtBot, bar: RecordBar) -> None:
    _choose_target(bar, "Region…")
    bar.delay_spin.setValue(1)
    received: list[object] = []
    bar.capture_requested.connect(received.append)
    started = time.monotonic()
    with qtbot.waitSignal(bar.capture_requested, timeout=3000) as blocker:
        qtbot.mouseClick(bar.capture_button, Qt.MouseButton.LeftButton)
        assert received == []
        assert bar.countdown_running()
        assert bar.capture_button.text().startswith("1…")
    assert time.monotonic() - started >= 0.9
    assert blocker.args == [CaptureRequest(target="region", delay_s=1)]
    assert bar.capture_button.text() == "Capture"


@pytest.mark.gui
def test_second_click_cancels_the_countdown(qtbot: QtBot, bar: RecordBar) -> None:
    bar.delay_spin.setValue(1)
    qtbot.mouseClick(bar.capture_button, Qt.MouseButton.LeftButton)
    assert bar.countdown_running()
    with qtbot.assertNotEmitted(bar.capture_requested, wait=1500):
        qtbot.mouseClick(bar.capture_button, Qt.MouseButton.LeftButton)
    assert not bar.countdown_running()
    assert bar.capture_button.text() == "Capture"


@pytest.mark.gui
def test_enter_in_the_note_field_submits_and_clears(qtbot: QtBot, bar: RecordBar) -> None:
    qtbot.keyClicks(bar.note_edit, "Downgrade button is grey, 9 px text")
    with qtbot.waitSignal(bar.note_submitted, timeout=1000) as blocker:
        qtbot.keyClick(bar.note_edit, Qt.Key.Key_Return)
    assert blocker.args == ["Downgrade button is grey, 9 px text", False]
    assert bar.note_edit.text() == ""


@pytest.mark.gui
def test_blank_note_is_ignored(qtbot: QtBot, bar: RecordBar) -> None:
    qtbot.keyClicks(bar.note_edit, "   ")
    with qtbot.assertNotEmitted(bar.note_submitted):
        qtbot.keyClick(bar.note_edit, Qt.Key.Key_Return)


@pytest.mark.gui
def test_dead_end_checkbox_marks_the_note_once(qtbot: QtBot, bar: RecordBar) -> None:
    qtbot.mouseClick(bar.dead_end_check, Qt.MouseButton.LeftButton)
    assert bar.dead_end_check.isChecked()
    qtbot.keyClicks(bar.note_edit, "Chat bot loops back to the start")
    with qtbot.waitSignal(bar.note_submitted, timeout=1000) as blocker:
        qtbot.keyClick(bar.note_edit, Qt.Key.Key_Return)
    assert blocker.args == ["Chat bot loops back to the start", True]
    assert not bar.dead_end_check.isChecked()


@pytest.mark.gui
def test_shift_enter_marks_a_dead_end(qtbot: QtBot, bar: RecordBar) -> None:
    qtbot.keyClicks(bar.note_edit, "Hotline only")
    with qtbot.waitSignal(bar.note_submitted, timeout=1000) as blocker:
        qtbot.keyClick(bar.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert blocker.args == ["Hotline only", True]


@pytest.mark.gui
def test_typed_journey_and_enter_emits_its_name(qtbot: QtBot, bar: RecordBar) -> None:
    line_edit = bar.journey_combo.lineEdit()
    assert line_edit is not None
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, "cancel membership")
    with qtbot.waitSignal(bar.journey_changed, timeout=1000) as blocker:
        qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    assert blocker.args == ["cancel membership"]
    assert bar.journey_combo.findData("cancel membership") >= 0


@pytest.mark.gui
def test_typing_a_shown_word_emits_the_canonical_name(qtbot: QtBot, bar: RecordBar) -> None:
    line_edit = bar.journey_combo.lineEdit()
    assert line_edit is not None
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, "Downgrade")
    with qtbot.waitSignal(bar.journey_changed, timeout=1000) as blocker:
        qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    assert blocker.args == ["downgrade"]


@pytest.mark.gui
def test_choosing_translated_downgrade_emits_canonical_name(qtbot: QtBot, chinese: None) -> None:
    bar = RecordBar()
    qtbot.addWidget(bar)
    bar.set_journeys(["upgrade", "downgrade", "close account"], "upgrade")
    bar.show()
    combo = bar.journey_combo
    shown = [combo.itemText(i) for i in range(combo.count())]
    assert shown == ["升级", "降级", "close account"]
    assert combo.currentText() == "升级"
    combo.setFocus()
    # Down arrow picks the next entry, as a person using the keyboard would.
    with qtbot.waitSignal(bar.journey_changed, timeout=1000) as blocker:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert blocker.args == ["downgrade"]
    assert combo.currentText() == "降级"


@pytest.mark.gui
def test_set_journeys_does_not_emit(qtbot: QtBot, bar: RecordBar) -> None:
    with qtbot.assertNotEmitted(bar.journey_changed):
        bar.set_journeys(["upgrade", "downgrade", "port number out"], "port number out")
    assert bar.journey_combo.currentText() == "port number out"


@pytest.mark.gui
def test_interval_toggle_emits_running_and_period(qtbot: QtBot, bar: RecordBar) -> None:
    bar.interval_spin.setValue(2.5)
    with qtbot.waitSignal(bar.interval_toggled, timeout=1000) as blocker:
        qtbot.mouseClick(bar.interval_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [True, 2.5]
    with qtbot.waitSignal(bar.interval_toggled, timeout=1000) as blocker:
        bar.interval_spin.setValue(4.0)
    assert blocker.args == [True, 4.0]
    with qtbot.waitSignal(bar.interval_toggled, timeout=1000) as blocker:
        qtbot.mouseClick(bar.interval_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [False, 4.0]
    assert bar.interval_spin.minimum() == 0.5


@pytest.mark.gui
def test_set_interval_running_reflects_without_emitting(qtbot: QtBot, bar: RecordBar) -> None:
    with qtbot.assertNotEmitted(bar.interval_toggled):
        bar.set_interval_running(True)
    assert bar.interval_button.isChecked()


@pytest.mark.gui
def test_pause_button_emits_and_relabels(qtbot: QtBot, bar: RecordBar) -> None:
    with qtbot.waitSignal(bar.pause_toggled, timeout=1000) as blocker:
        qtbot.mouseClick(bar.pause_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [True]
    assert bar.pause_button.text() == "Resume"


@pytest.mark.gui
def test_last_capture_shows_time_count_and_warning(bar: RecordBar) -> None:
    assert bar.status_label.text() == "No captures yet"
    bar.set_last_capture("10:32:05", 12, None)
    assert bar.status_label.text() == "Last: 10:32:05 · 12 captures"
    assert bar.warning_icon.isHidden()
    bar.set_last_capture("10:32:09", 13, "The capture is almost all black.")
    assert bar.status_label.text() == "Last: 10:32:09 · 13 captures"
    assert bar.warning_icon.isVisible()
    assert bar.warning_icon.toolTip() == "The capture is almost all black."


@pytest.mark.gui
def test_busy_never_blocks_capture(qtbot: QtBot, bar: RecordBar) -> None:
    bar.set_busy(True)
    assert bar.busy_label.isVisible()
    with qtbot.waitSignal(bar.capture_requested, timeout=1000):
        qtbot.mouseClick(bar.capture_button, Qt.MouseButton.LeftButton)


@pytest.mark.gui
def test_no_case_disables_everything(qtbot: QtBot, bar: RecordBar) -> None:
    bar.set_enabled_for_case(False)
    assert not bar.capture_button.isEnabled()
    assert not bar.note_edit.isEnabled()
    assert not bar.journey_combo.isEnabled()
    with qtbot.assertNotEmitted(bar.capture_requested):
        qtbot.mouseClick(bar.capture_button, Qt.MouseButton.LeftButton)
    bar.set_enabled_for_case(True)
    assert bar.capture_button.isEnabled()


@pytest.mark.gui
def test_window_pins_and_leads_back_to_the_main_window(qtbot: QtBot) -> None:
    window = RecordBarWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.is_pinned()
    assert window.windowFlags() & Qt.WindowType.Tool
    qtbot.mouseClick(window.pin_button, Qt.MouseButton.LeftButton)
    assert not window.is_pinned()
    assert window.isVisible()
    with qtbot.waitSignal(window.show_main_requested, timeout=1000):
        qtbot.mouseClick(window.main_button, Qt.MouseButton.LeftButton)


@pytest.mark.gui
def test_bar_is_compact(bar: RecordBar) -> None:
    assert bar.sizeHint().height() <= 48


def test_the_shortest_interval_is_the_capture_cores() -> None:
    from desktop.core.capture.grab import MIN_INTERVAL_S as CORE_MINIMUM
    from widgets.values import MIN_INTERVAL_S

    assert MIN_INTERVAL_S == CORE_MINIMUM
