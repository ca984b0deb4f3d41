"""Reading the community's endpoints: one conditional GET each, bounded like every fetch.

Hacker News is asked through Algolia's public search API, Reddit through r/ClaudeAI's public
listing; neither needs a key. Hacker News' query starts at a whole hour, so that its address
stays the same for an hour and a validator the server sent can be used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from claude_beacon.core.communityposts import (
    HACKERNEWS,
    CommunityPayloadError,
    Post,
    parse_hackernews,
    parse_reddit,
)
from claude_beacon.core.model import Failure, FailureKind
from claude_beacon.net.fetcher import Fetcher, Response

MAX_BYTES = 2 * 1024 * 1024
"""The largest answer read: 100 posts or hits are some 100-300 KB."""
PAGE = 100
"""Posts or hits asked for in one request."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One endpoint's answer: its posts and the moment since which it lists every post."""

    posts: tuple[Post, ...] = ()
    covered_from: datetime | None = None
    not_modified: bool = False
    failure: Failure | None = None


def address(source: str, base: str, now: datetime) -> str:
    """The request for ``source``: Hacker News from the start of the previous hour."""
    if source == HACKERNEWS:
        since = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
        query = {
            "query": "claude",
            "tags": "(story,comment)",
            "numericFilters": f"created_at_i>{int(since.timestamp())}",
            "hitsPerPage": str(PAGE),
        }
        return f"{base}?{urlencode(query)}"
    return f"{base}?{urlencode({'limit': str(PAGE), 'raw_json': '1'})}"


def read(fetcher: Fetcher, source: str, base: str, now: datetime) -> Answer:
    """One GET of ``source``; every failure (429 included) comes back as a value."""
    url = address(source, base, now)
    response = fetcher.get(url)
    if not isinstance(response, Response):
        return Answer(failure=response)
    if response.not_modified:
        return Answer(not_modified=True)
    parse = parse_hackernews if source == HACKERNEWS else parse_reddit
    try:
        posts = parse(response.body)
    except CommunityPayloadError as exc:
        fetcher.forget(url)  # a broken answer must not be confirmed by a 304 next time
        return Answer(failure=Failure(FailureKind.BAD_PAYLOAD, f"{source}: {exc}"))
    oldest = min((p.created for p in posts), default=now)
    if source == HACKERNEWS and len(posts) < PAGE:
        oldest = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    return Answer(posts, oldest)
