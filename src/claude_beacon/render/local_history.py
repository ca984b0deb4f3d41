"""``claude-beacon history``: the local history as text or JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from claude_beacon.config.settings import Config
from claude_beacon.core.model import Level
from claude_beacon.core.text import shown
from claude_beacon.core.uptime import Uptime
from claude_beacon.render import wording
from claude_beacon.store.history import History, PastEvent

WINDOWS = {"24h": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}
LevelChange = tuple[datetime, str, str, Level]
"""When, which source, which component (``""``: the source as a whole), and the new level."""


@dataclass(frozen=True)
class HistoryReport:
    days: float
    events: list[PastEvent]
    changes: list[LevelChange]
    uptimes: dict[str, dict[str, list[Uptime]]]
    interval: float = 120.0
    """Seconds between polls: the watched time a first figure needs."""


def gather(history: History, config: Config, days: float, now: datetime) -> HistoryReport:
    since = now - timedelta(days=days)
    return HistoryReport(
        days=days,
        events=history.events(since),
        changes=history.level_changes(since),
        uptimes={s.name: history.uptimes(s.name, now, WINDOWS.values()) for s in config.sources},
        interval=config.cadence.interval,
    )


def percent(ratio: float | None, digits: int = 2) -> str:
    return "—" if ratio is None else f"{ratio:.{digits}%}"


def moments(report: HistoryReport) -> list[LevelChange | PastEvent]:
    """Level changes and events in one chronological list.

    A level change and the events of the same poll share a moment: the change comes first.
    """
    changes: list[LevelChange | PastEvent] = list(report.changes)
    both = changes + list(report.events)
    return sorted(both, key=lambda m: (m.at, 1) if isinstance(m, PastEvent) else (m[0], 0))


def as_text(report: HistoryReport) -> str:
    lines = [f"Seen from this machine in the last {report.days:g} days:"]
    for moment in moments(report):
        if isinstance(moment, PastEvent):
            what = moment.kind.replace("_", " ")
            when = wording.local_time(moment.at)
            lines.append(f"  {when}  {shown(moment.source)}: {shown(what)} — {shown(moment.title)}")
        else:
            at, source, component, level = moment
            subject = f"{shown(source)}: {shown(component)}" if component else shown(source)
            lines.append(f"  {wording.local_time(at)}  {subject} {wording.state_phrase(level)}")
    if not report.changes and not report.events:
        lines.append("  nothing yet (the tray and `watch` record what they see)")
    for source, per in report.uptimes.items():
        lines.append(
            f"Uptime of {shown(source)} ({' / '.join(WINDOWS)}), while this machine watched:"
        )
        for component, values in per.items():
            figures = " / ".join(percent(u.ratio) for u in values)
            lines.append(f"  {shown(component) or '(overall)'}: {figures}")
        if not any(u.ratio is not None for values in per.values() for u in values):
            lines.append(no_figure_yet(report.interval))
    return "\n".join(lines)


def no_figure_yet(interval: float) -> str:
    """Why an uptime has no figure, and when it will: a figure is a share of watched time."""
    return (
        "  no figure yet: this machine has not watched the page for any time; the first "
        f"appears once the tray or `claude-beacon watch` has run for one poll interval "
        f"({_seconds(interval)})"
    )


def as_json(report: HistoryReport) -> dict[str, Any]:
    """``timeline`` has both kinds in order; ``events`` and ``levels`` stay as they always were."""
    return {
        "timeline": [
            {"type": "event", **_event_json(m)}
            if isinstance(m, PastEvent)
            else {"type": "level", **_level_json(m)}
            for m in moments(report)
        ],
        "events": [_event_json(e) for e in report.events],
        "levels": [_level_json(c) for c in report.changes],
        "uptime": {
            source: {
                component or "(overall)": {
                    name: u.ratio for name, u in zip(WINDOWS, values, strict=True)
                }
                for component, values in per.items()
            }
            for source, per in report.uptimes.items()
        },
    }


def _event_json(event: PastEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "kind": event.kind,
        "source": event.source,
        "title": event.title,
        "body": event.body,
    }


def _level_json(change: LevelChange) -> dict[str, Any]:
    at, source, component, level = change
    return {
        "at": at.isoformat(),
        "source": source,
        "component": component or None,
        "level": level.key,
    }


@dataclass(frozen=True)
class UptimeRow:
    """One component's line in the guide and the menu."""

    name: str
    figures: tuple[str, ...]
    strip: list[Level | None]


def uptime_rows(
    history: History,
    source: str,
    now: datetime,
    cells: int = 48,
    digits: int = 2,
    least: timedelta = timedelta(minutes=10),
) -> list[UptimeRow]:
    """Per component (overall first): 24 h / 7 d / 30 d uptime, and a 24-hour timeline.

    The menu asks for fewer ``digits``, and for figures only once ``least`` time has been
    observed: a figure that moves every poll would rebuild the menu every poll.
    """
    per = history.uptimes(source, now, WINDOWS.values())
    return [
        UptimeRow(
            component or f"{source} (overall)",
            tuple(percent(u.ratio if u.observed >= least else None, digits) for u in values),
            history.strip(source, component, now, WINDOWS["24h"], cells) if cells else [],
        )
        for component, values in sorted(per.items())
    ]


def _seconds(value: float) -> str:
    if value >= 120 and value % 60 == 0:
        return f"{value / 60:g} min"
    return f"{value:g} s"
