"""How one status page is read: its API, else the page's other host, else its history feed.

Each way backs off on its own after failing; bodies are kept per URL so that a 304 costs no
parse; a reading from another way says why the API was not used. The poller decides when.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from claude_beacon.core import statuspage
from claude_beacon.core.model import (
    Failure,
    FailureKind,
    Item,
    ItemKind,
    Level,
    Reading,
    ReadPath,
    SourceSpec,
    failed_reading,
)
from claude_beacon.core.providers import PROVIDERS, gather
from claude_beacon.core.schedule import Cadence, PathBackoff
from claude_beacon.core.urls import redact
from claude_beacon.net import deadline
from claude_beacon.net.fetcher import Fetcher

log = logging.getLogger(__name__)
READ_BUDGET = 25.0
"""Seconds one reading of a page may take over all its ways: a page that hangs on every path
is told as unknown in well under a minute, not after each way's own deadline in turn."""
HISTORY_PATHS: Mapping[ItemKind, str] = {
    ItemKind.INCIDENT: "/api/v2/incidents.json",
    ItemKind.MAINTENANCE: "/api/v2/scheduled-maintenances.json",
}


def _host(url: str) -> str:
    return urlsplit(url).netloc.rsplit("@", 1)[-1]  # host and port, never credentials


def shown(reading: Reading) -> Reading:
    """A reading as it may be printed, stored and sent: its URLs without credentials.

    The real address stays in the configured ``SourceSpec`` (and in ``page_base``, where the
    page's other documents are asked for); everything shown comes from the reading.
    """
    source = reading.source
    visible = replace(
        source, url=redact(source.url), fallbacks=tuple(redact(f) for f in source.fallbacks)
    )
    if visible == source and redact(reading.page_url) == reading.page_url:
        return reading
    return replace(reading, source=visible, page_url=redact(reading.page_url))


