"""desktop/app has no import cycle: the controller never reaches back into main."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

_SPEC = importlib.util.find_spec("desktop.app")
assert _SPEC is not None and _SPEC.submodule_search_locations
APP = Path(next(iter(_SPEC.submodule_search_locations)))


def imported(path: Path, *, module_level: bool) -> set[str]:
    """The desktop.app modules a file imports (only its top-level statements, or all)."""
    tree = ast.parse(path.read_text("utf-8"))
    nodes = tree.body if module_level else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name.removeprefix("desktop.app.") for name in names if name.startswith("desktop.app.")}


def test_controller_and_main_do_not_import_each_other() -> None:
    main = imported(APP / "main.py", module_level=True)
    controller = imported(APP / "controller.py", module_level=False)  # not even inside a method
    assert "main" not in controller, "the controller imports desktop.app.main"
    assert "controller" not in main or "main" not in controller


def test_no_module_of_desktop_app_imports_itself_back_at_module_level() -> None:
    graph = {path.stem: imported(path, module_level=True) for path in APP.glob("*.py")}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for name in graph.get(start, set()):
            if name == goal or (name not in seen and reaches(name, goal, seen | {name})):
                return True
        return False

    cycles = sorted(name for name in graph if reaches(name, name, {name}))
    assert cycles == [], f"import cycles through {cycles}"


def test_the_crash_dialog_and_the_self_test_live_outside_main() -> None:
    crash = imported(APP / "crash.py", module_level=False)
    selftest = imported(APP / "selftest.py", module_level=False)
    assert "main" not in crash and "main" not in selftest
    assert "controller" not in crash  # the controller imports the crash dialog, not back
