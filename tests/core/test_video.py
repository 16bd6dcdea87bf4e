"""Importing phone screen recordings: the video as an original, keyframes as derived PNGs."""

from __future__ import annotations

import hashlib
import itertools
import struct
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image

from desktop.core.errors import DiskFullError, ImportRejectedError, UsageError
from desktop.core.ingest.video import (
    SCENE_THRESHOLD,
    ImportCancelledError,
    KeyframeSelector,
    frame_difference,
    frame_signature,
    import_video,
    is_video_path,
    mp4_creation_time,
)
from desktop.core.proof.verify import verify_case
from desktop.core.store.case import CaseWriter, create_case
from desktop.core.store.log import LOG_NAME, Event, scan_log
from tests.conftest import image_bytes

WIDTH, HEIGHT, FPS = 360, 780, 10
SCENES = ((0.0, "plans"), (3.0, "settings"), (7.5, "billing"))
SECONDS = 14.0  # the last screen stays 6.5 s: longer than the 5 s interval
_rng = np.random.default_rng(7)
# Added and subtracted in turn: a little grain on every frame, as a phone's encoder leaves.
NOISE = [
    (
        _rng.integers(0, 4, (HEIGHT, WIDTH, 3), dtype=np.uint8),
        _rng.integers(0, 4, (HEIGHT, WIDTH, 3), dtype=np.uint8),
    )
    for _ in range(4)
]
FONT = cv2.FONT_HERSHEY_SIMPLEX


def _screen(kind: str) -> np.ndarray[Any, Any]:
    """One app screen: status bar, title, then a plan card or a list on a flat background."""
    image = np.full((HEIGHT, WIDTH, 3), 250, np.uint8)
    image[:40] = (235, 235, 235)
    cv2.putText(image, "Example Mobile", (20, 80), FONT, 0.8, (40, 40, 40), 2)
    if kind == "plans":
        image[100:] = (245, 240, 235)
        cv2.putText(image, "Your plan: 128 GB", (20, 160), FONT, 0.7, (30, 30, 30), 2)
        cv2.rectangle(image, (30, 560), (330, 640), (30, 110, 255), -1)
        cv2.putText(image, "UPGRADE NOW", (80, 610), FONT, 0.9, (255, 255, 255), 2)
        cv2.putText(image, "other options", (130, 700), FONT, 0.4, (170, 170, 170), 1)
        return image
    # Two list pages on the same background under the same title: the hard case.
    labels = {
        "settings": ["Account", "Billing", "Privacy", "Notifications", "Help", "About"],
        "billing": ["Invoices", "Payment method", "Auto-renew: on", "Change plan", "Call us"],
    }[kind]
    for row, label in enumerate(labels):
        y = 140 + row * 70
        cv2.line(image, (20, y + 30), (340, y + 30), (220, 220, 220), 1)
        cv2.putText(image, label, (30, y + 10), FONT, 0.7, (50, 50, 50), 2)
        if kind == "settings":
            cv2.putText(image, ">", (320, y + 10), FONT, 0.7, (150, 150, 150), 2)
    return image


SCREENS = {kind: _screen(kind) for _, kind in SCENES}


def _decorate(image: np.ndarray[Any, Any], index: int) -> np.ndarray[Any, Any]:
    """A clock that ticks every second, a moving dot (an animation), and grain."""
    image = image.copy()
    t = index / FPS
    cv2.putText(image, f"9:41:{int(t):02d}", (10, 28), FONT, 0.6, (0, 0, 0), 2)
    cv2.circle(image, (300 + int(20 * np.sin(t * 6)), 20), 6, (0, 160, 0), -1)
    add, subtract = NOISE[index % len(NOISE)]
    return cv2.add(cv2.subtract(image, subtract), add)


def scene_at(t: float, scenes: tuple[tuple[float, str], ...] = SCENES) -> str:
    return [kind for start, kind in scenes if t >= start - 1e-9][-1]


