"""The main window shell: menus, the record bar, the start page and the case page."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from widgets.record_bar import RecordBar
from widgets.start_page import StartPage
from widgets.timeline import TimelineView
from widgets.viewer import ImageViewer, MeasurementPanel


class EditsBar(QWidget):
    """Pending annotations and redactions of the shown capture, with Save and Discard.

    On a keyframe of a screen recording it also asks whether the redactions apply to every
    keyframe of the recording (the default) or to this keyframe only.
    """

    save_requested = Signal()
    discard_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = QLabel()
        self._keyframe = False
        self._all_keyframes = QCheckBox(self.tr("Redact every keyframe of this recording"))
        self._all_keyframes.setChecked(True)
        self._all_keyframes.setToolTip(
            self.tr(
                "A keyframe shows what the frames around it show, so by default the same areas "
                "are removed from every keyframe of the recording. Untick to redact this "
                "keyframe only; the log says which was chosen."
            )
        )
        self._save = QPushButton(self.tr("Save edits…"))
        self._save.setToolTip(
            self.tr("Make a redacted or annotated copy; the original never changes.")
        )
        self._discard = QPushButton(self.tr("Discard"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._all_keyframes)
        layout.addWidget(self._discard)
        layout.addWidget(self._save)
        self._save.clicked.connect(self.save_requested)
        self._discard.clicked.connect(self.discard_requested)
        self.set_count(0)

    def set_count(self, count: int, redactions: int = 0, keyframe: bool = False) -> None:
        """Show the pending edits; `keyframe` when the capture is a keyframe of a recording."""
        if keyframe != self._keyframe:
            self._all_keyframes.setChecked(True)  # each keyframe starts from the safe default
        self._keyframe = keyframe
        self._label.setText(
            self.tr("{count} unsaved edits ({redactions} redactions)").format(
                count=count, redactions=redactions
            )
        )
        self._all_keyframes.setVisible(keyframe and redactions > 0)
        self.setVisible(count > 0)

    def all_keyframes(self) -> bool:
        """Whether redactions of a keyframe apply to every keyframe of its recording."""
        return not self._keyframe or self._all_keyframes.isChecked()

    def set_all_keyframes(self, value: bool) -> None:
        self._all_keyframes.setChecked(value)


class TrayMenu(QMenu):
    """The tray icon's menu: capture, note, pause, the window, quit."""

    capture_requested = Signal()
    note_requested = Signal()
    pause_toggled = Signal(bool)
    show_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addAction(self.tr("Capture now"), self.capture_requested.emit)
        self.addAction(self.tr("Write a note…"), self.note_requested.emit)
        self.pause_action = self.addAction(self.tr("Pause"))
        self.pause_action.setCheckable(True)
        self.pause_action.toggled.connect(self.pause_toggled)
        self.addSeparator()
        self.addAction(self.tr("Show Evidence Recorder"), self.show_requested.emit)
        self.addAction(self.tr("Quit"), self.quit_requested.emit)

    def set_paused(self, paused: bool) -> None:
        self.pause_action.blockSignals(True)
        self.pause_action.setChecked(paused)
        self.pause_action.blockSignals(False)


