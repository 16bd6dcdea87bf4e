"""The command line: every subcommand calls the same core functions the window uses."""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import desktop
from desktop.core.errors import EvidenceError, UsageError
from desktop.core.i18n import set_language, tr
from desktop.core.textsafe import json_printable, printable
from desktop.vocab import EDITS, EventType, Role, TargetKind

log = logging.getLogger(__name__)
# No wait or interval beyond a day (time.sleep() overflows on huge values), no interval
# session beyond 30 days, no scale factor beyond 100.
MAX_SECONDS = 86_400.0
MAX_SESSION_SECONDS = 30 * 86_400.0
MAX_SCALE = 100.0


def _say(*parts: object, file: Any = None, sep: str = " ") -> None:
    """Print one line; text from a case or the command line is shown escaped (textsafe)."""
    print(printable(sep.join(map(str, parts))), file=file or sys.stdout)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        _say(
            tr("error: {message} (see {command} --help)", message=message, command=self.prog),
            file=sys.stderr,
        )
        raise SystemExit(2)


class _SafeFormatter(logging.Formatter):
    """Log messages name files and windows too: shown escaped like everything else."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record), keep_newlines=True)


def _seconds(
    minimum: float, maximum: float = MAX_SECONDS, *, inclusive: bool = True
) -> Callable[[str], float]:
    """An argparse type: a finite number of seconds from `minimum` to `maximum`."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        low_ok = value >= minimum if inclusive else value > minimum
        if not (math.isfinite(value) and low_ok and value <= maximum):
            raise argparse.ArgumentTypeError(
                tr(
                    '"{text}" is not a number of seconds from {minimum:g} to {maximum:g}',
                    text=text,
                    minimum=minimum,
                    maximum=maximum,
                )
            )
        return value

    return parse


def _positive(text: str) -> float:
    """An argparse type: a finite number above 0 (a scale factor)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_SCALE):
        raise argparse.ArgumentTypeError(
            tr(
                '"{text}" is not a number above 0 and up to {maximum:g}',
                text=text,
                maximum=MAX_SCALE,
            )
        )
    return value


def _fraction(text: str) -> float:
    """An argparse type: a finite number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise argparse.ArgumentTypeError(tr('"{text}" is not a number from 0 to 1', text=text))
    return value


def _count(text: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            tr('"{text}" is not a whole number of 1 or more', text=text)
        )
    return value


