"""Colour science for the measurements: WCAG luminance and contrast, CIELAB, CIEDE2000."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

RGB = tuple[int, int, int]
FloatArray = npt.NDArray[np.float64]

# D65 reference white for sRGB, CIE 1931 2 degree observer.
_WHITE = (0.95047, 1.0, 1.08883)
_SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)


def hex_colour(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def parse_hex(text: str) -> RGB:
    text = text.lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _linear(channel: float) -> float:
    value = channel / 255.0
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""
    red, green, blue = (_linear(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: RGB, second: RGB) -> float:
    """WCAG 2.x contrast ratio, never rounded (compare with thresholds unrounded)."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


_LEVELS = np.arange(256, dtype=np.float64) / 255.0
_LINEAR = np.where(_LEVELS <= 0.04045, _LEVELS / 12.92, ((_LEVELS + 0.055) / 1.055) ** 2.4)


def luminance_array(rgb: npt.NDArray[np.uint8]) -> FloatArray:
    """WCAG relative luminance of every pixel of an N x 3 (or H x W x 3) RGB array."""
    result: FloatArray = (
        0.2126 * _LINEAR[rgb[..., 0]]
        + 0.7152 * _LINEAR[rgb[..., 1]]
        + 0.0722 * _LINEAR[rgb[..., 2]]
    )
    return result


def lab_array(rgb: npt.NDArray[np.uint8]) -> FloatArray:
    """CIELAB (D65) of an ... x 3 RGB array."""
    values = rgb.astype(np.float64) / 255.0
    linear = np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _SRGB_TO_XYZ.T / np.array(_WHITE)
    epsilon, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > epsilon, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    lab: FloatArray = np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )
    return lab


def lab(rgb: RGB) -> tuple[float, float, float]:
    value = lab_array(np.array([rgb], dtype=np.uint8))[0]
    return float(value[0]), float(value[1]), float(value[2])


def lightness_array(rgb: npt.NDArray[np.uint8]) -> FloatArray:
    """CIELAB L* of every pixel (a lookup of the luminance channel alone)."""
    return lab_array(rgb)[..., 0]


def chroma(rgb: RGB) -> float:
    """CIELAB C*ab: 0 for greys, 100+ for vivid colours."""
    _l, a, b = lab(rgb)
    return math.hypot(a, b)


def delta_e2000(first: RGB, second: RGB) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    l1, a1, b1 = lab(first)
    l2, a2, b2 = lab(second)
    return float(delta_e2000_lab(np.array([l1, a1, b1]), np.array([l2, a2, b2])))


def delta_e2000_lab(lab1: FloatArray, lab2: FloatArray) -> FloatArray:
    """CIEDE2000 between Lab arrays of the same shape (... x 3), vectorised."""
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    c_mean = (c1 + c2) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    delta_l = l2 - l1
    delta_c = c2p - c1p
    dh = h2p - h1p
    dh = np.where(
        c1p * c2p == 0, 0, np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    )
    delta_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(
        c1p * c2p == 0,
        h_sum,
        np.where(
            np.abs(h1p - h2p) <= 180,
            h_sum / 2,
            np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2),
        ),
    )
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    delta_theta = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_mean**7 / (cp_mean**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2 * delta_theta)) * r_c
    result: FloatArray = np.sqrt(
        (delta_l / s_l) ** 2
        + (delta_c / s_c) ** 2
        + (delta_h / s_h) ** 2
        + r_t * (delta_c / s_c) * (delta_h / s_h)
    )
    return result
