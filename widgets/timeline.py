"""The case timeline: a lazy list of captures, notes and events with thumbnails and filters."""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QHelpEvent,
    QImage,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QShortcut,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from desktop.vocab import EventType
from widgets.values import TimelineItem

log = logging.getLogger(__name__)

ITEM_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""Model role that returns the row's TimelineItem."""

THUMB_SIZE = QSize(96, 54)
ROW_HEIGHT = 72
THUMBNAIL_CACHE_SIZE = 600

_UPGRADE_COLOR = "#d9711c"
_DOWNGRADE_COLOR = "#2f6bc4"
_SUSPECT_COLOR = "#c62828"
_MEASURED_COLOR = "#2e7d32"
_UPGRADE_WORDS = ("upgrade", "升级")
_DOWNGRADE_WORDS = ("downgrade", "cancel", "降级", "取消", "退订")

# A symbol drawn where the thumbnail would be, so rows without an image are told apart at a glance.
_KIND_SYMBOLS: dict[str, str] = {
    EventType.NOTE: "✎",
    EventType.JOURNEY: "⇄",
    EventType.ANALYSIS: "⌗",
    EventType.MARK: "⌖",
    EventType.EXPORT: "⎙",
    EventType.CAPTURE_FAILED: "✕",
    EventType.CAPTURE_SKIPPED: "⤼",
    EventType.CAPTURE_UNCHANGED: "＝",
    EventType.WITHDRAW: "↶",
    EventType.TIMESTAMP: "⏲",
    EventType.CASE_OPENED: "▣",
    EventType.ENVIRONMENT: "⚙",
    EventType.VIDEO_SUMMARY: "▶",
    EventType.REDACTION: "▩",
    EventType.ANNOTATION: "✐",
    EventType.RECOVERED: "⟲",
    EventType.STAGING_DISCARDED: "⌫",
    EventType.STAGING_REFUSED: "⊘",
    EventType.LOG_REPAIRED: "⛭",
}


def kind_symbol(kind: str) -> str:
    """The symbol a row of this event type shows without a thumbnail ("•" for an unknown type)."""
    return _KIND_SYMBOLS.get(kind, "•")


def journey_color(name: str) -> QColor:
    """A stable colour for a journey: orange for upgrades, blue for leaving, else from the name."""
    folded = name.casefold()
    if any(word in folded for word in _UPGRADE_WORDS):
        return QColor(_UPGRADE_COLOR)
    if any(word in folded for word in _DOWNGRADE_WORDS):
        return QColor(_DOWNGRADE_COLOR)
    # md5 rather than hash(): the colour must not change between runs (PYTHONHASHSEED).
    digest = hashlib.md5(name.encode("utf-8"), usedforsecurity=False).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    # Skip the orange and blue bands so a custom journey is not mistaken for the two main ones.
    if 15 <= hue <= 45:
        hue += 90
    elif 200 <= hue <= 230:
        hue += 60
    return QColor.fromHsl(hue % 360, 150, 95)


def display_time(local_time: str) -> str:
    """The logged local time as 'YYYY-MM-DD HH:MM:SS' (the raw text when it does not parse)."""
    try:
        return datetime.fromisoformat(local_time).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return local_time


def _device_ratio() -> float:
    """The highest device pixel ratio of the screens, so thumbnails stay sharp on HiDPI."""
    app = QGuiApplication.instance()
    return app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0


