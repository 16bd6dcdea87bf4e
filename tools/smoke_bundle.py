"""Smoke-test the built Linux bundle (dist/evidence-recorder) offline; hold its size to a budget.

    python tools/smoke_bundle.py [BUNDLE_DIR] [--budget-mib N]

In a fresh temporary folder, with no network (`unshare -n` when the kernel allows it, else
with every proxy variable removed, which the output says), it checks that the folder holds
what the program reads at run time and leaves out what it must not carry, then runs:

- evidence-recorder-cli --version, demo, verify (the case and the bundle zip);
- evidence-recorder-cli analyze <shipped sample> --json, which runs OCR from the bundle;
- evidence-recorder --self-test, offscreen, in English and in Chinese (Qt's own and the
  window's translations must load);

then prints the folder's size and its biggest parts. Exit 0 when everything passed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BUNDLE = ROOT / "dist" / "evidence-recorder"
GUI = "evidence-recorder"
CLI = "evidence-recorder-cli"
# Measured on Linux x86_64 (PyInstaller 6.22.3, PySide6 6.11.3, opencv 5.0, onnxruntime 1.32,
# Debian 12): 472.8 MiB with Debian's Python as in CI, 496.3 MiB with a pyenv Python (its
# libpython is not stripped). The budget is the CI size plus 10 %, about one or two releases of
# growth of the big wheels (OpenCV + FFmpeg, Qt, onnxruntime, numpy). It fails on a second Qt
# binding, QtQml/QtQuick with their QML files, or another ML runtime; smaller slips (the GTK
# stack, one Qt module) are caught by name in FORBIDDEN instead.
BUDGET_MIB = 520
TIMEOUT_S = 300

# Found by the program through resources.resource_path(), rapidocr's package folder, Qt's
# library info, or the dynamic loader; relative to _internal/.
REQUIRED = [
    "resources/fonts/wqy-microhei.ttc",
    "resources/fonts/DejaVuSans.ttf",
    "resources/fonts/Symbola.ttf",
    "resources/i18n/evidence_recorder_zh_CN.qm",
    "resources/i18n/core_zh.json",
    "resources/icons/evidence-recorder.svg",
    "resources/lexicon.json",
    "resources/samples/en-downgrade-1.png",
    "rapidocr/config.yaml",
    "rapidocr/models/PP-OCRv6_det_small.onnx",
    "rapidocr/models/PP-OCRv6_rec_small.onnx",
    "onnxruntime/capi/onnxruntime_pybind11_state*",
    "_rl_accel*",  # ReportLab's C accelerator
    "_pillow_heif*",
    "PySide6/Qt/translations/qtbase_zh_CN.qm",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
]
# Must not be there: other Qt bindings, Qt modules the program does not use, GTK.
FORBIDDEN = [
    "PyQt5",
    "PyQt6",
    "PySide2",
    "PySide6/QtQml*",
    "PySide6/QtQuick*",
    "PySide6/QtNetwork*",
    "PySide6/QtWebEngine*",
    "PySide6/QtMultimedia*",
    "PySide6/QtPdf*",
    "PySide6/QtTest*",
    "PySide6/Qt/lib/libQt6Qml*",
    "PySide6/Qt/lib/libQt6Quick*",
    "PySide6/Qt/lib/libQt6WebEngine*",
    "PySide6/Qt/lib/libQt6Pdf*",
    "PySide6/Qt/lib/libQt6Multimedia*",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "libgtk-3.so*",
    "PySide6/Qt/translations/qtbase_de.qm",  # one of the languages left out
    "torch",
]
TRANSLATION_FAILURES = ("translation not found", "translation could not be loaded")


class Smoke:
    """Runs the checks in order, prints each result, remembers the failures."""

    def __init__(self, bundle: Path, work: Path) -> None:
        self.bundle = bundle
        self.work = work
        self.failures: list[str] = []
        self.prefix, self.network_note = _offline_prefix()
        home = work / "home"
        home.mkdir()
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
            env.pop(name, None)  # nothing from the build environment may leak in
        env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_CACHE_HOME=str(home / ".cache"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            EVIDENCE_RECORDER_CONFIG_DIR=str(home / "config"),
            EVIDENCE_RECORDER_NO_CRASH_DIALOG="1",
        )
        self.env = env

    def check(self, name: str, passed: bool, detail: str = "") -> bool:
        print(f"[{'ok' if passed else 'FAIL'}] {name}" + (f": {detail}" if detail else ""))
        if not passed:
            self.failures.append(name)
        return passed

    def run(
        self, program: str, *arguments: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        command = [*self.prefix, str(self.bundle / program), *arguments]
        started = time.monotonic()
        try:
            result = subprocess.run(
                command,
                cwd=self.work,
                env={**self.env, **(env or {})},
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            result = subprocess.CompletedProcess(command, 124, "", f"timed out ({TIMEOUT_S} s)")
        seconds = time.monotonic() - started
        print(
            f"    $ {program} {' '.join(arguments)}  -> exit {result.returncode}, {seconds:.1f} s"
        )
        if result.returncode != 0:
            print(_indent(result.stdout[-2000:] + result.stderr[-4000:]))
        return result

    # -- the checks ---------------------------------------------------------------------

    def layout(self) -> None:
        internal = self.bundle / "_internal"
        for program in (GUI, CLI):
            path = self.bundle / program
            self.check(f"executable {program}", path.is_file() and os.access(path, os.X_OK))
        missing = [p for p in REQUIRED if not any(internal.glob(p))]
        self.check(
            "carries fonts, translations, icon, samples, OCR models, accelerators",
            not missing,
            ", ".join(missing),
        )
        present = [p for p in FORBIDDEN if any(internal.glob(p))]
        self.check(
            "leaves out other Qt bindings, unused Qt modules, GTK", not present, ", ".join(present)
        )

    def command_line(self) -> None:
        import desktop

        version = self.run(CLI, "--version")
        self.check(
            "cli --version",
            version.stdout.strip() == desktop.__version__,
            f"{version.stdout.strip()!r}, source says {desktop.__version__!r}",
        )
        demo = self.run(CLI, "demo", "--out", "demo-case")
        self.check("cli demo", demo.returncode == 0)
        reports = sorted((self.work / "demo-case" / "exports").glob("*.pdf"))
        bundles = sorted((self.work / "demo-case" / "exports").glob("*.zip"))
        self.check("demo wrote a PDF exhibit and a bundle", bool(reports and bundles))
        self.check("cli verify case", self.run(CLI, "verify", "demo-case").returncode == 0)
        if bundles:
            verified = self.run(CLI, "verify", str(bundles[0].relative_to(self.work)))
            self.check("cli verify bundle zip", verified.returncode == 0)

    def ocr(self) -> None:
        sample = self.bundle / "_internal" / "resources" / "samples" / "en-downgrade-1.png"
        result = self.run(CLI, "analyze", str(sample), "--json")
        try:
            record = json.loads(result.stdout)
        except json.JSONDecodeError:
            record = {}
        ocr = record.get("ocr") or {}
        found = [c for c in record.get("controls", []) if isinstance(c, dict)]
        self.check(
            "cli analyze runs OCR from the bundle",
            result.returncode == 0 and ocr.get("engine") == "RapidOCR" and len(found) >= 2,
            f"engine {ocr.get('engine')} {ocr.get('engine_version')}, runtime "
            f"{ocr.get('runtime')} {ocr.get('runtime_version')}, {len(found)} controls found",
        )

    def window(self) -> None:
        offscreen = {"QT_QPA_PLATFORM": "offscreen"}
        for language in ("en", "zh"):
            result = self.run(GUI, "--self-test", "--lang", language, "--debug", env=offscreen)
            output = result.stdout + result.stderr
            self.check(
                f"gui --self-test ({language})", result.returncode == 0 and "self-test ok" in output
            )
            if language == "zh":
                failed = [
                    line
                    for line in output.splitlines()
                    if any(f in line for f in TRANSLATION_FAILURES)
                ]
                self.check(
                    "Qt's and the window's Chinese translations load", not failed, "; ".join(failed)
                )

    def window_report(self) -> None:
        """The window builds a report in its own process (multiprocessing in a frozen app)."""
        if not (self.work / "demo-case").is_dir():
            self.check("gui --self-test with a report", False, "no demo case to use")
            return
        offscreen = {"QT_QPA_PLATFORM": "offscreen"}
        result = self.run(GUI, "--self-test", "demo-case", "--lang", "en", env=offscreen)
        output = result.stdout + result.stderr
        self.check(
            "gui --self-test builds a report in the report process",
            result.returncode == 0 and "self-test report ok" in output,
            output.strip().splitlines()[-1] if output.strip() else "",
        )

    def size(self, budget_mib: float) -> None:
        total = _tree_size(self.bundle)
        internal = self.bundle / "_internal"
        parts = {
            (p.relative_to(self.bundle).as_posix()): _tree_size(p)
            for p in [*self.bundle.iterdir(), *internal.iterdir()]
            if p != internal
        }
        files = {
            p.relative_to(self.bundle).as_posix(): p.stat().st_size
            for p in self.bundle.rglob("*")
            if p.is_file() and not p.is_symlink()
        }
        print(f"\nsize of {self.bundle.name}/: {_mib(total)} ({len(files)} files)")
        print("biggest parts:")
        for name, size in sorted(parts.items(), key=lambda item: -item[1])[:12]:
            print(f"  {_mib(size):>10}  {name}")
        print("biggest files:")
        for name, size in sorted(files.items(), key=lambda item: -item[1])[:8]:
            print(f"  {_mib(size):>10}  {name}")
        self.check(
            f"size within the budget of {budget_mib:.0f} MiB",
            total <= budget_mib * 2**20,
            _mib(total),
        )


def _offline_prefix() -> tuple[list[str], str]:
    """`unshare -n` (a new network namespace: no interfaces but loopback) when it works."""
    unshare = shutil.which("unshare")
    if unshare:
        for prefix in ([unshare, "-n"], [unshare, "-rn"]):
            probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
            if probe.returncode == 0:
                return prefix, f"no network: {' '.join(prefix)} (own network namespace)"
    return [], "no network namespace available: ran with the proxy variables removed only"


def _tree_size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def _indent(text: str) -> str:
    return "\n".join(f"      {line}" for line in text.strip().splitlines())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--budget-mib", type=float, default=BUDGET_MIB)
    args = parser.parse_args(argv)
    bundle = args.bundle.resolve()
    if not (bundle / CLI).is_file():
        print(f"smoke_bundle: no {CLI} in {bundle}; build it with build.spec first")
        return 2
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="evidence-recorder-smoke-") as folder:
        smoke = Smoke(bundle, Path(folder))
        print(f"bundle: {bundle}\nfresh folder: {folder}\n{smoke.network_note}\n")
        steps: list[Callable[[], None]] = [
            smoke.layout,
            smoke.command_line,
            smoke.ocr,
            smoke.window,
            smoke.window_report,
        ]
        for step in steps:
            step()
        smoke.size(args.budget_mib)
    if smoke.failures:
        print(f"\n{len(smoke.failures)} failed: {', '.join(smoke.failures)}")
        return 1
    print("\nall smoke checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
