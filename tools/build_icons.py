"""Render the program icon (resources/icons/evidence-recorder.svg) to PNG, ICO and ICNS.

    python tools/build_icons.py [OUT_DIR]      # default: build/icons

Writes evidence-recorder-<N>.png for N in SIZES, evidence-recorder.ico (Windows: 16-256) and
evidence-recorder.icns (macOS: 16-1024 via Pillow). QtSvg renders the SVG (no application
object needed for a QImage); Pillow writes the ICO and ICNS containers. The build spec runs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "evidence-recorder.svg"
NAME = "evidence-recorder"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # the sizes Windows asks an .ico for


def render_png(svg: Path, size: int, target: Path) -> Path:
    """One square PNG of the SVG at size x size pixels, transparent around the drawing."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"build_icons: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(target), "PNG"):
        raise SystemExit(f"build_icons: cannot write {target}")
    return target


def build(out_dir: Path, svg: Path = SVG) -> dict[str, Path]:
    """Every PNG size, the .ico and the .icns in out_dir; returns them by name."""
    from PIL import Image

    out_dir.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    for size in SIZES:
        made[f"{size}"] = render_png(svg, size, out_dir / f"{NAME}-{size}.png")
    # Each container gets the renders made for its own sizes (not one image scaled down), so
    # the 16 px entry is the crisp 16 px render.
    largest = Image.open(made["256"])
    ico = out_dir / f"{NAME}.ico"
    largest.save(
        ico,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[Image.open(made[str(s)]) for s in ICO_SIZES if s != 256],
    )
    made["ico"] = ico
    icns = out_dir / f"{NAME}.icns"
    Image.open(made["1024"]).save(
        icns,
        format="ICNS",
        append_images=[Image.open(made[str(s)]) for s in (16, 32, 64, 128, 256, 512)],
    )
    made["icns"] = icns
    return made


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else ROOT / "build" / "icons"
    made = build(out_dir)
    print(f"{len(made)} icon files in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
