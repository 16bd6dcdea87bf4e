"""Messages a person reads from the core and the CLI, in English and Simplified Chinese."""

from __future__ import annotations

import json
import locale
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from resources import resource_path

SUPPORTED = ("en", "zh")
_language: str | None = None
_this_thread = threading.local()  # a language used for a while by one thread only


def detect_language() -> str:
    """The language from EVIDENCE_RECORDER_LANG, then the usual locale variables."""
    for var in ("EVIDENCE_RECORDER_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "zh" if code.lower().startswith(("zh", "chinese")) else "en"


def set_language(language: str | None) -> None:
    """Choose "en" or "zh"; None goes back to detection."""
    global _language
    if language is not None and language not in SUPPORTED:
        raise ValueError(f"language must be one of {SUPPORTED}")
    _language = language


def current_language() -> str:
    override: str | None = getattr(_this_thread, "language", None)
    return override or _language or detect_language()


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Messages in `language` for this thread while the block runs (reports in both)."""
    if language not in SUPPORTED:
        raise ValueError(f"language must be one of {SUPPORTED}")
    previous = getattr(_this_thread, "language", None)
    _this_thread.language = language
    try:
        yield
    finally:
        _this_thread.language = previous


@cache
def _catalog(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    path = resource_path("i18n", f"core_{language}.json")
    with path.open(encoding="utf-8") as handle:
        loaded: dict[str, str] = json.load(handle)
    return loaded


def tr(msgid: str, /, **values: Any) -> str:
    """The message in the current language, with {placeholders} filled in."""
    text = _catalog(current_language()).get(msgid, msgid)
    return text.format(**values) if values else text
