"""The history store through a scripted day, checked against figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_beacon.core.model import Event, EventKind, Level, Snapshot, SourceSpec
from claude_beacon.core.statuspage import parse_summary
from claude_beacon.history import History
from tests.support import payloads

DAY = datetime(2026, 11, 23, tzinfo=UTC)
CLAUDE = SourceSpec("Claude", "https://status.claude.com")
CODE = "Claude Code"


def snapshot(at: datetime, code: str = "operational") -> Snapshot:
    return Snapshot(at, (parse_summary(payloads.summary({CODE: code}), CLAUDE, at),))


def scripted_day(store: History) -> None:
    """Polls every 4 minutes; Claude Code in partial outage 03:00-04:00; asleep 12:00-14:00."""
    minute = 0
    while minute < 24 * 60:
        if not 12 * 60 <= minute < 14 * 60:
            state = "partial_outage" if 3 * 60 <= minute < 4 * 60 else "operational"
            store.record(snapshot(DAY + timedelta(minutes=minute), state))
        minute += 4


def test_uptime_over_a_scripted_day(tmp_path: Path) -> None:
    store = History(tmp_path / "history.sqlite3")
    scripted_day(store)
    end = DAY + timedelta(hours=24)
    day, week = store.uptimes("Claude", end, [timedelta(days=1), timedelta(days=7)])[CODE]
    # watched 00:00-11:56 (716 min) and 14:00-23:56 (596 min): 1312 minutes;
    # down 03:00-04:00: 60 minutes
    assert day.observed == timedelta(minutes=1312)
    assert day.ratio == pytest.approx((1312 - 60) / 1312)
    assert week.observed == day.observed  # nothing before this day: not counted as up
    assert store.uptimes("Claude", end, [timedelta(days=1)])["claude.ai"][0].ratio == 1.0

    strip = store.strip("Claude", CODE, end, timedelta(hours=24), 24)
    assert strip[3] is Level.PARTIAL_OUTAGE and strip[12] is None and strip[13] is None
    assert strip[0] is Level.OPERATIONAL


def test_only_changes_are_stored_and_a_restart_adds_none(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = History(path)
    scripted_day(store)
    changes = store.level_changes(DAY)
    code = [(at.hour, level) for at, _s, component, level in changes if component == CODE]
    assert code == [(0, Level.OPERATIONAL), (3, Level.PARTIAL_OUTAGE), (4, Level.OPERATIONAL)]
    store.close()
    again = History(path)
    again.record(snapshot(DAY + timedelta(days=1)))
    assert len(again.level_changes(DAY)) == len(changes)  # same levels: nothing new


def test_events_are_kept_and_old_rows_pruned(tmp_path: Path) -> None:
    store = History(tmp_path / "history.sqlite3")
    old = Event(EventKind.INCIDENT_OPENED, "Claude", "k", "i1", "Old incident", "Long ago.")
    new = Event(EventKind.INCIDENT_RESOLVED, "Claude", "k", "i2", "New incident", "Fixed.")
    store.record(snapshot(DAY - timedelta(days=100)), [old])
    store.record(snapshot(DAY), [new])
    assert [(e.kind, e.title) for e in store.events(DAY - timedelta(days=200))] == [
        ("incident_resolved", "New incident")
    ]


def test_a_corrupt_database_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = History(path)
    store.record(snapshot(DAY))
    assert store.problem is None and store.level_changes(DAY)
    assert [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]


def test_an_unwritable_location_costs_only_the_history(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = History(blocker / "history.sqlite3")
    store.record(snapshot(DAY))
    assert store.problem and "cannot open the history" in store.problem
    assert store.events(DAY) == [] and store.uptimes("Claude", DAY, [timedelta(days=1)]) == {}
