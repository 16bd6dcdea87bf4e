"""The edits bar asks, on a keyframe, whether a redaction covers the whole recording."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from widgets.main_window import EditsBar


def test_keyframe_redactions_cover_the_recording_unless_unticked(qtbot: object) -> None:
    bar = EditsBar()
    qtbot.addWidget(bar)  # type: ignore[attr-defined]
    bar.show()
    box = bar.findChild(QCheckBox)
    assert box is not None
    bar.set_count(1, 1, keyframe=False)
    assert not box.isVisible() and bar.all_keyframes()  # a screenshot: nothing to ask
    bar.set_count(1, 0, keyframe=True)
    assert not box.isVisible()  # an annotation only: nothing is redacted
    bar.set_count(2, 1, keyframe=True)
    assert box.isVisible() and box.isChecked() and bar.all_keyframes()
    assert "every keyframe" in box.text()
    box.click()
    assert not bar.all_keyframes()
    bar.set_count(2, 1, keyframe=False)
    bar.set_count(1, 1, keyframe=True)  # another keyframe later starts from the default again
    assert bar.all_keyframes()
