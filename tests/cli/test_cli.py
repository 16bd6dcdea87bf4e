"""The command line as a person uses it: exit codes, one-line errors, JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.store.log import LOG_NAME
from tests.conftest import image_bytes


def run(*args: str | Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EVIDENCE_RECORDER_LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "我的 案件"
    done = run(
        "case",
        "new",
        folder,
        "--title",
        "降级 59 → 8",
        "--service",
        "Example Mobile",
        "--purpose",
        "show the downgrade is hidden",
    )
    assert done.returncode == 0, done.stderr
    return folder


def test_a_whole_session_from_the_terminal(case_dir: Path, tmp_path: Path) -> None:
    shots = []
    for index in range(2):
        path = tmp_path / f"IMG_{index}.PNG"
        path.write_bytes(image_bytes(seed=index))
        shots.append(path)
    assert run("journey", case_dir, "upgrade").returncode == 0
    imported = run("import", case_dir, *shots)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.count("imported") == 2
    note_file = tmp_path / "note.txt"
    note_file.write_text("客服说需要 48 小时。\nSecond line.", encoding="utf-8")
    assert run("note", case_dir, "two taps to upgrade", "--capture", "3").returncode == 0
    assert run("note", case_dir, "--file", note_file, "--journey", "downgrade").returncode == 0
    assert run("note", case_dir, "it was 72 hours", "--amends", "7").returncode == 0
    assert run("withdraw", case_dir, "4", "--reason", "wrong screenshot").returncode == 0

    listing = run("log", case_dir, "--json")
    assert listing.returncode == 0
    document = json.loads(listing.stdout)
    events = document["events"]
    assert document["case"]["title"] == "降级 59 → 8"
    types = [event["type"] for event in events]
    assert types == [
        "case_opened",
        "environment",
        "journey",
        "import",
        "import",
        "note",
        "journey",
        "note",
        "note",
        "withdraw",
    ]
    assert events[5]["data"]["attached_to"] == 3
    assert events[7]["data"]["text"].startswith("客服说需要 48 小时。")
    assert events[7]["journey"] == "downgrade"
    assert events[8]["data"]["amends"] == 7
    assert events[9]["data"] == {"target": 4, "target_type": "import", "reason": "wrong screenshot"}

    text = run("log", case_dir)
    assert "#7" in text.stdout and "amends #7" in text.stdout

    verified = run("verify", case_dir, "--json")
    assert verified.returncode == 0
    report = json.loads(verified.stdout)
    assert report["ok"] is True and report["files_checked"] == 2
    assert report["last_hash"] == events[-1]["hash"]


def test_verify_exit_codes_and_one_line_per_problem(case_dir: Path, tmp_path: Path) -> None:
    clean = run("verify", case_dir)
    assert clean.returncode == 0 and "Everything verifies" in clean.stdout
    log = case_dir / LOG_NAME
    log.write_bytes(log.read_bytes().replace(b'"journey":null', b'"journey":"x"', 1))
    (case_dir / "originals" / "stray.png").write_bytes(image_bytes())
    os.chmod(case_dir / "originals" / "stray.png", 0o444)  # else it is a writable original too
    broken = run("verify", case_dir)
    assert broken.returncode == 1
    problems = [line for line in broken.stdout.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 2
    assert "log line 1 (seq 0)" in problems[0]
    assert "originals/stray.png" in problems[1]
    assert run("verify").returncode == 2
    assert run("verify", tmp_path / "nowhere").returncode == 1


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    done = run("note", tmp_path, "hello")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "is not a case folder" in done.stderr and "case new" in done.stderr
    assert "Traceback" not in done.stderr
    debug = run("--debug", "note", tmp_path, "hello")
    assert "Traceback" in debug.stderr


def test_bad_import_exits_non_zero_and_names_the_file(case_dir: Path, tmp_path: Path) -> None:
    fake = tmp_path / "fake.png"
    fake.write_text("not an image")
    done = run("import", case_dir, fake)
    assert done.returncode == 1
    assert "fake.png" in done.stderr and "not an image" in done.stderr


def test_messages_in_chinese(case_dir: Path) -> None:
    done = run("verify", case_dir, lang="zh")
    assert "全部校验通过" in done.stdout
    bad = run("note", case_dir, "x", "--capture", "1", lang="zh")
    assert bad.returncode == 1 and "不是本案件中的截图" in bad.stderr


def test_usage_errors_exit_2(case_dir: Path) -> None:
    assert run("note", case_dir).returncode == 2
    assert run("note", case_dir, "x", "--capture", "abc").returncode == 2
    assert run("case", "new", case_dir.parent / "x").returncode == 2


def test_no_subcommand_opens_the_window_and_self_test_closes_it(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "EVIDENCE_RECORDER_CONFIG_DIR": str(tmp_path),
    }
    for command in ([sys.executable, "-m", "desktop", "--self-test"],):
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr
        assert "self-test ok" in done.stdout
    assert (tmp_path / "logs" / "evidence-recorder.log").is_file()


def test_demo_builds_a_verifiable_sample_case(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = run("demo", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "8 screenshots" in done.stdout
    verified = json.loads(run("verify", out, "--json").stdout)
    # 8 originals, 8 overlays and the report (the bundle is not named as a file: it would nest)
    assert verified["ok"] and verified["files_checked"] == 17
    assert "PDF exhibit:" in done.stdout and "Evidence bundle:" in done.stdout
    bundle = next((out / "exports").glob("*.zip"))
    assert run("verify", bundle).returncode == 0
    assert "Measured 8 screenshots: 8 show an asymmetric pair" in done.stdout
    events = json.loads(run("log", out, "--json").stdout)["events"]
    journeys = {event["journey"] for event in events if event["type"] == "import"}
    assert journeys == {"upgrade", "downgrade"}


def test_console_script_is_installed() -> None:
    import shutil

    if shutil.which("evidence-recorder") is None:
        pytest.skip("package not installed with pip (run from a checkout)")
    done = subprocess.run(
        ["evidence-recorder", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.strip()


def test_redact_makes_a_logged_copy_and_the_case_still_verifies(
    case_dir: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "shot.png"
    shot.write_bytes(image_bytes("PNG"))
    assert run("import", case_dir, shot).returncode == 0
    events = json.loads(run("log", case_dir, "--json").stdout)["events"]
    seq = next(e["seq"] for e in events if e["type"] == "import")
    done = run("redact", case_dir, "--capture", seq, "--rect", "0,0,50,40", "--reason", "phone")
    assert done.returncode == 0, done.stderr
    assert "removed" in done.stdout
    bad = run("redact", case_dir, "--capture", seq, "--rect", "9000,9000,5,5", "--reason", "x")
    assert bad.returncode == 2 and "cover part of the image" in bad.stderr
    assert run("verify", case_dir).returncode == 0


def test_a_case_folder_opens_in_the_window_and_self_test_builds_its_report(
    case_dir: Path, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "EVIDENCE_RECORDER_CONFIG_DIR": str(tmp_path / "config"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--self-test", str(case_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-test report ok" in done.stdout
    assert run("verify", case_dir).returncode == 0
