"""Values read back from the history database, which is a file anyone could have written.

SQLite keeps whatever a row was given, whatever its column says: a level may be 99 or text, a
time may be out of range, a title may be a blob. Each is read on its own, so that one odd row
shows as unknown or is skipped, never stops the reader.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from claude_beacon.core.model import Level
from claude_beacon.core.text import NAME_LIMIT, SHOWN_BODY_LIMIT, clean
from claude_beacon.core.uptime import Change, Span

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC).timestamp()
LATEST = datetime(2100, 1, 1, tzinfo=UTC).timestamp()


def stored_level(value: object) -> Level:
    """A stored level; one this version does not know reads as unknown."""
    known = {level.value: level for level in Level}
    return known.get(value, Level.UNKNOWN) if isinstance(value, int) else Level.UNKNOWN


def stored_time(value: object) -> datetime | None:
    """A stored moment between 2000 and 2100, else ``None`` (the row is skipped)."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return None
    if not EARLIEST <= value < LATEST:
        return None
    return datetime.fromtimestamp(value, UTC)


def stored_name(value: object) -> str:
    return clean(value, NAME_LIMIT)


def stored_body(value: object) -> str:
    return clean(value, SHOWN_BODY_LIMIT, newlines=True)


@dataclass(frozen=True)
class PastEvent:
    at: datetime
    kind: str
    source: str
    title: str
    body: str


def read_events(rows: Iterable[Sequence[Any]]) -> list[PastEvent]:
    """``at, kind, source, title, body`` rows -> events; one without a sane time is skipped."""
    events = []
    for at, kind, source, title, body in rows:
        moment = stored_time(at)
        if moment is not None:
            named = stored_name(kind), stored_name(source), stored_name(title)
            events.append(PastEvent(moment, *named, stored_body(body)))
    return events


def read_level_changes(rows: Iterable[Sequence[Any]]) -> list[tuple[datetime, str, str, Level]]:
    """``at, source, component, level`` rows -> level changes."""
    read = [(stored_time(at), source, component, level) for at, source, component, level in rows]
    return [
        (at, stored_name(source), stored_name(component), stored_level(level))
        for at, source, component, level in read
        if at is not None
    ]


def read_changes(rows: Iterable[Sequence[Any]]) -> list[Change]:
    """``at, level`` rows -> one component's changes."""
    read = [(stored_time(at), stored_level(level)) for at, level in rows]
    return [Change(at, level) for at, level in read if at is not None]


def read_spans(rows: Iterable[Sequence[Any]]) -> list[Span]:
    """``start, end`` rows -> the stretches watched."""
    read = [(stored_time(start), stored_time(end)) for start, end in rows]
    return [Span(start, end) for start, end in read if start and end and start <= end]
