"""Webhooks to a loopback receiver: the bodies, and retries with backoff on its failures."""

from __future__ import annotations

import itertools
import json
import random
import time
from collections.abc import Iterator

import pytest

from claude_beacon.config import Webhook
from claude_beacon.core.model import Event, EventKind, Level
from claude_beacon.core.schedule import Cadence
from claude_beacon.webhooks import Webhooks
from tests.support.statuspage_server import Reply, StatuspageServer

EVENT = Event(
    EventKind.INCIDENT_OPENED,
    "Claude",
    "https://status.claude.com",
    "inc9",
    "Elevated errors on the API",
    "We are investigating.",
    level=Level.PARTIAL_OUTAGE,
    url="https://stspg.io/inc9",
    components=("Claude API (api.anthropic.com)",),
)
FAST = Cadence(interval=0.2, fast_interval=0.2, backoff_cap=2.0)


@pytest.fixture
def receiver() -> Iterator[StatuspageServer]:
    with StatuspageServer() as server:
        yield server


def deliver(receiver: StatuspageServer, *hooks: Webhook, expect: int) -> None:
    sender = Webhooks(hooks, rng=random.Random(1), retry=FAST)
    sender.post([EVENT])
    deadline = time.monotonic() + 15
    while len([r for r in receiver.requests if r.method == "POST"]) < expect:
        assert time.monotonic() < deadline, receiver.requests
        time.sleep(0.05)
    sender.stop()


def test_bodies_in_each_format(receiver: StatuspageServer) -> None:
    for path in ("/json", "/slack", "/discord"):
        receiver.set(path, Reply(status=204))
    deliver(
        receiver,
        Webhook(f"{receiver.url}/json"),
        Webhook(f"{receiver.url}/slack", "slack"),
        Webhook(f"{receiver.url}/discord", "discord"),
        Webhook(f"{receiver.url}/never", kinds=frozenset({EventKind.INCIDENT_RESOLVED})),
        expect=3,
    )
    sent = {r.path: json.loads(r.body) for r in receiver.requests}
    assert set(sent) == {"/json", "/slack", "/discord"}  # the kinds filter held
    assert sent["/json"]["kind"] == "incident_opened" and sent["/json"]["id"] == "inc9"
    assert sent["/slack"]["text"].startswith("*Claude: new incident*\nElevated errors on the API")
    assert sent["/discord"]["content"].startswith("**Claude: new incident**")
    assert "https://stspg.io/inc9" in sent["/slack"]["text"]


def test_failures_are_retried_with_backoff_and_retry_after(receiver: StatuspageServer) -> None:
    receiver.set(
        "/hook",
        [
            Reply(status=500),
            Reply(status=503, headers=(("Retry-After", "1"),)),
            Reply(status=500),
            Reply(status=200),
        ],
    )
    deliver(receiver, Webhook(f"{receiver.url}/hook"), expect=4)
    times = [r.at for r in receiver.requests_to("/hook")]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 4
    assert all(gap >= FAST.floor * 0.9 for gap in gaps)
    assert gaps[1] >= 0.95  # Retry-After: 1
