"""Incidents and maintenances from a status page's ``history.atom`` / ``history.rss`` feed.

The feed is the last way to see a page whose API is blocked. Two shapes are read:

* Statuspage's: one entry per incident with every update, one ``<p>`` each, newest first (a
  local time, a ``<strong>`` label, the text);
* incident.io's (OpenAI's page among them): one entry per incident holding only its latest
  update, ``<b>Status: Resolved</b><br/><br/>text``, then the components it affects with their
  impact, ``<li>Conversations (Degraded performance)</li>``; the entry's time is that update's.

Neither has the page's component states. Items are keyed by the ``/incidents/<id>`` segment of
their link, the id the JSON API uses, so an incident seen here and later through the API is one
item. An entry whose state cannot be read is open only if it is recent and no words say it
ended: a feed is mostly history, and history must never read as a wave of new outages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone

from claude_beacon.core.model import (
    INCIDENT_STATUSES,
    MAINTENANCE_STATUSES,
    RESOLVED_STATUSES,
    Item,
    ItemKind,
    Level,
    Update,
)
from claude_beacon.core.statuspage import EARLIEST, LATEST
from claude_beacon.core.text import BODY_LIMIT, LINK_LIMIT, NAME_LIMIT, clean

MAINTENANCE_LABELS = MAINTENANCE_STATUSES
KNOWN_LABELS = MAINTENANCE_STATUSES | INCIDENT_STATUSES
"""Statuspage's update labels; ``update`` keeps the label before it and states nothing."""
INCIDENTIO_STATES: Mapping[str, str] = {
    "investigating": "investigating",
    "identified": "identified",
    "monitoring": "monitoring",
    "resolved": "resolved",
    "scheduled": "scheduled",
    "in progress": "in_progress",
    "maintenance in progress": "in_progress",
    "completed": "completed",
    "complete": "completed",
    "maintenance complete": "completed",
}
"""incident.io's ``Status:`` words; others (a page in another language says ``Resolvido``) are
states this code cannot read."""
IMPACT_LEVELS: Mapping[str, Level] = {
    "operational": Level.OPERATIONAL,
    "degraded performance": Level.DEGRADED,
    "partial outage": Level.PARTIAL_OUTAGE,
    "full outage": Level.MAJOR_OUTAGE,
    "major outage": Level.MAJOR_OUTAGE,
    "under maintenance": Level.MAINTENANCE,
}
IMPACT_NAMES: Mapping[Level, str] = {
    Level.DEGRADED: "minor",
    Level.PARTIAL_OUTAGE: "major",
    Level.MAJOR_OUTAGE: "critical",
}
UNREAD_OPEN_WINDOW = timedelta(hours=3)
"""How recent an entry whose state cannot be read must be to count as open. While an incident
is open its page posts an update at least hourly, and each update moves the entry's time: three
quiet hours with no readable state are history far more often than an outage."""
ENDED = re.compile(r"\b(resolved|fixed|completed|recovered|post-?mortem)\b", re.I)
"""Words that say an entry is over, read only when its state cannot be."""
FEED_UPDATE_PREFIX = "feed-"
"""Feed updates have no ids of their own; theirs are made from their time."""
ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "BST": 1, "MSK": 3, "JST": 9, "KST": 9, "SGT": 8, "HKT": 8, "AEST": 10, "AEDT": 11,
    "NZST": 12, "NZDT": 13, "HST": -10, "AKST": -9, "AKDT": -8,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}  # fmt: skip
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, 1)}
PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S | re.I)
STAMP = re.compile(
    r"<small>\s*([A-Za-z]{3})\w*\s*(?:<var[^>]*>)?\s*(\d{1,2})\s*(?:</var>)?\s*,\s*"
    r"(?:<var[^>]*>)?\s*(\d{1,2}):(\d{2})\s*(?:</var>)?\s*([A-Za-z]{1,5})?\s*</small>",
    re.I,
)
LABEL = re.compile(r"<strong>\s*(.*?)\s*</strong>\s*-?\s*(.*)", re.S | re.I)
STATUS_LINE = re.compile(r"\s*<b>\s*Status:\s*(.*?)\s*</b>", re.S | re.I)
AFFECTED = re.compile(r"<b>\s*Affected components\s*</b>", re.I)
COMPONENT = re.compile(r"<li>\s*(.*?)\s*\(([^()<]*)\)\s*</li>", re.S | re.I)
INCIDENT_LINK = re.compile(r"/incidents/([A-Za-z0-9]+)")
TAG = re.compile(r"<[^>]+>")
BREAK = re.compile(r"<br\s*/?>", re.I)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """What the feed adapter hands over: one entry, its markup still escaped as HTML."""

    link: str
    title: str
    content_html: str
    published: datetime
    updated: datetime | None = None
    """When the entry last changed, where the feed says (Atom's ``<updated>``)."""


