"""Which redirects are followed: never from https down to plain http, never inward.

A status page that redirects to ``http://`` on another host, or to an address of this machine
or the local network (``169.254.169.254``, the cloud metadata service; ``10.x``; ``[fe80::]``;
``localhost``...), is not believed. A page on this machine may redirect within this machine,
and one on the local network within the local network.

Host names are judged as written, not resolved: a public name that resolves to a private
address is followed. Resolving here would not close that gap (the connection resolves again,
and may get another answer), and what is read is only ever parsed as a capped status document.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

MAX_REDIRECTS = 5


def reach(url: str) -> str:
    """``loopback``, ``local`` (private, link-local, multicast, reserved) or ``public``."""
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "public"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "loopback"
    inward = (
        address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
    return "local" if inward else "public"


def refusal(source: str, here: str, there: str) -> str | None:
    """Why the hop ``here`` -> ``there`` of a request for ``source`` is refused, or ``None``."""
    scheme = urlsplit(there).scheme
    if scheme not in ("http", "https"):
        return f"it redirected to a {scheme or 'relative'}: address"
    downgrade = urlsplit(here).scheme == "https" and scheme == "http"
    if downgrade and not (reach(here) == reach(there) == "loopback"):
        return "it redirected from https to plain http"
    target = reach(there)
    if target != "public" and target != reach(source):
        return "it redirected to an address on this machine or the local network"
    return None
