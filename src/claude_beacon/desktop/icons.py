"""Tray icons: one look per state, told apart by colour *and* by glyph.

Colour alone fails colour-blind users and monochrome panels, so every look also has its own
shape. Images are RGB because the X11 tray has no transparency: a dark frame around a coloured
badge keeps the icon legible on light and dark panels alike. Everything is drawn with Pillow at a
whole multiple of the requested size and scaled down, so edges stay crisp from 16 px upwards.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

from PIL import Image, ImageDraw

from claude_beacon.render.palette import (
    ALL_LOOKS,
    COLOURS,
    DARK,
    DESCRIPTIONS,
    LIGHT,
    Look,
    Rgb,
    look_for,
)

__all__ = ["ALL_LOOKS", "COLOURS", "DARK", "DESCRIPTIONS", "LIGHT", "Look", "Rgb", "look_for"]


MIN_SIZE, MAX_SIZE = 16, 256
_WORK = 256
"""Draw at least this large before scaling down, so curves are smooth at every size."""


class _Pen:
    """Draws in unit coordinates (0..1 across the icon) on a supersampled canvas."""

    def __init__(self, image: Image.Image, ink: Rgb, zoom: float = 1.0) -> None:
        self.d = ImageDraw.Draw(image)
        self.s = image.width * zoom
        self.shift = image.width * (1 - zoom) / 2
        self.ink = ink

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return x * self.s + self.shift, y * self.s + self.shift

    def dot(self, x: float, y: float, r: float, ink: Rgb | None = None) -> None:
        cx, cy = self.xy(x, y)
        rr = r * self.s
        self.d.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=ink or self.ink)

    def line(self, points: list[tuple[float, float]], width: float) -> None:
        """A polyline with round caps and joints, which survive downscaling best."""
        self.d.line([self.xy(*p) for p in points], fill=self.ink, width=round(width * self.s))
        for p in points:
            self.dot(*p, width / 2)

    def arc(self, x: float, y: float, r: float, start: float, end: float, width: float) -> None:
        """An arc centred on (x, y); angles in degrees, clockwise from three o'clock."""
        cx, cy = self.xy(x, y)
        rr = (r + width / 2) * self.s
        box = (cx - rr, cy - rr, cx + rr, cy + rr)
        self.d.arc(box, start, end, fill=self.ink, width=round(width * self.s))
        for angle in (start, end):
            a = math.radians(angle)
            self.dot(x + r * math.cos(a), y + r * math.sin(a), width / 2)


_STROKE = 0.13
_ZOOM = 1.12
"""Glyphs are laid out on a 0..1 grid, then enlarged to fill the badge."""


def _check(p: _Pen, badge: Rgb) -> None:
    p.line([(0.28, 0.52), (0.43, 0.67), (0.72, 0.36)], _STROKE)


def _wrench(p: _Pen, badge: Rgb) -> None:
    p.line([(0.30, 0.70), (0.56, 0.44)], _STROKE)
    p.dot(0.60, 0.40, 0.18)
    # The open jaw: a slot cut from the rim towards the centre, facing up and right.
    ux, uy = math.cos(math.radians(-45)), math.sin(math.radians(-45))
    nx, ny = -uy, ux
    half, near, far = 0.055, 0.03, 0.24
    cx, cy = 0.60, 0.40
    slot = [
        (cx + ux * near + nx * half, cy + uy * near + ny * half),
        (cx + ux * far + nx * half, cy + uy * far + ny * half),
        (cx + ux * far - nx * half, cy + uy * far - ny * half),
        (cx + ux * near - nx * half, cy + uy * near - ny * half),
    ]
    p.d.polygon([p.xy(*q) for q in slot], fill=badge)
    p.dot(cx + ux * near, cy + uy * near, half, ink=badge)


def _exclamation(p: _Pen, badge: Rgb) -> None:
    p.line([(0.50, 0.27), (0.50, 0.55)], _STROKE + 0.01)
    p.dot(0.50, 0.74, 0.08)


def _half(p: _Pen, badge: Rgb) -> None:
    r, w = 0.25, 0.09
    p.arc(0.50, 0.50, r - w / 2, 0, 360, w)
    cx, cy = p.xy(0.50, 0.50)
    rr = r * p.s
    p.d.pieslice((cx - rr, cy - rr, cx + rr, cy + rr), 90, 270, fill=p.ink)


