"""Measurement speed on 1920 x 1080: a given pair; automatic location against bare OCR."""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.core.analysis.engine import analyze, parse_region  # noqa: E402
from desktop.core.analysis.image import LoadedImage, load_image  # noqa: E402
from resources import resource_path  # noqa: E402

PAIR_TARGET_MS = 150
LOCATE_TARGET = 1.3


def screen() -> LoadedImage:
    """A 1920 x 1080 desktop: a screenshot-like page with an upgrade dialog at a known place."""
    from PIL import Image, ImageDraw, ImageFont

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from import_bench import render_screenshot

    page = Image.fromarray(render_screenshot(7)[:, :, ::-1])
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(resource_path("fonts", "wqy-microhei.ttc")), 22)
    small = ImageFont.truetype(str(resource_path("fonts", "wqy-microhei.ttc")), 14)
    draw.rounded_rectangle((660, 300, 1260, 760), 16, fill=(255, 255, 255))
    draw.text((700, 340), "升级到高级会员 Upgrade to Premium", fill=(32, 33, 36), font=font)
    draw.rounded_rectangle((760, 600, 1160, 664), 32, fill=(255, 77, 26))
    draw.text((880, 616), "立即升级 Upgrade", fill=(255, 255, 255), font=font)
    draw.text((905, 690), "暂不 No thanks", fill=(190, 193, 198), font=small)
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    return load_image(buffer.getvalue(), scale=1.0)


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    image = screen()
    specs = [
        parse_region("立即升级:promoted=770,610,380,44"),
        parse_region("暂不:suppressed=900,686,110,24"),
    ]
    analyze(image, specs)  # warm up (imports, caches)
    pair = timed(lambda: analyze(image, specs), args.rounds)
    pair_ms = 1000 * statistics.median(pair)
    print(
        f"measure a given pair on 1920x1080: median {pair_ms:.0f} ms "
        f"(min {1000 * min(pair):.0f}, max {1000 * max(pair):.0f}) target <= {PAIR_TARGET_MS}"
    )
    try:
        from desktop.core.analysis.locate import find_candidates
        from desktop.core.analysis.ocr import recognize
    except ImportError as error:
        print(f"automatic location: skipped ({error})")
        return 1 if args.check else 0
    recognize(image.rgb)  # load the models once
    bare: list[float] = []
    located: list[float] = []
    full: list[float] = []
    for _ in range(args.rounds):  # interleaved, so load on the machine hits both alike
        bare += timed(lambda: recognize(image.rgb), 1)
        located += timed(lambda: find_candidates(image.rgb), 1)
        full += timed(lambda: analyze(image, None), 1)
    ocr_s, locate_s, full_s = (statistics.median(v) for v in (bare, located, full))
    found = analyze(image, None)
    roles = sorted((c.spec.role, c.spec.label) for c in found.controls)
    print(f"bare OCR: median {1000 * ocr_s:.0f} ms")
    print(
        f"automatic location (OCR + lexicon + merging): {1000 * locate_s:.0f} ms, "
        f"ratio {locate_s / ocr_s:.2f} (target <= {LOCATE_TARGET})"
    )
    print(
        f"automatic analysis (location + extents + measurement + comparison): "
        f"{1000 * full_s:.0f} ms, ratio {full_s / ocr_s:.2f}"
    )
    print(f"found: {roles}")
    print(
        f"RATIO locate/ocr = {locate_s / ocr_s:.2f} (target <= {LOCATE_TARGET}); "
        f"PAIR {pair_ms:.0f} ms (target <= {PAIR_TARGET_MS})"
    )
    missed = pair_ms > PAIR_TARGET_MS or locate_s / ocr_s > LOCATE_TARGET
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
