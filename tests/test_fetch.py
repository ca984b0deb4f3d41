"""The HTTP adapter against a real loopback server: validators, limits, faults, stopping."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from claude_beacon.config.settings import Config
from claude_beacon.core.model import Failure, FailureKind, SourceSpec
from claude_beacon.engine.poller import Poller
from claude_beacon.net.fetcher import Fetcher, Response, retry_after
from tests.conftest import fixture_bytes
from tests.support.socks import SocksProxy
from tests.support.statuspage_server import SUMMARY, Reply, StatuspageServer, json_reply

BODY = fixture_bytes("anthropic-summary-1.json")


@pytest.fixture
def server() -> Iterator[StatuspageServer]:
    with StatuspageServer() as srv:
        yield srv


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    fetcher = Fetcher(deadline=1.5)
    yield fetcher
    fetcher.client.close()


def test_second_request_is_conditional_and_costs_a_304(
    server: StatuspageServer, fetcher: Fetcher
) -> None:
    server.set(SUMMARY, json_reply(BODY))
    first = fetcher.get(server.url + SUMMARY)
    second = fetcher.get(server.url + SUMMARY)
    assert isinstance(first, Response) and first.body == BODY  # gzip undone transparently
    assert isinstance(second, Response) and second.not_modified and second.body == b""
    one, two = server.requests_to(SUMMARY)
    assert "gzip" in one.headers["accept-encoding"] and "if-none-match" not in one.headers
    assert two.headers["if-none-match"].startswith('W/"') and two.status == 304
    assert two.bytes_sent < 300 < len(BODY)


def test_forget_drops_validators(server: StatuspageServer, fetcher: Fetcher) -> None:
    server.set(SUMMARY, json_reply(BODY))
    fetcher.get(server.url + SUMMARY)
    fetcher.forget(server.url + SUMMARY)
    again = fetcher.get(server.url + SUMMARY)
    assert isinstance(again, Response) and again.status == 200


def test_redirects_are_followed(server: StatuspageServer, fetcher: Fetcher) -> None:
    """status.anthropic.com answers with a redirect to status.claude.com."""
    server.set(SUMMARY, Reply(status=301, headers=(("Location", "/moved/summary.json"),)))
    server.set("/moved/summary.json", json_reply(BODY))
    reply = fetcher.get(server.url + SUMMARY)
    assert isinstance(reply, Response) and reply.body == BODY
    assert reply.url.endswith("/moved/summary.json")


def test_a_dripping_body_is_cut_at_the_deadline(server: StatuspageServer, fetcher: Fetcher) -> None:
    server.set(SUMMARY, Reply(fault="drip", body=BODY))
    started = time.monotonic()
    reply = fetcher.get(server.url + SUMMARY)
    assert isinstance(reply, Failure) and reply.kind is FailureKind.TIMEOUT
    assert "took over" in reply.message
    assert time.monotonic() - started < 4


def test_headers_dripping_in_are_cut_at_the_deadline(
    server: StatuspageServer, fetcher: Fetcher
) -> None:
    """Each byte comes well within the read timeout; only the total deadline can stop it."""
    server.set(SUMMARY, Reply(fault="drip_head"))
    started = time.monotonic()
    reply = fetcher.get(server.url + SUMMARY)
    assert isinstance(reply, Failure) and reply.kind is FailureKind.TIMEOUT
    assert "took over" in reply.message and "to send its answer" in reply.message
    assert time.monotonic() - started < 4


def test_body_over_the_cap_is_refused(server: StatuspageServer) -> None:
    small = Fetcher(max_bytes=10_000)
    server.set(SUMMARY, Reply(body=b"[" + b" " * 20_000 + b"]"))
    reply = small.get(server.url + SUMMARY)
    small.client.close()
    assert isinstance(reply, Failure) and reply.kind is FailureKind.TOO_LARGE


def test_the_cap_counts_inflated_bytes_so_a_gzip_bomb_is_refused(server: StatuspageServer) -> None:
    small = Fetcher(max_bytes=100_000)
    bomb = gzip.compress(b"[" + b" " * 5_000_000 + b"]")  # 5 KB on the wire, 5 MB inflated
    server.set(SUMMARY, Reply(body=bomb, headers=(("Content-Encoding", "gzip"),)))
    reply = small.get(server.url + SUMMARY)
    small.client.close()
    assert len(bomb) < 100_000
    assert isinstance(reply, Failure) and reply.kind is FailureKind.TOO_LARGE


def test_a_name_that_does_not_resolve_is_reported_as_dns(fetcher: Fetcher) -> None:
    reply = fetcher.get("https://status.nothing.invalid/api/v2/summary.json")
    assert isinstance(reply, Failure) and reply.kind is FailureKind.CONNECT
    assert reply.message == "cannot resolve status.nothing.invalid (DNS lookup failed)"


def test_a_socks_proxy_from_the_environment_carries_the_requests(
    server: StatuspageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.set(SUMMARY, json_reply(BODY))
    with SocksProxy() as proxy:
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        fetcher = Fetcher()
        reply = fetcher.get(server.url + SUMMARY)
        fetcher.client.close()
    assert isinstance(reply, Response) and reply.body == BODY
    assert proxy.tunnels == [server.url.removeprefix("http://")]


def test_a_proxy_setting_httpx_cannot_use_is_skipped_with_one_warning(
    server: StatuspageServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    server.set(SUMMARY, json_reply(BODY))
    monkeypatch.setenv("ALL_PROXY", "socks4://127.0.0.1:1080")
    fetcher = Fetcher()
    reply = fetcher.get(server.url + SUMMARY)
    fetcher.client.close()
    assert isinstance(reply, Response) and reply.body == BODY
    assert "proxy settings cannot be used" in caplog.text
    assert "connecting directly" in caplog.text


def test_a_stop_abandons_a_request_in_flight(server: StatuspageServer, fetcher: Fetcher) -> None:
    fetcher.deadline = 30
    server.set(SUMMARY, Reply(fault="drip", body=BODY))
    threading.Timer(0.5, fetcher.stop.set).start()
    started = time.monotonic()
    reply = fetcher.get(server.url + SUMMARY)
    assert isinstance(reply, Failure) and reply.message == "stopped"
    assert time.monotonic() - started < 3


def test_poller_stops_within_a_second_even_while_the_server_hangs(
    server: StatuspageServer,
) -> None:
    server.set(SUMMARY, Reply(fault="hang"))
    poller = Poller(Config(sources=(SourceSpec("Claude", server.url),)), Fetcher())
    thread = poller.start()
    deadline = time.monotonic() + 5
    while not server.requests_to(SUMMARY) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.requests_to(SUMMARY), "the poller never asked"
    started = time.monotonic()
    poller.stop(timeout=1.0)
    assert time.monotonic() - started < 1.2
    assert thread.daemon  # an abandoned request never keeps the process alive


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("Tue, 24 Nov 2026 12:01:00 GMT", 60.0),
        ("Tue, 24 Nov 2026 11:00:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_in_seconds_or_as_a_date(header: str | None, seconds: float | None) -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert retry_after(header, now) == seconds
