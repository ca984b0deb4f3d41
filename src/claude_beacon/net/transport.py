"""The one way this app builds HTTP clients: every connection under a total deadline.

``DeadlineTransport`` is an ``httpx.BaseTransport`` over an httpcore pool built with httpcore's
public ``network_backend=`` parameter, so the deadline of ``deadline.within`` holds by
construction for direct connections and for connections through HTTP(S) and SOCKS proxies
alike. ``client`` mounts one such transport per proxy the environment names (``HTTPS_PROXY``,
``ALL_PROXY``, ``NO_PROXY``...), as ``httpx`` would, and takes CA files from ``SSL_CERT_FILE``
and ``SSL_CERT_DIR``, else from the system's hashed CA directory (``net.trust``). HTTP/1.1 only.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import ssl
import threading
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

from claude_beacon.core.urls import redact
from claude_beacon.net import trust
from claude_beacon.net.deadline import DeadlineBackend

log = logging.getLogger(__name__)
LIMITS = httpx.Limits(max_connections=16, max_keepalive_connections=8)

_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)
"""httpcore's errors as httpx's, most specific first (what ``httpx.HTTPTransport`` does)."""


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except httpx.HTTPError:
        raise
    except Exception as exc:
        for theirs, ours in _ERRORS:
            if isinstance(exc, theirs):
                raise ours(str(exc)) from exc
        raise


class _Body(httpx.SyncByteStream):
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._inner

    def close(self) -> None:
        if hasattr(self._inner, "close"):
            self._inner.close()


class DeadlineTransport(httpx.BaseTransport):
    """``httpx.HTTPTransport``'s work, with every connection opened by ``DeadlineBackend``.

    ``context`` may be a function that loads it: a direct transport then calls it at its first
    ``https`` request, so that a plain-http page (a loopback one) never loads a CA bundle
    (``SSL_CERT_FILE`` names one on many company machines: some 15 ms at every start)."""

    def __init__(
        self,
        context: ssl.SSLContext | Callable[[], ssl.SSLContext],
        *,
        proxy: str | None = None,
        limits: httpx.Limits = LIMITS,
    ) -> None:
        self._common: dict[str, Any] = {
            "max_connections": limits.max_connections,
            "max_keepalive_connections": limits.max_keepalive_connections,
            "keepalive_expiry": limits.keepalive_expiry,
            "http1": True,
            "http2": False,
            "network_backend": DeadlineBackend(httpcore.SyncBackend()),
        }
        self._load = context if callable(context) else (lambda: context)
        self._pools: dict[bool, httpcore.ConnectionPool] = {}
        """The pool for https (True) and the one for plain http (False), each made when first
        needed; a proxy's one pool is under both."""
        self._making = threading.Lock()
        if proxy is None:
            return
        common = {**self._common, "ssl_context": self._load()}
        url = httpx.URL(proxy)
        where = httpcore.URL(
            scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
        )
        auth = (url.username.encode(), url.password.encode()) if url.username else None
        pool: httpcore.ConnectionPool
        if url.scheme in ("http", "https"):
            pool = httpcore.HTTPProxy(proxy_url=where, proxy_auth=auth, **common)
        elif url.scheme in ("socks5", "socks5h"):
            import socksio  # noqa: F401 - httpcore needs it for SOCKS; say so here if missing

            pool = httpcore.SOCKSProxy(proxy_url=where, proxy_auth=auth, **common)
        else:
            raise ValueError(
                f"proxy {redact(proxy)}: expected an http, https, socks5 or socks5h proxy"
            )
        self._pools = {True: pool, False: pool}

    def _pool(self, secure: bool) -> httpcore.ConnectionPool:
        with self._making:
            if secure not in self._pools:
                # A plain-http pool never wraps a socket in TLS: it needs no context at all.
                context = self._load() if secure else None
                self._pools[secure] = httpcore.ConnectionPool(ssl_context=context, **self._common)
            return self._pools[secure]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        asked = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        pool = self._pool(request.url.scheme != "http")
        with _as_httpx_errors():
            answer = pool.handle_request(asked)
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream),
            extensions=answer.extensions,
        )

    def close(self) -> None:
        with self._making:
            pools = {id(p): p for p in self._pools.values()}.values()
        for pool in pools:
            pool.close()


