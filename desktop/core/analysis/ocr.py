"""Offline OCR of screenshots (Chinese and English) with RapidOCR and the models in its wheel."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import math
import os
import sys
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from desktop.core.errors import EvidenceError
from desktop.core.i18n import tr

Box = tuple[int, int, int, int]
Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]

ENGINE_NAME = "RapidOCR"
RUNTIME_NAME = "onnxruntime"
# The Chinese + English PP-OCR models that the rapidocr 3.10 wheel carries in rapidocr/models/.
# Screenshots are upright, so the text-direction classifier is not used (and not loaded).
MODEL_FILES = {"det": "PP-OCRv6_det_small.onnx", "rec": "PP-OCRv6_rec_small.onnx"}
# What pyproject requires; 1.32 is the runtime tested to honour the telemetry opt-out in full.
REQUIREMENTS = ("rapidocr>=3.10,<3.11", "onnxruntime>=1.32,<2")
INSTALL_COMMAND = "pip install " + " ".join(f'"{r}"' for r in REQUIREMENTS)
REINSTALL_COMMAND = "pip install --force-reinstall " + " ".join(f'"{r}"' for r in REQUIREMENTS)
MAX_THREADS = 4  # modest: OCR shares the machine with the GUI and the capture worker

# Every setting the numbers depend on, set explicitly rather than taken from rapidocr's defaults,
# so an upgrade of the package cannot change them silently. Recorded by ocr_info().
DETECTION = {
    "limit_side_len": 736,  # the shorter side is enlarged to at least this; never reduced
    "limit_type": "min",
    "thresh": 0.3,
    "box_thresh": 0.5,
    "unclip_ratio": 1.6,
    "use_dilation": True,
    "score_mode": "fast",
}
MIN_SIDE = 30
MAX_SIDE = 2000  # larger images are scaled down to this longer side before detection
REC_BATCH = 6
# ONNX Runtime 1.29+ sends usage telemetry to Microsoft from Linux and macOS too (and writes a
# session file in the temp folder) unless this is set before it loads; Windows builds report
# through ETW, which disable_telemetry_events() turns off. Nothing may leave the machine.
TELEMETRY_ENV = "ORT_DISABLE_TELEMETRY"


class OcrUnavailableError(EvidenceError):
    """OCR cannot run: its package or its model files are missing or cannot be loaded."""


class OcrFailedError(EvidenceError):
    """OCR was running and failed on one image."""


@dataclass(frozen=True)
class Word:
    """One word (Latin script) or one character (Chinese) of a text line."""

    text: str
    confidence: float
    box: Box


@dataclass(frozen=True)
class TextLine:
    """A line of text as OCR read it; boxes are in the image's physical pixels."""

    text: str
    confidence: float  # 0..1
    box: Box  # x, y, w, h: axis-aligned bounds of the detected line (with the detector's margin)
    quad: Quad  # the detected line's four corners, clockwise from the top left
    words: tuple[Word, ...] = ()  # tighter boxes of the words, when the engine gave them


_lock = threading.Lock()  # guards loading
_run_lock = threading.Lock()  # one image at a time: the engine already uses every thread we allow
_engine: Any = None
_models_cache: list[dict[str, Any]] | None = None
_telemetry = "not loaded"


def thread_count() -> int:
    """Threads the OCR runtime may use: the cores, at most MAX_THREADS."""
    return max(1, min(MAX_THREADS, os.cpu_count() or 1))


