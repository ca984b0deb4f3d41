"""Reachability probes: DNS, TCP connect, TLS handshake and an HTTP round trip, each timed.

Every stage has its own timeout and a failure stops the probe at that stage, so the result says
where the path breaks: a name that does not resolve, a port that refuses, a certificate this
machine does not trust (a TLS-intercepting proxy, most often), or a server that never answers.
Network trouble is a result, never an exception. Headers may carry an API key: they are never
part of a result, an error text or a repr.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from claude_beacon.core.model import FailureKind
from claude_beacon.core.probes import ProbeResult, ProbeRole, Stage
from claude_beacon.core.text import why
from claude_beacon.core.urls import redact
from claude_beacon.net import deadline, errors, transport
from claude_beacon.net.fetcher import USER_AGENT

Address = tuple[Any, ...]
"""A socket address as ``getaddrinfo`` gives it."""


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    role: ProbeRole
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)


class _Failed(Exception):  # noqa: N818 - a private signal, not an error for callers
    def __init__(self, stage: Stage, message: str, untrusted: bool = False) -> None:
        super().__init__(message)
        self.stage = stage
        self.untrusted = untrusted


def probe(target: Target, *, timeout: float = 5.0, ca_file: str | None = None) -> ProbeResult:
    parts = urlsplit(target.url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    timings: dict[str, float] = {}
    context = transport.trusted(ca_file) if secure else None
    proxied = _proxied(parts.scheme, host)
    try:
        if not proxied:
            address = _resolve(host, port, timeout, timings)
            _handshake(address, host, port, context, timeout, timings)
        status, challenge = _round_trip(target, context, timeout, proxied, timings)
    except _Failed as stop:
        return _result(
            target,
            timings,
            proxied,
            failed_at=stop.stage,
            error=str(stop),
            untrusted=stop.untrusted,
        )
    ok = status < 300 if target.role is ProbeRole.API_AUTH else True
    error = None if ok else f"{host} answered HTTP {status}"
    return _result(
        target,
        timings,
        proxied,
        ok=ok,
        status=status,
        error=error,
        failed_at=None if ok else Stage.HTTP,
        challenge=challenge,
    )


def probe_all(
    targets: Sequence[Target],
    *,
    timeout: float = 5.0,
    ca_file: str | None = None,
    max_workers: int = 8,
) -> tuple[ProbeResult, ...]:
    """All targets at once; the round takes about as long as its slowest probe."""
    if not targets:
        return ()
    with ThreadPoolExecutor(min(max_workers, len(targets)), "beacon-probe") as pool:
        return tuple(pool.map(lambda t: probe(t, timeout=timeout, ca_file=ca_file), targets))


def _resolve(host: str, port: int, timeout: float, timings: dict[str, float]) -> Address:
    started = time.monotonic()
    lookup = _Lookup(host, port)
    # getaddrinfo has no timeout of its own (the system resolver's can be 20 s and more): it
    # runs on a thread of its own that is left behind if it takes too long.
    threading.Thread(target=lookup.run, name="beacon-dns", daemon=True).start()
    if not lookup.done.wait(timeout):
        raise _Failed(Stage.DNS, f"DNS lookup for {host} took over {timeout:g} s")
    if isinstance(lookup.result, Exception):
        error = lookup.result
        raise _Failed(Stage.DNS, f"DNS lookup for {host} failed ({why(error)})") from error
    timings["dns"] = _ms(started)
    return lookup.result


class _Lookup:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.done = threading.Event()
        self.result: Address | Exception = ()

    def run(self) -> None:
        try:
            infos = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
            self.result = infos[0][4]
        except (OSError, UnicodeError) as exc:
            self.result = exc
        finally:
            self.done.set()


def _handshake(
    address: Address,
    host: str,
    port: int,
    context: ssl.SSLContext | None,
    timeout: float,
    timings: dict[str, float],
) -> None:
    started = time.monotonic()
    try:
        raw = socket.create_connection(address[:2], timeout=timeout)
    except TimeoutError as exc:
        raise _Failed(Stage.CONNECT, f"no answer from {host}:{port} in {timeout:g} s") from exc
    except ConnectionRefusedError as exc:
        raise _Failed(Stage.CONNECT, f"connection refused by {host}:{port}") from exc
    except OSError as exc:
        raise _Failed(Stage.CONNECT, f"cannot connect to {host}:{port} ({why(exc)})") from exc
    timings["connect"] = _ms(started)
    with contextlib.closing(raw):
        if context is None:
            return
        started = time.monotonic()
        try:
            with context.wrap_socket(raw, server_hostname=host):
                timings["tls"] = _ms(started)
        except ssl.SSLCertVerificationError as exc:
            message = exc.verify_message or why(exc)
            raise _Failed(
                Stage.TLS,
                f"TLS certificate not trusted: {message} (a TLS-intercepting proxy?)",
                untrusted=True,
            ) from exc
        except TimeoutError as exc:
            raise _Failed(Stage.TLS, f"no TLS handshake with {host} in {timeout:g} s") from exc
        except (ssl.SSLError, OSError) as exc:
            raise _Failed(Stage.TLS, f"TLS with {host} failed ({why(exc)})") from exc


def _round_trip(
    target: Target,
    context: ssl.SSLContext | None,
    timeout: float,
    proxied: bool,
    timings: dict[str, float],
) -> tuple[int, bool]:
    """The answer's status, and whether it is a CDN's challenge page rather than the target's."""
    host = urlsplit(target.url).hostname
    headers = {"User-Agent": USER_AGENT, **dict(target.headers)}
    started = time.monotonic()
    try:
        # Only the status line and headers are waited for: a body that drips in slowly is
        # the server's business, not a measure of whether it answers.
        with (
            deadline.within(timeout),
            _client(context, timeout, proxied) as client,
            client.stream("GET", target.url, headers=headers) as reply,
        ):
            status = reply.status_code
            challenge = _challenge(reply.headers, target.role)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        failure = errors.failure_from(exc, target.url)
        message = failure.message
        if failure.kind is FailureKind.TIMEOUT:
            message = f"no answer from {host} in {timeout:g} s"
        stage = Stage.CONNECT if proxied and failure.kind is FailureKind.CONNECT else Stage.HTTP
        untrusted = errors.untrusted(exc)
        if untrusted or failure.kind is FailureKind.TLS:
            stage = Stage.TLS
        raise _Failed(stage, message, untrusted=untrusted) from exc
    timings["http"] = _ms(started)
    return status, challenge


