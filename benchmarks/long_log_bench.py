"""Benchmark appending to and verifying a long log against the same on a new case."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from desktop.core.store.case import create_case  # noqa: E402

TARGET_NOTE_RATIO = 3.0
TARGET_VERIFY_SECONDS = 30.0
TARGET_MEMORY_RATIO = 1.25  # peak memory of verify, long log / tenth as long
BATCH = 10_000
WORDS = ("plan", "upgrade", "downgrade", "cancel", "hotline", "agent", "refund", "cycle", "account")

# Peak resident memory of one command in a fresh interpreter (Linux and macOS).
_MEASURE = """
import resource, runpy, sys, time
sys.argv = ["evidence-recorder", *sys.argv[1:]]
start = time.perf_counter()
try:
    runpy.run_module("desktop", run_name="__main__")
except SystemExit as exit:
    code = exit.code
else:
    code = 0
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("BENCH", elapsed, peak * (1 if sys.platform == "darwin" else 1024), code, file=sys.stderr)
"""


def build_case(folder: Path, lines: int) -> None:
    """A case of `lines` log lines: journeys and notes of the length people type."""
    writer = create_case(folder, title="Long case", service="Example Mobile")
    done = 0
    while done < lines:
        with writer.transaction() as tx:
            for number in range(done, min(lines, done + BATCH)):
                if number % 500 == 0:
                    name = "downgrade" if number % 1000 else "upgrade"
                    tx.add("journey", {"name": name}, name)
                    continue
                words = " ".join(WORDS[(number + k) % len(WORDS)] for k in range(24))
                text = f"Step {number}: the agent said {words}."
                tx.add("note", {"text": text, "attached_to": None, "amends": None}, None)
        done = min(lines, done + BATCH)
    writer.close()


def run(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and peak bytes of `evidence-recorder ARGS` in a new process."""
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    line = next((line for line in result.stderr.splitlines() if line.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"command failed: {args}\n{result.stderr}")
    _, seconds, peak, code = line.split()
    if code not in ("0", "None"):
        raise SystemExit(f"command exited {code}: {args}\n{result.stdout}\n{result.stderr}")
    return float(seconds), int(peak)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/evidence-long-log-bench"))
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()

    work = args.workdir
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = {**os.environ, "EVIDENCE_RECORDER_CACHE_DIR": str(work / "cache")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    start = time.perf_counter()
    cases = {"new": work / "new", "tenth": work / "tenth", "long": work / "long"}
    build_case(cases["new"], 3)
    build_case(cases["tenth"], args.lines // 10)
    build_case(cases["long"], args.lines)
    long_bytes = (cases["long"] / "log.jsonl").stat().st_size
    print(
        f"built cases in {time.perf_counter() - start:.1f} s; long log: {args.lines:,} lines, "
        f"{long_bytes / 1024**2:.1f} MiB"
    )
    # The first note on a case this user has not written to yet reads the whole log once.
    shutil.rmtree(work / "cache", ignore_errors=True)
    first, _ = run(["note", str(cases["long"]), "first note here"], env)

    rows: dict[str, list[float]] = {"note, new case": [], "note, long case": []}
    for round_number in range(args.rounds):  # interleaved, so drift hits both alike
        for label, case in (("note, new case", "new"), ("note, long case", "long")):
            seconds, _ = run(["note", str(cases[case]), f"round {round_number}"], env)
            rows[label].append(seconds)
    verify: dict[str, tuple[float, int]] = {}
    for case in ("tenth", "long"):
        verify[case] = run(["verify", "--json", str(cases[case])], env)

    for label, values in rows.items():
        each = ", ".join(f"{value:.3f}" for value in values)
        print(f"{label:<22} median {statistics.median(values):.3f} s  ({each})")
    print(f"{'note, long, first':<22} {first:.3f} s (reads the whole log once, then notes it)")
    for case, (seconds, peak) in verify.items():
        print(f"{'verify, ' + case:<22} {seconds:.2f} s, peak {peak / 1024**2:.0f} MiB")
    note_ratio = statistics.median(rows["note, long case"]) / statistics.median(
        rows["note, new case"]
    )
    memory_ratio = verify["long"][1] / verify["tenth"][1]
    summary = {
        "note_ratio": round(note_ratio, 2),
        "verify_seconds": round(verify["long"][0], 2),
        "verify_memory_ratio": round(memory_ratio, 2),
    }
    print(f"RATIO note long/new = {note_ratio:.2f} (target <= {TARGET_NOTE_RATIO})")
    print(f"verify of the long log: {verify['long'][0]:.1f} s (target < {TARGET_VERIFY_SECONDS})")
    print(
        f"RATIO verify peak memory long/tenth = {memory_ratio:.2f} "
        f"(target <= {TARGET_MEMORY_RATIO}: flat in the log's length)"
    )
    print(json.dumps(summary))
    missed = (
        note_ratio > TARGET_NOTE_RATIO
        or verify["long"][0] >= TARGET_VERIFY_SECONDS
        or memory_ratio > TARGET_MEMORY_RATIO
    )
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