@dataclass(frozen=True, slots=True)
class _Read:
    """What one entry says, before its state is settled."""

    kind: ItemKind
    status: str | None
    """``None``: the entry's state cannot be read."""
    updates: tuple[Update, ...]
    components: tuple[tuple[str, Level | None], ...] = field(default=())


def items_from_feed(entries: Sequence[FeedEntry], now: datetime | None = None) -> tuple[Item, ...]:
    """Every entry that links to an incident, as an ``Item``; unreadable entries are skipped.

    ``now`` is when the feed was read: an entry whose state cannot be read is open only if it
    changed within ``UNREAD_OPEN_WINDOW`` of it (and no words say it ended); without ``now``,
    no such entry is open.
    """
    items = []
    for entry in entries:
        found = INCIDENT_LINK.search(entry.link[:LINK_LIMIT])
        if not found or not all(EARLIEST <= t < LATEST for t in _times(entry)):
            continue  # a date no page writes: the entry cannot be placed in time
        try:
            incidentio = STATUS_LINE.match(entry.content_html)
            read = _incidentio(entry) if incidentio else _statuspage(entry)
            items.append(_item(clean(found.group(1)), entry, read, now))
        except (ValueError, OverflowError, ArithmeticError):  # one bad entry costs that entry
            continue
    return tuple(items)


def _times(entry: FeedEntry) -> list[datetime]:
    return [entry.published] + ([entry.updated] if entry.updated else [])


def _item(item_id: str, entry: FeedEntry, read: _Read, now: datetime | None) -> Item:
    status = read.status
    if status is None:
        maintenance = read.kind is ItemKind.MAINTENANCE
        if _open_by_signs(entry, read, now):
            status = "in_progress" if maintenance else "investigating"
        else:
            status = "completed" if maintenance else "resolved"
    updates = read.updates
    if read.status is None:  # the settled state is the latest update's too
        updates = tuple(replace(u, status=status) if i == 0 else u for i, u in enumerate(updates))
    worst = max((level for _, level in read.components if level is not None), default=None)
    names = tuple(dict.fromkeys(name for name, _ in read.components))
    return Item(
        id=item_id,
        kind=read.kind,
        name=clean(html.unescape(TAG.sub("", entry.title[: NAME_LIMIT * 4]))),
        status=status,
        impact=IMPACT_NAMES.get(worst, "unknown") if worst is not None else "unknown",
        level=_level(read.kind, status, worst),
        url=_clean_link(clean(entry.link, LINK_LIMIT)),
        updates=updates,
        component_names=names,
        started_at=updates[-1].at if updates and updates[-1].at else entry.published,
        updated_at=updates[0].at if updates and updates[0].at else _changed(entry),
    )


def _level(kind: ItemKind, status: str, worst: Level | None) -> Level:
    """An open incident is at least degraded, or as bad as the components it names."""
    if status in RESOLVED_STATUSES:
        return Level.OPERATIONAL
    if kind is ItemKind.MAINTENANCE:
        return Level.MAINTENANCE if status in ("in_progress", "verifying") else Level.OPERATIONAL
    return max(Level.DEGRADED, worst or Level.DEGRADED)


def _open_by_signs(entry: FeedEntry, read: _Read, now: datetime | None) -> bool:
    """An entry of unreadable state is open only if it is recent and nothing says it ended."""
    if now is None:
        return False
    times = [_changed(entry), *(u.at for u in read.updates if u.at is not None)]
    if now - max(times) > UNREAD_OPEN_WINDOW:
        return False
    words = f"{entry.title} {_text(entry.content_html)}"
    return not ENDED.search(words)