def _placeholder(broken: bool) -> QPixmap:
    """A thumbnail stand-in: a plain frame while loading, a crossed frame when the image failed."""
    ratio = _device_ratio()
    pixmap = QPixmap(THUMB_SIZE * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(QColor("#e4e6ea") if not broken else QColor("#f3e3e3"))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    width, height = THUMB_SIZE.width(), THUMB_SIZE.height()
    if broken:
        painter.setPen(QPen(QColor(_SUSPECT_COLOR), 2))
        painter.drawLine(QPoint(36, 15), QPoint(60, 39))
        painter.drawLine(QPoint(60, 15), QPoint(36, 39))
    else:
        # A faint "picture" outline: a mountain and a sun.
        painter.setPen(QPen(QColor("#b9bec7"), 1.5))
        painter.drawRect(QRect(34, 15, 28, 22))
        painter.drawPolyline([QPoint(36, 35), QPoint(44, 26), QPoint(50, 32), QPoint(54, 28)])
        painter.drawEllipse(QPoint(55, 21), 2, 2)
    painter.setPen(QPen(QColor("#c8ccd3"), 1))
    painter.drawRect(QRect(0, 0, width - 1, height - 1))
    painter.end()
    return pixmap


class TimelineModel(QAbstractListModel):
    """The case's events as rows; thumbnails are asked for lazily and cached (LRU)."""

    thumbnail_needed = Signal(int, str)  # seq, image_path

    def __init__(
        self, parent: QObject | None = None, cache_size: int = THUMBNAIL_CACHE_SIZE
    ) -> None:
        super().__init__(parent)
        self._items: list[TimelineItem] = []
        self._rows: dict[int, int] = {}
        self._search: list[str] = []
        self._journeys: dict[str, None] = {}  # ordered set, in order of first appearance
        self._cache_size = cache_size
        self._thumbnails: OrderedDict[int, QPixmap] = OrderedDict()
        self._requested: set[int] = set()
        self._failed: set[int] = set()
        self._loading: QPixmap | None = None
        self._broken: QPixmap | None = None
        self._summary: Callable[[TimelineItem], str] = _plain_summary

    # --- content ---------------------------------------------------------------------------

    def set_items(self, items: Iterable[TimelineItem]) -> None:
        """Replace every row; thumbnails of unchanged images are kept."""
        items = list(items)
        new_paths = {item.seq: item.image_path for item in items}
        old_paths = {item.seq: item.image_path for item in self._items}
        keep = {seq for seq, path in old_paths.items() if path and new_paths.get(seq) == path}
        self.beginResetModel()
        self._items = items
        self._rows = {item.seq: row for row, item in enumerate(items)}
        self._search = [_search_text(item) for item in items]
        self._journeys = {item.journey: None for item in items if item.journey}
        for seq in list(self._thumbnails):
            if seq not in keep:
                del self._thumbnails[seq]
        self._requested &= keep
        self._failed &= keep
        self.endResetModel()

    def append_items(self, items: Iterable[TimelineItem]) -> None:
        """Add events at the end; an item whose seq is already listed replaces that row."""
        fresh: list[TimelineItem] = []
        for item in items:
            row = self._rows.get(item.seq)
            if row is None:
                fresh.append(item)
            else:
                self._replace(row, item)
        if not fresh:
            return
        first = len(self._items)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for offset, item in enumerate(fresh):
            self._items.append(item)
            self._rows[item.seq] = first + offset
            self._search.append(_search_text(item))
            if item.journey:
                self._journeys.setdefault(item.journey, None)
        self.endInsertRows()

    def _replace(self, row: int, item: TimelineItem) -> None:
        if self._items[row].image_path != item.image_path:
            self._forget_thumbnail(item.seq)
        self._items[row] = item
        self._search[row] = _search_text(item)
        if item.journey:
            self._journeys.setdefault(item.journey, None)
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)

    def item(self, row: int) -> TimelineItem:
        """The item at a row of this (source) model."""
        return self._items[row]

    def items(self) -> Sequence[TimelineItem]:
        """Every item, in row order (read-only view)."""
        return tuple(self._items)

    def row_of(self, seq: int) -> int | None:
        """The row that shows event #seq, or None."""
        return self._rows.get(seq)

    def search_text(self, row: int) -> str:
        """The casefolded text the search filter matches against."""
        return self._search[row]

    def journeys(self) -> list[str]:
        """Journey names in the order they first appear."""
        return list(self._journeys)

    def set_summary(self, summary: Callable[[TimelineItem], str]) -> None:
        """Set what gives a row's display text (screen readers, keyboard search by "#seq")."""
        self._summary = summary

    # --- thumbnails ------------------------------------------------------------------------

    def set_thumbnail(self, seq: int, image: QImage) -> None:
        """Store the thumbnail made for #seq (converted to a pixmap once) and repaint its row."""
        row = self._rows.get(seq)
        if row is None or image.isNull():
            if row is not None:
                self.thumbnail_failed(seq)
            return
        ratio = _device_ratio()
        box = THUMB_SIZE * ratio
        if image.width() > box.width() or image.height() > box.height():
            image = image.scaled(
                box,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self._failed.discard(seq)
        self._requested.add(seq)
        self._thumbnails[seq] = pixmap
        self._thumbnails.move_to_end(seq)
        while len(self._thumbnails) > self._cache_size:
            evicted, _ = self._thumbnails.popitem(last=False)
            # Evicted thumbnails are asked for again when their row is next painted.
            self._requested.discard(evicted)
        self._row_changed(row)

    def thumbnail_failed(self, seq: int) -> None:
        """Show a "broken image" placeholder for #seq (it is not asked for again)."""
        row = self._rows.get(seq)
        if row is None:
            return
        self._thumbnails.pop(seq, None)
        self._requested.add(seq)
        self._failed.add(seq)
        self._row_changed(row)

    def thumbnail_count(self) -> int:
        """How many thumbnails are cached now."""
        return len(self._thumbnails)

    def _forget_thumbnail(self, seq: int) -> None:
        self._thumbnails.pop(seq, None)
        self._requested.discard(seq)
        self._failed.discard(seq)

    def _row_changed(self, row: int) -> None:
        index = self.index(row, 0)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def _decoration(self, item: TimelineItem) -> QPixmap | None:
        if not item.image_path:
            return None
        pixmap = self._thumbnails.get(item.seq)
        if pixmap is not None:
            self._thumbnails.move_to_end(item.seq)
            return pixmap
        if item.seq in self._failed:
            if self._broken is None:
                self._broken = _placeholder(broken=True)
            return self._broken
        if item.seq not in self._requested:
            self._requested.add(item.seq)
            self.thumbnail_needed.emit(item.seq, item.image_path)
        if self._loading is None:
            self._loading = _placeholder(broken=False)
        return self._loading

    # --- QAbstractListModel ----------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == ITEM_ROLE:
            return item
        if role == Qt.ItemDataRole.DecorationRole:
            return self._decoration(item)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._summary(item)
        return None


def _plain_summary(item: TimelineItem) -> str:
    return f"#{item.seq} {item.text}"


def _search_text(item: TimelineItem) -> str:
    return " ".join(filter(None, (f"#{item.seq}", item.text, item.suspect or ""))).casefold()


class TimelineFilter(QSortFilterProxyModel):
    """Keeps the rows of one journey (or all) whose text contains the search words."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._journey: str | None = None
        self._words: tuple[str, ...] = ()

    def journey(self) -> str | None:
        return self._journey

    def set_journey(self, name: str | None) -> None:
        if name == self._journey:
            return
        self.beginFilterChange()
        self._journey = name
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words == self._words:
            return
        self.beginFilterChange()
        self._words = words
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        source = self.sourceModel()
        if not isinstance(source, TimelineModel):
            return True
        if self._journey is not None and source.item(source_row).journey != self._journey:
            return False
        if self._words:
            haystack = source.search_text(source_row)
            return all(word in haystack for word in self._words)
        return True


@dataclass(frozen=True)
class ItemLabels:
    """The words a timeline row shows, in the current language."""

    seq: str
    time: str
    journey: str
    kind: str
    text: str
    warning: str  # "⚠ Suspect: …" or ""
    withdrawn: str  # the "Withdrawn" badge or ""
    measured: str  # the "measured" badge or ""

    def strings(self) -> tuple[str, ...]:
        """Every non-empty string the row shows, left to right, top to bottom."""
        parts = (
            self.seq,
            self.time,
            self.journey,
            self.kind,
            self.withdrawn,
            self.measured,
            self.warning,
            self.text,
        )
        return tuple(part for part in parts if part)


@dataclass
class _Fonts:
    normal: QFont
    bold: QFont
    small: QFont
    struck: QFont
    symbol: QFont
    normal_metrics: QFontMetrics
    bold_metrics: QFontMetrics
    small_metrics: QFontMetrics


class TimelineDelegate(QStyledItemDelegate):
    """Paints a row: thumbnail or symbol, "#seq", time, journey pill, kind, text and markers."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._kind_words: dict[str, str] = {}
        self._labels: dict[int, tuple[TimelineItem, ItemLabels]] = {}
        self._fonts: dict[str, _Fonts] = {}
        self._colors: dict[str, QColor] = {}
        self.retranslate()

    def retranslate(self) -> None:
        """Reload the words (after the language changed)."""
        self._kind_words = {
            EventType.CAPTURE: self.tr("Capture"),
            EventType.IMPORT: self.tr("Import"),
            EventType.VIDEO_FRAME: self.tr("Keyframe"),
            EventType.VIDEO_SUMMARY: self.tr("Video summary"),
            EventType.NOTE: self.tr("Note"),
            EventType.JOURNEY: self.tr("Journey switch"),
            EventType.MARK: self.tr("Marked control"),
            EventType.ANALYSIS: self.tr("Analysis"),
            EventType.EXPORT: self.tr("Report/Export"),
            EventType.CAPTURE_UNCHANGED: self.tr("Unchanged screen"),
            EventType.CAPTURE_FAILED: self.tr("Failed capture"),
            EventType.CAPTURE_SKIPPED: self.tr("Skipped capture"),
            EventType.WITHDRAW: self.tr("Withdrawal"),
            EventType.REDACTION: self.tr("Redaction"),
            EventType.ANNOTATION: self.tr("Annotation"),
            EventType.TIMESTAMP: self.tr("Timestamp"),
            EventType.CASE_OPENED: self.tr("Case opened"),
            EventType.ENVIRONMENT: self.tr("Environment"),
            EventType.RECOVERED: self.tr("Recovered import"),
            EventType.STAGING_DISCARDED: self.tr("Discarded staging"),
            EventType.STAGING_REFUSED: self.tr("Refused staging"),
            EventType.LOG_REPAIRED: self.tr("Log repaired"),
        }
        self._labels.clear()

    def kind_word(self, kind: str) -> str:
        """The event type in words; an unknown type is shown as it is logged."""
        return self._kind_words.get(kind, kind.replace("_", " "))

    def describe(self, item: TimelineItem) -> ItemLabels:
        """The words the row of this item shows (the delegate paints exactly these)."""
        cached = self._labels.get(item.seq)
        if cached is not None and cached[0] is item:
            return cached[1]
        text = " ".join(item.text.split())  # one paragraph: newlines would break the row layout
        if item.attached_to is not None:
            text = self.tr("On #{seq}: {text}").format(seq=item.attached_to, text=text)
        labels = ItemLabels(
            seq=f"#{item.seq}",
            time=display_time(item.local_time),
            journey=item.journey or "",
            kind=self.kind_word(item.kind),
            text=text,
            warning="⚠ " + self.tr("Suspect: {reason}").format(reason=item.suspect)
            if item.suspect
            else "",
            withdrawn=self.tr("Withdrawn") if item.withdrawn else "",
            measured=self.tr("measured") if item.measured else "",
        )
        if len(self._labels) > 4000:  # a bounded cache: rows repaint often while scrolling
            self._labels.clear()
        self._labels[item.seq] = (item, labels)
        return labels

    def summary(self, item: TimelineItem) -> str:
        """One line for screen readers and keyboard search."""
        return " · ".join(self.describe(item).strings())

    def _fonts_for(self, font: QFont) -> _Fonts:
        key = font.key()
        fonts = self._fonts.get(key)
        if fonts is None:
            # Copies: the option's font object dies with the option after this paint.
            font = QFont(font)
            bold = QFont(font)
            bold.setBold(True)
            small = QFont(font)
            small.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
            small.setBold(True)
            struck = QFont(font)
            struck.setStrikeOut(True)
            symbol = QFont(font)
            symbol.setPointSizeF(font.pointSizeF() * 1.35)
            fonts = _Fonts(
                font,
                bold,
                small,
                struck,
                symbol,
                QFontMetrics(font),
                QFontMetrics(bold),
                QFontMetrics(small),
            )
            self._fonts[key] = fonts
        return fonts

    def _journey_color(self, name: str) -> QColor:
        color = self._colors.get(name)
        if color is None:
            color = self._colors[name] = journey_color(name)
        return color

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        fonts = self._fonts_for(option.font)
        lines = fonts.bold_metrics.height() + 2 * fonts.normal_metrics.height() + 20
        # The width is a minimum: a list view in list mode stretches rows to its width.
        return QSize(240, max(ROW_HEIGHT, lines))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = index.data(ITEM_ROLE)
        if not isinstance(item, TimelineItem):
            super().paint(painter, option, index)
            return
        painter.save()
        try:
            self._paint_row(painter, option, index, item)
        finally:
            painter.restore()

    def _paint_row(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
        item: TimelineItem,
    ) -> None:
        labels = self.describe(item)
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state = option.state
        widget = option.widget
        fonts = self._fonts_for(option.font)
        selected = bool(state & QStyle.StateFlag.State_Selected)
        style = widget.style() if widget is not None else QApplication.style()

        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        painter.setPen(palette.color(QPalette.ColorRole.Midlight))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        group = QPalette.ColorGroup.Disabled if item.withdrawn else QPalette.ColorGroup.Normal
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_color = palette.color(group, role)
        secondary = QColor(text_color)
        if not selected:
            secondary = palette.color(group, QPalette.ColorRole.PlaceholderText)

        thumb = QRect(
            rect.left() + 8,
            rect.top() + (rect.height() - THUMB_SIZE.height()) // 2,
            THUMB_SIZE.width(),
            THUMB_SIZE.height(),
        )
        if item.image_path:
            self._paint_thumbnail(painter, thumb, index.data(Qt.ItemDataRole.DecorationRole))
            if item.withdrawn:
                painter.fillRect(thumb, QColor(255, 255, 255, 150))
        else:
            self._paint_symbol(painter, thumb, item, palette, fonts)

        left = thumb.right() + 13
        right = rect.right() - 8
        top = rect.top() + 7
        line_height = fonts.bold_metrics.height()

        # Badges from the right first, so the left part knows where it must stop.
        measured = text_color if selected else QColor(_MEASURED_COLOR)
        badges = ((labels.measured, measured), (labels.withdrawn, secondary))
        for badge, color in badges:
            if not badge:
                continue
            width = fonts.small_metrics.horizontalAdvance(badge) + 12
            box = QRect(right - width, top, width, line_height)
            painter.setPen(QPen(color, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box.adjusted(0, 1, 0, -1), 7, 7)
            painter.setFont(fonts.small)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)
            right = box.left() - 6

        x = left
        painter.setFont(fonts.struck if item.withdrawn else fonts.bold)
        painter.setPen(text_color)
        width = fonts.bold_metrics.horizontalAdvance(labels.seq)
        painter.drawText(
            QRect(x, top, width + 2, line_height), Qt.AlignmentFlag.AlignVCenter, labels.seq
        )
        x += width + 10

        painter.setFont(fonts.normal)
        painter.setPen(secondary)
        width = fonts.normal_metrics.horizontalAdvance(labels.time)
        if x + width < right:
            painter.drawText(
                QRect(x, top, width + 2, line_height), Qt.AlignmentFlag.AlignVCenter, labels.time
            )
            x += width + 10

        if labels.journey:
            name = fonts.small_metrics.elidedText(labels.journey, Qt.TextElideMode.ElideRight, 140)
            width = fonts.small_metrics.horizontalAdvance(name) + 14
            if x + width < right:
                pill = QRect(x, top + 1, width, line_height - 2)
                color = self._journey_color(labels.journey)
                if item.withdrawn:
                    color = QColor(color.red(), color.green(), color.blue(), 110)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QBrush(color))
                painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
                painter.setPen(QColor("white"))
                painter.setFont(fonts.small)
                painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, name)
                x += width + 10

        painter.setFont(fonts.bold)
        painter.setPen(text_color)
        kind = fonts.bold_metrics.elidedText(labels.kind, Qt.TextElideMode.ElideRight, right - x)
        painter.drawText(
            QRect(x, top, max(0, right - x), line_height), Qt.AlignmentFlag.AlignVCenter, kind
        )

        right = rect.right() - 8
        y = top + line_height + 4
        body_height = fonts.normal_metrics.height()
        lines = 2
        if labels.warning:
            painter.setFont(fonts.bold)
            red = QColor(_SUSPECT_COLOR) if not item.withdrawn else secondary
            painter.setPen(red if not selected else text_color)
            warning = fonts.bold_metrics.elidedText(
                labels.warning, Qt.TextElideMode.ElideRight, right - left
            )
            painter.drawText(
                QRect(left, y, right - left, body_height), Qt.AlignmentFlag.AlignVCenter, warning
            )
            y += body_height
            lines = 1
        if labels.text:
            font = fonts.struck if item.withdrawn else fonts.normal
            painter.setFont(font)
            painter.setPen(text_color)
            for line in _elide_lines(labels.text, font, fonts.normal_metrics, right - left, lines):
                painter.drawText(
                    QRect(left, y, right - left, body_height), Qt.AlignmentFlag.AlignVCenter, line
                )
                y += body_height

    def _paint_thumbnail(self, painter: QPainter, box: QRect, pixmap: object) -> None:
        if not isinstance(pixmap, QPixmap) or pixmap.isNull():
            return
        size = pixmap.deviceIndependentSize().toSize()
        size.scale(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(QPoint(0, 0), size)
        target.moveCenter(box.center())
        if target.size() != box.size():
            painter.fillRect(box, QColor("#2b2d31"))  # letterbox for portrait phone screenshots
        painter.drawPixmap(target, pixmap)

    def _paint_symbol(
        self, painter: QPainter, box: QRect, item: TimelineItem, palette: QPalette, fonts: _Fonts
    ) -> None:
        symbol = kind_symbol(item.kind)
        side = 34
        circle = QRect(0, 0, side, side)
        circle.moveCenter(box.center())
        failed = item.kind == EventType.CAPTURE_FAILED
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(
            QColor("#fbe4e4") if failed else palette.color(QPalette.ColorRole.AlternateBase)
        )
        painter.drawEllipse(circle)
        painter.setPen(
            QColor(_SUSPECT_COLOR) if failed else palette.color(QPalette.ColorRole.PlaceholderText)
        )
        painter.setFont(fonts.symbol)
        painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, symbol)

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        item = index.data(ITEM_ROLE)
        if event.type() == QEvent.Type.ToolTip and isinstance(item, TimelineItem):
            labels = self.describe(item)
            head = " · ".join(
                p for p in (labels.seq, item.local_time, labels.journey, labels.kind) if p
            )
            lines = [head, labels.withdrawn, labels.measured, labels.warning, item.text]
            QToolTip.showText(event.globalPos(), "\n".join(p for p in lines if p), view)
            return True
        return super().helpEvent(event, view, option, index)


