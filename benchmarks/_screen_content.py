"""Benchmark helper process: screenshot-like images full screen; "next" on stdin shows another."""

from __future__ import annotations

import math
import sys

import numpy as np
from import_bench import HEIGHT, WIDTH, render_screenshot
from PySide6.QtCore import QSocketNotifier, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication, QLabel

SETTLE_MS = 50  # after the X server has the pixels, before answering


def screen_image(index: int, width: int, height: int) -> np.ndarray:
    """A width x height BGR image: distinct 1920 x 1080 screenshots tiled (and cropped) to fit."""
    columns, rows = math.ceil(width / WIDTH), math.ceil(height / HEIGHT)
    first = index * columns * rows
    tiles = [
        np.hstack([render_screenshot(first + row * columns + column) for column in range(columns)])
        for row in range(rows)
    ]
    return np.ascontiguousarray(np.vstack(tiles)[:height, :width])


def main() -> None:
    width, height, count = (int(value) for value in sys.argv[1:4])
    app = QApplication(sys.argv[:1])
    # Drawn before the window shows, so that no rendering competes with a measurement later.
    images = []
    for index in range(count):
        pixels = screen_image(index, width, height)
        images.append(
            QImage(pixels.data, width, height, width * 3, QImage.Format.Format_BGR888).copy()
        )
    label = QLabel()
    label.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    label.setWindowTitle("capture benchmark content")
    label.setContentsMargins(0, 0, 0, 0)
    label.setGeometry(0, 0, width, height)
    shown = [0]

    def show(number: int) -> None:
        label.setPixmap(QPixmap.fromImage(images[number % count]))
        label.repaint()
        app.sync()  # flush to the X server before answering
        QTimer.singleShot(SETTLE_MS, lambda: print(f"shown {number}", flush=True))

    label.show()
    QTimer.singleShot(200, lambda: show(0))
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)

    def on_input() -> None:
        line = sys.stdin.readline()
        if not line:
            app.quit()
        elif line.strip() == "next":
            shown[0] += 1
            show(shown[0])

    notifier.activated.connect(on_input)
    app.exec()


if __name__ == "__main__":
    main()
