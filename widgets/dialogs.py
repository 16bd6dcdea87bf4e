"""The program's dialogs: new case, report, verify result, settings and crash."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPalette,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.vocab import TargetKind
from widgets.values import MIN_INTERVAL_S, SettingsValues

# Red and green that stay readable on light and dark window backgrounds.
ERROR_COLOR = "#d32f2f"
OK_COLOR = "#2e7d32"

_NOT_IN_NAMES = re.compile(r"[^\w.]+")  # \w keeps letters and digits of every script
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in "123456789"
}
FOLDER_NAME_MAX = 60


def folder_name_for(title: str) -> str:
    """A folder name made from a case title, safe on Windows, macOS and Linux.

    Letters and digits of every script are kept (desktop file systems take Chinese); spaces,
    punctuation and symbols become one "-", so the name is easy to type and legal everywhere.
    """
    name = _NOT_IN_NAMES.sub("-", title.strip())
    name = name[:FOLDER_NAME_MAX].strip("-._")
    if not name:
        return "case"
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = f"{name}-case"
    return name


def _error_label() -> QLabel:
    """A hidden red line for inline errors, read out by screen readers when shown."""
    label = QLabel()
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def mute(label: QLabel) -> None:
    """Grey a label's text for secondary information, in light and dark themes alike."""
    palette = label.palette()
    text = palette.color(QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorRole.Window)
    # Two thirds of the way from background to text: clearly secondary, still easy to read
    # (the style's disabled grey is too faint for sentences people need).
    grey = QColor(
        (text.red() * 2 + window.red()) // 3,
        (text.green() * 2 + window.green()) // 3,
        (text.blue() * 2 + window.blue()) // 3,
    )
    palette.setColor(QPalette.ColorRole.WindowText, grey)
    label.setPalette(palette)


def _hint_label(text: str) -> QLabel:
    """A small secondary line under a field."""
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.92)
    label.setFont(font)
    mute(label)
    return label