class PageReader:
    """Reads pages through one ``Fetcher``; used from the poller's threads, one source each."""

    def __init__(
        self,
        fetcher: Fetcher,
        cadence: Cadence,
        rng: random.Random,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        once: bool = False,
    ) -> None:
        self.fetcher = fetcher
        self.once = once
        """A one-shot read (``status``): its log never promises a retry that will not come."""
        self.clock = clock
        self.wall = wall
        self._bodies: dict[str, bytes] = {}
        """The last good body per URL, for when the server answers 304 Not Modified."""
        self._parsed: dict[tuple[str, str], tuple[tuple[bytes | None, ...], Reading]] = {}
        """The last good reading per source and base URL, with the bodies it was read from."""
        self._api_failure: dict[str, Reading] = {}
        self._paths = PathBackoff(cadence, rng)
        self._feed_items: dict[str, tuple[bytes, dict[str, Item]]] = {}
        """Per source, the last feed body read and the items in it."""
        self._warned: set[tuple[str, str]] = set()

    def read(self, source: SourceSpec) -> Reading:
        """One reading of a source, all its ways together bounded by ``READ_BUDGET``."""
        with deadline.within(READ_BUDGET):
            return shown(self._read(source))

    def _read(self, source: SourceSpec) -> Reading:
        """One reading of a source: its API, else its alias hosts, else its history feed.

        The API is asked every poll, except after a challenge: then it waits out its own,
        much longer backoff while the other ways keep the reading current. Each other way that
        fails backs off on its own too. A reading from another way says why the API was not.
        """
        key = source.key
        api = (key, source.url)
        if self._paths.ready(api, self.clock()):
            reading = self._read_api(source, source.url, ReadPath.API)
            if reading.ok:
                self._paths.succeeded(api)
                self._api_failure.pop(key, None)
                return reading
            self._api_failure[key] = reading
            if reading.failure and reading.failure.kind is FailureKind.BLOCKED:
                delay = self._paths.failed(
                    api, self.clock(), blocked=True, retry_after=reading.failure.retry_after
                )
                log.info(
                    "%s: %s; asking its API again in %.0f s",
                    source.name,
                    reading.failure.message,
                    delay,
                )
        primary = self._api_failure.get(key) or failed_reading(
            source, self.wall(), Failure(FailureKind.BLOCKED, "the status page API is blocked")
        )
        why = primary.failure.message if primary.failure else "the API could not be read"
        for alias in source.fallbacks:

            def read_alias(a: str = alias) -> Reading:
                return self._read_api(source, a)

            other = self._fallback(source, alias, read_alias)
            if other:
                where = f"from {_host(alias)}, the page's other address, since {why}"
                return replace(other, limitations=(where,))
        if PROVIDERS[source.kind].has_history:
            feed = self._fallback(source, self._feed_url(source), lambda: self._read_feed(source))
            if feed:
                return replace(feed, limitations=(f"{feed.limitations[0]}, since {why}",))
        return primary

    def _fallback(
        self, source: SourceSpec, url: str, read: Callable[[], Reading]
    ) -> Reading | None:
        """Another way of reading the page, if its own backoff allows it now and it works."""
        path = (source.key, url)
        if not self._paths.ready(path, self.clock()):
            return None
        reading = read()
        if reading.ok:
            self._paths.succeeded(path)
            return reading
        failure = reading.failure
        delay = self._paths.failed(
            path,
            self.clock(),
            blocked=bool(failure and failure.kind is FailureKind.BLOCKED),
            retry_after=failure.retry_after if failure else None,
        )
        why = failure.message if failure else "not readable"
        if self.once:
            log.info("%s: %s could not be read either (%s)", source.name, redact(url), why)
        else:
            log.info("%s: %s (%s); trying it again in %.0f s", source.name, redact(url), why, delay)
        return None

    def _read_api(self, source: SourceSpec, base: str, path: ReadPath = ReadPath.ALIAS) -> Reading:
        """The page's own documents, as its provider reads them."""
        provider = PROVIDERS[source.kind]
        urls = provider.urls(base)
        bodies = gather(urls, self._document)
        if isinstance(bodies, Failure):
            return failed_reading(source, self.wall(), bodies)
        now = self.wall()
        cache_key = (source.key, base)
        cached = None if provider.timed else self._parsed.get(cache_key)
        if cached and all(a is b for a, b in zip(cached[0], bodies, strict=True)):
            return replace(cached[1], at=now)  # nothing changed: no need to parse again
        reading = replace(provider.read(bodies, source, now), path=path, page_base=base)
        if reading.ok:
            self._parsed[cache_key] = (tuple(bodies), reading)
        else:
            self._forget(urls[0])
            self._parsed.pop(cache_key, None)
        for warning in reading.warnings:
            if (source.key, warning) not in self._warned:
                self._warned.add((source.key, warning))
                log.warning("%s: %s", source.name, warning)
        return reading

    def _document(self, url: str, required: bool) -> bytes | Failure:
        """An optional document that fails this time is taken as it was last read."""
        body = self._body(url)
        if isinstance(body, Failure) and not required:
            return self._bodies.get(url, body)
        return body

    def _body(self, url: str, accept: str | None = None) -> bytes | Failure:
        """A document's body: fresh, or the one kept from before when the server says 304."""
        response = self.fetcher.get(url, accept=accept)
        if isinstance(response, Failure):
            return response
        if response.not_modified:
            cached = self._bodies.get(url)
            if cached is not None:
                return cached
            self.fetcher.forget(url)  # a 304 with nothing kept: ask again for the body
            response = self.fetcher.get(url, conditional=False, accept=accept)
            if isinstance(response, Failure):
                return response
        self._bodies[url] = response.body
        return response.body

    def _forget(self, url: str) -> None:
        """Drop what is kept of a document that did not read well, so it is fetched whole."""
        self.fetcher.forget(url)
        self._bodies.pop(url, None)

    def feed_items(self, source: SourceSpec) -> dict[str, Item]:
        """Every item of the feed last read for ``source``: how items ended, while on the feed."""
        return self._feed_items[source.key][1]

    def api_blocks(self, source: SourceSpec) -> int:
        """Challenges from the page's API in a row."""
        return self._paths.failures((source.key, source.url))

    @staticmethod
    def _feed_url(source: SourceSpec) -> str:
        return f"{source.url.rstrip('/')}/history.atom"

    def _read_feed(self, source: SourceSpec) -> Reading:
        """The page's Atom feed as a reading: incidents and maintenances, no components."""
        from claude_beacon.core.feed import items_from_feed  # loaded for feeds only
        from claude_beacon.net import feedreader

        url = self._feed_url(source)
        body = self._body(url, accept=feedreader.ACCEPT)
        if isinstance(body, Failure):
            return failed_reading(source, self.wall(), body)
        cached = self._feed_items.get(source.key)
        if cached is None or cached[0] is not body:
            try:
                items = {i.id: i for i in items_from_feed(feedreader.entries(body), self.wall())}
            except feedreader.FeedError as exc:
                self._forget(url)
                failure = Failure(FailureKind.BAD_PAYLOAD, f"history feed not readable: {exc}")
                return failed_reading(source, self.wall(), failure)
            cached = self._feed_items[source.key] = (body, items)
        open_items = [i for i in cached[1].values() if not i.resolved]
        incidents = tuple(i for i in open_items if i.kind is ItemKind.INCIDENT)
        maintenances = tuple(i for i in open_items if i.kind is ItemKind.MAINTENANCE)
        levels = [i.level for i in open_items]
        return Reading(
            source=source,
            at=self.wall(),
            level=max([Level.OPERATIONAL, *levels]),
            page_url=source.url,
            incidents=incidents,
            maintenances=maintenances,
            path=ReadPath.FEED,
            limitations=("from the incident feed; component states unavailable",),
        )

    def history(
        self, source: SourceSpec, kinds: Iterable[ItemKind], base: str
    ) -> dict[str, Item] | None:
        """Items from the page's history endpoints, or ``None`` if any could not be read.

        A page without history documents lists only what is open: what left it has ended.
        """
        items: dict[str, Item] = {}
        if not PROVIDERS[source.kind].has_history:
            return items
        for kind in kinds:
            body = self._body(base.rstrip("/") + HISTORY_PATHS[kind])
            if isinstance(body, Failure):
                return None
            try:
                items.update((i.id, i) for i in statuspage.parse_history(body))
            except statuspage.PayloadError as exc:
                log.warning("%s: history not readable: %s", source.name, exc)
                return None
        return items
