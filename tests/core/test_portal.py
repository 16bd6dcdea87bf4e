"""The Wayland portal backend against a fake portal on a private D-Bus session bus."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from desktop.core.capture.errors import (
    CapturePermissionError,
    CaptureUnavailableError,
    TargetError,
)
from desktop.core.capture.frame import Rect
from desktop.core.capture.portal import PortalBackend, request_path

pytest.importorskip("jeepney")  # a Linux-only dependency

from tests.core import fake_portal
from tests.core.fake_portal import FakePortal

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@pytest.fixture
def bus_address(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private session bus: no service directories, so no real portal can be started."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        reason = "dbus-daemon is not installed (Debian/Ubuntu: apt install dbus-daemon)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="er-bus-"))  # short: socket paths max ~100 bytes
    config = folder / "bus.conf"
    config.write_text(BUS_CONFIG.format(socket=folder / "socket"), encoding="utf-8")
    process = subprocess.Popen(
        [daemon, f"--config-file={config}", "--print-address", "--nofork"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 10)
        address = process.stdout.readline().strip() if ready else ""
        if not address:
            process.kill()
            _, errors = process.communicate(timeout=5)
            pytest.fail(f"dbus-daemon did not start: {errors}")
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address
    finally:
        process.terminate()
        process.communicate(timeout=5)
        shutil.rmtree(folder, ignore_errors=True)


def pattern(channels: int = 3, height: int = 90, width: int = 160) -> np.ndarray[Any, Any]:
    """A known random picture: any decoding slip shows as unequal pixels."""
    rng = np.random.default_rng(20261125)
    return rng.integers(0, 256, (height, width, channels), dtype=np.uint8)


def encode(pixels: np.ndarray[Any, Any]) -> bytes:
    ok, buffer = cv2.imencode(".png", pixels)
    assert ok
    return buffer.tobytes()


@pytest.fixture
def pictures(tmp_path: Path) -> Path:
    folder = tmp_path / "Pictures"
    folder.mkdir()
    return folder


@pytest.fixture
def portal(bus_address: str, pictures: Path) -> Iterator[Callable[..., FakePortal]]:
    """Start a fake portal with the given behaviour; stopped (and checked) after the test."""
    started: list[FakePortal] = []

    def start(png: bytes | None = None, **behaviour: Any) -> FakePortal:
        fake = FakePortal(bus_address, pictures, png or encode(pattern()), **behaviour)
        started.append(fake.start())
        return fake

    yield start
    for fake in started:
        fake.stop()


@pytest.fixture
def backends() -> Iterator[Callable[..., PortalBackend]]:
    made: list[PortalBackend] = []

    def make(**options: Any) -> PortalBackend:
        made.append(PortalBackend(**options))
        return made[-1]

    yield make
    for backend in made:
        backend.close()


@pytest.mark.parametrize("channels", [3, 4])
def test_a_screenshot_keeps_the_portal_file_bytes_and_removes_the_file(
    portal: Callable[..., FakePortal],
    backends: Callable[..., PortalBackend],
    bus_address: str,
    channels: int,
) -> None:
    picture = pattern(channels)
    png = encode(picture)
    fake = portal(png, version=3)
    backend = backends(bus_address=bus_address, timeout=5)

    frame = backend.grab(None)

    assert backend.name == "wayland-portal"
    assert frame.png == png
    assert np.array_equal(frame.pixels, picture)
    assert frame.rect == Rect(0, 0, 160, 90)
    assert frame.scale is None
    assert frame.backend == "wayland-portal"
    assert frame.details["portal_version"] == 3
    assert frame.details["uri_name"] == fake_portal.FILE_NAME
    assert frame.details["portal_file_removed"] is True
    assert fake.written and not fake.written[0].exists()
    # The real protocol: no parent window, our token, no dialog asked for.
    ((parent, options, handle),) = fake.calls
    assert parent == ""
    assert options["interactive"] is False
    assert handle == request_path(fake_unique_name_of(backend), options["handle_token"])


def fake_unique_name_of(backend: PortalBackend) -> str:
    conn = backend._conn
    assert conn is not None
    return str(conn.unique_name)


def test_the_bus_address_falls_back_to_the_environment_and_the_connection_is_reused(
    portal: Callable[..., FakePortal], backends: Callable[..., PortalBackend]
) -> None:
    fake = portal()
    backend = backends(timeout=5)  # DBUS_SESSION_BUS_ADDRESS, set by the fixture
    first, second = backend.grab(None), backend.grab(None)
    assert np.array_equal(first.pixels, second.pixels)
    tokens = [options["handle_token"] for _, options, _ in fake.calls]
    assert len(set(tokens)) == 2  # a fresh token for every request
    assert len({handle.rsplit("/", 2)[1] for _, _, handle in fake.calls}) == 1  # one connection


def test_a_region_is_cropped_and_the_file_bytes_are_not_claimed(
    portal: Callable[..., FakePortal], backends: Callable[..., PortalBackend], bus_address: str
) -> None:
    picture = pattern()
    fake = portal(encode(picture))
    backend = backends(bus_address=bus_address, timeout=5)

    frame = backend.grab(Rect(10, 20, 30, 40))

    assert frame.png is None
    assert frame.rect == Rect(10, 20, 30, 40)
    assert np.array_equal(frame.pixels, picture[20:60, 10:40])
    assert frame.pixels.flags["C_CONTIGUOUS"]
    assert frame.details["crop"] == [10, 20, 30, 40]
    assert frame.details["full_size"] == [160, 90]
    assert not fake.written[0].exists()

    edge = backend.grab(Rect(150, -5, 50, 20))  # partly off the screen: what is on it
    assert edge.rect == Rect(150, 0, 10, 15)
    assert np.array_equal(edge.pixels, picture[0:15, 150:160])
    assert edge.details["requested_rect"] == [150, -5, 50, 20]

    with pytest.raises(TargetError, match="outside the screenshot"):
        backend.grab(Rect(500, 500, 10, 10))


@pytest.mark.parametrize(
    ("answer", "error", "words"),
    [
        (fake_portal.CANCEL, CapturePermissionError, "refused the screenshot"),
        (fake_portal.NOT_ALLOWED, CapturePermissionError, "refused the screenshot"),
        (fake_portal.FAIL, CapturePermissionError, "privacy settings"),
        (fake_portal.NO_URI, CaptureUnavailableError, "without a local file"),
    ],
)
def test_a_refusal_or_failure_is_a_typed_error_that_says_what_to_do(
    portal: Callable[..., FakePortal],
    backends: Callable[..., PortalBackend],
    bus_address: str,
    answer: str,
    error: type[Exception],
    words: str,
) -> None:
    portal(answer=answer)
    backend = backends(bus_address=bus_address, timeout=5)
    with pytest.raises(error, match=words) as raised:
        backend.grab(None)
    assert "try again" in str(raised.value)


def test_a_request_nobody_answers_times_out_and_is_withdrawn(
    portal: Callable[..., FakePortal], backends: Callable[..., PortalBackend], bus_address: str
) -> None:
    fake = portal(answer=fake_portal.SILENT)
    backend = backends(bus_address=bus_address, timeout=1.0)
    started = time.monotonic()
    with pytest.raises(
        CapturePermissionError, match=r"No answer from the screenshot portal within 1 s"
    ):
        backend.grab(None)
    assert 0.9 < time.monotonic() - started < 3
    assert fake.closed_event.wait(5), "the request was not closed"
    assert fake.closed == [fake.calls[0][2]]


def test_a_portal_that_quits_mid_request_fails_at_once(
    portal: Callable[..., FakePortal], backends: Callable[..., PortalBackend], bus_address: str
) -> None:
    portal(answer=fake_portal.VANISH)
    backend = backends(bus_address=bus_address, timeout=20)
    started = time.monotonic()
    with pytest.raises(CaptureUnavailableError, match="stopped while taking the screenshot"):
        backend.grab(None)
    assert time.monotonic() - started < 10


def test_an_old_portal_with_its_own_request_path_still_works(
    portal: Callable[..., FakePortal], backends: Callable[..., PortalBackend], bus_address: str
) -> None:
    picture = pattern()
    fake = portal(encode(picture), own_handle=True)
    frame = backends(bus_address=bus_address, timeout=5).grab(None)
    assert np.array_equal(frame.pixels, picture)
    assert "/legacy/" in fake.calls[0][2]


def test_a_response_from_anyone_but_the_portal_is_ignored(
    portal: Callable[..., FakePortal],
    backends: Callable[..., PortalBackend],
    bus_address: str,
    pictures: Path,
) -> None:
    picture = pattern()
    portal(encode(picture), spoof=True)
    frame = backends(bus_address=bus_address, timeout=5).grab(None)
    assert np.array_equal(frame.pixels, picture)
    assert (pictures / "spoofed.png").exists()


def test_no_portal_on_the_bus_is_unavailable(bus_address: str) -> None:
    with pytest.raises(CaptureUnavailableError, match="xdg-desktop-portal-gnome"):
        PortalBackend(bus_address=bus_address, timeout=5)


def test_no_session_bus_is_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CaptureUnavailableError, match="No D-Bus session bus"):
        PortalBackend(bus_address=f"unix:path={tmp_path}/no-bus-here", timeout=1)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    with pytest.raises(CaptureUnavailableError, match="DBUS_SESSION_BUS_ADDRESS is not set"):
        PortalBackend(timeout=1)


def test_close_is_idempotent_and_a_closed_backend_refuses_work(
    portal: Callable[..., FakePortal], bus_address: str
) -> None:
    portal()
    backend = PortalBackend(bus_address=bus_address, timeout=5)
    backend.close()
    backend.close()
    with pytest.raises(RuntimeError, match="closed"):
        backend.grab(None)


def test_a_file_that_is_not_a_png_is_decoded_but_not_kept_as_the_png(
    portal: Callable[..., FakePortal], backends: Callable[..., PortalBackend], bus_address: str
) -> None:
    ok, jpeg = cv2.imencode(".jpg", pattern())
    assert ok
    portal(jpeg.tobytes())
    frame = backends(bus_address=bus_address, timeout=5).grab(None)
    assert frame.png is None  # the caller encodes a PNG from the pixels
    assert frame.pixels.shape == (90, 160, 3)
    assert frame.details["portal_file_format"] == "not png"


def test_grey_and_16_bit_pngs_become_8_bit_bgr(tmp_path: Path) -> None:
    from desktop.core.capture.portal import _decode

    grey16 = (pattern(1)[:, :, 0].astype(np.uint16) * 257).astype(np.uint16)
    pixels = _decode(encode(grey16), tmp_path / "x.png")
    assert pixels.dtype == np.uint8
    assert pixels.shape == (90, 160, 3)
    assert np.array_equal(pixels[:, :, 1], pattern(1)[:, :, 0])
    with pytest.raises(CaptureUnavailableError, match="not an image"):
        _decode(b"not an image", tmp_path / "x.png")