def _path_row(edit: QLineEdit, button: QPushButton) -> QWidget:
    """A line edit with its Browse button, as one form field."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row


def _native(path: str) -> str:
    """A path from a Qt file dialog with the separators of this system."""
    return os.path.normpath(path) if path else path


# --------------------------------------------------------------------------------------------
# New case


@dataclass(frozen=True)
class NewCaseValues:
    """What a person typed for a new case; every text is stripped."""

    folder: str
    title: str
    service: str
    complainant: str
    purpose: str


class NewCaseDialog(QDialog):
    """Asks for a new case's title, details and folder.

    "Create case" emits `create_requested(NewCaseValues)` and leaves the dialog open: the app
    creates the folder, then calls `accept()`, or `set_error(text)` if it could not.
    """

    create_requested = Signal(object)  # NewCaseValues

    def __init__(self, parent: QWidget | None, default_parent: str) -> None:
        super().__init__(parent)
        self._parent_folder = default_parent
        self._folder_follows_title = True
        self.setWindowTitle(self.tr("New case"))
        self.setMinimumWidth(560)

        self._title = QLineEdit()
        self._title.setPlaceholderText(self.tr("For example: Downgrading my mobile plan"))
        self._title.setToolTip(self.tr("A short name for the complaint. Required."))
        self._title.setAccessibleName(self.tr("Case title"))
        self._service = QLineEdit()
        self._service.setPlaceholderText(self.tr("The app, service or company"))
        self._service.setAccessibleName(self.tr("Service or company"))
        self._complainant = QLineEdit()
        self._complainant.setAccessibleName(self.tr("Complainant"))
        self._complainant.setToolTip(self.tr("Your name, or the name of the person you help."))
        self._purpose = QPlainTextEdit()
        self._purpose.setPlaceholderText(
            self.tr("For example: Show that downgrading from 59 to 8 yuan is harder than upgrading")
        )
        self._purpose.setAccessibleName(self.tr("Purpose"))
        self._purpose.setTabChangesFocus(True)  # Tab moves on, as in the other fields
        lines = self._purpose.fontMetrics().lineSpacing()
        self._purpose.setFixedHeight(lines * 5 + 12)
        self._folder = QLineEdit()
        self._folder.setAccessibleName(self.tr("Case folder"))
        self._folder.setToolTip(self.tr("A new folder: it must be empty or not exist yet."))
        self._browse = QPushButton(self.tr("Browse…"))
        self._browse.setToolTip(self.tr("Choose the folder in which the case folder is made"))
        self._browse.setAutoDefault(False)
        self._error = _error_label()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("&Title:"), self._title)
        form.addRow(self.tr("&Service or company:"), self._service)
        complainant = QWidget()
        column = QVBoxLayout(complainant)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._complainant)
        column.addWidget(_hint_label(self.tr("Optional. This name appears in the report.")))
        form.addRow(self.tr("&Complainant:"), complainant)
        form.addRow(self.tr("&Purpose:"), self._purpose)
        folder = QWidget()
        column = QVBoxLayout(folder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(_path_row(self._folder, self._browse))
        column.addWidget(
            _hint_label(self.tr("Screenshots, notes and reports of this case are kept here."))
        )
        form.addRow(self.tr("Case &folder:"), folder)
        self._set_buddies(form, complainant, folder)

        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._ok = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok.setText(self.tr("Create case"))
        self._ok.setDefault(True)
        self._buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._error)
        layout.addStretch(1)
        layout.addWidget(self._buttons)

        self._title.textChanged.connect(self._title_changed)
        self._folder.textEdited.connect(self._folder_edited)
        self._folder.textChanged.connect(self._update_ok)
        self._browse.clicked.connect(self._choose_parent)
        self._buttons.accepted.connect(self._create)
        self._buttons.rejected.connect(self.reject)
        for edit in (self._service, self._complainant):
            edit.textEdited.connect(self._clear_error)
        self._purpose.textChanged.connect(self._clear_error)

        self._sync_folder()
        self._update_ok()

    def _set_buddies(self, form: QFormLayout, complainant: QWidget, folder: QWidget) -> None:
        # A label's mnemonic must focus the line edit, not the wrapper widget around it.
        for wrapper, edit in ((complainant, self._complainant), (folder, self._folder)):
            label = form.labelForField(wrapper)
            if isinstance(label, QLabel):
                label.setBuddy(edit)

    def values(self) -> NewCaseValues:
        """What the person entered, stripped."""
        return NewCaseValues(
            folder=self._folder.text().strip(),
            title=self._title.text().strip(),
            service=self._service.text().strip(),
            complainant=self._complainant.text().strip(),
            purpose=self._purpose.toPlainText().strip(),
        )

    def set_error(self, text: str) -> None:
        """Show why the case could not be made (empty text hides the line); stays open."""
        self._error.setText(text)
        self._error.setVisible(bool(text))
        if text:
            self._folder.setFocus()

    def _clear_error(self) -> None:
        self.set_error("")

    def _title_changed(self) -> None:
        self._clear_error()
        self._sync_folder()
        self._update_ok()

    def _folder_edited(self) -> None:
        # Typed by hand: from now on the title no longer renames the folder.
        self._folder_follows_title = False
        self._clear_error()

    def _sync_folder(self) -> None:
        if self._folder_follows_title:
            name = folder_name_for(self._title.text())
            self._folder.setText(os.path.join(self._parent_folder, name))

    def _choose_parent(self) -> None:
        start = self._parent_folder
        if not self._folder_follows_title and self._folder.text().strip():
            start = os.path.dirname(self._folder.text().strip())
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Where to keep the case folder"), start
        )
        if not chosen:
            return
        self._parent_folder = _native(chosen)
        if self._folder_follows_title:
            self._sync_folder()
        else:
            name = os.path.basename(self._folder.text().strip().rstrip("/\\"))
            self._folder.setText(
                os.path.join(self._parent_folder, name or folder_name_for(self._title.text()))
            )
        self._clear_error()

    def _update_ok(self) -> None:
        ready = bool(self._title.text().strip()) and bool(self._folder.text().strip())
        self._ok.setEnabled(ready)

    def _create(self) -> None:
        if self._ok.isEnabled():
            self.create_requested.emit(self.values())


# --------------------------------------------------------------------------------------------
# Report


@dataclass(frozen=True)
class ReportOptions:
    """How to build the PDF exhibit.

    `journeys` is empty when every journey is wanted: the whole case, including captures and
    notes that belong to no journey (pass `list(journeys) or None` to the report builder).
    """

    language: str  # "zh" | "en"
    exhibit_prefix: str
    bates_start: int | None
    journeys: tuple[str, ...]
    pdf_path: str
    bundle_path: str | None
    open_when_done: bool


class ReportDialog(QDialog):
    """Options of the PDF exhibit and bundle; shows progress while the app builds them."""

    build_requested = Signal(object)  # ReportOptions
    cancel_requested = Signal()

    def __init__(
        self,
        parent: QWidget | None,
        journeys: list[str],
        *,
        language: str = "zh",
        pdf_path: str = "",
        bundle_path: str = "",
        export_bundle: bool = False,
        exhibit_prefix: str = "A",
        open_when_done: bool = True,
    ) -> None:
        super().__init__(parent)
        self._running = False
        self.setWindowTitle(self.tr("Build report"))
        self.setMinimumWidth(600)

        # Language names are written in their own language, so they are not translated.
        self._chinese = QRadioButton("中文")
        self._english = QRadioButton("English")
        self._language_group = QButtonGroup(self)
        self._language_group.addButton(self._chinese)
        self._language_group.addButton(self._english)
        (self._english if language == "en" else self._chinese).setChecked(True)
        language_row = QWidget()
        row = QHBoxLayout(language_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._chinese)
        row.addWidget(self._english)
        row.addStretch(1)
        language_row.setAccessibleName(self.tr("Report language"))

        self._prefix = QLineEdit(exhibit_prefix)
        self._prefix.setMaxLength(8)
        self._prefix.setMaximumWidth(120)
        self._prefix.setAccessibleName(self.tr("Exhibit prefix"))
        self._prefix.setToolTip(self.tr("Exhibits are numbered with it: A-1, A-2, …"))
        self._bates = QSpinBox()
        self._bates.setRange(0, 999_999)
        self._bates.setSpecialValueText(self.tr("None"))
        self._bates.setMaximumWidth(160)
        self._bates.setAccessibleName(self.tr("Bates start number"))
        self._bates.setToolTip(
            self.tr("Stamp every page with a running number from this one. 0 means no numbers.")
        )

        self._journeys = QListWidget()
        self._journeys.setAccessibleName(self.tr("Journeys to include"))
        for name in journeys:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self._journeys.addItem(item)
        if journeys:
            # As tall as its rows (up to six), so a short list leaves no empty box.
            rows = min(len(journeys), 6)
            frame = 2 * self._journeys.frameWidth() + 4
            self._journeys.setFixedHeight(self._journeys.sizeHintForRow(0) * rows + frame)
        self._no_journeys = _hint_label(
            self.tr("This case has no journeys: the whole case goes into the report.")
        )
        self._journeys.setVisible(bool(journeys))
        self._no_journeys.setVisible(not journeys)

        self._pdf = QLineEdit(pdf_path)
        self._pdf.setAccessibleName(self.tr("PDF file"))
        self._pdf_browse = QPushButton(self.tr("Browse…"))
        self._pdf_browse.setAutoDefault(False)
        self._pdf_browse.setToolTip(self.tr("Choose where to save the PDF"))
        self._bundle = QCheckBox(self.tr("Also export the evidence bundle (.zip)"))
        self._bundle.setToolTip(
            self.tr("A .zip with the original files and the log, which others can verify.")
        )
        self._bundle.setChecked(export_bundle)
        self._bundle_path = QLineEdit(bundle_path)
        self._bundle_path.setAccessibleName(self.tr("Bundle file"))
        self._bundle_browse = QPushButton(self.tr("Browse…"))
        self._bundle_browse.setAutoDefault(False)
        self._bundle_browse.setToolTip(self.tr("Choose where to save the bundle"))
        self._open = QCheckBox(self.tr("Open the PDF when done"))
        self._open.setChecked(open_when_done)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # Section headings inside one form keep every field in one aligned column.
        form.addRow(self._heading(self.tr("What goes in")))
        form.addRow(self.tr("Language:"), language_row)
        journeys_box = QWidget()
        column = QVBoxLayout(journeys_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._journeys)
        column.addWidget(self._no_journeys)
        form.addRow(self.tr("&Journeys:"), journeys_box)
        form.addRow(self._heading(self.tr("Numbering")))
        form.addRow(self.tr("&Exhibit prefix:"), self._prefix)
        form.addRow(self.tr("&Bates numbers from:"), self._bates)
        form.addRow(self._heading(self.tr("Files")))
        pdf_row = _path_row(self._pdf, self._pdf_browse)
        bundle_row = _path_row(self._bundle_path, self._bundle_browse)
        form.addRow(self.tr("&PDF file:"), pdf_row)
        form.addRow("", self._bundle)
        form.addRow(self.tr("Bundle &file:"), bundle_row)
        form.addRow("", self._open)
        for field, edit in (
            (journeys_box, self._journeys),
            (pdf_row, self._pdf),
            (bundle_row, self._bundle_path),
        ):
            label = form.labelForField(field)
            if isinstance(label, QLabel):
                label.setBuddy(edit)
        self._inputs = QWidget()
        self._inputs.setLayout(form)

        self._error = _error_label()
        self._stage = QLabel()
        self._stage.setWordWrap(True)
        self._progress = QProgressBar()
        self._progress.setAccessibleName(self.tr("Progress"))
        self._cancel = QPushButton(self.tr("Cancel"))
        self._cancel.setAutoDefault(False)
        self._cancel.setToolTip(self.tr("Stop building; nothing in the case changes"))
        progress_row = QHBoxLayout()
        progress_row.addWidget(self._progress, 1)
        progress_row.addWidget(self._cancel)
        self._progress_box = QWidget()
        box = QVBoxLayout(self._progress_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self._stage)
        box.addLayout(progress_row)
        self._progress_box.hide()
        self._result = QLabel()
        self._result.setWordWrap(True)
        self._result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._result.hide()

        self._buttons = QDialogButtonBox()
        self._build = self._buttons.addButton(
            self.tr("Build"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self._close = self._buttons.addButton(
            self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self._build.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self._inputs)
        layout.addWidget(self._error)
        layout.addStretch(1)
        layout.addWidget(self._progress_box)
        layout.addWidget(self._result)
        layout.addWidget(self._buttons)

        self._pdf_browse.clicked.connect(self._choose_pdf)
        self._bundle_browse.clicked.connect(self._choose_bundle)
        self._bundle.toggled.connect(self._bundle_toggled)
        self._journeys.itemChanged.connect(self._validate)
        self._pdf.textChanged.connect(self._validate)
        self._bundle_path.textChanged.connect(self._validate)
        self._prefix.textChanged.connect(self._validate)
        self._buttons.accepted.connect(self._request_build)
        self._buttons.rejected.connect(self.reject)
        self._cancel.clicked.connect(self._request_cancel)
        self._bundle_toggled(self._bundle.isChecked())

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
        label.setContentsMargins(0, 6, 0, 0)
        return label

    def options(self) -> ReportOptions:
        """The options as they stand."""
        items = [self._journeys.item(i) for i in range(self._journeys.count())]
        checked = tuple(i.text() for i in items if i.checkState() == Qt.CheckState.Checked)
        bates = self._bates.value()
        return ReportOptions(
            language="en" if self._english.isChecked() else "zh",
            exhibit_prefix=self._prefix.text().strip(),
            bates_start=bates if bates > 0 else None,
            journeys=() if len(checked) == len(items) else checked,
            pdf_path=self._pdf.text().strip(),
            bundle_path=self._bundle_path.text().strip() if self._bundle.isChecked() else None,
            open_when_done=self._open.isChecked(),
        )

    def set_running(self, running: bool) -> None:
        """While the app builds: inputs locked, progress and Cancel shown."""
        self._running = running
        self._inputs.setEnabled(not running)
        self._build.setEnabled(not running and not self._problems())
        self._close.setEnabled(not running)
        self._progress_box.setVisible(running)
        self._cancel.setEnabled(True)
        self._cancel.setText(self.tr("Cancel"))
        if running:
            self._result.hide()
            self._progress.setRange(0, 0)  # busy until the first set_progress
            self._stage.setText(self.tr("Starting…"))
            self._cancel.setFocus()
        else:
            self._validate()

    def set_progress(self, done: int, total: int, stage: str) -> None:
        """`stage` is already in the person's language, e.g. "Drawing pages"."""
        if total > 0:
            self._progress.setRange(0, total)
            self._progress.setValue(min(done, total))
            self._stage.setText(
                self.tr("{stage} ({done} of {total})").format(stage=stage, done=done, total=total)
            )
        else:
            self._progress.setRange(0, 0)
            self._stage.setText(stage)

    def set_finished(self, message: str, ok: bool) -> None:
        """Show how it ended, in plain words, and allow another build."""
        self.set_running(False)
        mark = "✔" if ok else "✖"
        self._result.setText(f"{mark} {message}")
        self._result.setStyleSheet(f"color: {OK_COLOR if ok else ERROR_COLOR};")
        self._result.show()
        self._close.setFocus()

    def reject(self) -> None:
        # Esc or the window's close button during a build asks to cancel, not to hide the
        # progress of work that is still running.
        if self._running:
            self._request_cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._running:
            self._request_cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def _request_cancel(self) -> None:
        if not self._running or not self._cancel.isEnabled():
            return
        self._cancel.setEnabled(False)
        self._cancel.setText(self.tr("Cancelling…"))
        self.cancel_requested.emit()

    def _request_build(self) -> None:
        if self._running or self._problems():
            return
        self.build_requested.emit(self.options())

    def _bundle_toggled(self, on: bool) -> None:
        self._bundle_path.setEnabled(on)
        self._bundle_browse.setEnabled(on)
        if on and not self._bundle_path.text().strip() and self._pdf.text().strip():
            self._bundle_path.setText(os.path.splitext(self._pdf.text().strip())[0] + ".zip")
        self._validate()

    def _problems(self) -> list[str]:
        problems = []
        items = [self._journeys.item(i) for i in range(self._journeys.count())]
        if items and not any(i.checkState() == Qt.CheckState.Checked for i in items):
            problems.append(self.tr("Tick at least one journey."))
        if not self._prefix.text().strip():
            problems.append(self.tr("Give an exhibit prefix, for example A."))
        if not self._pdf.text().strip():
            problems.append(self.tr("Choose where to save the PDF."))
        if self._bundle.isChecked() and not self._bundle_path.text().strip():
            problems.append(self.tr("Choose where to save the bundle, or untick it."))
        return problems

    def _validate(self) -> None:
        problems = self._problems()
        self._error.setText("\n".join(problems))
        self._error.setVisible(bool(problems))
        self._build.setEnabled(not self._running and not problems)

    def _choose_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the report as"), self._pdf.text(), self.tr("PDF files (*.pdf)")
        )
        if path:
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            self._pdf.setText(_native(path))

    def _choose_bundle(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the evidence bundle as"),
            self._bundle_path.text(),
            self.tr("Zip files (*.zip)"),
        )
        if path:
            if not path.lower().endswith(".zip"):
                path += ".zip"
            self._bundle_path.setText(_native(path))


