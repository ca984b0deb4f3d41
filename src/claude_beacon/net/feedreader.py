"""Read a status page's ``history.atom`` / ``history.rss`` with feedparser.

feedparser earns its place: Atom and RSS, odd encodings, entities and broken markup are handled
by a library that has met them all; what is left here is picking out the fields the pure
``core.feed`` reads.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

import feedparser

from claude_beacon.core.feed import FeedEntry

ACCEPT = "application/atom+xml, application/rss+xml;q=0.9, application/xml;q=0.8, */*;q=0.5"
"""What a feed request accepts, so a server that negotiates sends the feed, not JSON or HTML."""


class FeedError(ValueError):
    """The body is not a readable feed."""


def entries(body: bytes) -> list[FeedEntry]:
    parsed = feedparser.parse(body)
    if not parsed.get("version"):  # an HTML page parses too, as an empty feed: not evidence
        reason = parsed.get("bozo_exception") or "neither Atom nor RSS"
        raise FeedError(f"not a feed ({reason})")
    if not parsed.entries and parsed.bozo:
        raise FeedError(f"not a readable feed ({parsed.get('bozo_exception')})")
    found = []
    for entry in parsed.entries:
        content = entry.get("content")
        markup = content[0].get("value", "") if content else entry.get("summary", "")
        updated = _moment(entry, "updated")
        found.append(
            FeedEntry(
                link=entry.get("link", ""),
                title=entry.get("title", ""),
                content_html=markup,
                published=_moment(entry, "published") or updated or datetime.now(UTC),
                updated=updated,
            )
        )
    return found


def _moment(entry: feedparser.FeedParserDict, key: str) -> datetime | None:
    """The entry's ``published`` or ``updated``, in the page's own offset where the feed gives
    one: it tells the zone of the entry's update stamps when their abbreviation is not a known
    one. incident.io's Atom has only ``updated``; RSS only ``pubDate`` (``published``).

    Read as a plain dict: feedparser would answer a missing ``updated`` with ``published``.
    """
    try:
        moment = datetime.fromisoformat(dict.get(entry, key, ""))
    except (TypeError, ValueError):
        moment = None
    if moment is not None and moment.tzinfo is not None:
        return moment
    parsed = dict.get(entry, f"{key}_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None
