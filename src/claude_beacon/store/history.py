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
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claude_beacon.core.model import Event, Level, Snapshot
from claude_beacon.core.text import NAME_LIMIT, SHOWN_BODY_LIMIT, clean
from claude_beacon.core.uptime import Change, Span, Uptime, timeline, uptime
from claude_beacon.store.historyschema import (
    KEEP,
    ONCE_PER_SUBJECT,
    SAME_EVENT_WITHIN,
    SCHEMA,
    add_level,
    event_identity,
    is_busy,
    migrate,
    transaction,
)
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
EVENTS_PER_SOURCE_PER_DAY = 500
"""Beyond this, a source's events of the last day are not kept: bounds a page that rewords."""
SPAN_GAP = timedelta(minutes=5)
"""A record later than this after the previous one starts a new span: the app was not watching."""
SPAN_WRITE_EVERY = timedelta(minutes=2)
"""While nothing changes, the watched span is extended this often, not at every poll: well
inside ``SPAN_GAP``, so the span stays one, and a crash loses at most this much watched time."""
PRUNE_EVERY = timedelta(hours=1)
"""Rows older than ``KEEP`` are dropped at the first write and then at most this often."""
BUSY_SECONDS = 10.0
"""How long a write waits for another process's write to the same file to finish."""
OVERALL = ""
"""The component name under which a source's overall level is kept."""


class History:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._writer = f" {uuid.uuid4().hex[:12]} "
        """This process's mark on the events it reported, spaces included for ``instr``."""
        self._written: tuple[float, Levels] | None = None
        """When this process last wrote, and the levels it wrote: an unchanged poll soon after
        writes nothing (``SPAN_WRITE_EVERY``)."""
        self._pruned_at: float | None = None
        self._held: float | None = None

    def record(self, snapshot: Snapshot, events: Iterable[Event] = ()) -> None:
        """Note this moment as watched, every level that changed, and the events.

        A poll that brings no event and no new level, within ``SPAN_WRITE_EVERY`` of the last
        write, touches no file: an idle app costs the disk nothing."""
        told, levels, now = list(events), _levels(snapshot), snapshot.at.timestamp()
        with self._lock:
            if not told and self._unchanged(now, levels):
                self._held = now  # the span is extended to it at the next write or at close
                return
            db = self._open()
            if db is None:
                return
            try:
                with transaction(db):
                    self._record(db, snapshot, told)
                self._written, self._held = (now, levels), None
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    self._fail(f"cannot write the history ({exc})")
                else:  # another process held the file too long: this moment only is lost
                    log.warning("the history was busy; skipped one record (%s)", exc)
            except sqlite3.Error as exc:
                self._fail(f"cannot write the history ({exc})")

    def _unchanged(self, now: float, levels: Levels) -> bool:
        if self._written is None or self._written[1] != levels:
            return False
        return 0 <= now - self._written[0] < SPAN_WRITE_EVERY.total_seconds()

    def _record(self, db: sqlite3.Connection, snapshot: Snapshot, events: list[Event]) -> None:
        now = snapshot.at.timestamp()
        _extend_span(db, now)
        for reading in snapshot.readings:
            source = reading.source.name
            levels = {OVERALL: reading.level}
            if reading.ok:
                levels |= {c.name: c.level for c in reading.components}
            else:  # unreadable: every component this source had is unknown now
                levels |= {c: Level.UNKNOWN for c in self._components(db, source) if c}
            for component, level in levels.items():
                add_level(db, source, component, now, level)
        for event in events:
            self._add_event(db, now, event)
        if self._pruned_at is not None and 0 <= now - self._pruned_at < PRUNE_EVERY.total_seconds():
            return
        self._pruned_at = now
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
        identity = event_identity(kind, source, event.subject_id, title, body)
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
        """Write the watched time held since the last write, and let the file go."""
        with self._lock:
            if self._db is not None and self._held is not None:
                try:
                    with transaction(self._db):
                        _extend_span(self._db, self._held)
                except sqlite3.Error as exc:
                    log.warning("could not note the last watched moment (%s)", exc)
                self._held = None
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
            migrate(db)
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
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


def _extend_span(db: sqlite3.Connection, now: float) -> None:
    """Add ``now`` to the span it belongs to, whichever process extended it last."""
    gap = SPAN_GAP.total_seconds()
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


Levels = tuple[tuple[str, bool, Level, tuple[tuple[str, Level], ...]], ...]


def _levels(snapshot: Snapshot) -> Levels:
    """What a poll says of every watched source, as the history keeps it."""
    return tuple(
        (r.source.name, r.ok, r.level, tuple((c.name, c.level) for c in r.components))
        for r in snapshot.readings
    )