def _exhibit_prefix(text: str) -> str:
    from desktop.core.export.model import check_numbering

    try:
        check_numbering(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _bates_start(text: str) -> int:
    from desktop.core.export.model import check_numbering

    try:
        value = int(text)
        check_numbering("A", value)
    except ValueError:
        raise argparse.ArgumentTypeError(tr('"{text}" is not a whole number', text=text)) from None
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


def _refuse_undecodable(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Text given on the command line must be UTF-8: it goes into the log as it is.

    Python hands over bytes that are not UTF-8 as lone surrogates; a file name may hold them
    (imports keep it, escaped), but a title, journey, reason or note may not.
    """
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and not _encodes(item):
                parser.error(
                    tr(
                        "the {name} given holds bytes that are not UTF-8 text ({shown}); type "
                        "it again, or set the terminal to UTF-8",
                        name=_option_name(parser, name),
                        shown=printable(item)[:80],
                    )
                )


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _option_name(parser: argparse.ArgumentParser, dest: str) -> str:
    """How a person spelled the argument whose value is args.<dest> (--title, TEXT ...)."""
    stack = [parser]
    while stack:
        current = stack.pop()
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
            elif action.dest == dest:
                return action.option_strings[0] if action.option_strings else dest.upper()
    return dest


def _seq(text: str) -> int:
    try:
        value = int(text.lstrip("#"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            tr('"{text}" is not a sequence number', text=text)
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(tr('"{text}" is not a sequence number', text=text))
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="evidence-recorder",
        description=tr(
            "Record, measure and prove how an app makes it easy to upgrade and hard "
            "to leave. Without a subcommand, opens the window."
        ),
    )
    parser.add_argument("--version", action="version", version=desktop.__version__)
    parser.add_argument("--debug", action="store_true", help=tr("show tracebacks and debug logs"))
    parser.add_argument("--lang", choices=["en", "zh"], help=tr("language of messages"))
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=tr("open the window, show it, close it and exit 0 (for installers and smoke tests)"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    case = commands.add_parser("case", help=tr("create a case folder"))
    case_commands = case.add_subparsers(
        dest="case_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    new = case_commands.add_parser("new", help=tr("create a new case folder"))
    new.add_argument("dir", type=Path)
    new.add_argument("--title", required=True, help=tr("what the complaint is about"))
    new.add_argument("--service", default="", help=tr("the company or service"))
    new.add_argument("--complainant", default="", help=tr("who complains (optional)"))
    new.add_argument("--purpose", default="", help=tr("what the evidence should show"))
    new.set_defaults(run=_cmd_case_new)

    journey = commands.add_parser("journey", help=tr("switch the active journey"))
    journey.add_argument("dir", type=Path)
    journey.add_argument("name", help=tr("for example upgrade or downgrade"))
    journey.set_defaults(run=_cmd_journey)

    imp = commands.add_parser(
        "import", help=tr("import screenshots and screen recordings from a phone")
    )
    imp.add_argument("dir", type=Path)
    imp.add_argument("files", type=Path, nargs="+")
    imp.add_argument("--journey", help=tr("journey the files belong to"))
    imp.set_defaults(run=_cmd_import)

    note = commands.add_parser("note", help=tr("add a timestamped note"))
    note.add_argument("dir", type=Path)
    note.add_argument("text", nargs="?", help=tr("the note (or use --file)"))
    note.add_argument("--file", type=Path, help=tr("read the note from a UTF-8 text file"))
    note.add_argument("--capture", type=_seq, help=tr("attach to the capture with this seq"))
    note.add_argument("--amends", type=_seq, help=tr("amend the note with this seq"))
    note.add_argument("--journey", help=tr("journey the note belongs to"))
    note.add_argument(
        "--dead-end",
        action="store_true",
        help=tr("this step led nowhere (refused, hotline, missing)"),
    )
    note.set_defaults(run=_cmd_note)

    withdraw = commands.add_parser("withdraw", help=tr("withdraw a capture or note, with a reason"))
    withdraw.add_argument("dir", type=Path)
    withdraw.add_argument("seq", type=_seq)
    withdraw.add_argument("--reason", required=True)
    withdraw.set_defaults(run=_cmd_withdraw)

    redact = commands.add_parser(
        "redact",
        help=tr("make a copy of a capture with areas removed (filled black); the original stays"),
    )
    redact.add_argument("dir", type=Path)
    redact.add_argument("--capture", type=_seq, required=True, help=tr("the capture's number"))
    redact.add_argument(
        "--rect",
        action="append",
        required=True,
        metavar="X,Y,W,H",
        help=tr("an area to remove, in pixels of the image; repeat it"),
    )
    redact.add_argument("--reason", required=True, help=tr("why, kept in the log"))
    redact.add_argument(
        "--this-frame-only",
        action="store_true",
        help=tr(
            "for a keyframe of a screen recording: redact this keyframe only (by default the "
            "same areas are redacted in every keyframe of the recording)"
        ),
    )
    redact.set_defaults(run=_cmd_redact)

    show = commands.add_parser("log", help=tr("list the case's events"))
    show.add_argument("dir", type=Path)
    show.add_argument("--json", action="store_true", help=tr("print one JSON document"))
    show.set_defaults(run=_cmd_log)

    verify = commands.add_parser(
        "verify", help=tr("check that nothing in the case or bundle has changed")
    )
    verify.add_argument("dir", type=Path, metavar="DIR|BUNDLE.zip")
    verify.add_argument("--json", action="store_true", help=tr("print one JSON document"))
    _add_tsa_root(verify)
    verify.set_defaults(run=_cmd_verify)

    _add_capture_commands(commands)

    measure = commands.add_parser(
        "analyze", help=tr("measure the promoted and the suppressed control on an image")
    )
    measure.add_argument("target", type=Path, help=tr("an image file, or a case folder"))
    measure.add_argument("--capture", type=_seq, help=tr("with a case folder: the capture's seq"))
    measure.add_argument(
        "--region",
        action="append",
        help=tr(
            '"LABEL:ROLE=X,Y,W,H" (ROLE: promoted, suppressed or other); repeat it; '
            "without it, controls are found by OCR"
        ),
    )
    measure.add_argument("--scale", type=_positive, help=tr("device pixel ratio of the screenshot"))
    measure.add_argument("--json", action="store_true", help=tr("print one JSON document"))
    measure.add_argument("--overlay", type=Path, help=tr("also write the annotated PNG here"))
    measure.set_defaults(run=_cmd_analyze)

    report = commands.add_parser("report", help=tr("write the PDF exhibit of a case"))
    report.add_argument("dir", type=Path)
    report.add_argument("--out", type=Path, help=tr("the PDF file (default: in exports/)"))
    report.add_argument(
        "--lang",
        dest="report_lang",
        choices=["en", "zh"],
        default=None,
        help=tr("language of the report (default: the message language)"),
    )
    report.add_argument(
        "--exhibit-prefix",
        default="A",
        type=_exhibit_prefix,
        help=tr("label of the exhibits, A by default"),
    )
    report.add_argument(
        "--bates-start", type=_bates_start, help=tr("number the pages from N (Bates)")
    )
    report.add_argument("--journey", action="append", help=tr("only this journey (repeat it)"))
    _add_tsa_root(report)
    report.set_defaults(run=_cmd_report)

    stamp = commands.add_parser(
        "timestamp",
        help=tr("have a timestamp authority (RFC 3161) sign the log's last hash"),
    )
    stamp.add_argument("dir", type=Path)
    stamp.add_argument(
        "--tsa", required=True, metavar="URL", help=tr("address of the timestamp authority")
    )
    stamp.add_argument(
        "--timeout",
        type=_seconds(0, inclusive=False),
        default=20.0,
        help=tr("seconds to wait for the answer"),
    )
    _add_tsa_root(stamp)
    stamp.set_defaults(run=_cmd_timestamp)

    export = commands.add_parser(
        "export", help=tr("write the portable evidence bundle (.zip) of a case")
    )
    export.add_argument("dir", type=Path)
    export.add_argument(
        "--out", type=Path, required=True, help=tr("the bundle file, such as case.zip")
    )
    export.add_argument("--report", type=Path, help=tr("also put this PDF report in the bundle"))
    export.add_argument(
        "--overwrite", action="store_true", help=tr("replace the file if it already exists")
    )
    export.set_defaults(run=_cmd_export)

    demo = commands.add_parser("demo", help=tr("build a sample case from shipped screenshots"))
    demo.add_argument("--out", type=Path, help=tr("folder for the sample case"))
    demo.set_defaults(run=_cmd_demo)
    return parser


def _add_tsa_root(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--tsa-root",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help=tr(
            "a root certificate (PEM or DER) you trust for timestamp authorities, besides the "
            "system's; repeat it"
        ),
    )


def _tsa_roots(args: argparse.Namespace) -> Any:
    """The roots a timestamp must chain to: the system's plus every --tsa-root file."""
    from desktop.core.proof.tsa_trust import trust_roots

    return trust_roots(args.tsa_root) if args.tsa_root else None


def _print_timestamp(shown: dict[str, Any]) -> None:
    """One timestamp in words: trusted or not, then any clock warning."""
    if shown["trusted"]:
        _say(tr("Trusted time: {statement}", statement=shown["statement"]))
    else:
        _say(tr("Untrusted timestamp: {statement}", statement=shown["statement"]))
    for warning in shown["warnings"]:
        _say(tr("WARNING: {message}", message=warning["message"]))


def _add_capture_commands(commands: Any) -> None:
    capture = commands.add_parser(
        "capture", help=tr("capture the screen, a monitor, a region or a window")
    )
    capture.add_argument("dir", type=Path)
    where = capture.add_mutually_exclusive_group()
    where.add_argument("--monitor", type=int, help=tr("monitor number (1 is the first)"))
    where.add_argument("--region", help=tr("X,Y,W,H in physical pixels of the virtual screen"))
    where.add_argument("--window", help=tr("part of the window's title, or its id"))
    capture.add_argument("--journey", help=tr("journey the capture belongs to"))
    capture.add_argument("--delay", type=_seconds(0), default=0.0, help=tr("seconds to wait first"))
    capture.add_argument(
        "--every", type=_seconds(0.5), help=tr("capture every S seconds (at least 0.5)")
    )
    until = capture.add_mutually_exclusive_group()
    until.add_argument("--count", type=_count, help=tr("stop after N ticks"))
    until.add_argument(
        "--for",
        dest="duration",
        type=_seconds(0, MAX_SESSION_SECONDS, inclusive=False),
        help=tr("stop after S seconds"),
    )
    capture.add_argument(
        "--change-threshold",
        type=_fraction,
        default=None,
        help=tr("fraction of pixels that must change for a new file (default 0.0005)"),
    )
    capture.add_argument(
        "--backend",
        choices=["auto", "mss", "portal"],
        default="auto",
        help=tr("how to read the screen (auto: the portal on Wayland, mss elsewhere)"),
    )
    capture.set_defaults(run=_cmd_capture)

    windows = commands.add_parser("windows", help=tr("list the windows that can be captured"))
    windows.set_defaults(run=_cmd_windows)
    screens = commands.add_parser("screens", help=tr("list the monitors and their coordinates"))
    screens.set_defaults(run=_cmd_screens)


def _print_json(value: object) -> None:
    print(json_printable(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)))


def _cmd_case_new(args: argparse.Namespace) -> int:
    from desktop.core.store.case import create_case

    writer = create_case(
        args.dir,
        title=args.title,
        service=args.service,
        complainant=args.complainant,
        purpose=args.purpose,
    )
    _say(tr("Created case {folder} ({title}).", folder=writer.folder, title=args.title))
    return 0


def _cmd_journey(args: argparse.Namespace) -> int:
    from desktop.core.store.case import CaseWriter

    writer = CaseWriter(args.dir)
    event = writer.start_journey(args.name)
    if event is None:
        _say(tr("The active journey already is {name}.", name=args.name))
    else:
        _say(tr("#{seq} active journey: {name}", seq=event.seq, name=args.name))
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from desktop.core.ingest.images import import_files
    from desktop.core.store.case import CaseWriter

    with CaseWriter(args.dir) as writer:
        result = import_files(writer, args.files, journey=args.journey)
    for event in result.events:
        _say(
            tr(
                "#{seq} imported {name} -> {path} (sha256 {digest})",
                seq=event.seq,
                name=event.data["source"]["name"],
                path=event.data["file"]["path"],
                digest=event.data["file"]["sha256"],
            )
        )
    for video in result.videos:
        _say(
            tr(
                "#{seq} {name}: kept {kept} keyframes of {read} frames in derived/",
                seq=video.import_event.seq,
                name=video.import_event.data["source"]["name"],
                kept=video.frames_kept,
                read=video.frames_read,
            )
        )
    for failure in result.failures:
        _say(tr("not imported: {message}", message=failure.message), file=sys.stderr)
    if result.failures:
        _say(
            tr(
                "{ok} imported, {failed} not imported.",
                ok=len(result.events),
                failed=len(result.failures),
            ),
            file=sys.stderr,
        )
        return 1
    return 0


def _cmd_note(args: argparse.Namespace) -> int:
    from desktop.core.store.case import CaseWriter

    if (args.text is None) == (args.file is None):
        raise UsageError(tr("Give the note as TEXT or with --file PATH (one of them)."))
    if args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(
                tr(
                    "Cannot read the note from {path}: {reason}. Save it as UTF-8 text.",
                    path=args.file,
                    reason=error,
                )
            ) from error
    else:
        text = args.text
    writer = CaseWriter(args.dir)
    event = writer.add_note(
        text, capture=args.capture, amends=args.amends, journey=args.journey, dead_end=args.dead_end
    )
    _say(tr("#{seq} note saved.", seq=event.seq))
    return 0


def _cmd_withdraw(args: argparse.Namespace) -> int:
    from desktop.core.store.case import CaseWriter

    with CaseWriter(args.dir) as writer:
        event = writer.withdraw(args.seq, args.reason)
    _say(
        tr(
            "#{seq} withdrew #{target}; it stays in the case, marked withdrawn.",
            seq=event.seq,
            target=args.seq,
        )
    )
    return 0


def _cmd_redact(args: argparse.Namespace) -> int:
    from desktop.core.capture.screens import parse_region
    from desktop.core.edit.redact import Edit, edit_capture
    from desktop.core.store.case import CaseWriter, named_files

    rects = [parse_region(text) for text in args.rect]
    edits = [Edit("redact", r.x, r.y, r.width, r.height) for r in rects]
    with CaseWriter(args.dir) as writer:
        event = edit_capture(
            writer, args.capture, edits, args.reason, all_keyframes=not args.this_frame_only
        )
    _say(
        tr(
            "#{seq}: {count} areas of #{capture} removed in {path}; reports fill them in every "
            "image and bundles leave the original out.",
            seq=event.seq,
            count=len(edits),
            capture=args.capture,
            path=named_files(event)[0].path,
        )
    )
    from desktop.core.edit.redact import inline_text_warning, keyframe_scope_text, text_left_in_log
    from desktop.core.store.log import LOG_NAME, scan_log

    scope = keyframe_scope_text(event.data)
    if scope:
        _say(scope)
    left = text_left_in_log(scan_log(args.dir / LOG_NAME, check=False).events, event)
    if left:
        _say(inline_text_warning(left))
    return 0


def _capture_target(args: argparse.Namespace) -> Any:
    from desktop.core.capture.grab import CaptureTarget
    from desktop.core.capture.screens import parse_region

    if args.monitor is not None:
        return CaptureTarget(TargetKind.MONITOR, monitor=args.monitor)
    if args.region is not None:
        return CaptureTarget(TargetKind.REGION, region=parse_region(args.region))
    if args.window is not None:
        return CaptureTarget(TargetKind.WINDOW, window=args.window)
    return CaptureTarget(TargetKind.SCREEN)


def _word(kind: str) -> str:
    words = {
        "screen": tr("screen"),
        "monitor": tr("monitor"),
        "region": tr("region"),
        "window": tr("window"),
        "skipped": tr("skipped"),
        Role.PROMOTED: tr("promoted"),
        Role.SUPPRESSED: tr("suppressed"),
        Role.OTHER: tr("other"),
        "failed": tr("failed"),
    }
    return words.get(kind, kind)


def _report_capture(event: Any) -> None:
    from desktop.core.capture.checks import hint_text, reason_text

    capture, image, check = event.data["capture"], event.data["image"], event.data["check"]
    _say(
        tr(
            "#{seq} captured {kind} {width}x{height} -> {path} (sha256 {digest})",
            seq=event.seq,
            kind=_word(capture["target"]["kind"]),
            width=image["width"],
            height=image["height"],
            path=event.data["file"]["path"],
            digest=event.data["file"]["sha256"],
        )
    )
    if check["suspect"]:
        _say(
            tr(
                "warning: #{seq} is kept but marked suspect: {reason}",
                seq=event.seq,
                reason=reason_text(check["reason"], check["colour"]),
            ),
            file=sys.stderr,
        )
        for hint in check["hints"]:
            _say("  - " + hint_text(hint), file=sys.stderr)


def _cmd_capture(args: argparse.Namespace) -> int:
    import time

    from desktop.core.capture.backends import open_backend
    from desktop.core.capture.grab import (
        DEFAULT_CHANGE_THRESHOLD,
        capture_once,
        run_interval,
    )
    from desktop.core.store.case import CaseWriter

    if (args.count is not None or args.duration is not None) and args.every is None:
        raise UsageError(tr("--count and --for go with --every S."))
    target = _capture_target(args)
    with CaseWriter(args.dir) as writer:
        backend = open_backend(args.backend)
        try:
            if args.delay > 0:
                time.sleep(args.delay)
            if args.every is None:
                outcome = capture_once(writer, backend, target, journey=args.journey)
                _report_capture(outcome.event)
                return 0

            def show(kind: str, event: Any) -> None:
                if kind == "stored":
                    _report_capture(event)
                elif kind == "unchanged":
                    _say(
                        tr(
                            "#{seq} unchanged since #{same}",
                            seq=event.seq,
                            same=event.data["same_as"],
                        )
                    )
                elif event is not None:
                    _say(tr("#{seq} tick {kind}", seq=event.seq, kind=_word(kind)))

            report = run_interval(
                writer,
                backend,
                target,
                every=args.every,
                count=args.count,
                duration=args.duration,
                journey=args.journey,
                on_tick=show,
                change_threshold=(
                    DEFAULT_CHANGE_THRESHOLD
                    if args.change_threshold is None
                    else args.change_threshold
                ),
            )
            _say(
                tr(
                    "{ticks} ticks: {stored} stored, {unchanged} unchanged, {skipped} skipped, "
                    "{failed} failed.",
                    ticks=report.ticks,
                    stored=len(report.stored),
                    unchanged=report.unchanged,
                    skipped=report.skipped,
                    failed=report.failed,
                )
            )
            return 1 if report.failed else 0
        finally:
            backend.close()


def _cmd_analyze(args: argparse.Namespace) -> int:
    from desktop.core.analysis.engine import analyze, parse_region
    from desktop.core.analysis.image import load_image
    from desktop.core.analysis.overlay import render_overlay

    specs = [parse_region(text) for text in args.region] if args.region else None
    if args.target.is_dir():
        from desktop.core.analysis.record import analyze_capture
        from desktop.core.store.case import CaseWriter

        if args.capture is None:
            raise UsageError(tr("With a case folder, give the capture to measure: --capture SEQ."))
        with CaseWriter(args.target) as writer:
            recorded = analyze_capture(writer, args.capture, specs, scale=args.scale)
        result, overlay = recorded.result, recorded.overlay_path.read_bytes()
    else:
        if args.capture is not None:
            raise UsageError(tr("--capture goes with a case folder, not an image file."))
        result = analyze(load_image(args.target, scale=args.scale), specs)
        overlay = render_overlay(result) if args.overlay else b""
        recorded = None
    if args.overlay:
        args.overlay.write_bytes(overlay)
    if args.json:
        _print_json(result.as_data())
        return 0
    _print_analysis(result)
    if recorded is not None:
        _say(
            tr(
                "#{seq} analysis logged; overlay: {path}",
                seq=recorded.event.seq,
                path=recorded.overlay_path,
            )
        )
    return 0


def _print_analysis(result: Any) -> None:
    from desktop.core.analysis.color import hex_colour
    from desktop.core.i18n import current_language

    for control in result.controls:
        width, height = control.extent_css[2:]
        contrast = "-" if control.text_contrast is None else f"{control.text_contrast:.2f}:1"
        text = "-" if control.text_color is None else hex_colour(control.text_color)
        _say(
            tr(
                '{id} {role} "{label}": {width:g} x {height:g} CSS px, text {text} on '
                "{fill} (contrast {contrast}), background {background}, weight {weight:,.0f}",
                id=control.id,
                role=_word(control.spec.role),
                label=control.spec.label,
                width=width,
                height=height,
                text=text,
                fill=hex_colour(control.fill_color),
                contrast=contrast,
                background=hex_colour(control.background_color),
                weight=control.visual_weight,
            )
        )
    language = current_language()
    for comparison in result.comparisons:
        for sentence in comparison.statements.get(language, []):
            _say("  " + sentence)
    if not result.comparisons:
        _say(tr("No promoted and suppressed pair to compare."))
    for caveat in result.image.caveats:
        _say(tr("note: {caveat}", caveat=caveat))


def _cmd_windows(args: argparse.Namespace) -> int:
    from desktop.core.capture.windows import list_windows

    for window in list_windows():
        rect = ",".join(map(str, window.rect.as_list()))
        _say(f"0x{window.id:x}  {rect:<22} {window.process or '-':<16} {window.title}")
    return 0


def _cmd_screens(args: argparse.Namespace) -> int:
    from desktop.core.capture.backends import open_backend

    backend = open_backend("mss")
    try:
        for monitor in backend.layout.monitors:  # type: ignore[attr-defined]
            rect = ",".join(map(str, monitor.rect.as_list()))
            scale = "?" if monitor.scale is None else f"{monitor.scale:g}"
            _say(
                tr(
                    "monitor {index}: {rect} scale {scale}",
                    index=monitor.index,
                    rect=rect,
                    scale=scale,
                )
            )
    finally:
        backend.close()
    return 0


def _summary(event_type: str, data: dict[str, object]) -> str:
    """One line about an event for `log`; a doctored event's odd data never stops the listing."""
    from desktop.core.store.log import DATA_ERRORS

    try:
        return _summary_of(event_type, data)
    except DATA_ERRORS:
        return tr("(data of an unexpected form; see log --json)")


def _summary_of(event_type: str, data: dict[str, object]) -> str:
    if event_type == EventType.NOTE:
        text = str(data.get("text", "")).replace("\n", " ")
        extra = []
        if data.get("attached_to") is not None:
            extra.append(f"@#{data['attached_to']}")
        if data.get("amends") is not None:
            extra.append(tr("amends #{seq}", seq=data["amends"]))
        short = text if len(text) <= 80 else text[:79] + "…"
        return " ".join([*extra, short])
    if isinstance(data.get("file"), dict):
        file = data["file"]
        assert isinstance(file, dict)
        return f"{file['path']}  sha256:{str(file['sha256'])[:16]}…"
    if event_type == EventType.JOURNEY:
        return str(data.get("name"))
    if event_type == EventType.MARK:
        return f'@#{data.get("capture")} {_word(str(data.get("role")))} "{data.get("label")}"'
    if event_type == EventType.ANALYSIS:
        from desktop.core.analysis.compare import logged_ratio

        result = data.get("result")
        comparisons = result.get("comparisons", []) if isinstance(result, dict) else []
        parts = [
            tr(
                "area x{area:.1f}, weight x{weight:.1f}",
                area=logged_ratio(c["area_ratio"]),
                weight=logged_ratio(c["visual_weight_ratio"]),
            )
            + (" " + tr("asymmetric") if c["asymmetric"] else "")
            for c in comparisons
        ]
        return f"@#{data.get('capture')} " + "; ".join(parts)
    if event_type == EventType.WITHDRAW:
        return tr("withdraws #{seq}: {reason}", seq=data.get("target"), reason=data.get("reason"))
    if event_type in EDITS:
        edits = data.get("edits")
        removed = (
            sum(1 for e in edits if isinstance(e, dict) and e.get("kind") == "redact")
            if isinstance(edits, list)
            else 0
        )
        text = (
            tr(
                "@#{capture} {count} areas removed: {reason}",
                capture=data.get("capture"),
                count=removed,
                reason=data.get("reason"),
            )
            if event_type == EventType.REDACTION
            else tr(
                "@#{capture} annotated: {reason}",
                capture=data.get("capture"),
                reason=data.get("reason"),
            )
        )
        from desktop.core.edit.redact import keyframe_scope_text

        scope = keyframe_scope_text(data)
        return f"{text}. {scope}" if scope else text
    if event_type == EventType.TIMESTAMP:
        return tr(
            "covers #{seq}, {time} by {tsa}",
            seq=data.get("covers_seq"),
            time=data.get("gen_time"),
            tsa=data.get("tsa_name"),
        )
    if event_type == EventType.CASE_OPENED:
        return str(data.get("title"))
    if event_type == EventType.ENVIRONMENT:
        os_info = data.get("os")
        return str(os_info.get("platform")) if isinstance(os_info, dict) else ""
    return ""


def _cmd_log(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from desktop.core.store.case import read_case_info
    from desktop.core.store.log import LOG_NAME, scan_log

    info = read_case_info(args.dir)
    scan = scan_log(args.dir / LOG_NAME)
    if args.json:
        _print_json(
            {
                "case": asdict(info),
                "events": [event.to_record() for event in scan.events],
                "problems": [asdict(problem) for problem in scan.problems],
                "torn_tail": asdict(scan.torn) if scan.torn else None,
            }
        )
        return 0
    _say(tr("Case: {title}", title=info.title))
    for event in scan.events:
        clock = "  ⚠ " + json.dumps(event.clock) if event.clock else ""
        _say(
            f"#{event.seq:<5} {event.local:<29} {event.journey or '-':<12} {event.type:<12} "
            f"{_summary(event.type, event.data)}{clock}"
        )
    if scan.problems or scan.torn:
        _say(tr("The log has problems; run: evidence-recorder verify {folder}", folder=args.dir))
    return 0


def _cmd_timestamp(args: argparse.Namespace) -> int:
    from desktop.core.proof.timestamp import checked_timestamp, request_timestamp
    from desktop.core.store.case import CaseWriter

    roots = _tsa_roots(args)  # a bad --tsa-root file stops before anything is sent
    with CaseWriter(args.dir) as writer:
        event = request_timestamp(writer, args.tsa, timeout=args.timeout)
    shown = checked_timestamp(args.dir, event, roots)
    _say(f"#{event.seq}")
    _print_timestamp(shown)
    _say(tr("Token: {path}", path=shown["token"]))
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from desktop.core.proof.verify import verify_case

    if args.dir.is_file() or args.dir.suffix.lower() == ".zip":
        from desktop.core.export.bundle import verify_bundle

        report = verify_bundle(args.dir, tsa_roots=_tsa_roots(args))
    else:
        report = verify_case(args.dir, tsa_roots=_tsa_roots(args))
    if args.json:
        _print_json(report.as_json())
    else:
        _say(tr("Case: {title} ({folder})", title=report.title, folder=report.case))
        _say(
            tr(
                "Checked {events} log lines and {files} files.",
                events=report.events,
                files=report.files_checked,
            )
        )
        for shown in report.timestamps:
            _print_timestamp(shown)
        for name in report.withheld:
            _say(
                tr(
                    "Left out on purpose (it shows redacted pixels; its logged SHA-256 "
                    "matches): {name}",
                    name=name,
                )
            )
        for problem in report.problems:
            _say(tr("PROBLEM {where}: {message}", where=problem.where, message=problem.message))
        if report.ok:
            _say(tr("Everything verifies. Last log hash: {hash}", hash=report.last_hash))
        else:
            _say(tr("{count} problems found.", count=len(report.problems)))
    return 0 if report.ok else 1


def _cmd_report(args: argparse.Namespace) -> int:
    from desktop.core.export.pdf import build_report, log_report
    from desktop.core.i18n import current_language
    from desktop.core.store.case import CaseWriter

    language = args.report_lang or current_language()
    with CaseWriter(args.dir) as writer:
        result = build_report(
            args.dir,
            args.out,
            language=language,
            exhibit_prefix=args.exhibit_prefix,
            bates_start=args.bates_start,
            journeys=args.journey,
            tsa_roots=args.tsa_root,
        )
        log_report(writer, result, language)
    _say(
        tr(
            "Report written: {path} ({pages} pages, sha256 {digest}).",
            path=result.path,
            pages=result.pages,
            digest=result.sha256,
        )
    )
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from desktop.core.export.bundle import export_bundle
    from desktop.core.store.case import CaseWriter

    with CaseWriter(args.dir) as writer:
        result = export_bundle(writer, args.out, report_pdf=args.report, overwrite=args.overwrite)
    assert result.event is not None
    _say(
        tr(
            "Bundle written: {path} ({files} files, sha256 {digest}). It holds the log up to "
            "line {lines}, last hash {hash}.",
            path=result.path,
            files=result.files,
            digest=result.sha256,
            lines=result.lines,
            hash=result.last_hash,
        )
    )
    for name in sorted(result.withheld):
        _say(
            tr(
                "Left out of the bundle because it shows redacted pixels: {name} (listed with "
                "its SHA-256 in withheld-sha256.txt).",
                name=name,
            )
        )
    _say(
        tr(
            "#{seq} export logged. Check the bundle with: evidence-recorder verify {path}",
            seq=result.event.seq,
            path=result.path,
        )
    )
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from desktop.core.demo import build_demo_case
    from desktop.core.i18n import current_language
    from desktop.core.proof.verify import verify_case

    folder = args.out or Path.cwd() / f"evidence-demo-{datetime.now():%Y%m%d-%H%M%S}"
    result = build_demo_case(folder, language=current_language())
    report = verify_case(folder)
    _say(
        tr(
            "Sample case built in {folder}: {imported} screenshots, {notes} notes, two "
            "journeys (upgrade, downgrade).",
            folder=result.folder,
            imported=result.imported,
            notes=result.notes,
        )
    )
    _say(
        tr(
            "Measured {analyses} screenshots: {asymmetric} show an asymmetric pair of controls.",
            analyses=result.analyses,
            asymmetric=result.asymmetric,
        )
    )
    _say(
        tr(
            "Checked {events} log lines and {files} files.",
            events=report.events,
            files=report.files_checked,
        )
    )
    _say(tr("PDF exhibit: {path}", path=result.report))
    _say(tr("Evidence bundle: {path}", path=result.bundle))
    _say(tr("See it with: evidence-recorder log {folder}", folder=result.folder))
    return 0 if report.ok else 1


def _open_window(argv: Sequence[str]) -> int:
    try:
        from desktop.app.main import main as window_main
    except ImportError as error:  # PySide6 missing or its system libraries (libxcb-cursor0 ...)
        _say(
            tr(
                "The window cannot start: {reason}. Install the program's dependencies (on "
                "Linux also libxcb-cursor0 and libegl1), or use a subcommand; see "
                "evidence-recorder --help.",
                reason=error,
            ),
            file=sys.stderr,
        )
        return 2
    return window_main(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # a frozen build starts report processes through here
    arguments = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        reconfigure: Callable[..., None] | None = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    if "--lang" in arguments[:-1]:
        language = arguments[arguments.index("--lang") + 1]
        if language in ("en", "zh"):
            set_language(language)
    parser = build_parser()
    words = [a for a in arguments if not a.startswith("-") and a not in ("en", "zh")]
    commands = {
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }
    if words and words[0] not in commands and Path(words[0]).is_dir():
        return _open_window(arguments)  # "evidence-recorder CASE_FOLDER": open it in the window
    args = parser.parse_args(arguments)
    _refuse_undecodable(parser, args)
    handler = logging.StreamHandler()
    handler.setFormatter(_SafeFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING, handlers=[handler])
    if args.command is None:
        return _open_window(arguments)
    try:
        code: int = args.run(args)
    except EvidenceError as error:
        if args.debug:
            log.exception("command failed")
        _say(tr("error: {message}", message=error), file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:  # the output was piped into a program that stopped reading
        return 0
    except KeyboardInterrupt:
        _say(tr("Stopped. Everything saved before the stop is kept."), file=sys.stderr)
        return 130
    except OSError as error:
        if args.debug:
            raise
        _say(tr("error: {message}", message=error), file=sys.stderr)
        return 1
    return code
