"""Where does the path to Claude break? DNS, TCP connect, TLS and HTTP, each timed on its own.

A failed stage stops the probe and names itself, so "it doesn't work" becomes "the name does not
resolve", "the port refuses", "this machine does not trust the certificate" (a TLS-intercepting
proxy, most often) or "the server never answers". Network trouble is a result, never an exception.
Headers may carry an API key: they never reach a result, an error text or a repr.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from claude_beacon.core.probes import ProbeResult, ProbeRole, Stage
from claude_beacon.fetch import USER_AGENT

_E = TypeVar("_E", bound=BaseException)
_UNTRUSTED_CHAIN = {2, 18, 19, 20, 21}
"""OpenSSL verify codes of a chain with no trusted root: what an intercepting proxy causes."""


@dataclass(frozen=True)
class Target:
    """One URL to probe; refused at construction if it could never be probed."""

    name: str
    url: str
    role: ProbeRole
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL with a host: {self.url!r}")
        _ = parts.port  # a malformed port raises ValueError now, not mid-probe


class _Stop(Exception):  # noqa: N818 - a private signal that ends a probe, not an error
    def __init__(self, stage: Stage, message: str, *, untrusted: bool = False) -> None:
        super().__init__(message)
        self.stage = stage
        self.untrusted = untrusted


@dataclass
class _Run:
    """What one probe has measured so far; probe_all reads it if the probe overstays."""

    target: Target
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    stage: Stage = Stage.DNS
    via_proxy: bool = False
    timings: dict[Stage, float] = field(default_factory=dict)

    def result(self, **fields: Any) -> ProbeResult:
        measured = dict(self.timings)  # a copy in one step: the probe may still be writing
        timings = {f"{stage.value}_ms": ms for stage, ms in measured.items()}
        t = self.target
        return ProbeResult(
            t.name, t.url, t.role, self.at, via_proxy=self.via_proxy, **timings, **fields
        )


def probe(target: Target, *, timeout: float = 5.0, ca_file: str | None = None) -> ProbeResult:
    """Probe ``target`` stage by stage; each stage may take up to ``timeout`` seconds."""
    return _probe(_Run(target), timeout, ca_file)


def probe_all(
    targets: Sequence[Target],
    *,
    timeout: float = 5.0,
    ca_file: str | None = None,
    max_workers: int = 8,
) -> tuple[ProbeResult, ...]:
    """All targets at once, in target order; a probe still running at the deadline is a failure."""
    if not targets:
        return ()
    runs = [_Run(t) for t in targets]
    deadline = timeout * len(Stage) + 1.0  # httpx's timeouts are per phase: cap the total too
    pool = ThreadPoolExecutor(min(max_workers, len(runs)), thread_name_prefix="beacon-probe")
    try:
        futures = [pool.submit(_probe, run, timeout, ca_file) for run in runs]
        wait(futures, timeout=deadline)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a late probe ends on its own timeouts
    results = []
    for run, future in zip(runs, futures, strict=True):
        if future.done() and not future.cancelled():
            results.append(future.result())
        else:
            host = urlsplit(run.target.url).hostname
            error = f"no answer from {host} in {deadline:g} s"
            results.append(run.result(ok=False, failed_at=run.stage, error=error))
    return tuple(results)


def _probe(run: _Run, timeout: float, ca_file: str | None) -> ProbeResult:
    target = run.target
    parts = urlsplit(target.url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    context = ssl.create_default_context(cafile=ca_file) if parts.scheme == "https" else None
    proxy = _proxy_for(parts.scheme, host)
    run.via_proxy = proxy is not None
    try:
        if proxy is None:
            with _tcp(run, _resolve(run, host, port, timeout), timeout) as raw:
                if context is not None:
                    _tls(run, raw, host, context, timeout)
        status, phrase = _round_trip(run, context, proxy, timeout)
    except _Stop as stop:
        error = _scrub(str(stop), target, proxy)
        return run.result(
            ok=False, failed_at=stop.stage, error=error, certificate_untrusted=stop.untrusted
        )
    if target.role is not ProbeRole.API_AUTH or 200 <= status < 300:
        return run.result(ok=True, status=status)
    error = f"{host} answered HTTP {status} {phrase}".rstrip()
    return run.result(ok=False, failed_at=Stage.HTTP, status=status, error=error)


def _resolve(run: _Run, host: str, port: int, timeout: float) -> list[Any]:
    """Addresses of ``host``, looked up in a thread as ``getaddrinfo`` has no timeout of its own."""
    found: list[Any] = []

    def lookup() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            found.append(exc)

    started = time.perf_counter()
    worker = threading.Thread(target=lookup, name="beacon-dns", daemon=True)
    worker.start()
    worker.join(timeout)
    if not found:
        raise _Stop(Stage.DNS, f"DNS lookup for {host} got no answer in {timeout:g} s")
    if isinstance(found[0], Exception) or not found[0]:
        raise _Stop(Stage.DNS, f"DNS lookup for {host} failed")
    run.timings[Stage.DNS] = _ms(started)
    return found[0]


def _tcp(run: _Run, addresses: list[Any], timeout: float) -> socket.socket:
    """Each address in turn, as clients do, in one budget; the first address's failure is told."""
    run.stage = Stage.CONNECT
    started = time.perf_counter()
    first: _Stop | None = None
    for family, kind, proto, _, sockaddr in addresses:
        if (left := timeout - (time.perf_counter() - started)) <= 0:
            break
        ip, port = sockaddr[:2]
        where = f"[{ip}]:{port}" if family == socket.AF_INET6 else f"{ip}:{port}"
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(left)
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            why = f"cannot connect to {where} ({_why(exc)})"
            if isinstance(exc, TimeoutError):
                why = f"no answer from {where} in {timeout:g} s"
            elif isinstance(exc, ConnectionRefusedError):
                why = f"connection refused by {where}"
            first = first or _Stop(Stage.CONNECT, why)
        else:
            run.timings[Stage.CONNECT] = _ms(started)
            return sock
    raise first or _Stop(Stage.CONNECT, f"no answer from {run.target.name} in {timeout:g} s")


