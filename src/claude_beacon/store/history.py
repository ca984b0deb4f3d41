"""The local history: level changes, events, and when the app was watching, in SQLite.

Small and append-only: one row per change, not per poll, pruned after 90 days. The stretches
of time the app ran are kept too, so that uptime leaves the time it was not running as a gap.
A broken database is set aside and started afresh; a disk that refuses writes costs the
history, never the app.

The tray and ``watch`` may both run on one machine and write the same file: each write is one
immediate transaction that checks what is already there, so that a level change is kept once
and each event once (see ``_add_event``), whichever process saw it first.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claude_beacon.core.model import Event, EventKind, Level, Snapshot
from claude_beacon.core.text import NAME_LIMIT, SHOWN_BODY_LIMIT, clean
from claude_beacon.core.uptime import Change, Span, Uptime, timeline, uptime
from claude_beacon.store.rows import (
    PastEvent as PastEvent,
)
from claude_beacon.store.rows import (
    read_changes,
    read_events,
    read_level_changes,
    read_spans,
)

log = logging.getLogger(__name__)
CACHE_KIB = 256
"""SQLite's page cache for the history (its default is 2 MiB): the file is small and mostly
appended to, and a resident cache that grows with it would read as a slow leak."""
KEEP = timedelta(days=90)
EVENTS_PER_SOURCE_PER_DAY = 500
"""Beyond this, a source's events of the last day are not kept: bounds a page that rewords."""
SPAN_GAP = timedelta(minutes=5)
"""A record later than this after the previous one starts a new span: the app was not watching."""
BUSY_SECONDS = 10.0
"""How long a write waits for another process's write to the same file to finish."""
OVERALL = ""
"""The component name under which a source's overall level is kept."""
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


