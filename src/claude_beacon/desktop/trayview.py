"""What the tray shows for a snapshot: tooltip and menu as plain data, with no GUI toolkit.

Keeping this free of pystray lets it be tested anywhere and keeps ``tray.py`` a thin adapter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from claude_beacon.core.impact import model_notes
from claude_beacon.core.model import Level, Reading, ReadPath, Snapshot
from claude_beacon.core.text import shown
from claude_beacon.render import wording

MENU_LINE_LIMIT = 100
"""Characters of one menu line: a long name is cut, never widens the menu off the screen."""
MENU_ITEMS_LIMIT = 40
"""Components or items listed for one source; the rest are counted in one line."""
TOOLTIP_LIMIT = 127
"""Windows truncates notification-area tooltips at 127 characters."""


class Action(StrEnum):
    """What a menu click does; the app has one handler per action."""

    GUIDE = "guide"
    CHECK = "check"
    OPEN_URL = "open_url"
    STATUS_PAGE = "status_page"
    PAUSE_HOUR = "pause_hour"
    PAUSE_TOMORROW = "pause_tomorrow"
    RESUME = "resume"
    SNOOZE_HOUR = "snooze_hour"
    SNOOZE_TOMORROW = "snooze_tomorrow"
    UNSNOOZE = "unsnooze"
    AUTOSTART = "autostart"
    SETTINGS = "settings"
    QUIT = "quit"


@dataclass(frozen=True, slots=True)
class Entry:
    """One menu line. ``action`` names what a click does; ``url`` is opened for ``open_url``."""

    text: str
    action: Action | None = None
    url: str | None = None
    checked: bool | None = None
    default: bool = False
    children: tuple[Entry, ...] = ()
    arg: str | None = None
    """What the action applies to, e.g. the key of the source to snooze."""


SEPARATOR = Entry("-")


@dataclass(frozen=True, slots=True)
class TrayView:
    level: Level
    tooltip: str
    menu: tuple[Entry, ...]


def tooltip(snapshot: Snapshot, notes: tuple[str, ...] = (), now: datetime | None = None) -> str:
    """One line a person can act on: ``Claude: partial outage — Claude Code (since 14:02)``."""
    if not snapshot.readings:
        text = "claude-beacon: checking…"
    else:
        text = " · ".join(_source_line(snapshot, r, now) for r in snapshot.readings)
    text = " · ".join((text, *notes))
    return shown(wording.trim(text[: TOOLTIP_LIMIT * 8], TOOLTIP_LIMIT), TOOLTIP_LIMIT)


def _source_line(snapshot: Snapshot, reading: Reading, now: datetime | None) -> str:
    name = reading.source.name
    level = snapshot.shown_level(reading)
    notes = model_notes(snapshot) if reading is snapshot.primary else ()
    if reading.failure:
        return f"{name}: unknown — {reading.failure.message}"
    if reading.from_feed:
        name = f"{name} (from the incident feed; component states unavailable)"
    elif reading.path is ReadPath.ALIAS:
        name = f"{name} (read via {urlsplit(reading.page_base).netloc}, its other address)"
    if notes:  # what the page's incident means for this user says more than its title
        return f"{name}: {level.label} — {notes[0]}"
    if level is Level.OPERATIONAL:
        return f"{name}: all systems operational"
    affected = [wording.trim(c.name, 40) for c in reading.problem_components[:3]]
    if not affected:
        items = reading.incidents or reading.maintenances
        affected = [wording.trim(i.name, 40) for i in items[:3]]
    what = ", ".join(affected[:2]) + (f" +{len(affected) - 2}" if len(affected) > 2 else "")
    starts = [i.started_at for i in reading.incidents if i.started_at]
    since = f" (since {wording.local_time(min(starts), now)})" if starts else ""
    return f"{name}: {level.label}" + (f" — {what}" if what else "") + since


INLINE_SOURCES = 3
"""Up to this many sources show their components inline; more get a submenu each."""


def menu(
    snapshot: Snapshot,
    *,
    paused_until: datetime | None,
    autostart: bool | None,
    now: datetime | None = None,
    uptime: tuple[str, ...] = (),
    snoozed: Mapping[str, datetime] | None = None,
) -> tuple[Entry, ...]:
    """The whole menu; the first entry, the guide, is also the default (left-click) action."""
    entries: list[Entry] = [
        Entry("Open troubleshooting guide", Action.GUIDE, default=True),
        SEPARATOR,
    ]
    overall = snapshot.overall
    entries.append(Entry(f"{wording.SYMBOLS[overall]} Overall: {overall.label}"))
    many = len(snapshot.readings) > INLINE_SOURCES
    for reading in snapshot.readings:
        notes = model_notes(snapshot) if reading is snapshot.primary else ()
        lines = _reading_entries(reading, len(snapshot.readings) > 1, now, notes)
        if many:  # one line per source, its details a submenu away, so the menu stays short
            head, *details = lines
            children = tuple(replace(d, text=d.text.strip()) for d in details)
            entries.append(Entry(head.text, head.action, head.url, children=children))
        else:
            entries.extend(lines)
    if uptime:
        heading = "Uptime from here (24 h · 7 d · 30 d)"
        entries.append(Entry(heading, children=tuple(Entry(line) for line in uptime)))
    entries.append(SEPARATOR)
    entries.append(Entry("Check now", Action.CHECK))
    entries.append(_pause_entry(paused_until, now))
    if len(snapshot.readings) > 1:
        entries.append(_snooze_entry(snapshot, snoozed or {}, now))
    entries.append(Entry("Open status page", Action.STATUS_PAGE))
    if autostart is not None:
        entries.append(Entry("Start at login", Action.AUTOSTART, checked=autostart))
    entries.append(Entry("Open settings", Action.SETTINGS))
    entries.append(SEPARATOR)
    entries.append(Entry("Quit", Action.QUIT))
    return tuple(_fitted(entry) for entry in entries)


def _fitted(entry: Entry) -> Entry:
    """The entry and its children as a menu can show them: printable, one line, not too long."""
    children = tuple(_fitted(child) for child in entry.children)
    return replace(entry, text=shown(entry.text, MENU_LINE_LIMIT), children=children)


def _reading_entries(
    reading: Reading, named: bool, now: datetime | None, notes: tuple[str, ...] = ()
) -> list[Entry]:
    name = reading.source.name + (" (alternative)" if reading.source.alternative else "")
    prefix = f"{name}: " if named else ""
    if reading.failure:
        return [Entry(f"{prefix}unknown — {wording.trim(reading.failure.message, 70)}")]
    entries = [Entry(f"{name}: {reading.level.label}")] if named else []
    indent = "    " if named else ""
    for component in reading.components[:MENU_ITEMS_LIMIT]:
        symbol = wording.SYMBOLS[component.level]
        entries.append(Entry(f"{indent}{symbol} {component.name}: {component.level.label}"))
    if len(reading.components) > MENU_ITEMS_LIMIT:
        entries.append(Entry(f"{indent}…and {len(reading.components) - MENU_ITEMS_LIMIT} more"))
    for incident in reading.incidents[:MENU_ITEMS_LIMIT]:
        text = f"{indent}Incident: {wording.trim(incident.name, 60)} ({incident.status})"
        entries.append(Entry(text, Action.OPEN_URL, url=incident.url))
    entries.extend(Entry(f"{indent}{wording.trim(note, 90)}") for note in notes)
    for item in reading.maintenances[:MENU_ITEMS_LIMIT]:
        when = wording.window(item.scheduled_for, item.scheduled_until, now)
        label = "Maintenance now" if item.in_progress else "Maintenance"
        text = f"{indent}{label}: {wording.trim(item.name, 50)}" + (f" ({when})" if when else "")
        entries.append(Entry(text, Action.OPEN_URL, url=item.url))
    return entries


def _pause_entry(paused_until: datetime | None, now: datetime | None) -> Entry:
    if paused_until is not None:
        head = f"Notifications paused until {wording.local_time(paused_until, now)}"
        return Entry(head, children=(Entry("Resume notifications", Action.RESUME),))
    return Entry(
        "Pause notifications",
        children=(
            Entry("For 1 hour", Action.PAUSE_HOUR),
            Entry("Until tomorrow", Action.PAUSE_TOMORROW),
        ),
    )


def _snooze_entry(
    snapshot: Snapshot, snoozed: Mapping[str, datetime], now: datetime | None
) -> Entry:
    """Per status page: hold its notifications back for a while, beside the global pause."""
    children = []
    for reading in snapshot.readings:
        source = reading.source
        if source.alerts == "muted":
            children.append(Entry(f"{source.name}: muted in settings"))
        elif source.key in snoozed:
            until = wording.local_time(snoozed[source.key], now)
            resume = Entry("Resume", Action.UNSNOOZE, arg=source.key)
            children.append(Entry(f"{source.name}: snoozed until {until}", children=(resume,)))
        else:
            choices = (
                Entry("For 1 hour", Action.SNOOZE_HOUR, arg=source.key),
                Entry("Until tomorrow", Action.SNOOZE_TOMORROW, arg=source.key),
            )
            children.append(Entry(source.name, children=choices))
    return Entry("Snooze a status page", children=tuple(children))


def view(
    snapshot: Snapshot,
    *,
    paused_until: datetime | None = None,
    autostart: bool | None = None,
    notes: tuple[str, ...] = (),
    now: datetime | None = None,
    uptime: tuple[str, ...] = (),
    snoozed: Mapping[str, datetime] | None = None,
) -> TrayView:
    return TrayView(
        level=snapshot.overall,
        tooltip=tooltip(snapshot, notes, now),
        menu=menu(
            snapshot,
            paused_until=paused_until,
            autostart=autostart,
            now=now,
            uptime=uptime,
            snoozed=snoozed,
        ),
    )
