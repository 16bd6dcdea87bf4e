"""Capture viewer with zoom, pan and marking tools; the mark dialog; the measurement panel."""

from __future__ import annotations

import html
import logging
import math

from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QImageReader,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QStackedLayout,
    QStyleOptionGraphicsItem,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.vocab import Role
from widgets.values import ROLES, Annotation, Box, ComparisonRow, ControlRow, Mark

log = logging.getLogger(__name__)

ROLE_COLORS: dict[str, str] = {
    Role.PROMOTED: "#e8590c",
    Role.SUPPRESSED: "#1c7ed6",
    Role.OTHER: "#868e96",
}
ANNOTATION_COLOR = "#e03131"
TOOLS = ("pan", "mark", "box", "arrow", "text", "redact")
RECT_TOOLS = ("mark", "box", "redact")
MIN_DRAG_PX = 3  # on screen: anything shorter is a click, not a drag
MIN_ZOOM = 0.02
MAX_ZOOM = 32.0
ZOOM_STEP = 1.25
# Qt 6 refuses images over 256 MB by default; the analysis accepts up to 150 Mpx (600 MB RGBA).
IMAGE_ALLOCATION_LIMIT_MB = 1024

Z_IMAGE, Z_OVERLAY, Z_REDACT, Z_ANNOTATION, Z_MARK, Z_TAG, Z_RUBBER = 0, 1, 2, 3, 4, 5, 10


def role_color(role: str) -> QColor:
    """The colour a role is drawn in everywhere (viewer outlines, table swatches)."""
    return QColor(ROLE_COLORS.get(role, ROLE_COLORS[Role.OTHER]))


def _cosmetic_pen(
    color: QColor, width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine
) -> QPen:
    pen = QPen(color, width, style)
    # Cosmetic pens keep their screen width, so outlines stay 2 px at 5% and at 800%.
    pen.setCosmetic(True)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return pen


def _swatch_icon(color: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#495057"))  # a border so white and near-white swatches show
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)


class _TagItem(QGraphicsItem):
    """A small filled label that keeps its screen size at any zoom (drawn in device pixels).

    It sits just above its anchor point, or just below it when that would leave the image.
    """

    PAD_X = 4
    PAD_Y = 1

    def __init__(self, text: str, font: QFont, fg: QColor, bg: QColor, border: QColor) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self._text = text
        self._font = QFont(font)
        self._fg, self._bg, self._border = fg, bg, border
        metrics = QFontMetrics(self._font)
        self._size = QSize(
            metrics.horizontalAdvance(text) + 2 * self.PAD_X, metrics.height() + 2 * self.PAD_Y
        )

    def boundingRect(self) -> QRectF:
        w, h = self._size.width(), self._size.height()
        return QRectF(-1, -h - 1, w + 2, 2 * h + 2)

    def _above(self) -> bool:
        scene = self.scene()
        views = scene.views() if scene is not None else []
        zoom = views[0].transform().m11() if views else 1.0
        return self.pos().y() * zoom >= self._size.height()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        w, h = self._size.width(), self._size.height()
        rect = QRectF(0, -h if self._above() else 0, w, h)
        painter.setPen(QPen(self._border, 1))
        painter.setBrush(self._bg)
        painter.drawRect(rect)
        painter.setFont(self._font)
        painter.setPen(self._fg)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._text)


