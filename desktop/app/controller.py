"""Wires the window to the core: long work off the GUI thread, every write via one writer."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QSystemTrayIcon,
)

from desktop.app.apply import apply_settings, apply_to_bar, measurement_levels
from desktop.app.crash import show_crash
from desktop.app.hotkeys import GlobalHotkeys, HotkeyStatus
from desktop.app.session import CaptureResult, CaseSession, timeline_items
from desktop.app.settings import AppSettings, save_settings
from desktop.app.tasks import Failure, Task, TaskContext, run_in_background, shutdown_runner
from desktop.app.thumbnails import make_thumbnail
from desktop.core.capture.frame import Rect
from desktop.core.capture.grab import CaptureTarget
from desktop.core.i18n import tr
from desktop.core.proof.safepath import (
    inside_or_none,
    regular_inside_or_none,
)
from desktop.core.store.case import CaseWriter, create_case, named_files
from desktop.core.store.log import DATA_ERRORS, Event
from desktop.vocab import STANDARD_JOURNEYS, EventType, Role, TargetKind
from widgets.dialogs import (
    NewCaseDialog,
    NewCaseValues,
    ReportDialog,
    ReportOptions,
    SettingsDialog,
    VerifyDialog,
)
from widgets.main_window import MainWindow, TrayMenu
from widgets.record_bar import CaptureRequest, RecordBarWindow
from widgets.region_selector import RegionSelector
from widgets.start_page import RecentCase
from widgets.values import Annotation, Box, ComparisonRow, ControlRow, Mark
from widgets.viewer import MarkDialog

log = logging.getLogger(__name__)

HIDE_BEFORE_CAPTURE_MS = 250  # long enough for the compositor to take our windows away
# Closing a case waits for its end-of-session timestamp at most this long (then says why).
SESSION_STAMP_TIMEOUT_S = 10.0


def default_backend_factory() -> Any:
    from desktop.core.capture.backends import open_backend

    return open_backend("auto")


def control_rows(result: dict[str, Any]) -> list[ControlRow]:
    rows = []
    for control in result.get("controls", []):
        x, y, w, h = control.get("extent", [0, 0, 0, 0])
        rows.append(
            ControlRow(
                id=str(control.get("id", "")),
                label=str(control.get("label") or control.get("ocr_text") or ""),
                role=str(control.get("role", "other")),
                box=Box(int(x), int(y), int(w), int(h)),
                area_css=float(control.get("area_css") or 0.0),
                text_color=str(control.get("text_color") or ""),
                fill_color=str(control.get("fill_color") or ""),
                background_color=str(control.get("background_color") or ""),
                text_contrast=control.get("text_contrast"),
                surface_contrast=control.get("surface_contrast"),
                visual_weight=control.get("visual_weight"),
            )
        )
    return rows


def comparison_rows(result: dict[str, Any], language: str) -> list[ComparisonRow]:
    from desktop.core.analysis.compare import logged_ratio

    rows = []
    for item in result.get("comparisons", []):
        statements = item.get("statements_zh" if language == "zh" else "statements") or item.get(
            "statements", []
        )
        low, high = (logged_ratio(v) for v in item.get("area_ratio_range", [0.0, 0.0]))
        rows.append(
            ComparisonRow(
                promoted=str(item.get("promoted", "")),
                suppressed=str(item.get("suppressed", "")),
                area_ratio=logged_ratio(item.get("area_ratio")),
                area_ratio_range=(low, high),
                visual_weight_ratio=logged_ratio(item.get("visual_weight_ratio")),
                asymmetric=bool(item.get("asymmetric")),
                statements=tuple(str(s) for s in statements),
            )
        )
    return rows


def marks_of(result: dict[str, Any]) -> list[Mark]:
    marks = []
    for control in result.get("controls", []):
        x, y, w, h = control.get("hint") or control.get("extent") or [0, 0, 0, 0]
        marks.append(
            Mark(
                label=str(control.get("label") or control.get("ocr_text") or ""),
                role=str(control.get("role", "other")),
                box=Box(int(x), int(y), int(w), int(h)),
                source=str(control.get("source", "user")),
            )
        )
    return marks


class Controller(QObject):
    """The application: one main window, at most one open case."""

    def __init__(
        self,
        settings: AppSettings,
        *,
        language: str = "en",
        backend_factory: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.levels = measurement_levels(settings)  # what the next analysis measures against
        self.language = language
        self.backend_factory = backend_factory or default_backend_factory
        self.session: CaseSession | None = None
        # F9 inside the window; the Settings hotkey (Ctrl+Shift+F9) works from any program.
        self.window = MainWindow(capture_shortcut="F9")
        self.record_window: RecordBarWindow | None = None
        self.region_selector: RegionSelector | None = None
        self.shown_seq: int | None = None
        self.marks: dict[int, list[Mark]] = {}
        # The latest analysis of each capture, and its document as it may be shown (recognised
        # text from its text file, none of it read inside a redacted rectangle).
        self.analyses: dict[int, Event] = {}
        self.results: dict[int, dict[str, Any]] = {}
        self.overlays: dict[int, str] = {}
        self.pending_edits: dict[int, list[Annotation]] = {}
        self.analysis_task: Task | None = None
        self.report_task: Task | None = None
        self.report_dialog: ReportDialog | None = None
        self.last_error: str | None = None  # what the person was last told went wrong
        self.capture_count = 0
        self.last_capture: Event | None = None
        self.journeys: list[str] = []  # offered in the record bar: upgrade, downgrade, then seen
        self.active_journey: str | None = None
        self._hidden_for_capture = False
        self.hotkeys = GlobalHotkeys()
        self.hotkeys.triggered.connect(self.hotkey)
        self.hotkey_status: HotkeyStatus | None = None
        self.tray: QSystemTrayIcon | None = None
        self.tray_menu: TrayMenu | None = None
        self._connect()
        apply_settings(self, settings, hotkeys=False)  # show() starts the hotkeys
        self._refresh_recent()
        self._poll = QTimer(self)  # lines appended by other processes (a CLI hotkey capture)
        self._poll.setInterval(2000)
        self._poll.timeout.connect(self._poll_log)
        self._poll.start()

    # -- wiring -----------------------------------------------------------------------------
    def _connect(self) -> None:
        w = self.window
        w.new_case_requested.connect(self.new_case)
        w.open_case_requested.connect(self.choose_case_folder)
        w.demo_requested.connect(self.open_demo)
        w.close_case_requested.connect(self.close_case)
        w.report_requested.connect(self.show_report_dialog)
        w.verify_requested.connect(self.verify)
        w.timestamp_requested.connect(self.request_timestamp)
        w.settings_requested.connect(self.show_settings)
        w.record_window_requested.connect(self.show_record_window)
        w.import_requested.connect(self.import_files)
        w.about_requested.connect(self.about)
        w.hotkeys_help_requested.connect(self.explain_hotkeys)
        w.quit_requested.connect(w.close)
        w.capture_now_requested.connect(
            lambda: self.capture(self.window.record_bar.capture_request())
        )
        w.note_focus_requested.connect(self.focus_note)
        w.closing.connect(self.shutdown)
        start = w.start_page
        start.new_case_requested.connect(self.new_case)
        start.open_requested.connect(lambda path: self.open_case(Path(path)))
        start.open_folder_requested.connect(self.choose_case_folder)
        start.demo_requested.connect(self.open_demo)
        start.forget_requested.connect(self.forget_recent)
        self._connect_bar(w.record_bar)
        timeline = w.timeline
        timeline.capture_selected.connect(self.show_capture)
        timeline.model().thumbnail_needed.connect(self.make_thumbnail)
        viewer = w.viewer
        viewer.region_drawn.connect(self.region_drawn)
        viewer.mark_remove_requested.connect(self.remove_mark)
        panel = w.panel
        panel.measure_requested.connect(lambda: self.measure(auto=False))
        panel.find_requested.connect(lambda: self.measure(auto=True))
        panel.cancel_requested.connect(self.cancel_analysis)
        w.edits_bar.save_requested.connect(self.save_edits)
        w.edits_bar.discard_requested.connect(self.discard_edits)
        # In-app shortcuts that work wherever the focus is in the window.
        QShortcut(QKeySequence("Esc"), w, w.record_bar.cancel_countdown)

    def _connect_bar(self, bar: Any) -> None:
        bar.capture_requested.connect(self.capture)
        bar.note_submitted.connect(self.note)
        bar.journey_changed.connect(self.journey)
        bar.interval_toggled.connect(self.toggle_interval)
        bar.pause_toggled.connect(self.pause)
        bar.windows_wanted.connect(lambda: self._fill_windows(bar))

    def show(self) -> None:
        self.window.show()
        self._fill_monitors()
        apply_settings(self, self.settings)  # a saved monitor exists now; hotkeys start
        self._make_tray()
        # Import the heavy parts (ReportLab, analysis, OCR glue) on a worker now, so the first
        # report or measurement does not compile modules on the GUI thread.
        run_in_background(_warm_imports, name="warm-up")

    # -- hotkeys and tray -------------------------------------------------------------------
    def start_hotkeys(self) -> HotkeyStatus:
        s = self.settings
        status = self.hotkeys.start(
            {"capture": s.hotkey_capture, "note": s.hotkey_note, "pause": s.hotkey_pause}
        )
        self.hotkey_status = status
        if status.active:
            self.status(
                tr(
                    "Global hotkeys: {keys}",
                    keys=", ".join(f"{k} ({_action_word(a)})" for a, k in status.active.items()),
                )
            )
        return status

    def hotkey(self, action: str) -> None:
        if action == "pause":
            self.pause(not (self.session is not None and self.session.paused))
            return
        if self.session is None or self.session.paused:
            return
        if action == "capture":
            self.capture(self.window.record_bar.capture_request())
        elif action == "note":
            self.show_record_window()
            assert self.record_window is not None
            self.record_window.activateWindow()
            self.record_window.bar.note_edit.setFocus()

    def explain_hotkeys(self) -> str:
        from desktop.app.hotkeys import cli_command

        status = self.hotkey_status or self.start_hotkeys()
        lines = []
        if status.active:
            lines.append(tr("These keys work in every program:"))
            lines += [f"  {keys}: {_action_word(a)}" for a, keys in status.active.items()]
        for keys, reason in status.failed.items():
            if reason not in ("wayland", "macos", "none"):
                lines.append(tr("{keys} does not work: {reason}", keys=keys, reason=reason))
        folder = self.session.folder if self.session is not None else None
        if status.platform == "wayland":
            lines.append(
                tr(
                    "On Wayland only the desktop may bind global keys. Bind this command to a key "
                    "in your desktop's keyboard settings; it writes to the open case, and this "
                    "window shows the capture within two seconds:"
                )
            )
            lines.append("  " + cli_command(folder, "capture"))
        elif status.platform == "macos":
            lines.append(
                tr(
                    "On macOS, global keys would need the Accessibility permission to watch the "
                    "keyboard, which this program does not ask for. Use the floating record bar "
                    "(F12), which stays on top, or bind this command with Shortcuts:"
                )
            )
            lines.append("  " + cli_command(folder, "capture"))
        text = "\n".join(lines) or tr("No global hotkeys are set (see Settings).")
        box = QMessageBox(
            QMessageBox.Icon.Information, tr("Global hotkeys"), text, parent=self.window
        )
        box.open()
        self.hotkeys_box = box
        return text

    def _make_tray(self) -> None:
        if self.tray is not None or not QSystemTrayIcon.isSystemTrayAvailable():
            return
        menu = TrayMenu()
        menu.capture_requested.connect(lambda: self.hotkey("capture"))
        menu.note_requested.connect(lambda: self.hotkey("note"))
        menu.pause_toggled.connect(self.pause)
        menu.show_requested.connect(self._raise_main)
        menu.quit_requested.connect(self.window.close)
        tray = QSystemTrayIcon(QApplication.windowIcon(), self)
        tray.setToolTip(tr("Evidence Recorder"))
        tray.setContextMenu(menu)
        tray.show()
        self.tray, self.tray_menu = tray, menu

    # -- messages ---------------------------------------------------------------------------
    def tell(self, message: str, title: str | None = None) -> None:
        """A problem the person can act on, in words."""
        self.last_error = message
        log.info("told the person: %s", message)
        box = QMessageBox(
            QMessageBox.Icon.Warning, title or tr("Evidence Recorder"), message, parent=self.window
        )
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.open()

    def failed(self, failure: Failure) -> None:
        from desktop.core.errors import EvidenceError

        if isinstance(failure.error, EvidenceError):
            self.tell(str(failure.error))
        else:
            self.last_error = failure.details
            log.error("unexpected error in background work:\n%s", failure.details)
            show_crash(failure.details)

    def status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    # -- cases ------------------------------------------------------------------------------
    def _refresh_recent(self) -> None:
        from desktop.core.errors import EvidenceError
        from desktop.core.store.case import read_case_info

        cases = []
        for path in self.settings.recent:
            folder = Path(path)
            title, missing = folder.name, not (folder / "case.json").is_file()
            if not missing:
                try:  # read_case_info never follows a link, never opens a FIFO
                    title = read_case_info(folder).title
                except (OSError, EvidenceError):
                    missing = True
            count = 0
            if not missing and inside_or_none(folder, "originals") is not None:
                with contextlib.suppress(OSError):
                    count = sum(1 for _ in (folder / "originals").iterdir())
            last = _last_event_time(folder) if not missing else ""
            cases.append(RecentCase(path, title, last, count, missing))
        self.window.start_page.set_recent(cases)

    def _remember(self, folder: Path) -> None:
        self.settings = self.settings.with_recent(folder)
        save_settings(self.settings)

    def forget_recent(self, path: str) -> None:
        self.settings = self.settings.without_recent(path)
        save_settings(self.settings)
        self._refresh_recent()

    def new_case(self) -> None:
        dialog = NewCaseDialog(self.window, str(self.settings.data_path()))

        def create(values: NewCaseValues) -> None:
            def make(_context: TaskContext) -> CaseWriter:
                return create_case(
                    Path(values.folder),
                    title=values.title,
                    service=values.service,
                    complainant=values.complainant,
                    purpose=values.purpose,
                )

            def made(writer: CaseWriter) -> None:
                dialog.accept()
                self._opened(writer)

            def not_made(failure: Failure) -> None:
                dialog.set_error(str(failure.error))

            run_in_background(make, made, not_made, name="new case", pool="writer")

        dialog.create_requested.connect(create)
        dialog.open()
        self.new_case_dialog = dialog

    def choose_case_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, tr("Open a case folder"), str(self.settings.data_path())
        )
        if folder:
            self.open_case(Path(folder))

    def open_case(self, folder: Path) -> Task:
        def open_writer(_context: TaskContext) -> CaseWriter:
            return CaseWriter(folder, keep_events=True)

        return run_in_background(open_writer, self._opened, self.failed, name="open", pool="writer")

    def open_demo(self) -> None:
        from datetime import datetime

        from desktop.core.demo import build_demo_case

        target = self.settings.data_path() / f"demo-{datetime.now():%Y%m%d-%H%M%S}"
        self.status(tr("Building the demo case…"))

        def build(_context: TaskContext) -> Path:
            build_demo_case(target)
            return target

        def built(folder: Path) -> None:
            self.open_case(folder)

        run_in_background(build, built, self.failed, name="demo")

    def _opened(self, writer: CaseWriter) -> None:
        if self.session is not None:
            self.close_case()
        session = CaseSession(writer, self.backend_factory)
        self.session = session
        session.events_added.connect(self._events_added)
        session.failed.connect(self.tell)
        session.crashed.connect(self.failed)
        session.capture_done.connect(self._capture_done)
        session.interval_running.connect(self._interval_running)
        self.capture_count = 0
        self.last_capture = None
        self.journeys = list(STANDARD_JOURNEYS)
        self.active_journey = None
        self.marks.clear()
        self.analyses.clear()
        self.results.clear()
        self.overlays.clear()
        self.pending_edits.clear()
        self.window.timeline.set_items([])
        self.window.viewer.set_image(None)
        self.window.panel.clear()
        self.window.set_case(writer.info.title)
        self.window.record_bar.set_journeys(self.journeys, None)
        self._remember(writer.folder)
        session.load()

    def close_case(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            self._end_session(session)
        self.shown_seq = None
        self.window.set_case(None)
        self._refresh_recent()

    def _end_session(self, session: CaseSession) -> None:
        """Close a case that is no longer shown: its last writes no longer reach the window."""
        session.events_added.disconnect(self._events_added)
        self.session_timestamp(session)  # queued on the writer before the release
        session.close()

    def _poll_log(self) -> None:
        if self.session is not None and not self.session.interval_active:
            self.session.refresh()

    # -- events -----------------------------------------------------------------------------
    def _events_added(self, events: list[Event]) -> None:
        """Take in newly logged events: timeline rows, journeys, measurements, the last capture."""
        assert self.session is not None
        session = self.session
        items = timeline_items(events, session.folder, session.withdrawn, session.measured)
        timeline = self.window.timeline
        if len(events) == len(session.events):
            timeline.set_items(items)
        else:
            # A withdrawal or a measurement changes an earlier row: the model replaces rows
            # whose seq it already lists.
            new = {e.seq for e in events}
            changed = {e.data.get("target") for e in events if e.type == EventType.WITHDRAW}
            changed |= {e.data.get("capture") for e in events if e.type == EventType.ANALYSIS}
            earlier = [session.by_seq[s] for s in changed if s in session.by_seq and s not in new]
            before = timeline_items(earlier, session.folder, session.withdrawn, session.measured)
            timeline.append_items(before + items)
        for event in events:
            if event.journey and event.journey not in self.journeys:
                self.journeys.append(event.journey)
            if event.journey:
                self.active_journey = event.journey
            if event.type == EventType.CAPTURE:
                self.capture_count += 1
                self.last_capture = event
            elif event.type == EventType.ANALYSIS:
                seq, files = event.data.get("capture"), named_files(event)
                if not isinstance(seq, int) or not files:
                    continue  # a doctored line: `verify` names it; the window shows the rest
                self.analyses[seq] = event
                overlay = regular_inside_or_none(session.folder, files[0].path)
                if overlay is not None:  # never a file outside the case, never a FIFO
                    self.overlays[seq] = str(overlay)
        # A redaction hides text in analyses made before it (of every keyframe it covers).
        redacting = any(event.type == EventType.REDACTION for event in events)
        measured = {
            e.data["capture"]
            for e in events
            if e.type == EventType.ANALYSIS and isinstance(e.data.get("capture"), int)
        }
        if redacting or measured:
            from desktop.core.edit.redact import redactions_by_capture

            redacted = redactions_by_capture(session.events)  # once per batch: the log is long
            for seq in list(self.analyses) if redacting else sorted(measured):
                self._show_analysis(seq, redacted.get(seq, []))
        self.window.record_bar.set_journeys(self.journeys, self.active_journey)
        last = self.last_capture
        if last is not None and last in events:
            check = last.data.get("check")
            warning = None
            if isinstance(check, dict) and check.get("suspect"):
                from desktop.core.capture.checks import reason_text

                warning = reason_text(check.get("reason"), check.get("colour"))
            self._set_last_capture(last.local[11:19], warning)

    def _show_analysis(self, seq: int, rects: list[tuple[int, int, int, int]]) -> None:
        """Take in the latest analysis of a capture as it may be shown, and refresh the view."""
        from desktop.core.analysis.text import shown_analysis

        assert self.session is not None
        shown = shown_analysis(self.session.folder, self.analyses[seq], rects)
        try:
            marks = marks_of(shown.document)
        except DATA_ERRORS:
            return  # a doctored line: `verify` names it; the window shows the rest
        self.results[seq] = shown.document
        self.marks[seq] = marks
        if seq == self.shown_seq:
            self.show_capture(seq)

    def _set_last_capture(self, time_text: str, warning: str | None) -> None:
        for bar in self.bars():
            bar.set_last_capture(time_text, self.capture_count, warning)

    def bars(self) -> list[Any]:
        bars = [self.window.record_bar]
        if self.record_window is not None:
            bars.append(self.record_window.bar)
        return bars

    # -- recording --------------------------------------------------------------------------
    def _target(self, request: CaptureRequest, region: Box | None = None) -> CaptureTarget:
        if request.target == TargetKind.MONITOR:
            return CaptureTarget(TargetKind.MONITOR, monitor=request.monitor_index or 1)
        if request.target == TargetKind.WINDOW:
            if not request.window_id:
                from desktop.core.errors import UsageError

                raise UsageError(tr("Choose the window to capture in the list first."))
            return CaptureTarget(TargetKind.WINDOW, window=request.window_id)
        if request.target == TargetKind.REGION and region is not None:
            return CaptureTarget(
                TargetKind.REGION, region=Rect(region.x, region.y, region.width, region.height)
            )
        return CaptureTarget(TargetKind.SCREEN)

    def capture(self, request: CaptureRequest) -> None:
        if self.session is None:
            return
        if request.target == TargetKind.REGION:
            self._pick_region(request)
            return
        try:
            target = self._target(request)
        except Exception as error:  # noqa: BLE001 - a UsageError with words for the person
            self.tell(str(error))
            return
        self._capture_target(target, hide=request.target != TargetKind.WINDOW)

    def _pick_region(self, request: CaptureRequest) -> None:
        selector = RegionSelector()
        self.region_selector = selector

        def chosen(box: Box) -> None:
            selector.close()
            self._capture_target(self._target(request, box), hide=True)

        selector.region_selected.connect(chosen)
        selector.cancelled.connect(selector.close)
        self._hide_windows()
        QTimer.singleShot(HIDE_BEFORE_CAPTURE_MS, selector.start)

    def _hide_windows(self) -> None:
        """Keep the recorder out of its own captures."""
        self._hidden_for_capture = True
        self.window.hide()
        if self.record_window is not None:
            self.record_window.hide()

    def _show_windows(self) -> None:
        if self._hidden_for_capture:
            self._hidden_for_capture = False
            self.window.show()
            if self.record_window is not None and self.record_window.is_pinned():
                self.record_window.show()

    def _capture_target(self, target: CaptureTarget, hide: bool) -> None:
        session = self.session
        if session is None:
            return
        for bar in self.bars():
            bar.set_busy(True)
        if hide and self.window.isVisible():
            self._hide_windows()
            QTimer.singleShot(HIDE_BEFORE_CAPTURE_MS, lambda: self._grab(session, target))
        else:
            self._grab(session, target)

    def _grab(self, session: CaseSession, target: CaptureTarget) -> None:
        session.capture(target, settled=self._capture_settled)

    def _capture_settled(self) -> None:
        """The capture is logged or failed: show the windows again and free the bars."""
        self._show_windows()
        for bar in self.bars():
            bar.set_busy(False)

    def _capture_done(self, result: CaptureResult) -> None:
        self.status(tr("Saved capture #{seq}.", seq=result.seq))
        if result.suspect:
            self.tell(result.suspect, tr("This capture looks wrong"))

    def note(self, text: str, dead_end: bool) -> None:
        if self.session is not None:
            self.session.note(text, dead_end=dead_end)

    def journey(self, name: str) -> None:
        if self.session is not None and name.strip():
            self.session.journey(name.strip())

    def toggle_interval(self, running: bool, period: float) -> None:
        session = self.session
        if session is None:
            return
        if running:
            request = self.window.record_bar.capture_request()
            try:
                target = self._target(request)
            except Exception as error:  # noqa: BLE001 - a UsageError with words for the person
                self.tell(str(error))
                return
            session.start_interval(target, period, self.settings.change_threshold)
        else:
            session.stop_interval()

    def _interval_running(self, running: bool) -> None:
        for bar in self.bars():
            bar.set_interval_running(running)
        if not running and self.session is not None:
            self.session_timestamp(self.session)

    def pause(self, paused: bool) -> None:
        """Pause: stop interval capture and ignore hotkeys until resumed."""
        if self.session is not None:
            self.session.paused = paused
            if paused:
                self.session.stop_interval()
        for bar in self.bars():
            bar.set_paused(paused)
        if self.tray_menu is not None:
            self.tray_menu.set_paused(paused)

    def focus_note(self) -> None:
        self.window.record_bar.note_edit.setFocus()

    def _fill_monitors(self) -> None:
        screens = QApplication.screens()
        labels = [
            f"{screen.name()} {screen.size().width()}×{screen.size().height()}"
            for screen in screens
        ]
        for bar in self.bars():
            bar.set_monitors(labels)

    def _fill_windows(self, bar: Any) -> None:
        def listing(_context: TaskContext) -> list[tuple[str, str]]:
            from desktop.core.capture.windows import list_windows

            return [(f"0x{w.id:x}", w.title) for w in list_windows() if w.title]

        run_in_background(listing, bar.set_windows, self.failed, name="windows")

    def show_record_window(self) -> None:
        if self.record_window is None:
            from widgets.record_bar import RecordBar

            bar = RecordBar(capture_shortcut="F9")
            self.record_window = RecordBarWindow(bar)
            self._connect_bar(self.record_window.bar)
            self.record_window.show_main_requested.connect(self._raise_main)
            QShortcut(
                QKeySequence("F9"), self.record_window, lambda: self.capture(bar.capture_request())
            )
            self._fill_monitors()
            apply_to_bar(bar, self.settings)
        self.record_window.bar.set_enabled_for_case(self.session is not None)
        self.record_window.show()
        self.record_window.raise_()

    def _raise_main(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def import_files(self) -> None:
        session = self.session
        if session is None:
            return
        files, _ = QFileDialog.getOpenFileNames(
            self.window,
            tr("Import screenshots or screen recordings"),
            "",
            tr("Images and videos")
            + " (*.png *.jpg *.jpeg *.webp *.heic *.heif *.mp4 *.mov *.webm)",
        )
        if not files:
            return
        from desktop.core.ingest.images import import_files

        def done(result: Any) -> None:
            if result.failures:
                self.tell("\n".join(f"{f.name}: {f.reason}" for f in result.failures))

        session.call_writer(lambda writer: import_files(writer, [Path(f) for f in files]), done)

    # -- viewing and measuring --------------------------------------------------------------
    def _event(self, seq: int) -> Event | None:
        return None if self.session is None else self.session.by_seq.get(seq)

    def show_capture(self, seq: int) -> None:
        event = self._event(seq)
        if event is None or self.session is None:
            return
        files = named_files(event)
        if not files:
            return
        self.shown_seq = seq
        path = _viewable(self.session.folder, files[0].path)
        viewer = self.window.viewer
        if viewer.image_path() != path:
            viewer.set_image(path, self.overlays.get(seq))
        else:
            viewer.set_overlay(self.overlays.get(seq))
        viewer.set_marks(self.marks.get(seq, []))
        viewer.set_annotations(self.pending_edits.get(seq, []))
        self._update_edits_bar()
        result = self.results.get(seq)
        if result:
            from desktop.core.analysis.image import caveat_text

            logged = result.get("image", {}).get("caveats", [])
            caveats = [caveat_text(c) for c in logged] + list(result.get("notes", []))
            self.window.panel.set_results(
                control_rows(result), comparison_rows(result, self.language), caveats
            )
        else:
            self.window.panel.clear()

    def region_drawn(self, tool: str, box: Box) -> None:
        seq = self.shown_seq
        if seq is None:
            return
        if tool == "mark":
            suggestions = [m.label for m in self.marks.get(seq, []) if m.label]
            for control in self.results.get(seq, {}).get("controls", []):
                if control.get("ocr_text"):
                    suggestions.append(str(control["ocr_text"]))
            has_promoted = any(m.role == Role.PROMOTED for m in self.marks.get(seq, []))
            mark = MarkDialog.ask(
                self.window, box, suggestions, Role.SUPPRESSED if has_promoted else Role.PROMOTED
            )
            if mark is not None:
                self.add_mark(seq, mark)
            return
        text = ""
        if tool == "text":
            text, ok = QInputDialog.getText(self.window, tr("Text"), tr("Text to write here:"))
            if not ok or not text.strip():
                return
        kind = {"redact": "redact", "box": "box", "arrow": "arrow", "text": "text"}.get(tool)
        if kind is None:
            return
        self.pending_edits.setdefault(seq, []).append(Annotation(kind, box, text))
        self.window.viewer.set_annotations(self.pending_edits[seq])
        self._update_edits_bar()

    def add_mark(self, seq: int, mark: Mark) -> None:
        # Hand-drawn marks replace automatic ones: the person decides what the controls are.
        marks = [m for m in self.marks.get(seq, []) if m.source == "user"]
        marks.append(mark)
        self.marks[seq] = marks
        self.window.viewer.set_marks(marks)

    def remove_mark(self, index: int) -> None:
        seq = self.shown_seq
        if seq is None:
            return
        marks = list(self.marks.get(seq, []))
        if 0 <= index < len(marks):
            del marks[index]
            self.marks[seq] = marks
            self.window.viewer.set_marks(marks)

    def measure(self, auto: bool) -> Task | None:
        session, seq = self.session, self.shown_seq
        if session is None or seq is None:
            return None
        from desktop.core.analysis.measure import ControlSpec
        from desktop.core.analysis.record import log_analysis, measure_capture

        specs = None
        if not auto:
            marks = self.marks.get(seq, [])
            if not marks:
                self.tell(
                    tr(
                        "Mark the controls first: choose the marking tool and drag a box around "
                        "each one, or use Find controls."
                    )
                )
                return None
            specs = [
                ControlSpec(
                    label=m.label or f"{m.role} {i + 1}",
                    role=m.role,
                    hint=Rect(m.box.x, m.box.y, m.box.width, m.box.height),
                    source="user",
                )
                for i, m in enumerate(marks)
            ]
        panel = self.window.panel
        panel.set_busy(True, tr("Reading the text on the screen…") if auto else tr("Measuring…"))
        levels = self.levels

        def work(context: TaskContext) -> Any:
            prepared = measure_capture(session.folder, seq, specs, levels=levels)
            if context.cancelled():
                return None
            return prepared

        def measured(prepared: Any) -> None:
            panel.set_busy(False)
            if prepared is None:
                return
            if not prepared.result.controls:
                self.tell(
                    tr(
                        "No controls were found automatically. Mark them by hand: choose the "
                        "marking tool and drag a box around each."
                    )
                )
                return
            session.call_writer(lambda writer: log_analysis(writer, prepared), name="analysis")

        def not_measured(failure: Failure) -> None:
            panel.set_busy(False)
            self.failed(failure)

        self.analysis_task = run_in_background(work, measured, not_measured, name="measure")
        return self.analysis_task

    def cancel_analysis(self) -> None:
        if self.analysis_task is not None:
            self.analysis_task.cancel()
        self.window.panel.set_busy(False)

    def _update_edits_bar(self) -> None:
        seq = self.shown_seq
        edits = self.pending_edits.get(seq, []) if seq is not None else []
        shown = self._event(seq) if seq is not None else None
        self.window.edits_bar.set_count(
            len(edits),
            sum(e.kind == "redact" for e in edits),
            keyframe=shown is not None and shown.type == EventType.VIDEO_FRAME,
        )

    def discard_edits(self) -> None:
        if self.shown_seq is not None:
            self.pending_edits.pop(self.shown_seq, None)
            self.window.viewer.set_annotations([])
            self._update_edits_bar()

    def save_edits(self, reason: str | None = None) -> Task | None:
        session, seq = self.session, self.shown_seq
        if session is None or seq is None or not self.pending_edits.get(seq):
            return None
        if reason is None:
            reason, ok = QInputDialog.getText(
                self.window,
                tr("Why?"),
                tr("Why are you redacting or annotating this capture? (kept in the log)"),
            )
            if not ok or not reason.strip():
                return None
        from desktop.core.edit.redact import (
            Edit,
            edit_capture,
            inline_text_warning,
            keyframe_scope_text,
            text_left_in_log,
        )

        edits = [
            Edit(a.kind, a.box.x, a.box.y, a.box.width, a.box.height, a.text)
            for a in self.pending_edits[seq]
        ]
        all_keyframes = self.window.edits_bar.all_keyframes()

        def saved(event: Any) -> None:
            self.pending_edits.pop(seq, None)
            if self.shown_seq == seq:
                self.window.viewer.set_annotations([])
            self._update_edits_bar()
            said = tr("Saved a redacted or annotated copy; the original is unchanged.")
            scope = keyframe_scope_text(event.data) if isinstance(event, Event) else ""
            self.status(f"{said} {scope}" if scope else said)
            left = text_left_in_log(session.events, event) if isinstance(event, Event) else []
            if left:
                self.tell(inline_text_warning(left))

        return session.call_writer(
            lambda writer: edit_capture(
                writer, seq, edits, reason or "", all_keyframes=all_keyframes
            ),
            saved,
            name="edit",
        )

    # -- report, export, verify -------------------------------------------------------------
    def show_report_dialog(self) -> ReportDialog | None:
        session = self.session
        if session is None:
            return None
        journeys = sorted({e.journey for e in session.events if e.journey})
        last = session.events[-1].seq if session.events else 0
        exports = session.folder / "exports"
        dialog = ReportDialog(
            self.window,
            journeys,
            language=self.language,
            pdf_path=str(exports / f"report-{self.language}-{last + 1:06d}.pdf"),
            bundle_path=str(exports / f"{session.folder.name}-bundle.zip"),
        )
        dialog.build_requested.connect(self.build_report)
        dialog.cancel_requested.connect(self.cancel_report)
        self.report_dialog = dialog
        dialog.open()
        return dialog

    def build_report(self, options: ReportOptions) -> Task | None:
        session, dialog = self.session, self.report_dialog
        if session is None:
            return None
        from desktop.app.report_process import build_report_in_process
        from desktop.core.export.bundle import export_bundle
        from desktop.core.export.pdf import log_report

        def work(context: TaskContext) -> tuple[Path, Path | None]:
            result = build_report_in_process(
                session.folder,
                Path(options.pdf_path),
                language=options.language,
                exhibit_prefix=options.exhibit_prefix,
                bates_start=options.bates_start,
                journeys=list(options.journeys) or None,
                progress=lambda done, total: context.progress(done, total, "report"),
                cancelled=context.cancelled,
                tsa_roots=self._tsa_root_files(),
            )
            # The case's one writer is thread-safe: its lock orders this after other writes.
            log_report(session.writer, result, options.language)
            bundle = None
            if options.bundle_path:
                context.progress(0, 0, "bundle")
                bundle = Path(options.bundle_path)
                export_bundle(session.writer, bundle, report_pdf=result.path, overwrite=True)
            return result.path, bundle

        def finished(paths: tuple[Path, Path | None]) -> None:
            pdf, bundle = paths
            message = tr("Report written: {path}", path=pdf)
            if bundle is not None:
                message += "\n" + tr("Evidence bundle: {path}", path=bundle)
            if dialog is not None:
                dialog.set_finished(message, True)
            self.status(message)
            session.refresh()
            if options.open_when_done and not _headless():
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(pdf)))

        def not_finished(failure: Failure) -> None:
            if dialog is not None:
                dialog.set_finished(str(failure.error), False)
            from desktop.core.errors import EvidenceError

            if not isinstance(failure.error, EvidenceError):
                self.failed(failure)

        def progressed(done: int, total: int, stage: str) -> None:
            if dialog is not None:
                words = {"report": tr("Preparing images"), "bundle": tr("Writing the bundle")}
                dialog.set_progress(done, total, words.get(stage, stage))

        if dialog is not None:
            dialog.set_running(True)
        self.report_task = run_in_background(
            work, finished, not_finished, progressed, name="report"
        )
        return self.report_task

    def cancel_report(self) -> None:
        if self.report_task is not None:
            self.report_task.cancel()

    def verify(self) -> Task | None:
        session = self.session
        if session is None:
            return None
        from desktop.core.proof.verify import verify_case

        dialog = VerifyDialog(self.window)
        dialog.open()
        self.verify_dialog = dialog

        def checked(report: Any) -> None:
            if report.ok:
                summary = tr(
                    "{events} log lines and {files} files checked; last log hash {hash}.",
                    events=report.events,
                    files=report.files_checked,
                    hash=report.last_hash,
                )
            else:
                summary = tr("{count} problems found.", count=len(report.problems))
            # Each timestamp in words: trusted only when it chains to a root the person trusts.
            for shown in report.timestamps:
                summary += "\n\n" + str(shown["statement"])
                summary += "".join("\n⚠ " + str(w["message"]) for w in shown["warnings"])
            dialog.show_result(
                report.ok, summary, [f"{p.where}: {p.message}" for p in report.problems]
            )

        roots = self._tsa_root_files()

        def check(_context: TaskContext) -> Any:
            from desktop.core.proof.tsa_trust import trust_roots

            return verify_case(session.folder, tsa_roots=trust_roots(roots))

        return run_in_background(check, checked, self.failed)

    def request_timestamp(self, confirmed: bool = False) -> Task | None:
        """Ask the timestamp authority set in Settings to sign the last log hash."""
        session, url = self.session, self.settings.tsa_url.strip()
        if session is None:
            return None
        if not url:
            self.tell(
                tr(
                    "No timestamp authority is set. Add one in Settings (Trusted time) if you "
                    "want one; nothing is sent anywhere otherwise."
                )
            )
            return None
        if not confirmed:
            answer = QMessageBox.question(
                self.window,
                tr("Get a trusted timestamp"),
                tr(
                    "Send the hash of the last log line (64 characters, no screenshots or notes) "
                    "to {url}? It signs that the case existed unchanged at this moment.",
                    url=url,
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        roots = self._tsa_root_files()

        def stamped(shown: dict[str, Any]) -> None:
            self.status(str(shown["statement"]))

        return session.call_writer(
            lambda w: _stamp_and_check(w, url, roots), stamped, name="timestamp"
        )

    def session_timestamp(self, session: CaseSession) -> Task | None:
        """The timestamp at the end of a recording session, when Settings asks for one.

        Only to the authority set in Settings, and only when something was logged since the
        last timestamp. A failure is told in words; nothing recorded depends on it.
        """
        url = self.settings.tsa_url.strip()
        if not (self.settings.timestamp_after_session and url):
            return None
        roots = self._tsa_root_files()

        def stamp(writer: CaseWriter) -> dict[str, Any] | str | None:
            from desktop.core.errors import EvidenceError

            last = writer.last_event
            if last is None or last.type == EventType.TIMESTAMP:
                return None  # nothing new to timestamp
            try:
                return _stamp_and_check(writer, url, roots, timeout=SESSION_STAMP_TIMEOUT_S)
            except EvidenceError as error:
                log.warning("no timestamp at the end of the session: %s", error)
                return str(error)

        def stamped(result: dict[str, Any] | str | None) -> None:
            if isinstance(result, str):
                self.tell(
                    tr(
                        "The timestamp at the end of the recording session was not obtained: "
                        "{reason} Everything recorded is saved; you can ask again with Get a "
                        "trusted timestamp.",
                        reason=result,
                    )
                )
            elif result is not None:
                self.status(str(result["statement"]))

        return session.call_writer(stamp, stamped, name="timestamp")

    def _tsa_root_files(self) -> list[Path]:
        return [Path(path) for path in self.settings.tsa_roots]

    # -- settings and the rest --------------------------------------------------------------
    def show_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.window, self.settings, AppSettings())

        def accepted() -> None:
            values = dialog.values()
            language_changed = values.language != self.settings.language
            apply_settings(self, replace(self.settings, **asdict(values)))
            save_settings(self.settings)
            self._check_root_files()
            if language_changed:
                self.tell(tr("The new language is used from the next start of the program."))

        dialog.accepted.connect(accepted)
        dialog.open()
        self.settings_dialog = dialog
        return dialog

    def _check_root_files(self) -> None:
        """Tell the person at once when a trusted root file of Settings cannot be used."""
        from desktop.core.errors import EvidenceError
        from desktop.core.proof.tsa_trust import trust_roots

        try:
            trust_roots(self._tsa_root_files(), system=False)
        except EvidenceError as error:
            self.tell(str(error))

    def about(self) -> None:
        import desktop

        QMessageBox.about(
            self.window,
            tr("Evidence Recorder"),
            tr(
                "Evidence Recorder {version}: records what an app or website showed while you "
                "tried to upgrade and to leave, measures how it steered you, and builds an "
                "exhibit anyone can check. Nothing leaves this computer unless you send it.",
                version=desktop.__version__,
            ),
        )

    def make_thumbnail(self, seq: int, path: str) -> None:
        session = self.session
        if session is None:
            return
        model = self.window.timeline.model()

        def made(image: QImage | None) -> None:
            if image is None or image.isNull():
                model.thumbnail_failed(seq)
            else:
                model.set_thumbnail(seq, image)

        run_in_background(
            lambda _c: make_thumbnail(Path(path), session.folder),
            made,
            lambda _f: model.thumbnail_failed(seq),
            name="thumbnail",
        )

    def shutdown(self) -> None:
        """Close the case (waiting for its writes) and stop the workers."""
        self._poll.stop()
        self.hotkeys.stop()
        if self.tray is not None:
            self.tray.hide()
        if self.session is not None:
            session, self.session = self.session, None
            self._end_session(session)
        if self.record_window is not None:
            self.record_window.close()
        shutdown_runner(wait=True)


def _stamp_and_check(
    writer: CaseWriter, url: str, roots: list[Path], timeout: float = 20.0
) -> dict[str, Any]:
    """On the writer thread: get a token from `url`, log it, and say whether it is trusted."""
    from desktop.core.proof.timestamp import checked_timestamp, request_timestamp
    from desktop.core.proof.tsa_trust import trust_roots

    trusted = trust_roots(roots)  # a root file that cannot be used stops before anything is sent
    event = request_timestamp(writer, url, timeout=timeout)
    return checked_timestamp(writer.folder, event, trusted)


def _last_event_time(folder: Path) -> str:
    """The local time of a case's last event, from the end of its log ("" if unreadable)."""
    from desktop.core.store.strictjson import strict_loads

    if regular_inside_or_none(folder, "log.jsonl") is None:
        return ""  # not a plain file in the case: a FIFO would block the window
    try:
        with (folder / "log.jsonl").open("rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - 65536))
            lines = handle.read().splitlines()
        record = strict_loads(lines[-1]) if lines else {}
        local = record.get("local", "") if isinstance(record, dict) else ""
        return local[:16].replace("T", " ") if isinstance(local, str) else ""
    except (OSError, ValueError, AttributeError):
        return ""


def _warm_imports(_context: TaskContext) -> None:
    import importlib

    for name in (
        "desktop.core.export.pdf",
        "desktop.core.export.bundle",
        "desktop.core.analysis.record",
        "desktop.core.edit.redact",
        "desktop.core.proof.verify",
        "desktop.core.ingest.images",
        "reportlab.platypus",
        "reportlab.pdfgen.canvas",
    ):
        importlib.import_module(name)


def _action_word(action: str) -> str:
    return {"capture": tr("capture"), "note": tr("note"), "pause": tr("pause")}.get(action, action)


def _headless() -> bool:
    import os

    return os.environ.get("QT_QPA_PLATFORM") == "offscreen" or bool(
        os.environ.get("EVIDENCE_RECORDER_NO_OPEN")
    )


def _viewable(folder: Path, relative: str) -> str | None:
    """The file the viewer may open for a logged path, or None (the placeholder).

    None outside the case, through a link or for a FIFO; a missing file is passed on, so the
    viewer says it cannot be opened.
    """
    found = inside_or_none(folder, relative)
    if found is None or (
        os.path.lexists(found) and regular_inside_or_none(folder, relative) is None
    ):
        return None
    return str(found)
