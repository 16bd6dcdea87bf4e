"""Shared fixtures: sample images made on the fly, cases, and a clock tests can move."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop.core.i18n import set_language
from desktop.core.store.case import CaseWriter, create_case


@pytest.fixture(autouse=True)
def _english_messages() -> None:
    set_language("en")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Log checkpoints of the tests' cases go to a folder of the test run, not the user's cache."""
    import os

    os.environ["EVIDENCE_RECORDER_CACHE_DIR"] = str(tmp_path_factory.mktemp("user-cache"))


def make_image(width: int = 320, height: int = 240, seed: int = 0) -> Image.Image:
    """A small screenshot-like image: flat background, a bright button, some noise."""
    rng = np.random.default_rng(seed)
    pixels = np.full((height, width, 3), 245, np.uint8)
    pixels[height // 3 : height // 2, width // 4 : 3 * width // 4] = (255, 90, 30)
    pixels[-20:, :] = rng.integers(0, 255, (20, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels)


def image_bytes(fmt: str = "PNG", seed: int = 0, **save: object) -> bytes:
    buffer = io.BytesIO()
    make_image(seed=seed).save(buffer, format=fmt, **save)
    return buffer.getvalue()


@pytest.fixture
def png_file(tmp_path: Path) -> Path:
    path = tmp_path / "inbox" / "Screenshot_20241105-101112.png"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(image_bytes("PNG"))
    return path


class SteppingClock:
    """A clock tests control: wall and monotonic time advance together unless told otherwise."""

    def __init__(self) -> None:
        self.wall = datetime(2026, 11, 25, 9, 0, 0, tzinfo=UTC)
        self.mono = 1_000_000_000_000

    def now(self) -> datetime:
        return self.wall

    def monotonic_ns(self) -> int:
        return self.mono

    def zone(self) -> str:
        return "Asia/Shanghai"

    def advance(self, seconds: float, wall_seconds: float | None = None) -> None:
        self.mono += int(seconds * 1e9)
        self.wall += timedelta(seconds=seconds if wall_seconds is None else wall_seconds)


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def case(tmp_path: Path) -> CaseWriter:
    return create_case(tmp_path / "case", title="Test case 测试", service="Example Mobile")
