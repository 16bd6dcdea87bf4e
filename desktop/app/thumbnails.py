"""Timeline thumbnails: made off the GUI thread, cached under derived/cache/thumbs/."""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader

log = logging.getLogger(__name__)

THUMB_SIZE = QSize(192, 108)  # twice the timeline's 96 x 54, for high-DPI screens
CACHE = ("derived", "cache", "thumbs")


def make_thumbnail(image_path: Path, case_folder: Path) -> QImage | None:
    """A small copy of an original (QImage is safe to make off the GUI thread)."""
    cache = case_folder.joinpath(*CACHE)
    target = cache / f"{image_path.stem}-{THUMB_SIZE.width()}.jpg"
    if target.is_file():
        cached = QImage(str(target))
        if not cached.isNull():
            return cached
    reader = QImageReader(str(image_path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid():
        # Decode straight to the small size where the format allows it (JPEG does).
        reader.setScaledSize(size.scaled(THUMB_SIZE, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        log.info("no thumbnail for %s: %s", image_path, reader.errorString())
        return None
    image = image.scaled(
        THUMB_SIZE,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    with contextlib.suppress(OSError):  # a read-only case still gets its thumbnails
        cache.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(f".{os.getpid()}.tmp.jpg")
        if image.save(str(temp), "JPG", 85):  # type: ignore[call-overload]  # the stubs say bytes; 6.11 wants str
            os.replace(temp, target)
    return image
