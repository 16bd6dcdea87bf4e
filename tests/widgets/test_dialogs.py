"""Dialogs: values in, values and signals out, and the rules that enable their buttons."""

from __future__ import annotations

import os
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from widgets.dialogs import (
    CrashDialog,
    NewCaseDialog,
    NewCaseValues,
    ReportDialog,
    ReportOptions,
    SettingsDialog,
    SettingsValues,
    VerifyDialog,
    folder_name_for,
)

W = TypeVar("W", bound=QWidget)

# The offscreen platform cannot pass a window's size limits on, and says so whenever a shown
# dialog's layout changes them; real platforms do not. Every other Qt warning still fails.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

PARENT = os.path.join(os.sep, "home", "li", "Evidence")


def named(root: QWidget, kind: type[W], name: str) -> W:
    """The one child of `kind` a screen reader announces as `name`."""
    found = [w for w in root.findChildren(kind) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} {kind.__name__} named {name!r}"
    return found[0]


def checkbox(root: QWidget, part: str) -> QCheckBox:
    return next(c for c in root.findChildren(QCheckBox) if part in c.text())


def button(root: QWidget, text: str) -> QPushButton:
    found = [b for b in root.findChildren(QPushButton) if b.text().replace("&", "") == text]
    assert len(found) == 1, f"{len(found)} buttons {text!r}"
    return found[0]


def visible_texts(root: QWidget) -> list[str]:
    return [label.text() for label in root.findChildren(QLabel) if label.isVisibleTo(root)]


# ------------------------------------------------------------------------------------------
# folder names


@pytest.mark.gui
@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("China Mobile: downgrade 59 → 8 yuan", "China-Mobile-downgrade-59-8-yuan"),
        ("视频会员：自动续费 取消", "视频会员-自动续费-取消"),
        ('a/b\\c<d>e|f?g*h"i', "a-b-c-d-e-f-g-h-i"),
        ("   ", "case"),
        ("...", "case"),
        ("CON", "CON-case"),
        ("x" * 100, "x" * 60),
    ],
)
def test_folder_name_keeps_letters_and_drops_what_file_systems_refuse(
    title: str, name: str
) -> None:
    assert folder_name_for(title) == name


# ------------------------------------------------------------------------------------------
# NewCaseDialog


@pytest.fixture
def new_case(qtbot: QtBot) -> NewCaseDialog:
    dialog = NewCaseDialog(None, PARENT)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.mark.gui
def test_new_case_needs_a_title_that_is_not_only_spaces(
    qtbot: QtBot, new_case: NewCaseDialog
) -> None:
    create = button(new_case, "Create case")
    title = named(new_case, QLineEdit, "Case title")
    assert not create.isEnabled()
    qtbot.keyClicks(title, "   ")
    assert not create.isEnabled()
    qtbot.keyClicks(title, "Downgrade")
    assert create.isEnabled()
    title.clear()
    assert not create.isEnabled()


@pytest.mark.gui
def test_new_case_values_are_stripped(qtbot: QtBot, new_case: NewCaseDialog) -> None:
    qtbot.keyClicks(named(new_case, QLineEdit, "Case title"), "  Downgrade plan  ")
    qtbot.keyClicks(named(new_case, QLineEdit, "Service or company"), " China Mobile ")
    named(new_case, QLineEdit, "Complainant").insert(" 李华 ")  # QTest types Latin-1 only
    purpose = named(new_case, QPlainTextEdit, "Purpose")
    qtbot.keyClicks(purpose, " 59 to 8 yuan ")
    purpose.insertPlainText("\n")
    assert new_case.values() == NewCaseValues(
        folder=os.path.join(PARENT, "Downgrade-plan"),
        title="Downgrade plan",
        service="China Mobile",
        complainant="李华",
        purpose="59 to 8 yuan",
    )


