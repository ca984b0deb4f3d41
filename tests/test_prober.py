"""Probes against real servers on 127.0.0.1: every stage that can fail, fails where it should."""

from __future__ import annotations

import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme

from claude_beacon.core.probes import ProbeRole, Stage
from claude_beacon.prober import Target, probe, probe_all

SECRET = "sk-ant-SECRET"


class Server(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[dict[str, str]]

    def handle_error(self, request: object, client_address: object) -> None:
        """Probes hang up mid-handshake on purpose: nothing to report."""


class Answer(BaseHTTPRequestHandler):
    """``/`` answers 200, ``/401`` answers 401; the headers of every request are kept."""

    server: Server

    def do_GET(self) -> None:
        self.server.seen.append(dict(self.headers))
        code = 401 if self.path.endswith("/401") else 200
        body = b"hello"
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Relay(BaseHTTPRequestHandler):
    """A forward proxy: takes an absolute-form request line and fetches it directly."""

    server: Server

    def do_GET(self) -> None:
        self.server.seen.append({"path": self.path})
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with direct.open(self.path, timeout=5) as upstream:
                code, body = upstream.status, upstream.read()
        except urllib.error.HTTPError as exc:
            code, body = exc.code, exc.read()
            exc.close()
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


Start = Callable[..., Server]


@pytest.fixture
def running() -> Iterator[Start]:
    """Starts servers on 127.0.0.1 for one test and stops them after it."""
    started: list[tuple[Server, threading.Thread]] = []

    def start(
        handler: type[BaseHTTPRequestHandler] = Answer, tls: ssl.SSLContext | None = None
    ) -> Server:
        server = Server(("127.0.0.1", 0), handler)
        server.seen = []
        if tls is not None:  # the handshake then happens in the handler's thread, on first read
            server.socket = tls.wrap_socket(
                server.socket, server_side=True, do_handshake_on_connect=False
            )
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        started.append((server, thread))
        return server

    yield start
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
        monkeypatch.delenv(var.upper(), raising=False)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def tls_server(ca: trustme.CA, running: Start) -> Server:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return running(tls=context)


@pytest.fixture
def silent() -> Iterator[int]:
    """A port that accepts TCP connections and then says nothing at all."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@pytest.fixture
def dripping() -> Iterator[int]:
    """A server that sends one header byte every 50 ms forever: no single read ever times out."""
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.05)
    drippers: list[threading.Thread] = []

    def drip(conn: socket.socket) -> None:
        with conn:
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            while not stop.wait(0.05):
                conn.sendall(b"X")

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            drippers.append(threading.Thread(target=drip, args=(conn,)))
            drippers[-1].start()

    acceptor = threading.Thread(target=accept)
    acceptor.start()
    yield listener.getsockname()[1]
    stop.set()
    acceptor.join()
    for dripper in drippers:
        dripper.join()
    listener.close()


def free_port() -> int:
    """A port nothing listens on: bound, then released."""
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        return spare.getsockname()[1]


def url(server: Server, path: str = "/", scheme: str = "http") -> str:
    return f"{scheme}://localhost:{server.server_address[1]}{path}"


def test_plain_http_answers_with_timings(running: Start) -> None:
    server = running()
    for path, status in (("/", 200), ("/401", 401)):
        result = probe(Target("local", url(server, path), ProbeRole.CLAUDE), timeout=2)
        assert result.ok and result.status == status
        assert result.failed_at is None and result.error is None
        assert result.tls_ms is None and not result.via_proxy
        for ms in (result.dns_ms, result.connect_ms, result.http_ms):
            assert ms is not None and ms >= 0
        assert result.total_ms is not None and result.total_ms >= result.http_ms
    assert all(seen["User-Agent"].startswith("claude-beacon/") for seen in server.seen)


def test_https_with_the_ca_trusted_measures_tls(tls_server: Server, ca_file: str) -> None:
    target = Target("local", url(tls_server, scheme="https"), ProbeRole.INTERNET)
    result = probe(target, timeout=2, ca_file=ca_file)
    assert result.ok and result.status == 200, result.error
    assert result.tls_ms is not None and result.tls_ms >= 0
    assert not result.certificate_untrusted


def test_https_with_an_unknown_ca_is_untrusted(tls_server: Server) -> None:
    result = probe(Target("local", url(tls_server, scheme="https"), ProbeRole.CLAUDE), timeout=2)
    assert not result.ok
    assert result.failed_at is Stage.TLS and result.certificate_untrusted
    assert "certificate" in (result.error or "")
    assert "intercepting proxy" in (result.error or "")
    assert result.connect_ms is not None and result.tls_ms is None and result.http_ms is None
    assert tls_server.seen == []


def test_nothing_listening_is_refused() -> None:
    port = free_port()
    result = probe(Target("gone", f"http://127.0.0.1:{port}/", ProbeRole.CLAUDE), timeout=2)
    assert not result.ok and result.failed_at is Stage.CONNECT
    assert f"refused by 127.0.0.1:{port}" in (result.error or "")
    assert result.dns_ms is not None and result.connect_ms is None


@pytest.mark.parametrize(("scheme", "stage"), [("http", Stage.HTTP), ("https", Stage.TLS)])
def test_a_silent_server_times_out(silent: int, scheme: str, stage: Stage) -> None:
    target = Target("mute", f"{scheme}://127.0.0.1:{silent}/", ProbeRole.CLAUDE)
    started = time.monotonic()
    result = probe(target, timeout=1)
    assert time.monotonic() - started < 2
    assert not result.ok and result.failed_at is stage
    assert "answer from 127.0.0.1" in (result.error or "")
    assert "in 1 s" in (result.error or "")


def test_a_name_that_does_not_resolve_fails_at_dns() -> None:
    result = probe(Target("void", "https://nothing.invalid/", ProbeRole.CLAUDE), timeout=2)
    assert not result.ok and result.failed_at is Stage.DNS
    assert result.error == "DNS lookup for nothing.invalid failed"
    assert result.dns_ms is None


def test_api_auth_needs_a_2xx_and_keeps_the_key_secret(running: Start) -> None:
    server = running()
    refused = probe(Target("api", url(server, "/401"), ProbeRole.API_AUTH), timeout=2)
    assert not refused.ok and refused.status == 401 and refused.failed_at is Stage.HTTP
    assert refused.error == "localhost answered HTTP 401 Unauthorized"

    target = Target("api", url(server), ProbeRole.API_AUTH, headers=(("x-api-key", SECRET),))
    accepted = probe(target, timeout=2)
    assert accepted.ok and accepted.status == 200
    assert server.seen[-1]["x-api-key"] == SECRET
    assert SECRET not in repr(target) and SECRET not in repr(accepted)
    assert not any(SECRET in repr(getattr(accepted, f.name)) for f in fields(accepted))


def test_the_key_stays_out_of_failures(silent: int) -> None:
    target = Target(
        "api", f"http://127.0.0.1:{silent}/", ProbeRole.API_AUTH, headers=(("x-api-key", SECRET),)
    )
    result = probe(target, timeout=0.5)
    assert not result.ok and SECRET not in repr(result)


def test_a_proxy_from_the_environment_is_used(
    running: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, proxy = running(), running(Relay)
    target = Target("local", url(server).replace("localhost", "127.0.0.1"), ProbeRole.CLAUDE)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
    result = probe(target, timeout=2)
    assert result.ok and result.status == 200 and result.via_proxy, result.error
    assert result.dns_ms is None and result.connect_ms is None and result.http_ms is not None
    assert proxy.seen == [{"path": target.url}]
    assert len(server.seen) == 1

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    direct = probe(target, timeout=2)
    assert direct.ok and not direct.via_proxy and direct.connect_ms is not None
    assert len(proxy.seen) == 1 and len(server.seen) == 2


def test_a_dead_proxy_fails_at_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://user:hunter22@127.0.0.1:{free_port()}")
    result = probe(Target("x", "http://example.invalid/", ProbeRole.CLAUDE), timeout=1)
    assert not result.ok and result.via_proxy and result.failed_at is Stage.CONNECT
    assert "proxy" in (result.error or "") and "hunter22" not in (result.error or "")


def test_probe_all_keeps_order_and_waits_for_the_slowest_only(running: Start, silent: int) -> None:
    server = running()
    targets = [
        Target("first", url(server), ProbeRole.CLAUDE),
        Target("mute", f"http://127.0.0.1:{silent}/", ProbeRole.CLAUDE),
        Target("third", url(server, "/401"), ProbeRole.INTERNET),
    ]
    started = time.monotonic()
    results = probe_all(targets, timeout=1)
    assert time.monotonic() - started < 2
    assert [r.name for r in results] == ["first", "mute", "third"]
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].failed_at is Stage.HTTP
    assert probe_all([]) == ()


def test_probe_all_gives_up_on_a_probe_that_overstays(dripping: int) -> None:
    target = Target("drip", f"http://127.0.0.1:{dripping}/", ProbeRole.CLAUDE)
    started = time.monotonic()
    (result,) = probe_all([target], timeout=0.2)
    elapsed = time.monotonic() - started
    assert 1.7 < elapsed < 2.5  # 4 stages x 0.2 s + 1 s
    assert not result.ok and result.failed_at is Stage.HTTP
    assert result.error == "no answer from 127.0.0.1 in 1.8 s"
    assert result.connect_ms is not None and result.http_ms is None


def test_a_target_that_cannot_be_probed_is_refused() -> None:
    for bad in ("ftp://example.com/", "https:///nohost", "http://host:port/"):
        with pytest.raises(ValueError):
            Target("bad", bad, ProbeRole.CLAUDE)
