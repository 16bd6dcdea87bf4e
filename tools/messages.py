"""List the messages passed to tr() in the program, and which lack a Chinese translation."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "resources" / "i18n" / "core_zh.json"


def message_ids(root: Path = ROOT) -> dict[str, str]:
    """Every literal first argument of tr(...) under desktop/, with where it was found."""
    found: dict[str, str] = {}
    for path in sorted((root / "desktop").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.relative_to(root)}:{node.lineno}")
    return found


def main() -> int:
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    missing = {msgid: where for msgid, where in message_ids().items() if msgid not in catalog}
    json.dump(missing, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
