"""The community's pulse: public posts about an outage, counted against the usual for the hour.

Pure: posts (read by ``communityposts``), the hourly baseline kept in the state and the time
go in, a ``Pulse`` comes out.
A spike never turns the icon red: ``corroborate`` only strengthens an early warning, or shows
itself where the verdict was all good.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from claude_beacon.core.communityposts import SOURCES, Post
from claude_beacon.core.modelids import display_name
from claude_beacon.core.verdict import Finding, Verdict

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
