"""Settings reach the program: the measurement levels, the record bars' target, delay, interval."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.app.controller import Controller
from desktop.app.settings import AppSettings, load_settings
from desktop.app.translations import install_translations
from tests.app.test_controller import FakeBackend, open_case, wait
from widgets.values import Box, Mark

pytestmark = pytest.mark.gui


def make_controller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **values: object
) -> Controller:
    monkeypatch.setenv("EVIDENCE_RECORDER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("EVIDENCE_RECORDER_NO_OPEN", "1")
    install_translations("en")
    settings = AppSettings(data_folder=str(tmp_path / "data"), **values)  # type: ignore[arg-type]
    return Controller(settings, backend_factory=FakeBackend)


@pytest.fixture
def controller(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Controller]:
    made = make_controller(tmp_path, monkeypatch)
    yield made
    made.shutdown()


def save_in_dialog(controller: Controller, **changes: object) -> None:
    """What OK in Settings does, with these values edited."""
    dialog = controller.show_settings()
    edited = replace(dialog.values(), **changes)  # type: ignore[arg-type]
    dialog.values = lambda: edited  # type: ignore[method-assign]
    dialog.accept()


def measured_pair(qtbot: object, controller: Controller, tmp_path: Path) -> dict[str, object]:
    """Capture the fake screen, mark its big and its small control, measure: the comparison."""
    open_case(qtbot, controller, tmp_path / "case")
    session = controller.session
    assert session is not None
    controller._capture_target(
        controller._target(controller.window.record_bar.capture_request()), False
    )
    wait(qtbot, lambda: any(e.type == "capture" for e in session.events))
    seq = [e.seq for e in session.events if e.type == "capture"][-1]
    controller.window.timeline.select_seq(seq)
    wait(qtbot, lambda: controller.shown_seq == seq)
    controller.add_mark(seq, Mark("Upgrade", "promoted", Box(50, 100, 300, 60)))
    controller.add_mark(seq, Mark("Cancel", "suppressed", Box(300, 250, 40, 12)))
    controller.measure(auto=False)
    wait(qtbot, lambda: seq in controller.results)
    return controller.results[seq]


def test_a_new_area_level_in_settings_is_the_next_analysis_level(
    qtbot: object, controller: Controller, tmp_path: Path
) -> None:
    save_in_dialog(controller, area_ratio_threshold=500.0, weight_ratio_threshold=400.0)
    result = measured_pair(qtbot, controller, tmp_path)
    levels = result["parameters"]["levels"]  # type: ignore[index]
    assert levels["area_ratio"] == 500.0
    assert levels["visual_weight_ratio"] == 400.0
    comparison = result["comparisons"][0]  # type: ignore[index]
    assert comparison["area_ratio"] > 10  # 37 times larger, and still under the level set
    assert "at least 500" in str(comparison["statements"]), comparison
    # The saved file holds the levels too, so the next start measures the same way.
    assert load_settings().area_ratio_threshold == 500.0


def test_the_levels_saved_earlier_are_used_from_the_start(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    controller = make_controller(tmp_path, monkeypatch, area_ratio_threshold=3.5)
    try:
        result = measured_pair(qtbot, controller, tmp_path)
        assert result["parameters"]["levels"]["area_ratio"] == 3.5  # type: ignore[index]
    finally:
        controller.shutdown()


def test_the_saved_capture_target_delay_and_interval_are_the_record_bar_s(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    controller = make_controller(
        tmp_path, monkeypatch, capture_target="region", delay_seconds=3, interval_seconds=7.5
    )
    try:
        bar = controller.window.record_bar
        request = bar.capture_request()
        assert request.target == "region"
        assert bar.delay_spin.value() == 3
        assert bar.interval_spin.value() == 7.5
        controller.show_record_window()
        floating = controller.record_window.bar  # type: ignore[union-attr]
        assert floating.capture_request().target == "region"
        assert (floating.delay_spin.value(), floating.interval_spin.value()) == (3, 7.5)
    finally:
        controller.shutdown()


def test_target_delay_and_interval_saved_in_settings_take_effect_at_once(
    qtbot: object, controller: Controller
) -> None:
    controller.show_record_window()
    save_in_dialog(controller, capture_target="window", delay_seconds=5, interval_seconds=12.0)
    floating = controller.record_window.bar  # type: ignore[union-attr]
    for bar in (controller.window.record_bar, floating):
        assert bar.capture_request().target == "window"
        assert bar.delay_spin.value() == 5
        assert bar.interval_spin.value() == 12.0


def test_a_saved_monitor_is_chosen_once_the_monitors_are_known(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    controller = make_controller(tmp_path, monkeypatch, capture_target="monitor")
    try:
        controller.show()
        request = controller.window.record_bar.capture_request()
        assert (request.target, request.monitor_index) == ("monitor", 1)
    finally:
        controller.shutdown()
