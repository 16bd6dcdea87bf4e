"""A dimmed overlay over every screen on which the person drags the region to capture."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QScreen,
)
from PySide6.QtWidgets import QWidget

from widgets.values import Box

MIN_DRAG_PX = 3  # a smaller drag is a stray click, not a region


@dataclass(frozen=True)
class ScreenInfo:
    """One screen: its geometry in Qt's logical pixels and its device pixel ratio.

    Where Qt scales (Windows, X11) it keeps a screen's top-left at its native pixel position
    and scales only the size, so the physical origin is (x, y) itself: a 2x monitor of
    3840x2160 pixels left of the primary is at logical (-3840, 0) with size 1920x1080. Pass
    physical_x/physical_y where the platform says otherwise (a QT_SCALE_FACTOR, or macOS and
    Wayland, whose logical positions are points).
    """

    x: int
    y: int
    width: int
    height: int
    ratio: float
    physical_x: int | None = None
    physical_y: int | None = None

    def contains(self, x: int, y: int) -> bool:
        return self.x <= x < self.x + self.width and self.y <= y < self.y + self.height

    def distance_to(self, x: int, y: int) -> int:
        dx = max(self.x - x, 0, x - (self.x + self.width - 1))
        dy = max(self.y - y, 0, y - (self.y + self.height - 1))
        return dx * dx + dy * dy

    def to_physical(self, x: int, y: int) -> tuple[int, int]:
        origin_x = self.x if self.physical_x is None else self.physical_x
        origin_y = self.y if self.physical_y is None else self.physical_y
        return (
            origin_x + round((x - self.x) * self.ratio),
            origin_y + round((y - self.y) * self.ratio),
        )


def screen_infos(screens: Sequence[QScreen]) -> list[ScreenInfo]:
    """The screens Qt reports, as plain values."""
    infos = []
    for screen in screens:
        geometry = screen.geometry()
        infos.append(
            ScreenInfo(
                geometry.x(),
                geometry.y(),
                geometry.width(),
                geometry.height(),
                screen.devicePixelRatio(),
            )
        )
    return infos


def logical_to_physical(rect: QRect, screens: Sequence[ScreenInfo]) -> Box:
    """A rectangle in Qt's logical desktop coordinates as physical pixels of the virtual screen.

    The screen that holds the rectangle's top-left (or the nearest one) gives the scale for the
    whole rectangle; a rectangle across screens of different scales is approximate.
    """
    if not screens:
        return Box(rect.x(), rect.y(), rect.width(), rect.height())
    left, top = rect.x(), rect.y()
    screen = next(
        (s for s in screens if s.contains(left, top)),
        min(screens, key=lambda s: s.distance_to(left, top)),
    )
    x0, y0 = screen.to_physical(left, top)
    # Both edges go through the same mapping so adjacent regions share their boundary pixel.
    x1, y1 = screen.to_physical(left + rect.width(), top + rect.height())
    return Box(x0, y0, x1 - x0, y1 - y0)


class RegionSelector(QWidget):
    """A frameless, dimmed, always-on-top overlay over the whole virtual desktop.

    Call start(); the person drags a rectangle and releases (region_selected with a Box in
    physical pixels) or presses Esc or the right button (cancelled). The overlay hides itself
    before either signal.
    """

    region_selected = Signal(object)  # Box
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.Tool,
        )
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground, True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Region selection"))
        self._screens: list[ScreenInfo] = []
        self._screen_rects: list[QRect] = []  # each screen, in this widget's coordinates
        self._anchor: QPoint | None = None
        self._current: QPoint | None = None

    def start(self) -> None:
        """Cover every screen and wait for a drag."""
        screens = QGuiApplication.screens()
        self._screens = screen_infos(screens)
        desktop = QRect()
        for screen in screens:
            desktop = desktop.united(screen.geometry())
        self._screen_rects = [s.geometry().translated(-desktop.topLeft()) for s in screens]
        self._anchor = self._current = None
        self.setGeometry(desktop)
        self.show()
        self.raise_()
        self.activateWindow()
        self.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def selection(self) -> QRect | None:
        """The rectangle dragged so far, in this widget's coordinates."""
        if self._anchor is None or self._current is None:
            return None
        left = min(self._anchor.x(), self._current.x())
        top = min(self._anchor.y(), self._current.y())
        width = abs(self._current.x() - self._anchor.x())
        height = abs(self._current.y() - self._anchor.y())
        return QRect(left, top, width, height)

    def selected_box(self) -> Box | None:
        """The rectangle dragged so far, in physical pixels of the virtual screen."""
        rect = self.selection()
        if rect is None:
            return None
        global_rect = QRect(self.mapToGlobal(rect.topLeft()), rect.size())
        return logical_to_physical(global_rect, self._screens)

    # ---------------------------------------------------------------- input

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._finish(None)
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self._finish(None)
        elif event.button() == Qt.MouseButton.LeftButton:
            self._anchor = self._current = event.position().toPoint()
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._anchor is not None:
            self._current = event.position().toPoint()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._anchor is None:
            return
        self._current = event.position().toPoint()
        rect = self.selection()
        if rect is None or rect.width() < MIN_DRAG_PX or rect.height() < MIN_DRAG_PX:
            self._anchor = self._current = None
            self.update()
            return
        self._finish(self.selected_box())

    def _finish(self, box: Box | None) -> None:
        # Hidden first, so a capture the app starts on the signal does not show the overlay.
        self.hide()
        self._anchor = self._current = None
        if box is None:
            self.cancelled.emit()
        else:
            self.region_selected.emit(box)

    # ---------------------------------------------------------------- paint

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        rect = self.selection()
        dimmed = QPainterPath()
        dimmed.addRect(self.rect())
        if rect is not None:
            hole = QPainterPath()
            hole.addRect(rect)
            dimmed = dimmed.subtracted(hole)
            # Alpha 1, not 0: fully transparent pixels let clicks through on some systems.
            painter.fillRect(rect, QColor(0, 0, 0, 1))
        painter.fillPath(dimmed, QColor(0, 0, 0, 110))

        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        hint = self.tr("Drag to choose the region · Esc to cancel")
        for screen_rect in self._screen_rects or [self.rect()]:
            size = metrics.size(0, hint) + QSize(24, 12)
            box = QRect(QPoint(0, 0), size)
            box.moveCenter(QPoint(screen_rect.center().x(), screen_rect.top() + 40))
            self._draw_label(painter, box, hint)

        if rect is not None:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(255, 255, 255), 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            dash = QPen(QColor(0, 120, 215), 1, Qt.PenStyle.DashLine)
            painter.setPen(dash)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            box_px = self.selected_box()
            if box_px is not None:
                text = self.tr("{width} × {height} px").format(
                    width=box_px.width, height=box_px.height
                )
                self._draw_size(painter, metrics, rect, text)
        painter.end()

    def _draw_size(self, painter: QPainter, metrics: QFontMetrics, rect: QRect, text: str) -> None:
        label = QRect(QPoint(0, 0), metrics.size(0, text) + QSize(12, 6))
        label.moveTopLeft(rect.bottomLeft() + QPoint(0, 6))
        if label.bottom() > self.height():
            label.moveBottomLeft(rect.topLeft() - QPoint(0, 6))
        if label.top() < 0:
            label.moveTopLeft(rect.topLeft() + QPoint(6, 6))
        label.moveLeft(max(0, min(label.left(), self.width() - label.width())))
        self._draw_label(painter, label, text)

    @staticmethod
    def _draw_label(painter: QPainter, box: QRect, text: str) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 190))
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