def _package_dir() -> Path:
    """The installed rapidocr package folder, found without importing it."""
    try:
        spec = importlib.util.find_spec("rapidocr")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise OcrUnavailableError(
            tr(
                "Finding controls automatically needs the OCR package {package}, which is not "
                "installed. Install it with: {command}",
                package="rapidocr",
                command=INSTALL_COMMAND,
            )
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _model_dir() -> Path:
    """The models folder inside the rapidocr wheel: the only place models are read from."""
    return _package_dir() / "models"


def model_paths() -> dict[str, Path]:
    """The model file for each OCR stage; fails clearly when one is missing."""
    folder = _model_dir()
    paths = {task: folder / name for task, name in MODEL_FILES.items()}
    for path in paths.values():
        if not path.is_file():
            raise OcrUnavailableError(
                tr(
                    "An OCR model file is missing: {path}. Reinstall the OCR package with: "
                    "{command}",
                    path=path,
                    command=REINSTALL_COMMAND,
                )
            )
    return paths


def _params(paths: dict[str, Path], engine_type: Any) -> dict[str, Any]:
    """rapidocr settings: packaged models by explicit path, CPU only, modest threads, quiet."""
    threads = thread_count()
    params: dict[str, Any] = {
        "Global.log_level": "error",
        "Global.text_score": 0.0,  # keep every line; callers filter on the confidence
        "Global.use_cls": False,
        "Global.min_side_len": MIN_SIDE,
        "Global.max_side_len": MAX_SIDE,
        # Where rapidocr would otherwise put downloads: the package's own models folder.
        "Global.model_root_dir": str(paths["det"].parent),
        "Det.engine_type": engine_type,
        "Det.model_path": str(paths["det"]),
        "Rec.engine_type": engine_type,
        "Rec.model_path": str(paths["rec"]),
        "Rec.rec_batch_num": REC_BATCH,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    params.update({f"Det.{key}": value for key, value in DETECTION.items()})
    for provider in ("cuda", "dml", "cann", "coreml"):
        params[f"EngineConfig.onnxruntime.use_{provider}"] = False
    return params


def _forbid_downloads() -> None:
    """Make rapidocr's downloader fail instead of fetching: nothing leaves the machine."""
    try:
        from rapidocr.utils import download_file
    except ImportError:
        return

    def refuse(cls: Any, params: Any) -> None:
        raise OcrUnavailableError(
            tr(
                "The OCR engine asked to download {url}; this program never downloads at run "
                "time. Reinstall the OCR package with: {command}",
                url=getattr(params, "file_url", "?"),
                command=REINSTALL_COMMAND,
            )
        )

    download_file.DownloadFile.run = classmethod(refuse)  # type: ignore[method-assign,assignment]


def _load_runtime() -> None:
    """Import onnxruntime with its telemetry off (before it loads, where that is possible)."""
    global _telemetry
    loaded_before = "onnxruntime" in sys.modules
    os.environ[TELEMETRY_ENV] = "1"
    runtime = importlib.import_module("onnxruntime")
    disable = getattr(runtime, "disable_telemetry_events", None)
    if callable(disable):
        disable()
    _telemetry = (
        "disabled after another part of the program had loaded the runtime"
        if loaded_before
        else f"disabled before the runtime loaded ({TELEMETRY_ENV}=1)"
    )


def _build_engine() -> Any:
    """Import rapidocr and onnxruntime, and load both models from the wheel."""
    try:
        _load_runtime()
        from rapidocr import EngineType, RapidOCR
    except ImportError as error:
        raise OcrUnavailableError(
            tr(
                "Finding controls automatically needs the OCR package {package}, which is not "
                "installed. Install it with: {command}",
                package=error.name or "rapidocr",
                command=INSTALL_COMMAND,
            )
        ) from error
    paths = model_paths()
    _forbid_downloads()
    try:
        engine: Any = RapidOCR(params=_params(paths, EngineType.ONNXRUNTIME))
        # Load both models now, under our lock, so a broken install fails here and clearly.
        engine._load_det_model()
        engine._load_rec_model()
    except OcrUnavailableError:
        raise
    except Exception as error:
        raise OcrUnavailableError(
            tr(
                "The OCR engine could not start: {reason}. Reinstall it with: {command}",
                reason=_reason(error),
                command=REINSTALL_COMMAND,
            )
        ) from error
    return engine


def _reason(error: BaseException) -> str:
    """The last line of an error's text (onnxruntime's errors carry a whole traceback)."""
    text = str(error).strip()
    return text.splitlines()[-1].strip().rstrip(".") if text else type(error).__name__


def get_engine() -> Any:
    """The process's one OCR engine, loaded on first use (thread-safe)."""
    global _engine
    engine = _engine
    if engine is None:
        with _lock:
            if _engine is None:
                _engine = _build_engine()
            engine = _engine
    return engine


def reset() -> None:
    """Forget the loaded engine (tests; or after the OCR package was reinstalled)."""
    global _engine, _models_cache
    with _lock:
        _engine = None
        _models_cache = None


def recognize(image_rgb: npt.NDArray[np.uint8]) -> list[TextLine]:
    """Every text line in an RGB image (H x W x 3, uint8), top to bottom, left to right."""
    if (
        not isinstance(image_rgb, np.ndarray)
        or image_rgb.dtype != np.uint8
        or image_rgb.ndim != 3
        or image_rgb.shape[2] != 3
        or image_rgb.shape[0] == 0
        or image_rgb.shape[1] == 0
    ):
        raise ValueError("recognize() takes an H x W x 3 uint8 RGB array")
    engine = get_engine()
    bgr = np.ascontiguousarray(image_rgb[:, :, ::-1])  # rapidocr takes arrays in OpenCV order
    with _run_lock:
        try:
            output = engine(bgr, return_word_box=True)
        except OcrUnavailableError:
            raise
        except Exception as error:
            raise OcrFailedError(
                tr("OCR failed on this image: {reason}", reason=_reason(error))
            ) from error
    return _lines(output, width=image_rgb.shape[1], height=image_rgb.shape[0])


def _lines(output: Any, width: int, height: int) -> list[TextLine]:
    """rapidocr's output as TextLines, with each line's words when they can be matched to it."""
    boxes = getattr(output, "boxes", None)
    texts = getattr(output, "txts", None)
    scores = getattr(output, "scores", None)
    if boxes is None or texts is None or scores is None:
        return []
    # word_results skips lines it has no word boxes for, so pair them by their text.
    word_lines = [w for w in getattr(output, "word_results", ()) or () if _is_word_line(w)]
    lines: list[TextLine] = []
    next_words = 0
    for corners, text, score in zip(boxes, texts, scores, strict=True):
        text = str(text).strip()
        if not text:
            continue
        words: tuple[Word, ...] = ()
        if next_words < len(word_lines) and _same_text(word_lines[next_words], text):
            words = tuple(
                Word(str(w[0]), _unit(w[1]), _bounds(w[2], width, height))
                for w in word_lines[next_words]
            )
            next_words += 1
        points = np.asarray(corners, dtype=np.float64).reshape(4, 2)
        quad = tuple((float(x), float(y)) for x, y in points)
        lines.append(
            TextLine(
                text=text,
                confidence=_unit(score),
                box=_bounds(points, width, height),
                quad=quad,  # type: ignore[arg-type]
                words=words,
            )
        )
    return lines


def _is_word_line(item: Any) -> bool:
    return (
        isinstance(item, tuple)
        and len(item) > 0
        and all(isinstance(w, tuple) and len(w) == 3 and w[2] is not None for w in item)
    )


def _same_text(words: tuple[Any, ...], text: str) -> bool:
    return "".join(str(w[0]) for w in words).replace(" ", "") == text.replace(" ", "")


def _unit(value: Any) -> float:
    number = float(value)
    return 0.0 if math.isnan(number) else min(1.0, max(0.0, number))


def _bounds(points: Any, width: int, height: int) -> Box:
    """Axis-aligned integer bounds of some corner points, clipped to the image."""
    array = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    xs = np.clip(array[:, 0], 0.0, float(width))
    ys = np.clip(array[:, 1], 0.0, float(height))
    x0 = min(math.floor(float(xs.min())), width - 1)
    y0 = min(math.floor(float(ys.min())), height - 1)
    x1 = math.ceil(float(xs.max()))
    y1 = math.ceil(float(ys.max()))
    return x0, y0, max(1, x1 - x0), max(1, y1 - y0)


def _file_record(task: str, path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {
        "task": task,
        "file": path.name,
        "bytes": path.stat().st_size,
        "sha256": digest.hexdigest(),
    }


def _version(*distributions: str) -> str:
    for name in distributions:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


def ocr_info() -> dict[str, Any]:
    """What read the text, for the record: engine, runtime, model files (with hashes), settings."""
    global _models_cache
    with _lock:
        if _models_cache is None:
            _models_cache = [_file_record(task, path) for task, path in model_paths().items()]
        models = [dict(record) for record in _models_cache]
    return {
        "engine": ENGINE_NAME,
        "engine_version": _version("rapidocr"),
        "runtime": RUNTIME_NAME,
        "runtime_version": _version(
            "onnxruntime", "onnxruntime-gpu", "onnxruntime-directml", "onnxruntime-openvino"
        ),
        "models": models,
        "model_source": "packaged in the rapidocr wheel; nothing is downloaded",
        "settings": {
            "languages": "Chinese and English (one PP-OCR model)",
            "text_direction_classifier": False,
            "threads": thread_count(),
            "providers": ["CPUExecutionProvider"],
            "runtime_telemetry": _telemetry,
            "min_side": MIN_SIDE,
            "max_side": MAX_SIDE,
            "detection": dict(DETECTION),
            "recognition_batch": REC_BATCH,
        },
    }
