"""Hostile community post titles in the real guide, as headless Chromium renders it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claude_beacon.core.community import pulse
from claude_beacon.core.communityposts import REDDIT, parse_reddit
from claude_beacon.core.model import Snapshot, SourceSpec
from claude_beacon.core.statuspage import parse_summary
from claude_beacon.core.verdict import judge
from claude_beacon.render import guide
from tests.e2e.test_guide import chromium, rendered  # noqa: F401 (the fixture)
from tests.support import payloads
from tests.support.community import fixture

AS_OF = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)


def test_hostile_post_titles_stay_inert_in_the_guide(chromium: str, tmp_path: Path) -> None:  # noqa: F811
    listing = json.loads(fixture("reddit-hostile.json"))
    huge = "<b>Claude down</b>" + "A" * 1_000_000
    listing["data"]["children"][0]["data"]["title"] = huge
    posts = parse_reddit(json.dumps(listing).encode())
    found = pulse({REDDIT: posts}, {}, AS_OF + timedelta(minutes=1))
    reading = parse_summary(
        payloads.summary(), SourceSpec("Claude", "https://status.claude.com"), AS_OF
    )
    snapshot = Snapshot(AS_OF, (reading,))
    page = guide.write(
        guide.render(snapshot, judge(snapshot), community=found), tmp_path / "guide.html"
    )
    assert page.stat().st_size < 200_000  # the megabyte title is capped, not copied
    dom = rendered(chromium, page)
    (html,) = dom.all("html")
    assert html.get("data-ready") == "1" and "data-pwned" not in html
    assert len(dom.all("script")) == 1
    assert not dom.all("img") and not dom.all("b")
    assert not any(attrs.get("onerror") for _, attrs in dom.elements)
    links = [a.get("href") or "" for a in dom.all("a")]
    assert not any(href.lower().startswith("javascript") for href in links)
    assert (
        sum(href.startswith("https://www.reddit.com/r/ClaudeAI/comments/") for href in links) == 3
    )
    text = " ".join(dom.text)
    assert '<a href="javascript:alert(3)">click</a>' in text  # shown as text
    assert "\x1b" not in text and "\u202e" not in text
    (section,) = [a for tag, a in dom.elements if a.get("id") == "community"]
    assert section.get("data-kind") == "community_quiet"  # three posts are no spike
