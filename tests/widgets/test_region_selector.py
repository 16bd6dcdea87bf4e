"""The region overlay: a drag gives a Box in physical pixels; Esc cancels; HiDPI arithmetic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication
from pytestqt.qtbot import QtBot

from widgets.region_selector import RegionSelector, ScreenInfo, logical_to_physical
from widgets.values import Box

PROJECT = Path(__file__).resolve().parents[2]

# A 4K panel at 200 % left of a 1080p primary at 100 %: Qt keeps each screen's top-left at its
# native position and divides the size, so the 2x screen is logical (-3840, 0) 1920x1080.
LEFT_2X = ScreenInfo(-3840, 0, 1920, 1080, 2.0)
PRIMARY_1X = ScreenInfo(0, 0, 1920, 1080, 1.0)
# A 1920x1200 laptop panel at 125 % right of the primary: logical size 1536x960.
RIGHT_125 = ScreenInfo(1920, 0, 1536, 960, 1.25)


@pytest.fixture
def selector(qtbot: QtBot) -> RegionSelector:
    widget = RegionSelector()
    qtbot.addWidget(widget)
    widget.start()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.gui
def test_overlay_covers_the_virtual_desktop(selector: RegionSelector) -> None:
    desktop = QRect()
    for screen in QGuiApplication.screens():
        desktop = desktop.united(screen.geometry())
    assert selector.geometry() == desktop
    assert selector.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert selector.windowFlags() & Qt.WindowType.WindowStaysOnTopHint


@pytest.mark.gui
def test_drag_emits_the_box_in_physical_pixels(qtbot: QtBot, selector: RegionSelector) -> None:
    screen = QGuiApplication.primaryScreen()
    assert screen is not None and screen.devicePixelRatio() == 1.0
    origin = selector.geometry().topLeft()
    qtbot.mousePress(selector, Qt.MouseButton.LeftButton, pos=QPoint(130, 90))
    qtbot.mouseMove(selector, QPoint(60, 40))
    # The size shown while dragging is the physical one.
    assert selector.selected_box() == Box(origin.x() + 60, origin.y() + 40, 70, 50)
    with qtbot.waitSignal(selector.region_selected, timeout=1000) as blocker:
        qtbot.mouseRelease(selector, Qt.MouseButton.LeftButton, pos=QPoint(30, 20))
    assert blocker.args == [Box(origin.x() + 30, origin.y() + 20, 100, 70)]
    assert not selector.isVisible()


@pytest.mark.gui
def test_selection_is_clear_and_the_rest_dimmed(qtbot: QtBot, selector: RegionSelector) -> None:
    qtbot.mousePress(selector, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    qtbot.mouseMove(selector, QPoint(300, 250))
    image = selector.grab().toImage()
    inside = QColor.fromRgba(image.pixel(200, 180))
    outside = QColor.fromRgba(image.pixel(400, 400))
    assert inside.alpha() < 10  # the person sees what they are choosing
    assert outside.alpha() > 60


@pytest.mark.gui
def test_a_click_without_a_drag_keeps_waiting(qtbot: QtBot, selector: RegionSelector) -> None:
    with qtbot.assertNotEmitted(selector.region_selected):
        qtbot.mouseClick(selector, Qt.MouseButton.LeftButton, pos=QPoint(50, 50))
    assert selector.isVisible()


@pytest.mark.gui
def test_escape_cancels(qtbot: QtBot, selector: RegionSelector) -> None:
    qtbot.mousePress(selector, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    with (
        qtbot.waitSignal(selector.cancelled, timeout=1000),
        qtbot.assertNotEmitted(selector.region_selected),
    ):
        qtbot.keyClick(selector, Qt.Key.Key_Escape)
    assert not selector.isVisible()


@pytest.mark.gui
def test_left_2x_monitor_at_negative_coordinates() -> None:
    layout = [LEFT_2X, PRIMARY_1X]
    rect = QRect(-3840 + 100, 50, 200, 100)
    assert logical_to_physical(rect, layout) == Box(-3840 + 200, 100, 400, 200)
    # The whole left panel is its full 3840x2160 pixels, ending where the primary starts.
    assert logical_to_physical(QRect(-3840, 0, 1920, 1080), layout) == Box(-3840, 0, 3840, 2160)


@pytest.mark.gui
def test_primary_is_unscaled_beside_a_2x_monitor() -> None:
    layout = [LEFT_2X, PRIMARY_1X]
    assert logical_to_physical(QRect(10, 20, 300, 200), layout) == Box(10, 20, 300, 200)


@pytest.mark.gui
def test_125_percent_monitor_rounds_edges_not_sizes() -> None:
    layout = [PRIMARY_1X, RIGHT_125]
    # 1920 + 101 * 1.25 = 2046.25 -> 2046; right edge 1920 + 202 * 1.25 = 2172.5 -> 2172.
    assert logical_to_physical(QRect(1920 + 101, 3, 101, 9), layout) == Box(2046, 4, 126, 11)
    # Full panel: 1536x960 logical is its 1920x1200 pixels.
    assert logical_to_physical(QRect(1920, 0, 1536, 960), layout) == Box(1920, 0, 1920, 1200)


@pytest.mark.gui
def test_mixed_layout_uses_the_screen_of_the_top_left() -> None:
    layout = [LEFT_2X, PRIMARY_1X, RIGHT_125]
    assert logical_to_physical(QRect(-1920 - 10, 0, 4, 4), layout) == Box(-20, 0, 8, 8)
    assert logical_to_physical(QRect(1919, 0, 4, 4), layout) == Box(1919, 0, 4, 4)
    assert logical_to_physical(QRect(1920, 0, 4, 4), layout) == Box(1920, 0, 5, 5)


@pytest.mark.gui
def test_top_left_in_a_gap_takes_the_nearest_screen() -> None:
    # Logical -1920..0 lies between the 2x panel and the primary: no screen is there.
    layout = [LEFT_2X, PRIMARY_1X]
    assert logical_to_physical(QRect(-5, 10, 20, 20), layout) == Box(-5, 10, 20, 20)
    # Nearest is the 2x panel (its right edge is 6 px away): its scale applies, 20 -> 40.
    assert logical_to_physical(QRect(-1915, 10, 20, 20), layout) == Box(10, 20, 40, 40)


@pytest.mark.gui
def test_explicit_physical_origin_is_used() -> None:
    # Where logical positions are points (macOS), the app says where the pixels start.
    screen = ScreenInfo(-1440, 0, 1440, 900, 2.0, physical_x=-2880, physical_y=0)
    assert logical_to_physical(QRect(-1440, 0, 10, 10), [screen]) == Box(-2880, 0, 20, 20)


@pytest.mark.gui
def test_real_qt_screens_follow_the_same_rule(tmp_path: Path) -> None:
    """Qt's own scaling of a mixed layout gives the geometry the pure function assumes."""
    config = tmp_path / "screens.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {"name": "L", "x": -3840, "y": 0, "width": 3840, "height": 2160,
                     "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
                    {"name": "P", "x": 0, "y": 0, "width": 1920, "height": 1080,
                     "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
                ]
            }
        )
    )  # fmt: skip
    script = textwrap.dedent(
        """
        from PySide6.QtCore import QRect
        from PySide6.QtWidgets import QApplication
        from widgets.region_selector import logical_to_physical, screen_infos
        app = QApplication([])
        screens = screen_infos(app.screens())
        print([(s.x, s.y, s.width, s.height, s.ratio) for s in screens])
        print(logical_to_physical(QRect(-3840 + 100, 50, 200, 100), screens))
        """
    )
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        QT_SCREEN_SCALE_FACTORS="L=2;P=1",
        PYTHONPATH=str(PROJECT),
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[0] == str([(-3840, 0, 1920, 1080, 2.0), (0, 0, 1920, 1080, 1.0)])
    assert lines[1] == str(Box(-3840 + 200, 100, 400, 200))
