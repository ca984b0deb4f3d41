"""Reachability probes against real servers on 127.0.0.1: plain, TLS, refused, silent, proxied."""

from __future__ import annotations

import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import trustme

from claude_beacon.core.probes import ProbeRole, Stage
from claude_beacon.net.probes import Target, probe, probe_all
from tests.support.socks import pipe
from tests.support.statuspage_server import Reply, StatuspageServer

SECRET = "sk-ant-api03-SECRET"


class Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def log_message(self, *_args: Any) -> None:
        pass

    def do_GET(self) -> None:
        Handler.seen.append({k.lower(): v for k, v in self.headers.items()})
        status = 200 if self.path.startswith("/ok") else 401
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


class Server:
    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if context:
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        scheme = "https" if context else "http"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http() -> Iterator[Server]:
    Handler.seen.clear()
    server = Server()
    yield server
    server.close()


@pytest.fixture
def https(ca: trustme.CA) -> Iterator[Server]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    server = Server(context)
    yield server
    server.close()


@pytest.fixture
def silent() -> Iterator[str]:
    """A port that accepts connections and then never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def test_plain_http_answers_with_timings(http: Server) -> None:
    result = probe(Target("api", f"{http.url}/v1/models", ProbeRole.CLAUDE), timeout=2)
    assert (result.ok, result.status, result.failed_at) == (True, 401, None)
    assert all(t is not None and t >= 0 for t in (result.dns_ms, result.connect_ms, result.http_ms))
    assert result.tls_ms is None and not result.via_proxy


def test_tls_with_a_trusted_and_an_untrusted_certificate(
    https: Server, ca: trustme.CA, tmp_path: Path
) -> None:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    trusted = probe(Target("api", f"{https.url}/ok", ProbeRole.CLAUDE), ca_file=str(bundle))
    assert (trusted.ok, trusted.status) == (True, 200) and trusted.tls_ms is not None

    intercepted = probe(Target("api", f"{https.url}/ok", ProbeRole.CLAUDE), timeout=2)
    assert (intercepted.ok, intercepted.failed_at) == (False, Stage.TLS)
    assert intercepted.certificate_untrusted
    assert "certificate not trusted" in (intercepted.error or "")


def test_nothing_listening_is_refused_at_connect() -> None:
    spare = socket.socket()
    spare.bind(("127.0.0.1", 0))
    port = spare.getsockname()[1]
    spare.close()
    result = probe(Target("api", f"http://127.0.0.1:{port}/", ProbeRole.CLAUDE), timeout=2)
    assert (result.ok, result.failed_at) == (False, Stage.CONNECT)
    assert f"connection refused by 127.0.0.1:{port}" == result.error


def test_a_silent_server_is_cut_at_the_timeout(silent: str) -> None:
    started = time.monotonic()
    result = probe(Target("api", f"{silent}/", ProbeRole.CLAUDE), timeout=1)
    assert (result.ok, result.failed_at) == (False, Stage.HTTP)
    assert result.error == "no answer from 127.0.0.1 in 1 s"
    assert time.monotonic() - started < 2.5


def test_a_name_that_does_not_resolve() -> None:
    result = probe(Target("x", "https://nothing.invalid/", ProbeRole.INTERNET), timeout=2)
    assert (result.ok, result.failed_at) == (False, Stage.DNS)
    assert (result.error or "").startswith("DNS lookup for nothing.invalid failed")


def test_the_authenticated_check_needs_a_2xx_and_never_shows_the_key(http: Server) -> None:
    headers = (("x-api-key", SECRET),)
    refused = Target("api (key)", f"{http.url}/v1/models", ProbeRole.API_AUTH, headers=headers)
    accepted = Target("api (key)", f"{http.url}/ok/models", ProbeRole.API_AUTH, headers=headers)
    denied, fine = probe(refused), probe(accepted)
    assert (denied.ok, denied.status, denied.failed_at) == (False, 401, Stage.HTTP)
    assert (fine.ok, fine.status) == (True, 200)
    assert Handler.seen[0]["x-api-key"] == SECRET  # sent...
    for shown in (repr(refused), repr(denied), repr(fine), str(denied.error)):
        assert SECRET not in shown  # ...never shown


class Proxy(BaseHTTPRequestHandler):
    """A forward proxy for plain HTTP: relays absolute-form requests, records that it did."""

    used: ClassVar[list[str]] = []

    def log_message(self, *_args: Any) -> None:
        pass

    def do_GET(self) -> None:
        Proxy.used.append(self.path)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(self.path, timeout=5) as reply:
                status, body = reply.status, reply.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self) -> None:
        """HTTPS through the proxy: a tunnel to the named host, as a corporate proxy makes."""
        Proxy.used.append(f"CONNECT {self.path}")
        host, port = self.path.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)), timeout=5)
        self.send_response(200, "Connection established")
        self.end_headers()
        pipe(self.connection, upstream)
        self.close_connection = True


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A forward proxy on loopback, with no proxy variables set yet."""
    Proxy.used.clear()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_https_goes_through_the_proxys_tunnel_and_interception_is_still_seen(
    proxy: str, https: Server, ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    target = Target("api", f"{https.url}/ok", ProbeRole.CLAUDE)
    trusted = probe(target, timeout=3, ca_file=str(bundle))
    assert (trusted.ok, trusted.status, trusted.via_proxy) == (True, 200, True)
    assert Proxy.used == [f"CONNECT {https.url.removeprefix('https://')}"]

    intercepted = probe(target, timeout=3)  # the machine's own CAs do not know this one
    assert (intercepted.ok, intercepted.failed_at) == (False, Stage.TLS)
    assert intercepted.certificate_untrusted and intercepted.via_proxy


def test_proxy_settings_are_honoured(
    proxy: str, http: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy)
    target = Target("api", f"{http.url}/v1/models", ProbeRole.CLAUDE)
    through = probe(target, timeout=3)
    assert (through.ok, through.status, through.via_proxy) == (True, 401, True)
    assert through.dns_ms is None and Proxy.used == [f"{http.url}/v1/models"]

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    direct = probe(target, timeout=3)
    assert (direct.ok, direct.via_proxy) == (True, False) and len(Proxy.used) == 1


def test_a_round_is_as_slow_as_its_slowest_probe(http: Server, silent: str) -> None:
    targets = [
        Target("a", f"{http.url}/ok", ProbeRole.CLAUDE),
        Target("b", f"{silent}/", ProbeRole.CLAUDE),
        Target("c", f"{http.url}/ok", ProbeRole.INTERNET),
    ]
    started = time.monotonic()
    results = probe_all(targets, timeout=1)
    assert time.monotonic() - started < 2.5
    assert [r.name for r in results] == ["a", "b", "c"]
    assert [r.ok for r in results] == [True, False, True]


def test_a_body_that_drips_in_does_not_hold_the_probe() -> None:
    """The answer's status line is what counts; a slow body is not waited for."""
    with StatuspageServer() as server:
        server.set("/slow", Reply(body=b"x" * 200, fault="drip"))
        started = time.monotonic()
        result = probe(Target("api", f"{server.url}/slow", ProbeRole.CLAUDE), timeout=1)
        took = time.monotonic() - started
    assert (result.ok, result.status) == (True, 200)
    assert took < 1.5


def test_a_status_line_that_drips_in_is_cut_at_the_timeout() -> None:
    with StatuspageServer() as server:
        server.set("/slow", Reply(fault="drip_head"))
        started = time.monotonic()
        result = probe(Target("api", f"{server.url}/slow", ProbeRole.CLAUDE), timeout=1)
        took = time.monotonic() - started
    assert (result.ok, result.failed_at) == (False, Stage.HTTP)
    assert took < 2.5


def test_a_cdn_challenge_page_is_told_apart_from_the_targets_own_answer() -> None:
    page = b"<!DOCTYPE html><html><title>Just a moment...</title></html>"
    marked = (("cf-mitigated", "challenge"),)
    with StatuspageServer() as server:
        server.set("/cf", Reply(403, page, "text/html; charset=UTF-8", headers=marked))
        server.set("/html", Reply(403, page, "text/html; charset=UTF-8"))
        server.set("/json", Reply(403, b'{"type":"error"}'))
        server.set("/web", Reply(200, page, "text/html; charset=UTF-8"))
        key = (("x-api-key", SECRET),)
        results = {
            (path, role): probe(Target("api", f"{server.url}{path}", role, key), timeout=2)
            for path in ("/cf", "/html", "/json", "/web")
            for role in (ProbeRole.CLAUDE, ProbeRole.API_AUTH)
        }
    challenged = {found for found, result in results.items() if result.challenge}
    assert challenged == {
        ("/cf", ProbeRole.CLAUDE),
        ("/cf", ProbeRole.API_AUTH),
        ("/html", ProbeRole.API_AUTH),  # the API never answers in HTML
        ("/web", ProbeRole.API_AUTH),
    }
    assert results["/cf", ProbeRole.API_AUTH].status == 403
