"""The installer recipes: build.spec, the icon, the .desktop file, Info.plist, the Inno script.

Fast checks without a PyInstaller build (CI builds and smoke-tests the real bundle with
tools/smoke_bundle.py).
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import plistlib
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"
PACKAGING = ROOT / "packaging"


def _spec() -> ast.Module:
    return ast.parse(SPEC.read_text("utf-8"), filename=str(SPEC))


def _constants(tree: ast.Module) -> dict[str, Any]:
    """Module-level NAME = <literal> assignments of the spec."""
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return found


def _calls(tree: ast.Module, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
    ]


def _keyword(call: ast.Call, name: str) -> ast.expr:
    return next(k.value for k in call.keywords if k.arg == name)


def test_spec_builds_a_windowed_gui_and_a_console_cli_in_one_folder() -> None:
    tree = _spec()
    constants = _constants(tree)
    executables = {}
    for call in _calls(tree, "EXE"):
        name = _keyword(call, "name")
        assert isinstance(name, ast.Name)
        console = _keyword(call, "console")
        assert isinstance(console, ast.Constant)
        executables[constants[name.id]] = console.value
    assert executables == {"evidence-recorder": False, "evidence-recorder-cli": True}
    # One folder: the executables leave their libraries to COLLECT.
    common = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == "common"
    )
    assert isinstance(common, ast.Call)
    exclude_binaries = _keyword(common, "exclude_binaries")
    assert isinstance(exclude_binaries, ast.Constant) and exclude_binaries.value is True
    assert len(_calls(tree, "COLLECT")) == 1


def test_spec_leaves_out_other_qt_bindings_and_unused_qt_modules() -> None:
    tree = _spec()
    excludes = _constants(tree)["EXCLUDES"]
    assert {"PyQt5", "PyQt6", "PySide2"} <= set(excludes)
    assert {"PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtWebEngineCore"} <= set(excludes)
    used = {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg"}
    assert not used & set(excludes)
    (analysis,) = _calls(tree, "Analysis")
    passed = _keyword(analysis, "excludes")
    assert isinstance(passed, ast.Name) and passed.id == "EXCLUDES"


def test_every_resource_the_spec_ships_exists() -> None:
    resources = _constants(_spec())["RESOURCES"]
    for entry in resources:
        path = ROOT / "resources" / entry
        if path.suffix == ".qm":  # compiled from the .ts by the build
            path = path.with_suffix(".ts")
        assert path.exists(), entry


def test_entry_script_picks_the_program_by_executable_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import desktop.app.main
    import desktop.cli

    spec = importlib.util.spec_from_file_location("frozen_entry", PACKAGING / "entry.py")
    assert spec is not None and spec.loader is not None
    entry = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(entry)
    monkeypatch.setattr(desktop.cli, "main", lambda: "cli")
    monkeypatch.setattr(desktop.app.main, "main", lambda: "window")
    monkeypatch.setattr(sys, "executable", "/opt/er/evidence-recorder-cli")
    assert entry.main() == "cli"
    monkeypatch.setattr(sys, "executable", r"C:\Programs\Evidence Recorder\evidence-recorder.exe")
    assert entry.main() == "window"


def test_desktop_file_names_the_program_in_english_and_chinese() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(PACKAGING / "linux" / "evidence-recorder.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Name"] == "Evidence Recorder"
    assert entry["Name[zh_CN]"] == "证据记录器"
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "evidence-recorder"
    # Qt reports this id to Wayland (setDesktopFileName), so the icon and file name match it.
    assert entry["Icon"] == "evidence-recorder"
    assert entry["Categories"].endswith(";")


def test_info_plist_explains_screen_recording_and_accessibility() -> None:
    with (PACKAGING / "macos" / "Info.plist").open("rb") as handle:
        info = plistlib.load(handle)
    for key in ("NSScreenCaptureUsageDescription", "NSAccessibilityUsageDescription"):
        assert "Evidence Recorder" in info[key]
    assert info["CFBundleDisplayName"] == "Evidence Recorder"
    assert info["LSBackgroundOnly"] is False  # a Dock app, although the CLI is a console program
    chinese = (PACKAGING / "macos" / "zh_Hans.lproj" / "InfoPlist.strings").read_text("utf-8")
    strings = dict(re.findall(r'^"(\w+)" = "(.*)";$', chinese, flags=re.MULTILINE))
    assert strings["CFBundleDisplayName"] == "证据记录器"
    assert "证据记录器" in strings["NSScreenCaptureUsageDescription"]
    assert "NSAccessibilityUsageDescription" in strings


def test_inno_script_installs_per_user_without_administrator() -> None:
    script = (PACKAGING / "windows" / "evidence-recorder.iss").read_text("utf-8-sig")
    setup = script.split("[Setup]", 1)[1].split("\n[", 1)[0]
    directives = dict(
        line.strip().split("=", 1) for line in setup.splitlines() if re.match(r"^\w+=", line)
    )
    assert directives["PrivilegesRequired"] == "lowest"
    assert directives["DefaultDirName"].startswith(r"{localappdata}\Programs")
    assert directives["AppName"] == "{#AppName}"
    assert '#define AppName "Evidence Recorder"' in script
    assert "证据记录器" in script


def test_build_icons_renders_visible_pngs_ico_and_icns(tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_icons.py"), str(tmp_path)],
        check=True,
        env=env,
        capture_output=True,
        timeout=120,
    )
    for size in (16, 256):
        image = Image.open(tmp_path / f"evidence-recorder-{size}.png").convert("RGBA")
        assert image.size == (size, size)
        pixels = np.asarray(image).reshape(-1, 4).astype(int)
        opaque = pixels[pixels[:, 3] > 200]
        assert len(opaque) > 0.4 * size * size, f"{size} px is mostly empty"
        assert (pixels[:, 3] == 0).any(), f"{size} px has no transparent margin"
        r, g, b = opaque[:, 0], opaque[:, 1], opaque[:, 2]
        # The page's dark outline, the white page and the red record dot all survive.
        assert ((r < 80) & (g < 100) & (b > 60)).any(), f"{size} px: no dark outline"
        assert ((r > 240) & (g > 240) & (b > 240)).any(), f"{size} px: no white page"
        assert ((r > 180) & (g < 110) & (b < 110)).any(), f"{size} px: no red dot"
    ico = Image.open(tmp_path / "evidence-recorder.ico")
    assert {(16, 16), (256, 256)} <= set(ico.info["sizes"])
    icns = Image.open(tmp_path / "evidence-recorder.icns")
    assert icns.size == (1024, 1024)
