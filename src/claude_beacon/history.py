"""The local history: level changes, events, and when the app was watching, in SQLite.

Small and append-only: one row per change, not per poll, pruned after 90 days. The stretches
of time the app ran are kept too, so that uptime leaves the time it was not running as a gap.
A broken database is set aside and started afresh; a disk that refuses writes costs the
history, never the app.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claude_beacon.core.model import Event, Level, Snapshot
from claude_beacon.core.uptime import Change, Span, Uptime, timeline, uptime

log = logging.getLogger(__name__)
CACHE_KIB = 256
"""SQLite's page cache for the history (its default is 2 MiB): the file is small and mostly
appended to, and a resident cache that grows with it would read as a slow leak."""
KEEP = timedelta(days=90)
SPAN_GAP = timedelta(minutes=5)
"""A record later than this after the previous one starts a new span: the app was not watching."""
OVERALL = ""
"""The component name under which a source's overall level is kept."""
SCHEMA = """
CREATE TABLE IF NOT EXISTS levels (source TEXT, component TEXT, at REAL, level INTEGER);
CREATE INDEX IF NOT EXISTS levels_by_component ON levels (source, component, at);
CREATE TABLE IF NOT EXISTS events (
    at REAL, kind TEXT, source TEXT, subject TEXT, title TEXT, body TEXT
);
CREATE INDEX IF NOT EXISTS events_by_time ON events (at);
CREATE TABLE IF NOT EXISTS spans (start REAL, end REAL);
"""


@dataclass(frozen=True)
class PastEvent:
    at: datetime
    kind: str
    source: str
    title: str
    body: str


class History:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._last: dict[tuple[str, str], Level] = {}

    def record(self, snapshot: Snapshot, events: Iterable[Event] = ()) -> None:
        """Note this moment as watched, every level that changed, and the events."""
        with self._lock:
            db = self._open()
            if db is None:
                return
            try:
                self._record(db, snapshot, list(events))
                db.commit()
            except sqlite3.Error as exc:
                self._fail(f"cannot write the history ({exc})")

    def _record(self, db: sqlite3.Connection, snapshot: Snapshot, events: list[Event]) -> None:
        now = snapshot.at.timestamp()
        last = db.execute("SELECT rowid, end FROM spans ORDER BY end DESC LIMIT 1").fetchone()
        if last and 0 <= now - last[1] <= SPAN_GAP.total_seconds():
            db.execute("UPDATE spans SET end = ? WHERE rowid = ?", (now, last[0]))
        else:
            db.execute("INSERT INTO spans VALUES (?, ?)", (now, now))
        for reading in snapshot.readings:
            source = reading.source.name
            levels = {OVERALL: reading.level}
            if reading.ok:
                levels |= {c.name: c.level for c in reading.components}
            else:  # unreadable: every component this source had is unknown now
                levels |= {c: Level.UNKNOWN for s, c in self._last if s == source and c}
            for component, level in levels.items():
                if self._last.get((source, component)) is not level:
                    self._last[source, component] = level
                    db.execute(
                        "INSERT INTO levels VALUES (?, ?, ?, ?)", (source, component, now, level)
                    )
        db.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
            [(now, e.kind.value, e.source_name, e.subject_id, e.title, e.body) for e in events],
        )
        cutoff = now - KEEP.total_seconds()
        for table, column in (("levels", "at"), ("events", "at"), ("spans", "end")):
            db.execute(f"DELETE FROM {table} WHERE {column} < ?", (cutoff,))

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
        return [PastEvent(_time(r[0]), r[1], r[2], r[3], r[4]) for r in rows]

    def level_changes(self, since: datetime) -> list[tuple[datetime, str, str, Level]]:
        with self._lock:
            db = self._open()
            if db is None:
                return []
            rows = db.execute(
                "SELECT at, source, component, level FROM levels WHERE at >= ? ORDER BY at",
                (since.timestamp(),),
            ).fetchall()
        return [(_time(r[0]), r[1], r[2], Level(r[3])) for r in rows]

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
            db = sqlite3.connect(self.path, check_same_thread=False)
            try:
                db.executescript(SCHEMA)
            except sqlite3.DatabaseError:
                db.close()
                self._set_aside()
                db = sqlite3.connect(self.path, check_same_thread=False)
                db.executescript(SCHEMA)
            self.path.chmod(0o600)
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            for source, component, level in db.execute(
                "SELECT source, component, level FROM levels l WHERE at = (SELECT MAX(at) FROM"
                " levels WHERE source = l.source AND component = l.component)"
            ):
                self._last[source, component] = Level(level)
        except (sqlite3.Error, OSError) as exc:
            self._fail(f"cannot open the history at {self.path} ({exc})")
            return None
        self._db = db
        return db

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
        return [Span(_time(start), _time(end)) for start, end in rows]

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
        return [Change(_time(at), Level(level)) for at, level in rows]


def _time(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, UTC)
