"""Importing phone screenshots: exact bytes, claimed times, formats, and every bad input."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from PIL import Image

from desktop.core.errors import ImportRejectedError
from desktop.core.ingest.images import import_files, inspect_image, safe_file_name
from desktop.core.proof.verify import verify_case
from desktop.core.store.case import CaseWriter
from desktop.core.store.log import LOG_NAME
from tests.conftest import image_bytes, make_image


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != ".lock"
    }


def jpeg_with_exif() -> bytes:
    image = make_image()
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2024:11:05 10:11:12"
    exif.get_ifd(0x8769)[0x9011] = "+08:00"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, exif=exif)
    return buffer.getvalue()


def heic_bytes() -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    buffer = io.BytesIO()
    make_image().save(buffer, format="HEIF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "payload", "fmt", "lossy"),
    [
        ("shot.png", lambda: image_bytes("PNG"), "PNG", False),
        ("IMG_0001.JPG", jpeg_with_exif, "JPEG", True),
        ("shot.webp", lambda: image_bytes("WEBP", lossless=True), "WEBP", False),
        ("shot-lossy.webp", lambda: image_bytes("WEBP", quality=70), "WEBP", True),
        ("IMG_0002.HEIC", heic_bytes, "HEIF", True),
    ],
)
def test_import_keeps_the_exact_bytes(
    case: CaseWriter, tmp_path: Path, name: str, payload: object, fmt: str, lossy: bool
) -> None:
    source = tmp_path / name
    data = payload()  # type: ignore[operator]
    source.write_bytes(data)
    result = import_files(case, [source], journey="downgrade")
    assert not result.failures
    event = result.events[0]
    stored = case.folder / event.data["file"]["path"]
    assert stored.read_bytes() == data
    assert event.data["file"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.data["image"]["format"] == fmt
    assert event.data["image"]["lossy"] is lossy
    assert event.journey == "downgrade"
    assert stored.name.endswith(name)
    assert stored.stat().st_mode & 0o222 == 0, "originals are read-only"
    assert not list((case.folder / ".staging").rglob("*.part"))
    assert verify_case(case.folder).ok


def test_claimed_times_are_recorded_apart_from_the_import_time(
    case: CaseWriter, tmp_path: Path
) -> None:
    source = tmp_path / "Screenshot_20241105-101112.jpg"
    source.write_bytes(jpeg_with_exif())
    os.utime(source, (1_700_000_000, 1_700_000_000))
    event = import_files(case, [source]).events[0]
    claimed = event.data["source"]["claimed"]
    assert claimed["exif_datetime_original"] == "2024:11:05 10:11:12"
    assert claimed["exif_offset_time_original"] == "+08:00"
    assert claimed["file_name_time"] == "2024-11-05 10:11:12"
    assert claimed["file_modified_utc"] == "2023-11-14T22:13:20.000Z"
    assert event.utc != claimed["file_modified_utc"]


def test_many_files_keep_their_order_and_names_never_collide(
    case: CaseWriter, tmp_path: Path
) -> None:
    sources = []
    for index in range(40):
        folder = tmp_path / f"phone{index % 2}"
        folder.mkdir(exist_ok=True)
        path = folder / f"IMG_{index // 2:04d}.png"
        path.write_bytes(image_bytes("PNG", seed=index))
        sources.append(path)
    same_name = [tmp_path / "phone0" / "IMG_0000.png", tmp_path / "phone1" / "IMG_0000.png"]
    assert same_name[0].read_bytes() != same_name[1].read_bytes()
    result = import_files(case, sources)
    assert [e.data["source"]["name"] for e in result.events] == [p.name for p in sources]
    stored = [case.folder / e.data["file"]["path"] for e in result.events]
    assert len(set(stored)) == 40
    for source, path in zip(sources, stored, strict=True):
        assert path.read_bytes() == source.read_bytes()
    assert verify_case(case.folder).ok


def test_path_with_chinese_characters_and_spaces(case: CaseWriter, tmp_path: Path) -> None:
    folder = tmp_path / "我的 截图" / "降级 流程"
    folder.mkdir(parents=True)
    source = folder / "屏幕截图 2024-11-05 101112.png"
    source.write_bytes(image_bytes())
    event = import_files(case, [source]).events[0]
    assert event.data["file"]["path"].endswith("屏幕截图 2024-11-05 101112.png")
    assert event.data["source"]["claimed"]["file_name_time"] == "2024-11-05 10:11:12"
    assert verify_case(case.folder).ok


def _truncated_png() -> bytes:
    return image_bytes("PNG")[:-300]


def _huge_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (30000, 30000)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "payload", "expected"),
    [
        ("empty.png", lambda: b"", "is empty"),
        ("truncated.png", _truncated_png, "damaged or incomplete"),
        ("huge.png", _huge_png, "too large to be a screenshot"),
        ("notes.png", lambda: "这不是图片 not an image\n".encode() * 20, "not an image"),
        ("anim.gif", lambda: image_bytes("GIF"), "GIF image"),
    ],
)
def test_bad_files_end_in_a_clear_message_and_change_nothing(
    case: CaseWriter, tmp_path: Path, name: str, payload: object, expected: str
) -> None:
    good = tmp_path / "good.png"
    good.write_bytes(image_bytes())
    import_files(case, [good])
    before = snapshot(case.folder)
    bad = tmp_path / name
    bad.write_bytes(payload())  # type: ignore[operator]
    result = import_files(case, [bad])
    assert result.events == []
    assert len(result.failures) == 1
    assert expected in result.failures[0].message
    assert name in result.failures[0].message
    assert snapshot(case.folder) == before
    assert verify_case(case.folder).ok


def test_a_bad_file_among_good_ones_is_skipped_and_named(case: CaseWriter, tmp_path: Path) -> None:
    paths = []
    for index, payload in enumerate([image_bytes(seed=1), b"garbage", image_bytes(seed=2)]):
        path = tmp_path / f"f{index}.png"
        path.write_bytes(payload)
        paths.append(path)
    result = import_files(case, [*paths, tmp_path / "missing.png"])
    assert [e.data["source"]["name"] for e in result.events] == ["f0.png", "f2.png"]
    assert [f.path.name for f in result.failures] == ["f1.png", "missing.png"]
    assert "does not exist" in result.failures[1].message
    assert verify_case(case.folder).ok


def test_a_folder_is_not_imported(case: CaseWriter, tmp_path: Path) -> None:
    result = import_files(case, [tmp_path])
    assert "is not a file" in result.failures[0].message


def test_inspect_rejects_a_png_with_a_bad_chunk_crc() -> None:
    data = bytearray(image_bytes("PNG"))
    idat = data.index(b"IDAT")
    data[idat + 10] ^= 0xFF
    with pytest.raises(ImportRejectedError, match="damaged"):
        inspect_image(bytes(data), "x.png")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("IMG_0001.PNG", "IMG_0001.PNG"),
        ("a/b\\c:d*e?.png", "a_b_c_d_e_.png"),
        ("CON.png", "_CON.png"),
        ("..", "file"),
        ("屏幕截图 1.png", "屏幕截图 1.png"),
        ("长" * 100 + ".png", "长" * 48 + ".png"),
    ],
)
def test_safe_file_name(given: str, expected: str) -> None:
    assert safe_file_name(given) == expected


def test_imported_files_are_named_in_the_log(case: CaseWriter, png_file: Path) -> None:
    event = import_files(case, [png_file]).events[0]
    assert event.data["file"]["path"] in (case.folder / LOG_NAME).read_text(encoding="utf-8")


def test_another_writer_never_takes_files_a_live_writer_is_importing(
    case: CaseWriter, png_file: Path
) -> None:
    from desktop.core.ingest.images import stage_image

    staged = stage_image(case.staging_dir, png_file)  # staged, not yet logged
    other = CaseWriter(case.folder)  # a second writer (the CLI while the window imports)
    other.add_note("written meanwhile")
    assert staged.staging_path.exists()
    event = case.commit_originals("import", [staged])[0]
    assert (case.folder / event.data["file"]["path"]).read_bytes() == png_file.read_bytes()
    assert verify_case(case.folder).ok
    case.close()
    assert not (case.folder / ".staging" / case.session).exists()


def test_png_inspection_never_decodes_the_pixels(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full decode costs 20 to 40 ms a screen; the import benchmark depends on skipping it."""
    from PIL import ImageFile

    def no_decode(self: object) -> None:
        raise AssertionError("inspect_image decoded the PNG")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decode)
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2024:11:05 10:11:12"
    make_image().save(buffer, format="PNG", exif=exif.tobytes())
    facts = inspect_image(buffer.getvalue(), "shot.png")
    assert facts.check == "png-chunks-crc+inflated"
    assert facts.exif["exif_datetime_original"] == "2024:11:05 10:11:12"


