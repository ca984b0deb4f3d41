"""Never blind: a blocked or challenged API, its alias host, the history feed, and back.

Real HTTP on loopback; the poller runs in-process with a clock the tests move, so the long
backoff a challenge earns takes no real time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from claude_beacon.config import Config
from claude_beacon.core.feed import items_from_feed
from claude_beacon.core.model import EventKind, Level, SourceSpec
from claude_beacon.core.schedule import Cadence
from claude_beacon.feedreader import entries
from claude_beacon.fetch import Fetcher
from claude_beacon.poller import Poller
from tests.conftest import fixture_bytes
from tests.support import payloads
from tests.support.statuspage_server import Reply, StatuspageServer, html_reply, json_reply

SUMMARY, FEED, INCIDENTS = "/api/v2/summary.json", "/history.atom", "/api/v2/incidents.json"
API = "Claude API (api.anthropic.com)"
CHALLENGE = "<!DOCTYPE html><html><title>Just a moment...</title></html>"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def primary() -> Iterator[StatuspageServer]:
    with StatuspageServer() as server:
        yield server


@pytest.fixture
def alias() -> Iterator[StatuspageServer]:
    with StatuspageServer() as server:
        yield server


OPEN: list[Fetcher] = []


@pytest.fixture(autouse=True)
def close_clients() -> Iterator[None]:
    yield
    while OPEN:
        OPEN.pop().client.close()


def poller(primary: StatuspageServer, *fallbacks: str, clock: Clock | None = None) -> Poller:
    source = SourceSpec("Claude", primary.url, fallbacks=fallbacks)
    config = Config(sources=(source,), cadence=Cadence(interval=60, fast_interval=15))
    OPEN.append(fetcher := Fetcher())
    return Poller(config, fetcher, clock=clock or Clock())


def feed_reply(items: list[dict]) -> Reply:
    return Reply(body=payloads.atom(items), content_type="application/atom+xml")


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (html_reply(CHALLENGE, status=405), "blocked this request (HTTP 405"),
        (html_reply(CHALLENGE), "HTML/XML page instead of JSON; a CDN challenge?"),
        (Reply(status=403), "blocked this request (HTTP 403"),
        (Reply(status=429, headers=(("Retry-After", "120"),)), "rate-limiting"),
        (json_reply({"error": "denied"}), "JSON without"),
    ],
)
def test_a_blocked_api_is_read_through_the_alias(
    primary: StatuspageServer, alias: StatuspageServer, reply: Reply, words: str
) -> None:
    primary.set(SUMMARY, reply)
    alias.set_summary(payloads.summary({API: "partial_outage"}))
    clock = Clock()
    watcher = poller(primary, alias.url, clock=clock)
    snapshot, _ = watcher.poll_once()
    (reading,) = snapshot.readings
    assert reading.ok and reading.path == "alias" and reading.level is Level.PARTIAL_OUTAGE
    assert reading.limitations == (f"from {alias.url.split('//')[1]}, the page's other address",)
    assert len(primary.requests_to(SUMMARY)) == 1

    for _ in range(2):  # the challenge is not asked again in a tight loop...
        clock.now += 60
        watcher.poll_once()
    assert len(primary.requests_to(SUMMARY)) == 1
    clock.now += 180  # ...but after 5 intervals at most (2.5 at least)
    watcher.poll_once()
    assert len(primary.requests_to(SUMMARY)) == 2
    for _ in range(4):  # and then it waits longer still: 5 to 10 intervals
        clock.now += 60
        watcher.poll_once()
    assert len(primary.requests_to(SUMMARY)) == 2
    assert len(alias.requests_to(SUMMARY)) == 8
    assert all("if-none-match" in r.headers for r in alias.requests_to(SUMMARY)[1:])
    # the primary's own message is kept for whoever asks why
    assert words in watcher._api_failure[watcher.config.sources[0].key].failure.message


def test_the_feed_when_api_and_alias_fail_then_back_to_the_api(
    primary: StatuspageServer, alias: StatuspageServer
) -> None:
    incident = payloads.incident(
        "inc1",
        "Elevated errors",
        status="identified",
        impact="major",
        updates=[("u2", "identified", "Cause found."), ("u1", "investigating", "Looking.")],
        components=[API],
    )
    primary.set(SUMMARY, html_reply(CHALLENGE, status=405))
    primary.set(FEED, feed_reply([incident]))
    alias.set(SUMMARY, Reply(status=503))
    clock = Clock()
    watcher = poller(primary, alias.url, clock=clock)

    snapshot, events = watcher.poll_once()
    (reading,) = snapshot.readings
    assert reading.ok and reading.path == "feed"
    assert reading.limitations == ("from the incident feed; component states unavailable",)
    assert reading.components == () and reading.level is Level.DEGRADED
    (item,) = reading.incidents
    assert (item.id, item.status, item.latest.body if item.latest else "") == (
        "inc1",
        "identified",
        "Cause found.",
    )
    assert [e.kind for e in events] == [EventKind.INCIDENT_OPENED]

    # The API recovers: it is asked again only once its backoff has passed.
    primary.set(SUMMARY, json_reply(payloads.summary({API: "partial_outage"}, [incident])))
    clock.now += 30
    watcher.poll_once()
    assert len(primary.requests_to(SUMMARY)) == 1
    clock.now += 1800
    snapshot, events = watcher.poll_once()
    assert snapshot.readings[0].path == "api" and snapshot.readings[0].limitations == ()
    assert events == ()  # the same incident, the same updates: nothing to repeat

    resolved = payloads.incident(
        "inc1",
        "Elevated errors",
        status="resolved",
        impact="major",
        updates=[
            ("u3", "resolved", "Fixed."),
            ("u2", "identified", "Cause found."),
            ("u1", "investigating", "Looking."),
        ],
        components=[API],
    )
    primary.set(INCIDENTS, json_reply(payloads.incidents_page([resolved])))
    primary.set(SUMMARY, json_reply(payloads.summary()))
    clock.now += 60
    _, events = watcher.poll_once()
    told = [(e.kind, e.body) for e in events if e.kind is not EventKind.COMPONENT_CHANGED]
    assert told == [(EventKind.INCIDENT_RESOLVED, "Fixed.")]


def test_an_update_seen_first_in_the_feed_is_not_repeated_by_the_api(
    primary: StatuspageServer,
) -> None:
    first = payloads.incident("inc2", "Slow responses", updates=[("a1", "investigating", "Hm.", 5)])
    primary.set_summary(payloads.summary(incidents=[first]))
    clock = Clock()
    watcher = poller(primary, clock=clock)
    assert [e.kind for e in watcher.poll_once()[1]] == [EventKind.INCIDENT_OPENED]

    second = payloads.incident(
        "inc2",
        "Slow responses",
        status="identified",
        updates=[("a2", "identified", "Found it."), ("a1", "investigating", "Hm.")],
    )
    primary.set(SUMMARY, Reply(status=403))
    primary.set(FEED, feed_reply([second]))
    _, events = watcher.poll_once()
    assert [(e.kind, e.body) for e in events] == [(EventKind.INCIDENT_UPDATED, "Found it.")]

    primary.set_summary(payloads.summary(incidents=[second]))
    clock.now += 3600
    snapshot, events = watcher.poll_once()
    assert snapshot.readings[0].path == "api" and events == ()


def test_recorded_atom_feed_is_parsed_into_items() -> None:
    items = items_from_feed(entries(fixture_bytes("saucelabs-history-1.atom")))
    assert len(items) == 25
    first = items[0]
    assert (first.id, first.status, first.resolved) == ("08fk1fzrw8p8", "resolved", True)
    assert [u.status for u in first.updates] == ["resolved", "monitoring"]
    assert first.updates[0].at is not None
    assert first.updates[0].at.isoformat() == "2020-11-14T22:07:00+00:00"  # 14:07 PST
    assert first.started_at is not None and first.started_at.isoformat().startswith(
        "2020-11-14T21:51"
    )
    kinds = {i.kind.value for i in items}
    assert kinds == {"incident", "maintenance"}
    assert all(i.status in {"resolved", "completed"} for i in items)


def test_an_item_leaving_the_alias_summary_is_confirmed_on_the_alias(
    primary: StatuspageServer, alias: StatuspageServer
) -> None:
    incident = payloads.incident(
        "inc3", "Login errors", updates=[("b1", "investigating", "On it.")]
    )
    primary.set(SUMMARY, Reply(status=405))
    alias.set_summary(payloads.summary(incidents=[incident]))
    clock = Clock()
    watcher = poller(primary, alias.url, clock=clock)
    assert [e.kind for e in watcher.poll_once()[1]] == [EventKind.INCIDENT_OPENED]
    resolved = payloads.incident(
        "inc3",
        "Login errors",
        status="resolved",
        updates=[("b2", "resolved", "Logins work again."), ("b1", "investigating", "On it.")],
    )
    alias.set(INCIDENTS, json_reply(payloads.incidents_page([resolved])))
    alias.set_summary(payloads.summary())
    clock.now += 60
    _, events = watcher.poll_once()
    assert [(e.kind, e.body) for e in events] == [
        (EventKind.INCIDENT_RESOLVED, "Logins work again.")
    ]
    assert primary.requests_to(INCIDENTS) == []


def test_a_block_after_server_errors_backs_off_by_blocks_not_by_all_failures(
    primary: StatuspageServer,
) -> None:
    """Five 503s and then one 429: the wait is one block's (5 intervals), not 2^5 of them."""
    clock = Clock()
    watcher = poller(primary, clock=clock)
    primary.set_summary(payloads.summary())
    watcher.poll_once()
    primary.set(SUMMARY, Reply(status=503))
    for _ in range(5):
        clock.now = watcher._due[watcher.config.sources[0].key]
        watcher.poll_once()
    primary.set(SUMMARY, Reply(status=429))
    clock.now = watcher._due[watcher.config.sources[0].key]
    watcher.poll_once()
    wait = watcher._due[watcher.config.sources[0].key] - clock.now
    assert 150 <= wait <= 300  # one block: 60 s x 5, drawn from its upper half
