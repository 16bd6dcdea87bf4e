"""Screenshots on Wayland through the desktop portal (org.freedesktop.portal.Screenshot).

Wayland lets no program read the screen by itself; it asks the desktop through
xdg-desktop-portal over the D-Bus session bus. The protocol, as the portal documents it:

1. Pick a handle token. The portal will answer on the Request object
   /org/freedesktop/portal/desktop/request/SENDER/TOKEN (SENDER: our unique bus name without
   ':' and with '.' as '_'); subscribe to Request.Response *before* calling, so an answer
   that comes ahead of the method reply is not lost. We subscribe to every Response from the
   portal's unique name (not just that path): portals before 0.9 chose their own path, known
   only from the reply, and signals from any other sender are never believed.
2. Call Screenshot(parent_window "", {handle_token, interactive: false, modal: true}). The
   reply is the Request path to listen on.
3. Wait for Request.Response(u response, a{sv} results): 0 = done, results["uri"] is a
   file:// URI of a PNG the desktop saved (usually in ~/Pictures); 1 = the person cancelled;
   2 = anything else, including a permission the desktop has stored as "no". A permission
   dialog nobody answers means no Response at all, hence the time limit.

The PNG's bytes become the evidence original unchanged; the file is then removed from where
the portal put it. jeepney (pure Python D-Bus) is imported lazily, so this module imports on
every platform; only constructing the backend needs it.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from desktop.core.capture.errors import (
    CapturePermissionError,
    CaptureUnavailableError,
    TargetError,
)
from desktop.core.capture.frame import Frame, Pixels, Rect
from desktop.core.i18n import tr

if TYPE_CHECKING:
    from jeepney import MatchRule, Message
    from jeepney.io.blocking import DBusConnection

BACKEND_NAME = "wayland-portal"
PORTAL_BUS_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SCREENSHOT_INTERFACE = "org.freedesktop.portal.Screenshot"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
REQUEST_PATH_PREFIX = PORTAL_PATH + "/request/"
DBUS_NAME = "org.freedesktop.DBus"
DBUS_PATH = "/org/freedesktop/DBus"

RESPONSE_SUCCESS = 0
RESPONSE_CANCELLED = 1
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# D-Bus errors that mean the desktop said no, rather than that the portal is missing or broken.
_REFUSAL_ERRORS = frozenset(
    {"org.freedesktop.portal.Error.NotAllowed", "org.freedesktop.DBus.Error.AccessDenied"}
)


def request_path(unique_name: str, token: str) -> str:
    """The Request object path the portal will use for a call from unique_name with token."""
    sender = unique_name.lstrip(":").replace(".", "_")
    return f"{REQUEST_PATH_PREFIX}{sender}/{token}"


def new_handle_token() -> str:
    """A token unique to this call; only [A-Za-z0-9_] is allowed in an object path element."""
    return f"evidence_recorder_{secrets.token_hex(8)}"


class PortalBackend:
    """Whole-desktop screenshots through xdg-desktop-portal, for Wayland sessions.

    Construction connects to the session bus and checks that a Screenshot portal answers;
    it raises CaptureUnavailableError when there is none, so a caller can fall back. One
    connection stays open until close().
    """

    name = BACKEND_NAME

    def __init__(self, *, timeout: float = 30.0, bus_address: str | None = None) -> None:
        """timeout: seconds to wait for each answer; bus_address: a D-Bus address such as
        "unix:path=/run/user/1000/bus", or None for DBUS_SESSION_BUS_ADDRESS."""
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.timeout = timeout
        self._conn: DBusConnection | None = _connect(bus_address)
        try:
            self.version: int | None = self._portal_version(self._deadline())
        except BaseException:
            self.close()
            raise

    def grab(self, rect: Rect | None) -> Frame:
        """Ask the portal for the whole desktop; crop to rect when one is given.

        Uncropped frames carry the portal's PNG unchanged in `png`. A cropped frame has
        png=None (the caller encodes the crop) and records the crop in `details`.
        """
        results = self._request_screenshot()
        path = _file_from_results(results)
        data = _read_file(path)
        pixels = _decode(data, path)
        removed = _remove(path)
        height, width = pixels.shape[:2]
        full = Rect(0, 0, width, height)
        details: dict[str, Any] = {
            "portal_version": self.version,
            "uri_name": path.name,
            "portal_file_removed": removed,
        }
        png: bytes | None = data if data.startswith(PNG_SIGNATURE) else None
        if png is None:
            details["portal_file_format"] = "not png"
        if rect is None:
            return Frame(pixels, full, None, BACKEND_NAME, details, png)
        crop = full.intersect(rect)
        if crop is None:
            raise TargetError(
                tr(
                    "The region {region} lies outside the screenshot ({width}x{height}). "
                    "Choose a region on the screen, then try again.",
                    region="x={} y={} w={} h={}".format(*rect.as_list()),
                    width=width,
                    height=height,
                )
            )
        details["crop"] = crop.as_list()
        details["requested_rect"] = rect.as_list()
        details["full_size"] = [width, height]
        cropped = pixels[crop.y : crop.bottom, crop.x : crop.right].copy()
        return Frame(cropped, crop, None, BACKEND_NAME, details, None)

    def close(self) -> None:
        """Close the D-Bus connection; safe to call more than once."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    # -- D-Bus ---------------------------------------------------------------------------

    def _deadline(self) -> float:
        return time.monotonic() + self.timeout

    def _open(self) -> DBusConnection:
        if self._conn is None:
            raise RuntimeError("PortalBackend is closed")
        return self._conn

    def _call(self, message: Message, deadline: float) -> tuple[Any, ...]:
        """Send a method call and return the reply's body; D-Bus errors raise as jeepney's."""
        from jeepney import DBusErrorResponse, MessageType

        try:
            reply = self._open().send_and_get_reply(message, timeout=_remaining(deadline))
        except TimeoutError:
            raise CaptureUnavailableError(
                tr(
                    "The screenshot portal did not reply within {seconds:g} s. Restart it "
                    "(systemctl --user restart xdg-desktop-portal) or log out and back in, "
                    "then try again.",
                    seconds=self.timeout,
                )
            ) from None
        except OSError as error:
            raise _lost_bus(error) from error
        if reply.header.message_type == MessageType.error:
            raise DBusErrorResponse(reply)
        body: tuple[Any, ...] = reply.body
        return body

    def _portal_version(self, deadline: float) -> int | None:
        """The Screenshot interface's version; the call also starts a portal that is
        D-Bus-activated, and fails when no portal (or no Screenshot backend) exists."""
        from jeepney import DBusAddress, DBusErrorResponse, Properties

        address = DBusAddress(PORTAL_PATH, bus_name=PORTAL_BUS_NAME, interface=SCREENSHOT_INTERFACE)
        try:
            (variant,) = self._call(Properties(address).get("version"), deadline)
        except DBusErrorResponse as error:
            raise _portal_missing(error) from error
        value = variant[1] if isinstance(variant, tuple) and len(variant) == 2 else None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def _portal_owner(self, deadline: float) -> str:
        """The portal's unique bus name, so only its signals are believed."""
        from jeepney import DBusErrorResponse, message_bus

        try:
            (owner,) = self._call(message_bus.GetNameOwner(PORTAL_BUS_NAME), deadline)
        except DBusErrorResponse:
            # Not running now (it may have exited since): the version call starts it again.
            self.version = self._portal_version(deadline)
            try:
                (owner,) = self._call(message_bus.GetNameOwner(PORTAL_BUS_NAME), deadline)
            except DBusErrorResponse as error:
                raise _portal_missing(error) from error
        return str(owner)

    def _add_match(
        self, stack: ExitStack, rule: MatchRule, queue: deque[Any], deadline: float
    ) -> None:
        """Route messages matching rule into queue: a local filter plus a bus subscription,
        both undone when the stack closes."""
        from jeepney import message_bus

        conn = self._open()
        stack.enter_context(conn.filter(rule, queue=queue))
        self._call(message_bus.AddMatch(rule), deadline)
        stack.callback(self._remove_match, rule)

    def _remove_match(self, rule: MatchRule) -> None:
        from jeepney import message_bus

        if self._conn is not None:
            with suppress(OSError):  # the connection is gone; so is the subscription
                self._conn.send(message_bus.RemoveMatch(rule))

    def _request_screenshot(self) -> dict[str, Any]:
        """Run one Screenshot request to its Response; the results on success."""
        from jeepney import (
            DBusAddress,
            DBusErrorResponse,
            MatchRule,
            MessageType,
            new_method_call,
        )

        deadline = self._deadline()
        owner = self._portal_owner(deadline)
        token = new_handle_token()
        queue: deque[Any] = deque()
        # Every Response the portal sends us, whatever its path: the documented path
        # (request_path()) for current portals, and the one an old portal picks itself,
        # which is known only from the reply, perhaps after the signal was sent.
        responses = MatchRule(
            type=MessageType.signal, sender=owner, interface=REQUEST_INTERFACE, member="Response"
        )
        vanished = MatchRule(
            type=MessageType.signal,
            sender=DBUS_NAME,
            interface=DBUS_NAME,
            member="NameOwnerChanged",
            path=DBUS_PATH,
        )
        vanished.add_arg_condition(0, PORTAL_BUS_NAME)
        screenshot = new_method_call(
            DBusAddress(PORTAL_PATH, bus_name=PORTAL_BUS_NAME, interface=SCREENSHOT_INTERFACE),
            "Screenshot",
            "sa{sv}",
            ("", {"handle_token": ("s", token), "interactive": ("b", False), "modal": ("b", True)}),
        )
        with ExitStack() as stack:
            try:
                # Subscribe first: the Response may come before the method reply does.
                self._add_match(stack, responses, queue, deadline)
                self._add_match(stack, vanished, queue, deadline)
                (handle,) = self._call(screenshot, deadline)
            except DBusErrorResponse as error:
                if error.name in _REFUSAL_ERRORS:
                    raise _refused() from error
                raise _portal_failed(error) from error
            return self._await_response(queue, str(handle), owner, deadline)
        raise AssertionError("unreachable")  # ExitStack could swallow errors, as mypy sees it

    def _await_response(
        self, queue: deque[Any], handle: str, owner: str, deadline: float
    ) -> dict[str, Any]:
        from jeepney import HeaderFields

        conn = self._open()
        while True:
            try:
                message = conn.recv_until_filtered(queue, timeout=_remaining(deadline))
            except TimeoutError:
                self._close_request(handle)
                raise CapturePermissionError(
                    tr(
                        "No answer from the screenshot portal within {seconds:g} s. If your "
                        "desktop asked whether applications may take screenshots, choose Allow, "
                        "then try again. If nothing appeared, restart the portal (systemctl "
                        "--user restart xdg-desktop-portal) and try again.",
                        seconds=self.timeout,
                    )
                ) from None
            except OSError as error:
                raise _lost_bus(error) from error
            fields = message.header.fields
            if fields.get(HeaderFields.member) == "NameOwnerChanged":
                if message.body[0] == PORTAL_BUS_NAME and message.body[2] != owner:
                    raise CaptureUnavailableError(
                        tr(
                            "The screenshot portal stopped while taking the screenshot. Try "
                            "again; if it keeps happening, see journalctl --user -u "
                            "xdg-desktop-portal."
                        )
                    )
                continue
            if fields.get(HeaderFields.path) != handle:
                continue  # an answer to another request of ours, or to another program
            response, results = message.body
            if response == RESPONSE_SUCCESS:
                return {str(key): value[1] for key, value in results.items()}
            if response == RESPONSE_CANCELLED:
                raise _refused()
            raise CapturePermissionError(
                tr(
                    "The desktop did not take the screenshot. Screenshots may be turned off "
                    "for Evidence Recorder: allow them in your desktop's privacy settings, then "
                    "try again. If they are allowed, the portal failed; see journalctl --user "
                    "-u xdg-desktop-portal."
                )
            )

    def _close_request(self, handle: str) -> None:
        """Withdraw a request nobody answered, so no dialog stays behind (no reply awaited)."""
        from jeepney import DBusAddress, MessageFlag, new_method_call

        message = new_method_call(
            DBusAddress(handle, bus_name=PORTAL_BUS_NAME, interface=REQUEST_INTERFACE), "Close"
        )
        message.header.flags |= MessageFlag.no_reply_expected
        with suppress(OSError):  # best effort: the time-out is what the person must hear about
            self._open().send(message)


