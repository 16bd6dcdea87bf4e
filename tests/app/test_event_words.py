"""Every event type the log can hold has a timeline word, a symbol and Chinese words."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from desktop.app.translations import install_translations
from desktop.vocab import CAPTURES, EventType
from widgets.timeline import TimelineDelegate, kind_symbol

_CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def delegate(qtbot: QtBot) -> Iterator[TimelineDelegate]:
    yield TimelineDelegate()
    install_translations("en")


@pytest.mark.parametrize("event_type", list(EventType))
def test_every_event_type_has_a_word_and_a_symbol_in_both_languages(
    delegate: TimelineDelegate, event_type: EventType
) -> None:
    install_translations("en")
    delegate.retranslate()
    english = delegate.kind_word(event_type)
    # kind_word falls back to the logged name itself ("capture unchanged"): that is no word.
    assert english != event_type.value.replace("_", " ")
    assert not _CHINESE.search(english)
    if event_type not in CAPTURES:  # captures show their thumbnail instead
        assert kind_symbol(event_type) != "•"
    install_translations("zh")
    delegate.retranslate()
    chinese = delegate.kind_word(event_type)
    assert _CHINESE.search(chinese), (event_type, chinese)


def test_an_unchanged_screen_row_is_named_and_drawn(delegate: TimelineDelegate) -> None:
    install_translations("zh")
    delegate.retranslate()
    assert delegate.kind_word("capture_unchanged") == "画面未变"
    assert kind_symbol("capture_unchanged") == "＝"
