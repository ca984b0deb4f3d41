"""The kinds of status page claude-beacon reads, and how each one's documents become a reading.

Every status page provider is turned into the facts of a Statuspage ``summary.json`` and read
by the one Statuspage reader, so levels, component filters and cautious handling of unknown
values work the same for all of them. A plain RSS/Atom feed (``feed``, the clouds' status) has
no such facts: ``core.cloudfeed`` reads its entries into incidents itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from claude_beacon.core import incidentio, instatus, statuspage
from claude_beacon.core.model import Failure, Reading, SourceSpec, failed_reading

Bodies = Sequence[bytes | None]
"""The provider's documents in order; an optional one that could not be read is ``None``."""


@dataclass(frozen=True, slots=True)
class Provider:
    kind: str
    label: str
    documents: tuple[str, ...]
    """Paths read on each poll, relative to the page: the first is required, the rest optional."""
    read: Callable[[Bodies, SourceSpec, datetime], Reading]
    has_history: bool
    """Whether the page also serves Statuspage's history documents and Atom feed."""
    timed: bool = False
    """Whether a reading depends on when it is made (a feed's recent entries are open), so
    that an unchanged document is read again rather than its reading kept."""

    def urls(self, base: str) -> list[str]:
        return [f"{base.rstrip('/')}{document}" for document in self.documents]


def gather(
    urls: Sequence[str], fetch: Callable[[str, bool], bytes | Failure]
) -> list[bytes | None] | Failure:
    """The documents' bodies through ``fetch(url, required)``: the required first one's
    failure is the answer; an optional one that fails is ``None``."""
    bodies: list[bytes | None] = []
    for url in urls:
        fetched = fetch(url, not bodies)
        if isinstance(fetched, Failure):
            if not bodies:
                return fetched
            bodies.append(None)
        else:
            bodies.append(fetched)
    return bodies


def _statuspage(bodies: Bodies, source: SourceSpec, at: datetime) -> Reading:
    return statuspage.parse_summary(bodies[0] or b"", source, at)


def _feed(bodies: Bodies, source: SourceSpec, at: datetime) -> Reading:
    from claude_beacon.core import cloudfeed  # with the XML parser: only for a feed source

    return cloudfeed.read_feed(bodies[0] or b"", source, at)


def _translated(
    translate: Callable[[Mapping[str, Any], Any], dict[str, Any]],
) -> Callable[[Bodies, SourceSpec, datetime], Reading]:
    def read(bodies: Bodies, source: SourceSpec, at: datetime) -> Reading:
        try:
            data = translate(statuspage.decode(bodies[0] or b""), _optional(bodies[1:]))
        except statuspage.PayloadError as exc:
            return failed_reading(source, at, statuspage.payload_failure(exc))
        return statuspage.parse_summary(data, source, at)

    return read


def _optional(rest: Bodies) -> Any:
    """The first optional document as JSON, or ``None`` if it is missing or unreadable."""
    if not rest or rest[0] is None:
        return None
    try:
        return json.loads(rest[0])
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None


PROVIDERS: Mapping[str, Provider] = {
    "statuspage": Provider(
        "statuspage", "Atlassian Statuspage", ("/api/v2/summary.json",), _statuspage, True
    ),
    "incidentio": Provider(
        "incidentio",
        "incident.io",
        (incidentio.DOCUMENT,),
        _translated(lambda data, _rest: incidentio.to_statuspage(data)),
        False,
    ),
    "instatus": Provider(
        "instatus",
        "Instatus",
        (instatus.SUMMARY, instatus.COMPONENTS),
        _translated(instatus.to_statuspage),
        False,
    ),
    "feed": Provider("feed", "RSS/Atom feed", ("",), _feed, False, timed=True),
}


HOST_HINTS: Mapping[str, str] = {
    "instatus.com": "instatus",
    "incident.io": "incidentio",
    "statuspage.io": "statuspage",
}
"""Hosting domains that name their provider."""


def kind_for_host(host: str) -> str | None:
    """The provider a page's host names (``x.instatus.com`` is Instatus), if it names one."""
    host = host.lower().rstrip(".")
    for suffix, kind in HOST_HINTS.items():
        if host == suffix or host.endswith("." + suffix):
            return kind
    return None