class _Canvas(QGraphicsView):
    """The scrolling, zooming surface: turns mouse gestures into image-pixel values."""

    drag_finished = Signal(str, object)  # tool, Box
    pan_clicked = Signal(QPointF)  # scene point of a left click with the pan tool
    wheel_zoom = Signal(float, QPoint)  # factor, viewport anchor
    delete_pressed = Signal()

    def __init__(self, scene: QGraphicsScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.tool = "pan"
        self.image_rect = QRectF()
        self._pan_from: QPointF | None = None
        self._press_view: QPointF | None = None
        self._press_scene: QPointF | None = None
        self._rubber: QGraphicsRectItem | QGraphicsLineItem | None = None
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        # Zoom anchoring is done by hand (see ImageViewer.set_zoom) so it is the same for
        # buttons, shortcuts and the wheel.
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setInteractive(False)
        self.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Dark))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.set_tool("pan")

    def set_tool(self, tool: str) -> None:
        self.cancel_drag()
        self.tool = tool
        cursors = {"pan": Qt.CursorShape.OpenHandCursor, "text": Qt.CursorShape.IBeamCursor}
        self.viewport().setCursor(cursors.get(tool, Qt.CursorShape.CrossCursor))

    def cancel_drag(self) -> None:
        if self._rubber is not None and self._rubber.scene() is not None:
            self.scene().removeItem(self._rubber)
        self._rubber = None
        self._press_view = self._press_scene = None

    # Mouse gestures -------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self.tool == "pan"
        ):
            if button == Qt.MouseButton.LeftButton and not self.image_rect.isEmpty():
                self.pan_clicked.emit(self.mapToScene(event.position().toPoint()))
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if button != Qt.MouseButton.LeftButton or self.image_rect.isEmpty():
            super().mousePressEvent(event)
            return
        self._press_view = event.position()
        self._press_scene = self._scene_point(event.position())
        color = QColor(ANNOTATION_COLOR) if self.tool != "mark" else role_color(Role.PROMOTED)
        pen = _cosmetic_pen(color, 1.5, Qt.PenStyle.DashLine)
        if self.tool == "arrow":
            self._rubber = QGraphicsLineItem(QLineF(self._press_scene, self._press_scene))
            self._rubber.setPen(pen)
        elif self.tool in RECT_TOOLS:
            self._rubber = QGraphicsRectItem(QRectF(self._press_scene, self._press_scene))
            self._rubber.setPen(pen)
        if self._rubber is not None:
            self._rubber.setZValue(Z_RUBBER)
            self.scene().addItem(self._rubber)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            hbar, vbar = self.horizontalScrollBar(), self.verticalScrollBar()
            hbar.setValue(hbar.value() - round(delta.x()))
            vbar.setValue(vbar.value() - round(delta.y()))
            event.accept()
            return
        if self._press_scene is not None:
            here = self._scene_point(event.position())
            if isinstance(self._rubber, QGraphicsLineItem):
                self._rubber.setLine(QLineF(self._press_scene, here))
            elif isinstance(self._rubber, QGraphicsRectItem):
                self._rubber.setRect(QRectF(self._press_scene, here).normalized())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.set_tool(self.tool)  # restores the open-hand or cross cursor
            event.accept()
            return
        if self._press_scene is None or self._press_view is None:
            super().mouseReleaseEvent(event)
            return
        start_scene, start_view = self._press_scene, self._press_view
        self.cancel_drag()
        end_scene = self._scene_point(event.position())
        moved = event.position() - start_view
        box = self._gesture_box(start_scene, end_scene, abs(moved.x()), abs(moved.y()))
        if box is not None:
            self.drag_finished.emit(self.tool, box)
        event.accept()

    def _scene_point(self, position: QPointF) -> QPointF:
        # Through the viewport transform keeps sub-pixel precision (mapToScene takes QPoint).
        inverse, _ = self.viewportTransform().inverted()
        return inverse.map(position)

    def _gesture_box(self, a: QPointF, b: QPointF, moved_x: float, moved_y: float) -> Box | None:
        """The gesture as a Box in image pixels, clamped to the image; None for a stray click."""
        width, height = self.image_rect.width(), self.image_rect.height()

        def clamp_x(x: float) -> int:
            return int(min(max(round(x), 0), width))

        def clamp_y(y: float) -> int:
            return int(min(max(round(y), 0), height))

        if self.tool == "text":
            if not self.image_rect.contains(a):
                return None
            return Box(
                min(clamp_x(a.x()), int(width) - 1), min(clamp_y(a.y()), int(height) - 1), 0, 0
            )
        if self.tool == "arrow":
            if math.hypot(moved_x, moved_y) < MIN_DRAG_PX:
                return None
            x0, y0, x1, y1 = clamp_x(a.x()), clamp_y(a.y()), clamp_x(b.x()), clamp_y(b.y())
            if (x0, y0) == (x1, y1):
                return None
            return Box(x0, y0, x1 - x0, y1 - y0)
        if moved_x < MIN_DRAG_PX or moved_y < MIN_DRAG_PX:
            return None
        x0, x1 = sorted((clamp_x(a.x()), clamp_x(b.x())))
        y0, y1 = sorted((clamp_y(a.y()), clamp_y(b.y())))
        if x1 - x0 < 1 or y1 - y0 < 1:
            return None  # the whole drag was outside the image
        return Box(x0, y0, x1 - x0, y1 - y0)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.wheel_zoom.emit(ZOOM_STEP**steps, event.position().toPoint())
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self._press_scene is not None:
            self.cancel_drag()
            event.accept()
            return
        super().keyPressEvent(event)