def _cross(p: _Pen, badge: Rgb) -> None:
    p.line([(0.32, 0.32), (0.68, 0.68)], _STROKE)
    p.line([(0.68, 0.32), (0.32, 0.68)], _STROKE)


def _question(p: _Pen, badge: Rgb) -> None:
    p.arc(0.50, 0.38, 0.13, 180, 400, _STROKE - 0.01)
    end = math.radians(400)
    p.line([(0.50 + 0.13 * math.cos(end), 0.38 + 0.13 * math.sin(end)), (0.50, 0.56)], 0.12)
    p.dot(0.50, 0.75, 0.075)


def _screen(p: _Pen, badge: Rgb) -> None:
    w = 0.085
    left, top, right, bottom = p.xy(0.22, 0.25) + p.xy(0.78, 0.63)
    p.d.rounded_rectangle(
        (left, top, right, bottom), radius=0.05 * p.s, outline=p.ink, width=round(w * p.s)
    )
    p.line([(0.50, 0.62), (0.50, 0.74)], w)
    p.line([(0.36, 0.75), (0.64, 0.75)], w)


_GLYPHS: dict[Look, Callable[[_Pen, Rgb], None]] = {
    Look.OPERATIONAL: _check,
    Look.MAINTENANCE: _wrench,
    Look.DEGRADED: _exclamation,
    Look.PARTIAL_OUTAGE: _half,
    Look.MAJOR_OUTAGE: _cross,
    Look.UNKNOWN: _question,
    Look.LOCAL_PROBLEM: _screen,
}


def _scale(size: int) -> int:
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"icon size must be {MIN_SIZE}–{MAX_SIZE} px, not {size}")
    return max(2, math.ceil(_WORK / size))


def _frame(size: int) -> int:
    """The dark frame's width in output pixels: whole pixels keep its edge sharp."""
    return max(1, size // 24)


def draw(look: Look, size: int) -> Image.Image:
    """The icon for ``look``: an RGB image of ``size``×``size`` pixels (16–256)."""
    return _render(Look(look), size).copy()


@lru_cache(maxsize=64)
def _render(look: Look, size: int) -> Image.Image:
    """Cached because the tray redraws often; ``draw`` hands out copies callers may change."""
    k = _scale(size)
    s, f = size * k, _frame(size) * k
    badge, ink = COLOURS[look]
    image = Image.new("RGB", (s, s), DARK)
    ImageDraw.Draw(image).rounded_rectangle(
        (f, f, s - f - 1, s - f - 1), radius=round(0.2 * s), fill=badge
    )
    _GLYPHS[look](_Pen(image, ink, _ZOOM), badge)
    return image.resize((size, size), Image.Resampling.LANCZOS)


APP_BACKGROUND: Rgb = (0x24, 0x29, 0x2F)
APP_LIGHT: Rgb = (0xF5, 0x9E, 0x0B)
APP_EDGE: Rgb = (0x57, 0x60, 0x6A)


def draw_app_icon(size: int) -> Image.Image:
    """The application's own icon, a beacon sending light both ways; RGBA with round corners.

    Unlike the tray looks it may be transparent: launchers, docks and installers all blend it.
    Sizes up to 1024 px serve macOS; small sizes keep a single ring of light to stay legible.
    """
    if not MIN_SIZE <= size <= 1024:
        raise ValueError(f"app icon size must be {MIN_SIZE}–1024 px, not {size}")
    k = max(2, math.ceil(_WORK / size))
    s = size * k
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    pen = _Pen(image, APP_LIGHT)
    pen.d.rounded_rectangle(
        (0, 0, s - 1, s - 1),
        radius=round(0.22 * s),
        fill=APP_BACKGROUND,
        outline=APP_EDGE,
        width=max(k, round(0.02 * s)),
    )
    pen.dot(0.50, 0.50, 0.11)
    rings = (0.24,) if size < 32 else (0.22, 0.34)
    for r in rings:
        for centre in (0, 180):
            pen.arc(0.50, 0.50, r, centre - 40, centre + 40, 0.075)
    return image.resize((size, size), Image.Resampling.LANCZOS)
