"""Update, fill and compile the window's Qt translation (resources/i18n/*.ts -> .qm).

python tools/qt_translations.py update            # pyside6-lupdate over widgets/
python tools/qt_translations.py fill FILE.json..  # {"Context|source": "译文"} into the .ts
python tools/qt_translations.py release           # pyside6-lrelease -> .qm (the build runs it)
python tools/qt_translations.py check             # exit 1 if a message is unfinished
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "evidence_recorder_zh_CN.ts"
QM = TS.with_suffix(".qm")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _tool(name: str) -> str:
    from desktop.app.translations import pyside_tool

    return pyside_tool(name) or f"pyside6-{name}"


def update() -> None:
    sources = sorted(str(p) for p in (ROOT / "widgets").glob("*.py"))
    subprocess.run(
        [_tool("lupdate"), "-locations", "none", "-no-obsolete", *sources, "-ts", str(TS)],
        check=True,
    )
    tree = ET.parse(TS)
    tree.getroot().set("language", "zh_CN")
    tree.getroot().set("sourcelanguage", "en")
    tree.write(TS, encoding="utf-8", xml_declaration=True)


def messages() -> list[tuple[str, str, ET.Element]]:
    tree = ET.parse(TS)
    found = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            found.append((name, message.findtext("source", ""), message))
    return found


def fill(files: list[Path]) -> int:
    table: dict[str, str] = {}
    for path in files:
        table.update(json.loads(path.read_text("utf-8")))
    tree = ET.parse(TS)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            source = message.findtext("source", "")
            text = table.get(f"{name}|{source}")
            translation = message.find("translation")
            if text is None or translation is None:
                continue
            translation.text = text
            translation.attrib.pop("type", None)
            filled += 1
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    return filled


def unfinished() -> list[str]:
    missing = []
    for context, source, message in messages():
        translation = message.find("translation")
        if translation is None or translation.get("type") == "unfinished" or not translation.text:
            missing.append(f"{context}|{source}")
    return missing


def release() -> None:
    subprocess.run([_tool("lrelease"), "-silent", str(TS), "-qm", str(QM)], check=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "fill":
        print(f"{fill([Path(a) for a in argv[1:]])} messages filled")
    elif command == "release":
        release()
    missing = unfinished()
    for key in missing:
        print(f"unfinished: {key}")
    print(f"{len(messages())} messages, {len(missing)} unfinished")
    return 1 if command == "check" and missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
