"""The looks of each health state: colours, names and descriptions, with no drawing library.

Shared by the tray's icons (drawn with Pillow, in ``desktop/icons``) and the guide (HTML),
so both speak the same colours without the guide loading Pillow.
"""

from __future__ import annotations

from enum import StrEnum

from claude_beacon.core.model import Level


class Look(StrEnum):
    """What the tray icon shows; the value names the exported asset files."""

    OPERATIONAL = "operational"
    MAINTENANCE = "maintenance"
    DEGRADED = "degraded"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNKNOWN = "unknown"
    LOCAL_PROBLEM = "local_problem"
    """A problem seen from this machine that the status page does not (yet) confirm."""


ALL_LOOKS: tuple[Look, ...] = tuple(Look)

Rgb = tuple[int, int, int]
DARK: Rgb = (0x1B, 0x1F, 0x24)
LIGHT: Rgb = (0xFF, 0xFF, 0xFF)

COLOURS: dict[Look, tuple[Rgb, Rgb]] = {
    Look.OPERATIONAL: ((0x1A, 0x7F, 0x37), LIGHT),
    Look.MAINTENANCE: ((0x09, 0x69, 0xDA), LIGHT),
    Look.DEGRADED: ((0xFA, 0xCC, 0x15), DARK),
    Look.PARTIAL_OUTAGE: ((0xF9, 0x73, 0x16), DARK),
    Look.MAJOR_OUTAGE: ((0xC8, 0x1E, 0x1E), LIGHT),
    Look.UNKNOWN: ((0x6E, 0x77, 0x81), LIGHT),
    Look.LOCAL_PROBLEM: ((0x82, 0x50, 0xDF), LIGHT),
}
"""(badge, glyph) colours: a dark glyph on light badges, white on dark ones, for contrast."""

DESCRIPTIONS: dict[Look, str] = {
    Look.OPERATIONAL: "operational: check mark on green",
    Look.MAINTENANCE: "maintenance: wrench on blue",
    Look.DEGRADED: "degraded performance: exclamation mark on yellow",
    Look.PARTIAL_OUTAGE: "partial outage: half-filled circle on orange",
    Look.MAJOR_OUTAGE: "major outage: cross on red",
    Look.UNKNOWN: "unknown: question mark on grey",
    Look.LOCAL_PROBLEM: "problem seen from here, not on the status page: screen on purple",
}

_BY_LEVEL: dict[Level, Look] = {level: Look(level.key) for level in Level}


def look_for(level: Level, *, local_problem: bool = False) -> Look:
    """The look for a page level; a local problem shows only while the page reports no trouble.

    A confirmed incident says more than our own failing requests, so it always wins.
    """
    if local_problem and level <= Level.MAINTENANCE:
        return Look.LOCAL_PROBLEM
    return _BY_LEVEL[level]
