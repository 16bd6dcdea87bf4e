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
