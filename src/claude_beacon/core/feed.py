"""Incidents and maintenances from a Statuspage ``history.atom`` / ``history.rss`` feed.

The feed is the last way to see a page whose API is blocked: it carries every incident with its
updates (one ``<p>`` per update, newest first: a local time, a ``<strong>`` label, the text) but
no component states and no impact. Items are keyed by the ``/incidents/<id>`` segment of their
link, the id the JSON API uses, so an incident seen here and later through the API is one item.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from claude_beacon.core.model import Item, ItemKind, Level, Update

MAINTENANCE_LABELS = frozenset({"scheduled", "in_progress", "verifying", "completed"})
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
INCIDENT_LINK = re.compile(r"/incidents/([A-Za-z0-9]+)")
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """What the feed adapter hands over: one entry, its markup still escaped as HTML."""

    link: str
    title: str
    content_html: str
    published: datetime


def items_from_feed(entries: Sequence[FeedEntry]) -> tuple[Item, ...]:
    """Every entry that links to an incident, as an ``Item``; unreadable entries are skipped."""
    items = []
    for entry in entries:
        found = INCIDENT_LINK.search(entry.link)
        if not found:
            continue
        updates = _updates(entry.content_html, entry.published)
        labels = [u.status for u in updates]
        kind = (
            ItemKind.MAINTENANCE
            if any(label in MAINTENANCE_LABELS for label in labels)
            else ItemKind.INCIDENT
        )
        status = next((label for label in labels if label != "update"), "investigating")
        updates = tuple(_carry_status(updates))
        resolved = status in {"resolved", "postmortem", "completed"}
        items.append(
            Item(
                id=found.group(1),
                kind=kind,
                name=html.unescape(TAG.sub("", entry.title)).strip(),
                status=status,
                impact="unknown",
                level=_level(kind, status, resolved),
                url=entry.link if entry.link.startswith("https://") else None,
                updates=updates,
                started_at=updates[-1].at if updates else entry.published,
                updated_at=updates[0].at if updates else entry.published,
            )
        )
    return tuple(items)


def _level(kind: ItemKind, status: str, resolved: bool) -> Level:
    """No impact in a feed: an open incident counts as degraded, never as operational."""
    if resolved:
        return Level.OPERATIONAL
    if kind is ItemKind.MAINTENANCE:
        return Level.MAINTENANCE if status in ("in_progress", "verifying") else Level.OPERATIONAL
    return Level.DEGRADED


def _updates(content: str, published: datetime) -> list[Update]:
    updates = []
    for paragraph in PARAGRAPH.findall(content):
        stamp = STAMP.search(paragraph)
        rest = paragraph[stamp.end() :] if stamp else paragraph
        label = LABEL.search(rest)
        if not label:
            continue
        status = label.group(1).strip().lower().replace(" ", "_")
        body = html.unescape(TAG.sub("", re.sub(r"<br\s*/?>", "\n", label.group(2)))).strip()
        at = _time(stamp, published) if stamp else None
        uid = f"{FEED_UPDATE_PREFIX}{at:%Y%m%d%H%M}" if at else f"{FEED_UPDATE_PREFIX}{status}"
        updates.append(Update(uid, status, body, at))
    return updates


def _carry_status(updates: list[Update]) -> list[Update]:
    """A plain 'Update' keeps the status of the update before it (updates are newest first)."""
    carried, current = [], "investigating"
    for update in reversed(updates):
        if update.status != "update":
            current = update.status
        carried.append(Update(update.id, current, update.body, update.at))
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
        except ValueError:
            continue
        if candidate <= reference + timedelta(days=1):
            return candidate
    return None