def client(
    *,
    verify: ssl.SSLContext | bool = True,
    trust_env: bool = True,
    limits: httpx.Limits = LIMITS,
    **options: Any,
) -> httpx.Client:
    """An ``httpx.Client`` whose every request, direct or proxied, obeys ``deadline.within``.

    With ``trust_env`` it takes proxies and CA files from the environment, as users' tools do.
    A proxy variable that cannot be used (``socks4://``, ``ftp://``) would otherwise stop every
    request: the app says so once and connects directly rather than never polling.
    """
    given = verify
    context: ssl.SSLContext | Callable[[], ssl.SSLContext] = (
        given if isinstance(given, ssl.SSLContext) else lambda: _context(given, trust_env)
    )
    mounts: dict[str, httpx.BaseTransport | None] = {}
    if trust_env:
        for pattern, proxy in environment_proxies(urllib.request.getproxies_environment()).items():
            if proxy is None:
                mounts[pattern] = None
                continue
            try:
                mounts[pattern] = DeadlineTransport(context, proxy=proxy, limits=limits)
            except (ValueError, ImportError, httpx.InvalidURL) as exc:
                _warn_once(str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc))
    return httpx.Client(
        transport=DeadlineTransport(context, limits=limits),
        mounts=mounts,
        trust_env=False,
        **options,
    )


def trusted(ca_file: str | None = None) -> ssl.SSLContext:
    """The verifying context for ``ca_file`` (else the system's CAs), loaded once per process."""
    if ca_file is None and (directory := trust.system_directory()) is not None:
        return _cached(("directory", directory), lambda: trust.directory_context(directory))
    key = (ca_file, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    return _cached(key, lambda: ssl.create_default_context(cafile=ca_file))


def _context(verify: bool, trust_env: bool) -> ssl.SSLContext:
    """The context for ``verify``, loaded once per process and CA setting, not per client: the
    system's hashed CA directory where there is one (``net.trust``), else httpx's (certifi, or
    the CAs the environment names)."""
    if verify is True and (directory := trust.system_directory()) is not None:
        return _cached(("directory", directory), lambda: trust.directory_context(directory))
    env = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")) if trust_env else ()
    return _cached(
        ("httpx", verify, trust_env, *env),
        lambda: httpx.create_ssl_context(verify=verify, trust_env=trust_env),
    )


_contexts: dict[tuple[object, ...], ssl.SSLContext] = {}
_contexts_lock = threading.Lock()


def _cached(key: tuple[object, ...], load: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
    with _contexts_lock:
        if key not in _contexts:
            _contexts[key] = load()
        return _contexts[key]


def environment_proxies(variables: Mapping[str, str]) -> dict[str, str | None]:
    """``urllib``'s view of the proxy variables as httpx mount patterns (``None``: direct)."""
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        url = variables.get(scheme)
        if url:
            mounts[f"{scheme}://"] = url if "://" in url else f"http://{url}"
    for host in (h.strip() for h in variables.get("no", "").split(",")):
        if not host:
            continue
        if host == "*":
            return {}
        if "://" in host:
            mounts[host] = None
            continue
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            bare = host.lstrip(".")
            mounts[f"all://{bare}"] = None
            if bare.lower() != "localhost":
                mounts[f"all://*.{bare}"] = None
            continue
        mounts[f"all://[{address}]" if address.version == 6 else f"all://{address}"] = None
    return mounts


_proxy_warnings: set[str] = set()


def _warn_once(reason: str) -> None:
    if reason not in _proxy_warnings:
        _proxy_warnings.add(reason)
        log.warning("proxy settings cannot be used (%s): connecting directly", reason)