def _challenge(headers: httpx.Headers, role: ProbeRole) -> bool:
    """Cloudflare marks its challenge pages ``cf-mitigated``; the API never answers in HTML."""
    if "cf-mitigated" in headers:
        return True
    html = headers.get("content-type", "").lower().startswith("text/html")
    return role is ProbeRole.API_AUTH and html


def _client(context: ssl.SSLContext | None, timeout: float, proxied: bool) -> httpx.Client:
    """Even a status line that drips in ends at the timeout: the transport's total deadline."""
    return transport.client(verify=context or True, timeout=timeout, trust_env=proxied)


def _proxied(scheme: str, host: str) -> bool:
    """Whether the environment sends this host through a proxy, as users' own tools would."""
    proxies = urllib.request.getproxies_environment()
    if scheme not in proxies and "all" not in proxies:
        return False
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]  # no stub
    return not bypass(host, proxies)


def _result(
    target: Target,
    timings: dict[str, float],
    proxied: bool,
    *,
    ok: bool = False,
    status: int | None = None,
    error: str | None = None,
    failed_at: Stage | None = None,
    untrusted: bool = False,
    challenge: bool = False,
) -> ProbeResult:
    return ProbeResult(
        name=target.name,
        url=redact(target.url),
        role=target.role,
        at=datetime.now(UTC),
        ok=ok,
        failed_at=failed_at,
        error=error,
        status=status,
        dns_ms=timings.get("dns"),
        connect_ms=timings.get("connect"),
        tls_ms=timings.get("tls"),
        http_ms=timings.get("http"),
        certificate_untrusted=untrusted,
        via_proxy=proxied,
        challenge=challenge,
    )


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000
