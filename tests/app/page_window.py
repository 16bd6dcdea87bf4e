"""Test helper process: a frameless window at (x, y) showing a PNG file, like an app's page."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QLabel


def main() -> None:
    x, y = int(sys.argv[2]), int(sys.argv[3])
    app = QApplication(sys.argv[:1])
    label = QLabel()
    label.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    label.setWindowFlag(Qt.WindowType.WindowStaysOnBottomHint)
    label.setWindowTitle("Subscription page")
    pixmap = QPixmap(sys.argv[1])
    label.setPixmap(pixmap)
    label.setGeometry(x, y, pixmap.width(), pixmap.height())
    label.show()
    QTimer.singleShot(300, lambda: print("shown", flush=True))
    app.exec()


if __name__ == "__main__":
    main()
