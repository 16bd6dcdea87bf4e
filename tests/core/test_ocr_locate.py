"""Offline OCR and automatic location of promoted and suppressed controls on the samples."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from desktop.core.analysis import ocr
from desktop.core.analysis.lexicon import (
    Lexicon,
    LexiconError,
    classify,
    load_lexicon,
    normalize,
)
from desktop.core.analysis.locate import Candidate, find_candidates
from desktop.core.analysis.ocr import OcrFailedError, OcrUnavailableError, TextLine, Word
from desktop.core.errors import EvidenceError
from resources import resource_path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = resource_path("samples")
Box = tuple[int, int, int, int]

# From resources/samples/README.md: label words, role and the control's box in CSS px (x2 = px).
CONTROLS: dict[str, list[tuple[str, str, Box]]] = {
    "zh-upgrade-1": [
        ("立即升级", "promoted", (36, 404, 318, 56)),
        ("暂不升级", "suppressed", (155, 470, 80, 20)),
    ],
    "zh-upgrade-2": [
        ("确认开通", "promoted", (24, 676, 342, 56)),
        ("取消", "suppressed", (175, 746, 40, 20)),
    ],
    "zh-downgrade-1": [
        ("升级到 99元 畅享套餐", "promoted", (16, 636, 358, 60)),
        ("降级套餐", "suppressed", (171, 792, 48, 16)),
    ],
    "zh-downgrade-2": [
        ("继续使用当前套餐", "promoted", (56, 482, 278, 52)),
        ("仍要降级", "suppressed", (165, 548, 60, 18)),
    ],
    "en-upgrade-1": [
        ("Upgrade to Premium", "promoted", (24, 660, 342, 56)),
        ("No thanks", "suppressed", (160, 730, 70, 20)),
    ],
    "en-upgrade-2": [
        ("Confirm upgrade", "promoted", (24, 676, 342, 56)),
        ("Cancel", "suppressed", (170, 746, 50, 20)),
    ],
    "en-downgrade-1": [
        ("Upgrade to Premium Family", "promoted", (16, 196, 358, 60)),
        ("Downgrade plan", "suppressed", (32, 692, 96, 16)),
    ],
    "en-downgrade-2": [
        ("Keep Premium", "promoted", (56, 488, 278, 52)),
        ("Downgrade anyway", "suppressed", (140, 554, 110, 18)),
    ],
}
SCALE = 2


def load_rgb(name: str) -> npt.NDArray[np.uint8]:
    with Image.open(SAMPLES / f"{name}.png") as image:
        return np.asarray(image.convert("RGB"), dtype=np.uint8)


def area(box: Box) -> int:
    return max(0, box[2]) * max(0, box[3])


def intersection(a: Box, b: Box) -> int:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0, w) * max(0, h)


def px(css: Box) -> Box:
    x, y, w, h = css
    return x * SCALE, y * SCALE, w * SCALE, h * SCALE


class SampleRun:
    def __init__(self, lines: list[TextLine], seconds: float) -> None:
        self.lines = lines
        self.seconds = seconds


_runs: dict[str, SampleRun] = {}


def run_ocr(name: str) -> SampleRun:
    """OCR each sample once per test session (the engine stays loaded between samples)."""
    if name not in _runs:
        image = load_rgb(name)
        started = time.perf_counter()
        lines = ocr.recognize(image)
        _runs[name] = SampleRun(lines, time.perf_counter() - started)
    return _runs[name]


# --- the samples ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_sample_controls_are_found_with_their_roles_and_boxes(name: str) -> None:
    run = run_ocr(name)
    candidates = find_candidates(None, run.lines)
    for words, role, css_box in CONTROLS[name]:
        truth = px(css_box)
        overlapping = [c for c in candidates if intersection(c.hint, truth) > 0]
        assert overlapping, f"{name}: nothing found on {words!r}; got {candidates}"
        assert all(c.role == role for c in overlapping), (name, words, overlapping)
        best = max(overlapping, key=lambda c: intersection(c.hint, truth))
        assert normalize(words) in normalize(best.label), (name, words, best)
        # The text box lies inside the control (a link's box is its text: allow a few px).
        assert intersection(best.hint, truth) >= 0.85 * area(best.hint), (name, best, truth)
        assert best.ocr_confidence >= 0.9
        assert best.matched_term
        assert best.ocr_text


def test_text_link_boxes_are_no_bigger_than_the_link() -> None:
    # The README's boxes are the links' line boxes; the text inside is narrower and lower.
    for name, controls in CONTROLS.items():
        words, _, css_box = controls[1]  # the suppressed controls are text links
        truth = px(css_box)
        found = find_candidates(None, run_ocr(name).lines)
        best = max(found, key=lambda c: intersection(c.hint, truth))
        assert area(best.hint) <= 1.2 * area(truth), (name, words, best.hint, truth)
        assert best.hint[3] >= 0.6 * truth[3], (name, words, best.hint, truth)


def test_two_word_label_split_by_ocr_is_joined() -> None:
    # Cut the "Downgrade anyway" line of a real OCR run into its two words, as OCR sometimes does.
    lines = run_ocr("en-downgrade-2").lines
    line = next(line for line in lines if line.text == "Downgrade anyway")
    assert len(line.words) == 2
    parts = [TextLine(w.text, line.confidence, w.box, _quad(w.box), (w,)) for w in line.words]
    others = [other for other in lines if other is not line]
    found = find_candidates(None, [*others, *parts])
    joined = [c for c in found if c.role == "suppressed" and "anyway" in c.label]
    assert [c.label for c in joined] == ["Downgrade anyway"]
    assert joined[0].ocr_text == "Downgrade | anyway"
    assert joined[0].hint[0] <= line.words[0].box[0] and joined[0].hint[2] >= 200


def test_location_adds_little_to_the_ocr_time() -> None:
    name = "en-upgrade-1"
    run = run_ocr(name)
    best = min(_timed(lambda: find_candidates(None, run.lines)) for _ in range(3))
    assert best < 0.05 * run.seconds, (best, run.seconds)


def _timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def test_ocr_lines_carry_boxes_quads_words_and_confidence() -> None:
    lines = run_ocr("zh-upgrade-2").lines
    line = next(line for line in lines if line.text == "确认开通")
    x, y, w, h = line.box
    assert 0.95 <= line.confidence <= 1.0
    assert len(line.quad) == 4
    xs = [p[0] for p in line.quad]
    ys = [p[1] for p in line.quad]
    assert x <= min(xs) < x + 1 and x + w - 1 < max(xs) <= x + w
    assert y <= min(ys) < y + 1 and y + h - 1 < max(ys) <= y + h
    assert "".join(word.text for word in line.words) == "确认开通"
    for word in line.words:
        assert intersection(word.box, line.box) == area(word.box)


def test_ocr_info_names_engine_models_and_settings() -> None:
    info = ocr.ocr_info()
    assert info["engine"] == "RapidOCR" and info["engine_version"].startswith("3.")
    assert info["runtime"] == "onnxruntime" and info["runtime_version"] != "unknown"
    files = {model["task"]: model["file"] for model in info["models"]}
    assert files == {"det": "PP-OCRv6_det_small.onnx", "rec": "PP-OCRv6_rec_small.onnx"}
    assert all(len(model["sha256"]) == 64 and model["bytes"] > 0 for model in info["models"])
    assert 1 <= info["settings"]["threads"] <= ocr.MAX_THREADS
    json.dumps(info)


def test_recognize_rejects_what_is_not_an_rgb_image() -> None:
    with pytest.raises(ValueError):
        ocr.recognize(np.zeros((10, 10), np.uint8))
    with pytest.raises(ValueError):
        ocr.recognize(np.zeros((10, 10, 3), np.float32))  # type: ignore[arg-type]


def test_blank_image_has_no_lines() -> None:
    assert ocr.recognize(np.full((64, 64, 3), 255, np.uint8)) == []


# --- offline: no network, no files written ---------------------------------------------------

_OFFLINE_SCRIPT = r"""
import json, os, socket, sys, urllib.request

