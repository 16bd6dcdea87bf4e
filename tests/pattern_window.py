"""Test helper process: a frameless window showing a seeded random pattern; "next" on stdin
shows the next seed and answers "shown N" once the new pixels are on the X server."""

from __future__ import annotations

import sys

import numpy as np
from PySide6.QtCore import QSocketNotifier, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication, QLabel


def main() -> None:
    x, y, width, height = (int(value) for value in sys.argv[1:5])
    title = sys.argv[5]
    app = QApplication(sys.argv[:1])
    label = QLabel()
    label.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    label.setWindowTitle(title)
    label.setContentsMargins(0, 0, 0, 0)
    state = {"seed": 0, "image": None}

    def show(seed: int) -> None:
        pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
        image = QImage(pixels.data, width, height, width * 3, QImage.Format.Format_RGB888).copy()
        state["image"] = image
        label.setPixmap(QPixmap.fromImage(image))
        label.repaint()
        app.sync()  # flush to the X server before answering
        QTimer.singleShot(50, lambda: print(f"shown {seed}", flush=True))

    label.setGeometry(x, y, width, height)
    label.show()
    QTimer.singleShot(200, lambda: show(0))

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)

    def on_input() -> None:
        line = sys.stdin.readline()
        if not line:
            app.quit()
        elif line.strip() == "next":
            state["seed"] = int(state["seed"]) + 1  # type: ignore[call-overload]
            show(int(state["seed"]))  # type: ignore[call-overload]

    notifier.activated.connect(on_input)
    app.exec()


if __name__ == "__main__":
    main()
