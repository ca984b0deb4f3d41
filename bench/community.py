"""Requests per day of the community pulse at its defaults, on a simulated day.

    python3 bench/community.py

The real job (``engine.community.CommunityWatch``) runs against a loopback server serving the
fixtures, with its clock advanced by each wait it asks for: what a day of it would ask of
Hacker News and Reddit, and how many of those answers are a 304.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claude_beacon.config.community import parse_community  # noqa: E402
from claude_beacon.config.model import Config  # noqa: E402
from claude_beacon.engine.community import CommunityWatch  # noqa: E402
from claude_beacon.store.state import StateStore  # noqa: E402
from tests.support.community import HACKERNEWS, REDDIT, fixture  # noqa: E402
from tests.support.statuspage_server import Reply, StatuspageServer, json_reply  # noqa: E402

DAY = timedelta(days=1)


def simulate(reddit: Reply | None = None) -> tuple[dict[str, int], dict[str, int], int]:
    with StatuspageServer() as server, tempfile.TemporaryDirectory() as home:
        server.set(HACKERNEWS, json_reply(fixture("hackernews-quiet.json")))
        server.set(REDDIT, reddit or json_reply(fixture("reddit-quiet.json")))
        settings = parse_community(
            {
                "enabled": True,
                "hackernews_url": server.url + HACKERNEWS,
                "reddit_url": server.url + REDDIT,
            }
        )
        start = now = datetime(2026, 12, 7, tzinfo=UTC)
        store = StateStore(Path(home) / "state.json")
        watch = CommunityWatch(Config(community=settings), store, clock=lambda: now)
        while now < start + DAY:
            now += timedelta(seconds=watch.run_once())
        asked = {path: len(server.requests_to(path)) for path in (HACKERNEWS, REDDIT)}
        unchanged = {
            path: sum(r.status == 304 for r in server.requests_to(path))
            for path in (HACKERNEWS, REDDIT)
        }
        received = sum(r.bytes_sent + r.bytes_received for r in server.requests)
        return asked, unchanged, received


def main() -> None:
    print("community pulse at its defaults (interval 300 s), one simulated day")
    for label, reddit in (
        ("both endpoints answering", None),
        (
            "Reddit answering 429, Retry-After 3600",
            Reply(429, b"", "text/plain", (("Retry-After", "3600"),)),
        ),
    ):
        asked, unchanged, wire = simulate(reddit)
        total = sum(asked.values())
        print(f"{label}:")
        for path, count in asked.items():
            print(f"  {path:<26} {count:>4} requests/day, {unchanged[path]:>4} answered 304")
        print(f"  total {total} requests/day, {wire / 1024:.0f} KiB on the wire (fixture sizes)")


if __name__ == "__main__":
    main()
