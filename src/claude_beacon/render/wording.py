"""The words claude-beacon shows people: shared by the terminal, the tray and notifications."""

from __future__ import annotations

from datetime import datetime

from claude_beacon.core.impact import event_note
from claude_beacon.core.model import Event, EventKind, Level

SYMBOLS = {
    Level.UNKNOWN: "?",
    Level.OPERATIONAL: "●",
    Level.MAINTENANCE: "◆",
    Level.DEGRADED: "▲",
    Level.PARTIAL_OUTAGE: "▲",
    Level.MAJOR_OUTAGE: "■",
}

WHAT_HAPPENED = {
    EventKind.INCIDENT_OPENED: "new incident",
    EventKind.INCIDENT_UPDATED: "incident update",
    EventKind.INCIDENT_RESOLVED: "resolved",
    EventKind.MAINTENANCE_SCHEDULED: "maintenance scheduled",
    EventKind.MAINTENANCE_STARTED: "maintenance started",
    EventKind.MAINTENANCE_COMPLETED: "maintenance completed",
    EventKind.COMPONENT_CHANGED: "component changed",
    EventKind.SOURCE_DOWN: "status page unreachable",
    EventKind.SOURCE_RECOVERED: "status page reachable again",
    EventKind.EARLY_WARNING: "problem seen from here",
    EventKind.COMMUNITY_SPIKE: "community reports an outage",
}


def state_phrase(level: Level, past: bool = False) -> str:
    """A level as the rest of a sentence about something: "Claude has a major outage".

    A level's label is a noun for some levels and an adjective for others, so "is" + label
    reads wrong ("is major outage"); this is the phrase to put after a name instead.
    """
    return level.past_phrase if past else level.phrase


def local_time(moment: datetime | None, now: datetime | None = None) -> str:
    """``14:02`` today, ``Tue 14:02`` within a week, ``2026-11-02 14:02`` otherwise."""
    if moment is None:
        return "?"
    try:
        local = moment.astimezone()
        today = (now or datetime.now(local.tzinfo)).astimezone()
    except (OverflowError, ValueError, OSError):  # a far date has no local time here
        return "?"
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if abs((local.date() - today.date()).days) < 7:
        return local.strftime("%a %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def window(starts: datetime | None, ends: datetime | None, now: datetime | None = None) -> str:
    """A maintenance window in local time: ``Tue 01:00–03:00``."""
    if starts is None:
        return ""
    begin = local_time(starts, now)
    if ends is None:
        return f"from {begin}"
    try:
        same_day = starts.astimezone().date() == ends.astimezone().date()
        end = ends.astimezone().strftime("%H:%M") if same_day else local_time(ends, now)
    except (OverflowError, ValueError, OSError):
        return f"from {begin}"
    return f"{begin}–{end}"


def headline(event: Event) -> str:
    """Service and what happened, short enough for a notification title."""
    return f"{event.source_name}: {WHAT_HAPPENED[event.kind]}"


def detail(event: Event, limit: int = 240, advice: str = "") -> str:
    """The subject, its components and impact, and the latest update text, trimmed.

    An incident on your model reads at least degraded, as the tray shows it, whatever impact
    the page gave it; ``advice`` ("Sonnet is not affected: /model sonnet") follows its note.
    """
    lines = []
    if event.kind not in (EventKind.SOURCE_DOWN, EventKind.SOURCE_RECOVERED):
        lines.append(event.title)
    facts = []
    if event.components:
        facts.append(", ".join(event.components))
    if event.kind in (EventKind.INCIDENT_OPENED, EventKind.INCIDENT_UPDATED):
        level = max(event.level, Level.DEGRADED) if event.affects_you else event.level
        facts.append(level.label)
        if event.status:
            facts.append(event.status.replace("_", " "))
    if event.starts and event.kind is EventKind.MAINTENANCE_SCHEDULED:
        facts.append(window(event.starts, event.ends))
    if facts:
        lines.append(" · ".join(facts))
    if note := event_note(event):
        advise = advice and event.affects_you and event.kind is not EventKind.INCIDENT_RESOLVED
        lines.append(f"{note}; {advice}" if advise else note)
    if event.body:
        lines.append(trim(event.body, limit))
    return "\n".join(lines)


def trim(text: str, limit: int) -> str:
    """One paragraph of at most ``limit`` characters, cut at a word with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"