@pytest.mark.gui
def test_folder_follows_the_title_until_edited_by_hand(
    qtbot: QtBot, new_case: NewCaseDialog
) -> None:
    title = named(new_case, QLineEdit, "Case title")
    folder = named(new_case, QLineEdit, "Case folder")
    title.insert("视频会员")  # QTest types Latin-1 only; insert() edits as typing does
    assert folder.text() == os.path.join(PARENT, "视频会员")
    title.insert(" 取消")
    assert folder.text() == os.path.join(PARENT, "视频会员-取消")

    folder.setFocus()
    folder.end(False)
    qtbot.keyClicks(folder, "-2")
    qtbot.keyClicks(title, " again")
    assert folder.text() == os.path.join(PARENT, "视频会员-取消-2")
    assert new_case.values().folder == os.path.join(PARENT, "视频会员-取消-2")


@pytest.mark.gui
def test_browse_changes_the_parent_and_the_name_still_follows_the_title(
    qtbot: QtBot, new_case: NewCaseDialog, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    qtbot.mouseClick(button(new_case, "Browse…"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(named(new_case, QLineEdit, "Case title"), "Gym")
    assert new_case.values().folder == os.path.join(os.path.normpath(str(tmp_path)), "Gym")


@pytest.mark.gui
def test_create_emits_the_values_and_stays_open_for_an_error(
    qtbot: QtBot, new_case: NewCaseDialog
) -> None:
    qtbot.keyClicks(named(new_case, QLineEdit, "Case title"), "Gym")
    with qtbot.waitSignal(new_case.create_requested) as blocker:
        qtbot.mouseClick(button(new_case, "Create case"), Qt.MouseButton.LeftButton)
    assert blocker.args == [new_case.values()]
    assert new_case.isVisible()

    new_case.set_error("Could not create the folder: permission denied.")
    assert "Could not create the folder: permission denied." in visible_texts(new_case)
    assert new_case.isVisible()
    # Changing what caused the error clears it.
    qtbot.keyClicks(named(new_case, QLineEdit, "Case folder"), "x")
    assert "Could not create the folder: permission denied." not in visible_texts(new_case)


@pytest.mark.gui
def test_enter_creates_and_escape_cancels(qtbot: QtBot, new_case: NewCaseDialog) -> None:
    title = named(new_case, QLineEdit, "Case title")
    qtbot.keyClicks(title, "Gym")
    with qtbot.waitSignal(new_case.create_requested):
        qtbot.keyClick(title, Qt.Key.Key_Return)
    with qtbot.waitSignal(new_case.rejected):
        qtbot.keyClick(title, Qt.Key.Key_Escape)
    assert new_case.result() == QDialog.DialogCode.Rejected


@pytest.mark.gui
def test_new_case_tab_order_follows_the_form(qtbot: QtBot, new_case: NewCaseDialog) -> None:
    order = [
        named(new_case, QLineEdit, "Case title"),
        named(new_case, QLineEdit, "Service or company"),
        named(new_case, QLineEdit, "Complainant"),
        named(new_case, QPlainTextEdit, "Purpose"),
        named(new_case, QLineEdit, "Case folder"),
        button(new_case, "Browse…"),
    ]
    order[0].setFocus()
    for expected in order[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected


# ------------------------------------------------------------------------------------------
# ReportDialog

PDF = os.path.join(PARENT, "case", "exports", "report.pdf")


@pytest.fixture
def report(qtbot: QtBot) -> ReportDialog:
    dialog = ReportDialog(None, ["upgrade", "downgrade", "cancel"], language="zh", pdf_path=PDF)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def journey_items(dialog: ReportDialog) -> dict[str, Any]:
    journeys = named(dialog, QListWidget, "Journeys to include")
    items = [journeys.item(i) for i in range(journeys.count())]
    return {item.text(): item for item in items}


@pytest.mark.gui
def test_report_defaults(report: ReportDialog) -> None:
    assert report.options() == ReportOptions(
        language="zh",
        exhibit_prefix="A",
        bates_start=None,
        journeys=(),
        pdf_path=PDF,
        bundle_path=None,
        open_when_done=True,
    )


@pytest.mark.gui
def test_build_emits_the_chosen_options(qtbot: QtBot, report: ReportDialog) -> None:
    qtbot.mouseClick(
        next(b for b in report.findChildren(QRadioButton) if b.text() == "English"),
        Qt.MouseButton.LeftButton,
    )
    prefix = named(report, QLineEdit, "Exhibit prefix")
    prefix.selectAll()
    qtbot.keyClicks(prefix, "B")
    named(report, QSpinBox, "Bates start number").setValue(101)
    journey_items(report)["upgrade"].setCheckState(Qt.CheckState.Unchecked)
    bundle = checkbox(report, ".zip")
    bundle.setChecked(True)
    opener = checkbox(report, "Open the PDF")
    opener.setChecked(False)

    with qtbot.waitSignal(report.build_requested) as blocker:
        qtbot.mouseClick(button(report, "Build"), Qt.MouseButton.LeftButton)
    assert blocker.args == [
        ReportOptions(
            language="en",
            exhibit_prefix="B",
            bates_start=101,
            journeys=("downgrade", "cancel"),
            pdf_path=PDF,
            # Ticking the bundle proposes a name next to the PDF.
            bundle_path=PDF[: -len(".pdf")] + ".zip",
            open_when_done=False,
        )
    ]


@pytest.mark.gui
def test_build_is_disabled_without_a_journey_a_pdf_path_or_a_bundle_path(
    report: ReportDialog,
) -> None:
    build = button(report, "Build")
    for item in journey_items(report).values():
        item.setCheckState(Qt.CheckState.Unchecked)
    assert not build.isEnabled()
    assert "Tick at least one journey." in visible_texts(report)
    journey_items(report)["cancel"].setCheckState(Qt.CheckState.Checked)
    assert build.isEnabled()

    named(report, QLineEdit, "PDF file").clear()
    assert not build.isEnabled()
    named(report, QLineEdit, "PDF file").setText(PDF)
    checkbox(report, ".zip").setChecked(True)
    named(report, QLineEdit, "Bundle file").clear()
    assert not build.isEnabled()


@pytest.mark.gui
def test_report_tab_order_follows_the_form(qtbot: QtBot, report: ReportDialog) -> None:
    chinese = next(b for b in report.findChildren(QRadioButton) if b.text() == "中文")
    order: list[QWidget] = [
        chinese,  # the checked language button; Tab leaves the radio group at once
        named(report, QListWidget, "Journeys to include"),
        named(report, QLineEdit, "Exhibit prefix"),
        named(report, QSpinBox, "Bates start number"),
        named(report, QLineEdit, "PDF file"),
    ]
    chinese.setFocus()
    for expected in order[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected


@pytest.mark.gui
def test_report_without_journeys_takes_the_whole_case(qtbot: QtBot) -> None:
    dialog = ReportDialog(None, [], language="en", pdf_path=PDF)
    qtbot.addWidget(dialog)
    assert dialog.options().journeys == ()
    assert dialog.options().language == "en"
    assert button(dialog, "Build").isEnabled()


@pytest.mark.gui
def test_browse_for_the_pdf_adds_the_extension(
    qtbot: QtBot, report: ReportDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = os.path.join(PARENT, "exhibit")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (chosen, ""))
    qtbot.mouseClick(
        next(b for b in report.findChildren(QPushButton) if b.toolTip().endswith("the PDF")),
        Qt.MouseButton.LeftButton,
    )
    assert report.options().pdf_path == chosen + ".pdf"


@pytest.mark.gui
def test_running_locks_the_inputs_and_cancel_asks_once(qtbot: QtBot, report: ReportDialog) -> None:
    progress = report.findChild(QProgressBar)
    assert progress is not None
    assert not progress.isVisible()
    report.set_running(True)
    assert progress.isVisible()
    assert not named(report, QLineEdit, "PDF file").isEnabled()
    assert not button(report, "Build").isEnabled()
    assert not button(report, "Close").isEnabled()

    report.set_progress(3, 12, "Drawing pages")
    assert (progress.value(), progress.maximum()) == (3, 12)
    assert "Drawing pages (3 of 12)" in visible_texts(report)

    with qtbot.waitSignal(report.cancel_requested):
        qtbot.mouseClick(button(report, "Cancel"), Qt.MouseButton.LeftButton)
    assert not button(report, "Cancelling…").isEnabled()


@pytest.mark.gui
def test_escape_while_running_cancels_instead_of_closing(
    qtbot: QtBot, report: ReportDialog
) -> None:
    report.set_running(True)
    with qtbot.waitSignal(report.cancel_requested):
        qtbot.keyClick(report, Qt.Key.Key_Escape)
    assert report.isVisible()


@pytest.mark.gui
def test_finished_shows_the_message_and_allows_another_build(
    qtbot: QtBot, report: ReportDialog
) -> None:
    report.set_running(True)
    report.set_finished("Report written: report.pdf (18 pages).", ok=True)
    assert any("Report written: report.pdf (18 pages)." in t for t in visible_texts(report))
    assert named(report, QLineEdit, "PDF file").isEnabled()
    assert button(report, "Build").isEnabled()
    assert not button(report, "Cancel").isVisible()
    with qtbot.waitSignal(report.rejected):
        qtbot.mouseClick(button(report, "Close"), Qt.MouseButton.LeftButton)


# ------------------------------------------------------------------------------------------
# VerifyDialog


@pytest.fixture
def verify(qtbot: QtBot) -> VerifyDialog:
    dialog = VerifyDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.mark.gui
def test_verify_success_says_so_and_lists_nothing(verify: VerifyDialog) -> None:
    verify.show_result(True, "42 files and 318 log lines checked.", [])
    texts = visible_texts(verify)
    assert any("Everything verifies: no file or log line has changed" in t for t in texts)
    assert "42 files and 318 log lines checked." in texts
    assert not named(verify, QPlainTextEdit, "Problems").isVisible()


@pytest.mark.gui
@pytest.mark.parametrize(
    ("problems", "headline"),
    [
        (["originals/0007.png has changed"], "1 problem found"),
        (["originals/0007.png has changed", "log line 212: chain broken"], "2 problems found"),
        ([], "The case does not verify"),
    ],
)
def test_verify_failure_counts_and_lists_the_problems(
    verify: VerifyDialog, problems: list[str], headline: str
) -> None:
    verify.show_result(False, "42 files checked.", problems)
    assert any(t.endswith(headline) for t in visible_texts(verify))
    box = named(verify, QPlainTextEdit, "Problems")
    assert box.isVisible() == bool(problems)
    assert box.isReadOnly()
    for problem in problems:
        assert problem in box.toPlainText()


@pytest.mark.gui
def test_verify_copy_puts_the_details_on_the_clipboard(qtbot: QtBot, verify: VerifyDialog) -> None:
    QApplication.clipboard().clear()
    verify.show_result(False, "42 files checked.", ["log line 212: chain broken"])
    qtbot.mouseClick(button(verify, "Copy details"), Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert "1 problem found" in copied
    assert "42 files checked." in copied
    assert "log line 212: chain broken" in copied


# ------------------------------------------------------------------------------------------
# SettingsDialog

CHANGED = SettingsValues(
    capture_target="window",
    interval_seconds=2.5,
    delay_seconds=7,
    change_threshold=0.0012,
    hotkey_capture="Ctrl+Alt+S",
    hotkey_note="Ctrl+Alt+N",
    hotkey_pause="",
    area_ratio_threshold=3.0,
    weight_ratio_threshold=1.5,
    tsa_url="https://tsa.example.org/tsr",
    tsa_roots=(os.path.join(PARENT, "root-a.pem"), os.path.join(PARENT, "root-b.der")),
    timestamp_after_session=True,
    language="zh",
    data_folder=PARENT,
)


def settings_dialog(qtbot: QtBot, values: SettingsValues) -> SettingsDialog:
    dialog = SettingsDialog(None, values)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.mark.gui
@pytest.mark.parametrize("values", [SettingsValues(), CHANGED])
def test_settings_round_trip(qtbot: QtBot, values: SettingsValues) -> None:
    dialog = settings_dialog(qtbot, values)
    assert dialog.values() == values
    assert dialog.errors() == []
    assert button(dialog, "OK").isEnabled()


@pytest.mark.gui
def test_default_settings_are_the_documented_ones() -> None:
    defaults = SettingsValues()
    assert defaults.change_threshold == 0.0005  # shown as 0.05 %
    assert (defaults.hotkey_capture, defaults.hotkey_note, defaults.hotkey_pause) == (
        "Ctrl+Shift+F9",
        "Ctrl+Shift+F10",
        "Ctrl+Shift+F11",
    )
    assert defaults.tsa_url == ""
    assert defaults.tsa_roots == ()
    assert defaults.timestamp_after_session is False  # off by default
    assert (defaults.area_ratio_threshold, defaults.weight_ratio_threshold) == (2.0, 2.0)


@pytest.mark.gui
def test_change_threshold_is_edited_as_a_percentage(qtbot: QtBot) -> None:
    dialog = settings_dialog(qtbot, SettingsValues())
    spin = named(dialog, QDoubleSpinBox, "Change threshold in percent of pixels")
    assert spin.value() == pytest.approx(0.05)
    spin.setValue(1.0)
    assert dialog.values().change_threshold == pytest.approx(0.01)


@pytest.mark.gui
def test_interval_below_half_a_second_is_refused(qtbot: QtBot) -> None:
    dialog = settings_dialog(qtbot, SettingsValues(interval_seconds=0.2))
    ok = button(dialog, "OK")
    assert not ok.isEnabled()
    assert "The interval must be at least 0.5 seconds." in visible_texts(dialog)
    # Enter does not accept while the value is refused.
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.isVisible()

    spin = named(dialog, QDoubleSpinBox, "Interval in seconds")
    spin.setValue(0.5)
    assert ok.isEnabled()
    assert "The interval must be at least 0.5 seconds." not in visible_texts(dialog)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.values().interval_seconds == 0.5


@pytest.mark.gui
def test_errors_on_another_tab_are_named_below_the_tabs(qtbot: QtBot) -> None:
    dialog = settings_dialog(qtbot, SettingsValues(interval_seconds=0.2, tsa_url="tsa.org"))
    texts = "\n".join(visible_texts(dialog))
    assert "Trusted time: The address must start with https:// or http://." in texts
    # The open Capture tab shows its error beside the field, not a second time below.
    assert "Capture: The interval" not in texts
    assert "The interval must be at least 0.5 seconds." in texts


@pytest.mark.gui
def test_the_same_hotkey_twice_is_refused(qtbot: QtBot) -> None:
    dialog = settings_dialog(qtbot, SettingsValues())
    note = named(dialog, QKeySequenceEdit, "Hotkey: add a note")
    note.setKeySequence(QKeySequence("Ctrl+Shift+F9"))
    assert not button(dialog, "OK").isEnabled()
    assert any("is used for two actions" in e for e in dialog.errors())
    note.clear()
    assert button(dialog, "OK").isEnabled()
    assert dialog.values().hotkey_note == ""


@pytest.mark.gui
def test_a_timestamp_address_must_be_a_web_address(qtbot: QtBot) -> None:
    dialog = settings_dialog(qtbot, SettingsValues())
    tsa = named(dialog, QLineEdit, "Timestamp authority address")
    tsa.setText("tsa.example.org")
    assert not button(dialog, "OK").isEnabled()
    tsa.setText("http://tsa.example.org/tsr")
    assert button(dialog, "OK").isEnabled()


@pytest.mark.gui
def test_the_session_timestamp_is_offered_only_with_an_authority(qtbot: QtBot) -> None:
    dialog = settings_dialog(qtbot, SettingsValues(timestamp_after_session=True))
    session = checkbox(dialog, "Timestamp at the end of every recording session")
    assert not session.isEnabled()  # no authority: nothing to ask
    assert dialog.values().timestamp_after_session is False
    tsa = named(dialog, QLineEdit, "Timestamp authority address")
    tsa.setText("https://tsa.example.org/tsr")
    assert session.isEnabled()
    session.setChecked(True)
    assert dialog.values().timestamp_after_session is True
    tsa.setText("tsa.example.org")  # not an address: not offered either
    assert not session.isEnabled()
    assert dialog.values().timestamp_after_session is False
    tsa.setText("")
    assert dialog.values() == SettingsValues()


@pytest.mark.gui
def test_trusted_root_files_are_added_and_removed(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = settings_dialog(qtbot, SettingsValues())
    chosen = [os.path.join(PARENT, "tsa-root.pem"), os.path.join(PARENT, "other.der")]
    monkeypatch.setattr(
        "widgets.dialogs.QFileDialog.getOpenFileName",
        lambda *args, **kwargs: (chosen.pop(0), ""),
    )
    add, remove = button(dialog, "Add…"), button(dialog, "Remove")
    assert not remove.isEnabled()
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    roots = dialog.values().tsa_roots
    assert roots == (os.path.join(PARENT, "tsa-root.pem"), os.path.join(PARENT, "other.der"))
    listing = named(dialog, QListWidget, "Trusted root certificates")
    listing.setCurrentRow(0)
    assert remove.isEnabled()
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert dialog.values().tsa_roots == (os.path.join(PARENT, "other.der"),)


@pytest.mark.gui
def test_restore_defaults_puts_back_the_given_defaults(qtbot: QtBot) -> None:
    defaults = SettingsValues(data_folder=PARENT)
    dialog = SettingsDialog(None, CHANGED, defaults=defaults)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.restore_defaults, Qt.MouseButton.LeftButton)
    assert dialog.values() == defaults


@pytest.mark.gui
def test_settings_escape_cancels(qtbot: QtBot) -> None:
    dialog = settings_dialog(qtbot, SettingsValues())
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)


# ------------------------------------------------------------------------------------------
# CrashDialog

TRACEBACK = 'Traceback (most recent call last):\n  File "x.py", line 1\nOSError: disk full\n'


@pytest.mark.gui
def test_crash_dialog_reassures_and_hides_details_until_asked(qtbot: QtBot) -> None:
    dialog = CrashDialog(None, TRACEBACK)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert any("Your case is safe" in t for t in visible_texts(dialog))
    details = named(dialog, QPlainTextEdit, "Error details")
    assert details.toPlainText() == TRACEBACK
    assert details.isReadOnly()
    assert not details.isVisible()
    dialog.set_details_visible(True)
    assert details.isVisible()


@pytest.mark.gui
def test_crash_copy_puts_the_traceback_on_the_clipboard(qtbot: QtBot) -> None:
    dialog = CrashDialog(None, TRACEBACK)
    qtbot.addWidget(dialog)
    QApplication.clipboard().clear()
    qtbot.mouseClick(button(dialog, "Copy details"), Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == TRACEBACK
    assert button(dialog, "Copied")


@pytest.mark.gui
def test_crash_close_and_escape_close(qtbot: QtBot) -> None:
    dialog = CrashDialog(None, TRACEBACK)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(button(dialog, "Close"), Qt.MouseButton.LeftButton)
    dialog.show()
    with qtbot.waitSignal(dialog.rejected):
        QTimer.singleShot(0, lambda: qtbot.keyClick(dialog, Qt.Key.Key_Escape))
