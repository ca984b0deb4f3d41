"""Snapshots and events as terminal text, with ANSI colour, and the monitoring exit codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from claude_beacon.core.model import Event, Item, Level, Snapshot, SourceSpec
from claude_beacon.core.text import printable, shown
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
NAME_WIDTH = 60
"""Columns a component's name may take: a longer one is cut, and pads no other line."""
LINE_LIMIT = 200
"""Characters of any other one field on a line: a title, a status, a message, a link."""


def claude_missing(sources: Sequence[SourceSpec]) -> str | None:
    """The first line of ``status`` when no page watched is Claude's (by its address, or a
    page named Claude): the product watches something else, and must say so."""
    from urllib.parse import urlsplit

    from claude_beacon.config.model import CLAUDE_ALIAS, CLAUDE_HOSTS

    claude_hosts = CLAUDE_HOSTS | {urlsplit(CLAUDE_ALIAS).hostname}
    for source in sources:
        host = (urlsplit(source.url).hostname or "").rstrip(".").lower()
        if host in claude_hosts or source.name.strip().casefold() == "claude":
            return None
    names = ", ".join(shown(s.name) for s in sources)
    return f"Claude is not watched, only {names}: `claude-beacon add claude` watches it again"


def exit_code(snapshot: Snapshot) -> int:
    return EXIT_CODES[snapshot.overall]


def status_text(snapshot: Snapshot, colour: bool = False) -> str:
    def paint(level: Level, text: str) -> str:
        return f"{COLOURS[level]}{text}{RESET}" if colour else text

    lines = []
    for reading in snapshot.readings:
        name = shown(reading.source.name) + (" (alternative)" if reading.source.alternative else "")
        head = f"{name}: {paint(reading.level, reading.level.label)}"
        if reading.failure:
            lines.append(f"{head} — {shown(reading.failure.message, LINE_LIMIT)}")
            continue
        if reading.description:
            head += f" ({shown(reading.description, LINE_LIMIT)})"
        lines.append(f"{BOLD}{head}{RESET}" if colour else head)
        lines.extend(f"  Read {shown(limit, LINE_LIMIT)}." for limit in reading.limitations)
        names = [shown(c.name, NAME_WIDTH) for c in reading.components]
        width = max(map(len, names), default=0)
        for component, component_name in zip(reading.components, names, strict=True):
            symbol = paint(component.level, wording.SYMBOLS[component.level])
            label = paint(component.level, component.level.label)
            lines.append(f"  {symbol} {component_name.ljust(width)}  {label}")
        for item in reading.incidents:
            lines.extend(_item_lines(item, paint))
        for item in reading.maintenances:
            lines.extend(_item_lines(item, paint))
        lines.extend(f"  note: {shown(w, LINE_LIMIT)}" for w in reading.warnings)
    level, first = snapshot.overall, snapshot.primary
    if len(snapshot.readings) > 1:
        line = f"Overall: {paint(level, level.label)}"
        if first is not None and not first.ok:
            line += f" — {shown(first.source.name)}'s status page could not be read"
        lines.append(line)
    return "\n".join(lines)


def _item_lines(item: Item, paint: Any) -> list[str]:
    if item.kind.value == "maintenance":
        when = wording.window(item.scheduled_for, item.scheduled_until)
        status = shown(item.status.replace("_", " "), LINE_LIMIT)
        head = f"  Maintenance ({status}{', ' + when if when else ''}): "
    else:
        since = wording.local_time(item.started_at)
        status, impact = shown(item.status, LINE_LIMIT), shown(item.impact, LINE_LIMIT)
        head = f"  Incident ({status}, {impact} impact, since {since}): "
    lines = [head + paint(item.level, shown(item.name, LINE_LIMIT))]
    if item.latest and item.latest.body:
        lines.append(f"    {shown(wording.trim(item.latest.body, 200), LINE_LIMIT)}")
    if item.url:
        lines.append(f"    {shown(item.url, LINE_LIMIT)}")
    return lines


def event_text(event: Event, colour: bool = False) -> str:
    when = wording.local_time(event.at)
    head = shown(wording.headline(event), LINE_LIMIT)
    if colour:
        head = f"{COLOURS[event.level]}{head}{RESET}"
    detail = "\n".join(shown(line, LINE_LIMIT * 2) for line in wording.detail(event).split("\n"))
    body = detail.replace("\n", "\n    ")
    link = f"\n    {shown(event.url, LINE_LIMIT)}" if event.url else ""
    return f"[{when}] {head}\n    {body}{link}"


def text_lines(text: str) -> str:
    """Text of several lines, each printable: for output put together elsewhere."""
    return printable(text, newlines=True)
