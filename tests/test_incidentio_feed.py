"""An incident.io page's history feed, read when its API is blocked: real HTTP on loopback.

OpenAI's page (status.openai.com) is hosted by incident.io and read as a Statuspage page; when
its API is blocked, its ``history.atom`` is what is left. History must read as history.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from claude_beacon.config.settings import Config
from claude_beacon.core.model import EventKind, Level, SourceSpec
from claude_beacon.core.schedule import Cadence
from claude_beacon.engine.poller import Poller
from claude_beacon.net.fetcher import Fetcher
from tests.conftest import fixture_bytes
from tests.support.statuspage_server import Reply, StatuspageServer, html_reply

SUMMARY, FEED = "/api/v2/summary.json", "/history.atom"
CHALLENGE = "<!DOCTYPE html><html><title>Just a moment...</title></html>"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Wall:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def page() -> Iterator[StatuspageServer]:
    with StatuspageServer() as server:
        server.set(SUMMARY, html_reply(CHALLENGE, status=403))
        yield server


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    client = Fetcher()
    yield client
    client.client.close()


def atom(name: str) -> Reply:
    return Reply(body=fixture_bytes(name), content_type="application/atom+xml")


def poller(page: StatuspageServer, fetcher: Fetcher, wall: Wall, clock: Clock) -> Poller:
    source = SourceSpec("OpenAI", page.url)
    config = Config(sources=(source,), cadence=Cadence(interval=60, fast_interval=15))
    return Poller(config, fetcher, clock=clock, wall=wall)


def test_a_feed_of_eighty_four_resolved_incidents_is_all_clear_and_tells_nothing(
    page: StatuspageServer, fetcher: Fetcher
) -> None:
    page.set(FEED, atom("incidentio/openai-history-2.atom"))
    clock, wall = Clock(), Wall(datetime(2026, 8, 31, 22, 20, tzinfo=UTC))
    watcher = poller(page, fetcher, wall, clock)
    for _ in range(3):
        snapshot, events = watcher.poll_once()
        (reading,) = snapshot.readings
        assert reading.path == "feed" and reading.ok
        assert (reading.level, reading.incidents, events) == (Level.OPERATIONAL, (), ())
        clock.now += 60


def test_an_incident_opened_on_the_feed_is_told_once_and_its_resolution_once(
    page: StatuspageServer, fetcher: Fetcher
) -> None:
    page.set(FEED, atom("incidentio/openai-history-open-1.atom"))
    clock, wall = Clock(), Wall(datetime(2026, 9, 3, 15, 17, tzinfo=UTC))
    watcher = poller(page, fetcher, wall, clock)
    snapshot, events = watcher.poll_once()
    (reading,) = snapshot.readings
    assert reading.level is Level.PARTIAL_OUTAGE
    assert [i.name for i in reading.incidents] == ["Elevated errors across ChatGPT and Codex"]
    assert [(e.kind, e.title) for e in events] == [
        (EventKind.INCIDENT_OPENED, "Elevated errors across ChatGPT and Codex")
    ]
    (opened,) = events
    assert opened.components == ("Conversations", "Codex Web", "CLI")
    assert opened.url == "https://status.openai.com/incidents/01M1KWEDH417T2CF44YYHZDFCR"

    clock.now += 60
    assert watcher.poll_once()[1] == ()

    page.set(FEED, atom("incidentio/openai-history-1.atom"))  # the same page, two hours on
    wall.at = datetime(2026, 9, 3, 20, 52, tzinfo=UTC)
    clock.now += 60
    snapshot, events = watcher.poll_once()
    assert snapshot.readings[0].level is Level.OPERATIONAL
    assert [(e.kind, e.body.split(".")[0]) for e in events] == [
        (
            EventKind.INCIDENT_RESOLVED,
            "The issue causing elevated errors across ChatGPT and Codex has been resolved",
        )
    ]
    clock.now += 60
    assert watcher.poll_once()[1] == ()
