"""The community's pulse from the endpoints' documented formats (tests/fixtures/community)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_beacon.core.community import baseline_from, corroborate, pulse, record
from claude_beacon.core.communityposts import (
    HACKERNEWS,
    REDDIT,
    CommunityPayloadError,
    parse_hackernews,
    parse_reddit,
)
from claude_beacon.core.model import Level
from claude_beacon.core.verdict import Finding, Verdict

FIXTURES = Path(__file__).parent.parent / "fixtures" / "community"
AS_OF = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)
"""The moment the fixtures were written for: their posts are hours and minutes before it."""


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def learned(source: str, body: bytes) -> tuple[dict[str, dict[str, int]], list]:
    parse = parse_hackernews if source == HACKERNEWS else parse_reddit
    posts = list(parse(body))
    return record({}, source, posts, AS_OF, AS_OF - timedelta(hours=4)), posts


def test_a_quiet_hour_is_no_spike() -> None:
    baseline, hn = learned(HACKERNEWS, read("hackernews-quiet.json"))
    baseline.update(learned(REDDIT, read("reddit-quiet.json"))[0])
    reddit = parse_reddit(read("reddit-quiet.json"))
    found = pulse({HACKERNEWS: hn, REDDIT: reddit}, baseline, AS_OF)
    assert found.recent == 2
    assert found.usual == 2.0  # one outage-ish post an hour on each
    assert not found.spike
    assert all(p.id != "1h0pin" for p in reddit)  # the pinned megathread is not counted


def test_a_spike_is_counted_against_the_usual_and_names_the_model() -> None:
    hn = parse_hackernews(read("hackernews-spike.json"))
    reddit = parse_reddit(read("reddit-spike.json"))
    baseline = baseline_from({HACKERNEWS: {"2026-12-07T18": 1, "2026-12-07T19": 1}})
    baseline = record(baseline, REDDIT, reddit, AS_OF, AS_OF - timedelta(hours=4))
    found = pulse({HACKERNEWS: hn, REDDIT: reddit}, baseline, AS_OF)
    assert found.spike
    assert found.recent == 23
    assert found.summary.startswith("community: 23 outage posts in the last hour, usually 2")
    assert "Claude Opus 4.8 named in" in found.summary
    assert found.posts[0].url.startswith(("https://news.ycombinator.com/item?id=", "https://www"))
    assert len(found.posts) == 10


def test_a_spike_strengthens_the_early_warning_and_never_raises_the_level() -> None:
    hn = parse_hackernews(read("hackernews-spike.json"))
    found = pulse({HACKERNEWS: hn}, {}, AS_OF)
    warning = Verdict(Finding.EARLY_WARNING, Level.OPERATIONAL, "The API is failing from here")
    strengthened = corroborate(warning, found)
    assert strengthened.finding is Finding.EARLY_WARNING
    assert "others see it too (community: 15 outage posts" in strengthened.headline
    good = corroborate(Verdict(Finding.ALL_GOOD, Level.OPERATIONAL, "All good"), found)
    assert (good.finding, good.level, good.seen_from_here) == (
        Finding.COMMUNITY_SPIKE,
        Level.OPERATIONAL,
        False,
    )
    quiet = pulse({HACKERNEWS: parse_hackernews(read("hackernews-quiet.json"))}, {}, AS_OF)
    assert corroborate(warning, quiet) == warning


@pytest.mark.parametrize("name", ["malformed.json", "error.html"])
def test_what_is_not_the_endpoint_json_is_refused_with_one_line(name: str) -> None:
    with pytest.raises(CommunityPayloadError) as refused:
        parse_reddit(read(name))
    assert "\n" not in str(refused.value)
    with pytest.raises(CommunityPayloadError):
        parse_hackernews(read(name))


def test_hostile_titles_are_stripped_of_controls_and_capped() -> None:
    listing = json.loads(read("reddit-hostile.json"))
    huge = "Claude down " + "A" * 1_000_000 + "\x1b[2J"
    listing["data"]["children"][0]["data"]["title"] = huge
    posts = parse_reddit(json.dumps(listing).encode())
    assert len(posts) == 3
    for post in posts:
        assert len(post.title) <= 200
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in post.title)
        assert post.url.startswith("https://www.reddit.com/r/ClaudeAI/comments/")
        assert post.outage


def test_the_state_baseline_is_untrusted() -> None:
    raw = {REDDIT: {"2026-12-07T18": 3, "x": "many", "2026-12-07T19": True}, "evil": {"a": 1}}
    assert baseline_from(raw) == {REDDIT: {"2026-12-07T18": 3}}
    assert baseline_from(["not", "a", "table"]) == {}


def test_a_spike_is_not_notified_unless_asked_for_while_the_early_warning_is() -> None:
    from claude_beacon.core.alerts import NotifyRules, should_notify
    from claude_beacon.core.model import Event, EventKind

    found = pulse({HACKERNEWS: parse_hackernews(read("hackernews-spike.json"))}, {}, AS_OF)
    spike = Event(EventKind.COMMUNITY_SPIKE, "Community", "community", "spike", found.summary)
    warning = Event(EventKind.EARLY_WARNING, "Claude", "https://status.claude.com", "ew", "x")
    rules = NotifyRules()
    assert not should_notify(spike, None, rules, {}, None, AS_OF)
    assert should_notify(warning, None, rules, {}, None, AS_OF)
    asked = NotifyRules(kinds=frozenset({EventKind.COMMUNITY_SPIKE}))
    assert should_notify(spike, None, asked, {}, None, AS_OF)