def _changed(entry: FeedEntry) -> datetime:
    return max(entry.published, entry.updated or entry.published)


def _clean_link(link: str) -> str | None:
    """The entry's page, with the doubled slash incident.io writes (``.com//incidents``) gone."""
    if not link.startswith("https://"):
        return None
    return "https://" + re.sub(r"/{2,}", "/", link.removeprefix("https://"))


def _text(markup: str, limit: int = BODY_LIMIT) -> str:
    return clean(html.unescape(TAG.sub("", BREAK.sub("\n", markup))), limit, newlines=True)


def _incidentio(entry: FeedEntry) -> _Read:
    """incident.io's entry: its latest update, its ``Status:`` line and affected components."""
    content = entry.content_html
    line = STATUS_LINE.match(content)
    word = " ".join(line.group(1).split()).lower() if line else ""
    status = INCIDENTIO_STATES.get(word)
    rest = content[line.end() :] if line else content
    affected = AFFECTED.search(rest)
    body = _text(rest[: affected.start()] if affected else rest)
    components = tuple(
        (clean(_text(name, NAME_LIMIT)), IMPACT_LEVELS.get(" ".join(impact.split()).lower()))
        for name, impact in COMPONENT.findall(rest[affected.end() :] if affected else "")
    )
    at = _changed(entry)
    update = Update(
        f"{FEED_UPDATE_PREFIX}{at:%Y%m%d%H%M}", status or word or "update", body, at, True
    )
    kind = ItemKind.MAINTENANCE if status in MAINTENANCE_LABELS else ItemKind.INCIDENT
    return _Read(kind, status, (update,), components)


def _statuspage(entry: FeedEntry) -> _Read:
    """Statuspage's entry: every update, newest first, each with its label."""
    updates = _updates(entry.content_html, _changed(entry))
    labels = [u.status for u in updates]
    kind = (
        ItemKind.MAINTENANCE
        if any(label in MAINTENANCE_LABELS for label in labels)
        else ItemKind.INCIDENT
    )
    stated = next((label for label in labels if label != "update"), None)
    status = stated if stated in KNOWN_LABELS else None
    return _Read(kind, status, tuple(_carry_status(updates)))


def _updates(content: str, reference: datetime) -> list[Update]:
    """The entry's paragraphs; ``reference``, the entry's last change, dates their stamps."""
    updates = []
    for paragraph in PARAGRAPH.findall(content):
        stamp = STAMP.search(paragraph)
        rest = paragraph[stamp.end() :] if stamp else paragraph
        label = LABEL.search(rest)
        if not label:
            continue
        status = clean(label.group(1)).lower().replace(" ", "_")
        body = _text(label.group(2))
        at = _time(stamp, reference) if stamp else None
        uid = f"{FEED_UPDATE_PREFIX}{at:%Y%m%d%H%M}" if at else f"{FEED_UPDATE_PREFIX}{status}"
        updates.append(Update(uid, status, body, at, True))
    return updates


def _carry_status(updates: list[Update]) -> list[Update]:
    """A plain 'Update' keeps the status of the update before it (updates are newest first)."""
    carried, current = [], "investigating"
    for update in reversed(updates):
        if update.status != "update":
            current = update.status
        carried.append(replace(update, status=current))
    return carried[::-1]


def _time(stamp: re.Match[str], published: datetime) -> datetime | None:
    """'Nov 14, 14:07 PST' has no year: the one that puts it closest before ``published``.

    An abbreviation not in ``ZONES`` (many are ambiguous) takes the offset ``published`` was
    written with, which is the page's own zone.
    """
    month = MONTHS.get(stamp.group(1).lower()[:3])
    if month is None:
        return None
    abbreviation = (stamp.group(5) or "UTC").upper()
    if abbreviation in ZONES:
        zone = timezone(timedelta(hours=ZONES[abbreviation]))
    else:
        zone = timezone(published.utcoffset() or timedelta())
    day, hour, minute = int(stamp.group(2)), int(stamp.group(3)), int(stamp.group(4))
    reference = published.astimezone(UTC)
    for year in (reference.year, reference.year - 1, reference.year + 1):
        try:
            candidate = datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)
        except (ValueError, OverflowError):
            continue
        if candidate <= reference + timedelta(days=1):
            return candidate
    return None
