"""Start page: recent cases in, open / new / demo / forget requests out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QPushButton, QTreeWidget
from pytestqt.qtbot import QtBot

from widgets.start_page import RecentCase, StartPage

# The offscreen platform cannot pass a window's size limits on, and says so whenever a shown
# widget's layout changes them; real platforms do not. Every other Qt warning still fails.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

MOBILE = RecentCase("/home/li/Evidence/China-Mobile", "China Mobile downgrade", "2024-05-01", 23)
VIDEO = RecentCase("/home/li/Evidence/视频会员", "视频会员取消", "2024-04-28 09:10", 1)
GONE = RecentCase("/media/usb/gym", "Gym cancellation", "2024-03-02", 7, missing=True)


@pytest.fixture
def page(qtbot: QtBot) -> StartPage:
    widget = StartPage()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_recent([MOBILE, VIDEO, GONE])
    return widget


def recent_list(page: StartPage) -> QTreeWidget:
    found = page.findChild(QTreeWidget)
    assert found is not None
    return found


def button(page: StartPage, text: str) -> QPushButton:
    found = [b for b in page.findChildren(QPushButton) if b.text() == text]
    assert len(found) == 1
    return found[0]


def row(page: StartPage, index: int) -> list[str]:
    item = recent_list(page).topLevelItem(index)
    assert item is not None
    return [item.text(column) for column in range(4)]


def row_center(page: StartPage, index: int) -> QPoint:
    tree = recent_list(page)
    item = tree.topLevelItem(index)
    assert item is not None
    return tree.visualItemRect(item).center()


@pytest.mark.gui
def test_recent_cases_show_title_date_count_and_folder(page: StartPage) -> None:
    assert row(page, 0) == [
        "China Mobile downgrade",
        "2024-05-01",
        "23 captures",
        "/home/li/Evidence/China-Mobile",
    ]
    assert row(page, 1)[2] == "1 capture"
    assert page.recent_paths() == [MOBILE.path, VIDEO.path, GONE.path]


@pytest.mark.gui
def test_a_missing_folder_is_greyed_and_says_so(page: StartPage) -> None:
    assert row(page, 2)[3] == "Folder not found: /media/usb/gym"
    tree = recent_list(page)
    present, missing = tree.topLevelItem(0), tree.topLevelItem(2)
    assert present is not None and missing is not None
    assert missing.foreground(0).color() != present.foreground(0).color()
    assert "not found" in missing.toolTip(0)


def double_click(qtbot: QtBot, page: StartPage, index: int) -> None:
    # QTest's double click is the second click only; a person's starts with a first click.
    viewport = recent_list(page).viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=row_center(page, index))
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=row_center(page, index))


@pytest.mark.gui
def test_double_click_opens_the_case_folder(qtbot: QtBot, page: StartPage) -> None:
    with qtbot.waitSignal(page.open_requested) as blocker:
        double_click(qtbot, page, 1)
    assert blocker.args == [VIDEO.path]


@pytest.mark.gui
def test_enter_and_the_open_button_open_the_current_case(qtbot: QtBot, page: StartPage) -> None:
    tree = recent_list(page)
    tree.setFocus()
    with qtbot.waitSignal(page.open_requested) as blocker:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert blocker.args == [MOBILE.path]
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    with qtbot.waitSignal(page.open_requested) as blocker:
        qtbot.mouseClick(button(page, "Open"), Qt.MouseButton.LeftButton)
    assert blocker.args == [VIDEO.path]


@pytest.mark.gui
def test_a_missing_case_cannot_be_opened(qtbot: QtBot, page: StartPage) -> None:
    with qtbot.assertNotEmitted(page.open_requested):
        double_click(qtbot, page, 2)
    assert not button(page, "Open").isEnabled()
    assert button(page, "Remove from list").isEnabled()


@pytest.mark.gui
def test_delete_key_and_button_ask_to_forget_the_current_case(
    qtbot: QtBot, page: StartPage
) -> None:
    tree = recent_list(page)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_End)
    with qtbot.waitSignal(page.forget_requested) as blocker:
        qtbot.keyClick(tree, Qt.Key.Key_Delete)
    assert blocker.args == [GONE.path]
    qtbot.keyClick(tree, Qt.Key.Key_Home)
    with qtbot.waitSignal(page.forget_requested) as blocker:
        qtbot.mouseClick(button(page, "Remove from list"), Qt.MouseButton.LeftButton)
    assert blocker.args == [MOBILE.path]


@pytest.mark.gui
# A popup menu asks the platform to raise it and grab the keyboard; offscreen cannot.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_context_menu_remove_from_list(qtbot: QtBot, page: StartPage) -> None:
    tree = recent_list(page)
    seen: list[list[str]] = []

    def choose_remove() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        seen.append([action.text() for action in menu.actions()])
        action = next(a for a in menu.actions() if a.text() == "Remove from list")
        menu.close()
        action.trigger()

    QTimer.singleShot(50, choose_remove)
    with qtbot.waitSignal(page.forget_requested) as blocker:
        tree.customContextMenuRequested.emit(row_center(page, 1))
    assert blocker.args == [VIDEO.path]
    assert seen == [["Open", "Remove from list"]]


@pytest.mark.gui
@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("New case…", "new_case_requested"),
        ("Open case folder…", "open_folder_requested"),
        ("Try the demo case", "demo_requested"),
    ],
)
def test_start_buttons_emit_their_requests(
    qtbot: QtBot, page: StartPage, text: str, signal: str
) -> None:
    with qtbot.waitSignal(getattr(page, signal)):
        qtbot.mouseClick(button(page, text), Qt.MouseButton.LeftButton)


@pytest.mark.gui
def test_no_recent_cases_shows_a_hint_instead_of_an_empty_table(
    qtbot: QtBot, page: StartPage
) -> None:
    page.set_recent([])
    hints = [
        label.text()
        for label in page.findChildren(QLabel)
        if label.isVisible() and label.text().startswith("No cases yet")
    ]
    assert len(hints) == 1
    assert not recent_list(page).isVisible()
    assert not button(page, "Open").isVisible()
    page.set_recent([MOBILE])
    assert recent_list(page).isVisible()
    assert page.recent_paths() == [MOBILE.path]
