"""Redaction removes recognised text too: from the log, PDFs, overlays, panels, CLI and bundles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from desktop.core.analysis.record import analyze_capture
from desktop.core.analysis.text import TEXT_KIND, shown_analysis, text_entry
from desktop.core.edit.redact import Edit, edit_capture, redactions_by_capture, withheld_files
from desktop.core.export.bundle import export_bundle, verify_bundle
from desktop.core.export.model import build_model
from desktop.core.export.pdf import build_report
from desktop.core.ingest.images import import_files
from desktop.core.store.case import CaseWriter, named_files
from desktop.core.store.log import Event, scan_log
from resources import resource_path

SECRET = "Cancel plan 4242-9999"
DIGITS = "4242-9999"  # with the dash: no SHA-256 or random hex name can hold it
WIDTH, HEIGHT = 720, 640
# Where the secret is drawn (centre) and a rectangle a person would drag over it.
SECRET_CENTRE = (360, 480)
SECRET_REDACTION = (200, 455, 320, 50)
SECRET_INK = (150, 150, 150)
ROOT = Path(__file__).resolve().parents[2]


def cancel_screen(path: Path) -> Path:
    """A phone screen: a big red "Keep Premium" button and a small grey cancel link."""
    font = ImageFont.truetype(str(resource_path("fonts", "DejaVuSans.ttf")), 28)
    small = ImageFont.truetype(str(resource_path("fonts", "DejaVuSans.ttf")), 22)
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((60, 300, 660, 400), 16, fill=(230, 57, 70))
    draw.text((360, 350), "Keep Premium", font=font, fill="white", anchor="mm")
    draw.text(SECRET_CENTRE, SECRET, font=small, fill=SECRET_INK, anchor="mm")
    image.save(path)
    return path


def measured_case(case: CaseWriter, tmp_path: Path) -> int:
    """Import the screen and measure it with real OCR; the sequence number of the import."""
    seq = import_files(case, [cancel_screen(tmp_path / "plan.png")]).events[0].seq
    recorded = analyze_capture(case, seq, None)
    labels = {c.spec.label for c in recorded.result.controls}
    assert SECRET in labels, labels  # OCR read it, so there is something to leak
    return seq


def redact_secret(case: CaseWriter, seq: int, **options: Any) -> Event:
    return edit_capture(case, seq, [Edit("redact", *SECRET_REDACTION)], "account number", **options)


def events_of(case: CaseWriter) -> list[Event]:
    return scan_log(case.log.path).events


def last_analysis(case: CaseWriter) -> Event:
    return [e for e in events_of(case) if e.type == "analysis"][-1]


def pdf_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EVIDENCE_RECORDER_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args], capture_output=True, text=True, env=env
    )


# --- the log holds no recognised text ----------------------------------------------------------


def test_recognised_text_is_kept_in_a_hashed_file_not_in_the_log(
    case: CaseWriter, tmp_path: Path
) -> None:
    seq = measured_case(case, tmp_path)
    log_text = case.log.path.read_text("utf-8")
    assert DIGITS not in log_text and "Keep Premium" not in log_text
    analysis = last_analysis(case)
    entry = text_entry(analysis)
    assert entry is not None and entry["kind"] == TEXT_KIND
    assert entry["path"].startswith(f"derived/{seq:06d}-ocr-") and entry["path"].endswith(".json")
    stored = json.loads((case.folder / entry["path"]).read_text("utf-8"))
    assert SECRET in [c["label"] for c in stored["controls"]]
    assert any(DIGITS in line["text"] for line in stored["lines"])
    # Boxes, numbers, roles and ids stay in the log.
    controls = analysis.data["result"]["controls"]
    assert {c["role"] for c in controls} == {"promoted", "suppressed"}
    assert all(len(c["hint"]) == 4 and c["visual_weight"] > 0 for c in controls)
    # Readers put the text back from the file.
    shown = shown_analysis(case.folder, analysis)
    assert shown.text == "file"
    assert SECRET in [c["label"] for c in shown.document["controls"]]
    assert any(SECRET in s for s in shown.document["comparisons"][0]["statements"])


def test_a_missing_or_changed_text_file_reads_as_text_unavailable(
    case: CaseWriter, tmp_path: Path
) -> None:
    measured_case(case, tmp_path)
    entry = text_entry(last_analysis(case))
    assert entry is not None
    path = case.folder / entry["path"]
    os.chmod(path, 0o644)
    path.write_bytes(path.read_bytes().replace(b"4242", b"1111"))
    shown = shown_analysis(case.folder, last_analysis(case))
    assert shown.text == "unavailable"
    assert {c["label"] for c in shown.document["controls"]} == {"[text unavailable]"}
    path.unlink()
    assert shown_analysis(case.folder, last_analysis(case)).text == "unavailable"
    pdf = build_report(case.folder, out=tmp_path / "report.pdf").path
    text = pdf_text(pdf)
    assert "[text unavailable]" in text and "1111" not in text


# --- after a redaction, the text is gone everywhere --------------------------------------------


def redaction_boxes(rgb: np.ndarray[Any, Any]) -> list[tuple[int, int, int, int]]:
    """Solid black rectangles shaped like the redaction (320 x 50) on a rendered page."""
    import cv2

    black = (rgb.sum(axis=2) < 60).astype(np.uint8)
    count, _labels, stats, _centres = cv2.connectedComponentsWithStats(black, connectivity=4)
    found = []
    for x, y, w, h, area in stats[1:count]:
        ratio = SECRET_REDACTION[2] / SECRET_REDACTION[3]
        if h >= 4 and 0.8 * ratio <= w / h <= 1.25 * ratio and area >= 0.9 * w * h:
            found.append((int(x), int(y), int(w), int(h)))
    return found


def rendered_pages_show_black_and_no_secret(pdf: Path, tmp_path: Path) -> None:
    """Render every page; the capture's pages show the black box, and OCR reads no secret."""
    from desktop.core.analysis.ocr import recognize

    out = tmp_path / "pages"
    out.mkdir()
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(out / "p")], check=True)
    read = []
    for page in sorted(out.iterdir()):
        rgb = np.asarray(Image.open(page).convert("RGB"), dtype=np.uint8)
        if redaction_boxes(rgb):
            read += [line.text for line in recognize(rgb)]
    assert read, "no page shows the filled redaction"
    assert any("Keep" in text for text in read), read  # OCR does read the rendered capture
    assert not any(DIGITS in text for text in read), read