class MainWindow(QMainWindow):
    """Menus and layout only: every action is a signal the app connects."""

    new_case_requested = Signal()
    open_case_requested = Signal()
    demo_requested = Signal()
    close_case_requested = Signal()
    report_requested = Signal()
    verify_requested = Signal()
    timestamp_requested = Signal()
    settings_requested = Signal()
    record_window_requested = Signal()
    import_requested = Signal()
    about_requested = Signal()
    hotkeys_help_requested = Signal()
    quit_requested = Signal()
    capture_now_requested = Signal()
    note_focus_requested = Signal()
    closing = Signal()

    def __init__(self, capture_shortcut: str = "F9") -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.resize(1280, 820)
        self.setMinimumSize(900, 600)
        self.record_bar = RecordBar(self, capture_shortcut=capture_shortcut)
        bar = QToolBar(self.tr("Record"), self)
        bar.setObjectName("RecordToolBar")
        bar.setMovable(False)
        bar.addWidget(self.record_bar)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.record_toolbar = bar

        self.start_page = StartPage(self)
        self.timeline = TimelineView(self)
        self.viewer = ImageViewer(self)
        self.panel = MeasurementPanel(self)
        self.edits_bar = EditsBar(self)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        viewer_split = QSplitter(Qt.Orientation.Horizontal, right)
        viewer_split.addWidget(self.viewer)
        viewer_split.addWidget(self.panel)
        viewer_split.setStretchFactor(0, 3)
        viewer_split.setStretchFactor(1, 2)
        viewer_split.setSizes([560, 400])
        right_layout.addWidget(viewer_split, 1)
        right_layout.addWidget(self.edits_bar)
        self.case_page = QSplitter(Qt.Orientation.Horizontal, self)
        self.case_page.addWidget(self.timeline)
        self.case_page.addWidget(right)
        self.case_page.setStretchFactor(0, 1)
        self.case_page.setStretchFactor(1, 3)
        self.case_page.setSizes([440, 960])
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.start_page)
        self.pages.addWidget(self.case_page)
        self.setCentralWidget(self.pages)
        self._build_menus(capture_shortcut)
        self.set_case(None)

    def _action(
        self, text: str, signal: SignalInstance | None = None, shortcut: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if signal is not None:
            action.triggered.connect(signal)
        return action

    def _build_menus(self, capture_shortcut: str) -> None:
        menu = self.menuBar()
        case = menu.addMenu(self.tr("&Case"))
        case.addAction(self._action(self.tr("&New case…"), self.new_case_requested, "Ctrl+N"))
        case.addAction(
            self._action(self.tr("&Open case folder…"), self.open_case_requested, "Ctrl+O")
        )
        case.addAction(self._action(self.tr("Open the &demo case"), self.demo_requested))
        case.addSeparator()
        self.import_action = self._action(
            self.tr("&Import screenshots or recordings…"), self.import_requested, "Ctrl+I"
        )
        self.report_action = self._action(
            self.tr("Build &report and bundle…"), self.report_requested, "Ctrl+R"
        )
        self.verify_action = self._action(self.tr("&Verify case"), self.verify_requested)
        self.timestamp_action = self._action(
            self.tr("Get a trusted &timestamp…"), self.timestamp_requested
        )
        self.close_action = self._action(self.tr("&Close case"), self.close_case_requested)
        for action in (
            self.import_action,
            self.report_action,
            self.verify_action,
            self.timestamp_action,
        ):
            case.addAction(action)
        case.addSeparator()
        case.addAction(self.close_action)
        case.addAction(self._action(self.tr("&Quit"), self.quit_requested, "Ctrl+Q"))

        record = menu.addMenu(self.tr("&Record"))
        self.capture_action = self._action(
            self.tr("&Capture now"), self.capture_now_requested, capture_shortcut
        )
        self.note_action = self._action(self.tr("Write a &note"), self.note_focus_requested, "F10")
        record.addAction(self.capture_action)
        record.addAction(self.note_action)
        record.addAction(
            self._action(
                self.tr("Show the &floating record bar"), self.record_window_requested, "F12"
            )
        )
        tools = menu.addMenu(self.tr("&Tools"))
        tools.addAction(self._action(self.tr("&Settings…"), self.settings_requested, "Ctrl+,"))
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(
            self._action(self.tr("Global &hotkeys on this computer…"), self.hotkeys_help_requested)
        )
        help_menu.addAction(self._action(self.tr("&About Evidence Recorder"), self.about_requested))
        self.case_actions = [
            self.timestamp_action,
            self.import_action,
            self.report_action,
            self.verify_action,
            self.close_action,
            self.capture_action,
            self.note_action,
        ]

    def set_case(self, title: str | None) -> None:
        """Show the case page for an open case, or the start page when none is open."""
        app_name = self.tr("Evidence Recorder")
        self.setWindowTitle(f"{title} — {app_name}" if title else app_name)
        self.pages.setCurrentIndex(1 if title else 0)
        for action in self.case_actions:
            action.setEnabled(bool(title))
        self.record_bar.set_enabled_for_case(bool(title))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)