# --------------------------------------------------------------------------------------------
# Verify


class VerifyDialog(QDialog):
    """Says in plain words whether a case or bundle still verifies, and lists what does not."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ok: bool | None = None
        self.setWindowTitle(self.tr("Verify"))
        self.setMinimumWidth(560)

        self._headline = QLabel(self.tr("Checking every file and log line…"))
        self._headline.setWordWrap(True)
        font = QFont(self._headline.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self._headline.setFont(font)
        self._headline.setAccessibleName(self.tr("Result"))
        self._busy = QProgressBar()
        self._busy.setRange(0, 0)
        self._busy.setTextVisible(False)
        self._summary = QLabel()
        self._summary.setWordWrap(True)
        self._summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._summary.hide()
        self._problems_label = QLabel(self.tr("&Problems:"))
        self._problems = QPlainTextEdit()
        self._problems.setReadOnly(True)
        self._problems.setAccessibleName(self.tr("Problems"))
        self._problems.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._problems_label.setBuddy(self._problems)
        self._problems_label.hide()
        self._problems.hide()

        self._buttons = QDialogButtonBox()
        self._copy = self._buttons.addButton(
            self.tr("Copy details"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self._copy.setToolTip(self.tr("Copy the result and every problem to the clipboard"))
        self._copy.setAutoDefault(False)
        self._copy.setEnabled(False)
        self._close = self._buttons.addButton(
            self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self._close.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self._headline)
        layout.addWidget(self._busy)
        layout.addWidget(self._summary)
        layout.addWidget(self._problems_label)
        layout.addWidget(self._problems, 1)
        layout.addWidget(self._buttons)

        self._copy.clicked.connect(self._copy_details)
        self._buttons.rejected.connect(self.reject)

    def show_result(self, ok: bool, summary: str, problems: list[str]) -> None:
        """Show the outcome; `summary` is a sentence the app made (files and lines checked)."""
        self._ok = ok
        self._busy.hide()
        if ok:
            headline = self.tr(
                "✔ Everything verifies: no file or log line has changed since it was recorded."
            )
            color = OK_COLOR
        else:
            count = len(problems)
            if count == 1:
                headline = self.tr("✖ 1 problem found")
            elif count > 1:
                headline = self.tr("✖ {n} problems found").format(n=count)
            else:
                headline = self.tr("✖ The case does not verify")
            color = ERROR_COLOR
        self._headline.setText(headline)
        self._headline.setStyleSheet(f"color: {color};")
        self._summary.setText(summary)
        self._summary.setVisible(bool(summary))
        # Numbered, so a person can point at "problem 3" when asking for help.
        self._problems.setPlainText(
            "\n".join(f"{number}. {problem}" for number, problem in enumerate(problems, 1))
        )
        self._problems_label.setVisible(bool(problems))
        self._problems.setVisible(bool(problems))
        self._copy.setEnabled(True)
        self._copy.setText(self.tr("Copy details"))
        self.setMinimumHeight(360 if problems else 0)
        self.adjustSize()
        self._close.setFocus()

    def details(self) -> str:
        """The text Copy puts on the clipboard."""
        parts = [self._headline.text(), self._summary.text(), self._problems.toPlainText()]
        return "\n\n".join(p for p in parts if p)

    def _copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())
        self._copy.setText(self.tr("Copied"))


# --------------------------------------------------------------------------------------------
# Settings

CAPTURE_TARGETS = tuple(TargetKind)
LANGUAGES = ("system", "en", "zh")


class SettingsDialog(QDialog):
    """Edits SettingsValues; OK stays disabled while a value is not usable."""

    def __init__(
        self,
        parent: QWidget | None,
        values: SettingsValues,
        defaults: SettingsValues | None = None,
    ) -> None:
        super().__init__(parent)
        self._defaults = defaults or SettingsValues()
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumSize(QSize(600, 380))
        self._tabs = QTabWidget()
        self._tab_errors: dict[int, list[str]] = {}

        # Capture
        self._target = QComboBox()
        for key, text in (
            ("screen", self.tr("Whole screen (all monitors)")),
            ("monitor", self.tr("One monitor")),
            ("window", self.tr("One window")),
            ("region", self.tr("A region of the screen")),
        ):
            self._target.addItem(text, key)
        self._target.setAccessibleName(self.tr("What to capture"))
        self._interval = QDoubleSpinBox()
        # Values below the minimum can be typed so the error can say why they are refused.
        self._interval.setRange(0.0, 86_400.0)
        self._interval.setDecimals(1)
        self._interval.setSingleStep(0.5)
        self._interval.setSuffix(self.tr(" s"))
        self._interval.setAccessibleName(self.tr("Interval in seconds"))
        self._interval.setToolTip(self.tr("Time between captures when capturing at an interval"))
        self._interval_error = _error_label()
        self._delay = QSpinBox()
        self._delay.setRange(0, 30)
        self._delay.setSuffix(self.tr(" s"))
        self._delay.setAccessibleName(self.tr("Delay in seconds"))
        self._delay.setToolTip(self.tr("Wait this long before a capture, to open a menu first"))
        self._threshold = QDoubleSpinBox()
        self._threshold.setRange(0.001, 100.0)
        self._threshold.setDecimals(3)
        self._threshold.setSingleStep(0.01)
        self._threshold.setSuffix(" %")
        self._threshold.setAccessibleName(self.tr("Change threshold in percent of pixels"))
        capture = QWidget()
        form = QFormLayout(capture)
        for field in (self._target, self._interval, self._delay, self._threshold):
            field.setMaximumWidth(320 if field is self._target else 160)
        form.addRow(self.tr("&Capture:"), self._target)
        form.addRow(self.tr("&Interval:"), self._with_note(self._interval, self._interval_error))
        form.addRow(self.tr("&Delay:"), self._delay)
        form.addRow(
            self.tr("C&hange threshold:"),
            self._with_note(
                self._threshold,
                _hint_label(
                    self.tr(
                        "At an interval, a new screenshot is kept only when at least this "
                        "share of the pixels has changed."
                    )
                ),
            ),
        )
        self._buddy(form, self._interval)
        self._buddy(form, self._threshold)
        self._tabs.addTab(capture, self.tr("Capture"))

        # Hotkeys
        self._hotkeys: list[QKeySequenceEdit] = []
        hotkeys = QWidget()
        form = QFormLayout(hotkeys)
        for label, name in (
            (self.tr("Take a &screenshot:"), self.tr("Hotkey: take a screenshot")),
            (self.tr("Add a &note:"), self.tr("Hotkey: add a note")),
            (self.tr("&Pause or resume:"), self.tr("Hotkey: pause or resume")),
        ):
            edit = QKeySequenceEdit()
            edit.setMaximumSequenceLength(1)
            edit.setMaximumWidth(260)
            edit.setClearButtonEnabled(True)
            edit.setAccessibleName(name)
            edit.setToolTip(self.tr("Click, then press the keys. Clear it to use no hotkey."))
            self._hotkeys.append(edit)
            form.addRow(label, edit)
        self._hotkey_error = _error_label()
        form.addRow("", self._hotkey_error)
        form.addRow(
            "",
            _hint_label(
                self.tr("Hotkeys work while another app is in front, so you need not switch.")
            ),
        )
        self._tabs.addTab(hotkeys, self.tr("Hotkeys"))

        # Measurement
        self._area_ratio = self._ratio_spin(self.tr("Area ratio threshold"))
        self._weight_ratio = self._ratio_spin(self.tr("Visual weight ratio threshold"))
        measurement = QWidget()
        form = QFormLayout(measurement)
        form.addRow(self.tr("&Area ratio:"), self._area_ratio)
        form.addRow(self.tr("&Visual weight ratio:"), self._weight_ratio)
        form.addRow(
            "",
            _hint_label(
                self.tr(
                    "A promoted control counts as favoured over a suppressed one when its area "
                    "or its visual weight is at least this many times larger."
                )
            ),
        )
        self._tabs.addTab(measurement, self.tr("Measurement"))

        # Trusted time
        self._tsa = QLineEdit()
        self._tsa.setPlaceholderText("https://…")
        self._tsa.setAccessibleName(self.tr("Timestamp authority address"))
        self._tsa_error = _error_label()
        tsa_note = QLabel(
            self.tr(
                "A timestamp authority (RFC 3161) signs a hash of the case log together with "
                "the time, which proves the evidence existed then. Leave the address empty to "
                "use none."
            )
        )
        tsa_note.setWordWrap(True)
        tsa_privacy = QLabel(
            self.tr(
                "⚠ A timestamp request sends only a hash to this server: never your "
                "screenshots, notes or case details."
            )
        )
        tsa_privacy.setWordWrap(True)
        self._session_stamp = QCheckBox(self.tr("&Timestamp at the end of every recording session"))
        self._session_stamp.setToolTip(
            self.tr(
                "When an interval capture stops and when the case is closed, ask the authority "
                "above to sign the last log hash."
            )
        )
        self._roots = QListWidget()
        self._roots.setAccessibleName(self.tr("Trusted root certificates"))
        self._roots.setMaximumHeight(96)
        self._root_add = QPushButton(self.tr("Add…"))
        self._root_add.setAutoDefault(False)
        self._root_add.setToolTip(self.tr("Add the root certificate file of a timestamp authority"))
        self._root_remove = QPushButton(self.tr("Remove"))
        self._root_remove.setAutoDefault(False)
        self._root_remove.setToolTip(self.tr("Stop trusting the selected root certificate"))
        root_buttons = QVBoxLayout()
        root_buttons.addWidget(self._root_add)
        root_buttons.addWidget(self._root_remove)
        root_buttons.addStretch(1)
        roots_row = QWidget()
        row = QHBoxLayout(roots_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._roots, 1)
        row.addLayout(root_buttons)
        trusted = QWidget()
        form = QFormLayout(trusted)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("&Server address:"), self._tsa)
        form.addRow("", self._tsa_error)
        form.addRow(tsa_note)
        form.addRow(tsa_privacy)
        form.addRow(
            "",
            self._with_note(
                self._session_stamp,
                _hint_label(
                    self.tr(
                        "Offered once an authority is set. Off by default; a failed request "
                        "is shown and loses nothing."
                    )
                ),
            ),
        )
        form.addRow(self.tr("T&rusted roots:"), roots_row)
        form.addRow(
            "",
            _hint_label(
                self.tr(
                    "A timestamp is called trusted only when the authority's certificate "
                    "chains to one of the system's root certificates or to one of these files "
                    "(PEM or DER)."
                )
            ),
        )
        roots_label = form.labelForField(roots_row)
        if isinstance(roots_label, QLabel):
            roots_label.setBuddy(self._roots)
        self._tabs.addTab(trusted, self.tr("Trusted time"))

        # General
        self._language = QComboBox()
        for key, text in (
            ("system", self.tr("Same as the system")),
            # Language names are written in their own language, so they are not translated.
            ("en", "English"),
            ("zh", "中文"),
        ):
            self._language.addItem(text, key)
        self._language.setAccessibleName(self.tr("Language"))
        self._language.setMaximumWidth(320)
        self._data_folder = QLineEdit()
        self._data_folder.setPlaceholderText(self.tr("The default folder"))
        self._data_folder.setAccessibleName(self.tr("Folder for new cases"))
        self._data_browse = QPushButton(self.tr("Browse…"))
        self._data_browse.setAutoDefault(False)
        self._data_browse.setToolTip(self.tr("Choose the folder for new cases"))
        general = QWidget()
        form = QFormLayout(general)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(
            self.tr("&Language:"),
            self._with_note(
                self._language,
                _hint_label(self.tr("A new language is used after Evidence Recorder restarts.")),
            ),
        )
        form.addRow(
            self.tr("&Folder for new cases:"), _path_row(self._data_folder, self._data_browse)
        )
        self._buddy(form, self._language)
        self._buddy(form, self._data_folder)
        self._tabs.addTab(general, self.tr("General"))

        self._summary_error = _error_label()
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self._ok = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok.setText(self.tr("OK"))
        self._ok.setDefault(True)
        self._buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.restore_defaults = self._buttons.button(
            QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.restore_defaults.setText(self.tr("Restore defaults"))
        self.restore_defaults.setAutoDefault(False)
        self.restore_defaults.setToolTip(self.tr("Put every setting back to its default"))

        layout = QVBoxLayout(self)
        layout.addWidget(self._tabs, 1)
        layout.addWidget(self._summary_error)
        layout.addWidget(self._buttons)

        self._buttons.accepted.connect(self._accept_if_valid)
        self._buttons.rejected.connect(self.reject)
        self.restore_defaults.clicked.connect(lambda: self.set_values(self._defaults))
        self._data_browse.clicked.connect(self._choose_data_folder)
        self._tabs.currentChanged.connect(self._validate)
        self._interval.valueChanged.connect(self._validate)
        self._tsa.textChanged.connect(self._validate)
        self._root_add.clicked.connect(self._choose_root)
        self._root_remove.clicked.connect(self._remove_root)
        self._roots.currentRowChanged.connect(self._validate)
        for edit in self._hotkeys:
            edit.keySequenceChanged.connect(self._validate)
        self.set_values(values)

    @staticmethod
    def _with_note(field: QWidget, note: QLabel) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(field)
        column.addWidget(note)
        return box

    @staticmethod
    def _buddy(form: QFormLayout, field: QWidget) -> None:
        # Fields wrapped with a note: the label's mnemonic must reach the field itself.
        wrapper = field.parentWidget()
        label = form.labelForField(wrapper) if wrapper is not None else None
        if isinstance(label, QLabel):
            label.setBuddy(field)

    def _ratio_spin(self, name: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(1.0, 50.0)
        spin.setDecimals(1)
        spin.setSingleStep(0.1)
        spin.setSuffix(" ×")
        spin.setAccessibleName(name)
        spin.setMaximumWidth(160)
        return spin

    def set_values(self, values: SettingsValues) -> None:
        """Show these values in every field."""
        index = self._target.findData(values.capture_target)
        self._target.setCurrentIndex(max(0, index))
        self._interval.setValue(values.interval_seconds)
        self._delay.setValue(values.delay_seconds)
        self._threshold.setValue(values.change_threshold * 100.0)
        for edit, text in zip(
            self._hotkeys,
            (values.hotkey_capture, values.hotkey_note, values.hotkey_pause),
            strict=True,
        ):
            edit.setKeySequence(
                QKeySequence.fromString(text, QKeySequence.SequenceFormat.PortableText)
            )
        self._area_ratio.setValue(values.area_ratio_threshold)
        self._weight_ratio.setValue(values.weight_ratio_threshold)
        self._tsa.setText(values.tsa_url)
        self._session_stamp.setChecked(values.timestamp_after_session)
        self._roots.clear()
        for path in values.tsa_roots:
            self._add_root(path)
        index = self._language.findData(values.language)
        self._language.setCurrentIndex(max(0, index))
        self._data_folder.setText(values.data_folder)
        self._validate()

    def values(self) -> SettingsValues:
        """The values as edited (check `errors()` first: they may not be usable)."""
        hotkeys = [
            e.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
            for e in self._hotkeys
        ]
        return replace(
            SettingsValues(),
            capture_target=str(self._target.currentData()),
            interval_seconds=round(self._interval.value(), 3),
            delay_seconds=self._delay.value(),
            # Shown as a percentage; rounded so 0.05 % comes back as exactly 0.0005.
            change_threshold=round(self._threshold.value() / 100.0, 8),
            hotkey_capture=hotkeys[0],
            hotkey_note=hotkeys[1],
            hotkey_pause=hotkeys[2],
            area_ratio_threshold=round(self._area_ratio.value(), 3),
            weight_ratio_threshold=round(self._weight_ratio.value(), 3),
            tsa_url=self._tsa.text().strip(),
            tsa_roots=tuple(
                str(self._roots.item(row).data(Qt.ItemDataRole.UserRole))
                for row in range(self._roots.count())
            ),
            # Never without an authority: the choice is kept only while one is set.
            timestamp_after_session=self._session_stamp.isChecked()
            and self._session_stamp.isEnabled(),
            language=str(self._language.currentData()),
            data_folder=self._data_folder.text().strip(),
        )

    def errors(self) -> list[str]:
        """Why the values cannot be saved, one sentence each; empty when they can."""
        return [message for messages in self._tab_errors.values() for message in messages]

    def _validate(self) -> None:
        errors: dict[int, list[str]] = {}
        interval = ""
        if self._interval.value() < MIN_INTERVAL_S:
            interval = self.tr("The interval must be at least 0.5 seconds.")
            errors.setdefault(0, []).append(interval)
        self._show(self._interval_error, interval)

        hotkey = ""
        texts = [e.keySequence().toString() for e in self._hotkeys]
        used = [t for t in texts if t]
        if len(used) != len(set(used)):
            duplicate = next(t for t in used if used.count(t) > 1)
            hotkey = self.tr("{keys} is used for two actions. Give each its own keys.").format(
                keys=duplicate
            )
            errors.setdefault(1, []).append(hotkey)
        self._show(self._hotkey_error, hotkey)

        tsa = ""
        url = self._tsa.text().strip()
        if url and not re.match(r"^https?://[^\s/]+", url, re.IGNORECASE):
            tsa = self.tr("The address must start with https:// or http://.")
            errors.setdefault(3, []).append(tsa)
        self._show(self._tsa_error, tsa)
        self._session_stamp.setEnabled(bool(url) and not tsa)
        self._root_remove.setEnabled(self._roots.currentRow() >= 0)

        self._tab_errors = errors
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for index in range(self._tabs.count()):
            if index in errors:
                self._tabs.setTabIcon(index, warning)
            else:
                self._tabs.setTabIcon(index, QIcon())
        # The open tab shows its own errors beside the fields; this line names the others.
        lines = [
            self.tr("{tab}: {message}").format(tab=self._tabs.tabText(index), message=message)
            for index, messages in sorted(errors.items())
            if index != self._tabs.currentIndex()
            for message in messages
        ]
        self._show(self._summary_error, "\n".join(lines))
        self._ok.setEnabled(not errors)

    @staticmethod
    def _show(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def _accept_if_valid(self) -> None:
        if not self.errors():
            self.accept()

    def _add_root(self, path: str) -> None:
        item = QListWidgetItem(_native(path))
        item.setData(Qt.ItemDataRole.UserRole, path)
        item.setToolTip(path)
        self._roots.addItem(item)

    def _choose_root(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Root certificate of a timestamp authority"),
            "",
            self.tr("Certificates (*.pem *.crt *.cer *.der);;All files (*)"),
        )
        known = {
            self._roots.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self._roots.count())
        }
        chosen = _native(chosen)
        if chosen and chosen not in known:
            self._add_root(chosen)
            self._roots.setCurrentRow(self._roots.count() - 1)
        self._validate()

    def _remove_root(self) -> None:
        row = self._roots.currentRow()
        if row >= 0:
            self._roots.takeItem(row)
        self._validate()

    def _choose_data_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Folder for new cases"), self._data_folder.text()
        )
        if chosen:
            self._data_folder.setText(_native(chosen))


# --------------------------------------------------------------------------------------------
# Crash


class CrashDialog(QDialog):
    """Tells the person the case is safe after an unexpected error, with copyable details."""

    def __init__(self, parent: QWidget | None, details: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Unexpected error"))
        self.setMinimumWidth(520)

        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        message = QLabel(
            self.tr(
                "Evidence Recorder met an unexpected error. Your case is safe: everything saved "
                "before this moment is kept."
            )
        )
        message.setWordWrap(True)
        message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        advice = QLabel(self.tr("If you report this problem, please include the error details."))
        advice.setWordWrap(True)

        self._toggle = QToolButton()
        self._toggle.setText(self.tr("Show details"))
        self._toggle.setCheckable(True)
        self._toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._toggle.setArrowType(Qt.ArrowType.RightArrow)
        self._toggle.setAutoRaise(True)
        self._details = QPlainTextEdit(details)
        self._details.setReadOnly(True)
        self._details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._details.setAccessibleName(self.tr("Error details"))
        self._details.setMinimumHeight(200)
        self._details.hide()

        self._buttons = QDialogButtonBox()
        self._copy = self._buttons.addButton(
            self.tr("Copy details"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self._copy.setAutoDefault(False)
        self._copy.setToolTip(self.tr("Copy the error details to the clipboard"))
        self._close = self._buttons.addButton(
            self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self._close.setDefault(True)

        top = QHBoxLayout()
        top.addWidget(icon)
        text = QVBoxLayout()
        text.addWidget(message)
        text.addWidget(advice)
        text.addStretch(1)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self._details, 1)
        layout.addWidget(self._buttons)

        self._toggle.toggled.connect(self._show_details)
        self._copy.clicked.connect(self._copy_details)
        self._buttons.rejected.connect(self.reject)
        self._close.setFocus()

    def details(self) -> str:
        """The traceback text shown (and copied)."""
        return self._details.toPlainText()

    def details_visible(self) -> bool:
        return self._toggle.isChecked()

    def set_details_visible(self, visible: bool) -> None:
        self._toggle.setChecked(visible)

    def _show_details(self, visible: bool) -> None:
        self._details.setVisible(visible)
        self._toggle.setArrowType(Qt.ArrowType.DownArrow if visible else Qt.ArrowType.RightArrow)
        self._toggle.setText(self.tr("Hide details") if visible else self.tr("Show details"))
        self.adjustSize()

    def _copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())
        self._copy.setText(self.tr("Copied"))


__all__ = [
    "CAPTURE_TARGETS",
    "LANGUAGES",
    "CrashDialog",
    "NewCaseDialog",
    "NewCaseValues",
    "ReportDialog",
    "ReportOptions",
    "SettingsDialog",
    "SettingsValues",
    "VerifyDialog",
    "folder_name_for",
]
