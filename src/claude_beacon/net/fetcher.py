"""HTTP for status sources: conditional GETs with hard limits, and failures as values.

httpx's timeouts are per phase, so a server that drips one byte per read timeout would never trip
them: the client's connections obey a total deadline (``deadline.py``), and the body is streamed
with a byte cap checked on every chunk.
"""

from __future__ import annotations

import contextlib
import email.utils
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from claude_beacon import __version__
from claude_beacon.core.model import Failure, FailureKind
from claude_beacon.net import deadline as total_deadline
from claude_beacon.net import decoding, errors, redirects, transport
from claude_beacon.net.errors import failure_from

USER_AGENT = (
    f"claude-beacon/{__version__} "
    "(desktop status indicator; +https://github.com/claude-beacon/claude-beacon)"
)

MAX_BYTES = 8 * 1024 * 1024
"""The largest body read; Claude's ``incidents.json``, the biggest document polled, is ~200 KB."""
TIMEOUT = httpx.Timeout(connect=5.0, read=10.0, write=5.0, pool=5.0)
DEADLINE = 20.0
"""Seconds one request may take in all, however the server paces its bytes."""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    content_type: str
    url: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """GETs URLs through one shared ``httpx.Client`` and remembers validators per URL."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        max_bytes: int = MAX_BYTES,
        deadline: float = DEADLINE,
        stop: threading.Event | None = None,
    ) -> None:
        self.client = client or new_client()
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.stop = stop or threading.Event()
        self._validators: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def get(
        self, url: str, *, conditional: bool = True, accept: str | None = None
    ) -> Response | Failure:
        """One GET; a 304 comes back as a ``Response`` with an empty body."""
        headers = {"Accept": accept} if accept else {}
        if conditional:
            with self._lock:
                headers.update(self._validators.get(url, {}))
        started = time.monotonic()
        with total_deadline.within(self.deadline):
            try:
                return self._get(url, headers)
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                return failure_from(exc, url, spent=time.monotonic() - started)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Let the connections go; a request still in flight ends with an error."""
        self.client.close()

    def forget(self, url: str) -> None:
        """Drop the validators of ``url`` so the next GET fetches a full body."""
        with self._lock:
            self._validators.pop(url, None)

    def _get(self, url: str, headers: dict[str, str]) -> Response | Failure:
        headers["Accept-Encoding"] = decoding.ACCEPT_ENCODING
        request = self.client.build_request("GET", url, headers=headers)
        for _hop in range(redirects.MAX_REDIRECTS + 1):
            with contextlib.closing(self.client.send(request, stream=True)) as reply:
                target = reply.next_request
                if target is None:
                    return self._answer(url, reply)
                why = redirects.refusal(url, str(request.url), str(target.url))
                if why:
                    return Failure(
                        FailureKind.CONNECT, f"{errors.host_of(url)} not followed: {why}"
                    )
            request = target
        return Failure(FailureKind.CONNECT, f"{errors.host_of(url)} redirected too many times")

    def _answer(self, url: str, reply: httpx.Response) -> Response | Failure:
        if reply.status_code == 304:
            return Response(304, b"", "", str(reply.url))
        if reply.status_code >= 400:
            return _status_failure(reply)
        declared = reply.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return _too_large(int(declared), self.max_bytes)
        chunks: list[bytes] = []
        size = 0
        encoding = reply.headers.get("content-encoding", "")
        try:
            # as it arrives: a fixed size would wait for it; decoded under the cap, chunk by chunk
            for chunk in decoding.decoded(reply.iter_raw(), encoding, self.max_bytes):
                size += len(chunk)
                if self.stop.is_set():
                    return Failure(FailureKind.TIMEOUT, "stopped")
                chunks.append(chunk)
        except decoding.Refused as refused:
            if refused.too_large:
                return _too_large(self.max_bytes + 1, self.max_bytes)
            return Failure(FailureKind.BAD_PAYLOAD, f"{errors.host_of(url)}: {refused}")
        self._remember(url, reply.headers)
        return Response(
            reply.status_code,
            b"".join(chunks),
            reply.headers.get("content-type", ""),
            str(reply.url),
        )

    def _remember(self, url: str, headers: httpx.Headers) -> None:
        validators = {}
        if etag := headers.get("etag"):
            validators["If-None-Match"] = etag
        if modified := headers.get("last-modified"):
            validators["If-Modified-Since"] = modified
        with self._lock:
            self._validators[url] = validators


def new_client() -> httpx.Client:
    """The one client a process shares; it honours ``HTTPS_PROXY``/``NO_PROXY`` like other tools.

    Redirects are followed by ``Fetcher`` itself, hop by hop, so that each one is checked.
    """
    return transport.client(
        timeout=TIMEOUT,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
    )


def environment_client(**options: Any) -> httpx.Client:
    """An ``httpx.Client`` under the total deadline, with proxies and CAs from the environment."""
    return transport.client(**options)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) -> seconds, or ``None``."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is true, and float("²") raises
        return float(value[:9])
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _status_failure(reply: httpx.Response) -> Failure:
    code = reply.status_code
    wait = retry_after(reply.headers.get("retry-after"))
    host = errors.host_of(str(reply.url))
    if code in (403, 405):
        message = f"{host} blocked this request (HTTP {code}, likely a CDN challenge)"
        return Failure(FailureKind.BLOCKED, message, wait, code)
    if code == 429:
        after = f", asked to wait {wait:.0f} s" if wait is not None else ""
        message = f"{host} is rate-limiting requests (HTTP 429{after})"
        return Failure(FailureKind.BLOCKED, message, wait, code)
    phrase = reply.reason_phrase or "error"
    return Failure(FailureKind.HTTP_STATUS, f"{host} answered HTTP {code} {phrase}", wait, code)


def _too_large(size: int, limit: int) -> Failure:
    return Failure(
        FailureKind.TOO_LARGE,
        f"response too large (over {size / 1048576:.1f} MiB; the limit is {limit / 1048576:g} MiB)",
    )
