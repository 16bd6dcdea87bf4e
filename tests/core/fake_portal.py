"""A fake xdg-desktop-portal for tests: the real D-Bus protocol, a pretend desktop.

It owns org.freedesktop.portal.Desktop on a (private) bus, answers Properties.Get for the
Screenshot interface's version, and answers Screenshot(parent_window, options) the way the
portal does: it replies with the Request object path and emits
org.freedesktop.portal.Request.Response(u, a{sv}) on it, with the URI of a PNG it saved.
Its request path is worked out here on its own, not with the code under test.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    MessageFlag,
    MessageType,
    message_bus,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.io.blocking import DBusConnection, open_dbus_connection

BUS_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SCREENSHOT = "org.freedesktop.portal.Screenshot"
REQUEST = "org.freedesktop.portal.Request"
PROPERTIES = "org.freedesktop.DBus.Properties"
FILE_NAME = "Screenshot from 2026-11-25 09-00-00.png"  # a space, as GNOME names them

# What the fake does with a Screenshot call.
SUCCESS = "success"  # Response 0 with the PNG's URI
CANCEL = "cancel"  # Response 1: the person said no
FAIL = "fail"  # Response 2: other failure (also a stored "no" permission)
SILENT = "silent"  # reply with the handle, never answer (an ignored permission dialog)
VANISH = "vanish"  # reply with the handle, then leave the bus (a crashed portal)
NOT_ALLOWED = "not_allowed"  # D-Bus error reply instead of a handle
NO_URI = "no_uri"  # Response 0 without a uri


class FakePortal:
    """Start with start(), stop with stop(); one instance serves one test."""

    def __init__(
        self,
        bus_address: str,
        folder: Path,
        png: bytes,
        *,
        answer: str = SUCCESS,
        version: int = 2,
        response_before_reply: bool = True,
        own_handle: bool = False,
        spoof: bool = False,
    ) -> None:
        self.bus_address = bus_address
        self.folder = folder
        self.png = png
        self.answer = answer
        self.version = version
        # The portal may answer before its method reply reaches the caller; a client that
        # subscribes only after the reply misses it. Sending the signal first tests that.
        self.response_before_reply = response_before_reply
        self.own_handle = own_handle  # like portals before 0.9: a path of its own choosing
        self.spoof = spoof  # another connection sends a false Response first
        self.calls: list[tuple[str, dict[str, Any], str]] = []  # parent, options, handle
        self.closed: list[str] = []
        self.written: list[Path] = []
        self.closed_event = threading.Event()
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._conn: DBusConnection | None = None
        self._thread: threading.Thread | None = None
        self._count = 0

    @property
    def unique_name(self) -> str:
        assert self._conn is not None
        return str(self._conn.unique_name)

    def start(self) -> FakePortal:
        """Own the portal's name (done when this returns), then serve in a thread."""
        self._conn = open_dbus_connection(self.bus_address)
        do_not_queue = 4
        reply = self._conn.send_and_get_reply(
            message_bus.RequestName(BUS_NAME, do_not_queue), timeout=5
        )
        if reply.body != (1,):  # 1: primary owner
            raise RuntimeError(f"could not own {BUS_NAME}: {reply.body}")
        self._thread = threading.Thread(target=self._serve, name="fake-portal", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            assert not self._thread.is_alive(), "the fake portal did not stop"
        if self._conn is not None:
            self._conn.close()
        if self.error is not None:
            raise self.error

    # -- serving ------------------------------------------------------------------------

    def _serve(self) -> None:
        conn = self._conn
        assert conn is not None
        try:
            while not self._stop.is_set():
                try:
                    message = conn.receive(timeout=0.05)  # a stop check, not a synchronisation
                except TimeoutError:
                    continue
                if message.header.message_type != MessageType.method_call:
                    continue
                if not self._handle(conn, message):
                    conn.close()
                    return
        except OSError:
            if not self._stop.is_set():
                raise
        except BaseException as error:  # noqa: BLE001  (re-raised by stop())
            self.error = error

    def _handle(self, conn: DBusConnection, message: Any) -> bool:
        """Answer one method call; False to leave the bus."""
        fields = message.header.fields
        interface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
        if (interface, member) == (PROPERTIES, "Get"):
            wanted = tuple(message.body)
            if wanted == (SCREENSHOT, "version"):
                conn.send(new_method_return(message, "v", (("u", self.version),)))
            else:
                conn.send(
                    new_error(message, "org.freedesktop.DBus.Error.InvalidArgs", "s", ("no",))
                )
            return True
        if (interface, member) == (REQUEST, "Close"):
            self.closed.append(str(fields.get(HeaderFields.path)))
            self.closed_event.set()
            if not message.header.flags & MessageFlag.no_reply_expected:
                conn.send(new_method_return(message))
            return True
        if (interface, member) == (SCREENSHOT, "Screenshot"):
            return self._screenshot(conn, message)
        conn.send(
            new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (str(member),))
        )
        return True

    def _screenshot(self, conn: DBusConnection, message: Any) -> bool:
        parent, options = message.body
        sender = str(message.header.fields[HeaderFields.sender])
        token = options["handle_token"][1]
        self._count += 1
        if self.own_handle:
            handle = f"{PORTAL_PATH}/request/legacy/r{self._count}"
        else:
            handle = f"{PORTAL_PATH}/request/{sender[1:].replace('.', '_')}/{token}"
        self.calls.append((parent, {key: value[1] for key, value in options.items()}, handle))

        if self.answer == NOT_ALLOWED:
            conn.send(
                new_error(message, "org.freedesktop.portal.Error.NotAllowed", "s", ("denied",))
            )
            return True
        reply = new_method_return(message, "o", (handle,))
        if self.answer in (SILENT, VANISH):
            conn.send(reply)
            return self.answer == SILENT

        code, results = self._results()
        before = self.response_before_reply and not self.own_handle
        if not before:
            conn.send(reply)
        if self.spoof:
            self._send_spoof(handle)
        conn.send(
            new_signal(
                DBusAddress(handle, interface=REQUEST), "Response", "ua{sv}", (code, results)
            )
        )
        if before:
            conn.send(reply)
        return True

    def _results(self) -> tuple[int, dict[str, tuple[str, Any]]]:
        if self.answer == CANCEL:
            return 1, {}
        if self.answer == FAIL:
            return 2, {}
        if self.answer == NO_URI:
            return 0, {}
        path = self.folder / FILE_NAME
        path.write_bytes(self.png)
        self.written.append(path)
        return 0, {"uri": ("s", path.as_uri())}

    def _send_spoof(self, handle: str) -> None:
        """Another program on the bus pretends to be the portal, with its own file."""
        spoofed = self.folder / "spoofed.png"
        spoofed.write_bytes(b"not the screen")
        with open_dbus_connection(self.bus_address) as other:
            other.send(
                new_signal(
                    DBusAddress(handle, interface=REQUEST),
                    "Response",
                    "ua{sv}",
                    (0, {"uri": ("s", spoofed.as_uri())}),
                )
            )
            # A round trip on the same connection: the bus has routed the signal once the
            # reply is back, so the false Response reaches the client before the real one.
            other.send_and_get_reply(message_bus.GetId(), timeout=5)
