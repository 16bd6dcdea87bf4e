"""desktop/vocab.py spells the program's names and depends on nothing."""

from __future__ import annotations

import ast
from pathlib import Path

from desktop import vocab
from desktop.vocab import CAPTURES, EDITS, ORIGINAL_EVENTS, WITHDRAWABLE, EventType

ROOT = Path(__file__).resolve().parents[1]


def test_vocab_imports_only_the_enum_module() -> None:
    tree = ast.parse((ROOT / "desktop" / "vocab.py").read_text("utf-8"))
    imports = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
    assert [(type(n).__name__, getattr(n, "module", None)) for n in imports] == [
        ("ImportFrom", "enum")
    ]
    assert [alias.name for alias in imports[0].names] == ["StrEnum"]
    calls = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert "__import__" not in calls and "exec" not in calls


def test_the_names_equal_the_bytes_the_log_holds() -> None:
    assert str(EventType.CAPTURE_UNCHANGED) == "capture_unchanged"
    assert f"{EventType.VIDEO_FRAME}" == "video_frame"
    assert {"capture", "import", "video_frame"} == CAPTURES
    assert {"capture", "import"} == ORIGINAL_EVENTS
    assert {"capture", "import", "note"} == WITHDRAWABLE
    assert {"redaction", "annotation"} == EDITS
    assert str(vocab.Role.PROMOTED) == "promoted" and str(vocab.TargetKind.REGION) == "region"


def _bare_event_types(path: Path) -> list[str]:
    """Places in a module that write or compare an event type spelled as a bare string."""
    names = {t.value for t in EventType}
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            first = node.args[0] if node.args else None
            if node.func.attr in ("add", "commit_originals") and isinstance(first, ast.Constant):
                found.append(f"{path}:{node.lineno} {node.func.attr}({first.value!r})")
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute):
            if node.left.attr != "type":
                continue
            for right in node.comparators:
                items = right.elts if isinstance(right, ast.Tuple | ast.Set) else [right]
                for item in items:
                    if isinstance(item, ast.Constant) and item.value in names:
                        found.append(f"{path}:{node.lineno} .type compared with {item.value!r}")
    return found


def test_no_module_spells_an_event_type_as_a_bare_string() -> None:
    modules = sorted((ROOT / "desktop").rglob("*.py")) + sorted((ROOT / "widgets").rglob("*.py"))
    assert [hit for path in modules for hit in _bare_event_types(path)] == []
