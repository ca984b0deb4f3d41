"""The total deadline holds for every kind of client, direct and through each kind of proxy.

The server drips even its status line and headers, a byte a second: each byte is well within
any read timeout, so only the total deadline (``net/transport.py``) can cut the request. If a
client were ever built without it, its test here would take minutes and fail.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest

from claude_beacon.config.settings import Webhook
from claude_beacon.core.model import Event, EventKind, Failure, FailureKind
from claude_beacon.core.probes import ProbeRole, Stage
from claude_beacon.engine import webhooks
from claude_beacon.net import deadline
from claude_beacon.net.fetcher import Fetcher, environment_client
from claude_beacon.net.probes import Target, probe
from tests.support.proxy import HttpProxy
from tests.support.socks import SocksProxy
from tests.support.statuspage_server import Reply, StatuspageServer

CUT_WELL_BEFORE = 8.0
"""Seconds: the deadlines below are 1 to 1.5 s; without them each request takes minutes."""
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def through_fetcher(url: str) -> bool:
    fetcher = Fetcher(deadline=1.5)
    reply = fetcher.get(url)
    fetcher.client.close()
    return isinstance(reply, Failure) and reply.kind is FailureKind.TIMEOUT


def through_probe(url: str) -> bool:
    result = probe(Target("api", url, ProbeRole.CLAUDE), timeout=1)
    return not result.ok and result.failed_at is Stage.HTTP


def through_webhook(url: str) -> bool:
    sink = webhooks.WebhookSink(Webhook(url))
    event = Event(EventKind.INCIDENT_OPENED, "Claude", url, "i", "t", at=datetime.now(UTC))
    try:
        sink._post(event)
    except webhooks.DeliveryError as error:
        return "in time" in str(error) or "took over" in str(error)
    finally:
        sink.close()
    return False


def through_environment_client(url: str) -> bool:
    with environment_client(timeout=10.0) as client, deadline.within(1.0):
        try:
            client.get(url)
        except httpx.TimeoutException:
            return True
    return False


CLIENTS: dict[str, Callable[[str], bool]] = {
    "fetcher": through_fetcher,
    "probe": through_probe,
    "webhook": through_webhook,
    "environment client": through_environment_client,
}


@pytest.fixture
def dripping() -> Iterator[StatuspageServer]:
    with StatuspageServer() as server:
        server.set("/slow", Reply(fault="drip_head"))
        yield server


@pytest.fixture(autouse=True)
def no_proxy_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setattr(webhooks, "DEADLINE", 1.0)


@pytest.mark.parametrize("kind", CLIENTS)
def test_a_status_line_dripping_in_is_cut_at_the_deadline_on_a_direct_connection(
    kind: str, dripping: StatuspageServer
) -> None:
    started = time.monotonic()
    assert CLIENTS[kind](dripping.url + "/slow")
    assert time.monotonic() - started < CUT_WELL_BEFORE
    assert dripping.requests_to("/slow")


@pytest.mark.parametrize("kind", CLIENTS)
def test_a_status_line_dripping_in_through_a_socks_proxy_is_cut_at_the_deadline(
    kind: str, dripping: StatuspageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SocksProxy() as proxy:
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        started = time.monotonic()
        assert CLIENTS[kind](dripping.url + "/slow")
        assert time.monotonic() - started < CUT_WELL_BEFORE
        assert proxy.tunnels == [dripping.url.removeprefix("http://")]


@pytest.mark.parametrize("kind", CLIENTS)
def test_a_status_line_dripping_in_through_an_http_proxy_is_cut_at_the_deadline(
    kind: str, dripping: StatuspageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with HttpProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        started = time.monotonic()
        assert CLIENTS[kind](dripping.url + "/slow")
        assert time.monotonic() - started < CUT_WELL_BEFORE
        assert proxy.used == [dripping.url + "/slow"]
