"""Snapshots and events as terminal text and as documented JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from claude_beacon import wording
from claude_beacon.core.model import Event, Item, Level, Reading, Snapshot

EXIT_CODES = {
    Level.OPERATIONAL: 0,
    Level.MAINTENANCE: 1,
    Level.DEGRADED: 1,
    Level.PARTIAL_OUTAGE: 1,
    Level.MAJOR_OUTAGE: 2,
    Level.UNKNOWN: 3,
}
"""Nagios plugin convention: OK, WARNING, CRITICAL, UNKNOWN."""

COLOURS = {
    Level.UNKNOWN: "\033[90m",
    Level.OPERATIONAL: "\033[32m",
    Level.MAINTENANCE: "\033[34m",
    Level.DEGRADED: "\033[33m",
    Level.PARTIAL_OUTAGE: "\033[38;5;208m",
    Level.MAJOR_OUTAGE: "\033[31m",
}
RESET = "\033[0m"
BOLD = "\033[1m"


def primary(snapshot: Snapshot) -> Reading | None:
    """The page the answer is about: the first that is not an alternative (Claude, by default)."""
    counted = [r for r in snapshot.readings if not r.source.alternative] or snapshot.readings
    return counted[0] if counted else None


def overall(snapshot: Snapshot) -> Level:
    """The level ``status`` answers with: unknown whenever the primary page could not be read.

    Another page being fine says nothing about Claude, so it must never read as all clear.
    """
    first = primary(snapshot)
    if first is None or not first.ok:
        return Level.UNKNOWN
    return snapshot.level


def exit_code(snapshot: Snapshot) -> int:
    return EXIT_CODES[overall(snapshot)]


def status_text(snapshot: Snapshot, colour: bool = False) -> str:
    def paint(level: Level, text: str) -> str:
        return f"{COLOURS[level]}{text}{RESET}" if colour else text

    lines = []
    for reading in snapshot.readings:
        name = reading.source.name + (" (alternative)" if reading.source.alternative else "")
        head = f"{name}: {paint(reading.level, reading.level.label)}"
        if reading.failure:
            lines.append(f"{head} — {reading.failure.message}")
            continue
        if reading.description:
            head += f" ({reading.description})"
        lines.append(f"{BOLD}{head}{RESET}" if colour else head)
        lines.extend(f"  Read {limit}." for limit in reading.limitations)
        width = max((len(c.name) for c in reading.components), default=0)
        for component in reading.components:
            symbol = paint(component.level, wording.SYMBOLS[component.level])
            label = paint(component.level, component.level.label)
            lines.append(f"  {symbol} {component.name.ljust(width)}  {label}")
        for item in reading.incidents:
            lines.extend(_item_lines(item, paint))
        for item in reading.maintenances:
            lines.extend(_item_lines(item, paint))
        lines.extend(f"  note: {w}" for w in reading.warnings)
    level, first = overall(snapshot), primary(snapshot)
    if len(snapshot.readings) > 1:
        line = f"Overall: {paint(level, level.label)}"
        if first is not None and not first.ok:
            line += f" — {first.source.name}'s status page could not be read"
        lines.append(line)
    return "\n".join(lines)


def _item_lines(item: Item, paint: Any) -> list[str]:
    if item.kind.value == "maintenance":
        when = wording.window(item.scheduled_for, item.scheduled_until)
        head = f"  Maintenance ({item.status.replace('_', ' ')}{', ' + when if when else ''}): "
    else:
        since = wording.local_time(item.started_at)
        head = f"  Incident ({item.status}, {item.impact} impact, since {since}): "
    lines = [head + paint(item.level, item.name)]
    if item.latest and item.latest.body:
        lines.append(f"    {wording.trim(item.latest.body, 200)}")
    if item.url:
        lines.append(f"    {item.url}")
    return lines


def status_json(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "level": overall(snapshot).key,
        "checked_at": _iso(snapshot.at),
        "sources": [_reading_json(r) for r in snapshot.readings],
    }


def _reading_json(reading: Reading) -> dict[str, Any]:
    return {
        "name": reading.source.name,
        "url": reading.source.url,
        "type": reading.source.kind,
        "alternative": reading.source.alternative,
        "level": reading.level.key,
        "description": reading.description,
        "checked_at": _iso(reading.at),
        "components": [
            {"id": c.id, "name": c.name, "group": c.group, "status": c.status, "level": c.level.key}
            for c in reading.components
        ],
        "incidents": [_item_json(i) for i in reading.incidents],
        "maintenances": [_item_json(m) for m in reading.maintenances],
        "error": reading.failure.message if reading.failure else None,
        "warnings": list(reading.warnings),
        "path": reading.path,
        "limitations": list(reading.limitations),
    }


def _item_json(item: Item) -> dict[str, Any]:
    latest = item.latest
    return {
        "id": item.id,
        "name": item.name,
        "status": item.status,
        "impact": item.impact,
        "level": item.level.key,
        "url": item.url,
        "components": list(item.component_names),
        "started_at": _iso(item.started_at),
        "updated_at": _iso(item.updated_at),
        "scheduled_for": _iso(item.scheduled_for),
        "scheduled_until": _iso(item.scheduled_until),
        "latest_update": None
        if latest is None
        else {"status": latest.status, "body": latest.body, "at": _iso(latest.at)},
    }


def event_json(event: Event) -> dict[str, Any]:
    return {
        "kind": event.kind.value,
        "source": event.source_name,
        "source_url": event.source_key,
        "id": event.subject_id,
        "event_id": event.id,
        "title": event.title,
        "body": event.body,
        "level": event.level.key,
        "status": event.status,
        "components": list(event.components),
        "url": event.url,
        "at": _iso(event.at),
        "starts": _iso(event.starts),
        "ends": _iso(event.ends),
    }


def event_text(event: Event, colour: bool = False) -> str:
    when = wording.local_time(event.at)
    head = wording.headline(event)
    if colour:
        head = f"{COLOURS[event.level]}{head}{RESET}"
    body = wording.detail(event).replace("\n", "\n    ")
    link = f"\n    {event.url}" if event.url else ""
    return f"[{when}] {head}\n    {body}{link}"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
