"""Load an image for measurement: sRGB, 8 bits, no alpha, with every conversion stated."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from desktop.core.errors import EvidenceError
from desktop.core.i18n import tr

MIN_SIDE = 8
MAX_PIXELS = 150_000_000
LOSSY_FORMATS = {"JPEG", "MPO", "HEIF", "HEIC", "AVIF"}


class AnalysisInputError(EvidenceError):
    """An image or region that cannot be measured."""


@dataclass(frozen=True)
class LoadedImage:
    """Pixels ready to measure, and what was done to get them."""

    rgb: npt.NDArray[np.uint8] = field(repr=False)
    sha256: str
    width: int
    height: int
    scale: float
    scale_source: str  # "user", "case" or "assumed"
    lossy: bool
    format: str
    path: str | None = None
    caveats: tuple[str, ...] = ()

    def as_data(self) -> dict[str, object]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "width": self.width,
            "height": self.height,
            "scale": self.scale,
            "scale_source": self.scale_source,
            "lossy": self.lossy,
            "format": self.format,
            "caveats": list(self.caveats),
        }


def load_image(
    source: Path | bytes, *, scale: float | None = None, scale_source: str | None = None
) -> LoadedImage:
    """Decode, convert to 8-bit sRGB RGB, and note each conversion as a caveat."""
    from PIL import Image, ImageCms, UnidentifiedImageError

    data = source if isinstance(source, bytes) else _read(source)
    name = "image" if isinstance(source, bytes) else source.name
    if data[4:8] == b"ftyp":
        from desktop.core.ingest.images import _heif_support

        _heif_support()
    try:
        image: Image.Image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise AnalysisInputError(
                tr(
                    "{name} is too large to measure ({width} x {height} pixels).",
                    name=name,
                    width=image.width,
                    height=image.height,
                )
            )
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise AnalysisInputError(
            tr(
                "{name} is not an image this program can measure (PNG, JPEG, WebP or HEIC).",
                name=name,
            )
        ) from error
    caveats: list[str] = []
    fmt = (image.format or "").upper()
    if image.width < MIN_SIDE or image.height < MIN_SIDE:
        raise AnalysisInputError(
            tr(
                "{name} is only {width} x {height} pixels; measuring needs at least {side} x "
                "{side}.",
                name=name,
                width=image.width,
                height=image.height,
                side=MIN_SIDE,
            )
        )
    icc = image.info.get("icc_profile")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        values = np.asarray(image, dtype=np.uint32)
        top = 65535 if image.mode.startswith("I;16") or values.max() > 255 else 255
        image = Image.fromarray((values * 255 // top).astype(np.uint8), "L")
        caveats.append("16-bit greyscale reduced to 8 bits")
    if image.mode == "P":
        image = image.convert("RGBA")
        caveats.append("palette image expanded")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "RGB" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        alpha = np.asarray(rgba)[..., 3]
        if alpha.min() < 255:
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image = Image.alpha_composite(white, rgba)
            caveats.append("transparent pixels flattened onto white")
        image = rgba.convert("RGB") if alpha.min() == 255 else image.convert("RGB")
    if icc:
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode not in ("RGB", "CMYK", "L"):
                image = image.convert("RGB")
            converted = ImageCms.profileToProfile(
                image, source_profile, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
            if converted is not None:
                image = converted
            caveats.append("embedded ICC profile converted to sRGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            caveats.append("embedded ICC profile could not be applied; sRGB assumed")
    else:
        caveats.append("no ICC profile: sRGB assumed")
    if image.mode == "CMYK":
        caveats.append("CMYK converted to RGB without a profile (colours approximate)")
    if image.mode != "RGB":
        if image.mode == "L":
            caveats.append("greyscale image")
        image = image.convert("RGB")
    lossy = fmt in LOSSY_FORMATS or (fmt == "WEBP" and b"VP8L" not in data[12:4096])
    if lossy:
        caveats.append("lossy input: colours were clustered before taking modes")
    if scale is None:
        scale, scale_source = 1.0, "assumed"
        caveats.append("scale factor unknown: 1.0 assumed (CSS px = physical px)")
    elif scale <= 0:
        raise AnalysisInputError(tr("The scale factor must be above 0 (for example 2)."))
    rgb = np.ascontiguousarray(np.asarray(image, dtype=np.uint8))
    return LoadedImage(
        rgb=rgb,
        sha256=hashlib.sha256(data).hexdigest(),
        width=rgb.shape[1],
        height=rgb.shape[0],
        scale=float(scale),
        scale_source=scale_source or "user",
        lossy=lossy,
        format=fmt or "?",
        path=None if isinstance(source, bytes) else str(source),
        caveats=tuple(caveats),
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise AnalysisInputError(
            tr("Cannot read {path}: {reason}.", path=path, reason=error.strerror or error)
        ) from error


def caveat_text(caveat: str) -> str:
    """A caveat as logged (English, fixed) in the language of the messages."""
    words = {
        "16-bit greyscale reduced to 8 bits": tr("16-bit greyscale reduced to 8 bits"),
        "palette image expanded": tr("palette image expanded"),
        "transparent pixels flattened onto white": tr("transparent pixels flattened onto white"),
        "embedded ICC profile converted to sRGB": tr("embedded ICC profile converted to sRGB"),
        "embedded ICC profile could not be applied; sRGB assumed": tr(
            "embedded ICC profile could not be applied; sRGB assumed"
        ),
        "no ICC profile: sRGB assumed": tr("no ICC profile: sRGB assumed"),
        "CMYK converted to RGB without a profile (colours approximate)": tr(
            "CMYK converted to RGB without a profile (colours approximate)"
        ),
        "greyscale image": tr("greyscale image"),
        "lossy input: colours were clustered before taking modes": tr(
            "lossy input: colours were clustered before taking modes"
        ),
        "scale factor unknown: 1.0 assumed (CSS px = physical px)": tr(
            "scale factor unknown: 1.0 assumed (CSS px = physical px)"
        ),
    }
    return words.get(caveat, caveat)
