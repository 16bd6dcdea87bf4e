"""Render tools/samples/*.html to resources/samples/*.png with headless Chromium."""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SRC = REPO_ROOT / "tools" / "samples"
DEFAULT_OUT = REPO_ROOT / "resources" / "samples"

VIEWPORT = (390, 844)  # CSS px
SCALE = 2  # device scale factor
EXPECTED_SIZE = (VIEWPORT[0] * SCALE, VIEWPORT[1] * SCALE)  # 780 x 1688 device px
TIMEOUT_S = 60

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    f"--force-device-scale-factor={SCALE}",
    f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}",
]


class RenderError(RuntimeError):
    """A sample could not be rendered or failed its checks."""


def find_chromium(requested: str | None) -> str:
    """Resolve the Chromium executable from --chromium, $CHROMIUM or 'chromium'."""
    name = requested or os.environ.get("CHROMIUM") or "chromium"
    path = shutil.which(name)
    if path is None:
        raise RenderError(
            f"Chromium executable {name!r} not found; pass --chromium PATH or set CHROMIUM"
        )
    return path


def render(chromium: str, html: Path, png: Path) -> None:
    """Screenshot one HTML file into png using a throw-away Chromium profile."""
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="render-samples-") as profile:
        cmd = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            html.resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"{html.name}: Chromium timed out after {TIMEOUT_S}s") from exc
    if proc.returncode != 0 or not png.is_file():
        tail = "\n".join(proc.stderr.strip().splitlines()[-10:])
        raise RenderError(
            f"{html.name}: Chromium exited with {proc.returncode} and "
            f"{'no' if not png.is_file() else 'a'} screenshot; stderr tail:\n{tail}"
        )


def png_size(png: Path) -> tuple[int, int]:
    """Read width and height from a PNG's IHDR chunk (stdlib only)."""
    head = png.read_bytes()[:24]
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise RenderError(f"{png.name}: not a PNG file")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def decode_png_stdlib(png: Path) -> tuple[int, int, int, bytes]:
    """Decode an 8-bit non-interlaced grey/RGB/RGBA PNG to raw pixels (slow, stdlib only)."""
    data = png.read_bytes()
    width, height = png_size(png)
    bit_depth, colour_type, interlace = data[24], data[25], data[28]
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour_type)
    if bit_depth != 8 or channels is None or interlace:
        raise RenderError(f"{png.name}: unsupported PNG layout for the stdlib check")
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            chunks.append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - channels] if i >= channels else 0
            b = prev[i]
            if kind == 1:
                row[i] = (row[i] + a) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + b) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + ((a + b) >> 1)) & 0xFF
            elif kind == 4:
                c = prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[i] = (row[i] + pred) & 0xFF
        out += row
        prev = row
    return width, height, channels, bytes(out)


def dominant_share(png: Path) -> tuple[int, float]:
    """Return (distinct colours, share of the most common colour) for png."""
    try:
        from PIL import Image
    except ImportError:
        width, height, channels, pixels = decode_png_stdlib(png)
        counts: dict[bytes, int] = {}
        for i in range(0, len(pixels), channels):
            px = pixels[i : i + channels]
            counts[px] = counts.get(px, 0) + 1
        return len(counts), max(counts.values()) / (width * height)
    with Image.open(png) as img:
        rgb = img.convert("RGB")
        colours = rgb.getcolors(maxcolors=rgb.width * rgb.height) or []
        return len(colours), max(n for n, _ in colours) / (rgb.width * rgb.height)


def check(png: Path) -> None:
    """Fail unless png has the expected size and is visibly not blank."""
    size = png_size(png)
    if size != EXPECTED_SIZE:
        raise RenderError(
            f"{png.name}: size {size[0]}x{size[1]}, expected "
            f"{EXPECTED_SIZE[0]}x{EXPECTED_SIZE[1]} (viewport {VIEWPORT}, scale {SCALE})"
        )
    distinct, share = dominant_share(png)
    if distinct < 16 or share > 0.95:
        raise RenderError(
            f"{png.name}: image looks blank ({distinct} distinct colours, "
            f"most common colour covers {share:.1%})"
        )


def optimise(png: Path) -> None:
    """Re-save png losslessly with Pillow's optimize=True, keeping pixels identical."""
    try:
        from PIL import Image, ImageChops
    except ImportError:
        return
    tmp = png.with_name(png.stem + ".opt.png")
    with Image.open(png) as img:
        img.load()
        reference = img.convert("RGBA")
        candidate = (
            img.convert("RGB") if reference.getchannel("A").getextrema()[0] == 255 else reference
        )
    try:
        candidate.save(tmp, optimize=True)
        with Image.open(tmp) as saved:
            identical = ImageChops.difference(saved.convert("RGBA"), reference).getbbox() is None
        if not identical:
            raise RenderError(f"{png.name}: optimised PNG differs from the original pixels")
        if tmp.stat().st_size < png.stat().st_size:
            tmp.replace(png)
    finally:
        tmp.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chromium", help="Chromium executable (default: $CHROMIUM or chromium)")
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC, help="folder of *.html samples")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the *.png files")
    parser.add_argument("--no-optimise", action="store_true", help="keep Chromium's PNG bytes")
    parser.add_argument("names", nargs="*", help="only these samples (stem or file name)")
    args = parser.parse_args(argv)

    try:
        chromium = find_chromium(args.chromium)
        pages = sorted(args.src.glob("*.html"))
        if args.names:
            wanted = {Path(n).stem for n in args.names}
            missing = wanted - {p.stem for p in pages}
            if missing:
                raise RenderError(f"no such sample(s) in {args.src}: {', '.join(sorted(missing))}")
            pages = [p for p in pages if p.stem in wanted]
        if not pages:
            raise RenderError(f"no *.html files in {args.src}")
        args.out.mkdir(parents=True, exist_ok=True)
        for html in pages:
            png = args.out / f"{html.stem}.png"
            render(chromium, html, png)
            check(png)
            if not args.no_optimise:
                optimise(png)
            print(f"{png}  {png.stat().st_size:,} bytes")
    except RenderError as exc:
        print(f"render_samples: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
