"""Timeline thumbnails: made off the GUI thread, cached under derived/cache/thumbs/."""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from desktop.core.proof.safepath import (
    UnsafePathError,
    inside_or_none,
    read_inside,
    regular_inside_or_none,
)
from desktop.core.store.cachekey import cache_name

log = logging.getLogger(__name__)

THUMB_SIZE = QSize(192, 108)  # twice the timeline's 96 x 54, for high-DPI screens
CACHE = ("derived", "cache", "thumbs")


def _qimage(bgr: Any) -> QImage:
    height, width = bgr.shape[:2]
    return QImage(bgr.data, width, height, bgr.strides[0], QImage.Format.Format_BGR888).copy()


def _relative(path: Path, folder: Path) -> str:
    """`path` as the case names it ("" when it is not below the case folder: refused)."""
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return ""


def make_thumbnail(image_path: Path, case_folder: Path) -> QImage | None:
    """A small copy of an original, made with OpenCV.

    OpenCV lets go of Python's global lock while it decodes and scales; Qt's image reader
    holds it, which stalled the window for the length of a 1080p PNG decode.
    """
    import cv2
    import numpy as np

    cache = inside_or_none(case_folder, "/".join(CACHE))  # None: linked away, not used
    name = cache_name("thumb", image_path.name, str(THUMB_SIZE.width()))  # not plantable
    target = None if cache is None else cache / f"{name}.jpg"
    if target is not None and regular_inside_or_none(case_folder, _relative(target, case_folder)):
        cached = cv2.imread(str(target), cv2.IMREAD_COLOR)
        if cached is not None:
            return _qimage(cached)
    try:  # only from inside the case, never through a link, never a FIFO
        raw = read_inside(case_folder, _relative(image_path, case_folder))
    except (OSError, UnsafePathError) as error:
        log.info("no thumbnail for %s: %s", image_path, error)
        return None
    data = np.frombuffer(raw, dtype=np.uint8)
    pixels = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if pixels is None:
        log.info("no thumbnail for %s: not an image OpenCV can read", image_path)
        return None
    height, width = pixels.shape[:2]
    factor = min(THUMB_SIZE.width() / width, THUMB_SIZE.height() / height, 1.0)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    small = np.ascontiguousarray(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA))
    if cache is None or target is None:
        return _qimage(small)
    with contextlib.suppress(OSError):  # a read-only case still gets its thumbnails
        cache.mkdir(parents=True, exist_ok=True)
        ok, encoded = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 85])
        if ok:
            temp = target.with_suffix(f".{os.getpid()}.tmp")
            encoded.tofile(temp)
            os.replace(temp, target)
    return _qimage(small)