def write_clip(
    path: Path,
    render: Callable[[int], np.ndarray[Any, Any]],
    frames: int,
    fourcc: str = "mp4v",
) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*fourcc), FPS, (WIDTH, HEIGHT))
    assert writer.isOpened(), f"OpenCV cannot write {fourcc} into {path.suffix}"
    for index in range(frames):
        writer.write(render(index))
    writer.release()
    return path


def app_frame(index: int) -> np.ndarray[Any, Any]:
    return _decorate(SCREENS[scene_at(index / FPS)], index)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("phone")
    return write_clip(
        folder / "Screen_Recording_20241105-101112.mp4", app_frame, int(SECONDS * FPS)
    )


def frames_of(path: Path) -> Iterator[np.ndarray[Any, Any]]:
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                return
            yield frame
    finally:
        capture.release()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != ".lock"
    }


def keyframes(events: tuple[Event, ...]) -> list[tuple[float, str]]:
    return [(e.data["time_s"], e.data["reason"]) for e in events]


def test_keyframes_at_the_start_at_each_new_screen_and_after_a_long_still(
    case: CaseWriter, clip: Path
) -> None:
    seen: list[tuple[int, int]] = []
    result = import_video(
        case, clip, journey="downgrade", progress=lambda d, t: seen.append((d, t))
    )

    assert keyframes(result.frame_events) == [
        (0.0, "first"),
        (3.0, "scene_change"),
        (7.5, "scene_change"),
        (12.5, "interval"),
    ]
    times = [e.data["time_s"] for e in result.frame_events] + [(SECONDS * FPS - 1) / FPS]
    assert max(b - a for a, b in itertools.pairwise(times)) <= 5.0
    assert result.frames_read == SECONDS * FPS == result.import_event.data["video"]["frame_count"]
    assert result.frames_kept == 4 and not result.cancelled
    assert seen[-1] == (140, 140) and len(seen) == 140

    # The video itself is the original: its exact bytes, hashed, read-only.
    data = clip.read_bytes()
    imported = result.import_event
    assert imported.type == "import" and imported.journey == "downgrade"
    assert imported.data["file"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert imported.data["file"]["size"] == len(data)
    stored = case.folder / imported.data["file"]["path"]
    assert stored.read_bytes() == data and stored.stat().st_mode & 0o222 == 0
    assert imported.data["source"]["name"] == clip.name
    assert imported.data["source"]["claimed"]["file_name_time"] == "2024-11-05 10:11:12"
    video = imported.data["video"]
    assert (video["container"], video["width"], video["height"]) == ("mp4", WIDTH, HEIGHT)
    assert (video["fps"], video["duration_s"]) == (10.0, 14.0)
    assert video["codec"]

    # Each keyframe is a lossless PNG of exactly the decoded frame, logged with its origin.
    decoded = list(frames_of(stored))
    for event in result.frame_events:
        assert event.type == "video_frame" and event.journey == "downgrade"
        assert event.data["video_seq"] == imported.seq
        assert event.data["video_sha256"] == imported.data["file"]["sha256"]
        png = case.folder / event.data["file"]["path"]
        assert png.parent.name == "derived"
        assert png.name == f"{imported.seq:06d}-frame-{round(event.data['time_s'] * 1000):08d}.png"
        assert hashlib.sha256(png.read_bytes()).hexdigest() == event.data["file"]["sha256"]
        with Image.open(png) as image:
            assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
            pixels = np.asarray(image.convert("RGB"))[:, :, ::-1]
        assert np.array_equal(pixels, decoded[event.data["frame_index"]])
        assert event.data["frame_index"] == round(event.data["time_s"] * FPS)
        assert (event.data["width"], event.data["height"]) == (WIDTH, HEIGHT)
    differences = [e.data["difference"] for e in result.frame_events]
    assert differences[0] is None
    assert min(differences[1:3]) >= 2 * SCENE_THRESHOLD  # new screens: well above
    assert differences[3] < SCENE_THRESHOLD / 2  # clock and dot only: well below

    summary = result.summary_event
    assert summary.type == "video_summary" and summary.seq == result.frame_events[-1].seq + 1
    assert summary.data["frames_read"] == 140 and summary.data["frames_kept"] == 4
    assert summary.data["cancelled"] is False
    assert summary.data["reasons"] == {"first": 1, "scene_change": 2, "interval": 1}
    assert summary.data["parameters"]["scene_threshold"] == SCENE_THRESHOLD
    assert summary.data["parameters"]["min_interval_s"] == 5.0
    assert summary.data["decoder"]["backend"] == "FFMPEG"

    report = verify_case(case.folder)
    assert report.ok, report.problems
    assert report.files_checked == 5
    staged = (case.folder / ".staging").rglob("*")
    assert not [p for p in staged if p.is_file() and p.name != ".owner"]


def test_the_clock_and_small_animations_stay_far_below_the_threshold(clip: Path) -> None:
    """The measure itself on the test clip: every frame against the one before it."""
    signatures = [frame_signature(frame) for frame in frames_of(clip)]
    steps = {
        index: frame_difference(signatures[index - 1], signatures[index])
        for index in range(1, len(signatures))
    }
    cuts = {int(start * FPS) for start, _ in SCENES[1:]}
    within_a_screen = [value for index, value in steps.items() if index not in cuts]
    assert max(within_a_screen) < SCENE_THRESHOLD / 3
    assert min(steps[index] for index in cuts) > 2 * SCENE_THRESHOLD
    # Against the first frame, five seconds of clock ticks do not add up to a new screen.
    assert max(frame_difference(signatures[0], s) for s in signatures[:30]) < SCENE_THRESHOLD / 3
    assert frame_difference(signatures[0], signatures[0][:-8]) == 1.0


def test_the_measure_sees_a_new_background_but_not_grain() -> None:
    def flat(level: int) -> np.ndarray[Any, Any]:
        return np.full((HEIGHT, WIDTH, 3), level, np.uint8)

    add, subtract = NOISE[0]
    grainy = cv2.add(cv2.subtract(flat(250), subtract), add)
    assert frame_difference(frame_signature(flat(250)), frame_signature(grainy)) == 0.0
    assert frame_difference(frame_signature(flat(250)), frame_signature(flat(240))) == 1.0
    assert frame_signature(flat(250)).shape == (208, 96)
    landscape = np.zeros((1080, 2400, 3), np.uint8)
    assert frame_signature(landscape).shape == (96, 216)


def test_a_short_interval_leaves_no_gap_longer_than_it(case: CaseWriter, clip: Path) -> None:
    result = import_video(case, clip, min_interval_s=1.0)
    times = [e.data["time_s"] for e in result.frame_events] + [13.9]
    assert max(b - a for a, b in itertools.pairwise(times)) <= 1.0 + 1e-9
    assert [t for t, r in keyframes(result.frame_events) if r == "scene_change"] == [3.0, 7.5]
    assert verify_case(case.folder).ok


def _select(times: list[float], screens: list[int]) -> list[tuple[float, str]]:
    """Keyframes the selector picks from frames at these times showing these screens."""
    signatures = [frame_signature(SCREENS[SCENES[n][1]]) for n in range(3)]
    selector: KeyframeSelector[int] = KeyframeSelector(SCENE_THRESHOLD, 5.0)
    picks = [
        selector.push(i, t, signatures[n], i)
        for i, (t, n) in enumerate(zip(times, screens, strict=True))
    ]
    picks.append(selector.finish())
    return [(p.time_s, p.reason) for p in picks if p is not None]


def test_the_selector_with_frames_only_when_the_screen_changes() -> None:
    # As some phones record: no frames while the screen is still.
    assert _select([0.0, 0.1, 12.0], [0, 0, 0]) == [(0.0, "first"), (12.0, "interval")]
    assert _select([0.0, 0.1, 9.0, 9.1], [0, 0, 1, 1]) == [(0.0, "first"), (9.0, "scene_change")]
    # Every gap, including the one to the end, stays within the interval.
    assert _select([0.0, 4.0, 8.0, 12.0], [0, 0, 0, 0]) == [
        (0.0, "first"),
        (4.0, "interval"),
        (8.0, "interval"),
    ]
    # A screen seen for a single frame in the middle of a change is not settled.
    assert _select([0.0, 0.1, 0.2, 0.3], [0, 1, 2, 2]) == [(0.0, "first"), (0.2, "scene_change")]


def test_a_slide_between_screens_gives_one_keyframe_when_it_settles(
    case: CaseWriter, tmp_path: Path
) -> None:
    def sliding(index: int) -> np.ndarray[Any, Any]:
        # Settings slides in from the right between 1.0 s and 1.5 s.
        shift = min(max(index - 10, 0), 5) * WIDTH // 5
        picture = np.hstack([SCREENS["plans"], SCREENS["settings"]])[:, shift : shift + WIDTH]
        return _decorate(picture, index)

    clip = write_clip(tmp_path / "slide.mp4", sliding, 30)
    result = import_video(case, clip)
    assert keyframes(result.frame_events) == [(0.0, "first"), (1.5, "scene_change")]


@pytest.mark.parametrize(
    ("name", "fourcc", "container"),
    [("ScreenRecording.mov", "mp4v", "mov"), ("recording.webm", "VP80", "webm")],
)
def test_mov_and_webm_recordings(
    case: CaseWriter, tmp_path: Path, name: str, fourcc: str, container: str
) -> None:
    clip = write_clip(tmp_path / name, lambda i: app_frame(i + 20), 20, fourcc)
    result = import_video(case, clip)
    assert result.import_event.data["video"]["container"] == container
    assert keyframes(result.frame_events) == [(0.0, "first"), (1.0, "scene_change")]
    assert result.frames_read == 20
    assert verify_case(case.folder).ok


def test_chinese_folder_and_file_names(tmp_path: Path) -> None:
    writer = create_case(tmp_path / "我的 案件", title="降级")
    clip = write_clip(tmp_path / "屏幕录制 2024-11-05 101112.mp4", app_frame, 12)
    result = import_video(writer, clip)
    assert result.import_event.data["file"]["path"].endswith("屏幕录制 2024-11-05 101112.mp4")
    assert result.frames_read == 12
    assert verify_case(writer.folder).ok


def _set_mvhd_creation(path: Path, when: datetime) -> None:
    data = bytearray(path.read_bytes())
    at = data.index(b"mvhd") + 4
    assert data[at] == 0  # version 0: 32-bit times
    seconds = int((when - datetime(1904, 1, 1, tzinfo=UTC)).total_seconds())
    data[at + 4 : at + 8] = struct.pack(">I", seconds)
    path.write_bytes(bytes(data))


def test_the_recording_time_the_container_claims_is_kept(case: CaseWriter, tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "rec.mp4", app_frame, 5)
    assert mp4_creation_time(clip) is None  # OpenCV writes no creation time
    _set_mvhd_creation(clip, datetime(2024, 11, 5, 2, 11, 12, tzinfo=UTC))
    result = import_video(case, clip)
    claimed = result.import_event.data["source"]["claimed"]
    assert claimed["container_created_utc"] == "2024-11-05T02:11:12Z"
    assert "file_modified_utc" in claimed


def _truncated(clip: Path) -> bytes:
    return clip.read_bytes()[: clip.stat().st_size // 2]


def _tail_cut(clip: Path) -> bytes:
    return clip.read_bytes()[:-200]


def _text(_clip: Path) -> bytes:
    return "这不是视频 not a video\n".encode() * 50


@pytest.mark.parametrize(
    ("name", "payload", "expected"),
    [
        ("empty.mp4", lambda _c: b"", "is empty"),
        ("notes.mp4", _text, "is not a screen recording"),
        ("shot.mp4", lambda _c: image_bytes("PNG"), "is not a screen recording"),
        ("half.mp4", _truncated, "damaged or incomplete"),
        ("cut.mp4", _tail_cut, "damaged or incomplete"),
    ],
)
def test_bad_files_are_rejected_and_leave_nothing_behind(
    case: CaseWriter,
    tmp_path: Path,
    clip: Path,
    name: str,
    payload: Callable[[Path], bytes],
    expected: str,
) -> None:
    assert case.staging_dir.is_dir()
    before = snapshot(case.folder)
    bad = tmp_path / name
    bad.write_bytes(payload(clip))
    with pytest.raises(ImportRejectedError) as caught:
        import_video(case, bad)
    message = str(caught.value)
    assert expected in message and name in message
    assert "again" in message or "export" in message  # it says what to do
    assert snapshot(case.folder) == before
    assert not any((case.folder / "originals").iterdir())
    assert not any((case.folder / "derived").iterdir())
    assert verify_case(case.folder).ok


def test_missing_files_folders_and_huge_files_are_rejected(
    case: CaseWriter, tmp_path: Path, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ImportRejectedError, match="does not exist"):
        import_video(case, tmp_path / "missing.mp4")
    with pytest.raises(ImportRejectedError, match="is not a file"):
        import_video(case, tmp_path)
    monkeypatch.setattr("desktop.core.ingest.video.MAX_VIDEO_BYTES", clip.stat().st_size - 1)
    with pytest.raises(ImportRejectedError, match="GiB; a screen recording can be at most"):
        import_video(case, clip)
    assert not any((case.folder / "originals").iterdir())
    assert verify_case(case.folder).ok


def test_bad_parameters_are_usage_errors(case: CaseWriter, clip: Path) -> None:
    with pytest.raises(UsageError, match="interval"):
        import_video(case, clip, min_interval_s=0)
    with pytest.raises(UsageError, match="threshold"):
        import_video(case, clip, scene_threshold=1.5)


def test_cancel_keeps_the_video_and_the_keyframes_found_so_far(
    case: CaseWriter, clip: Path
) -> None:
    done = [0]

    def progress(frames: int, _total: int) -> None:
        done[0] = frames

    result = import_video(case, clip, progress=progress, cancelled=lambda: done[0] >= 50)
    assert result.cancelled and result.frames_read == 50
    assert keyframes(result.frame_events) == [(0.0, "first"), (3.0, "scene_change")]
    assert result.summary_event.data["cancelled"] is True
    assert result.summary_event.data["frames_read"] == 50
    stored = case.folder / result.import_event.data["file"]["path"]
    assert stored.read_bytes() == clip.read_bytes()
    assert len(list((case.folder / "derived").iterdir())) == 2
    assert verify_case(case.folder).ok


def test_cancel_before_the_video_is_saved_adds_nothing(case: CaseWriter, clip: Path) -> None:
    assert case.staging_dir.is_dir()
    before = snapshot(case.folder)
    with pytest.raises(ImportCancelledError, match="nothing was added"):
        import_video(case, clip, cancelled=lambda: True)
    assert snapshot(case.folder) == before


def test_a_failure_mid_way_logs_what_was_made_and_why_it_stopped(
    case: CaseWriter, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.core.store.durable import write_new_file

    calls = [0]

    def failing(path: Path, data: bytes, *, read_only: bool = True) -> None:
        calls[0] += 1
        if calls[0] == 3:
            raise DiskFullError("The disk holding the case is full.")
        write_new_file(path, data, read_only=read_only)

    monkeypatch.setattr("desktop.core.ingest.video.write_new_file", failing)
    with pytest.raises(DiskFullError):
        import_video(case, clip)
    events = scan_log(case.folder / LOG_NAME).events
    assert [e.type for e in events[-4:]] == [
        "import",
        "video_frame",
        "video_frame",
        "video_summary",
    ]
    assert events[-1].data["stopped_by_error"] == "The disk holding the case is full."
    assert events[-1].data["frames_kept"] == 2
    assert len(list((case.folder / "derived").iterdir())) == 2
    assert verify_case(case.folder).ok


def test_video_file_names() -> None:
    assert is_video_path(Path("a/ScreenRecording.MOV"))
    assert all(is_video_path(Path(f"x.{s}")) for s in ("mp4", "m4v", "webm", "mkv"))
    assert not is_video_path(Path("shot.png"))
