"""The record bar: journey, target, capture (with delay), interval, pause and quick notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QToolButton,
    QWidget,
)

from desktop.vocab import STANDARD_JOURNEYS, Journey, TargetKind
from widgets.values import MIN_INTERVAL_S

TARGET_KINDS = tuple(TargetKind)
BUILT_IN_JOURNEYS = STANDARD_JOURNEYS
MAX_DELAY_S = 30
MAX_INTERVAL_S = 3600.0
_MONITOR_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class CaptureRequest:
    """What the person asked to capture, as the bar hands it to the app.

    monitor_index is 1-based (mss numbering, as core's CaptureTarget.monitor expects): the
    n-th label given to set_monitors() is monitor n. window_id is the id given to
    set_windows(), or None when no window was chosen. delay_s is the countdown that ran
    before the request was emitted (0: none).
    """

    target: str  # one of TARGET_KINDS
    monitor_index: int | None = None
    delay_s: int = 0
    window_id: str | None = None


class _NoteEdit(QLineEdit):
    """A line edit that tells Enter from Shift+Enter (the latter marks a dead end)."""

    submitted = Signal(bool)  # dead end

    def sizeHint(self) -> QSize:
        # Wide enough for the whole placeholder, which is the only instruction it has.
        hint = super().sizeHint()
        wanted = self.fontMetrics().horizontalAdvance(self.placeholderText()) + 36
        return QSize(max(hint.width(), wanted), hint.height())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.submitted.emit(shift)
            event.accept()
            return
        super().keyPressEvent(event)


class _ElidingCombo(QComboBox):
    """A combo box that shortens a long current text with "…" instead of cutting it off."""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox,
            option,
            QStyle.SubControl.SC_ComboBoxEditField,
            self,
        )
        option.currentText = self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideRight, field.width() - 4
        )
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class _WindowCombo(_ElidingCombo):
    """A combo box that asks for a fresh window list just before it opens."""

    about_to_open = Signal()

    def showPopup(self) -> None:
        # Windows come and go; a direct connection lets the app refill the list first.
        self.about_to_open.emit()
        super().showPopup()


def _separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.VLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


class RecordBar(QWidget):
    """A compact horizontal bar with everything needed while recording a journey."""

    journey_changed = Signal(str)
    capture_requested = Signal(object)  # CaptureRequest
    interval_toggled = Signal(bool, float)  # running, period in seconds
    pause_toggled = Signal(bool)
    note_submitted = Signal(str, bool)  # text, dead end
    windows_wanted = Signal()  # the window list should be refreshed (set_windows)

    def __init__(self, parent: QWidget | None = None, capture_shortcut: str = "") -> None:
        super().__init__(parent)
        self._active_journey: str | None = None
        self._monitor_labels: list[str] = []
        self._capture_shortcut = capture_shortcut
        self._last_capture: tuple[str, int, str | None] | None = None
        self._countdown_left = 0
        self._pending: CaptureRequest | None = None
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)

        self.journey_label = QLabel()
        self.journey_combo = QComboBox()
        self.journey_label.setBuddy(self.journey_combo)
        self.journey_combo.setEditable(True)
        # Enter is handled here so typed names map to canonical ones and nothing is inserted
        # behind our back.
        self.journey_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.journey_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.journey_combo.setMinimumContentsLength(9)
        self.journey_combo.activated.connect(self._on_journey_activated)
        line_edit = self.journey_combo.lineEdit()
        assert line_edit is not None
        line_edit.returnPressed.connect(self._on_journey_entered)

        self.target_combo = _ElidingCombo()
        self.target_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.target_combo.setMinimumContentsLength(14)
        self.target_combo.currentIndexChanged.connect(self._on_target_changed)

        self.window_combo = _WindowCombo()
        self.window_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.window_combo.setMinimumContentsLength(16)
        self.window_combo.about_to_open.connect(self.windows_wanted)
        self.window_combo.setVisible(False)

        self.capture_button = QPushButton()
        font = self.capture_button.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.capture_button.setFont(font)
        self.capture_button.setMinimumHeight(34)
        self.capture_button.setDefault(True)
        self.capture_button.clicked.connect(self._on_capture_clicked)

        self.delay_spin = QSpinBox()
        self.delay_spin.setRange(0, MAX_DELAY_S)

        self.interval_button = QToolButton()
        self.interval_button.setCheckable(True)
        self.interval_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.interval_button.clicked.connect(self._on_interval_clicked)
        self.interval_spin = QDoubleSpinBox()
        self.interval_spin.setRange(MIN_INTERVAL_S, MAX_INTERVAL_S)
        self.interval_spin.setDecimals(1)
        self.interval_spin.setSingleStep(0.5)
        self.interval_spin.setValue(5.0)
        # Typed periods count once the person presses Enter or leaves the field.
        self.interval_spin.setKeyboardTracking(False)
        self.interval_spin.valueChanged.connect(self._on_period_changed)

        self.pause_button = QToolButton()
        self.pause_button.setCheckable(True)
        self.pause_button.clicked.connect(self._on_pause_clicked)

        self.note_edit = _NoteEdit()
        self.note_edit.setMinimumWidth(140)
        self.note_edit.setClearButtonEnabled(True)
        self.note_edit.submitted.connect(self._on_note_submitted)
        self.dead_end_check = QCheckBox()

        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.warning_icon = QLabel()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.warning_icon.setPixmap(icon.pixmap(QSize(18, 18)))
        self.warning_icon.setVisible(False)
        self.busy_label = QLabel()
        self.busy_label.setEnabled(False)  # greyed: a hint, not a state to act on
        policy = self.busy_label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # so the bar does not jump while saving
        self.busy_label.setSizePolicy(policy)
        self.busy_label.setVisible(False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(6)
        layout.addWidget(self.journey_label)
        layout.addWidget(self.journey_combo)
        layout.addWidget(_separator())
        layout.addWidget(self.target_combo)
        layout.addWidget(self.window_combo)
        layout.addWidget(self.delay_spin)
        layout.addWidget(self.capture_button)
        layout.addWidget(_separator())
        layout.addWidget(self.interval_button)
        layout.addWidget(self.interval_spin)
        layout.addWidget(self.pause_button)
        layout.addWidget(_separator())
        layout.addWidget(self.note_edit, 1)
        layout.addWidget(self.dead_end_check)
        layout.addWidget(_separator())
        layout.addWidget(self.warning_icon)
        layout.addWidget(self.status_label)
        layout.addWidget(self.busy_label)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self._case_controls: tuple[QWidget, ...] = (
            self.journey_combo,
            self.target_combo,
            self.window_combo,
            self.capture_button,
            self.delay_spin,
            self.interval_button,
            self.interval_spin,
            self.pause_button,
            self.note_edit,
            self.dead_end_check,
        )
        self._retranslate()
        self.set_journeys([], None)

    # ----------------------------------------------------------------- text

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.journey_label.setText(self.tr("&Journey:"))
        self.journey_combo.setToolTip(
            self.tr("Journey: what you are trying to do; type a new name and press Enter")
        )
        self.journey_combo.setAccessibleName(self.tr("Journey"))
        for index in range(self.journey_combo.count()):
            name = self.journey_combo.itemData(index)
            if isinstance(name, str):
                self.journey_combo.setItemText(index, self._journey_text(name))
        if self._active_journey is not None:
            self.journey_combo.setEditText(self._journey_text(self._active_journey))
        line_edit = self.journey_combo.lineEdit()
        assert line_edit is not None
        line_edit.setPlaceholderText(self.tr("Journey"))

        self.target_combo.setToolTip(self.tr("What to capture"))
        self.target_combo.setAccessibleName(self.tr("Capture target"))
        self.window_combo.setToolTip(self.tr("The window to capture"))
        self.window_combo.setAccessibleName(self.tr("Window to capture"))
        self.window_combo.setPlaceholderText(self.tr("Choose a window"))
        self._fill_targets()

        self.delay_spin.setPrefix(self.tr("Delay "))
        self.delay_spin.setSuffix(self.tr(" s"))
        self.delay_spin.setToolTip(
            self.tr("Seconds to wait after you click Capture, to open a menu first")
        )
        self.delay_spin.setAccessibleName(self.tr("Capture delay in seconds"))
        self._show_capture_button()

        self.interval_button.setText(self.tr("Every"))
        self.interval_button.setToolTip(self.tr("Capture again and again at this period"))
        self.interval_button.setAccessibleName(self.tr("Interval capture"))
        self.interval_spin.setSuffix(self.tr(" s"))
        self.interval_spin.setToolTip(self.tr("Seconds between interval captures"))
        self.interval_spin.setAccessibleName(self.tr("Interval in seconds"))

        self._show_pause_button()

        self.note_edit.setPlaceholderText(self.tr("Type a note and press Enter"))
        self.note_edit.setToolTip(
            self.tr("Enter saves the note; Shift+Enter saves it as a dead end")
        )
        self.note_edit.setAccessibleName(self.tr("Quick note"))
        self.dead_end_check.setText(self.tr("Dead end"))
        self.dead_end_check.setToolTip(
            self.tr("Mark the next note as a dead end: this path led nowhere")
        )
        self.busy_label.setText(self.tr("Saving…"))
        self.busy_label.setToolTip(self.tr("The last capture is being written to the case"))
        self._show_status()

    def _journey_text(self, name: str) -> str:
        if name == Journey.UPGRADE:
            return self.tr("Upgrade")
        if name == Journey.DOWNGRADE:
            return self.tr("Downgrade")
        return name

    def _fill_targets(self) -> None:
        previous = self._target_choice()
        combo = self.target_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("Screen (all monitors)"), "screen")
        for number, label in enumerate(self._monitor_labels, start=1):
            text = (
                self.tr("Monitor {n}: {name}").format(n=number, name=label)
                if label
                else self.tr("Monitor {n}").format(n=number)
            )
            combo.addItem(text, "monitor")
            combo.setItemData(combo.count() - 1, number, _MONITOR_ROLE)
        combo.addItem(self.tr("Window…"), "window")
        combo.addItem(self.tr("Region…"), "region")
        combo.setCurrentIndex(max(self.target_index(*previous) if previous else -1, 0))
        combo.blockSignals(False)
        self._on_target_changed()

    def target_index(self, kind: str, monitor_index: int | None = None) -> int:
        """The target list's row for a kind (and monitor number), or -1."""
        for row in range(self.target_combo.count()):
            if self.target_combo.itemData(row) == kind and (
                kind != "monitor" or self.target_combo.itemData(row, _MONITOR_ROLE) == monitor_index
            ):
                return row
        return -1

    def set_target(self, kind: str, monitor_index: int | None = None) -> None:
        """Choose the capture target, e.g. from saved settings (no signal is emitted)."""
        row = self.target_index(kind, monitor_index)
        if row >= 0:
            self.target_combo.setCurrentIndex(row)

    def set_capture_defaults(self, kind: str, delay_s: int, interval_s: float) -> None:
        """Show the saved target, delay and interval (no signal is emitted)."""
        self.set_target(kind, 1 if kind == "monitor" else None)
        self.delay_spin.setValue(delay_s)
        self.interval_spin.blockSignals(True)
        self.interval_spin.setValue(interval_s)
        self.interval_spin.blockSignals(False)

    def _show_capture_button(self) -> None:
        if self._countdown.isActive():
            self.capture_button.setText(self.tr("{n}… Cancel").format(n=self._countdown_left))
            self.capture_button.setToolTip(
                self.tr("Capturing in {n} s; click to cancel").format(n=self._countdown_left)
            )
            self.capture_button.setAccessibleName(self.tr("Cancel the delayed capture"))
            return
        self.capture_button.setText(self.tr("Capture"))
        if self._capture_shortcut:
            tip = self.tr("Take a screenshot now ({shortcut})").format(
                shortcut=self._capture_shortcut
            )
        else:
            tip = self.tr("Take a screenshot now")
        self.capture_button.setToolTip(tip)
        self.capture_button.setAccessibleName(self.tr("Capture"))

    def _show_pause_button(self) -> None:
        if self.pause_button.isChecked():
            self.pause_button.setText(self.tr("Resume"))
            self.pause_button.setToolTip(self.tr("Resume interval and hotkey captures"))
        else:
            self.pause_button.setText(self.tr("Pause"))
            self.pause_button.setToolTip(self.tr("Pause interval and hotkey captures"))
        self.pause_button.setAccessibleName(self.pause_button.text())

    def _show_status(self) -> None:
        if self._last_capture is None or self._last_capture[1] == 0:
            self.status_label.setText(self.tr("No captures yet"))
            warning = None if self._last_capture is None else self._last_capture[2]
        else:
            time_text, count, warning = self._last_capture
            if count == 1:
                text = self.tr("Last: {time} · 1 capture").format(time=time_text)
            else:
                text = self.tr("Last: {time} · {n} captures").format(time=time_text, n=count)
            self.status_label.setText(text)
        self.warning_icon.setVisible(bool(warning))
        self.warning_icon.setToolTip(warning or "")
        self.warning_icon.setAccessibleName(self.tr("Warning about the last capture"))
        self.warning_icon.setAccessibleDescription(warning or "")

    # ------------------------------------------------------------ values in

    def set_journeys(self, names: Sequence[str], active: str | None) -> None:
        """Offer upgrade, downgrade and `names`; show `active` (no signal is emitted)."""
        combo = self.journey_combo
        combo.blockSignals(True)
        combo.clear()
        for name in dict.fromkeys([*BUILT_IN_JOURNEYS, *names]):
            if name:
                combo.addItem(self._journey_text(name), name)
        if active and combo.findData(active) < 0:
            combo.addItem(self._journey_text(active), active)
        self._active_journey = active or None
        combo.setCurrentIndex(combo.findData(active) if active else -1)
        if not active:
            combo.setEditText("")
        combo.blockSignals(False)

    def set_monitors(self, labels: Sequence[str]) -> None:
        """One entry per monitor, in mss order: labels[0] is monitor 1."""
        self._monitor_labels = list(labels)
        self._fill_targets()

    def set_windows(self, windows: Sequence[tuple[str, str]]) -> None:
        """The windows one can capture, as (id, title); the choice is kept if still there."""
        previous = self.window_combo.currentData()
        self.window_combo.blockSignals(True)
        self.window_combo.clear()
        for window_id, title in windows:
            self.window_combo.addItem(title or window_id, window_id)
            self.window_combo.setItemData(
                self.window_combo.count() - 1, title, Qt.ItemDataRole.ToolTipRole
            )
        index = self.window_combo.findData(previous) if previous is not None else -1
        self.window_combo.setCurrentIndex(index)
        self.window_combo.blockSignals(False)

    def set_capture_shortcut(self, shortcut: str) -> None:
        """The hotkey shown in the Capture button's tooltip, e.g. "Ctrl+Shift+S"."""
        self._capture_shortcut = shortcut
        self._show_capture_button()

    def set_interval_running(self, running: bool) -> None:
        """Show whether interval capture runs (no signal is emitted)."""
        self.interval_button.setChecked(running)

    def set_paused(self, paused: bool) -> None:
        """Show whether recording is paused (no signal is emitted)."""
        self.pause_button.setChecked(paused)
        self._show_pause_button()

    def set_last_capture(self, time_text: str, count: int, warning: str | None) -> None:
        """Show the last capture's time, how many there are, and why it looks wrong if it does."""
        self._last_capture = (time_text, count, warning)
        self._show_status()

    def set_busy(self, busy: bool) -> None:
        """Show that a capture is being written; clicks stay possible meanwhile."""
        self.busy_label.setVisible(busy)

    def set_enabled_for_case(self, enabled: bool) -> None:
        """Enable the controls only while a case is open."""
        if not enabled:
            self.cancel_countdown()
        for control in self._case_controls:
            control.setEnabled(enabled)
        self.setToolTip("" if enabled else self.tr("Open or create a case to record"))

    # ----------------------------------------------------------- reading out

    def capture_request(self) -> CaptureRequest:
        """The request Capture would emit now, without a delay."""
        kind, monitor = self._target_choice() or ("screen", None)
        window_id = self.window_combo.currentData() if kind == "window" else None
        return CaptureRequest(
            target=kind,
            monitor_index=monitor,
            delay_s=0,
            window_id=window_id if isinstance(window_id, str) else None,
        )

    def countdown_running(self) -> bool:
        return self._countdown.isActive()

    def cancel_countdown(self) -> None:
        """Stop a delayed capture before it fires."""
        self._countdown.stop()
        self._pending = None
        self._show_capture_button()

    def _target_choice(self) -> tuple[str, int | None] | None:
        row = self.target_combo.currentIndex()
        kind = self.target_combo.itemData(row)
        if not isinstance(kind, str):
            return None
        monitor = self.target_combo.itemData(row, _MONITOR_ROLE)
        return kind, monitor if isinstance(monitor, int) else None

    # ------------------------------------------------------------- handlers

    def _on_journey_activated(self, index: int) -> None:
        name = self.journey_combo.itemData(index)
        if isinstance(name, str):
            self._choose_journey(name)

    def _on_journey_entered(self) -> None:
        text = self.journey_combo.currentText().strip()
        if not text:
            self._show_active_journey()
            return
        name = text
        for index in range(self.journey_combo.count()):
            data = self.journey_combo.itemData(index)
            shown = self.journey_combo.itemText(index)
            if isinstance(data, str) and text.casefold() in (data.casefold(), shown.casefold()):
                name = data
                break
        self._choose_journey(name)

    def _choose_journey(self, name: str) -> None:
        combo = self.journey_combo
        if combo.findData(name) < 0:
            combo.addItem(self._journey_text(name), name)
        combo.setCurrentIndex(combo.findData(name))
        # The combo's completer and our Enter handler may both report one choice: emit once.
        if name != self._active_journey:
            self._active_journey = name
            self.journey_changed.emit(name)

    def _show_active_journey(self) -> None:
        active = self._active_journey
        index = self.journey_combo.findData(active) if active else -1
        self.journey_combo.setCurrentIndex(index)
        if index < 0:
            self.journey_combo.setEditText("")

    def _on_target_changed(self) -> None:
        choice = self._target_choice()
        is_window = choice is not None and choice[0] == "window"
        was_visible = not self.window_combo.isHidden()
        self.window_combo.setVisible(is_window)
        if is_window and not was_visible:
            self.windows_wanted.emit()

    def _on_capture_clicked(self) -> None:
        if self._countdown.isActive():
            self.cancel_countdown()
            return
        delay = self.delay_spin.value()
        request = self.capture_request()
        if delay <= 0:
            self.capture_requested.emit(request)
            return
        self._pending = CaptureRequest(
            target=request.target,
            monitor_index=request.monitor_index,
            delay_s=delay,
            window_id=request.window_id,
        )
        self._countdown_left = delay
        self._countdown.start()
        self._show_capture_button()

    def _tick(self) -> None:
        self._countdown_left -= 1
        if self._countdown_left > 0:
            self._show_capture_button()
            return
        request = self._pending
        self.cancel_countdown()
        if request is not None:
            self.capture_requested.emit(request)

    def _on_interval_clicked(self, checked: bool) -> None:
        self.interval_toggled.emit(checked, self.interval_spin.value())

    def _on_period_changed(self, period: float) -> None:
        # A running interval follows a new period at once.
        if self.interval_button.isChecked():
            self.interval_toggled.emit(True, period)

    def _on_pause_clicked(self, checked: bool) -> None:
        self._show_pause_button()
        self.pause_toggled.emit(checked)

    def _on_note_submitted(self, shift: bool) -> None:
        text = self.note_edit.text().strip()
        if not text:
            return
        dead_end = shift or self.dead_end_check.isChecked()
        self.note_edit.clear()
        self.dead_end_check.setChecked(False)
        self.note_submitted.emit(text, dead_end)


class RecordBarWindow(QWidget):
    """The record bar in its own small window that can stay above the app being recorded."""

    show_main_requested = Signal()

    def __init__(self, bar: RecordBar | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        # macOS hides tool windows when the app loses focus, which is exactly when it is used.
        self.setAttribute(Qt.WidgetAttribute.WA_MacAlwaysShowToolWindow, True)
        self.bar = bar if bar is not None else RecordBar()
        self.pin_button = QToolButton()
        self.pin_button.setCheckable(True)
        self.pin_button.setChecked(True)
        self.pin_button.toggled.connect(self.set_pinned)
        self.main_button = QToolButton()
        self.main_button.clicked.connect(self.show_main_requested)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(2)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.pin_button)
        layout.addWidget(self.main_button)
        self._retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Evidence Recorder: record"))
        self.pin_button.setText(self.tr("Pin"))
        self.pin_button.setToolTip(self.tr("Keep this bar above other windows"))
        self.pin_button.setAccessibleName(self.tr("Keep on top"))
        self.main_button.setText(self.tr("Main window"))
        self.main_button.setToolTip(self.tr("Show the main window"))
        self.main_button.setAccessibleName(self.tr("Show the main window"))

    def is_pinned(self) -> bool:
        return bool(self.windowFlags() & Qt.WindowType.WindowStaysOnTopHint)

    def set_pinned(self, pinned: bool) -> None:
        """Keep the window above all others, or let it behave like any window."""
        if pinned == self.is_pinned():
            return
        visible = self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, pinned)
        self.pin_button.setChecked(pinned)
        if visible:
            # Changing window flags hides a window; show it again where it was.
            self.show()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing the small bar must not leave the person with no window at all.
        self.show_main_requested.emit()
        super().closeEvent(event)