# -- helpers ----------------------------------------------------------------------------------


def _remaining(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.0)


def _connect(bus_address: str | None) -> DBusConnection:
    """Open the session bus, or explain what is missing."""
    try:
        from jeepney.io.blocking import open_dbus_connection
    except ImportError as error:
        raise CaptureUnavailableError(
            tr(
                "The D-Bus library jeepney is missing, so the Wayland screenshot portal cannot "
                "be reached. Reinstall Evidence Recorder (or run: pip install jeepney)."
            )
        ) from error
    try:
        return open_dbus_connection(bus_address or "SESSION", auth_timeout=5.0)
    except (KeyError, RuntimeError, OSError, ValueError, StopIteration) as error:
        reason = "DBUS_SESSION_BUS_ADDRESS is not set" if isinstance(error, KeyError) else error
        raise CaptureUnavailableError(
            tr(
                "No D-Bus session bus ({reason}), so the Wayland screenshot portal cannot be "
                "reached. Start Evidence Recorder from inside your desktop session, and install "
                "xdg-desktop-portal and the backend for your desktop (xdg-desktop-portal-gnome, "
                "-kde or -wlr).",
                reason=reason,
            )
        ) from error


def _dbus_reason(error: Exception) -> str:
    name = getattr(error, "name", None)
    data = getattr(error, "data", ())
    text = data[0] if isinstance(data, tuple) and data and isinstance(data[0], str) else ""
    return ": ".join(part for part in (str(name or ""), text) if part) or str(error)


