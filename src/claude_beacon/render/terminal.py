"""Snapshots and events as terminal text, with ANSI colour, and the monitoring exit codes."""

from __future__ import annotations

from typing import Any

from claude_beacon.core.model import Event, Item, Level, Snapshot
from claude_beacon.render import wording

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


def exit_code(snapshot: Snapshot) -> int:
    return EXIT_CODES[snapshot.overall]


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
    level, first = snapshot.overall, snapshot.primary
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


def event_text(event: Event, colour: bool = False) -> str:
    when = wording.local_time(event.at)
    head = wording.headline(event)
    if colour:
        head = f"{COLOURS[event.level]}{head}{RESET}"
    body = wording.detail(event).replace("\n", "\n    ")
    link = f"\n    {event.url}" if event.url else ""
    return f"[{when}] {head}\n    {body}{link}"
