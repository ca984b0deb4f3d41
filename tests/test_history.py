"""The history store through a scripted day, checked against figures worked out by hand."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_beacon.core.model import Event, EventKind, Level, Snapshot, SourceSpec
from claude_beacon.core.statuspage import parse_summary
from claude_beacon.store.history import History
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


def incident_event(kind: EventKind, body: str, subject: str = "inc1") -> Event:
    return Event(kind, "Claude", "https://status.claude.com", subject, "API errors", body)


LAG = timedelta(seconds=40)
"""How far behind the first process the second one polls."""


def test_two_processes_on_one_file_keep_each_level_change_and_event_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    tray, watch = History(path), History(path)
    opened = incident_event(EventKind.INCIDENT_OPENED, "We are investigating.")
    update = incident_event(EventKind.INCIDENT_UPDATED, "A fix is being rolled out.")
    script = [(0, "operational", []), (5, "partial_outage", [opened]), (9, "partial_outage", [])]
    script += [(13, "partial_outage", [update]), (17, "operational", [])]
    for minute, state, events in script:
        at = DAY + timedelta(minutes=minute)
        tray.record(snapshot(at, state), events)
        watch.record(snapshot(at + LAG, state), events)

    alone = History(tmp_path / "alone.sqlite3")
    for minute, state, events in script:
        alone.record(snapshot(DAY + timedelta(minutes=minute), state), events)
    reader = History(path)
    assert [(e.kind, e.body) for e in reader.events(DAY)] == [
        ("incident_opened", "We are investigating."),
        ("incident_updated", "A fix is being rolled out."),
    ]
    both = [(at.minute, c, level) for at, _s, c, level in reader.level_changes(DAY)]
    one = [(at.minute, c, level) for at, _s, c, level in alone.level_changes(DAY)]
    assert both == one
    end = DAY + timedelta(hours=1)
    (watched,) = reader.uptimes("Claude", end, [timedelta(hours=1)])[CODE]
    assert watched.observed == timedelta(minutes=17) + LAG  # watched once, not twice


def test_an_update_posted_twice_in_the_same_words_is_kept_twice_with_two_writers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    tray, watch = History(path), History(path)
    same = incident_event(EventKind.INCIDENT_UPDATED, "We are continuing to investigate.")
    for minute in (0, 6):
        at = DAY + timedelta(minutes=minute)
        tray.record(snapshot(at), [same])
        watch.record(snapshot(at + LAG), [same])
    assert len(History(path).events(DAY)) == 2


def test_a_process_started_later_adds_no_second_row_for_an_incident_in_progress(
    tmp_path: Path,
) -> None:
    """The later one reports what is in progress when it starts, with the update of then."""
    path = tmp_path / "history.sqlite3"
    History(path).record(snapshot(DAY), [incident_event(EventKind.INCIDENT_OPENED, "Looking.")])
    later = History(path)
    later.record(
        snapshot(DAY + timedelta(hours=2)),
        [incident_event(EventKind.INCIDENT_OPENED, "A fix is being rolled out.")],
    )
    assert [e.body for e in later.events(DAY)] == ["Looking."]


def test_two_processes_writing_at_the_same_time_keep_each_event_once(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    events = [incident_event(EventKind.INCIDENT_OPENED, "Looking.", f"inc{n}") for n in range(40)]
    start = threading.Barrier(2)

    def write() -> None:
        store = History(path)
        start.wait()
        for minute, event in enumerate(events):
            store.record(snapshot(DAY + timedelta(minutes=minute)), [event])
        store.close()

    writers = [threading.Thread(target=write) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    kept = History(path)
    assert sorted(e.title for e in kept.events(DAY)) == ["API errors"] * 40
    assert len({(e.at, e.kind) for e in kept.events(DAY)}) == 40
    assert kept.problem is None


OLD_SCHEMA = """
CREATE TABLE levels (source TEXT, component TEXT, at REAL, level INTEGER);
CREATE TABLE events (at REAL, kind TEXT, source TEXT, subject TEXT, title TEXT, body TEXT);
CREATE TABLE spans (start REAL, end REAL);
"""


def test_a_file_two_processes_wrote_before_is_cleaned_up_once(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(OLD_SCHEMA)
    t = DAY.timestamp()
    for lag in (0, 40):  # what the tray and `watch` each wrote
        old.execute("INSERT INTO spans VALUES (?, ?)", (t + lag, t + lag + 600))
        old.execute("INSERT INTO levels VALUES ('Claude', ?, ?, 0)", (CODE, t + lag))
        old.execute("INSERT INTO levels VALUES ('Claude', ?, ?, 3)", (CODE, t + lag + 300))
        old.execute(
            "INSERT INTO events VALUES (?, 'incident_opened', 'Claude', 'i1', 'API errors', ?)",
            (t + lag + 300, "Looking." if lag else "We are investigating."),
        )
    old.commit()
    old.close()

    store = History(path)
    assert [e.body for e in store.events(DAY)] == ["We are investigating."]
    changes = [(at - DAY, level) for at, _s, _c, level in store.level_changes(DAY)]
    assert changes == [
        (timedelta(0), Level.OPERATIONAL),
        (timedelta(minutes=5), Level.PARTIAL_OUTAGE),
    ]
    (watched,) = store.uptimes("Claude", DAY + timedelta(hours=1), [timedelta(hours=1)])[CODE]
    assert watched.observed == timedelta(minutes=10, seconds=40)
    store.record(
        snapshot(DAY + timedelta(minutes=11)),
        [incident_event(EventKind.INCIDENT_OPENED, "x", "i1")],
    )
    assert len(store.events(DAY)) == 1  # the old row counts as that incident's
    store.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone() == (1,)


def test_an_unchanged_poll_soon_after_a_write_touches_no_file(tmp_path: Path) -> None:
    """An idle app costs the disk nothing: polls every 10 s write every two minutes, or at once
    when a level changes, and the watched time and the change's moment stay right."""
    path = tmp_path / "history.sqlite3"
    store = History(path)
    store.record(snapshot(DAY))
    written = path.stat()
    for second in range(10, 120, 10):
        store.record(snapshot(DAY + timedelta(seconds=second)))
    assert (path.stat().st_mtime_ns, path.stat().st_size) == (written.st_mtime_ns, written.st_size)
    writes = 0
    for second in range(120, 600, 10):
        before = path.stat().st_mtime_ns
        code = "partial_outage" if second >= 300 else "operational"
        store.record(snapshot(DAY + timedelta(seconds=second), code))
        writes += path.stat().st_mtime_ns != before
    assert writes == 5  # at 2, 4, 5 (the change), 7 and 9 minutes: not 48 times
    changes = [(at, lvl) for at, _s, c, lvl in store.level_changes(DAY) if c == CODE]
    assert changes == [(DAY, Level.OPERATIONAL), (DAY + timedelta(minutes=5), Level.PARTIAL_OUTAGE)]
    (day,) = store.uptimes("Claude", DAY + timedelta(minutes=10), [timedelta(days=1)])[CODE]
    assert timedelta(minutes=7) <= day.observed <= timedelta(seconds=590)


def test_the_watched_time_held_since_the_last_write_is_written_at_close(tmp_path: Path) -> None:
    store = History(tmp_path / "history.sqlite3")
    for second in range(0, 100, 10):
        store.record(snapshot(DAY + timedelta(seconds=second)))
    store.close()
    (day,) = History(tmp_path / "history.sqlite3").uptimes(
        "Claude", DAY + timedelta(minutes=5), [timedelta(days=1)]
    )[CODE]
    assert day.observed == timedelta(seconds=90)
