"""Find a control's visual extent from a hint rectangle, and its local background."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop.core.analysis.image import AnalysisInputError, LoadedImage
from desktop.core.capture.frame import Rect
from desktop.core.i18n import tr

RGB = tuple[int, int, int]
Mask = npt.NDArray[np.bool_]

# Chebyshev distance (max over R, G, B) above which a pixel differs from a colour. Lossless
# screenshots repeat colours exactly; JPEG at quality 80 moves flat areas by up to ~12 levels.
TOLERANCE_LOSSLESS = 6
TOLERANCE_LOSSY = 18
RING_INNER_CSS = 1.0  # the background ring starts just outside the extent ...
RING_OUTER_CSS = 6.0  # ... and is 5 CSS px thick (MEASUREMENT.md: 4 to 8)
MAX_GROWTH_TRIES = 6
CONTAINER_FACTOR = 40  # a component this many times the hint's area is a panel, not a control
SURROUND_COVER = 0.25  # a component around the hint covering less of it than this is a surface


@dataclass(frozen=True)
class Extent:
    """Where a control is: its mask inside a window of the image, and what surrounds it."""

    window: Rect  # the part of the image the masks cover
    mask: Mask  # the control's visual extent, holes filled
    bbox: Rect  # in image pixels
    area_px: int
    background: RGB
    background_pixels: int
    background_sample: tuple[int, int]  # an image (x, y) with exactly that colour, if lossless
    tolerance: int
    notes: tuple[str, ...]


def tolerance_for(image: LoadedImage) -> int:
    return TOLERANCE_LOSSY if image.lossy else TOLERANCE_LOSSLESS


def pack(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
    flat = pixels.reshape(-1, 3).astype(np.int64)
    packed: npt.NDArray[np.int64] = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    return packed


def unpack(code: int) -> RGB:
    return (code >> 16) & 255, (code >> 8) & 255, code & 255


def modal_colour(pixels: npt.NDArray[np.uint8], lossy: bool) -> tuple[RGB, int]:
    """The most frequent colour and how many pixels have it.

    Lossy input: the densest cell of a 16-level grid, then the median of the pixels close to
    it, so that JPEG noise around a flat colour counts as that colour.
    """
    flat = pixels.reshape(-1, 3)
    if flat.shape[0] == 0:
        raise AnalysisInputError(tr("The region holds no pixels."))
    if not lossy:
        codes, counts = np.unique(pack(flat), return_counts=True)
        best = int(np.argmax(counts))
        return unpack(int(codes[best])), int(counts[best])
    cells = flat.astype(np.int64) >> 4
    cell_codes = (cells[:, 0] << 8) | (cells[:, 1] << 4) | cells[:, 2]
    counts = np.bincount(cell_codes, minlength=4096)
    best_cell = int(np.argmax(counts))
    members = flat[cell_codes == best_cell]
    centre = np.median(members, axis=0)
    near = flat[np.abs(flat.astype(np.int64) - centre).max(axis=1) <= TOLERANCE_LOSSY // 2]
    colour = np.median(near, axis=0).round().astype(int)
    return (int(colour[0]), int(colour[1]), int(colour[2])), int(near.shape[0])


def differs(pixels: npt.NDArray[np.uint8], colour: RGB, tolerance: int) -> Mask:
    """Pixels farther than the tolerance from a colour (Chebyshev distance in RGB)."""
    import cv2

    shape = pixels.shape[:-1]
    flat = np.ascontiguousarray(pixels.reshape(-1, 1, 3) if pixels.ndim == 2 else pixels)
    difference = cv2.absdiff(flat, (float(colour[0]), float(colour[1]), float(colour[2]), 0.0))
    red, green, blue = cv2.split(difference)
    distance = cv2.max(cv2.max(red, green), blue)
    result: Mask = (distance > tolerance).reshape(shape)
    return result


def ring(image: LoadedImage, box: Rect) -> npt.NDArray[np.uint8]:
    """Pixels of the ring just outside a box (clipped to the image)."""
    inner = max(1, round(RING_INNER_CSS * image.scale))
    outer = max(inner + 2, round(RING_OUTER_CSS * image.scale))
    x0, y0 = max(0, box.x - outer), max(0, box.y - outer)
    x1, y1 = min(image.width, box.right + outer), min(image.height, box.bottom + outer)
    keep = np.ones((y1 - y0, x1 - x0), dtype=bool)
    ix0, iy0 = max(0, box.x - inner) - x0, max(0, box.y - inner) - y0
    ix1, iy1 = min(image.width, box.right + inner) - x0, min(image.height, box.bottom + inner) - y0
    keep[iy0:iy1, ix0:ix1] = False
    ring_pixels: npt.NDArray[np.uint8] = image.rgb[y0:y1, x0:x1][keep]
    return ring_pixels


def background_of(image: LoadedImage, box: Rect) -> tuple[RGB, int, tuple[int, int]]:
    """The local background: modal colour of the ring around a box, one sample position."""
    pixels = ring(image, box)
    if pixels.size == 0:  # the box fills the image: use its own border pixels
        region = image.rgb[box.y : box.bottom, box.x : box.right]
        pixels = np.concatenate([region[0], region[-1], region[:, 0], region[:, -1]])
    colour, count = modal_colour(pixels, image.lossy)
    return colour, count, _sample_position(image, box, colour)


def _sample_position(image: LoadedImage, box: Rect, colour: RGB) -> tuple[int, int]:
    outer = max(3, round(RING_OUTER_CSS * image.scale))
    x0, y0 = max(0, box.x - outer), max(0, box.y - outer)
    x1, y1 = min(image.width, box.right + outer), min(image.height, box.bottom + outer)
    close = ~differs(image.rgb[y0:y1, x0:x1], colour, tolerance_for(image) if image.lossy else 0)
    ys, xs = np.nonzero(close)
    if len(xs) == 0:
        return (x0, y0)
    return int(xs[0]) + x0, int(ys[0]) + y0


def fill_holes(mask: Mask) -> Mask:
    """A mask with every enclosed hole filled (letters' counters, a button's interior)."""
    import cv2

    as_bytes = mask.astype(np.uint8)
    contours, _ = cv2.findContours(as_bytes, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(as_bytes)
    cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
    result: Mask = filled.astype(bool) | mask
    return result


def clip_hint(image: LoadedImage, hint: Rect) -> Rect:
    clipped = hint.intersect(Rect(0, 0, image.width, image.height))
    if clipped is None or hint.width <= 0 or hint.height <= 0:
        raise AnalysisInputError(
            tr(
                "The region {region} is empty or outside the image ({width} x {height}).",
                region=",".join(map(str, hint.as_list())),
                width=image.width,
                height=image.height,
            )
        )
    return clipped


def _components(
    image: LoadedImage, hint: Rect, wanted: Callable[[npt.NDArray[np.uint8]], Mask]
) -> tuple[Rect, npt.NDArray[np.int32], list[tuple[int, int, int, int, int]], bool]:
    """Connected components of `wanted` pixels touching the hint, in a window grown until
    none of them is cut by its edge. Returns the window, labels, the touching components
    (label, left, top, width, height) and whether the growth had to give up."""
    import cv2

    # Start close (most controls sit inside a small margin) and double while a part is cut.
    margin = max(round(12 * image.scale), min(hint.width, hint.height))
    bounds = Rect(0, 0, image.width, image.height)
    window, labels, chosen = hint, np.zeros((0, 0), np.int32), []
    for _try in range(MAX_GROWTH_TRIES):
        grown = Rect(
            hint.x - margin, hint.y - margin, hint.width + 2 * margin, hint.height + 2 * margin
        ).intersect(bounds)
        assert grown is not None
        window = grown
        pixels = image.rgb[window.y : window.bottom, window.x : window.right]
        selected = wanted(pixels).astype(np.uint8)
        _count, labels, stats, _ = cv2.connectedComponentsWithStats(selected, connectivity=8)
        hx, hy = hint.x - window.x, hint.y - window.y
        touched = np.unique(labels[hy : hy + hint.height, hx : hx + hint.width])
        chosen = [
            (
                int(label),
                int(stats[label][0]),
                int(stats[label][1]),
                int(stats[label][2]),
                int(stats[label][3]),
            )
            for label in touched
            if label != 0
        ]
        cut = any(
            (left == 0 and window.x > 0)
            or (top == 0 and window.y > 0)
            or (left + width == window.width and window.right < image.width)
            or (top + height == window.height and window.bottom < image.height)
            for _label, left, top, width, height in chosen
        )
        if not cut:
            return window, labels, chosen, False
        margin *= 2
    return window, labels, chosen, True


def _holds_a_whole_control(image: LoadedImage, hint: Rect, colour: RGB, tolerance: int) -> bool:
    """Whether a loose hint contains something big of another colour (a whole button)."""
    import cv2

    region = image.rgb[hint.y : hint.bottom, hint.x : hint.right]
    other = differs(region, colour, tolerance).astype(np.uint8)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(other, connectivity=8)
    for label in range(1, count):
        left, top, width, height, area = (int(v) for v in stats[label])
        inside = left > 0 and top > 0 and left + width < hint.width and top + height < hint.height
        if inside and area >= 0.15 * hint.width * hint.height:
            return True
    return False


def _fill_around(image: LoadedImage, hint: Rect, colour: RGB, tolerance: int) -> Rect | None:
    """The bounds of a filled control of `colour` that the hint lies inside, or None.

    The colour is flooded outwards from the hint. It is a control's fill, not the page, a card
    or a dialog, when the region is bounded, encloses the hint, is not tall (at most half
    of the image) and everything of another colour inside it lies on one line (its label).
    """
    window, _labels, chosen, gave_up = _components(
        image, hint, lambda pixels: ~differs(pixels, colour, tolerance)
    )
    if gave_up or not chosen:
        return None
    left = min(c[1] for c in chosen) + window.x
    top = min(c[2] for c in chosen) + window.y
    right = max(c[1] + c[3] for c in chosen) + window.x
    bottom = max(c[2] + c[4] for c in chosen) + window.y
    box = Rect(left, top, right - left, bottom - top)
    encloses = box.x <= hint.x and box.y <= hint.y and box.right >= hint.right
    if not (encloses and box.bottom >= hint.bottom) or box.height > 0.5 * image.height:
        return None
    if box.width >= image.width and box.height >= image.height:
        return None
    if _content_height(image, box, colour, tolerance) > 0.6 * box.height:
        return None
    return box


def _content_height(image: LoadedImage, box: Rect, colour: RGB, tolerance: int) -> int:
    """Rows spanned by what lies inside a filled box (its label), leaving out whatever touches
    the box's edge (the background in the corners of a rounded button)."""
    import cv2

    inner = differs(image.rgb[box.y : box.bottom, box.x : box.right], colour, tolerance)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(inner.astype(np.uint8), 8)
    top, bottom = box.height, -1
    for label in range(1, count):
        left, up, width, height, _area = (int(v) for v in stats[label])
        if left == 0 or up == 0 or left + width == box.width or up + height == box.height:
            continue
        top, bottom = min(top, up), max(bottom, up + height)
    return max(0, bottom - top)


