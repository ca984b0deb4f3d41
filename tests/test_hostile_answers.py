"""Answers built to hurt: compression bombs, encodings not asked for, redirects inward or down."""

from __future__ import annotations

import gzip
import ssl
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from claude_beacon.core.model import Failure, FailureKind
from claude_beacon.net.fetcher import Fetcher, Response
from tests.support.statuspage_server import SUMMARY, Reply, StatuspageServer, json_reply

INFLATED = 64 * 1024 * 1024


def stacked_bomb() -> bytes:
    """gzip of gzip of 64 MiB of spaces: a few hundred bytes on the wire."""
    return gzip.compress(gzip.compress(b" " * INFLATED, 9), 9)


@pytest.fixture
def server() -> Iterator[StatuspageServer]:
    with StatuspageServer() as srv:
        yield srv


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    fetcher = Fetcher(deadline=5)
    yield fetcher
    fetcher.client.close()


def test_only_gzip_is_asked_for(server: StatuspageServer, fetcher: Fetcher) -> None:
    server.set(SUMMARY, json_reply(b"{}"))
    fetcher.get(server.url + SUMMARY)
    assert server.requests_to(SUMMARY)[0].headers["accept-encoding"] == "gzip"


def test_a_stacked_gzip_bomb_is_refused_without_inflating_it(
    server: StatuspageServer, fetcher: Fetcher
) -> None:
    bomb = stacked_bomb()
    server.set(SUMMARY, Reply(body=bomb, headers=(("Content-Encoding", "gzip, gzip"),)))
    reply = fetcher.get(server.url + SUMMARY)
    assert len(bomb) < 2_000
    assert isinstance(reply, Failure) and reply.kind is FailureKind.BAD_PAYLOAD
    assert "encoded 2 times over" in reply.message


def test_a_single_gzip_bomb_stops_at_the_cap_of_decoded_bytes(server: StatuspageServer) -> None:
    small = Fetcher(max_bytes=1_000_000)
    bomb = gzip.compress(b" " * INFLATED, 9)  # ~64 KB on the wire
    server.set(SUMMARY, Reply(body=bomb, headers=(("Content-Encoding", "gzip"),)))
    reply = small.get(server.url + SUMMARY)
    small.client.close()
    assert isinstance(reply, Failure) and reply.kind is FailureKind.TOO_LARGE


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, br", "snappy"])
def test_an_encoding_not_asked_for_is_refused_clearly(
    encoding: str, server: StatuspageServer, fetcher: Fetcher
) -> None:
    server.set(SUMMARY, Reply(body=b"\x00" * 40, headers=(("Content-Encoding", encoding),)))
    reply = fetcher.get(server.url + SUMMARY)
    assert isinstance(reply, Failure) and reply.kind is FailureKind.BAD_PAYLOAD
    assert "encod" in reply.message


@pytest.mark.parametrize("raw", [False, True])
def test_deflate_with_or_without_its_header_is_read(
    raw: bool, server: StatuspageServer, fetcher: Fetcher
) -> None:
    packer = zlib.compressobj(wbits=-15 if raw else 15)
    body = packer.compress(b'{"page": {}}') + packer.flush()
    server.set(SUMMARY, Reply(body=body, headers=(("Content-Encoding", "deflate"),)))
    reply = fetcher.get(server.url + SUMMARY)
    assert isinstance(reply, Response) and reply.body == b'{"page": {}}'


def test_a_loopback_page_may_redirect_within_loopback(
    server: StatuspageServer, fetcher: Fetcher
) -> None:
    port = server.url.rsplit(":", 1)[1]
    server.set(SUMMARY, Reply(301, headers=(("Location", f"http://localhost:{port}/moved"),)))
    server.set("/moved", json_reply(b"{}"))
    reply = fetcher.get(server.url + SUMMARY)
    assert isinstance(reply, Response) and reply.body == b"{}"


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[fe80::1]/",
        "http://[::ffff:169.254.169.254]/",
    ],
)
def test_a_redirect_to_the_local_network_is_not_followed(
    target: str, server: StatuspageServer, fetcher: Fetcher
) -> None:
    server.set(SUMMARY, Reply(302, headers=(("Location", target),)))
    reply = fetcher.get(server.url + SUMMARY)
    assert isinstance(reply, Failure) and reply.kind is FailureKind.CONNECT
    assert "not followed" in reply.message and "local network" in reply.message


def test_endless_redirects_are_given_up(server: StatuspageServer, fetcher: Fetcher) -> None:
    server.set(SUMMARY, Reply(302, headers=(("Location", SUMMARY),)))
    reply = fetcher.get(server.url + SUMMARY)
    assert isinstance(reply, Failure) and "too many times" in reply.message
    assert len(server.requests_to(SUMMARY)) == 6


@pytest.fixture
def tls_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StatuspageServer]:
    """An https server whose certificate this process trusts through ``SSL_CERT_FILE``."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    with StatuspageServer(tls=context) as srv:
        yield srv


def test_an_https_page_redirecting_to_plain_http_elsewhere_is_not_followed(
    tls_server: StatuspageServer, fetcher: Fetcher
) -> None:
    tls_server.set(SUMMARY, Reply(301, headers=(("Location", "http://status.example.com/x"),)))
    tls_server.set("/fine", json_reply(b"{}"))
    reply = fetcher.get(tls_server.url + SUMMARY)
    assert isinstance(reply, Failure) and "from https to plain http" in reply.message
    fine = fetcher.get(tls_server.url + "/fine")  # the CA came from SSL_CERT_FILE
    assert isinstance(fine, Response) and fine.body == b"{}"


def test_an_https_page_on_this_machine_may_redirect_to_http_on_this_machine(
    tls_server: StatuspageServer, server: StatuspageServer, fetcher: Fetcher
) -> None:
    server.set("/plain", json_reply(b"{}"))
    tls_server.set(SUMMARY, Reply(301, headers=(("Location", server.url + "/plain"),)))
    reply = fetcher.get(tls_server.url + SUMMARY)
    assert isinstance(reply, Response) and reply.body == b"{}"
