"""A plain RSS or Atom status feed as a reading: the cloud providers' status (AWS Health's
per-service feeds, Google Cloud's incidents feed).

Such a feed has no component states and no incident states, only entries. An entry is an open
incident when it is recent (``OPEN_WINDOW``) and its words do not say it ended ("resolved",
"operating normally"): a feed is mostly history, and history must never read as new outages.
A source's ``components`` filter the entries by their title and text, case-insensitively
(``components = ["Vertex AI"]`` on Google Cloud's feed, which covers every product).

The document is untrusted: one with a DTD or entity declarations is refused before parsing.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from claude_beacon.core.feed import ENDED, FEED_UPDATE_PREFIX, MONTHS, ZONES
from claude_beacon.core.model import (
    Failure,
    FailureKind,
    Item,
    ItemKind,
    Level,
    Reading,
    SourceSpec,
    Update,
    failed_reading,
)
from claude_beacon.core.modelids import clean_text

OPEN_WINDOW = timedelta(hours=6)
"""How recent an entry must be to count as open; a cloud's feed posts an update at least this
often while an incident lasts."""
MAX_ENTRIES = 200
"""Entries read at most, newest first as feeds list them."""
MAX_TEXT = 2000
NORMAL = re.compile(r"\boperating normally\b|\bnormal operations?\b|\bmitigated\b", re.I)
"""A cloud's own words for "it is over", besides those of ``core.feed.ENDED``."""
OUTAGE = re.compile(r"\boutage\b|\bdisruption\b|\bunavailable\b", re.I)
"""Words that make an open entry an outage rather than degraded service."""
ATOM = "{http://www.w3.org/2005/Atom}"
TAG = re.compile(r"<[^>]+>")
FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
RFC822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{4})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,5})?"
)
"""RSS's ``pubDate``: "Fri, 14 Jan 2022 14:44:00 PST" or "... +0000"."""


class FeedError(ValueError):
    """The body is not an RSS or Atom feed that can be read safely."""


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    text: str
    link: str | None
    at: datetime | None


def read_feed(body: bytes, source: SourceSpec, at: datetime) -> Reading:
    """A feed's body -> a reading; a body that is not a feed is a failed reading, never an
    exception."""
    try:
        title, link, entries = parse(body)
    except FeedError as exc:
        challenge = body[:200].lstrip().lower().startswith((b"<!doctype html", b"<html"))
        kind = FailureKind.BLOCKED if challenge else FailureKind.BAD_PAYLOAD
        return failed_reading(source, at, Failure(kind, f"not a status feed: {exc}"))
    chosen = [e for e in entries if _wanted(e, source.components)]
    incidents = tuple(_item(e, source.components) for e in chosen if is_open(e, at))
    return Reading(
        source=source,
        at=at,
        level=max((i.level for i in incidents), default=Level.OPERATIONAL),
        page_name=title,
        page_url=link or "",
        incidents=incidents,
    )


def parse(body: bytes) -> tuple[str, str | None, tuple[Entry, ...]]:
    """The feed's title, its link and its entries; ``FeedError`` if it is not a feed."""
    if any(marker in body for marker in FORBIDDEN):
        raise FeedError("a document type or entity declaration (refused)")
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise FeedError(f"not well-formed XML ({exc})") from None
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise FeedError("an RSS document without a channel")
        items = channel.findall("item")[:MAX_ENTRIES]
        return _text(channel, "title"), _text(channel, "link") or None, tuple(map(_rss, items))
    if root.tag == f"{ATOM}feed":
        entries = root.findall(f"{ATOM}entry")[:MAX_ENTRIES]
        return _text(root, f"{ATOM}title"), _atom_link(root), tuple(map(_atom, entries))
    raise FeedError(f"an XML document that is neither RSS nor Atom ({root.tag[:60]})")


def is_open(entry: Entry, now: datetime) -> bool:
    """Recent, and its words do not say it ended."""
    if entry.at is None or now - entry.at > OPEN_WINDOW:
        return False
    words = f"{entry.title} {entry.text}"
    return not (ENDED.search(words) or NORMAL.search(words))


def _wanted(entry: Entry, components: Iterable[str]) -> bool:
    wanted = [c.casefold() for c in components]
    words = f"{entry.title} {entry.text}".casefold()
    return not wanted or any(c in words for c in wanted)


def _item(entry: Entry, components: Iterable[str]) -> Item:
    words = f"{entry.title} {entry.text}".casefold()
    named = tuple(c for c in components if c.casefold() in words)
    level = Level.PARTIAL_OUTAGE if OUTAGE.search(entry.title) else Level.DEGRADED
    stamp = f"{entry.at:%Y%m%d%H%M}" if entry.at else "undated"
    update = Update(
        f"{FEED_UPDATE_PREFIX}{stamp}", "investigating", entry.text[:MAX_TEXT], entry.at, True
    )
    return Item(
        id=entry.id,
        kind=ItemKind.INCIDENT,
        name=entry.title or "Untitled entry",
        status="investigating",
        impact="major" if level is Level.PARTIAL_OUTAGE else "minor",
        level=level,
        url=entry.link,
        updates=(update,),
        component_names=named,
        started_at=entry.at,
        updated_at=entry.at,
    )


def _rss(item: ElementTree.Element) -> Entry:
    title = _text(item, "title")
    link = _https(_text(item, "link"))
    at = _rfc822(_text(item, "pubDate"))
    key = _text(item, "guid") or link or f"{title}@{at}"
    return Entry(_key(key), title, _plain(_text(item, "description")), link, at)


def _atom(entry: ElementTree.Element) -> Entry:
    title = _text(entry, f"{ATOM}title")
    link = _https(_atom_link(entry) or "")
    at = _iso(_text(entry, f"{ATOM}updated") or _text(entry, f"{ATOM}published"))
    body = _text(entry, f"{ATOM}content") or _text(entry, f"{ATOM}summary")
    key = _text(entry, f"{ATOM}id") or link or f"{title}@{at}"
    return Entry(_key(key), title, _plain(body), link, at)


def _atom_link(element: ElementTree.Element) -> str | None:
    links = element.findall(f"{ATOM}link")
    chosen = next((x for x in links if x.get("rel", "alternate") == "alternate"), None)
    return chosen.get("href") if chosen is not None else None


def _text(element: ElementTree.Element, tag: str) -> str:
    found = element.find(tag)
    return clean_text(found.text or "", MAX_TEXT * 2) if found is not None else ""


def _plain(markup: str) -> str:
    """An entry's text: HTML tags dropped, entities read, spaces folded."""
    return " ".join(html.unescape(TAG.sub(" ", markup)).split())[:MAX_TEXT]


def _key(text: str) -> str:
    return clean_text(text, 200)


def _https(link: str) -> str | None:
    return link if link.startswith("https://") else None


def _rfc822(text: str) -> datetime | None:
    found = RFC822.match(text.strip())
    month = MONTHS.get(found.group(2).lower()) if found else None
    if found is None or month is None:
        return None
    day, year, hour, minute, second, zone = found.group(1, 3, 4, 5, 6, 7)
    if zone and zone[0] in "+-":
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:]))
        offset = -offset if zone[0] == "-" else offset
    else:
        offset = timedelta(hours=ZONES.get((zone or "UTC").upper(), 0))
    try:
        when = datetime(
            int(year), month, int(day), int(hour), int(minute), int(second or 0),
            tzinfo=timezone(offset),
        )  # fmt: skip
    except ValueError:
        return None
    return when.astimezone(UTC)


def _iso(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
