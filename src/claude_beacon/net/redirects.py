"""Which redirects are followed: never from https down to plain http, never inward.

A status page that redirects to ``http://`` on another host, or to an address of the local
network (``169.254.169.254``, the cloud metadata service; ``10.x``; ``[fe80::]``...), is not
believed. A page that is itself on this machine or the local network may redirect within it.

Host names are judged as written, not resolved: a public name that resolves to a private
address is followed. Resolving here would not close that gap (the connection resolves again,
and may get another answer), and what is read is only ever parsed as a capped status document.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

MAX_REDIRECTS = 5


def is_internal(url: str) -> bool:
    """Whether ``url`` names this machine or a local-network, link-local or multicast address."""
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def refusal(source: str, here: str, there: str) -> str | None:
    """Why the hop ``here`` -> ``there`` of a request for ``source`` is refused, or ``None``."""
    scheme = urlsplit(there).scheme
    if scheme not in ("http", "https"):
        return f"it redirected to a {scheme or 'relative'}: address"
    downgrade = urlsplit(here).scheme == "https" and scheme == "http"
    if downgrade and not (is_internal(here) and is_internal(there)):
        return "it redirected from https to plain http"
    if is_internal(there) and not is_internal(source):
        return "it redirected to an address on this machine or the local network"
    return None
