"""The history file's shape: its tables, what makes two rows one event, and how a file an
older version wrote is brought along.

Kept apart from ``history`` (which records and reads) because every write and the one-time
migration agree on these, and on nothing else.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from claude_beacon.core.model import EventKind, Level

KEEP = timedelta(days=90)
SAME_EVENT_WITHIN = timedelta(minutes=15)
"""Two processes report one event within about a poll interval of each other; this is the
widest gap at which a repeat by another process is taken for the same event."""
ONCE_PER_SUBJECT = frozenset(
    {
        EventKind.INCIDENT_OPENED.value,
        EventKind.INCIDENT_RESOLVED.value,
        EventKind.MAINTENANCE_SCHEDULED.value,
        EventKind.MAINTENANCE_STARTED.value,
        EventKind.MAINTENANCE_COMPLETED.value,
    }
)
"""Kinds that happen once per incident or maintenance, however far apart two processes see it
(one that starts later reports what is in progress as it finds it)."""
BY_SUBJECT = ONCE_PER_SUBJECT | {
    EventKind.SOURCE_DOWN.value,
    EventKind.SOURCE_RECOVERED.value,
    EventKind.EARLY_WARNING.value,
}
"""Kinds whose text may differ between processes that saw the same thing (each one's own error
message, its own latest update): they are told apart by kind, source and subject alone."""
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS levels (source TEXT, component TEXT, at REAL, level INTEGER);
CREATE INDEX IF NOT EXISTS levels_by_component ON levels (source, component, at);
CREATE TABLE IF NOT EXISTS events (
    at REAL, kind TEXT, source TEXT, subject TEXT, title TEXT, body TEXT,
    identity TEXT, writers TEXT
);
CREATE INDEX IF NOT EXISTS events_by_time ON events (at);
CREATE TABLE IF NOT EXISTS spans (start REAL, end REAL);
"""
"""Version 1 added ``events.identity`` (what makes two rows the same event) and
``events.writers`` (the processes that reported it); ``_migrate`` brings older files along."""


def event_identity(kind: str, source: str, subject: str, title: str, body: str) -> str:
    """What two rows have in common when they are one event reported by two processes."""
    parts = (kind, source, subject) if kind in BY_SUBJECT else (kind, source, subject, title, body)
    return "\x1f".join(parts)


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """An immediate transaction: what it reads stays true until it commits, in every process."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def migrate(db: sqlite3.Connection) -> None:
    """Bring a file written by an older version along, once: add the columns that tell events
    apart, and drop the duplicates two processes used to write."""
    with transaction(db):
        if db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        columns = {row[1] for row in db.execute("PRAGMA table_info(events)")}
        for column in ("identity", "writers"):
            if column not in columns:
                db.execute(f"ALTER TABLE events ADD COLUMN {column} TEXT")
        _dedupe_events(db)
        _dedupe_levels(db)
        _merge_spans(db)
        db.execute("CREATE INDEX IF NOT EXISTS events_by_identity ON events (identity, at)")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _dedupe_events(db: sqlite3.Connection) -> None:
    """Give old rows their identity, and keep the first of each event two processes wrote.

    Old rows do not say which process wrote them: an update posted twice in the same words
    within ``SAME_EVENT_WITHIN`` is kept once here, the one loss this one-time step accepts.
    """
    rows = db.execute(
        "SELECT rowid, at, kind, source, subject, title, body FROM events ORDER BY at, rowid"
    ).fetchall()
    kept: dict[str, float] = {}
    for rowid, at, kind, source, subject, title, body in rows:
        identity = event_identity(kind, source, subject or "", title or "", body or "")
        last = kept.get(identity)
        near = (KEEP if kind in ONCE_PER_SUBJECT else SAME_EVENT_WITHIN).total_seconds()
        if last is not None and at - last <= near:
            db.execute("DELETE FROM events WHERE rowid = ?", (rowid,))
            continue
        kept[identity] = at
        db.execute(
            "UPDATE events SET identity = ?, writers = ' ' WHERE rowid = ?", (identity, rowid)
        )


def _dedupe_levels(db: sqlite3.Connection) -> None:
    """Drop rows that repeat the level before them: they change nothing."""
    rows = db.execute(
        "SELECT rowid, source, component, level FROM levels ORDER BY source, component, at, rowid"
    ).fetchall()
    before: tuple[str, str, int] | None = None
    for rowid, source, component, level in rows:
        if before == (source, component, level):
            db.execute("DELETE FROM levels WHERE rowid = ?", (rowid,))
        before = (source, component, level)


def _merge_spans(db: sqlite3.Connection) -> None:
    """Overlapping spans, as two processes wrote them, become one: time is watched only once."""
    merged: list[list[float]] = []
    for start, end in db.execute("SELECT start, end FROM spans ORDER BY start, end").fetchall():
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    db.execute("DELETE FROM spans")
    db.executemany("INSERT INTO spans VALUES (?, ?)", merged)


def add_level(
    db: sqlite3.Connection, source: str, component: str, now: float, level: Level
) -> None:
    """A row only when the level differs from the one kept for that moment, by any process."""
    kept = db.execute(
        "SELECT level FROM levels WHERE source = ? AND component = ? AND at <= ?"
        " ORDER BY at DESC LIMIT 1",
        (source, component, now),
    ).fetchone()
    if kept is None or kept[0] != level:
        db.execute("INSERT INTO levels VALUES (?, ?, ?, ?)", (source, component, now, level))


def is_busy(exc: sqlite3.OperationalError) -> bool:
    """Another process held the file for longer than ``BUSY_SECONDS``: a passing condition."""
    return "locked" in str(exc) or "busy" in str(exc)