class ImageViewer(QWidget):
    """One capture (or its overlay) with zoom, pan, marks, annotations and drawing tools.

    All positions it takes and hands out are in image pixels of the original.
    """

    region_drawn = Signal(str, object)  # tool name, Box in image pixels
    mark_remove_requested = Signal(int)  # index in the list given to set_marks
    mark_selected = Signal(int)  # index, or -1 when the selection is cleared
    zoom_changed = Signal(float)  # 1.0 = one image pixel per screen pixel
    tool_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Capture viewer"))
        self._path: str | None = None
        self._overlay_path: str | None = None
        self._image_size: tuple[int, int] | None = None
        self._marks: list[Mark] = []
        self._annotations: list[Annotation] = []
        self._selected = -1
        self._fit_mode: str | None = None  # "fit" or "shrink": refit when the window resizes
        self._zoom = 1.0

        self._scene = QGraphicsScene(self)
        self._image_item = QGraphicsPixmapItem()
        self._overlay_item = QGraphicsPixmapItem()
        for item, z in ((self._image_item, Z_IMAGE), (self._overlay_item, Z_OVERLAY)):
            item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
            item.setZValue(z)
            self._scene.addItem(item)
        self._overlay_item.setVisible(False)
        self._mark_items: list[QGraphicsItem] = []
        self._annotation_items: list[QGraphicsItem] = []

        self._canvas = _Canvas(self._scene, self)
        self._canvas.setAccessibleName(self.tr("Image"))
        self._canvas.drag_finished.connect(self.region_drawn)
        self._canvas.pan_clicked.connect(self._select_at)
        self._canvas.wheel_zoom.connect(self._on_wheel_zoom)
        self._canvas.delete_pressed.connect(self._on_delete)

        self._placeholder = QLabel(self)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        self._placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._placeholder_text = self.tr(
            "No capture to show.\nChoose one on the timeline, or take a screenshot."
        )
        self._error_text: str | None = None

        self._toolbar = self._build_toolbar()
        self._stack = QStackedLayout()
        self._stack.addWidget(self._placeholder)
        self._stack.addWidget(self._canvas)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._toolbar)
        layout.addLayout(self._stack, 1)
        self.set_overlay(None)
        self._show_state()

    # Construction ---------------------------------------------------------------------------

    def _action(self, text: str, tip: str, shortcuts: list[QKeySequence] | None = None) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        if shortcuts:
            action.setShortcuts(shortcuts)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        # Added to the viewer too, so shortcuts work while the image has focus.
        self.addAction(action)
        return action

    def _build_toolbar(self) -> QToolBar:
        toolbar = QToolBar(self)
        toolbar.setAccessibleName(self.tr("Viewer tools"))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.setIconSize(QSize(16, 16))
        tools = {
            "pan": (
                self.tr("Pan"),
                self.tr("Pan (H): drag to move the image; click a mark to select it"),
                "H",
            ),
            "mark": (
                self.tr("Mark control"),
                self.tr("Mark control (M): drag a rectangle around a button or link"),
                "M",
            ),
            "box": (self.tr("Box"), self.tr("Box (B): draw a red frame"), "B"),
            "arrow": (self.tr("Arrow"), self.tr("Arrow (A): drag from the tail to the tip"), "A"),
            "text": (self.tr("Text"), self.tr("Text (T): click where the text goes"), "T"),
            "redact": (
                self.tr("Redact"),
                self.tr("Redact (R): drag over personal details to black them out"),
                "R",
            ),
        }
        self._tool_group = QActionGroup(self)
        self._tool_group.setExclusive(True)
        self._tool_actions: dict[str, QAction] = {}
        for name, (text, tip, key) in tools.items():
            action = self._action(text, tip, [QKeySequence(key)])
            action.setCheckable(True)
            action.setData(name)
            self._tool_group.addAction(action)
            toolbar.addAction(action)
            self._tool_actions[name] = action
        self._tool_actions["pan"].setChecked(True)
        self._tool_group.triggered.connect(self._on_tool_action)
        toolbar.addSeparator()

        # The standard keys (Ctrl+-, Ctrl++ and the zoom keys) plus Ctrl+=, since "+" needs
        # Shift on most layouts.
        self._zoom_out_action = self._action(
            "−",
            self.tr("Zoom out (Ctrl+−)"),
            QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomOut),
        )
        self._zoom_in_action = self._action(
            "+",
            self.tr("Zoom in (Ctrl++)"),
            [*QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")],
        )
        self._fit_action = self._action(
            self.tr("Fit"), self.tr("Fit to window (Ctrl+0)"), [QKeySequence("Ctrl+0")]
        )
        self._actual_action = self._action(
            "1:1", self.tr("Actual size, 100% (Ctrl+1)"), [QKeySequence("Ctrl+1")]
        )
        self._zoom_out_action.triggered.connect(self.zoom_out)
        self._zoom_in_action.triggered.connect(self.zoom_in)
        self._fit_action.triggered.connect(self.fit_to_window)
        self._actual_action.triggered.connect(self.actual_size)
        for action in (
            self._zoom_out_action,
            self._zoom_in_action,
            self._fit_action,
            self._actual_action,
        ):
            toolbar.addAction(action)
        self._zoom_label = QLabel(self)
        self._zoom_label.setMinimumWidth(QFontMetrics(self.font()).horizontalAdvance("3200%") + 8)
        self._zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._zoom_label.setToolTip(self.tr("Zoom level"))
        toolbar.addWidget(self._zoom_label)
        toolbar.addSeparator()

        self._original_action = self._action(
            self.tr("Original"), self.tr("Show the original capture (O toggles)")
        )
        self._overlay_action = self._action(
            self.tr("Overlay"), self.tr("Show the measurement overlay (O toggles)")
        )
        self._view_group = QActionGroup(self)
        for action in (self._original_action, self._overlay_action):
            action.setCheckable(True)
            self._view_group.addAction(action)
            toolbar.addAction(action)
        self._original_action.setChecked(True)
        self._overlay_action.toggled.connect(self.set_show_overlay)
        toggle = self._action(self.tr("Toggle overlay"), "", [QKeySequence("O")])
        toggle.triggered.connect(lambda: self.set_show_overlay(not self.showing_overlay()))
        return toolbar

    # Image ----------------------------------------------------------------------------------

    def set_image(self, path: str | None, overlay_path: str | None = None) -> None:
        """Show an image (None: the placeholder). Marks and annotations of the last one go.

        Showing the same path again keeps zoom and scroll position (e.g. a new overlay).
        """
        same = path is not None and path == self._path and self._image_size is not None
        if not same:
            self._clear_items()
            self._image_item.setPixmap(QPixmap())
            self._image_size = None
            self._path = path
            self._error_text = None
            self._canvas.cancel_drag()
            if path is not None:
                pixmap = self._load(path)
                if pixmap is None:
                    self._path = None
                    self._error_text = self.tr("This image could not be opened:\n{path}").format(
                        path=path
                    )
                else:
                    self._image_item.setPixmap(pixmap)
                    self._image_size = (pixmap.width(), pixmap.height())
            rect = QRectF(0, 0, *self._image_size) if self._image_size else QRectF()
            self._canvas.image_rect = rect
            self._scene.setSceneRect(rect)
        self.set_overlay(overlay_path if self._image_size else None)
        self._show_state()
        if self._image_size is not None and not same:
            self._fit(shrink_only=True)

    def set_overlay(self, overlay_path: str | None) -> None:
        """Replace the overlay of the current image (None: no overlay; toggle disabled)."""
        self._overlay_path = None
        self._overlay_item.setPixmap(QPixmap())
        if overlay_path is not None and self._image_size is not None:
            pixmap = self._load(overlay_path)
            if pixmap is not None:
                self._overlay_path = overlay_path
                self._overlay_item.setPixmap(pixmap)
                # A smaller or larger overlay still lines up with the original's pixels.
                self._overlay_item.setTransform(
                    _scale_to(pixmap.width(), pixmap.height(), *self._image_size)
                )
        has_overlay = self._overlay_path is not None
        self._original_action.setEnabled(has_overlay)
        self._overlay_action.setEnabled(has_overlay)
        if not has_overlay:
            self._original_action.setChecked(True)
        self._overlay_item.setVisible(has_overlay and self._overlay_action.isChecked())

    def _load(self, path: str) -> QPixmap | None:
        reader = QImageReader(path)
        # Measurements use the stored pixels as they are, so no EXIF rotation here either.
        reader.setAutoTransform(False)
        reader.setAllocationLimit(IMAGE_ALLOCATION_LIMIT_MB)
        image = reader.read()
        if image.isNull():
            log.warning("cannot read image %s: %s", path, reader.errorString())
            return None
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(1.0)  # one scene unit = one image pixel
        return pixmap

    def image_size(self) -> tuple[int, int] | None:
        """Width and height of the shown image in pixels, or None when there is none."""
        return self._image_size

    def image_path(self) -> str | None:
        return self._path

    def set_placeholder_text(self, text: str) -> None:
        """The text shown when there is no image (already translated by the caller)."""
        self._placeholder_text = text
        self._show_state()

    def showing_overlay(self) -> bool:
        return self._overlay_path is not None and self._overlay_action.isChecked()

    def set_show_overlay(self, show: bool) -> None:
        show = show and self._overlay_path is not None
        (self._overlay_action if show else self._original_action).setChecked(True)
        self._overlay_item.setVisible(show)

    def _show_state(self) -> None:
        has_image = self._image_size is not None
        self._placeholder.setText(self._error_text or self._placeholder_text)
        self._stack.setCurrentWidget(self._canvas if has_image else self._placeholder)
        for action in (
            self._zoom_in_action,
            self._zoom_out_action,
            self._fit_action,
            self._actual_action,
        ):
            action.setEnabled(has_image)
        percent = self.tr("{percent}%").format(percent=round(self._zoom * 100))
        self._zoom_label.setText(percent if has_image else "")

    # Zoom -----------------------------------------------------------------------------------

    def zoom(self) -> float:
        """Screen pixels per image pixel."""
        return self._zoom

    def set_zoom(self, factor: float, anchor: QPoint | None = None) -> None:
        """Zoom to factor, keeping the image point under anchor (default: view centre) still."""
        self._fit_mode = None
        self._apply_zoom(factor, anchor)

    def _apply_zoom(self, factor: float, anchor: QPoint | None = None) -> None:
        factor = min(max(factor, MIN_ZOOM), MAX_ZOOM)
        viewport = self._canvas.viewport()
        anchor = anchor if anchor is not None else viewport.rect().center()
        fixed = self._canvas.mapToScene(anchor)
        self._canvas.resetTransform()
        self._canvas.scale(factor, factor)
        moved = self._canvas.mapFromScene(fixed) - anchor
        hbar, vbar = self._canvas.horizontalScrollBar(), self._canvas.verticalScrollBar()
        hbar.setValue(hbar.value() + moved.x())
        vbar.setValue(vbar.value() + moved.y())
        changed = not math.isclose(factor, self._zoom, rel_tol=1e-9)
        self._zoom = factor
        self._show_state()
        if changed:
            self.zoom_changed.emit(factor)

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom / ZOOM_STEP)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def fit_to_window(self) -> None:
        """Scale the whole image to the window, and keep it fitted while the window resizes."""
        self._fit(shrink_only=False)

    def _fit(self, *, shrink_only: bool) -> None:
        if self._image_size is None:
            return
        # The area without scroll bars: once fitted they are not needed.
        area = self._canvas.contentsRect().size()
        width, height = self._image_size
        factor = min((area.width() - 2) / width, (area.height() - 2) / height)
        if shrink_only:
            factor = min(factor, 1.0)
        self._apply_zoom(factor)
        self._canvas.centerOn(self._image_item.boundingRect().center())
        self._fit_mode = "shrink" if shrink_only else "fit"

    def _on_wheel_zoom(self, factor: float, anchor: QPoint) -> None:
        self.set_zoom(self._zoom * factor, anchor)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit_mode is not None:
            self._fit(shrink_only=self._fit_mode == "shrink")

    # Tools ----------------------------------------------------------------------------------

    def current_tool(self) -> str:
        return self._canvas.tool

    def set_tool(self, name: str) -> None:
        """Choose a tool: "pan", "mark", "box", "arrow", "text" or "redact"."""
        if name not in TOOLS:
            raise ValueError(f"unknown tool {name!r}; expected one of {TOOLS}")
        self._tool_actions[name].setChecked(True)
        if name != self._canvas.tool:
            self._canvas.set_tool(name)
            self.tool_changed.emit(name)

    def _on_tool_action(self, action: QAction) -> None:
        self.set_tool(str(action.data()))

    # Marks and annotations ------------------------------------------------------------------

    def set_marks(self, marks: list[Mark]) -> None:
        """Draw these marks (replacing the last ones); the selection is cleared."""
        self._marks = list(marks)
        self._selected = -1
        self._draw_marks()

    def marks(self) -> list[Mark]:
        return list(self._marks)

    def selected_mark(self) -> int:
        """Index of the selected mark, or -1."""
        return self._selected

    def select_mark(self, index: int) -> None:
        """Select the mark at index (-1: none); emits mark_selected when it changes."""
        index = index if 0 <= index < len(self._marks) else -1
        if index == self._selected:
            return
        self._selected = index
        self._draw_marks()
        self.mark_selected.emit(index)

    def _draw_marks(self) -> None:
        for item in self._mark_items:
            self._scene.removeItem(item)
        self._mark_items = []
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 7.0))
        white = QColor("#ffffff")
        for index, mark in enumerate(self._marks):
            color = role_color(mark.role)
            selected = index == self._selected
            rect = QGraphicsRectItem(_rect(mark.box))
            rect.setPen(_cosmetic_pen(color, 3.0 if selected else 2.0))
            if selected:
                fill = QColor(color)
                fill.setAlpha(60)
                rect.setBrush(fill)
            rect.setZValue(Z_MARK)
            rect.setToolTip(self._mark_description(mark))
            label = mark.label or self._role_name(mark.role)
            tag = _TagItem(label, font, white, color, color.darker(130) if selected else color)
            tag.setPos(mark.box.x, mark.box.y)
            tag.setZValue(Z_TAG)
            for item in (rect, tag):
                self._scene.addItem(item)
                self._mark_items.append(item)

    def _role_name(self, role: str) -> str:
        names: dict[str, str] = {
            Role.PROMOTED: self.tr("Promoted"),
            Role.SUPPRESSED: self.tr("Suppressed"),
            Role.OTHER: self.tr("Other"),
        }
        return names.get(role, role)

    def _mark_description(self, mark: Mark) -> str:
        return self.tr("{label} ({role}), {width} × {height} px").format(
            label=mark.label or self._role_name(mark.role),
            role=self._role_name(mark.role),
            width=mark.box.width,
            height=mark.box.height,
        )

    def _select_at(self, point: QPointF) -> None:
        tolerance = 4 / self._zoom  # four screen pixels around the outline
        best, best_area = -1, math.inf
        for index, mark in enumerate(self._marks):
            area = mark.box.width * mark.box.height
            hit = _rect(mark.box).adjusted(-tolerance, -tolerance, tolerance, tolerance)
            # The innermost mark wins when marks nest.
            if hit.contains(point) and area < best_area:
                best, best_area = index, area
        self.select_mark(best)

    def _on_delete(self) -> None:
        if self._selected >= 0:
            self.mark_remove_requested.emit(self._selected)

    def set_annotations(self, items: list[Annotation]) -> None:
        """Draw boxes, arrows and text in red, and redactions as solid black (a preview)."""
        self._annotations = list(items)
        for item in self._annotation_items:
            self._scene.removeItem(item)
        self._annotation_items = []
        red = QColor(ANNOTATION_COLOR)
        pen = _cosmetic_pen(red, 2.0)
        for annotation in self._annotations:
            box = annotation.box
            new: list[QGraphicsItem] = []
            if annotation.kind == "redact":
                rect = QGraphicsRectItem(_rect(box))
                rect.setPen(QPen(Qt.PenStyle.NoPen))
                rect.setBrush(QBrush(QColor("#000000")))
                rect.setZValue(Z_REDACT)
                new.append(rect)
            elif annotation.kind == "box":
                rect = QGraphicsRectItem(_rect(box))
                rect.setPen(pen)
                rect.setZValue(Z_ANNOTATION)
                new.append(rect)
            elif annotation.kind == "arrow":
                line = QLineF(box.x, box.y, box.x + box.width, box.y + box.height)
                shaft = QGraphicsLineItem(line)
                shaft.setPen(pen)
                head = _arrow_head(red)
                head.setPos(line.p2())
                head.setRotation(-line.angle())
                shaft.setZValue(Z_ANNOTATION)
                head.setZValue(Z_ANNOTATION)
                new += [shaft, head]
            elif annotation.kind == "text":
                tag = _TagItem(annotation.text, self.font(), red, QColor("#ffffff"), red)
                tag.setPos(box.x, box.y)
                tag.setZValue(Z_ANNOTATION)
                new.append(tag)
            else:
                log.warning("unknown annotation kind %r", annotation.kind)
            for item in new:
                self._scene.addItem(item)
                self._annotation_items.append(item)

    def _clear_items(self) -> None:
        self._marks, self._annotations = [], []
        self._selected = -1
        for item in self._mark_items + self._annotation_items:
            self._scene.removeItem(item)
        self._mark_items, self._annotation_items = [], []

    def canvas(self) -> QGraphicsView:
        """The graphics view (for tests and for mapping points)."""
        return self._canvas