def test_after_redaction_the_text_is_in_no_pdf_bundle_member_or_panel(
    case: CaseWriter, tmp_path: Path
) -> None:
    seq = measured_case(case, tmp_path)
    early_pdf = tmp_path / "before.pdf"
    build_report(case.folder, out=early_pdf)
    assert DIGITS in pdf_text(early_pdf)  # the test can see the text when it is there
    redact_secret(case, seq)

    pdf = build_report(case.folder, out=tmp_path / "after.pdf").path
    text = pdf_text(pdf)
    assert DIGITS not in text and "Keep Premium" in text and "[redacted]" in text
    rendered_pages_show_black_and_no_secret(pdf, tmp_path)
    # No image in the PDF carries the words either: OCR every embedded image.
    from desktop.core.analysis.ocr import recognize

    images = tmp_path / "images"
    images.mkdir()
    subprocess.run(["pdfimages", "-png", str(pdf), str(images / "i")], check=True)
    read = [
        line.text
        for path in sorted(images.iterdir())
        for line in recognize(np.asarray(Image.open(path).convert("RGB"), dtype=np.uint8))
    ]
    assert any("Keep" in t for t in read), read  # OCR does read these images
    assert not any(DIGITS in t or "Cancel" in t for t in read), read

    # The panel the window shows (and every other reader) gets the document without the text.
    model = build_model(case.folder)
    entry = next(c for c in model.captures if c.seq == seq)
    assert entry.text == "file"
    assert DIGITS not in json.dumps(entry.result, ensure_ascii=False)

    bundle = export_bundle(case, tmp_path / "bundle.zip").path
    unzipped = tmp_path / "unzipped"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(unzipped)
    grep = subprocess.run(["grep", "-rla", DIGITS, str(unzipped)], capture_output=True, text=True)
    assert grep.returncode == 1, grep.stdout  # 1: no member holds it
    report = verify_bundle(bundle)
    assert report.ok, report.problems
    withheld = withheld_files(events_of(case))
    assert text_entry(last_analysis(case))["path"] in withheld  # type: ignore[index]


