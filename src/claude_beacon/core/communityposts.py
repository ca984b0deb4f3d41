"""Community posts: Hacker News' Algolia search and Reddit's listing, read into sanitised posts.

Pure: JSON bytes go in, posts come out. Titles are untrusted text: decoded, stripped of markup
and control characters and capped here, once; links are built only from checked ids and paths.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from claude_beacon.core.models import read_models
from claude_beacon.core.text import clean

HACKERNEWS = "hackernews"
REDDIT = "reddit"
SOURCES = (HACKERNEWS, REDDIT)
TITLE_LIMIT = 200
"""Characters of a post's title kept and shown."""
TEXT_LIMIT = 2000
"""Characters of a post's text read for outage words and model names."""
_OUTAGE = re.compile(
    r"(?<![a-z0-9])(?:down|outages?|overloaded|not working|(?:isn'?t|stopped) working"
    r"|(?:529|500|502|503)s?|errors?|unavailable|timed? ?out|timeouts?|degraded|broken"
    r"|can'?t connect)(?![a-z0-9])",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<[^>]{0,2000}>")
_REDDIT_PATH = re.compile(r"/r/[A-Za-z0-9_]{1,40}/comments/[A-Za-z0-9_/\-]{1,300}")


class CommunityPayloadError(ValueError):
    """A body that is not the endpoint's JSON: an HTML error page, a truncated document."""


@dataclass(frozen=True, slots=True)
class Post:
    source: str
    id: str
    title: str
    url: str
    created: datetime
    outage: bool
    models: tuple[str, ...] = ()


def parse_hackernews(body: bytes) -> tuple[Post, ...]:
    """Algolia's ``search_by_date`` answer -> posts; stories by title, comments by their text."""
    hits = _object(body).get("hits")
    if not isinstance(hits, list):
        raise CommunityPayloadError("not a Hacker News search answer (no hits)")
    posts = []
    for hit in hits:
        if not isinstance(hit, Mapping):
            continue
        object_id, created = hit.get("objectID"), hit.get("created_at_i")
        if not isinstance(object_id, str) or not object_id.isascii() or not object_id.isdigit():
            continue
        if not isinstance(created, int | float) or isinstance(created, bool):
            continue
        text = hit.get("title") or _untagged(hit.get("comment_text"))
        link = f"https://news.ycombinator.com/item?id={object_id[:20]}"
        posts.append(_post(HACKERNEWS, object_id, text, link, created))
    return tuple(p for p in posts if p is not None)


def parse_reddit(body: bytes) -> tuple[Post, ...]:
    """A subreddit's ``new.json`` listing -> posts; pinned posts are old news, left out."""
    data = _object(body).get("data")
    children = data.get("children") if isinstance(data, Mapping) else None
    if not isinstance(children, list):
        raise CommunityPayloadError("not a Reddit listing (no data.children)")
    posts = []
    for child in children:
        post = child.get("data") if isinstance(child, Mapping) else None
        if not isinstance(post, Mapping) or post.get("stickied") is True:
            continue
        post_id, created = post.get("id"), post.get("created_utc")
        permalink = post.get("permalink")
        if not isinstance(post_id, str) or not isinstance(permalink, str):
            continue
        if not isinstance(created, int | float) or isinstance(created, bool):
            continue
        if not _REDDIT_PATH.fullmatch(permalink):
            continue
        link = f"https://www.reddit.com{permalink}"
        flair = post.get("link_flair_text")  # an outage flair speaks too
        extra = flair if isinstance(flair, str) else ""
        posts.append(_post(REDDIT, clean(post_id, 20), post.get("title"), link, created, extra))
    return tuple(p for p in posts if p is not None)


def _post(
    source: str, post_id: str, text: object, link: str, created: float, extra: str = ""
) -> Post | None:
    raw = text if isinstance(text, str) else ""
    readable = clean(html.unescape(raw[: TEXT_LIMIT * 4]), TEXT_LIMIT)
    flair = clean(extra, 100)
    try:
        when = datetime.fromtimestamp(float(created), UTC)
    except (OverflowError, OSError, ValueError):
        return None
    models = read_models(readable).models
    return Post(
        source,
        post_id,
        clean(readable, TITLE_LIMIT),
        link,
        when,
        bool(_OUTAGE.search(readable) or _OUTAGE.search(flair)),
        models,
    )


def _object(body: bytes) -> Mapping[str, Any]:
    if body.lstrip()[:1] == b"<":
        raise CommunityPayloadError("an HTML page, not JSON")
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CommunityPayloadError(f"not valid JSON ({type(exc).__name__})") from None
    if not isinstance(document, Mapping):
        raise CommunityPayloadError("not a JSON object")
    return document


def _untagged(text: object) -> str:
    return _TAGS.sub(" ", text[: TEXT_LIMIT * 4]) if isinstance(text, str) else ""
