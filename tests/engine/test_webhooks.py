"""Webhooks to a loopback receiver: the bodies, retries with backoff, one receiver per sink."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from claude_beacon.config.settings import Webhook
from claude_beacon.core.model import Event, EventKind, Level, Snapshot
from claude_beacon.engine import webhooks
from claude_beacon.engine.dispatch import Dispatcher
from claude_beacon.engine.webhooks import WebhookSink
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
    at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
)
FIRST_RETRY = 0.2


@pytest.fixture
def receiver() -> Iterator[StatuspageServer]:
    with StatuspageServer() as server:
        yield server


def deliver(receiver: StatuspageServer, *hooks: Webhook, expect: int) -> None:
    dispatcher = Dispatcher(
        [WebhookSink(h) for h in hooks], lambda _s, _e: None, first_retry=FIRST_RETRY
    )
    dispatcher.start(Snapshot(EVENT.at or datetime.now(UTC)), {})
    dispatcher.publish(Snapshot(datetime.now(UTC)), [EVENT])
    deadline = time.monotonic() + 15
    while len([r for r in receiver.requests if r.method == "POST"]) < expect:
        assert time.monotonic() < deadline, receiver.requests
        time.sleep(0.05)
    dispatcher.stop(1)


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
    assert sent["/json"]["event_id"] == EVENT.id  # the same in every sink: receivers dedupe
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
    assert all(gap >= FIRST_RETRY * 0.9 for gap in gaps)
    assert gaps[1] >= 0.95  # Retry-After: 1


def test_a_hanging_receiver_never_holds_up_another(receiver: StatuspageServer) -> None:
    """Each receiver is a sink of its own: one that never answers delays nobody else."""
    receiver.set("/slow", Reply(status=200, delay=8))
    receiver.set("/fast", Reply(status=204))
    started = time.monotonic()
    deliver(receiver, Webhook(f"{receiver.url}/slow"), Webhook(f"{receiver.url}/fast"), expect=2)
    fast = receiver.requests_to("/fast")
    assert fast and fast[0].at - started < 5


def post_once(url: str) -> webhooks.DeliveryError | None:
    sink = WebhookSink(Webhook(url))
    try:
        sink._post(EVENT)
    except webhooks.DeliveryError as error:
        return error
    finally:
        sink.close()
    return None


def test_a_receiver_that_never_answers_is_given_up_at_the_deadline(
    receiver: StatuspageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhooks, "DEADLINE", 1.0)
    receiver.set("/hang", Reply(fault="hang"))
    receiver.set("/drip", Reply(fault="drip_head"))
    started = time.monotonic()
    hung, dripped = post_once(f"{receiver.url}/hang"), post_once(f"{receiver.url}/drip")
    assert time.monotonic() - started < 8  # the read timeout alone would be 10 s each, or never
    assert hung is not None and "no answer from 127.0.0.1 in time" in str(hung)
    assert dripped is not None and dripped.delay is None


@pytest.mark.parametrize(
    ("header", "delay"),
    [("999999999", webhooks.MAX_RETRY_AFTER), ("²", None), ("30", 30.0), ("soon", None)],
)
def test_retry_after_is_honoured_up_to_a_cap_and_nonsense_is_ignored(
    header: str, delay: float | None, receiver: StatuspageServer
) -> None:
    receiver.set("/busy", Reply(status=503, headers=(("Retry-After", header),)))
    error = post_once(f"{receiver.url}/busy")
    assert error is not None and error.delay == delay
    assert "HTTP 503" in str(error)


def test_a_failing_webhook_never_shows_its_token(
    receiver: StatuspageServer, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.set("/hook", Reply(status=500))
    port = receiver.url.rsplit(":", 1)[1]
    secret = f"http://user:hunter2@127.0.0.1:{port}/hook?token=s3cr3t&channel=ops"
    error = post_once(secret)
    refused = post_once("http://user:hunter2@127.0.0.1:1/hook?token=s3cr3t")
    assert receiver.requests_to("/hook")  # the real address was used...
    for told in (str(error), str(refused), caplog.text):
        assert "hunter2" not in told and "s3cr3t" not in told  # ...and never shown
    assert "token=REDACTED" in str(error) and "channel=ops" in str(error)