def _rect(box: Box) -> QRectF:
    return QRectF(box.x, box.y, box.width, box.height)


def _scale_to(width: int, height: int, target_width: int, target_height: int) -> QTransform:
    return QTransform.fromScale(target_width / width, target_height / height)


def _arrow_head(color: QColor) -> QGraphicsPathItem:
    """A filled arrow head of fixed screen size pointing along +x from its origin."""
    path = QPainterPath(QPointF(0, 0))
    path.lineTo(-12, -5)
    path.lineTo(-12, 5)
    path.closeSubpath()
    head = QGraphicsPathItem(path)
    head.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
    head.setPen(QPen(Qt.PenStyle.NoPen))
    head.setBrush(color)
    return head


class MarkDialog(QDialog):
    """Asks what a drawn rectangle is: its role (promoted, suppressed, other) and a label."""

    def __init__(
        self,
        parent: QWidget | None,
        suggestions: list[str],
        role: str = Role.PROMOTED,
        label: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mark control"))
        self.setAccessibleName(self.tr("Mark control"))
        choices = {
            Role.PROMOTED: (
                self.tr("&Promoted"),
                self.tr("The option the company pushes (Upgrade, Keep my plan)"),
            ),
            Role.SUPPRESSED: (
                self.tr("&Suppressed"),
                self.tr("The option it hides or discourages (Downgrade, Cancel)"),
            ),
            Role.OTHER: (
                self.tr("O&ther"),
                self.tr("Anything else worth measuring (a banner, a notice)"),
            ),
        }
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("What is this control?"), self)
        heading_font = heading.font()
        heading_font.setBold(True)
        heading.setFont(heading_font)
        layout.addWidget(heading)

        self._roles = QButtonGroup(self)
        self._roles.setExclusive(True)
        self._role_buttons: dict[str, QRadioButton] = {}
        for name in ROLES:
            text, explanation = choices[name]
            button = QRadioButton(text, self)
            button.setToolTip(explanation)
            button.setAccessibleDescription(explanation)
            button.setIcon(_swatch_icon(ROLE_COLORS[name]))
            note = QLabel(explanation, self)
            note.setWordWrap(True)
            note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            # Indent the explanation under the radio button's text.
            note.setContentsMargins(22, 0, 0, 6)
            self._roles.addButton(button)
            self._role_buttons[name] = button
            layout.addWidget(button)
            layout.addWidget(note)
        if role in self._role_buttons:
            self._role_buttons[role].setChecked(True)

        label_caption = QLabel(self.tr("&Label (the words on the control):"), self)
        self._label = QComboBox(self)
        self._label.setEditable(True)
        self._label.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._label.addItems([s for s in dict.fromkeys(suggestions) if s])
        self._label.setCurrentIndex(-1)
        self._label.setEditText(label)
        line_edit = self._label.lineEdit()
        if line_edit is not None:
            line_edit.setPlaceholderText(self.tr("e.g. Cancel subscription"))
        self._label.setAccessibleName(self.tr("Label"))
        self._label.setToolTip(
            self.tr("The text on the control; leave empty to have one chosen for you")
        )
        self._label.setMinimumContentsLength(24)
        label_caption.setBuddy(self._label)
        layout.addSpacing(6)
        layout.addWidget(label_caption)
        layout.addWidget(self._label)

        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        layout.addSpacing(6)
        layout.addWidget(self._buttons)
        self._roles.buttonToggled.connect(self._update_ok)
        self._update_ok()
        self.setMinimumWidth(380)
        self._label.setFocus()

    def _update_ok(self) -> None:
        ok = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setEnabled(self.role() is not None)

    def role(self) -> str | None:
        for name, button in self._role_buttons.items():
            if button.isChecked():
                return name
        return None

    def set_role(self, role: str) -> None:
        self._role_buttons[role].setChecked(True)

    def label(self) -> str:
        return self._label.currentText().strip()

    def set_label(self, text: str) -> None:
        self._label.setEditText(text)

    def mark(self, box: Box) -> Mark:
        """The Mark the dialog describes, for this rectangle."""
        return Mark(label=self.label(), role=self.role() or Role.OTHER, box=box, source="user")

    @staticmethod
    def ask(
        parent: QWidget | None,
        box: Box,
        suggestions: list[str],
        role: str = Role.PROMOTED,
        label: str = "",
    ) -> Mark | None:
        """Run the dialog; the Mark, or None when cancelled."""
        dialog = MarkDialog(parent, suggestions, role, label)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.mark(box)
        finally:
            dialog.deleteLater()