def test_measuring_a_redacted_capture_again_keeps_no_redacted_text(
    case: CaseWriter, tmp_path: Path
) -> None:
    seq = measured_case(case, tmp_path)
    redact_secret(case, seq)
    recorded = analyze_capture(case, seq, None)
    # What the CLI prints comes from this result: no redacted text in it.
    assert all(
        DIGITS not in (c.spec.label + (c.spec.ocr_text or "")) for c in recorded.result.controls
    )
    assert not any(DIGITS in s for c in recorded.result.comparisons for s in c.statements["en"])
    entry = text_entry(recorded.event)
    assert entry is not None
    assert DIGITS not in (case.folder / entry["path"]).read_text("utf-8")
    # Made after the last redaction and clean, this text file ships; the overlay does not.
    withheld = withheld_files(events_of(case))
    assert entry["path"] not in withheld
    assert named_files(recorded.event)[0].path in withheld
    with Image.open(recorded.overlay_path) as overlay:
        read = " ".join(
            line.text
            for line in __import__("desktop.core.analysis.ocr", fromlist=["recognize"]).recognize(
                np.asarray(overlay.convert("RGB"), dtype=np.uint8)[:, WIDTH:]
            )
        )
    assert "Keep" in read and DIGITS not in read, read


def test_cli_analyze_and_log_print_no_redacted_text(case: CaseWriter, tmp_path: Path) -> None:
    seq = measured_case(case, tmp_path)
    case.close()
    done = cli(
        "redact",
        str(case.folder),
        "--capture",
        str(seq),
        "--rect",
        ",".join(map(str, SECRET_REDACTION)),
        "--reason",
        "account number",
    )
    assert done.returncode == 0, done.stderr
    for args in (
        ("analyze", str(case.folder), "--capture", str(seq)),
        ("analyze", str(case.folder), "--capture", str(seq), "--json"),
        ("log", str(case.folder)),
        ("log", str(case.folder), "--json"),
    ):
        done = cli(*args)
        assert done.returncode == 0, done.stderr
        assert DIGITS not in done.stdout, (args, done.stdout)
    assert "Keep Premium" in cli("analyze", str(case.folder), "--capture", str(seq)).stdout


def test_a_case_with_text_inline_in_its_log_still_reads_and_hides_it(
    case: CaseWriter, tmp_path: Path
) -> None:
    """Cases made before text files: the text is in the log; readers hide the redacted part."""
    measured_case(case, tmp_path)
    analysis = last_analysis(case)
    stored = json.loads((case.folder / text_entry(analysis)["path"]).read_text("utf-8"))  # type: ignore[index]
    old = dict(analysis.data)
    result = json.loads(json.dumps(old["result"]))
    labels = {c["id"]: c for c in stored["controls"]}
    for control in result["controls"]:
        control["label"] = labels[control["id"]]["label"]
        control["ocr_text"] = labels[control["id"]]["ocr_text"]
    result["comparisons"][0]["statements"] = stored["comparisons"][0]["statements"]
    old_event = Event(
        **{**analysis.__dict__, "data": {**old, "result": result, "files": old["files"][:1]}}
    )
    shown = shown_analysis(case.folder, old_event)
    assert shown.text == "logged" and SECRET in json.dumps(shown.document)
    rects = [SECRET_REDACTION]
    hidden = shown_analysis(case.folder, old_event, rects)
    assert DIGITS not in json.dumps(hidden.document, ensure_ascii=False)
    assert "Keep Premium" in json.dumps(hidden.document)


# --- screen recordings: one keyframe's redaction covers the recording --------------------------


def recording(case: CaseWriter, tmp_path: Path, frames: int = 3) -> list[int]:
    """A short screen recording of the cancel screen, imported; its keyframes' seqs."""
    import cv2

    screen = np.asarray(Image.open(cancel_screen(tmp_path / "frame.png")).convert("RGB"))
    video = tmp_path / "screen.mp4"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"mp4v"), 5, (WIDTH, HEIGHT))
    for index in range(frames * 10):
        frame = screen.copy()
        part = index // 10  # a new scene every 2 s: a big change in the top band
        frame[:200, :] = (40 * part, 200 - 60 * part, 90)
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    import_files(case, [video])
    keyframes = [e.seq for e in events_of(case) if e.type == "video_frame"]
    assert len(keyframes) >= 2, keyframes
    return keyframes


def test_redacting_one_keyframe_redacts_every_keyframe_of_the_recording(
    case: CaseWriter, tmp_path: Path
) -> None:
    keyframes = recording(case, tmp_path)
    event = redact_secret(case, keyframes[0])
    scope = event.data["keyframes"]
    assert scope["scope"] == "recording" and scope["frames"] == keyframes and scope["why"]
    redacted = redactions_by_capture(events_of(case))
    assert all(redacted.get(seq) == [SECRET_REDACTION] for seq in keyframes)
    withheld = withheld_files(events_of(case))
    for seq in keyframes:
        frame = next(e for e in events_of(case) if e.seq == seq)
        assert named_files(frame)[0].path in withheld
    pdf = build_report(case.folder, out=tmp_path / "report.pdf").path
    pages = tmp_path / "pages"
    pages.mkdir()
    subprocess.run(["pdfimages", "-png", str(pdf), str(pages / "i")], check=True)
    grey = 0
    for path in pages.iterdir():
        rgb = np.asarray(Image.open(path).convert("RGB")).astype(int)
        grey += int((np.abs(rgb - np.array(SECRET_INK)).sum(axis=2) < 30).sum())
    assert grey < 20, grey  # no keyframe shows the grey link's ink
    assert "every keyframe of recording" in " ".join(pdf_text(pdf).split())
    bundle = export_bundle(case, tmp_path / "bundle.zip").path
    assert verify_bundle(bundle).ok
    log_line = cli("log", str(case.folder)).stdout
    assert "every keyframe" in log_line


