"""Uptime over a scripted day, against figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from claude_beacon.core.model import Level
from claude_beacon.core.uptime import Change, Span, timeline, uptime

DAY = datetime(2026, 11, 23, tzinfo=UTC)


def at(hour: float) -> datetime:
    return DAY + timedelta(hours=hour)


CHANGES = [
    Change(at(0), Level.OPERATIONAL),
    Change(at(3), Level.PARTIAL_OUTAGE),
    Change(at(4), Level.OPERATIONAL),
    Change(at(13), Level.MAJOR_OUTAGE),  # while the app was not running
    Change(at(15), Level.OPERATIONAL),
    Change(at(20), Level.MAINTENANCE),
    Change(at(21), Level.OPERATIONAL),
    Change(at(22), Level.UNKNOWN),  # the page could not be read for half an hour
    Change(at(22.5), Level.OPERATIONAL),
]
SPANS = [Span(at(0), at(12)), Span(at(14), at(24))]  # the laptop slept from 12:00 to 14:00


def test_a_day_with_an_outage_a_gap_and_maintenance() -> None:
    day = uptime(CHANGES, SPANS, at(0), at(24))
    # watched 22 h, minus 0.5 h unreadable = 21.5 h observed;
    # down 03-04 (partial outage) and 14-15 (the major outage seen on waking) = 2 h
    assert day.observed == timedelta(hours=21.5)
    assert day.up == timedelta(hours=19.5)
    assert day.ratio == pytest.approx(19.5 / 21.5)


def test_windows_and_nothing_observed() -> None:
    assert uptime(CHANGES, SPANS, at(2), at(5)).ratio == pytest.approx(2 / 3)
    assert uptime(CHANGES, SPANS, at(12), at(14)).ratio is None  # all gap
    assert uptime(CHANGES, SPANS, at(20), at(21)).ratio == 1.0  # maintenance is not downtime


def test_timeline_shows_the_worst_per_slice_and_gaps_as_gaps() -> None:
    strip = timeline(CHANGES, SPANS, at(0), at(24), 24)
    assert strip[2] is Level.OPERATIONAL
    assert strip[3] is Level.PARTIAL_OUTAGE
    assert strip[12] is None and strip[13] is None
    assert strip[14] is Level.MAJOR_OUTAGE
    assert strip[20] is Level.MAINTENANCE
    assert strip[22] is Level.OPERATIONAL  # the unknown half hour does not hide what was known