def _select(
    image: LoadedImage, hint: Rect, background: RGB, tolerance: int, notes: list[str]
) -> tuple[Rect, Mask, Rect, RGB]:
    """Everything unlike the background that touches the hint: (window, mask, box, background).

    The background is measured again around what was found, and the search repeated once if
    it changed.
    """
    extent_box = hint
    mask: Mask | None = None
    window = hint
    for _round in range(2):

        def unlike_background(pixels: npt.NDArray[np.uint8], b: RGB = background) -> Mask:
            return differs(pixels, b, tolerance)

        window, labels, touching, gave_up = _components(image, hint, unlike_background)
        if gave_up:
            notes.append("the control reaches beyond the searched area; its extent is cut there")
        hx, hy = hint.x - window.x, hint.y - window.y
        hint_area = hint.width * hint.height
        chosen = []
        for label, left, top, width, height in touching:
            surrounds = (
                left < hx
                and top < hy
                and left + width > hx + hint.width
                and top + height > hy + hint.height
            )
            cover = int((labels[hy : hy + hint.height, hx : hx + hint.width] == label).sum())
            if width * height > CONTAINER_FACTOR * hint_area or (
                surrounds and cover < SURROUND_COVER * hint_area
            ):
                notes.append("a larger surface around the control was left out of its extent")
                continue
            chosen.append(label)
        if not chosen:
            mask = np.zeros((window.height, window.width), dtype=bool)
            mask[hy : hy + hint.height, hx : hx + hint.width] = True
            notes.append(
                "nothing in the region differs from its background; the region itself is reported"
            )
        else:
            mask = fill_holes(np.isin(labels, chosen))
        ys, xs = np.nonzero(mask)
        extent_box = Rect(
            int(xs.min()) + window.x,
            int(ys.min()) + window.y,
            int(xs.max() - xs.min()) + 1,
            int(ys.max() - ys.min()) + 1,
        )
        new_background, _count, _sample = background_of(image, extent_box)
        if not differs(np.array([[new_background]], np.uint8), background, tolerance)[0, 0]:
            break
        background = new_background
        notes.append("the background was measured again around the found extent")
    assert mask is not None
    return window, mask, extent_box, background


