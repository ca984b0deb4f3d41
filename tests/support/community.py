"""The community fixtures, moved in time so that their newest post is a minute old."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.support.statuspage_server import Reply, json_reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "community"
HACKERNEWS = "/api/v1/search_by_date"
REDDIT = "/r/ClaudeAI/new.json"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def recent(name: str, now: float | None = None) -> Reply:
    """A Hacker News or Reddit fixture whose posts keep their spacing, the newest now - 60 s."""
    document = json.loads(fixture(name))
    moment = (now or time.time()) - 60
    if "hits" in document:
        hits = document["hits"]
        shift = moment - max(h["created_at_i"] for h in hits)
        for hit in hits:
            hit["created_at_i"] = int(hit["created_at_i"] + shift)
            at = datetime.fromtimestamp(hit["created_at_i"], UTC)
            hit["created_at"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        posts = [c["data"] for c in document["data"]["children"] if not c["data"]["stickied"]]
        shift = moment - max(p["created_utc"] for p in posts)
        for post in posts:
            post["created_utc"] += shift
    return json_reply(document)


def community_config(url: str, interval: float = 1.0) -> str:
    return (
        f"[community]\nenabled = true\ninterval = {interval}\n"
        f'hackernews_url = "{url}{HACKERNEWS}"\nreddit_url = "{url}{REDDIT}"\n'
    )
