"""httpx's errors in the product's words: the one place a request's exception becomes a Failure.

Messages name the host only, never the full URL: a URL may carry credentials.
"""

from __future__ import annotations

import httpx

from claude_beacon.core.model import Failure, FailureKind
from claude_beacon.core.text import why
from claude_beacon.net import deadline

DNS_FAILURE_MARKERS = (
    "name or service not known",  # glibc: no such name
    "temporary failure in name resolution",  # glibc: no DNS server answered (offline)
    "no address associated with hostname",
    "nodename nor servname",  # macOS
    "getaddrinfo failed",  # Windows
)
"""How each platform's resolver words a failed lookup, in the errors httpx passes on."""
UNTRUSTED_MARKER = "CERTIFICATE_VERIFY_FAILED"


def failure_from(exc: Exception, url: str, *, spent: float | None = None) -> Failure:
    """What went wrong with a request to ``url``; ``spent`` is how long it ran, if known."""
    host = host_of(url)
    if isinstance(exc, httpx.TimeoutException):
        if (deadline.remaining() or 1.0) <= 0 and spent is not None:
            message = f"{host} took over {spent:.0f} s to send its answer"
            return Failure(FailureKind.TIMEOUT, message)
        return Failure(FailureKind.TIMEOUT, f"no answer from {host} in time")
    text = why(exc)
    if isinstance(exc, httpx.ProxyError):
        return Failure(FailureKind.CONNECT, f"the proxy refused the request to {host}: {text}")
    if isinstance(exc, httpx.ConnectError):
        if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            return Failure(FailureKind.TLS, f"TLS with {host} failed: {text}")
        if any(marker in text.lower() for marker in DNS_FAILURE_MARKERS):
            return Failure(FailureKind.CONNECT, f"cannot resolve {host} (DNS lookup failed)")
        return Failure(FailureKind.CONNECT, f"cannot connect to {host}: {text}")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.DecodingError):
        return Failure(FailureKind.CONNECT, f"connection to {host} broke: {text}")
    return Failure(FailureKind.CONNECT, f"request to {host} failed: {text}")


def untrusted(exc: Exception) -> bool:
    """Whether the request failed on a certificate this machine does not trust."""
    return UNTRUSTED_MARKER in str(exc)


def host_of(url: str) -> str:
    try:
        return httpx.URL(url).host or "the server"
    except (httpx.InvalidURL, TypeError):
        return "the server"