def _tls(run: _Run, raw: socket.socket, host: str, context: ssl.SSLContext, timeout: float) -> None:
    """A full handshake with SNI and verification, then a clean close: only its time is kept."""
    run.stage = Stage.TLS
    started = time.perf_counter()
    try:
        with context.wrap_socket(raw, server_hostname=host):
            run.timings[Stage.TLS] = _ms(started)
    except ssl.SSLCertVerificationError as exc:
        raise _untrusted(exc) from exc
    except TimeoutError as exc:
        raise _Stop(Stage.TLS, f"no TLS answer from {host} in {timeout:g} s") from exc
    except OSError as exc:  # ssl.SSLError is an OSError
        raise _Stop(Stage.TLS, f"TLS handshake with {host} failed ({_why(exc)})") from exc


def _round_trip(
    run: _Run, context: ssl.SSLContext | None, proxy: str | None, timeout: float
) -> tuple[int, str]:
    """One request, headers only; on a direct path the time excludes httpx's own reconnect."""
    target = run.target
    host = urlsplit(target.url).hostname
    run.stage = Stage.HTTP
    marks: dict[str, float] = {}

    def trace(event: str, _info: dict[str, Any]) -> None:
        marks.setdefault(event.partition(".")[2], time.perf_counter())

    started = time.perf_counter()
    try:
        with (
            httpx.Client(
                verify=context or True,
                timeout=timeout,
                headers={"User-Agent": USER_AGENT},
                follow_redirects=False,
                trust_env=False,  # the proxy, if any, is the one decided here and reported
                proxy=proxy,
            ) as client,
            client.stream(
                target.method, target.url, headers=list(target.headers), extensions={"trace": trace}
            ) as reply,
        ):
            status, phrase = reply.status_code, reply.reason_phrase
    except httpx.HTTPError as exc:
        raise _http_failure(exc, host, proxy, timeout) from exc
    except (ValueError, ImportError) as exc:  # a proxy URL httpx cannot use
        raise _Stop(Stage.CONNECT, f"cannot use the configured proxy ({_why(exc)})") from exc
    sent = marks.get("send_request_headers.started")
    answered = marks.get("receive_response_headers.complete")
    if proxy is None and sent is not None and answered is not None:
        run.timings[Stage.HTTP] = (answered - sent) * 1000
    else:
        run.timings[Stage.HTTP] = _ms(started)
    return status, phrase


def _http_failure(
    exc: httpx.HTTPError, host: str | None, proxy: str | None, timeout: float
) -> _Stop:
    if verify := _in_chain(exc, ssl.SSLCertVerificationError):
        return _untrusted(verify)
    if isinstance(exc, httpx.ProxyError):
        return _Stop(Stage.CONNECT, f"the proxy would not connect to {host} ({_why(exc)})")
    if proxy is not None and isinstance(exc, httpx.ConnectTimeout):
        return _Stop(Stage.CONNECT, f"no answer from the proxy in {timeout:g} s")
    if isinstance(exc, httpx.TimeoutException):
        return _Stop(Stage.HTTP, f"no answer from {host} in {timeout:g} s")
    if _in_chain(exc, ssl.SSLError):
        return _Stop(Stage.TLS, f"TLS with {host} failed ({_why(exc)})")
    if proxy is not None and isinstance(exc, httpx.ConnectError):
        return _Stop(Stage.CONNECT, f"cannot connect to the proxy ({_why(exc)})")
    return _Stop(Stage.HTTP, f"request to {host} failed ({_why(exc)})")


def _untrusted(exc: ssl.SSLCertVerificationError) -> _Stop:
    why = exc.verify_message or _why(exc)
    hint = " (a TLS-intercepting proxy?)" if exc.verify_code in _UNTRUSTED_CHAIN else ""
    return _Stop(Stage.TLS, f"TLS certificate not trusted: {why}{hint}", untrusted=True)


def _proxy_for(scheme: str, host: str) -> str | None:
    """The proxy the environment sets for this URL, as curl and browsers would read it."""
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass_environment(host, proxies):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _scrub(text: str, target: Target, proxy: str | None) -> str:
    """Belt and braces: no header value nor proxy password survives into an error text."""
    secrets = [value for _, value in target.headers]
    with contextlib.suppress(ValueError):
        secrets.append(urlsplit(proxy or "").password or "")
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _in_chain(exc: BaseException | None, kind: type[_E]) -> _E | None:
    for _ in range(8):  # httpx wraps httpcore wraps ssl: the cause is a few links down
        if exc is None or isinstance(exc, kind):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _why(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[-1] if text else type(exc).__name__