def _portal_missing(error: Exception) -> CaptureUnavailableError:
    return CaptureUnavailableError(
        tr(
            "No screenshot portal on the D-Bus session bus ({reason}). To take screenshots on "
            "Wayland, install xdg-desktop-portal and the backend for your desktop "
            "(xdg-desktop-portal-gnome, -kde or -wlr), log out and back in, then try again.",
            reason=_dbus_reason(error),
        )
    )


def _portal_failed(error: Exception) -> CaptureUnavailableError:
    return CaptureUnavailableError(
        tr(
            "The screenshot portal failed ({reason}). Check that xdg-desktop-portal and the "
            "backend for your desktop are installed and running, then try again.",
            reason=_dbus_reason(error),
        )
    )


def _refused() -> CapturePermissionError:
    return CapturePermissionError(
        tr(
            "The desktop refused the screenshot. Allow screenshots for Evidence Recorder in "
            "your desktop's privacy settings, then try again."
        )
    )


def _lost_bus(error: OSError) -> CaptureUnavailableError:
    return CaptureUnavailableError(
        tr(
            "Lost the connection to the D-Bus session bus ({reason}). Restart Evidence "
            "Recorder from inside your desktop session.",
            reason=error,
        )
    )


def _file_from_results(results: dict[str, Any]) -> Path:
    """The local file a success Response points to."""
    uri = results.get("uri")
    parts = urlsplit(uri) if isinstance(uri, str) else None
    if parts is None or parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise CaptureUnavailableError(
            tr(
                "The screenshot portal answered without a local file ({uri}). Update "
                "xdg-desktop-portal and the backend for your desktop, then try again.",
                uri=uri,
            )
        )
    return Path(unquote(parts.path))


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CaptureUnavailableError(
            tr(
                "Cannot read the screenshot the portal saved at {path}: {reason}. Check that "
                "the folder can be read, then try again.",
                path=path,
                reason=error.strerror or error,
            )
        ) from error


def _decode(data: bytes, path: Path) -> Pixels:
    """BGR or BGRA uint8 pixels of an image file's bytes."""
    import cv2
    import numpy as np

    decoded: Any = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if decoded is None or decoded.size == 0:
        raise CaptureUnavailableError(
            tr(
                "The screenshot the portal saved at {path} is not an image this program can "
                "read. The file was left there; try again.",
                path=path,
            )
        )
    if decoded.dtype == np.uint16:
        decoded = (decoded >> 8).astype(np.uint8)
    elif decoded.dtype != np.uint8:
        decoded = cv2.convertScaleAbs(decoded)
    if decoded.ndim == 2:
        decoded = cv2.cvtColor(decoded, cv2.COLOR_GRAY2BGR)
    elif decoded.shape[2] == 2:  # grey + alpha
        grey, alpha = decoded[:, :, 0], decoded[:, :, 1]
        decoded = np.dstack([grey, grey, grey, alpha])
    pixels: Pixels = np.ascontiguousarray(decoded)
    return pixels


def _remove(path: Path) -> bool:
    """Delete the portal's copy (we keep the bytes); False when the desktop would not let us."""
    try:
        path.unlink()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True