class MeasurementPanel(QWidget):
    """Measured controls in a table, the comparisons as sentences, and the caveats."""

    find_requested = Signal()
    measure_requested = Signal()
    cancel_requested = Signal()
    row_selected = Signal(str)  # control id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Measurements"))
        self._controls: list[ControlRow] = []

        self._find_button = QPushButton(self.tr("&Find controls"), self)
        self._find_button.setToolTip(
            self.tr("Look for the promoted and suppressed controls automatically")
        )
        self._measure_button = QPushButton(self.tr("&Measure"), self)
        self._measure_button.setToolTip(
            self.tr("Measure size, contrast and visual weight of the marked controls")
        )
        self._find_button.clicked.connect(self.find_requested)
        self._measure_button.clicked.connect(self.measure_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self._find_button)
        buttons.addWidget(self._measure_button)
        buttons.addStretch(1)

        self._busy = QWidget(self)
        self._busy_label = QLabel(self._busy)
        self._busy_label.setWordWrap(True)
        self._progress = QProgressBar(self._busy)
        self._progress.setRange(0, 0)  # indeterminate
        self._progress.setTextVisible(False)
        self._progress.setMaximumHeight(12)
        self._progress.setAccessibleName(self.tr("Working"))
        self._cancel_button = QPushButton(self.tr("Cancel"), self._busy)
        self._cancel_button.setToolTip(self.tr("Stop the running task"))
        self._cancel_button.clicked.connect(self._on_cancel)
        busy_row = QHBoxLayout()
        busy_row.setContentsMargins(0, 0, 0, 0)
        busy_row.addWidget(self._progress, 1)
        busy_row.addWidget(self._cancel_button)
        busy_layout = QVBoxLayout(self._busy)
        busy_layout.setContentsMargins(0, 0, 0, 0)
        busy_layout.setSpacing(2)
        busy_layout.addWidget(self._busy_label)
        busy_layout.addLayout(busy_row)
        self._busy.setVisible(False)

        headers = [
            (self.tr("Control"), self.tr("The label of the control")),
            (self.tr("Role"), self.tr("Promoted, suppressed or other")),
            (
                self.tr("Area\n(CSS px²)"),
                self.tr("Area in CSS pixels: physical pixels divided by the display scale"),
            ),
            (
                self.tr("Text\ncontrast"),
                self.tr("Contrast of the label text against the control (WCAG ratio)"),
            ),
            (
                self.tr("Surface\ncontrast"),
                self.tr("Contrast of the control's surface against the page behind it"),
            ),
            (
                self.tr("Visual\nweight"),
                self.tr("Lightness difference from the background, summed over the area"),
            ),
            (self.tr("Text\ncolour"), self.tr("Colour of the label text")),
            (self.tr("Fill"), self.tr("Colour of the control's surface")),
            (self.tr("Background"), self.tr("Colour of the page around the control")),
        ]
        self._table = QTableWidget(0, len(headers), self)
        self._table.setAccessibleName(self.tr("Measured controls"))
        for column, (text, tip) in enumerate(headers):
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            self._table.setHorizontalHeaderItem(column, item)
        self._table.verticalHeader().setVisible(False)
        self._table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._table.horizontalHeader().setStretchLastSection(True)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.setAlternatingRowColors(True)
        self._table.setWordWrap(False)
        self._table.setIconSize(QSize(12, 12))
        self._table.itemSelectionChanged.connect(self._on_selection)

        self._text = QTextBrowser(self)
        self._text.setAccessibleName(self.tr("Comparisons and caveats"))
        self._text.setOpenLinks(False)
        self._text.setFrameShape(QFrame.Shape.StyledPanel)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self._table)
        splitter.addWidget(self._text)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self._busy)
        layout.addWidget(splitter, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.clear()

    def _role_name(self, role: str) -> str:
        names: dict[str, str] = {
            Role.PROMOTED: self.tr("Promoted"),
            Role.SUPPRESSED: self.tr("Suppressed"),
            Role.OTHER: self.tr("Other"),
        }
        return names.get(role, role)

    def clear(self) -> None:
        """No results: an empty table and a hint of what to do."""
        self.set_results([], [], [])

    def set_results(
        self,
        controls: list[ControlRow],
        comparisons: list[ComparisonRow],
        caveats: list[str],
    ) -> None:
        self._controls = list(controls)
        self._table.blockSignals(True)
        self._table.clearSelection()
        self._table.setRowCount(len(controls))
        for row, control in enumerate(controls):
            cells = [
                self._cell(control.label or control.id, control.id),
                self._cell(self._role_name(control.role), icon=ROLE_COLORS.get(control.role)),
                self._number(f"{control.area_css:,.0f}"),
                self._number(_ratio(control.text_contrast)),
                self._number(_ratio(control.surface_contrast)),
                self._number(
                    "—" if control.visual_weight is None else f"{control.visual_weight:,.0f}"
                ),
                self._color_cell(control.text_color),
                self._color_cell(control.fill_color),
                self._color_cell(control.background_color),
            ]
            for column, item in enumerate(cells):
                self._table.setItem(row, column, item)
        self._table.blockSignals(False)
        self._text.setHtml(self._results_html(comparisons, caveats))

    def _cell(self, text: str, tip: str = "", icon: str | None = None) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        if tip:
            item.setToolTip(tip)
        if icon:
            item.setIcon(_swatch_icon(icon))
        return item

    def _number(self, text: str) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _color_cell(self, color: str | None) -> QTableWidgetItem:
        if not color or not QColor.isValidColorName(color):
            return QTableWidgetItem("—")
        return self._cell(color.lower(), icon=color)

    def _results_html(self, comparisons: list[ComparisonRow], caveats: list[str]) -> str:
        muted = _muted(self.palette()).name()
        names = {c.id: c.label or c.id for c in self._controls}
        parts: list[str] = []
        if not self._controls and not comparisons:
            hint = self.tr(
                "Nothing measured yet. Mark the promoted and the suppressed control on the "
                "image (or press Find controls), then press Measure."
            )
            parts.append(f'<p style="color:{muted}">{html.escape(hint)}</p>')
        for comparison in comparisons:
            if comparison.asymmetric:
                badge = self.tr("Asymmetric")
                style = "background-color:#e8590c; color:#ffffff;"
            else:
                badge = self.tr("Not asymmetric")
                style = "background-color:#dee2e6; color:#212529;"
            title = self.tr("{promoted} against {suppressed}").format(
                promoted=names.get(comparison.promoted, comparison.promoted),
                suppressed=names.get(comparison.suppressed, comparison.suppressed),
            )
            low, high = comparison.area_ratio_range
            figures = self.tr(
                "Area ratio {ratio} (range {low}–{high}); visual weight ratio {weight}"
            ).format(
                ratio=f"{comparison.area_ratio:.2f}",
                low=f"{low:.2f}",
                high=f"{high:.2f}",
                weight=f"{comparison.visual_weight_ratio:.2f}",
            )
            parts.append(
                f'<p><span style="{style} font-weight:bold;">&nbsp;{html.escape(badge)}&nbsp;'
                f"</span>&nbsp; <b>{html.escape(title)}</b><br/>"
                f'<span style="color:{muted}">{html.escape(figures)}</span></p>'
            )
            if comparison.statements:
                items = "".join(f"<li>{html.escape(s)}</li>" for s in comparison.statements)
                parts.append(f'<ul style="margin-top:0px">{items}</ul>')
        if caveats:
            heading = html.escape(self.tr("Caveats"))
            items = "".join(f"<li>{html.escape(c)}</li>" for c in caveats)
            parts.append(
                f'<div style="color:{muted}"><p style="margin-bottom:0px"><small><b>{heading}</b>'
                f'</small></p><ul style="margin-top:0px"><small>{items}</small></ul></div>'
            )
        return "".join(parts)

    def select_control(self, control_id: str) -> None:
        """Select the row of a control without emitting row_selected (e.g. from the viewer)."""
        self._table.blockSignals(True)
        self._table.clearSelection()
        for row, control in enumerate(self._controls):
            if control.id == control_id:
                self._table.selectRow(row)
                break
        self._table.blockSignals(False)

    def _on_selection(self) -> None:
        rows = {index.row() for index in self._table.selectedIndexes()}
        if len(rows) == 1:
            row = rows.pop()
            if 0 <= row < len(self._controls):
                self.row_selected.emit(self._controls[row].id)

    def set_busy(self, busy: bool, message: str = "") -> None:
        """While busy: buttons off, an indeterminate bar with the message and a Cancel button."""
        self._find_button.setEnabled(not busy)
        self._measure_button.setEnabled(not busy)
        self._busy_label.setText(message or self.tr("Working…"))
        self._cancel_button.setEnabled(busy)
        self._busy.setVisible(busy)

    def is_busy(self) -> bool:
        return self._busy.isVisibleTo(self)

    def _on_cancel(self) -> None:
        # One request is enough; the caller ends the busy state when the work stops.
        self._cancel_button.setEnabled(False)
        self._busy_label.setText(self.tr("Cancelling…"))
        self.cancel_requested.emit()


def _muted(palette: QPalette) -> QColor:
    """Text colour halfway to the background: readable, but quieter than the text around it."""
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    return QColor(
        (text.red() * 3 + base.red() * 2) // 5,
        (text.green() * 3 + base.green() * 2) // 5,
        (text.blue() * 3 + base.blue() * 2) // 5,
    )


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}:1"
