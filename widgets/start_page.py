"""The welcome page: start a new case, open a recent one, or try the demo."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from widgets.dialogs import mute

PATH_ROLE = Qt.ItemDataRole.UserRole
MISSING_ROLE = Qt.ItemDataRole.UserRole + 1
CONTENT_MAX_WIDTH = 880  # on a wide window the page stays readable instead of stretching


@dataclass(frozen=True)
class RecentCase:
    """A case opened before. `missing` is set by the app when its folder is not there now."""

    path: str
    title: str
    last_opened: str  # already formatted for display, e.g. "2024-05-01 14:32"
    captures: int
    missing: bool = False


class _RecentList(QTreeWidget):
    """The recent cases; Delete asks to forget the current one."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentItem():
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class StartPage(QWidget):
    """Shown when no case is open."""

    new_case_requested = Signal()
    open_requested = Signal(str)  # the folder of a recent case
    open_folder_requested = Signal()
    demo_requested = Signal()
    forget_requested = Signal(str)  # the folder of a recent case to drop from the list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(560, 420)

        heading = QLabel(self.tr("Evidence Recorder"))
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        heading.setFont(font)
        heading.setAccessibleName(self.tr("Evidence Recorder"))
        about = QLabel(
            self.tr(
                "Record timestamped screenshots and notes while you try to upgrade, downgrade "
                "or cancel in an app, measure how its buttons differ, and build a PDF exhibit "
                "that others can check."
            )
        )
        about.setWordWrap(True)
        privacy = QLabel(self.tr("Everything stays on this computer unless you export it."))
        privacy.setWordWrap(True)
        mute(privacy)

        self._new = QPushButton(self.tr("New case…"))
        self._new.setToolTip(self.tr("Start recording evidence for a new complaint"))
        self._new.setDefault(True)
        font = QFont(self._new.font())
        font.setBold(True)
        self._new.setFont(font)
        self._open_folder = QPushButton(self.tr("Open case folder…"))
        self._open_folder.setToolTip(self.tr("Open a case folder that is not in the list"))
        self._demo = QPushButton(self.tr("Try the demo case"))
        self._demo.setToolTip(
            self.tr("Open a sample case with screenshots, to see how everything works")
        )
        for button in (self._new, self._open_folder, self._demo):
            button.setMinimumHeight(int(button.sizeHint().height() * 1.3))
        actions = QHBoxLayout()
        actions.addWidget(self._new)
        actions.addWidget(self._open_folder)
        actions.addWidget(self._demo)
        actions.addStretch(1)

        recent_heading = QLabel(self.tr("&Recent cases"))
        font = QFont(recent_heading.font())
        font.setBold(True)
        recent_heading.setFont(font)
        self._list = _RecentList()
        recent_heading.setBuddy(self._list)
        self._list.setAccessibleName(self.tr("Recent cases"))
        self._list.setColumnCount(4)
        self._list.setHeaderLabels(
            [self.tr("Case"), self.tr("Last opened"), self.tr("Captures"), self.tr("Folder")]
        )
        self._list.setRootIsDecorated(False)
        self._list.setUniformRowHeights(True)
        self._list.setAllColumnsShowFocus(True)
        self._list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self._list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self._list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self._list.setColumnWidth(0, 240)
        self._empty = QLabel(
            self.tr("No cases yet. Start a new case, or try the demo case to look around.")
        )
        self._empty.setWordWrap(True)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        mute(self._empty)

        self._open = QPushButton(self.tr("Open"))
        self._open.setToolTip(self.tr("Open the selected case"))
        self._forget = QPushButton(self.tr("Remove from list"))
        self._forget.setToolTip(
            self.tr("Take the selected case off this list; its folder is not touched")
        )
        list_buttons = QHBoxLayout()
        list_buttons.addStretch(1)
        list_buttons.addWidget(self._open)
        list_buttons.addWidget(self._forget)

        content = QWidget()
        content.setMaximumWidth(CONTENT_MAX_WIDTH)
        column = QVBoxLayout(content)
        column.setSpacing(10)
        column.addWidget(heading)
        column.addWidget(about)
        column.addWidget(privacy)
        column.addSpacing(8)
        column.addLayout(actions)
        column.addSpacing(16)
        column.addWidget(recent_heading)
        column.addWidget(self._list, 1)
        column.addWidget(self._empty, 1)
        column.addLayout(list_buttons)
        outer = QHBoxLayout(self)
        outer.addStretch(0)
        outer.addWidget(content, 1)
        outer.addStretch(0)

        self._new.clicked.connect(self.new_case_requested)
        self._open_folder.clicked.connect(self.open_folder_requested)
        self._demo.clicked.connect(self.demo_requested)
        self._open.clicked.connect(self._open_current)
        self._forget.clicked.connect(self._forget_current)
        self._list.itemActivated.connect(self._activated)
        self._list.delete_pressed.connect(self._forget_current)
        self._list.currentItemChanged.connect(self._update_buttons)
        self._list.customContextMenuRequested.connect(self._context_menu)
        self.set_recent([])

    def set_recent(self, cases: list[RecentCase]) -> None:
        """Show these cases, most recent first as given."""
        self._list.clear()
        grey = QBrush(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        # Roomier rows than the default: easier to read and to hit with the mouse.
        row_height = int(self._list.fontMetrics().height() * 1.9)
        for case in cases:
            if case.captures == 1:
                count = self.tr("1 capture")
            else:
                count = self.tr("{n} captures").format(n=case.captures)
            folder = (
                self.tr("Folder not found: {path}").format(path=case.path)
                if case.missing
                else case.path
            )
            item = QTreeWidgetItem([case.title, case.last_opened, count, folder])
            item.setData(0, PATH_ROLE, case.path)
            item.setData(0, MISSING_ROLE, case.missing)
            item.setSizeHint(0, QSize(0, row_height))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if case.missing:
                tip = self.tr(
                    "The folder was not found. It may have been moved or renamed, or be on a "
                    "drive that is not connected."
                )
                for column in range(4):
                    item.setForeground(column, grey)
            else:
                tip = case.path
            for column in range(4):
                item.setToolTip(column, tip)
            self._list.addTopLevelItem(item)
        self._list.setVisible(bool(cases))
        self._empty.setVisible(not cases)
        first = self._list.topLevelItem(0)
        if first is not None:
            self._list.setCurrentItem(first)
        self._update_buttons()

    def recent_paths(self) -> list[str]:
        """The paths shown, in order."""
        items = [self._list.topLevelItem(i) for i in range(self._list.topLevelItemCount())]
        return [str(item.data(0, PATH_ROLE)) for item in items if item is not None]

    def _update_buttons(self) -> None:
        item = self._list.currentItem()
        self._open.setEnabled(item is not None and not item.data(0, MISSING_ROLE))
        self._forget.setEnabled(item is not None)
        self._open.setVisible(self._list.topLevelItemCount() > 0)
        self._forget.setVisible(self._list.topLevelItemCount() > 0)

    def _activated(self, item: QTreeWidgetItem, column: int) -> None:
        del column
        # A missing folder cannot be opened; the row says why, and it can be removed.
        if not item.data(0, MISSING_ROLE):
            self.open_requested.emit(str(item.data(0, PATH_ROLE)))

    def _open_current(self) -> None:
        item = self._list.currentItem()
        if item is not None:
            self._activated(item, 0)

    def _forget_current(self) -> None:
        item = self._list.currentItem()
        if item is not None:
            self.forget_requested.emit(str(item.data(0, PATH_ROLE)))

    def _context_menu(self, position: QPoint) -> None:
        item = self._list.itemAt(position)
        if item is None:
            return
        self._list.setCurrentItem(item)
        menu = QMenu(self)
        open_action = menu.addAction(self.tr("Open"))
        open_action.setEnabled(not item.data(0, MISSING_ROLE))
        open_action.triggered.connect(self._open_current)
        forget_action = menu.addAction(self.tr("Remove from list"))
        forget_action.triggered.connect(self._forget_current)
        menu.exec(self._list.viewport().mapToGlobal(position))