class History:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._writer = f" {uuid.uuid4().hex[:12]} "
        """This process's mark on the events it reported, spaces included for ``instr``."""

    def record(self, snapshot: Snapshot, events: Iterable[Event] = ()) -> None:
        """Note this moment as watched, every level that changed, and the events."""
        with self._lock:
            db = self._open()
            if db is None:
                return
            try:
                with _transaction(db):
                    self._record(db, snapshot, list(events))
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    self._fail(f"cannot write the history ({exc})")
                else:  # another process held the file too long: this moment only is lost
                    log.warning("the history was busy; skipped one record (%s)", exc)
            except sqlite3.Error as exc:
                self._fail(f"cannot write the history ({exc})")

    def _record(self, db: sqlite3.Connection, snapshot: Snapshot, events: list[Event]) -> None:
        now = snapshot.at.timestamp()
        gap = SPAN_GAP.total_seconds()
        # The span this moment belongs to, whichever process extended it last.
        span = db.execute(
            "SELECT rowid FROM spans WHERE end >= ? AND start <= ? ORDER BY end DESC LIMIT 1",
            (now - gap, now + gap),
        ).fetchone()
        if span:
            db.execute(
                "UPDATE spans SET start = min(start, ?), end = max(end, ?) WHERE rowid = ?",
                (now, now, span[0]),
            )
        else:
            db.execute("INSERT INTO spans VALUES (?, ?)", (now, now))
        for reading in snapshot.readings:
            source = reading.source.name
            levels = {OVERALL: reading.level}
            if reading.ok:
                levels |= {c.name: c.level for c in reading.components}
            else:  # unreadable: every component this source had is unknown now
                levels |= {c: Level.UNKNOWN for c in self._components(db, source) if c}
            for component, level in levels.items():
                _add_level(db, source, component, now, level)
        for event in events:
            self._add_event(db, now, event)
        cutoff = now - KEEP.total_seconds()
        for table, column in (("levels", "at"), ("events", "at"), ("spans", "end")):
            db.execute(f"DELETE FROM {table} WHERE {column} < ?", (cutoff,))

    def _add_event(self, db: sqlite3.Connection, now: float, event: Event) -> None:
        """Keep the event once, however many processes report it.

        An event another process already kept, with the same identity, near in time (at any
        time for what happens once per subject) and not yet matched to this process, is that
        same event: this process is added to its writers instead of adding a row. Matching one
        to one keeps an update that really was posted twice with the same words twice.
        """
        kind, source = event.kind.value, event.source_name
        title, body = (
            clean(event.title, NAME_LIMIT),
            clean(event.body, SHOWN_BODY_LIMIT, newlines=True),
        )
        identity = _identity(kind, source, event.subject_id, title, body)
        near = (KEEP if kind in ONCE_PER_SUBJECT else SAME_EVENT_WITHIN).total_seconds()
        same = db.execute(
            "SELECT rowid FROM events WHERE identity = ? AND abs(at - ?) <= ?"
            " AND instr(writers, ?) = 0 ORDER BY abs(at - ?) LIMIT 1",
            (identity, now, near, self._writer, now),
        ).fetchone()
        if same:
            db.execute(
                "UPDATE events SET writers = writers || ? WHERE rowid = ?",
                (self._writer.lstrip(), same[0]),
            )
            return
        (count,) = db.execute(
            "SELECT count(*) FROM events WHERE source = ? AND at > ?", (source, now - 86400)
        ).fetchone()
        if count >= EVENTS_PER_SOURCE_PER_DAY:
            log.warning("%s: over %d events in a day, not all kept", source, count)
            return
        db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (now, kind, source, event.subject_id, title, body, identity, self._writer),
        )

    def uptimes(
        self, source: str, now: datetime, windows: Iterable[timedelta]
    ) -> dict[str, list[Uptime]]:
        """Per component (``""``: the whole source), uptime over each window ending ``now``."""
        with self._lock:
            db = self._open()
            if db is None:
                return {}
            spans = self._spans(db)
            result = {}
            for component in self._components(db, source):
                changes = self._changes(db, source, component)
                result[component] = [uptime(changes, spans, now - w, now) for w in windows]
            return result

    def strip(
        self, source: str, component: str, now: datetime, length: timedelta, cells: int
    ) -> list[Level | None]:
        with self._lock:
            db = self._open()
            if db is None:
                return [None] * cells
            changes = self._changes(db, source, component)
            return timeline(changes, self._spans(db), now - length, now, cells)

    def events(self, since: datetime) -> list[PastEvent]:
        with self._lock:
            db = self._open()
            if db is None:
                return []
            rows = db.execute(
                "SELECT at, kind, source, title, body FROM events WHERE at >= ? ORDER BY at",
                (since.timestamp(),),
            ).fetchall()
        return read_events(rows)

    def level_changes(self, since: datetime) -> list[tuple[datetime, str, str, Level]]:
        with self._lock:
            db = self._open()
            if db is None:
                return []
            rows = db.execute(
                "SELECT at, source, component, level FROM levels WHERE at >= ? ORDER BY at",
                (since.timestamp(),),
            ).fetchall()
        return read_level_changes(rows)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _open(self) -> sqlite3.Connection | None:
        if self._db is not None or self.problem:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._connect()
            try:
                db.executescript(SCHEMA)
            except sqlite3.OperationalError:
                db.close()
                raise
            except sqlite3.DatabaseError:
                db.close()
                self._set_aside()
                db = self._connect()
                db.executescript(SCHEMA)
            self.path.chmod(0o600)
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            _migrate(db)
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                self._fail(f"cannot open the history at {self.path} ({exc})")
            else:  # another process holds the file: try again at the next record
                log.warning("the history is busy; opening it again later (%s)", exc)
            return None
        except (sqlite3.Error, OSError) as exc:
            self._fail(f"cannot open the history at {self.path} ({exc})")
            return None
        self._db = db
        return db

    def _connect(self) -> sqlite3.Connection:
        """Transactions are begun explicitly (``_transaction``), so that each is immediate."""
        return sqlite3.connect(
            self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
        )

    def _set_aside(self) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        self.path.replace(aside)
        log.warning(
            "the history %s was unreadable; kept it as %s, started afresh", self.path, aside
        )

    def _fail(self, problem: str) -> None:
        if self.problem is None:
            log.warning("%s; carrying on without it", problem)
        self.problem = problem

    @staticmethod
    def _spans(db: sqlite3.Connection) -> list[Span]:
        rows = db.execute("SELECT start, end FROM spans ORDER BY start").fetchall()
        return read_spans(rows)

    @staticmethod
    def _components(db: sqlite3.Connection, source: str) -> list[str]:
        rows = db.execute(
            "SELECT DISTINCT component FROM levels WHERE source = ? ORDER BY component", (source,)
        )
        return [row[0] for row in rows]

    @staticmethod
    def _changes(db: sqlite3.Connection, source: str, component: str) -> list[Change]:
        rows = db.execute(
            "SELECT at, level FROM levels WHERE source = ? AND component = ? ORDER BY at",
            (source, component),
        ).fetchall()
        return read_changes(rows)


def _add_level(
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


def _identity(kind: str, source: str, subject: str, title: str, body: str) -> str:
    """What two rows have in common when they are one event reported by two processes."""
    parts = (kind, source, subject) if kind in BY_SUBJECT else (kind, source, subject, title, body)
    return "\x1f".join(parts)


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Another process held the file for longer than ``BUSY_SECONDS``: a passing condition."""
    return "locked" in str(exc) or "busy" in str(exc)


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """An immediate transaction: what it reads stays true until it commits, in every process."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a file written by an older version along, once: add the columns that tell events
    apart, and drop the duplicates two processes used to write."""
    with _transaction(db):
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
        identity = _identity(kind, source, subject or "", title or "", body or "")
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