def _elide_lines(
    text: str, font: QFont, metrics: QFontMetrics, width: int, count: int
) -> list[str]:
    """Wrap text into at most count lines of width pixels; the last one ends in "…" if cut."""
    if width <= 0:
        return []
    if count <= 1 or metrics.horizontalAdvance(text) <= width:
        return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)]
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(width)
    end = line.textLength()
    layout.endLayout()
    first = text[:end].rstrip()
    rest = text[end:].lstrip()
    lines = [first]
    if rest:
        lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
    return lines


class TimelineView(QWidget):
    """The timeline panel: journey and text filters over a list of every event of the case."""

    capture_selected = Signal(int)  # seq of the current item, when it has an image
    note_selected = Signal(int)  # seq of the current item, when it is a note
    item_activated = Signal(int)  # seq of an item double-clicked or entered

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = TimelineModel(self)
        self._proxy = TimelineFilter(self)
        self._proxy.setSourceModel(self._model)
        self._delegate = TimelineDelegate(self)
        self._model.set_summary(self._delegate.summary)
        self._restoring = False

        self._journey_box = QComboBox(self)
        self._journey_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._search = QLineEdit(self)
        self._search.setClearButtonEnabled(True)
        self._count = QLabel(self)
        self._count.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

        self._list = QListView(self)
        self._list.setModel(self._proxy)
        self._list.setItemDelegate(self._delegate)
        # Uniform sizes: the view sizes one row and only asks data() for the rows it paints,
        # which is what keeps thumbnail requests to the visible page.
        self._list.setUniformItemSizes(True)
        self._list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._list.setMouseTracking(True)
        self._list.verticalScrollBar().setSingleStep(24)

        self._empty = QLabel(self)
        self._empty.setObjectName("timelineEmptyState")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._empty.setMargin(24)
        self._empty.setFrameShape(QFrame.Shape.StyledPanel)
        self._empty.setAutoFillBackground(True)
        self._empty.setBackgroundRole(QPalette.ColorRole.Base)
        self._empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self._journey_box)
        filters.addWidget(self._search, 1)
        filters.addWidget(self._count)
        self._stack = QStackedLayout()
        self._stack.addWidget(self._list)
        self._stack.addWidget(self._empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(filters)
        layout.addLayout(self._stack, 1)

        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self._focus_search)

        self._journey_box.currentIndexChanged.connect(self._journey_chosen)
        self._search.textChanged.connect(self._proxy.set_text)
        self._list.selectionModel().currentChanged.connect(self._current_changed)
        self._list.activated.connect(self._activated)
        for signal in (
            self._proxy.rowsInserted,
            self._proxy.rowsRemoved,
            self._proxy.modelReset,
            self._proxy.layoutChanged,
        ):
            signal.connect(self._update_state)
        self.setFocusProxy(self._list)
        self._retranslate()
        self._update_state()

    # --- values in -------------------------------------------------------------------------

    def set_items(self, items: Iterable[TimelineItem]) -> None:
        """Show these events (replacing the list); the current item and scroll stay if they can."""
        current = self.current_seq()
        scroll = self._list.verticalScrollBar().value()
        self._restoring = True
        try:
            self._model.set_items(items)
            self._update_journeys()
            if current is not None and self.select_seq(current, scroll=False):
                self._list.verticalScrollBar().setValue(scroll)
        finally:
            self._restoring = False

    def append_items(self, items: Iterable[TimelineItem]) -> None:
        """Add events as they are logged; follows the end only when the list was at the end."""
        bar = self._list.verticalScrollBar()
        at_end = bar.value() >= bar.maximum()
        self._model.append_items(items)
        self._update_journeys()
        if at_end:
            self._list.scrollToBottom()

    def select_seq(self, seq: int, scroll: bool = True) -> bool:
        """Make event #seq current; False when it is not listed or the filters hide it."""
        row = self._model.row_of(seq)
        if row is None:
            return False
        index = self._proxy.mapFromSource(self._model.index(row, 0))
        if not index.isValid():
            return False
        self._list.setCurrentIndex(index)
        if scroll:
            self._list.scrollTo(index)
        return True

    def set_journey_filter(self, name: str | None) -> None:
        """Show one journey only, or every journey with None."""
        position = self._journey_box.findData(name) if name is not None else 0
        if position < 0:
            # A journey not seen yet: filter anyway, it will appear in the box with its items.
            self._proxy.set_journey(name)
            self._update_state()
            return
        self._journey_box.setCurrentIndex(position)

    def set_text_filter(self, text: str) -> None:
        """Show only events whose note or description contains every word of text."""
        self._search.setText(text)

    # --- values out ------------------------------------------------------------------------

    def model(self) -> TimelineModel:
        """The source model (connect thumbnail_needed; call set_thumbnail)."""
        return self._model

    def list_view(self) -> QListView:
        """The list itself (for focus and for tests)."""
        return self._list

    def delegate(self) -> TimelineDelegate:
        return self._delegate

    def journeys(self) -> list[str]:
        """Journey names found in the items, in order of first appearance."""
        return self._model.journeys()

    def journey_filter(self) -> str | None:
        return self._proxy.journey()

    def visible_count(self) -> int:
        """How many events the filters let through."""
        return self._proxy.rowCount()

    def current_seq(self) -> int | None:
        index = self._list.currentIndex()
        item = index.data(ITEM_ROLE) if index.isValid() else None
        return item.seq if isinstance(item, TimelineItem) else None

    # --- internals -------------------------------------------------------------------------

    def _focus_search(self) -> None:
        self._search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search.selectAll()

    def _update_journeys(self) -> None:
        names = self._model.journeys()
        box = self._journey_box
        shown = [box.itemData(i) for i in range(1, box.count())]
        if shown == names:
            return
        chosen = self._proxy.journey()
        box.blockSignals(True)
        try:
            while box.count() > 1:
                box.removeItem(1)
            for name in names:
                box.addItem(name, name)
                box.setItemData(
                    box.count() - 1, journey_color(name), Qt.ItemDataRole.DecorationRole
                )
            position = box.findData(chosen) if chosen is not None else 0
            box.setCurrentIndex(max(0, position))
        finally:
            box.blockSignals(False)

    def _journey_chosen(self, position: int) -> None:
        name = self._journey_box.itemData(position) if position > 0 else None
        self._proxy.set_journey(name if isinstance(name, str) else None)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = current.data(ITEM_ROLE) if current.isValid() else None
        if not isinstance(item, TimelineItem) or self._restoring:
            return
        if item.image_path:
            self.capture_selected.emit(item.seq)
        if item.kind == EventType.NOTE:
            self.note_selected.emit(item.seq)

    def _activated(self, index: QModelIndex) -> None:
        item = index.data(ITEM_ROLE)
        if isinstance(item, TimelineItem):
            self.item_activated.emit(item.seq)

    def _update_state(self) -> None:
        total = self._model.rowCount()
        shown = self._proxy.rowCount()
        if total == 0:
            self._empty.setText(
                self.tr("No captures yet. Press Capture or F9 to take the first screenshot.")
            )
        else:
            self._empty.setText(self.tr("No events match the filter."))
        self._stack.setCurrentWidget(self._list if shown else self._empty)
        filtered = shown != total
        self._count.setVisible(filtered)
        self._count.setText(self.tr("{shown} of {total}").format(shown=shown, total=total))

    def _retranslate(self) -> None:
        box = self._journey_box
        if box.count() == 0:
            box.addItem(self.tr("All journeys"), None)
        else:
            box.setItemText(0, self.tr("All journeys"))
        box.setToolTip(self.tr("Show the events of one journey only"))
        box.setAccessibleName(self.tr("Journey filter"))
        shortcut = QKeySequence(QKeySequence.StandardKey.Find).toString(
            QKeySequence.SequenceFormat.NativeText
        )
        self._search.setPlaceholderText(
            self.tr("Search notes and descriptions ({shortcut})").format(shortcut=shortcut)
        )
        self._search.setToolTip(self.tr("Show only events whose text contains these words"))
        self._search.setAccessibleName(self.tr("Search the timeline"))
        self._list.setAccessibleName(self.tr("Timeline"))
        self._list.setToolTip("")
        self._count.setToolTip(self.tr("Events shown by the filters, of all events"))
        self._delegate.retranslate()
        self._update_state()
        self._list.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
