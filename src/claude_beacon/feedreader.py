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


class FeedError(ValueError):
    """The body is not a readable feed."""


def entries(body: bytes) -> list[FeedEntry]:
    parsed = feedparser.parse(body)
    if not parsed.entries and (parsed.bozo or not parsed.feed):
        reason = parsed.get("bozo_exception") or "no entries"
        raise FeedError(f"not a readable feed ({reason})")
    found = []
    for entry in parsed.entries:
        moment = entry.get("published_parsed") or entry.get("updated_parsed")
        content = entry.get("content")
        markup = content[0].get("value", "") if content else entry.get("summary", "")
        found.append(
            FeedEntry(
                link=entry.get("link", ""),
                title=entry.get("title", ""),
                content_html=markup,
                published=(
                    datetime.fromtimestamp(calendar.timegm(moment), UTC)
                    if moment
                    else datetime.now(UTC)
                ),
            )
        )
    return found
