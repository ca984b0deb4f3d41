"""Events waiting to be told, per sink, in a JSON form that survives a restart.

An event is written to the outbox of every sink in the same save that marks it as seen, and
leaves a sink's outbox only when that sink has accepted it: a process killed between "seen"
and "told" tells it after the restart instead of never.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from claude_beacon.core.model import Event, EventKind, Level, aware_time

LIMIT = 500
"""Events kept per sink at most; a sink that never accepts loses the oldest, not the memory."""


def to_dict(event: Event) -> dict[str, Any]:
    return {
        "kind": event.kind.value,
        "source_name": event.source_name,
        "source_key": event.source_key,
        "subject_id": event.subject_id,
        "title": event.title,
        "body": event.body,
        "level": event.level.key,
        "url": event.url,
        "at": _iso(event.at),
        "components": list(event.components),
        "status": event.status,
        "starts": _iso(event.starts),
        "ends": _iso(event.ends),
        "peak": event.peak.key,
        "models": list(event.models),
        "any_model": event.any_model,
        "affects_you": event.affects_you,
    }


def from_dict(data: Mapping[str, Any]) -> Event:
    """The inverse of ``to_dict``; raises ``ValueError``, ``KeyError`` or ``TypeError`` on junk."""
    return Event(
        kind=EventKind(data["kind"]),
        source_name=str(data["source_name"]),
        source_key=str(data["source_key"]),
        subject_id=str(data["subject_id"]),
        title=str(data["title"]),
        body=str(data.get("body", "")),
        level=_level(data.get("level")),
        url=str(data["url"]) if data.get("url") else None,
        at=_time(data.get("at")),
        components=tuple(str(c) for c in data.get("components", ())),
        status=str(data.get("status", "")),
        starts=_time(data.get("starts")),
        ends=_time(data.get("ends")),
        peak=_level(data.get("peak")),
        models=tuple(str(m) for m in data.get("models", ())),
        any_model=data.get("any_model") is True,
        affects_you=_maybe_bool(data.get("affects_you")),
    )


def add(
    outbox: Mapping[str, tuple[Event, ...]], sinks: tuple[str, ...], events: tuple[Event, ...]
) -> dict[str, tuple[Event, ...]]:
    """``outbox`` with ``events`` queued for each of ``sinks``, each event once per sink."""
    updated = dict(outbox)
    for sink in sinks:
        queued = updated.get(sink, ())
        known = {e.id for e in queued}
        fresh = tuple(e for e in events if e.id not in known)
        updated[sink] = (*queued, *fresh)[-LIMIT:]
    return updated


def remove(
    outbox: Mapping[str, tuple[Event, ...]], sink: str, ids: frozenset[str]
) -> dict[str, tuple[Event, ...]]:
    """``outbox`` without the events of ``ids`` in ``sink``'s queue; empty queues go."""
    updated = dict(outbox)
    left = tuple(e for e in updated.get(sink, ()) if e.id not in ids)
    if left:
        updated[sink] = left
    else:
        updated.pop(sink, None)
    return updated


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _time(value: Any) -> datetime | None:
    return None if value is None else aware_time(value)


def _level(value: Any) -> Level:
    return Level.from_key(str(value)) if value else Level.UNKNOWN


def _maybe_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None