probe = socket.socket(socket.AF_UNIX)  # one harmless connect, so the test knows strace sees them
try:
    probe.connect("/nonexistent/evidence-recorder-probe")
except OSError:
    pass
probe.close()

events = []
WRITE = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
NETWORK = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto",
           "socket.sendmsg", "urllib.Request", "http.client.connect"}
CHANGES = {"os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.symlink", "os.link",
           "os.truncate", "os.chmod", "os.utime", "shutil.copyfile", "shutil.move",
           "shutil.rmtree", "tempfile.mkstemp", "tempfile.mkdtemp"}

def hook(event, args):
    if event in NETWORK:
        events.append(["network", event, repr(args)[:200]])
        raise OSError("network blocked by the test")
    if event == "open":
        path, mode, flags = args
        writing = any(c in mode for c in "wax+") if isinstance(mode, str) else bool(
            isinstance(flags, int) and flags & WRITE)
        if writing:
            events.append(["write", str(path)])
    elif event in CHANGES:
        events.append(["write", event, repr(args)[:200]])

def refuse(*args, **kwargs):
    events.append(["network", "refused", repr(args)[:200]])
    raise OSError("network blocked by the test")

sys.addaudithook(hook)
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
urllib.request.urlopen = refuse

sys.path.insert(0, sys.argv[1])
import numpy as np
from PIL import Image
from desktop.core.analysis import ocr
from desktop.core.analysis.locate import find_candidates

