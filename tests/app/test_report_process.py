"""Reports built in a spawned process: the same bytes as in-process, progress, and cancel."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.app.report_process import build_report_in_process
from desktop.core.export.pdf import ReportCancelledError, build_report
from desktop.core.ingest.images import import_files
from desktop.core.store.case import CaseWriter
from tests.conftest import image_bytes


@pytest.fixture
def filled(case: CaseWriter, tmp_path: Path) -> CaseWriter:
    files = []
    for seed in range(3):
        path = tmp_path / f"shot-{seed}.png"
        path.write_bytes(image_bytes("PNG", seed=seed))
        files.append(path)
    import_files(case, files)
    return case


def test_the_child_process_builds_the_same_pdf_and_reports_progress(
    filled: CaseWriter, tmp_path: Path
) -> None:
    steps: list[tuple[int, int]] = []
    result = build_report_in_process(
        filled.folder,
        tmp_path / "child.pdf",
        language="zh",
        exhibit_prefix="B",
        bates_start=None,
        journeys=None,
        progress=lambda done, total: steps.append((done, total)),
        cancelled=lambda: False,
    )
    here = build_report(filled.folder, tmp_path / "here.pdf", language="zh", exhibit_prefix="B")
    assert result.path.read_bytes() == here.path.read_bytes()
    assert result.sha256 == here.sha256 and steps and steps[-1][0] == steps[-1][1]


def test_cancel_stops_the_child_and_leaves_no_file(filled: CaseWriter, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    with pytest.raises(ReportCancelledError):
        build_report_in_process(
            filled.folder,
            out,
            language="en",
            exhibit_prefix="A",
            bates_start=None,
            journeys=None,
            progress=lambda done, total: None,
            cancelled=lambda: True,
        )
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report.pdf")]
