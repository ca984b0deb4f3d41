"""Never blind: a blocked or challenged API, its alias host, the history feed, and back.

Real HTTP on loopback; the poller runs in-process with a clock the tests move, so the long
backoff a challenge earns takes no real time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from markupsafe import escape

from claude_beacon.config.settings import Config
from claude_beacon.core.feed import items_from_feed
from claude_beacon.core.model import EventKind, Level, SourceSpec
from claude_beacon.core.schedule import Cadence
from claude_beacon.core.verdict import judge
from claude_beacon.desktop.trayview import tooltip
from claude_beacon.engine.poller import Poller
from claude_beacon.net.feedreader import entries
from claude_beacon.net.fetcher import Fetcher
from claude_beacon.render import guide
from claude_beacon.render.terminal import status_text
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
    (limitation,) = reading.limitations
    assert limitation.startswith(
        f"from {alias.url.split('//')[1]}, the page's other address, since "
    )
    assert words in limitation  # the reason the API was not used is told, not kept back
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
    (reading,) = watcher.snapshot.readings  # read from the alias, saying why
    assert any(words in limit for limit in reading.limitations), reading.limitations


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
    (limitation,) = reading.limitations
    assert limitation.startswith("from the incident feed; component states unavailable, since ")
    assert "blocked this request (HTTP 405" in limitation
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


def test_a_long_retry_after_on_a_challenge_is_waited_out_in_full(
    primary: StatuspageServer, alias: StatuspageServer
) -> None:
    primary.set(SUMMARY, Reply(status=429, headers=(("Retry-After", "1000"),)))
    alias.set_summary(payloads.summary())
    clock = Clock()
    watcher = poller(primary, alias.url, clock=clock)
    for _ in range(16):  # 16 minutes: past every backoff a block earns, short of 1000 s
        watcher.poll_once()
        clock.now += 60
    assert len(primary.requests_to(SUMMARY)) == 1
    clock.now += 60
    watcher.poll_once()
    assert len(primary.requests_to(SUMMARY)) == 2


def test_a_failing_fallback_backs_off_on_its_own(
    primary: StatuspageServer, alias: StatuspageServer
) -> None:
    """Primary and alias both blocked: neither is asked every round; the feed carries on."""
    primary.set(SUMMARY, html_reply(CHALLENGE, status=405))
    primary.set(FEED, feed_reply([]))
    alias.set(SUMMARY, html_reply(CHALLENGE, status=403))
    clock = Clock()
    watcher = poller(primary, alias.url, clock=clock)
    for _ in range(10):
        snapshot, _ = watcher.poll_once()
        assert snapshot.readings[0].path == "feed"
        clock.now += 15
    assert len(primary.requests_to(SUMMARY)) == 1
    assert len(alias.requests_to(SUMMARY)) == 1  # a block waits 5 intervals (150-300 s) at least
    feed = primary.requests_to(FEED)
    assert len(feed) == 10
    assert all("if-none-match" in r.headers for r in feed[1:])  # the feed is conditional too
    assert "application/atom+xml" in feed[0].headers["accept"]


def test_a_stale_feed_that_lacks_an_open_incident_does_not_end_it(
    primary: StatuspageServer,
) -> None:
    """Opened on the API, the API blocked, a feed that does not list it yet: nothing is told
    until the API is back and says the incident was resolved, once."""
    incident = payloads.incident("inc4", "Errors", updates=[("c1", "investigating", "On it.")])
    primary.set_summary(payloads.summary(incidents=[incident]))
    clock = Clock()
    watcher = poller(primary, clock=clock)
    assert [e.kind for e in watcher.poll_once()[1]] == [EventKind.INCIDENT_OPENED]

    primary.set(SUMMARY, Reply(status=403))
    primary.set(FEED, feed_reply([]))
    for _ in range(30):  # well past the patience for items that leave a summary
        clock.now += 60
        snapshot, events = watcher.poll_once()
        assert events == ()
    assert snapshot.readings[0].path == "feed"

    resolved = payloads.incident(
        "inc4",
        "Errors",
        status="resolved",
        updates=[("c2", "resolved", "Fixed."), ("c1", "investigating", "On it.")],
    )
    primary.set(INCIDENTS, json_reply(payloads.incidents_page([resolved])))
    primary.set_summary(payloads.summary())
    clock.now += 3600
    _, events = watcher.poll_once()
    assert [(e.kind, e.body) for e in events] == [(EventKind.INCIDENT_RESOLVED, "Fixed.")]
    clock.now += 60
    assert watcher.poll_once()[1] == ()


def test_the_way_a_page_was_read_is_said_in_status_tooltip_and_guide(
    primary: StatuspageServer, alias: StatuspageServer
) -> None:
    primary.set(SUMMARY, html_reply(CHALLENGE, status=405))
    alias.set_summary(payloads.summary({API: "partial_outage"}))
    snapshot, _ = poller(primary, alias.url).poll_once()
    alias_host = alias.url.split("//")[1]
    why = "127.0.0.1 blocked this request (HTTP 405, likely a CDN challenge)"
    said = f"Read from {alias_host}, the page's other address, since {why}."
    assert said in status_text(snapshot).splitlines()[1]
    assert f"Claude (read via {alias_host}, its other address): partial outage" in tooltip(snapshot)
    assert escape(said) in guide.render(snapshot, judge(snapshot, ()))

    alias.set(SUMMARY, Reply(status=503))
    primary.set(FEED, feed_reply([]))
    snapshot, _ = poller(primary, alias.url).poll_once()
    said = f"Read from the incident feed; component states unavailable, since {why}."
    assert said in status_text(snapshot).splitlines()[1]
    assert "Claude (from the incident feed; component states unavailable): all systems" in (
        tooltip(snapshot)
    )
    assert escape(said) in guide.render(snapshot, judge(snapshot, ()))


def test_component_states_are_kept_through_a_stretch_on_the_feed(
    primary: StatuspageServer,
) -> None:
    """The feed knows no components: a change that happened meanwhile is still told after."""
    primary.set_summary(payloads.summary({API: "operational"}))
    clock = Clock()
    watcher = poller(primary, clock=clock)
    watcher.poll_once()
    primary.set(SUMMARY, Reply(status=403))
    primary.set(FEED, feed_reply([]))
    clock.now += 60
    assert watcher.poll_once()[0].readings[0].path == "feed"
    primary.set_summary(payloads.summary({API: "partial_outage"}))
    clock.now += 3600
    _, events = watcher.poll_once()
    assert [(e.kind, e.title) for e in events] == [
        (EventKind.COMPONENT_CHANGED, f"{API} has a partial outage")
    ]


def test_an_unknown_zone_abbreviation_takes_the_offset_the_feed_was_written_with() -> None:
    recorded = fixture_bytes("saucelabs-history-1.atom")
    renamed = recorded.replace(b" PST&lt;", b" XYZT&lt;").replace(b" PDT&lt;", b" XYZT&lt;")
    assert renamed != recorded
    expected = items_from_feed(entries(recorded))
    read = items_from_feed(entries(renamed))
    # Every entry was published with the page's own offset (-08:00 or -07:00), so every
    # stamp lands where the abbreviations put it.
    times = [[u.at for u in item.updates] for item in read]
    assert times == [[u.at for u in item.updates] for item in expected]