with Image.open(sys.argv[2]) as image:
    rgb = np.asarray(image.convert("RGB"))[900:1680]
candidates = find_candidates(rgb)
info = ocr.ocr_info()
print(json.dumps({
    "labels": [[c.label, c.role] for c in candidates],
    "events": events,
    "package": str(ocr._package_dir()),
    "models": [m["file"] for m in info["models"]],
    "telemetry": info["settings"]["runtime_telemetry"],
    "telemetry_env": os.environ.get("ORT_DISABLE_TELEMETRY"),
}, ensure_ascii=False))
"""


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
    }


def _strace_prefix(trace: Path) -> list[str]:
    """strace watching for native network calls (those no Python hook sees), when it works here."""
    strace = shutil.which("strace")
    if strace is None:
        return []
    base = [strace, "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect,sendto,sendmsg"]
    probe = subprocess.run([*base, "-o", os.devnull, "true"], capture_output=True, check=False)
    return [*base, "-o", str(trace)] if probe.returncode == 0 else []


def test_ocr_runs_offline_and_writes_nothing(tmp_path: Path) -> None:
    package = ocr._package_dir()
    before = _snapshot(package)
    home, temp, cache, work = (tmp_path / n for n in ("home", "tmp", "cache", "cwd"))
    for folder in (home, temp, cache, work):
        folder.mkdir()
    script = tmp_path / "offline.py"
    script.write_text(_OFFLINE_SCRIPT, encoding="utf-8")
    trace = tmp_path / "strace.txt"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.upper().startswith(("HTTP", "ALL_PROXY", "NO_PROXY", "XDG_", "PYTHON", "ORT_"))
    }
    env.update(
        HOME=str(home),
        USERPROFILE=str(home),
        TMPDIR=str(temp),
        TEMP=str(temp),
        TMP=str(temp),
        XDG_CACHE_HOME=str(cache),
        XDG_DATA_HOME=str(cache),
        XDG_CONFIG_HOME=str(cache),
        PYTHONDONTWRITEBYTECODE="1",  # Python's own bytecode cache is not OCR writing files
        EVIDENCE_RECORDER_LANG="en",
    )
    command = [sys.executable, str(script), str(ROOT), str(SAMPLES / "zh-upgrade-2.png")]
    done = subprocess.run(
        [*_strace_prefix(trace), *command],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["events"] == [], result["events"]
    assert ["确认开通", "promoted"] in result["labels"]
    assert ["取消", "suppressed"] in result["labels"]
    assert result["package"] == str(package)
    assert result["models"] == ["PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx"]
    assert result["telemetry_env"] == "1"
    assert result["telemetry"].startswith("disabled before the runtime loaded")
    for folder in (home, temp, cache, work):
        assert list(folder.iterdir()) == [], folder  # ONNX Runtime's telemetry writes TMPDIR/.ses
    assert _snapshot(package) == before
    if trace.exists():
        calls = trace.read_text(encoding="utf-8", errors="replace").splitlines()
        assert any("evidence-recorder-probe" in call for call in calls), calls[:20]
        network = [call for call in calls if "AF_INET" in call]
        assert network == [], network


def test_downloads_are_refused_even_if_asked_for() -> None:
    ocr.get_engine()
    from rapidocr.utils.download_file import DownloadFile, DownloadFileInput

    with pytest.raises(OcrUnavailableError, match="never downloads"):
        DownloadFile.run(
            DownloadFileInput(file_url="https://example.invalid/m.onnx", save_path="x", logger=None)  # type: ignore[arg-type]
        )


# --- clear errors ------------------------------------------------------------------------------


@pytest.fixture
def fresh_engine() -> Iterator[None]:
    ocr.reset()
    yield
    ocr.reset()


def test_missing_model_file_is_a_clear_error(
    fresh_engine: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(ocr, "_model_dir", lambda: tmp_path / "models")
    with pytest.raises(OcrUnavailableError) as raised:
        ocr.recognize(np.zeros((40, 40, 3), np.uint8))
    message = str(raised.value)
    assert isinstance(raised.value, EvidenceError)
    assert "model file is missing" in message
    assert "PP-OCRv6_det_small.onnx" in message
    assert "pip install --force-reinstall" in message
    with pytest.raises(OcrUnavailableError):
        ocr.ocr_info()


def test_broken_model_file_is_a_clear_error(
    fresh_engine: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ocr.MODEL_FILES.values():
        (tmp_path / name).write_bytes(b"not a model")
    monkeypatch.setattr(ocr, "_model_dir", lambda: tmp_path)
    with pytest.raises(OcrUnavailableError, match=r"could not start.*Reinstall it with"):
        ocr.get_engine()


@pytest.mark.parametrize("package", ["rapidocr", "onnxruntime"])
def test_missing_package_is_a_clear_error(
    fresh_engine: None, monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    monkeypatch.setitem(sys.modules, package, None)
    with pytest.raises(OcrUnavailableError) as raised:
        ocr.get_engine()
    assert f"needs the OCR package {package}" in str(raised.value)
    assert "pip install" in str(raised.value)


def test_engine_is_loaded_once_across_threads(
    fresh_engine: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []

    def slow_build() -> object:
        time.sleep(0.05)
        built.append(object())
        return built[-1]

    monkeypatch.setattr(ocr, "_build_engine", slow_build)
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(ocr.get_engine())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and got == built * 8


def test_importing_the_modules_loads_no_ocr_or_opencv() -> None:
    code = (
        "import sys; import desktop.core.analysis.locate, desktop.core.analysis.ocr; "
        "heavy = [m for m in ('rapidocr', 'onnxruntime', 'cv2', 'PySide6') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- the word list ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("仍要降级", "suppressed"),
        ("Downgrade anyway", "suppressed"),
        ("继续使用当前套餐", "promoted"),
        ("Cancel", "suppressed"),
        ("Upgrade to Premium", "promoted"),
        ("立即升级", "promoted"),
        ("暂不升级", "suppressed"),  # both lists: suppressed wins
        ("No thanks", "suppressed"),
        ("No, thanks!", "suppressed"),
        ("Nothanks", "suppressed"),  # OCR dropped the space
        ("降级套餐", "suppressed"),
        ("Keep Premium", "promoted"),
        ("关闭自动续费", "suppressed"),  # the longer phrase hides 续费
        ("取消订阅", "suppressed"),
        ("确认降级", "suppressed"),
        ("Continue to cancel", "suppressed"),
        ("Yes, cancel my subscription", "suppressed"),
        ("Don't cancel", "promoted"),  # the longer phrase hides cancel
        ("Don’t cancel", "promoted"),
        ("不取消", "promoted"),
        ("取消降级", "promoted"),
        ("升级到 99元 畅享套餐", "promoted"),
        ("UPGRADE NOW", "promoted"),
        ("Ｃａｎｃｅｌ", "suppressed"),  # full-width
        ("Cancellation", "suppressed"),  # cancel*
        ("Start free trial", "promoted"),
        ("以后再说", "suppressed"),
        ("Not now", "suppressed"),
        ("Keeper", None),  # whole words only
        ("Recancel", None),
        ("Sign out", None),
        ("", None),
        ("09:41", None),
    ],
)
def test_classify_precedence(text: str, role: str | None) -> None:
    got_role, term = classify(text)
    assert got_role == role, (text, term)
    assert (term is None) == (role is None)


def test_classify_reports_the_deciding_term() -> None:
    assert classify("仍要降级") == ("suppressed", "仍要")
    assert classify("关闭自动续费") == ("suppressed", "关闭自动续费")
    assert classify("继续使用当前套餐") == ("promoted", "继续使用")
    assert classify("Downgrade anyway")[1] == "downgrade*"


def test_word_list_from_another_path_and_reloaded_when_edited(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps({"promoted": ["go big"], "suppressed": ["stay small"]}), "utf-8")
    lexicon = load_lexicon(path)
    assert lexicon.classify("Go big!") == ("promoted", "go big")
    assert lexicon.classify("Upgrade") == (None, None)
    assert classify("stay small", lexicon) == ("suppressed", "stay small")
    path.write_text(json.dumps({"promoted": ["go large"], "suppressed": ["x"]}), "utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert load_lexicon(path).classify("go large") == ("promoted", "go large")
    info = load_lexicon(path).info()
    assert info["source"] == str(path) and len(info["sha256"]) == 64


def test_shipped_word_list_is_documented_and_loads() -> None:
    path = resource_path("lexicon.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["_comment"] and document["format"] == 1
    lexicon = load_lexicon()
    for term in ("upgrade*", "subscribe", "continue", "keep", "accept", "升级", "开通", "续费"):
        assert term in lexicon.promoted
    for term in ("downgrade*", "cancel*", "no thanks", "later", "skip", "降级", "暂不", "以后再说"):
        assert term in lexicon.suppressed


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "not JSON"),
        (b'{"promoted": ["a"]}', '"promoted" and a "suppressed"'),
        (b'{"promoted": "a", "suppressed": []}', '"promoted" and a "suppressed"'),
        (b'{"format": 2, "promoted": [], "suppressed": []}', "format 2"),
        (b'{"promoted": ["Cancel"], "suppressed": ["cancel"]}', "in both lists"),
        (b'{"promoted": ["!!"], "suppressed": []}', "no letters"),
    ],
)
def test_bad_word_list_is_a_clear_error(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "lexicon.json"
    path.write_bytes(content)
    with pytest.raises(LexiconError) as raised:
        load_lexicon(path)
    assert problem in str(raised.value)
    assert "Fix the file" in str(raised.value)


def test_missing_word_list_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="Cannot read the word list"):
        load_lexicon(tmp_path / "nowhere.json")


# --- joining and cutting OCR lines (no OCR needed) ----------------------------------------------


def _quad(box: Box) -> ocr.Quad:
    x, y, w, h = box
    return ((x, y), (x + w, y), (x + w, y + h), (x, y + h))


def line(text: str, box: Box, confidence: float = 0.99, words: tuple[Word, ...] = ()) -> TextLine:
    return TextLine(text, confidence, box, _quad(box), words)


def labels(candidates: list[Candidate]) -> list[tuple[str, str]]:
    return sorted((c.label, c.role) for c in candidates)


def test_fragments_of_one_label_are_joined() -> None:
    found = find_candidates(
        None, [line("No", (100, 200, 30, 30)), line("thanks", (138, 201, 80, 30))]
    )
    assert labels(found) == [("No thanks", "suppressed")]
    assert found[0].hint == (100, 200, 118, 31)
    assert found[0].ocr_text == "No | thanks"


def test_a_term_cut_in_two_is_joined() -> None:
    found = find_candidates(
        None, [line("关闭自动", (100, 200, 120, 30)), line("续费", (222, 200, 60, 30))]
    )
    assert labels(found) == [("关闭自动续费", "suppressed")]


def test_neighbouring_labels_of_opposite_roles_stay_apart() -> None:
    found = find_candidates(
        None, [line("Cancel", (100, 200, 90, 30)), line("Upgrade", (200, 200, 110, 30))]
    )
    assert labels(found) == [("Cancel", "suppressed"), ("Upgrade", "promoted")]


def test_far_apart_or_other_rows_are_not_joined() -> None:
    found = find_candidates(
        None,
        [
            line("No", (100, 200, 30, 30)),
            line("thanks", (300, 200, 80, 30)),  # too far
            line("Downgrade", (100, 400, 120, 30)),
            line("plan", (100, 440, 60, 30)),  # next row
        ],
    )
    assert labels(found) == [("Downgrade", "suppressed")]


def test_one_ocr_line_holding_two_labels_is_cut() -> None:
    words = (
        Word("取", 0.99, (100, 300, 28, 30)),
        Word("消", 0.99, (128, 300, 28, 30)),
        Word("确", 0.99, (400, 300, 28, 30)),
        Word("认", 0.99, (428, 300, 28, 30)),
    )
    found = find_candidates(None, [line("取消 确认", (96, 298, 364, 34), words=words)])
    assert labels(found) == [("取消", "suppressed"), ("确认", "promoted")]
    by_label = {c.label: c for c in found}
    assert by_label["取消"].hint == (100, 300, 56, 30)
    assert by_label["确认"].hint == (400, 300, 56, 30)
    assert by_label["取消"].ocr_text == "取消 确认"


def test_words_close_together_keep_the_line_box() -> None:
    words = (Word("Keep", 0.99, (262, 1009, 88, 44)), Word("Premium", 0.99, (357, 1009, 154, 44)))
    found = find_candidates(None, [line("Keep Premium", (254, 1008, 270, 44), words=words)])
    assert [(c.label, c.hint) for c in found] == [("Keep Premium", (254, 1008, 270, 44))]


def test_low_confidence_lines_are_dropped() -> None:
    lines = [line("Cancel", (100, 200, 90, 30), confidence=0.4)]
    assert find_candidates(None, lines) == []
    assert labels(find_candidates(None, lines, min_confidence=0.3)) == [("Cancel", "suppressed")]


def test_labels_rank_above_sentences() -> None:
    found = find_candidates(
        None,
        [
            line("点击下方“确认开通”即可立即生效", (164, 553, 452, 33)),
            line("确认开通", (303, 1383, 172, 52)),
        ],
    )
    assert [c.label for c in found] == ["确认开通", "点击下方“确认开通”即可立即生效"]
    assert found[0].score > found[1].score


def test_find_candidates_needs_an_image_or_lines() -> None:
    with pytest.raises(ValueError):
        find_candidates(None)


def test_custom_word_list_is_used() -> None:
    lexicon = Lexicon(["go big"], ["stay small"])
    found = find_candidates(None, [line("Go big", (0, 0, 50, 20))], lexicon=lexicon)
    assert labels(found) == [("Go big", "promoted")]


def test_failure_during_ocr_is_a_clear_error(
    fresh_engine: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(image: Any, **options: Any) -> Any:
        raise RuntimeError("Traceback (most recent call last):\n  ...\nout of memory")

    monkeypatch.setattr(ocr, "_engine", broken)
    with pytest.raises(OcrFailedError, match=r"^OCR failed on this image: out of memory$"):
        ocr.recognize(np.zeros((40, 40, 3), np.uint8))


def test_location_info_names_the_word_list_and_settings() -> None:
    from desktop.core.analysis.locate import location_info

    info = location_info(min_confidence=0.6)
    assert info["lexicon"]["source"].endswith("lexicon.json")
    assert len(info["lexicon"]["sha256"]) == 64
    assert info["min_confidence"] == 0.6
    json.dumps(info)


def test_same_image_gives_the_same_lines() -> None:
    first = run_ocr("zh-upgrade-2").lines
    assert ocr.recognize(load_rgb("zh-upgrade-2")) == first