def _interlaced_png(pixels: bytes, width: int, height: int, claimed_height: int = 0) -> bytes:
    """An Adam7-interlaced RGB PNG (Pillow writes none), rows unfiltered."""
    import struct
    import zlib

    passes = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2))
    stream = b""
    for x0, y0, dx, dy in (*passes, (0, 1, 1, 2)):
        for y in range(y0, height, dy):
            row = b"".join(
                pixels[(y * width + x) * 3 : (y * width + x) * 3 + 3] for x in range(x0, width, dx)
            )
            if row:
                stream += b"\x00" + row

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, claimed_height or height, 8, 2, 0, 0, 1)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(stream))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(1, 1), (3, 2), (9, 9), (21, 13)])
def test_every_png_pixel_format_and_interlacing_passes_the_full_decode(
    size: tuple[int, int],
) -> None:
    """Decoding the pixel data in full must never refuse a good screenshot."""
    import numpy as np

    noise = np.random.default_rng(size[0]).integers(0, 256, (size[1], size[0], 4), dtype=np.uint8)
    base = Image.fromarray(noise, "RGBA")
    for mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        buffer = io.BytesIO()
        (base.convert("L").convert("I;16") if mode == "I;16" else base.convert(mode)).save(
            buffer, format="PNG"
        )
        assert inspect_image(buffer.getvalue(), "x.png").width == size[0]
    for bits in (1, 2, 4):
        buffer = io.BytesIO()
        base.convert("P", palette=Image.Palette.ADAPTIVE, colors=2**bits).save(
            buffer, format="PNG", bits=bits
        )
        assert inspect_image(buffer.getvalue(), "x.png").height == size[1]
    rgb = base.convert("RGB")
    interlaced = _interlaced_png(rgb.tobytes(), *size)
    with Image.open(io.BytesIO(interlaced)) as decoded:
        assert decoded.info.get("interlace") and decoded.convert("RGB").tobytes() == rgb.tobytes()
    assert inspect_image(interlaced, "x.png").check == "png-chunks-crc+inflated"
    short = _interlaced_png(rgb.tobytes(), *size, claimed_height=size[1] + 1)
    with pytest.raises(ImportRejectedError, match="damaged or incomplete"):
        inspect_image(short, "x.png")
