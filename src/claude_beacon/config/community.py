"""The ``[community]`` table: the opt-in community pulse (Hacker News, r/ClaudeAI).

Kept apart from ``settings`` so that each stays small; ``settings.parse`` calls ``parse_community``.
The endpoints' addresses are settings so that a test can point them at this machine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from claude_beacon.core.communityposts import HACKERNEWS, REDDIT, SOURCES
from claude_beacon.core.urls import is_loopback

MIN_INTERVAL = 300.0
"""No community endpoint is asked more often than every five minutes (loopback excepted)."""
MAX_INTERVAL = 86_400.0
HACKERNEWS_URL = "https://hn.algolia.com/api/v1/search_by_date"
REDDIT_URL = "https://www.reddit.com/r/ClaudeAI/new.json"


class CommunityTableError(ValueError):
    """A ``[community]`` value that cannot be used; the message names the key."""


@dataclass(frozen=True, slots=True)
class CommunitySettings:
    enabled: bool = False
    sources: tuple[str, ...] = SOURCES
    interval: float = MIN_INTERVAL
    hackernews_url: str = HACKERNEWS_URL
    reddit_url: str = REDDIT_URL

    def url(self, source: str) -> str:
        return self.hackernews_url if source == HACKERNEWS else self.reddit_url


def parse_community(table: Any) -> CommunitySettings:
    """The ``[community]`` table, validated; raises ``CommunityTableError`` naming the bad key."""
    if not isinstance(table, Mapping):
        raise CommunityTableError("community: expected a [community] table")
    known = {"enabled", "sources", "interval", "hackernews_url", "reddit_url"}
    for name in table:
        if name not in known:
            listed = ", ".join(sorted(known))
            raise CommunityTableError(f"community.{name}: unknown setting (known: {listed})")
    enabled = table.get("enabled", False)
    if not isinstance(enabled, bool):
        raise CommunityTableError("community.enabled: expected true or false")
    sources = table.get("sources", list(SOURCES))
    if not isinstance(sources, list) or not all(s in SOURCES for s in sources):
        raise CommunityTableError(
            f"community.sources: expected a list from {', '.join(SOURCES)}, got {sources!r}"
        )
    urls = {
        HACKERNEWS: _url(table.get("hackernews_url", HACKERNEWS_URL), "hackernews_url"),
        REDDIT: _url(table.get("reddit_url", REDDIT_URL), "reddit_url"),
    }
    interval = table.get("interval", MIN_INTERVAL)
    number = isinstance(interval, int | float) and not isinstance(interval, bool)
    if not number or not math.isfinite(interval) or not 0 < interval <= MAX_INTERVAL:
        raise CommunityTableError(
            f"community.interval: expected a positive number of seconds, got {interval!r}"
        )
    remote = [urls[s] for s in sources if not is_loopback(urls[s])]
    if interval < MIN_INTERVAL and remote:
        raise CommunityTableError(
            f"community.interval: expected at least {MIN_INTERVAL:g} seconds, got {interval!r}"
        )
    return CommunitySettings(
        enabled=enabled,
        sources=tuple(dict.fromkeys(sources)),
        interval=float(interval),
        hackernews_url=urls[HACKERNEWS],
        reddit_url=urls[REDDIT],
    )


def _url(url: Any, key: str) -> str:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or not parts.hostname or parts.query or parts.scheme not in ("https", "http"):
        raise CommunityTableError(
            f"community.{key}: expected an https:// address without a query, got {url!r}"
        )
    if parts.scheme == "http" and not is_loopback(url):
        raise CommunityTableError(
            f"community.{key}: expected an https:// address (plain http only for this machine)"
        )
    return str(url)