def _outlined(image: LoadedImage, box: Rect, colour: RGB, tolerance: int) -> bool:
    """Whether a region of `colour` is closed by a thin border of another colour (at most 3
    CSS px) with `colour` again beyond it."""
    reach = max(2, round(3 * image.scale)) + 1
    if box.x - reach < 0 or box.y - reach < 0:
        return False  # the region reaches the image's edge: nothing closes it
    if box.right + reach > image.width or box.bottom + reach > image.height:
        return False
    rgb = image.rgb
    edge = np.concatenate(
        [
            rgb[box.y - 1, box.x : box.right],
            rgb[box.bottom, box.x : box.right],
            rgb[box.y : box.bottom, box.x - 1],
            rgb[box.y : box.bottom, box.right],
        ]
    )
    if differs(edge, colour, tolerance).mean() < 0.6:  # the pixels just outside: the border
        return False
    beyond = np.concatenate(
        [
            rgb[box.y - reach, box.x : box.right],
            rgb[box.bottom + reach - 1, box.x : box.right],
            rgb[box.y : box.bottom, box.x - reach],
            rgb[box.y : box.bottom, box.right + reach - 1],
        ]
    )
    return bool(differs(beyond, colour, tolerance).mean() < 0.4)  # and past it, the surface


def _differs_colour(a: RGB, b: RGB, tolerance: int) -> bool:
    return bool(differs(np.array([[a]], np.uint8), b, tolerance)[0, 0])


