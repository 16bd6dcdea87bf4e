"""Every message a person reads exists in English and Simplified Chinese."""

from __future__ import annotations

import json
import re
import string

import pytest

from desktop.core.i18n import detect_language, set_language, tr
from resources import resource_path
from tools.messages import message_ids


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_a_chinese_translation_with_the_same_placeholders() -> None:
    catalog = json.loads(resource_path("i18n", "core_zh.json").read_text(encoding="utf-8"))
    ids = message_ids()
    assert len(ids) > 50
    missing = sorted(msgid for msgid in ids if msgid not in catalog)
    assert not missing, f"add Chinese for: {missing}"
    for msgid in ids:
        assert placeholders(catalog[msgid]) == placeholders(msgid), msgid
        assert re.search(r"[\u4e00-\u9fff]", catalog[msgid]), f"not Chinese: {catalog[msgid]}"
    stale = sorted(set(catalog) - set(ids))
    assert not stale, f"translations no message uses: {stale}"


def test_language_follows_the_setting_and_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    set_language("zh")
    assert tr("{count} problems found.", count=2) == "发现 2 个问题。"
    set_language("en")
    assert tr("{count} problems found.", count=2) == "2 problems found."
    set_language(None)
    for var in ("EVIDENCE_RECORDER_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert detect_language() == "zh"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert detect_language() == "en"
    monkeypatch.setenv("EVIDENCE_RECORDER_LANG", "zh")
    assert detect_language() == "zh"


def test_every_image_caveat_has_words_in_chinese() -> None:
    """Caveats are logged in English; the window shows them through caveat_text."""
    import re
    from pathlib import Path

    from desktop.core.analysis import image
    from desktop.core.i18n import use_language

    source = Path(image.__file__).read_text(encoding="utf-8")
    caveats = re.findall(r'caveats\.append\("([^"]+)"\)', source)
    assert len(caveats) >= 8
    with use_language("zh"):
        assert all(image.caveat_text(c) != c for c in caveats)
