"""Uptime as observed from this machine: levels over time, with the gaps left as gaps.

Pure: level changes and the stretches of time the app was watching go in; per-window uptime
and a timeline come out. Time the app was not running counts neither as up nor as down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from claude_beacon.core.model import Level

UP = frozenset({Level.OPERATIONAL, Level.MAINTENANCE})
"""Planned maintenance is announced in advance: it is not counted as an outage."""


@dataclass(frozen=True, slots=True)
class Change:
    at: datetime
    level: Level


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of time the app was watching."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Uptime:
    up: timedelta
    observed: timedelta

    @property
    def ratio(self) -> float | None:
        """Share of observed time that was up; ``None`` when nothing was observed."""
        seconds = self.observed.total_seconds()
        return self.up.total_seconds() / seconds if seconds > 0 else None


def uptime(
    changes: Sequence[Change], spans: Sequence[Span], start: datetime, end: datetime
) -> Uptime:
    """Uptime in ``[start, end)`` from level ``changes`` (sorted) within the watched ``spans``."""
    up = observed = timedelta()
    for span in spans:
        lo, hi = max(span.start, start), min(span.end, end)
        if lo >= hi:
            continue
        for piece_start, piece_end, level in _pieces(changes, lo, hi):
            length = piece_end - piece_start
            if level is Level.UNKNOWN:
                continue  # the page could not be read: not observed either way
            observed += length
            if level in UP:
                up += length
    return Uptime(up, observed)


def timeline(
    changes: Sequence[Change], spans: Sequence[Span], start: datetime, end: datetime, cells: int
) -> list[Level | None]:
    """The worst level in each of ``cells`` equal slices of ``[start, end)``; ``None``: a gap."""
    width = (end - start) / cells
    strip: list[Level | None] = []
    for index in range(cells):
        lo, hi = start + width * index, start + width * (index + 1)
        levels = [
            level
            for span in spans
            if max(span.start, lo) < min(span.end, hi)
            for _s, _e, level in _pieces(changes, max(span.start, lo), min(span.end, hi))
        ]
        known = [level for level in levels if level is not Level.UNKNOWN]
        strip.append(max(known) if known else (Level.UNKNOWN if levels else None))
    return strip


def _pieces(
    changes: Sequence[Change], start: datetime, end: datetime
) -> list[tuple[datetime, datetime, Level]]:
    """``[start, end)`` cut where the level changes, each piece with its level."""
    level = Level.UNKNOWN
    for change in changes:
        if change.at <= start:
            level = change.level
    cuts = [c for c in changes if start < c.at < end]
    pieces, at = [], start
    for change in cuts:
        pieces.append((at, change.at, level))
        at, level = change.at, change.level
    pieces.append((at, end, level))
    return pieces