def test_this_frame_only_redacts_just_that_keyframe(case: CaseWriter, tmp_path: Path) -> None:
    keyframes = recording(case, tmp_path)
    event = redact_secret(case, keyframes[0], all_keyframes=False)
    assert event.data["keyframes"]["scope"] == "frame"
    redacted = redactions_by_capture(events_of(case))
    assert set(redacted) == {keyframes[0]}


def test_cli_redact_this_frame_only(case: CaseWriter, tmp_path: Path) -> None:
    keyframes = recording(case, tmp_path)
    case.close()
    rect = ",".join(map(str, SECRET_REDACTION))
    done = cli(
        "redact",
        str(case.folder),
        "--capture",
        str(keyframes[1]),
        "--rect",
        rect,
        "--reason",
        "account",
        "--this-frame-only",
    )
    assert done.returncode == 0, done.stderr
    assert "this keyframe only" in done.stdout
    done = cli(
        "redact",
        str(case.folder),
        "--capture",
        str(keyframes[0]),
        "--rect",
        rect,
        "--reason",
        "account",
    )
    assert done.returncode == 0, done.stderr
    assert "every keyframe" in done.stdout
    events = scan_log(case.folder / "log.jsonl").events
    scopes = [e.data["keyframes"]["scope"] for e in events if e.type == "redaction"]
    assert scopes == ["frame", "recording"]


def test_a_text_file_outside_the_case_linked_or_malformed_is_never_read(
    case: CaseWriter, tmp_path: Path
) -> None:
    """A doctored analysis event naming a file elsewhere gets "[text unavailable]", no crash."""
    import hashlib

    measured_case(case, tmp_path)
    analysis = last_analysis(case)
    entry = text_entry(analysis)
    assert entry is not None
    outside = tmp_path / "outside.json"
    outside.write_bytes((case.folder / entry["path"]).read_bytes())
    link = case.folder / "derived" / "link.json"
    link.symlink_to(outside)
    nested = case.folder / "derived" / "nested.json"
    nested.write_bytes(b"[" * 100000 + b"]" * 100000)
    nan = case.folder / "derived" / "nan.json"
    nan.write_bytes(b'{"kind": "ocr_text", "controls": [{"id": "c1", "label": NaN}]}')
    for path in (
        str(outside),
        "../outside.json",
        "derived/link.json",
        "derived/nested.json",
        "derived/nan.json",
    ):
        target = Path(path) if path.startswith("/") else case.folder / path
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
        files = [{**entry, "path": path, "sha256": digest}]
        doctored = Event(**{**analysis.__dict__, "data": {**analysis.data, "files": files}})
        shown = shown_analysis(case.folder, doctored)
        assert shown.text == "unavailable", path
        assert DIGITS not in json.dumps(shown.document, ensure_ascii=False)


def test_an_older_case_with_text_in_its_log_hides_it_in_reports_and_says_the_log_keeps_it(
    case: CaseWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured the old way (text inline in the log): reports hide it, redact warns plainly."""
    from desktop.core.analysis import text

    monkeypatch.setattr(text, "logged_document", lambda result: result.as_data())
    monkeypatch.setattr(text, "text_document", lambda result, hidden=(): None)
    seq = measured_case(case, tmp_path)
    monkeypatch.undo()
    assert DIGITS in case.log.path.read_text("utf-8")  # the old way
    assert text_entry(last_analysis(case)) is None
    case.close()
    rect = ",".join(map(str, SECRET_REDACTION))
    done = cli("redact", str(case.folder), "--capture", str(seq), "--rect", rect, "--reason", "x")
    assert done.returncode == 0, done.stderr
    assert "warning:" in done.stdout and "log in a bundle still holds it" in done.stdout
    pdf = build_report(case.folder, out=tmp_path / "report.pdf").path
    words = pdf_text(pdf)
    assert DIGITS not in words and "Keep Premium" in words and "[redacted]" in words
