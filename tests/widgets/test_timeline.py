"""Timeline: rows, filters, lazy thumbnails, selection signals and the words each row shows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QRect, QSortFilterProxyModel, Qt, QTranslator
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from widgets.timeline import (
    ITEM_ROLE,
    THUMB_SIZE,
    TimelineDelegate,
    TimelineModel,
    TimelineView,
    display_time,
    journey_color,
)
from widgets.values import TimelineItem

pytestmark = pytest.mark.gui


def stamp(minute: int) -> str:
    return f"2025-03-14T10:{minute % 60:02d}:05.120+08:00"


def sample() -> list[TimelineItem]:
    return [
        TimelineItem(1, "journey", stamp(0), "upgrade", "upgrade"),
        TimelineItem(2, "capture", stamp(1), "upgrade", "Whole screen", image_path="a.png"),
        TimelineItem(3, "note", stamp(2), "upgrade", "Upgrade is one tap away", attached_to=2),
        TimelineItem(4, "journey", stamp(3), "downgrade", "downgrade"),
        TimelineItem(
            5, "capture", stamp(4), "downgrade", "Region", image_path="b.png", suspect="all black"
        ),
        TimelineItem(6, "note", stamp(5), "downgrade", "要打客服电话才能取消 HOTLINE only"),
        TimelineItem(
            7, "capture", stamp(6), "downgrade", "Window", image_path="c.png", withdrawn=True
        ),
        TimelineItem(8, "note", stamp(7), None, "Waited 25 minutes"),
    ]


def image(width: int = 320, height: int = 180, color: str = "#ff6a13") -> QImage:
    result = QImage(width, height, QImage.Format.Format_RGB32)
    result.fill(QColor(color))
    return result


def shown_seqs(view: TimelineView) -> list[int]:
    proxy = view.list_view().model()
    return [proxy.index(row, 0).data(ITEM_ROLE).seq for row in range(proxy.rowCount())]


@pytest.fixture
def view(qtbot: QtBot) -> TimelineView:
    widget = TimelineView()
    qtbot.addWidget(widget)
    widget.resize(560, 700)
    return widget


def test_items_in_rows_out(view: TimelineView) -> None:
    view.set_items(sample())
    model = view.model()
    assert model.rowCount() == 8
    assert shown_seqs(view) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert model.item(4).seq == 5
    assert model.row_of(6) == 5
    assert model.row_of(99) is None
    assert view.journeys() == ["upgrade", "downgrade"]


def test_journey_filter_hides_other_journeys_and_all_restores(
    qtbot: QtBot, view: TimelineView
) -> None:
    view.set_items(sample())
    view.set_journey_filter("downgrade")
    assert shown_seqs(view) == [4, 5, 6, 7]
    box = view.findChild(QComboBox)
    assert box is not None and box.currentText() == "downgrade"

    # Choosing in the combo box filters the same way.
    box.setCurrentIndex(box.findText("upgrade"))
    assert view.journey_filter() == "upgrade"
    assert shown_seqs(view) == [1, 2, 3]

    view.set_journey_filter(None)
    assert box.currentText() == "All journeys"
    assert shown_seqs(view) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_journey_box_grows_as_items_arrive(view: TimelineView) -> None:
    view.set_items(sample()[:3])
    box = view.findChild(QComboBox)
    assert box is not None
    assert [box.itemText(i) for i in range(box.count())] == ["All journeys", "upgrade"]
    view.set_journey_filter("upgrade")
    view.append_items([TimelineItem(9, "journey", stamp(9), "cancel", "cancel")])
    assert [box.itemText(i) for i in range(box.count())] == ["All journeys", "upgrade", "cancel"]
    assert box.currentText() == "upgrade"  # the choice survives the rebuild
    assert shown_seqs(view) == [1, 2, 3]


def test_text_filter_matches_notes_and_descriptions_ignoring_case(
    qtbot: QtBot, view: TimelineView
) -> None:
    view.set_items(sample())
    search = view.findChild(QLineEdit)
    assert search is not None
    qtbot.keyClicks(search, "hotline")
    assert shown_seqs(view) == [6]
    search.setText("客服")
    assert shown_seqs(view) == [6]
    search.setText("ALL BLACK")  # the suspect reason counts as description
    assert shown_seqs(view) == [5]
    search.setText("whole SCREEN")  # every word must appear, in any case
    assert shown_seqs(view) == [2]
    search.setText("no such words")
    assert shown_seqs(view) == []
    empty = view.findChild(QLabel, "timelineEmptyState")
    assert empty is not None and "match" in empty.text()
    search.clear()
    assert len(shown_seqs(view)) == 8


def test_text_and_journey_filters_combine(view: TimelineView) -> None:
    view.set_items(sample())
    view.set_text_filter("screen")
    assert shown_seqs(view) == [2]
    view.set_journey_filter("downgrade")
    assert shown_seqs(view) == []
    view.set_text_filter("")
    assert shown_seqs(view) == [4, 5, 6, 7]


def test_thumbnail_needed_once_per_seq_and_only_for_images(
    qtbot: QtBot, view: TimelineView
) -> None:
    requests: list[tuple[int, str]] = []
    view.model().thumbnail_needed.connect(lambda seq, path: requests.append((seq, path)))
    view.set_items(sample())
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: len(requests) == 3)
    assert sorted(requests) == [(2, "a.png"), (5, "b.png"), (7, "c.png")]

    # Repaints and direct reads do not ask again while the request is pending.
    view.list_view().viewport().repaint()
    model = view.model()
    for row in range(model.rowCount()):
        model.index(row, 0).data(Qt.ItemDataRole.DecorationRole)
    assert len(requests) == 3
    assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is None  # no image, no pixmap


def test_set_thumbnail_stores_a_pixmap_and_signals_its_row(
    qtbot: QtBot, view: TimelineView
) -> None:
    view.set_items(sample())
    model = view.model()
    placeholder = model.index(1, 0).data(Qt.ItemDataRole.DecorationRole)
    with qtbot.waitSignal(model.dataChanged, check_params_cb=lambda a, b, *_: a.row() == 1):
        model.set_thumbnail(2, image(1920, 1080))
    pixmap = model.index(1, 0).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(pixmap, QPixmap) and pixmap is not placeholder
    size = pixmap.deviceIndependentSize().toSize()
    assert size.width() <= THUMB_SIZE.width() and size.height() <= THUMB_SIZE.height()
    assert abs(size.width() / size.height() - 16 / 9) < 0.05  # aspect kept

    with qtbot.waitSignal(model.dataChanged, check_params_cb=lambda a, b, *_: a.row() == 4):
        model.thumbnail_failed(5)
    broken = model.index(4, 0).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(broken, QPixmap) and broken is not placeholder

    # A thumbnail for an event that is not listed is ignored.
    with qtbot.assertNotEmitted(model.dataChanged):
        model.set_thumbnail(42, image())


def test_thumbnail_cache_is_capped_and_evicted_ones_are_asked_for_again(qtbot: QtBot) -> None:
    model = TimelineModel(cache_size=2)
    items = [
        TimelineItem(n, "capture", stamp(n), "upgrade", image_path=f"{n}.png") for n in range(3)
    ]
    model.set_items(items)
    requests: list[int] = []
    model.thumbnail_needed.connect(lambda seq, _path: requests.append(seq))
    for row in range(3):
        model.index(row, 0).data(Qt.ItemDataRole.DecorationRole)
    assert requests == [0, 1, 2]
    for seq in range(3):
        model.set_thumbnail(seq, image())
    assert model.thumbnail_count() == 2
    for row in range(3):
        model.index(row, 0).data(Qt.ItemDataRole.DecorationRole)
    assert requests == [0, 1, 2, 0]  # only the evicted one, once more


def test_set_items_keeps_thumbnails_of_unchanged_images(qtbot: QtBot) -> None:
    model = TimelineModel()
    items = sample()
    model.set_items(items)
    model.set_thumbnail(2, image())
    model.set_thumbnail(5, image())
    requests: list[int] = []
    model.thumbnail_needed.connect(lambda seq, _path: requests.append(seq))
    changed = [*items[:4], TimelineItem(5, "capture", stamp(4), "downgrade", image_path="new.png")]
    model.set_items(changed)
    for row in range(model.rowCount()):
        model.index(row, 0).data(Qt.ItemDataRole.DecorationRole)
    assert requests == [5]


def test_selection_signals(qtbot: QtBot, view: TimelineView) -> None:
    view.set_items(sample())
    view.show()
    qtbot.waitExposed(view)
    listing = view.list_view()
    listing.setFocus()
    with qtbot.waitSignal(view.capture_selected) as capture:
        view.select_seq(2)
    assert capture.args == [2]

    # Down moves to the note attached to #2: a note, no capture.
    with (
        qtbot.waitSignal(view.note_selected) as note,
        qtbot.assertNotEmitted(view.capture_selected),
    ):
        qtbot.keyClick(listing, Qt.Key.Key_Down)
    assert note.args == [3]

    with qtbot.waitSignal(view.capture_selected) as capture:
        qtbot.keyClick(listing, Qt.Key.Key_Down)
        qtbot.keyClick(listing, Qt.Key.Key_Down)
    assert capture.args == [5]

    with qtbot.waitSignal(view.item_activated) as activated:
        qtbot.keyClick(listing, Qt.Key.Key_Return)
    assert activated.args == [5]
    assert view.current_seq() == 5


def test_mouse_click_selects_and_double_click_activates(qtbot: QtBot, view: TimelineView) -> None:
    view.set_items(sample())
    view.show()
    qtbot.waitExposed(view)
    listing = view.list_view()
    proxy = listing.model()
    center = listing.visualRect(proxy.index(6, 0)).center()
    with qtbot.waitSignal(view.capture_selected) as capture:
        qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert capture.args == [7]
    with qtbot.waitSignal(view.item_activated) as activated:
        qtbot.mouseDClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert activated.args == [7]


def test_select_seq_refuses_hidden_or_unknown_items(view: TimelineView) -> None:
    view.set_items(sample())
    view.set_journey_filter("upgrade")
    assert not view.select_seq(5)
    assert not view.select_seq(99)
    assert view.select_seq(3)
    assert view.current_seq() == 3


def test_describe_gives_the_words_of_each_row(qtbot: QtBot) -> None:
    delegate = TimelineDelegate()
    items = {item.seq: item for item in sample()}

    suspect = delegate.describe(items[5])
    assert suspect.warning == "⚠ Suspect: all black"
    assert suspect.kind == "Capture"
    assert suspect.strings() == (
        "#5",
        "2025-03-14 10:04:05",
        "downgrade",
        "Capture",
        "⚠ Suspect: all black",
        "Region",
    )

    withdrawn = delegate.describe(items[7])
    assert withdrawn.withdrawn == "Withdrawn"
    assert "Withdrawn" in withdrawn.strings()
    assert withdrawn.warning == ""

    note = delegate.describe(items[3])
    assert note.kind == "Note"
    assert note.text == "On #2: Upgrade is one tap away"

    measured = delegate.describe(
        TimelineItem(9, "video_frame", stamp(9), None, "a\nb", image_path="k.png", measured=True)
    )
    assert (measured.kind, measured.measured, measured.journey, measured.text) == (
        "Keyframe",
        "measured",
        "",
        "a b",
    )
    assert delegate.describe(TimelineItem(10, "journey", stamp(0), "x")).kind == "Journey switch"
    assert delegate.describe(TimelineItem(11, "brand_new", stamp(0), None)).kind == "brand new"


def test_delegate_paints_each_kind_of_row(qtbot: QtBot, view: TimelineView) -> None:
    view.set_items(sample())
    view.model().set_thumbnail(2, image())
    view.model().thumbnail_failed(5)
    view.show()
    qtbot.waitExposed(view)
    picture = view.grab().toImage()
    listing = view.list_view()
    # The suspect row carries red: the warning line.
    suspect = listing.visualRect(listing.model().index(4, 0))
    top_left = listing.viewport().mapTo(view, suspect.topLeft())
    area = QRect(top_left, suspect.size()).adjusted(110, 20, 0, 0)
    reds = sum(
        1
        for x in range(area.left(), area.right(), 2)
        for y in range(area.top(), area.bottom(), 2)
        if (c := picture.pixelColor(x, y)).red() > 170 and c.green() < 90 and c.blue() < 90
    )
    assert reds > 20


def test_display_time_and_journey_colours() -> None:
    assert display_time("2025-03-14T10:04:05.120+08:00") == "2025-03-14 10:04:05"
    assert display_time("not a time") == "not a time"
    upgrade, downgrade = journey_color("Upgrade plan"), journey_color("cancel membership")
    assert upgrade.red() > upgrade.blue()
    assert downgrade.blue() > downgrade.red()
    assert journey_color("降级").blue() > journey_color("降级").red()
    assert journey_color("survey") == journey_color("survey")  # stable
    assert journey_color("survey") != journey_color("support chat")


def test_five_thousand_items_ask_only_for_visible_thumbnails(
    qtbot: QtBot, view: TimelineView
) -> None:
    model = view.model()
    requests: list[int] = []

    def answer(seq: int, _path: str) -> None:
        requests.append(seq)
        model.set_thumbnail(seq, thumbnail)

    thumbnail = image(96, 54)
    model.thumbnail_needed.connect(answer)
    view.set_items(
        TimelineItem(
            n,
            "capture" if n % 4 else "note",
            stamp(n),
            "upgrade" if n < 2500 else "downgrade",
            f"event {n}",
            image_path=f"{n}.png" if n % 4 else None,
        )
        for n in range(5000)
    )
    view.show()
    qtbot.waitExposed(view)
    listing = view.list_view()
    viewport = listing.viewport()
    per_page = viewport.height() // listing.sizeHintForRow(0) + 2
    qtbot.waitUntil(lambda: len(requests) > 0)
    assert len(requests) <= per_page

    proxy = listing.model()
    assert isinstance(proxy, QSortFilterProxyModel)
    bar = listing.verticalScrollBar()
    steps = 0
    value = 0
    while value < bar.maximum():
        # Jumps of about a fifteenth of the list: each lands on a page never painted before.
        value = min(bar.maximum(), value + max(bar.pageStep(), bar.maximum() // 15))
        before = len(requests)
        bar.setValue(value)
        viewport.repaint()
        steps += 1
        fresh = requests[before:]
        assert len(fresh) <= per_page
        for seq in fresh:  # every request is for a row on screen
            row = proxy.mapFromSource(model.index(model.row_of(seq) or 0, 0))
            assert listing.visualRect(row).intersects(viewport.rect())
    assert bar.value() == bar.maximum()
    assert len(requests) == len(set(requests))  # once per seq
    assert steps >= 15
    assert len(requests) <= (steps + 1) * per_page < 300
    assert model.thumbnail_count() <= 600
    # The last rows are on screen at the bottom.
    assert 4999 in requests or 4998 in requests or 4997 in requests


def test_append_keeps_selection_and_follows_the_end_only_from_the_end(
    qtbot: QtBot, view: TimelineView
) -> None:
    items = [TimelineItem(n, "note", stamp(n), "upgrade", f"note {n}") for n in range(200)]
    view.set_items(items)
    view.show()
    qtbot.waitExposed(view)
    listing = view.list_view()
    bar = listing.verticalScrollBar()
    view.select_seq(3)
    assert bar.value() == 0

    with qtbot.assertNotEmitted(view.note_selected):
        view.append_items([TimelineItem(200, "note", stamp(0), "upgrade", "new")])
    assert view.current_seq() == 3
    assert bar.value() == 0  # the reader was not at the end: the list stays put

    listing.scrollToBottom()
    view.append_items([TimelineItem(n, "note", stamp(n), "upgrade", "new") for n in (201, 202)])
    qtbot.waitUntil(lambda: bar.value() == bar.maximum() and bar.maximum() > 0)
    last = listing.model().index(listing.model().rowCount() - 1, 0)
    assert listing.viewport().rect().contains(listing.visualRect(last))
    assert view.current_seq() == 3


def test_append_replaces_an_item_with_a_known_seq(view: TimelineView) -> None:
    view.set_items(sample())
    view.append_items(
        [TimelineItem(2, "capture", stamp(1), "upgrade", "Whole screen", "a.png", withdrawn=True)]
    )
    assert view.model().rowCount() == 8
    assert view.model().item(1).withdrawn


def test_set_items_keeps_the_current_item(qtbot: QtBot, view: TimelineView) -> None:
    view.set_items(sample())
    view.select_seq(6)
    with qtbot.assertNotEmitted(view.note_selected):
        view.set_items(sample())
    assert view.current_seq() == 6


def test_empty_state_text(qtbot: QtBot, view: TimelineView) -> None:
    view.show()
    qtbot.waitExposed(view)
    empty = view.findChild(QLabel, "timelineEmptyState")
    assert empty is not None and empty.isVisible()
    assert "No captures yet" in empty.text()
    assert not view.list_view().isVisible()
    view.append_items(sample()[:1])
    assert view.list_view().isVisible() and not empty.isVisible()


_CHINESE = {
    "TimelineDelegate|Capture": "截图",
    "TimelineDelegate|Suspect: {reason}": "疑似有误：{reason}",
    "TimelineView|All journeys": "全部流程",
}


class _Chinese(QTranslator):
    """A three-string translator, enough to see that rows and filters follow the language."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return _CHINESE.get(f"{context}|{source}")

    def isEmpty(self) -> bool:
        return False


def test_rows_and_filters_follow_the_language(qtbot: QtBot, view: TimelineView) -> None:
    view.set_items(sample())
    translator = _Chinese()
    app = QCoreApplication.instance()
    assert app is not None
    app.installTranslator(translator)
    try:
        qtbot.waitUntil(lambda: view.delegate().describe(sample()[4]).kind == "截图")
        assert view.delegate().describe(sample()[4]).warning == "⚠ 疑似有误：all black"
        box = view.findChild(QComboBox)
        assert box is not None and box.itemText(0) == "全部流程"
    finally:
        app.removeTranslator(translator)
    qtbot.waitUntil(lambda: view.delegate().describe(sample()[4]).kind == "Capture")