def find_extent(image: LoadedImage, hint: Rect) -> Extent:
    """The control's visual extent around a hint rectangle.

    Everything that differs from the local background and touches the hint belongs to the
    control (a filled button's fill, a link's ink, an outline); holes are filled. The window
    grows until no chosen part touches its edge, so a hint that cuts through a button still
    yields the whole button. A hint inside a button's fill, or on its label, grows to the
    button.
    """
    hint = clip_hint(image, hint)
    tolerance = tolerance_for(image)
    notes: list[str] = []
    background, _count, _sample = background_of(image, hint)
    inside = "the region lies inside a filled control; the whole control is measured"
    inner_colour, _ = modal_colour(
        image.rgb[hint.y : hint.bottom, hint.x : hint.right], image.lossy
    )
    if not _differs_colour(inner_colour, background, tolerance) and not _holds_a_whole_control(
        image, hint, inner_colour, tolerance
    ):
        fill_box = _fill_around(image, hint, inner_colour, tolerance)
        if fill_box is not None:
            outside, _count, _sample = background_of(image, fill_box)
            if _differs_colour(outside, inner_colour, tolerance):
                notes.append(inside)
                hint, background = fill_box, outside
    window, mask, extent_box, background = _select(image, hint, background, tolerance, notes)
    if inside not in notes:
        # A hint on the label of a button finds the label; the button is the fill around it.
        fill_box = _fill_around(image, extent_box, background, tolerance)
        if fill_box is not None:
            outside, _count, _sample = background_of(image, fill_box)
            if _differs_colour(outside, background, tolerance):
                notes.append(inside)
                window, mask, extent_box, background = _select(
                    image, fill_box, outside, tolerance, notes
                )
            elif _outlined(image, fill_box, background, tolerance):
                # An outlined ("ghost") button: the label sits on the page colour inside a thin
                # border; the border's ring joins the extent and its inside is filled.
                notes.append("the label lies inside an outlined control; the outline is measured")
                pad = max(2, round(3 * image.scale))
                around = Rect(
                    fill_box.x - pad,
                    fill_box.y - pad,
                    fill_box.width + 2 * pad,
                    fill_box.height + 2 * pad,
                ).intersect(Rect(0, 0, image.width, image.height))
                assert around is not None
                window, mask, extent_box, background = _select(
                    image, around, background, tolerance, notes
                )
    assert mask is not None
    background, count, sample = background_of(image, extent_box)
    return Extent(
        window=window,
        mask=mask,
        bbox=extent_box,
        area_px=int(mask.sum()),
        background=background,
        background_pixels=count,
        background_sample=sample,
        tolerance=tolerance,
        notes=tuple(dict.fromkeys(notes)),
    )
