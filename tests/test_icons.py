"""The tray looks: right size and mode, distinct without colour, and exported files up to date."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from claude_beacon.core.model import Level
from claude_beacon.desktop import icons
from claude_beacon.desktop.icons import Look

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "packaging" / "make_assets.py"
ASSETS = REPO / "assets"
EXPORTED_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
PAIRS = list(itertools.combinations(icons.ALL_LOOKS, 2))


def pair_id(pair: tuple[Look, Look]) -> str:
    return f"{pair[0].value}-vs-{pair[1].value}"


def glyph_mask(look: Look, size: int = 32) -> list[bool]:
    """The glyph's pixels, found from brightness alone so the result says nothing of hue.

    Inside the frame, the badge is the commonest brightness; the glyph is whatever departs from
    it by more than half the largest departure, whether it is darker or lighter.
    """
    grey = icons.draw(look, size).convert("L")
    inset = max(1, size // 24)
    values = grey.crop((inset, inset, size - inset, size - inset)).tobytes()
    badge = max(set(values), key=values.count)
    departures = [abs(v - badge) for v in values]
    cut = max(departures) / 2
    return [d > cut for d in departures]


def luminance(rgb: tuple[int, ...]) -> float:
    def linear(c: int) -> float:
        c_ = c / 255
        return c_ / 12.92 if c_ <= 0.04045 else ((c_ + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def pixels(image: Image.Image) -> list[tuple[int, ...]]:
    data, bands = image.tobytes(), len(image.getbands())
    return [tuple(data[i : i + bands]) for i in range(0, len(data), bands)]


def assert_close(actual: Image.Image, expected: Image.Image, name: str) -> None:
    assert actual.size == expected.size, name
    assert actual.mode == expected.mode, name
    diff = ImageChops.difference(actual, expected)
    worst = max(high for _low, high in ImageStat.Stat(diff).extrema)
    mean = max(ImageStat.Stat(diff).mean)
    assert worst <= 24 and mean <= 1.0, f"{name}: differs by up to {worst}, {mean:.2f} on average"


@pytest.mark.parametrize("size", [16, 22, 32, 64])
@pytest.mark.parametrize("look", icons.ALL_LOOKS, ids=str)
def test_every_look_is_an_rgb_square_of_the_asked_size(look: Look, size: int) -> None:
    image = icons.draw(look, size)
    assert image.mode == "RGB"
    assert image.size == (size, size)


def test_looks_cover_every_state_with_stable_names() -> None:
    assert [look.value for look in icons.ALL_LOOKS] == [
        "operational",
        "maintenance",
        "degraded",
        "partial_outage",
        "major_outage",
        "unknown",
        "local_problem",
    ]
    assert set(icons.COLOURS) == set(Look) == set(icons.DESCRIPTIONS)


@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_every_pair_of_looks_differs_in_colour(pair: tuple[Look, Look]) -> None:
    a, b = (ImageStat.Stat(icons.draw(look, 32)).mean for look in pair)
    assert math.dist(a, b) > 40


@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_every_pair_of_looks_differs_in_shape_without_colour(pair: tuple[Look, Look]) -> None:
    a, b = (glyph_mask(look) for look in pair)
    differing = sum(p != q for p, q in zip(a, b, strict=True)) / len(a)
    assert differing > 0.08


@pytest.mark.parametrize("look", icons.ALL_LOOKS, ids=str)
def test_every_glyph_is_a_substantial_mark(look: Look) -> None:
    mask = glyph_mask(look)
    assert 0.08 < sum(mask) / len(mask) < 0.4


@pytest.mark.parametrize("look", icons.ALL_LOOKS, ids=str)
def test_glyph_stands_out_from_its_badge(look: Look) -> None:
    """At least the 3:1 contrast asked of graphical objects, measured on the drawn pixels."""
    image = icons.draw(look, 64)
    colours = Counter(pixels(image.crop((3, 3, 61, 61))))
    badge = colours.most_common(1)[0][0]
    glyph = max(colours, key=lambda c: abs(luminance(c) - luminance(badge)))
    light, dark = sorted((luminance(badge), luminance(glyph)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 3


@pytest.mark.parametrize("look", icons.ALL_LOOKS, ids=str)
def test_dark_frame_keeps_the_badge_visible_on_light_panels(look: Look) -> None:
    grid = pixels(icons.draw(look, 32))
    for x, y in ((0, 0), (31, 0), (0, 31), (31, 31), (16, 0), (0, 16)):
        assert luminance(grid[y * 32 + x]) < 0.05, (x, y)


def test_draw_hands_out_copies_of_its_cache() -> None:
    first = icons.draw(Look.OPERATIONAL, 32)
    first.paste((255, 0, 255), (0, 0, 32, 32))
    assert (255, 0, 255) not in pixels(icons.draw(Look.OPERATIONAL, 32))


@pytest.mark.parametrize("size", [0, 15, 257])
def test_sizes_outside_the_supported_range_are_refused(size: int) -> None:
    with pytest.raises(ValueError, match="16"):
        icons.draw(Look.UNKNOWN, size)


PAGE_LOOKS = {
    Level.UNKNOWN: Look.UNKNOWN,
    Level.OPERATIONAL: Look.OPERATIONAL,
    Level.MAINTENANCE: Look.MAINTENANCE,
    Level.DEGRADED: Look.DEGRADED,
    Level.PARTIAL_OUTAGE: Look.PARTIAL_OUTAGE,
    Level.MAJOR_OUTAGE: Look.MAJOR_OUTAGE,
}
WITH_LOCAL_PROBLEM = {
    Level.UNKNOWN: Look.LOCAL_PROBLEM,
    Level.OPERATIONAL: Look.LOCAL_PROBLEM,
    Level.MAINTENANCE: Look.LOCAL_PROBLEM,
    Level.DEGRADED: Look.DEGRADED,
    Level.PARTIAL_OUTAGE: Look.PARTIAL_OUTAGE,
    Level.MAJOR_OUTAGE: Look.MAJOR_OUTAGE,
}


@pytest.mark.parametrize("level", list(Level), ids=lambda level: level.key)
def test_look_for_a_page_level(level: Level) -> None:
    assert icons.look_for(level) is PAGE_LOOKS[level]
    assert icons.look_for(level, local_problem=False) is PAGE_LOOKS[level]


@pytest.mark.parametrize("level", list(Level), ids=lambda level: level.key)
def test_a_reported_outage_outranks_a_local_problem(level: Level) -> None:
    assert icons.look_for(level, local_problem=True) is WITH_LOCAL_PROBLEM[level]


def test_make_assets_writes_every_file(tmp_path: Path) -> None:
    out = tmp_path / "assets"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for look in icons.ALL_LOOKS:
        for size in EXPORTED_SIZES:
            path = out / "icons" / f"{look.value}-{size}.png"
            assert str(path) in done.stdout
            with Image.open(path) as image:
                assert image.format == "PNG"
                assert image.size == (size, size)
    with Image.open(out / "claude-beacon.png") as png:
        assert png.size == (256, 256)
    with Image.open(out / "claude-beacon.ico") as ico:
        assert ico.format == "ICO"
        sizes = ico.info["sizes"]
        assert {(16, 16), (32, 32), (256, 256)} <= sizes
        assert len(sizes) >= 5
    with Image.open(out / "claude-beacon.icns") as icns:
        assert icns.format == "ICNS"
        icns.load()
        assert icns.size[0] >= 256


def test_committed_assets_match_what_the_code_draws() -> None:
    """Assets are generated: after changing icons.py, run packaging/make_assets.py."""
    expected = {
        f"{look.value}-{size}.png": (look, size)
        for look in icons.ALL_LOOKS
        for size in EXPORTED_SIZES
    }
    assert {p.name for p in (ASSETS / "icons").glob("*.png")} == set(expected)
    for name, (look, size) in sorted(expected.items()):
        with Image.open(ASSETS / "icons" / name) as image:
            assert_close(image.convert("RGB"), icons.draw(look, size), name)
    with Image.open(ASSETS / "claude-beacon.png") as app:
        assert_close(app.convert("RGBA"), icons.draw_app_icon(256), "claude-beacon.png")
    hicolor = sorted((ASSETS / "hicolor").glob("*/apps/claude-beacon.png"))
    assert len(hicolor) >= 6
    for path in hicolor:
        size = int(path.parts[-3].split("x")[0])
        with Image.open(path) as image:
            assert_close(image.convert("RGBA"), icons.draw_app_icon(size), str(path))
    with Image.open(ASSETS / "claude-beacon.ico") as ico:
        for size, _ in sorted(ico.info["sizes"]):
            ico.size = (size, size)
            ico.load()
            assert_close(ico.convert("RGBA"), icons.draw_app_icon(size), f"ico {size}")
