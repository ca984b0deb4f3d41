"""Sleep, resume and clock changes: the wall clock jumps, nothing is repeated or lost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_beacon.config.settings import Config
from claude_beacon.core.model import EventKind, SourceSpec
from claude_beacon.engine.poller import Poller
from claude_beacon.net.fetcher import Fetcher
from claude_beacon.store.state import StateStore
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer, json_reply

API = "Claude API (api.anthropic.com)"


class Wall:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def server() -> Iterator[StatuspageServer]:
    with StatuspageServer() as srv:
        yield srv


def test_jumps_back_and_forward_repeat_nothing(server: StatuspageServer, tmp_path: Path) -> None:
    wall = Wall()
    fetcher = Fetcher()
    store = StateStore(tmp_path / "state.json")
    config = Config(sources=(SourceSpec("Claude", server.url),))
    watcher = Poller(config, fetcher, store=store, wall=wall)
    first = payloads.incident("jump", "Errors", updates=[("j1", "investigating", "Looking.")])
    server.set_summary(payloads.summary({API: "partial_outage"}, [first]))
    assert [e.kind for e in watcher.poll_once()[1]] == [EventKind.INCIDENT_OPENED]

    wall.now -= timedelta(days=2)  # the clock is set back
    assert watcher.poll_once()[1] == ()
    wall.now += timedelta(days=62)  # a laptop wakes two months later, the incident still open
    assert watcher.poll_once()[1] == ()
    restarted = Poller(config, Fetcher(), store=StateStore(tmp_path / "state.json"), wall=wall)
    assert restarted.poll_once()[1] == ()  # and after a restart

    second = payloads.incident(
        "jump",
        "Errors",
        status="resolved",
        updates=[("j2", "resolved", "Fixed."), ("j1", "investigating", "Looking.")],
    )
    server.set("/api/v2/incidents.json", json_reply(payloads.incidents_page([second])))
    server.set_summary(payloads.summary())
    kinds = [e.kind for e in restarted.poll_once()[1]]
    assert kinds.count(EventKind.INCIDENT_RESOLVED) == 1
    fetcher.client.close()
    restarted.fetcher.client.close()
