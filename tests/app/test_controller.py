"""The controller with a fake capture backend: record, note, journeys, mark, measure, report."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

from desktop.app.controller import Controller
from desktop.app.settings import AppSettings
from desktop.app.tasks import run_in_background, shutdown_runner
from desktop.app.translations import install_translations
from desktop.core.capture.frame import Frame, Rect
from desktop.core.store.case import create_case
from desktop.core.store.log import scan_log
from widgets.record_bar import CaptureRequest
from widgets.values import Box, Mark

pytestmark = pytest.mark.gui


class FakeBackend:
    """A 400 x 300 screen with a big orange button and a small grey link; counts its threads."""

    name = "fake"
    threads: ClassVar[set[str]] = set()

    def grab(self, rect: Rect | None) -> Frame:
        FakeBackend.threads.add(threading.current_thread().name)
        pixels = np.full((300, 400, 3), 250, np.uint8)
        pixels[100:160, 50:350] = (34, 87, 255)  # BGR orange
        pixels[250:262, 300:340] = (170, 170, 170)
        target = rect or Rect(0, 0, 400, 300)
        crop = pixels[target.y : target.bottom, target.x : target.right]
        return Frame(np.ascontiguousarray(crop), target, 1.0, self.name)

    def close(self) -> None:
        pass


@pytest.fixture
def controller(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Controller]:
    monkeypatch.setenv("EVIDENCE_RECORDER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("EVIDENCE_RECORDER_NO_OPEN", "1")
    install_translations("en")
    made = Controller(AppSettings(data_folder=str(tmp_path / "data")), backend_factory=FakeBackend)
    yield made
    made.shutdown()


def wait(qtbot: object, condition: object, timeout: int = 20000) -> None:
    qtbot.waitUntil(condition, timeout=timeout)  # type: ignore[attr-defined]


def open_case(qtbot: object, controller: Controller, folder: Path) -> None:
    with create_case(folder, title="退订 test") as writer:
        writer.add_note("written before the window opened the case")
    controller.open_case(folder)
    wait(qtbot, lambda: controller.session is not None and len(controller.session.events) >= 3)
    # The events the writer read at open, then any it added itself, once each, in order.
    shown = [(e.seq, e.hash) for e in controller.session.events]  # type: ignore[union-attr]
    assert shown == [(e.seq, e.hash) for e in scan_log(folder / "log.jsonl").events]


def test_a_job_through_the_controller_logs_everything_in_order(
    qtbot: object, controller: Controller, tmp_path: Path
) -> None:
    folder = tmp_path / "case"
    open_case(qtbot, controller, folder)
    session = controller.session
    assert session is not None
    bar = controller.window.record_bar
    assert "退订 test" in controller.window.windowTitle()
    bar.journey_changed.emit("upgrade")
    bar.capture_requested.emit(CaptureRequest("screen"))
    wait(qtbot, lambda: any(e.type == "capture" for e in session.events))
    bar.note_submitted.emit("一步升级", False)
    bar.journey_changed.emit("downgrade")
    controller._capture_target(
        controller._target(CaptureRequest("region"), Box(0, 0, 400, 300)), False
    )
    bar.note_submitted.emit("no downgrade button", True)
    wait(qtbot, lambda: sum(e.type == "note" for e in session.events) == 3)
    events = scan_log(folder / "log.jsonl").events
    kinds = [(e.type, e.journey) for e in events if e.type in ("capture", "note", "journey")]
    assert kinds == [
        ("note", None),
        ("journey", "upgrade"),
        ("capture", "upgrade"),
        ("note", "upgrade"),
        ("journey", "downgrade"),
        ("capture", "downgrade"),
        ("note", "downgrade"),
    ]
    # The backend grabbed on the writer thread, never on the GUI thread.
    assert FakeBackend.threads and all(name.startswith("er-writer") for name in FakeBackend.threads)
    # The timeline shows every event, and the record bar the count.
    assert controller.window.timeline.model().rowCount() == len(events)
    assert controller.capture_count == 2

    # Mark and measure the second capture; the panel gets the results.
    seq = [e.seq for e in events if e.type == "capture"][-1]
    controller.window.timeline.select_seq(seq)
    wait(qtbot, lambda: controller.shown_seq == seq)
    controller.add_mark(seq, Mark("Upgrade", "promoted", Box(50, 100, 300, 60)))
    controller.add_mark(seq, Mark("Cancel", "suppressed", Box(300, 250, 40, 12)))
    controller.measure(auto=False)
    wait(qtbot, lambda: seq in controller.results)
    comparison = controller.results[seq]["comparisons"][0]
    assert comparison["asymmetric"] and comparison["area_ratio"] > 10
    assert controller.overlays[seq].endswith(".png")

    # Report through the dialog's options; it is logged through the same writer.
    dialog = controller.show_report_dialog()
    assert dialog is not None
    options = dialog.options()
    controller.build_report(options)
    wait(qtbot, lambda: any(e.type == "export" for e in session.events), 120000)
    assert Path(options.pdf_path).is_file()


def test_a_failed_capture_is_told_in_words_and_logged(
    qtbot: object, controller: Controller, tmp_path: Path
) -> None:
    from desktop.core.capture.errors import CaptureUnavailableError

    class Broken(FakeBackend):
        def grab(self, rect: Rect | None) -> Frame:
            raise CaptureUnavailableError("no display: start the program on a desktop")

    controller.backend_factory = Broken
    open_case(qtbot, controller, tmp_path / "case")
    session = controller.session
    assert session is not None
    controller._capture_target(controller._target(CaptureRequest("screen")), False)
    wait(qtbot, lambda: controller.last_error is not None)
    assert "no display" in (controller.last_error or "")
    wait(qtbot, lambda: any(e.type == "capture_failed" for e in session.events))


def test_background_work_reports_progress_and_can_be_cancelled(qtbot: object) -> None:
    seen: list[object] = []
    started = threading.Event()

    def work(context: object) -> str:
        started.set()
        for step in range(200):
            if context.cancelled():  # type: ignore[attr-defined]
                return "cancelled"
            context.progress(step, 200, "step")  # type: ignore[attr-defined]
            threading.Event().wait(0.005)
        return "finished"

    task = run_in_background(work, seen.append, on_progress=lambda d, t, s: seen.append(d))
    started.wait(5)
    task.cancel()
    wait(qtbot, lambda: "cancelled" in seen)
    assert "finished" not in seen
    shutdown_runner()


def _visible_texts(root: QWidget) -> list[str]:
    texts = [root.windowTitle()]
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        texts.append(widget.toolTip())
    menu_bar = getattr(root, "menuBar", None)
    if menu_bar is not None:
        for action in menu_bar().actions():
            texts.append(action.text())
            if action.menu() is not None:
                texts += [a.text() for a in action.menu().actions()]
    return [t for t in texts if t]


ALLOWED = {
    "PDF",
    "PNG",
    "JPEG",
    "ZIP",
    "PEM",  # certificate file formats
    "DER",
    "OCR",
    "SHA",
    "CSS",
    "WCAG",
    "URL",
    "HTTP",
    "HTTPS",
    "Ctrl",
    "Shift",
    "Alt",
    "Esc",
    "English",
    "RFC",
    "TSA",
    "QR",
    "ID",
    "DPI",
    "px",
}


def _english_words(text: str) -> list[str]:
    import re

    words = re.findall(r"[A-Za-z]{3,}", re.sub(r"https?://\S+|\{[^}]*\}|#[0-9a-f]{6}", "", text))
    return [w for w in words if w not in ALLOWED and w.upper() not in ALLOWED]


def test_the_chinese_window_and_dialogs_show_no_english(
    qtbot: object, controller: Controller, tmp_path: Path
) -> None:
    from widgets.dialogs import (
        CrashDialog,
        NewCaseDialog,
        ReportDialog,
        SettingsDialog,
        SettingsValues,
        VerifyDialog,
    )
    from widgets.viewer import MarkDialog

    install_translations("zh")
    try:
        zh = Controller(AppSettings(), language="zh", backend_factory=FakeBackend)
        window = zh.window
        assert "证据记录器" in window.windowTitle()
        roots: list[QWidget] = [
            window,
            NewCaseDialog(window, str(tmp_path)),
            ReportDialog(window, ["upgrade"]),
            VerifyDialog(window),
            SettingsDialog(window, SettingsValues()),
            CrashDialog(window, "Traceback: details stay as they are"),
            MarkDialog(window, []),
        ]
        leftovers = {}
        for root in roots:
            texts = _visible_texts(root)
            if isinstance(root, CrashDialog):
                texts = [t for t in texts if "Traceback" not in t]
            found = {t: _english_words(t) for t in texts if _english_words(t)}
            if found:
                leftovers[type(root).__name__] = found
        assert not leftovers, leftovers
        zh.shutdown()
    finally:
        install_translations("en")
        QApplication.processEvents()


def test_a_trusted_timestamp_goes_only_to_the_authority_set(
    qtbot: object, controller: Controller, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from tests.core.test_timestamp import Authority, Server, make_keys

    open_case(qtbot, controller, tmp_path / "case")
    session = controller.session
    assert session is not None
    assert controller.request_timestamp(confirmed=True) is None  # none set: nothing sent
    assert "No timestamp authority" in (controller.last_error or "")
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    server = Server(Authority(make_keys("ecdsa")))
    try:
        controller.settings = replace(controller.settings, tsa_url=server.url)
        task = controller.request_timestamp(confirmed=True)
        assert task is not None
        wait(qtbot, lambda: any(e.type == "timestamp" for e in session.events))
    finally:
        server.close()
    from desktop.core.proof.verify import verify_case

    report = verify_case(session.folder)
    assert report.ok and report.timestamps


def test_hotkeys_capture_and_pause_and_the_floating_bar(
    qtbot: object, controller: Controller, tmp_path: Path
) -> None:
    open_case(qtbot, controller, tmp_path / "case")
    session = controller.session
    assert session is not None
    controller.show_record_window()
    assert controller.record_window is not None and controller.record_window.isVisible()
    controller.hotkey("capture")
    wait(qtbot, lambda: sum(e.type == "capture" for e in session.events) == 1)
    controller.hotkey("pause")
    assert session.paused
    controller.hotkey("capture")  # ignored while paused
    qtbot.wait(500)  # type: ignore[attr-defined]
    assert sum(e.type == "capture" for e in session.events) == 1
    controller.hotkey("pause")
    assert not session.paused
    text = controller.explain_hotkeys()
    assert text  # says what works here (offscreen: nothing global, and why)


@pytest.fixture
def loopback_tsa(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[object, object]]:
    from tests.core.test_timestamp import Authority, Server, make_keys

    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    authority = Authority(make_keys("ecdsa"))
    server = Server(authority)
    yield authority, server
    server.close()


def _stamps(folder: Path) -> list[object]:
    return [e for e in scan_log(folder / "log.jsonl").events if e.type == "timestamp"]


def test_a_timestamp_ends_every_recording_session_when_settings_ask(
    qtbot: object, controller: Controller, tmp_path: Path, loopback_tsa: tuple[Any, Any]
) -> None:
    from dataclasses import replace

    authority, server = loopback_tsa
    folder = tmp_path / "case"
    open_case(qtbot, controller, folder)
    session = controller.session
    assert session is not None

    # Off (the default): an interval session ends without a word to anybody.
    controller.settings = replace(controller.settings, tsa_url=server.url)
    controller.toggle_interval(True, 0.5)
    wait(qtbot, lambda: any(e.type == "capture" for e in session.events))
    controller.toggle_interval(False, 0.5)
    wait(qtbot, lambda: not session.interval_active)
    qtbot.wait(300)  # type: ignore[attr-defined]
    assert authority.requests == [] and _stamps(folder) == []

    # On: the end of the interval session is timestamped ...
    controller.settings = replace(controller.settings, timestamp_after_session=True)
    controller.toggle_interval(True, 0.5)
    wait(qtbot, lambda: sum(e.type == "capture" for e in session.events) >= 2)
    controller.toggle_interval(False, 0.5)
    wait(qtbot, lambda: any(e.type == "timestamp" for e in session.events))
    assert len(_stamps(folder)) == 1
    # ... in words that never call the loopback authority trusted.
    wait(qtbot, lambda: "Not trusted time" in controller.window.statusBar().currentMessage())

    # ... and so is the closing of the case, when something was logged since.
    session.note("one more note")
    wait(
        qtbot,
        lambda: any(
            e.type == "note" and e.data.get("text") == "one more note" for e in session.events
        ),
    )
    controller.close_case()
    stamps = _stamps(folder)
    assert len(stamps) == 2
    assert stamps[-1].data["covers_seq"] == stamps[-1].seq - 1  # type: ignore[attr-defined]
    from desktop.core.proof.verify import verify_case

    assert verify_case(folder).ok


def test_a_failed_session_timestamp_is_told_and_loses_nothing(
    qtbot: object, controller: Controller, tmp_path: Path, loopback_tsa: tuple[Any, Any]
) -> None:
    from dataclasses import replace

    authority, server = loopback_tsa
    authority.mode = "http_500"
    folder = tmp_path / "case"
    open_case(qtbot, controller, folder)
    session = controller.session
    assert session is not None
    controller.settings = replace(
        controller.settings, tsa_url=server.url, timestamp_after_session=True
    )
    session.note("the last thing recorded")
    wait(
        qtbot,
        lambda: any(
            e.type == "note" and e.data.get("text") == "the last thing recorded"
            for e in session.events
        ),
    )
    before = (folder / "log.jsonl").read_bytes()
    controller.close_case()
    wait(qtbot, lambda: "was not obtained" in (controller.last_error or ""))
    assert "answered HTTP 500" in (controller.last_error or "")
    assert authority.requests  # it was asked, and only that authority
    assert (folder / "log.jsonl").read_bytes() == before
    assert _stamps(folder) == []
    from desktop.core.proof.verify import verify_case

    assert verify_case(folder).ok


def test_the_window_calls_a_timestamp_trusted_only_with_a_root_from_settings(
    qtbot: object, controller: Controller, tmp_path: Path, loopback_tsa: tuple[Any, Any]
) -> None:
    from dataclasses import replace

    from cryptography.hazmat.primitives import serialization

    authority, server = loopback_tsa
    open_case(qtbot, controller, tmp_path / "case")
    session = controller.session
    assert session is not None
    controller.settings = replace(controller.settings, tsa_url=server.url)
    controller.request_timestamp(confirmed=True)
    wait(qtbot, lambda: "Not trusted time" in controller.window.statusBar().currentMessage())

    root = tmp_path / "root.pem"
    root.write_bytes(authority.keys.ca_cert.public_bytes(serialization.Encoding.PEM))
    controller.settings = replace(controller.settings, tsa_roots=(str(root),))
    controller.request_timestamp(confirmed=True)
    wait(
        qtbot, lambda: "Its certificate chains to" in controller.window.statusBar().currentMessage()
    )

    controller.verify()
    dialog = controller.verify_dialog
    assert dialog is not None
    wait(qtbot, lambda: "Everything verifies" in dialog.details())
    details = dialog.details()
    assert details.count("Its certificate chains to Test Root CA") == 2  # both, now
    assert "Not trusted time" not in details


def test_a_hostile_recent_case_neither_blocks_nor_is_read_through_links(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A linked case.json, a FIFO log and no originals/ folder: the start page still comes up."""
    import os

    monkeypatch.setenv("EVIDENCE_RECORDER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("EVIDENCE_RECORDER_NO_OPEN", "1")
    folder = tmp_path / "handed-over"
    with create_case(folder, title="real title") as writer:
        writer.add_note("x")
    outside = tmp_path / "outside.json"
    outside.write_text((folder / "case.json").read_text("utf-8").replace("real title", "forged"))
    (folder / "case.json").unlink()
    (folder / "case.json").symlink_to(outside)
    (folder / "log.jsonl").unlink()
    os.mkfifo(folder / "log.jsonl")
    (folder / "originals").rmdir()
    install_translations("en")
    settings = AppSettings(data_folder=str(tmp_path / "data"), recent=(str(folder),))
    seen: list[list[object]] = []
    made = Controller(settings, backend_factory=FakeBackend)
    try:
        made._refresh_recent()  # returns: a FIFO log is never opened
        monkeypatch.setattr(made.window.start_page, "set_recent", seen.append)
        made._refresh_recent()
    finally:
        made.shutdown()
    (case,) = seen[0]
    assert "forged" not in str(case)
