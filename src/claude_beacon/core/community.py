"""The community's pulse: public posts about an outage, counted against the usual for the hour.

Pure: JSON bytes from Hacker News' Algolia search or Reddit's listing go in, posts come out;
posts, the hourly baseline kept in the state and the time go in, a ``Pulse`` comes out. Titles
are untrusted text: decoded, stripped of markup and control characters and capped here, once.
A spike never turns the icon red: ``corroborate`` only strengthens an early warning, or shows
itself where the verdict was all good.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from claude_beacon.core.modelids import display_name
from claude_beacon.core.models import read_models
from claude_beacon.core.text import clean
from claude_beacon.core.verdict import Finding, Verdict

HACKERNEWS = "hackernews"
REDDIT = "reddit"
SOURCES = (HACKERNEWS, REDDIT)
TITLE_LIMIT = 200
"""Characters of a post's title kept and shown."""
TEXT_LIMIT = 2000
"""Characters of a post's text read for outage words and model names."""
WINDOW = timedelta(hours=1)
KEEP = timedelta(days=14)
"""How long hourly counts are kept for the baseline."""
SAME_HOUR_SAMPLES = 3
"""Counts of the same hour of day needed before that hour's usual is trusted alone."""
MIN_POSTS = 5
"""Fewer outage posts than this in an hour is never a spike, whatever the usual."""
UNKNOWN_USUAL_POSTS = 8
"""Without any baseline yet, this many outage posts in an hour is a spike."""
SPIKE_FACTOR = 3.0
LINKS = 10
"""Posts linked from a finding."""
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


@dataclass(frozen=True, slots=True)
class Pulse:
    """One reading of the community: outage posts in the last hour against the usual."""

    recent: int
    usual: float | None
    posts: tuple[Post, ...]
    """The outage posts of the last hour, newest first, at most ``LINKS``."""
    models: tuple[tuple[str, int], ...]
    """Models named in those posts, most named first, with how many posts name each."""
    unavailable: tuple[tuple[str, str], ...] = ()
    """Sources not read this round, with why (rate-limited, not JSON, ...)."""

    @property
    def spike(self) -> bool:
        if self.recent < MIN_POSTS:
            return False
        if self.usual is None:
            return self.recent >= UNKNOWN_USUAL_POSTS
        return self.recent >= SPIKE_FACTOR * max(self.usual, 1.0)

    @property
    def summary(self) -> str:
        """``community: 14 outage posts in the last hour, usually 1; Claude Opus 4.8 named in 9``"""
        usual = "no usual rate known yet" if self.usual is None else f"usually {self.usual:g}"
        text = f"community: {self.recent} outage posts in the last hour, {usual}"
        if self.models:
            model, count = self.models[0]
            text += f"; {_claude_name(model)} named in {count}"
        return text


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


Baseline = dict[str, dict[str, int]]
"""Per source, outage posts per UTC hour (``2026-12-07T21``): what the state keeps."""


def baseline_from(raw: object) -> Baseline:
    """The baseline as the state holds it, untrusted: anything not an hour's count is dropped."""
    if not isinstance(raw, Mapping):
        return {}
    return {
        source: {
            h: n
            for h, n in list(hours.items())[: 24 * 15]
            if isinstance(h, str) and isinstance(n, int) and not isinstance(n, bool) and n >= 0
        }
        for source, hours in raw.items()
        if source in SOURCES and isinstance(hours, Mapping)
    }


def record(
    baseline: Mapping[str, Mapping[str, int]],
    source: str,
    posts: Sequence[Post],
    now: datetime,
    covered_from: datetime,
) -> Baseline:
    """Fold one reading into the baseline: each whole hour the reading covered gets its count.

    An hour is counted once it is wholly before the last hour (``WINDOW``), so that a spike
    being measured is never its own usual; a count only grows (two processes reading the same
    hour agree on the larger), and hours older than ``KEEP`` are dropped."""
    kept: Baseline = {
        name: {h: n for h, n in hours.items() if _hour_start(h) >= now - KEEP}
        for name, hours in baseline.items()
    }
    hours = kept.setdefault(source, {})
    start = _floor_hour(covered_from)
    if start < covered_from:
        start += timedelta(hours=1)
    start = max(start, _floor_hour(now - KEEP))
    while start + timedelta(hours=1) <= now - WINDOW:
        key = f"{start:%Y-%m-%dT%H}"
        count = sum(1 for p in posts if p.outage and start <= p.created < start + WINDOW)
        hours[key] = max(hours.get(key, 0), count)
        start += timedelta(hours=1)
    return kept


def usual(
    baseline: Mapping[str, Mapping[str, int]], sources: Sequence[str], now: datetime
) -> float | None:
    """The usual outage posts in an hour like this one, over ``sources``; ``None``: not known.

    The median of the same hour of day when enough days are kept, else of every hour kept."""
    total, known = 0.0, False
    for source in sources:
        hours = baseline.get(source, {})
        same = [n for h, n in hours.items() if _hour_start(h).hour == now.hour]
        values = same if len(same) >= SAME_HOUR_SAMPLES else list(hours.values())
        if values:
            total, known = total + median(values), True
    return round(total, 1) if known else None


def pulse(
    readings: Mapping[str, Sequence[Post]],
    baseline: Mapping[str, Mapping[str, int]],
    now: datetime,
    unavailable: Mapping[str, str] | None = None,
) -> Pulse:
    """The pulse of the sources read (``readings``): outage posts of the last hour."""
    recent = sorted(
        (
            p
            for posts in readings.values()
            for p in _distinct(posts)
            if p.outage and now - WINDOW <= p.created <= now + timedelta(minutes=5)
        ),
        key=lambda p: p.created,
        reverse=True,
    )
    named = Counter(m for p in recent for m in p.models)
    return Pulse(
        recent=len(recent),
        usual=usual(baseline, list(readings), now),
        posts=tuple(recent[:LINKS]),
        models=tuple(named.most_common(3)),
        unavailable=tuple(sorted((unavailable or {}).items())),
    )


def corroborate(verdict: Verdict, found: Pulse | None) -> Verdict:
    """The verdict with the community's word: a spike strengthens an early warning ("others
    see it too"), shows itself where all was good, and is a note beside anything else."""
    if found is None or not found.spike:
        return verdict
    if verdict.finding is Finding.EARLY_WARNING:
        return replace(verdict, headline=f"{verdict.headline}; others see it too ({found.summary})")
    if verdict.finding is Finding.ALL_GOOD:
        advice = (
            "Anthropic's status page and Claude from here look fine; the posts may be about"
            " something else, or a problem may be starting elsewhere."
        )
        return Verdict(Finding.COMMUNITY_SPIKE, verdict.level, found.summary.capitalize(), advice)
    note = found.summary[0].upper() + found.summary[1:] + "."
    return replace(verdict, advice=f"{verdict.advice} {note}".strip())


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


def _distinct(posts: Sequence[Post]) -> list[Post]:
    return list({p.id: p for p in posts}.values())


def median(values: Sequence[int]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return (
        float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    )


def _floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _hour_start(key: str) -> datetime:
    try:
        return datetime.strptime(key, "%Y-%m-%dT%H").replace(tzinfo=UTC)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def _claude_name(model: str) -> str:
    name = display_name(model)
    return name if name.startswith("Claude") else f"Claude {name}"
